"""Listing, post and menu texts for the range, with ground truth for everything they mention.

Each function is a pure function of the caller's ``random.Random``: the same seed gives the same Text,
byte for byte, so the range can render pages on demand and still agree with its ground truth. Texts mix
fragments per language (nine languages) and obfuscate substance names the way vendors do (leetspeak,
zero-width characters, homoglyphs, CAPS, decorative Unicode, emoji codes) so that extraction is measured
against realistic noise. Contacts are written verbatim: extraction of identifiers is tested elsewhere and
must not be confounded with obfuscation.

Ground-truth rules: every reported substance surface form occurs in the body (channels and later forum
posts show no title), each substance is reported once, and fixed template text avoids words that are
street names of other substances, so a mention the truth does not report is a genuine false positive.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from testsites.vocabulary import LAB_CHEMICALS, LANGS, SUBSTANCES, Chemical, Illicit, Substance

__all__ = ["FX", "KINDS", "Text", "menu", "obfuscate", "offer", "payload", "post"]

CATEGORIES = ("drug_offer", "precursor_offer", "other_illicit_offer")
KINDS = ("review", "scam_warning", "harm_reduction", "news", "question", "chatter", "legal_chemical")
# Fixed FX table (units of currency per USD): prices must not move with the real market between runs.
FX = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "RUB": 92.0, "UAH": 41.0}


@dataclass
class Text:
    """A generated text and the ground truth of what it mentions."""

    title: str
    body: str
    substances: list[dict] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    prices: list[dict] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)


# -------------------------------------------------------------------------------------------------------
# obfuscation
# -------------------------------------------------------------------------------------------------------

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")
_LAT2CYR = dict(zip("aeocpxyiAEOCPXBHKMT", "аеосрхуіАЕОСРХВНКМТ", strict=True))
_CYR2LAT = {v: k for k, v in _LAT2CYR.items()}
_LEET = {"a": "4", "e": "3", "o": "0", "i": "1", "s": "5", "t": "7", "A": "4", "E": "3", "O": "0", "I": "1",
         "S": "$", "T": "7", "о": "0", "О": "0", "з": "3", "З": "3", "ч": "4", "б": "6", "а": "@"}


def _styled(base_upper: int, base_lower: int) -> dict[str, str]:
    out = {chr(65 + i): chr(base_upper + i) for i in range(26)}
    out.update({chr(97 + i): chr(base_lower + i) for i in range(26)})
    return out


_DECOR_ALPHABETS = (
    _styled(0x1D400, 0x1D41A),  # mathematical bold
    _styled(0x1D5D4, 0x1D5EE),  # mathematical sans-serif bold
    _styled(0xFF21, 0xFF41),  # fullwidth
)


def _is_cyr(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _zero_width(rng: random.Random, word: str) -> str:
    chars = list(word)
    for _ in range(1 + (rng.random() < 0.3)):
        pos = rng.randint(1, len(chars) - 1)
        chars.insert(pos, rng.choice(ZERO_WIDTH))
    return "".join(chars)


def _swap(rng: random.Random, word: str, table: dict[str, str], most: int) -> str:
    spots = [i for i, ch in enumerate(word) if ch in table]
    if not spots:
        return word
    chars = list(word)
    for i in rng.sample(spots, min(len(spots), rng.randint(1, most))):
        chars[i] = table[chars[i]]
    return "".join(chars)


def _homoglyph(rng: random.Random, word: str) -> str:
    return _swap(rng, word, _CYR2LAT if _is_cyr(word) else _LAT2CYR, 2)


def _leet(rng: random.Random, word: str) -> str:
    return _swap(rng, word, _LEET, 2)


def _decorative(rng: random.Random, word: str) -> str:
    if _is_cyr(word):
        return word
    table = rng.choice(_DECOR_ALPHABETS)
    return "".join(table.get(ch, ch) for ch in word)


def _spaced(rng: random.Random, word: str) -> str:
    if " " in word or len(word) > 9:
        return word
    if rng.random() < 0.5:
        return rng.choice((".", "-", "*")).join(word)
    vowels = [i for i, ch in enumerate(word) if ch.lower() in "aeiouаеиоуыэюяі" and 0 < i < len(word) - 1]
    if not vowels:
        return word
    i = rng.choice(vowels)
    return word[:i] + "*" + word[i + 1 :]


_TECHNIQUES = ((_zero_width, 0.26), (_homoglyph, 0.22), (_leet, 0.22), (str.upper, 0.1), (_decorative, 0.1),
               (_spaced, 0.1))
_TECH_FUNCS = tuple(t[0] for t in _TECHNIQUES)
_TECH_WEIGHTS = tuple(t[1] for t in _TECHNIQUES)


def obfuscate(rng: random.Random, word: str) -> str:
    """Disguise a name the way vendors dodge keyword filters; the result always differs from ``word``."""
    if len(word) < 2:
        return word
    out = word
    for _ in range(4):
        fn = rng.choices(_TECH_FUNCS, _TECH_WEIGHTS)[0]
        out = fn(rng, word) if fn is not str.upper else word.upper()
        if out != word:
            break
    if out == word:
        out = _zero_width(rng, word)
    if rng.random() < 0.15 and "\u200b" not in out:  # a second layer now and then
        out = _zero_width(rng, out)
    return out


# -------------------------------------------------------------------------------------------------------
# shared word tables
# -------------------------------------------------------------------------------------------------------

# form key -> words in LANGS order (en, ru, uk, de, es, fr, pt, nl, pl); chosen not to be any street name
FORM_WORDS: dict[str, tuple[str, ...]] = {
    "powder": ("powder", "порошок", "порошок", "Pulver", "polvo", "poudre", "em pó", "poeder", "proszek"),
    "tar": ("tar", "смола", "смола", "Teer", "alquitrán", "goudron", "alcatrão", "teer", "smoła"),
    "rock": ("chunks", "камни", "камені", "Brocken", "roca", "roche", "rocha", "brokken", "bryłki"),
    "pressed": ("pressed pills", "прессованные таблетки", "пресовані таблетки", "gepresste Tabletten",
                "pastillas prensadas", "comprimés pressés", "comprimidos prensados", "geperste tabletten",
                "prasowane tabletki"),
    "spray": ("nasal spray", "назальный спрей", "назальний спрей", "Nasenspray", "spray nasal", "spray nasal",
              "spray nasal", "neusspray", "spray do nosa"),
    "pills": ("pills", "таблетки", "таблетки", "Tabletten", "pastillas", "comprimés", "comprimidos",
    "tabletten",
              "tabletki"),
    "liquid": ("liquid", "жидкость", "рідина", "flüssig", "líquido", "liquide", "líquido", "vloeibaar",
    "płyn"),
    "syrup": ("syrup", "сироп", "сироп", "Sirup", "jarabe", "sirop", "xarope", "siroop", "syrop"),
    "capsules": ("capsules", "капсулы", "капсули", "Kapseln", "cápsulas", "gélules", "cápsulas", "capsules",
                 "kapsułki"),
    "vials": ("vials", "ампулы", "ампули", "Ampullen", "ampollas", "ampoules", "ampolas", "ampullen",
    "ampułki"),
    "tabs": ("sublingual tabs", "таблетки под язык", "таблетки під язик", "Sublingualtabletten",
             "comprimidos sublinguales", "comprimés sublinguaux", "comprimidos sublinguais",
             "sublinguale tabletten", "tabletki podjęzykowe"),
    "strips": ("strips", "пластинки", "пластинки", "Filmstreifen", "tiras", "films", "tiras", "strips",
    "paski"),
    "flake": ("flake", "чешуя", "луска", "Flocken", "escamas", "écailles", "escamas", "vlokken", "płatki"),
    "crystal": ("crystals", "кристаллы", "кристали", "Kristalle", "rocas", "cristaux", "cristais",
    "kristallen",
                "kryształki"),
    "paste": ("paste", "паста", "паста", "Paste", "pasta", "pâte", "pasta", "pasta", "pasta"),
    "flower": ("flower", "соцветия", "суцвіття", "Blüten", "flores", "fleurs", "flores", "bloemen", "kwiaty"),
    "dried": ("dried", "сушёные", "сушені", "getrocknet", "secas", "séchés", "secos", "gedroogd", "suszone"),
    "resin": ("resin", "смола", "смола", "Harz", "resina", "résine", "resina", "hars", "żywica"),
    "gummies": ("gummies", "мармелад", "цукерки", "Fruchtgummis", "gominolas", "bonbons", "gomas", "gummies",
                "żelki"),
    "cart": ("cartridge", "картридж", "картридж", "Kartusche", "cartucho", "cartouche", "cartucho",
    "cartridge",
             "wkład"),
    "oil": ("oil", "масло", "олія", "Öl", "aceite", "huile", "óleo", "olie", "olej"),
    "wax": ("wax", "воск", "віск", "Wachs", "cera", "wax", "cera", "wax", "wosk"),
    "blotter": ("blotters", "марки", "марки", "Pappen", "secantes", "buvards", "selos", "blotters",
    "znaczki"),
    "bars": ("bars", "палочки", "палички", "Bars", "barras", "barres", "barras", "bars", "sztabki"),
    "tank": ("tank", "баллон", "балон", "Flasche", "bombona", "bonbonne", "cilindro", "tank", "butla"),
}
_LANG_INDEX = {lang: i for i, lang in enumerate(LANGS)}

_SPACE_OR_NOT = ("", " ")
# unit -> lang -> suffixes written after the number (a leading space is part of the suffix)
_UNIT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "g": {"en": ("g", " g", "gr", " grams"), "ru": ("г", " г", "гр", " гр"), "uk": ("г", " г", "гр"),
          "*": ("g", " g", "gr")},
    "kg": {"ru": (" кг", "кг"), "uk": (" кг", "кг"), "*": ("kg", " kg", " KG")},
    "oz": {"*": (" oz", "oz", " OZ")},
    "ml": {"ru": ("мл", " мл"), "uk": ("мл", " мл"), "*": (" ml", "ml", " mL")},
    "l": {"ru": (" л", "л"), "uk": (" л", "л"), "*": (" L", " l", "L")},
    "pill": {"en": (" pills", " pcs", " tabs"), "ru": (" шт", " таб", " штук"), "uk": (" шт", " таб"),
             "de": (" Stück", " Stk"), "es": (" pastillas", " uds"), "fr": (" comprimés", " pcs"),
             "pt": (" comprimidos", " un"), "nl": (" stuks", " pillen"), "pl": (" szt", " tabletek")},
    "blotter": {"en": (" tabs", " blotters", " hits"), "ru": (" марок", " шт"), "uk": (" марок", " шт"),
                "de": (" Pappen", " Stück"), "es": (" secantes", " uds"), "fr": (" buvards", " pcs"),
                "pt": (" selos", " un"), "nl": (" blotters", " stuks"), "pl": (" znaczków", " szt")},
    "unit": {"en": (" pcs", " units"), "ru": (" шт",), "uk": (" шт",), "de": (" Stk", " Stück"),
             "es": (" uds", " unidades"), "fr": (" pcs", " unités"), "pt": (" un", " unidades"),
             "nl": (" stuks",), "pl": (" szt",)},
    "ug": {"ru": ("мкг", " мкг"), "uk": ("мкг", " мкг"), "*": (" ug", "µg", " mcg")},
}
_UNIT_WORDS["tab"] = _UNIT_WORDS["pill"]

_LADDERS: dict[str, tuple[float, ...]] = {
    "g": (0.5, 1, 2, 3.5, 5, 7, 10, 14, 28, 50, 100, 250, 500, 1000),
    "pill": (1, 5, 10, 20, 25, 50, 100, 200, 500, 1000),
    "blotter": (1, 5, 10, 25, 50, 100, 250, 500),
    "ml": (5, 10, 30, 50, 100, 250, 500, 1000),
    "kg": (1, 5, 10, 25, 50, 100, 200, 500, 1000),
    "unit": (1, 2, 5, 10, 20, 50, 100, 500, 1000),
    "ug": (100, 250, 500, 1000),
}
_LADDERS["tab"] = _LADDERS["pill"]
_LADDERS["l"] = _LADDERS["kg"]
# seizure sizes for news, in the substance's own unit
_NEWS_AMOUNTS = {"g": (5_000, 12_000, 40_000, 120_000, 350_000, 1_500_000), "pill": (10_000, 50_000, 250_000),
                 "blotter": (5_000, 20_000, 80_000), "ml": (20_000, 100_000), "kg": (500, 2_000, 12_000),
                 "l": (800, 4_000, 20_000), "unit": (50, 300, 1_000), "ug": (100_000,),
                 "tab": (10_000, 40_000)}

_THOUSANDS = {"en": ",", "de": ".", "es": ".", "pt": ".", "nl": ".", "fr": " ", "ru": " ", "uk": " ",
              "pl": " "}
_MONEY: dict[str, tuple[str, ...]] = {
    "USD": ("${n}", "{n}$", "{n} USD", "USD {n}", "$ {n}"),
    "EUR": ("{n} €", "€{n}", "{n}€", "{n} EUR", "EUR {n}"),
    "GBP": ("£{n}", "{n} GBP", "£ {n}"),
    "RUB": ("{n} ₽", "{n}₽", "{n} руб", "{n} руб.", "{n}р", "{n} RUB"),
    "UAH": ("{n} грн", "{n}₴", "{n} ₴", "{n} UAH", "{n}грн"),
}

# emoji codes: the first of each is the substance's code in menus; _EMOJI_ONLY codes stand alone for a name
_EMOJI: dict[str, tuple[str, ...]] = {
    "cocaine": ("❄️", "⛄"), "crack cocaine": ("🪨",), "methamphetamine": ("💎", "🧊"),
    "amphetamine": ("⚡",), "mephedrone": ("😺", "🐱"), "alpha-pvp": ("🧂",),
    "cannabis": ("🍁", "🌿", "🥦"), "cannabis resin": ("🍫",),
    "cannabis edibles": ("🍪", "🍬"), "thc oil": ("💨",), "cannabis concentrate": ("🍯",),
    "mdma": ("💊", "💖"), "mda": ("💗",), "lsd": ("🌈", "🍭"),
    "psilocybin mushrooms": ("🍄",), "dmt": ("👽",), "mescaline": ("🌵",), "2c-b": ("🦋",),
    "ketamine": ("🦄", "🐴"), "heroin": ("🐎", "🐉"), "ghb": ("💧",),
    "nitrous oxide": ("🎈",), "synthetic cannabinoids": ("🌪️",), "codeine": ("🍇", "🥤"),
}
_EMOJI_BY_UNIT = {"pill": "💊", "tab": "💊", "ml": "🧴", "g": "🧪", "blotter": "🎟️", "ug": "🧪"}
_EMOJI_ONLY = {"cocaine": "❄️", "cannabis": "🍁", "methamphetamine": "💎", "psilocybin mushrooms": "🍄",
               "mephedrone": "😺", "heroin": "🐎", "ketamine": "🦄", "lsd": "🌈"}
_DECOR = ("🔥", "✅", "⭐", "💯", "📦", "🔝", "🏆", "👑", "🚀", "✨", "★", "☆", "⚜️", "〽️")

# contact labels: generic ones, local ones, and the way each language labels a wallet
_LABELS: dict[str, tuple[str, ...]] = {
    "telegram": ("Telegram:", "tg:", "TG:", "✈️ Telegram:", "Telegram ➜"),
    "session_id": ("Session:", "Session ID:", "Session messenger:"),
    "wickr": ("Wickr:", "Wickr Me:", "wickr me -"),
    "threema": ("Threema:", "Threema ID:"),
    "email": ("Email:", "E-mail:", "📧", "mail:"),
    "phone": ("WhatsApp:", "WhatsApp/Signal:", "Signal:", "Viber/WhatsApp:", "📱"),
    "xmpp": ("Jabber:", "XMPP:", "jabber/xmpp:"),
    "snapchat": ("Snapchat:", "Snap:"),
    "iban": ("IBAN:", "SEPA:"),
    "onion": ("Mirror:", "Shop:", "🧅"),
    "card": ("Card:", "Card number:"),
}
_LOCAL_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {"telegram": ("Телеграм:", "ТГ:", "пишите в тг"), "email": ("почта:",), "phone": ("тел:",
    "WhatsApp/тел:"),
           "onion": ("зеркало:",), "card": ("карта:",)},
    "uk": {"telegram": ("Телеграм:", "ТГ:", "пишіть у тг"), "email": ("пошта:",), "phone": ("тел:",),
           "onion": ("дзеркало:",), "card": ("картка:",)},
    "de": {"phone": ("Tel./WhatsApp:", "Handy:"), "onion": ("Spiegel:",), "card": ("Karte:",)},
    "es": {"phone": ("Tel/WhatsApp:",
    "Móvil:"), "email": ("correo:",), "onion": ("espejo:",), "card": ("tarjeta:",)},
    "fr": {"phone": ("Tél/WhatsApp :", "Portable :"), "email": ("courriel :",), "onion": ("miroir :",),
           "card": ("carte :",)},
    "pt": {"phone": ("Tel/WhatsApp:", "Telemóvel:"), "onion": ("espelho:",), "card": ("cartão:",)},
    "nl": {"phone": ("Tel/WhatsApp:", "Mobiel:"), "onion": ("spiegel:",), "card": ("kaart:",)},
    "pl": {"phone": ("Tel/WhatsApp:", "Komórka:"), "onion": ("lustro:",), "card": ("karta:",)},
}
_WALLET: dict[str, tuple[str, ...]] = {
    "en": ("{c} only:", "Pay {c}:", "{c}:", "{c} (preferred):", "Send {c} to"),
    "ru": ("Оплата {c}:", "Кошелёк {c}:", "{c}:"), "uk": ("Оплата {c}:", "Гаманець {c}:", "{c}:"),
    "de": ("Zahlung {c}:", "{c}-Adresse:", "{c}:"), "es": ("Pago {c}:", "Dirección {c}:", "{c}:"),
    "fr": ("Paiement {c} :", "Adresse {c} :", "{c} :"), "pt": ("Pagamento {c}:", "Carteira {c}:", "{c}:"),
    "nl": ("Betalen {c}:", "{c}-adres:", "{c}:"), "pl": ("Płatność {c}:", "Portfel {c}:", "{c}:"),
}
_COIN_NAMES = {"TRX": ("TRX", "USDT TRC20", "USDT (TRC20)"), "ETH": ("ETH", "USDT ERC20"),
               "XMR": ("XMR", "Monero"), "BTC": ("BTC", "Bitcoin"), "LTC": ("LTC", "Litecoin")}
_CYR_TRADE = {"BMK": "БМК", "PMK": "ПМК", "new BMK": "новый БМК", "P2P": "Р2Р", "BMK oil": "БМК масло",
              "PMK oil": "ПМК масло", "new PMK": "новый ПМК", "GBL": "ГБЛ", "BMK glycidate": "БМК глицидат",
              "PMK glycidate": "ПМК глицидат"}
_GRADES = ("food grade", "technical grade", "USP grade", "reagent grade", "ACS grade", "pharma grade")

# -------------------------------------------------------------------------------------------------------
# templates per language. Placeholders: sub q p purity city form emo deco ship days days2 n cas adj place
# fent date grade year. Titles of posts never carry {q} or {fent}: channels and replies show no title, so
# everything reported must be in the body. *_l are lead sentences (they name the item), *_m the rest.
# -------------------------------------------------------------------------------------------------------

_T: dict[str, dict[str, tuple[str, ...]]] = {}

_T["en"] = dict(
    d_title=("{emo} {sub} {purity}% pure {q} {emo}", "{sub} {form} | {q} | {ship}",
             "[{ship}] {sub} - {q} - FE for trusted",
             "{deco} {sub} {q} {deco} stealth shipping", "{sub} x {q} | lab tested {purity}%",
             "TOP {sub} {form} {q} {deco}", "{emo} {sub} {emo} {q} | free reship"),
    d_intro=("Selling {adj} {sub} {form}, straight from the source.",
             "Back in stock: {sub} ({form}), {adj} quality, same batch as last month.",
             "This is {adj} {sub}, not the stepped-on garbage you find elsewhere.",
             "{sub} {form} - {adj}, {n}+ happy customers.",
             "Our {sub} is {adj} and consistent, {n} orders shipped."),
    d_quality=("Purity {purity}% confirmed by independent lab test, results on request.",
               "Reagent tested, {purity}% on our last GC-MS.",
               "Every batch is tested, expect around {purity}% purity.",
               "No cuts, no fillers - {purity}% what you see."),
    d_ship=("Stealth shipping: vacuum sealed, MBB, smell proof, ships within 24h.",
            "Shipping to {ship} in {days} days, tracking available.",
            "Professional stealth, decoy packaging, no signature needed.",
            "Orders before 2pm ship the same day, {days} days to {ship} on average."),
    d_escrow=("Escrow only for new buyers, FE for 10+ orders.",
              "We accept escrow and multisig. FE available for trusted customers.",
              "Finalize when you receive, no early finalize requests.", "Payment in XMR gets 5% off."),
    d_reship=("Reship policy: 100% reship on first loss, 50% after that.",
              "Lost parcels are reshipped once, keep your tracking.",
              "No reship for wrong addresses, double-check before ordering.",
              "Seized? Send the letter and we reship."),
    d_close=("Leave feedback please!", "Thanks for choosing us.", "Stay safe and test everything.",
             "Bulk deals on request.", "PGP encrypted messages only."),
    prices=("Prices:", "Price list:", "💰 Prices", "Tiers:", "PRICING"),
    contact=("Contact:", "Contacts:", "Reach us:", "📩 Contact", "Get in touch:"),
    adj=("premium", "top shelf", "uncut", "high grade", "pharma grade", "A+", "clean", "fire"),
    ship=("EU", "UK", "USA", "AU", "Worldwide", "Canada", "EU + UK"),
    city=("London", "Berlin", "Amsterdam", "New York", "Toronto", "Sydney"),
    place=("Rotterdam", "Antwerp", "Hamburg", "Los Angeles", "Sydney", "Vancouver", "Felixstowe"),
    c_title=("{sub} CAS {cas} high purity {purity}% in stock",
             "Factory supply {sub} {cas} safe delivery to {ship}",
             "{sub} | CAS {cas} | door to door", "Hot sale {sub} with best price",
             "{sub} {purity}% high yield"),
    c_tcas=("CAS {cas} {purity}% in stock, safe delivery", "cas:{cas} factory direct | {ship}",
            "CAS NO. {cas} hot sale"),
    c_intro=("We supply {sub} (CAS {cas}) in bulk, purity {purity}%.",
             "High quality {sub}, CAS: {cas}, factory price, high yield.",
             "{sub} cas:{cas} available now, stock in EU and China warehouses.",
             "Professional supplier of {sub}, {n} tons sold last year."),
    c_icas=("Product CAS {cas}, purity {purity}%, powder and oil forms.",
            "We have CAS {cas} in stock, high yield."),
    c_quality=("COA, MSDS and HNMR available on request.",
               "High yield guaranteed, repeat customers get discounts.",
               "Double-layer packaging, sample available.", "Purity {purity}%, tested before shipment."),
    c_ship=("Safe delivery to EU/RU/AU/CA, door to door, 100% customs clearance.",
            "Delivery time {days}-{days2} days, tracking number provided.",
            "Shipping from Netherlands and Poland warehouses, no customs issues.",
            "Safe delivery to {ship}, free re-send if seized."),
    c_pay=("Payment: BTC, USDT, Western Union.", "MOQ 1 kg, discounts from 10 kg.",
           "We accept crypto and bank transfer."),
    i_title=("{sub} {deco} {ship} | {q}", "High quality {sub} - {q}", "{sub} ✅ fast delivery ✅",
             "{deco} {sub} {deco} | from {p}"),
    i_intro=("Selling {sub}, real quality, passes checks.",
             "{sub} available, {n}+ sold, replacement if invalid.",
             "Top quality {sub}, made by professionals."),
    i_extra=("Delivery worldwide in {days} days.", "Escrow accepted.", "Bulk discounts, DM for details.",
             "Replacement within 24h if not working."),
    m_title=("{deco} MENU {date} {deco}", "PRICE LIST {deco}", "{deco} Fresh menu, restocked {deco}",
             "Today's menu {date}"),
    m_foot=("Orders via bot, delivery 24/7.", "Minimum order 50, discounts for regulars.",
            "Dead drops and courier available.", "DM to order, no time wasters."),
    review_t=("Review: {sub}", "{sub} - honest review", "[REVIEW] {sub} from the new vendor",
              "My experience with {sub}"),
    review_l=("Ordered {q} of {sub}, arrived in {days} days, stealth was on point.",
              "Got my {sub} today, weighed {q} on the dot.", "The {sub} is {adj}, way better than my local."),
    review_m=("Would order again, 9/10.", "Only complaint: took a while to ship.",
              "Vendor answered messages fast.",
              "Packaging was perfect, nothing smelled.", "Quality {purity}/100, no complaints."),
    scam_warning_t=("SCAM WARNING - do not order from this vendor", "Exit scam incoming?",
                    "Beware: fake escrow site",
                    "Phishing links going around"),
    scam_warning_l=("Sent payment, never got tracking, now the account is gone.",
                    "They ask you to finalize early and then disappear.",
                    "A phishing mirror is circulating, always verify the PGP signed links."),
    scam_warning_m=("Admins, please ban this vendor.", "Never FE with new vendors.",
                    "Check the canary before depositing.",
                    "Lesson learned the hard way."),
    harm_reduction_t=("Harm reduction: {sub} dosing", "PSA: test your {sub}", "Stay safe with {sub}",
                      "Read this before taking {sub}"),
    harm_reduction_l=("Start low, go slow: {sub} from a new batch can be much stronger.",
                      "If you use {sub}, never use alone.",
                      "Weigh your {sub} with a milligram scale, eyeballing doses is how people overdose."),
    harm_reduction_m=("Use {fent} test strips on every batch, they cost almost nothing.",
                      "Carry naloxone (Narcan) and know how to use it.",
                      "Do not mix with alcohol or other depressants.",
                      "Reagent kits (Marquis, Mecke) tell you what is really in there.",
                      "Pressed pills are often laced with {fent}."),
    news_t=("Police seize {sub} in {place}", "Arrest in {place}: {sub} network dismantled",
            "New law targets {sub} analogues", "Record {sub} haul in {place}"),
    news_l=("Authorities in {place} seized {q} of {sub} hidden in a shipment of fruit.",
            "Customs in {place} found {q} of {sub} in a container.",
            "Officials say {sub} worth millions was sold on darknet markets and via Telegram."),
    news_m=("Three suspects were arrested, the investigation is ongoing.",
            "The new law takes effect next month.",
            "Police say more arrests are expected.", "The market's admins have not commented."),
    question_t=("Where to get {sub} in {place}?", "Question about {sub}", "Newbie question: {sub}",
                "Is this {sub} legit?"),
    question_l=("New here, looking for a reliable vendor for {sub}.",
                "Is it safe to order {q} of {sub} to {ship}?",
                "How do you test {sub} at home?"),
    question_m=("How long does shipping to {ship} usually take?", "Any tips on escrow?", "Thanks in advance.",
                "Sorry if this was asked before."),
    chatter_t=("Anyone else's Tor super slow today?", "What are you listening to?", "Markets down again",
               "Weekend thread"),
    chatter_l=("Tor has been crawling all day, markets keep timing out.", "Remember to use PGP, people.",
               "Weekend plans anyone?"),
    chatter_m=("Monero fees are tiny right now.", "Stay safe out there.", "Lol this forum never changes.",
               "Mods pls pin the mirror list."),
    legal_chemical_t=("{sub} CAS {cas} {purity}% {grade}", "{sub} ({cas}) - industrial supply",
                      "{sub} {grade}, factory price"),
    legal_chemical_l=("{sub}, CAS {cas}, purity ≥{purity}%, {grade}.",
                      "We supply {sub} (CAS {cas}) for industrial and laboratory use."),
    legal_chemical_m=("Used in food, cosmetics, cleaning and laboratories.",
                      "COA and MSDS provided with every order.",
                      "Shelf life 24 months, store in a dry place."),
    legal_chemical_p=("Packing: {q} bag or drum, price {p}.", "Price {p} per {q}.",
                      "{q} for {p}, bulk discounts available."),
)

_T["ru"] = dict(
    d_title=("{sub} {form} {q} | закладка {city}", "{emo} {sub} {purity}% {q} {emo}",
             "{deco} {sub} VHQ {q} {deco}",
             "{sub} {q} — {city}, моментальные клады", "{sub} {form} | {q} | опт и розница",
             "{emo} {sub} {q} | {city}"),
    d_intro=("В наличии {sub} ({form}), {adj} качество.", "{sub} {form} — {adj} качество, {n}+ продаж.",
             "Новая партия: {sub}, без бодяги, {adj} качество.",
             "Всегда в наличии {sub}, работаем с {year} года."),
    d_quality=("Чистота {purity}%, есть лабораторный тест.", "Каждая партия проверяется реагентами.",
               "Качество стабильное, {purity}% по последнему анализу.",
               "Никаких примесей, {purity}% чистоты."),
    d_ship=("Город: {city}. Закладки: магнит, прикоп, тайник.",
            "Клады 24/7, фото и координаты сразу после оплаты.",
            "Отправка почтой по {ship}, вакуум и стелс.", "Доставка {days} дня, трек-номер выдаём."),
    d_escrow=("Работаем через гаранта, для постоянных — без.", "Оплата через обменник или BTC, автопродажи.",
              "Для новых клиентов — только через гаранта площадки."),
    d_reship=("Ненаход — перезаклад после проверки.", "При ненаходе пишите в течение 2 часов, решаем вопрос.",
              "Перезаклад 50% при ненаходе с фото."),
    d_close=("Спасибо, что выбираете нас!", "Оставляйте отзывы.", "Берегите себя.", "Опт обсуждается."),
    prices=("Цены:", "Прайс:", "💰 Цены", "Прайс-лист:"),
    contact=("Связь:", "Контакты:", "Оператор:", "По всем вопросам:"),
    adj=("отличное", "топовое", "высокое", "премиальное", "стабильное"),
    ship=("РФ", "СНГ", "РБ", "Казахстану"),
    city=("Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Краснодар", "Самара",
          "Минск"),
    place=("в Москве", "в Петербурге", "в Новосибирске", "в Казани", "в Ростове"),
    c_title=("{sub} CAS {cas} чистота {purity}%", "Продам {sub} {cas}, доставка по {ship}",
             "{sub} | CAS {cas} | опт от 1 кг",
             "{sub} в наличии, высокий выход"),
    c_tcas=("CAS {cas} в наличии, доставка по {ship}", "cas:{cas} опт, прямые поставки"),
    c_intro=("Продаём {sub} (CAS {cas}) оптом, чистота {purity}%.",
             "{sub}, CAS: {cas}, цена от производителя, высокий выход.",
             "{sub} cas:{cas} в наличии на складе."),
    c_icas=("Товар CAS {cas}, чистота {purity}%, порошок и масло.",
            "В наличии CAS {cas}, высокий выход, лучшая цена."),
    c_quality=("COA и MSDS по запросу.", "Высокий выход гарантирован, постоянным скидки.",
               "Двойная упаковка, есть пробники."),
    c_ship=("Безопасная доставка по {ship}, от двери до двери.",
            "Срок доставки {days}-{days2} дней, трек-номер.",
            "Отправка со склада в Европе, без проблем на таможне."),
    c_pay=("Оплата: BTC, USDT.", "Минимальный заказ 1 кг.", "Принимаем крипту."),
    i_title=("{sub} {deco} | {q}", "Качественные {sub} — {q}", "{sub} ✅ быстро ✅",
             "{deco} {sub} {deco} | от {p}"),
    i_intro=("Продаю {sub}, реальное качество, проходит проверки.",
             "{sub} в наличии, {n}+ продано, замена при невалиде.",
             "{sub} от профессионалов."),
    i_extra=("Доставка {days} дней.", "Работаем через гаранта.", "Опт — скидки, пишите.",
             "Замена в течение 24 часов."),
    m_title=("{deco} МЕНЮ {date} {deco}", "ПРАЙС {deco}", "{deco} Свежее поступление {deco}",
             "Актуальное меню {date}"),
    m_foot=("Заказ через бота, работаем 24/7.", "Клады по всему городу.", "Постоянным клиентам скидки.",
            "Курьер по городу от 2 шт."),
    review_t=("Отзыв: {sub}", "{sub} — честный отзыв", "[ОТЗЫВ] {sub} у нового магазина", "Мой опыт с {sub}"),
    review_l=("Взял {q} {sub}, клад нашёл сразу, всё чётко.", "Брал {sub}, вес {q} ровно.",
              "{sub} — {adj} качество, лучше чем было раньше."),
    review_m=("Буду брать ещё, 9/10.", "Оператор отвечает быстро.", "Упаковка отличная.",
              "Единственный минус — долго ждал адрес."),
    scam_warning_t=("ОСТОРОЖНО, КИДАЛЫ", "Магазин пропал с деньгами", "Фейковый гарант, не ведитесь"),
    scam_warning_l=("Оплатил, адреса так и не получил, аккаунт удалён.",
                    "Просят оплату напрямую мимо гаранта и пропадают.",
                    "Ходит фишинговое зеркало, проверяйте ссылки с подписью PGP."),
    scam_warning_m=("Админы, забаньте их.", "Никогда не платите мимо гаранта.", "Будьте внимательны."),
    harm_reduction_t=("Снижение вреда: {sub}", "Проверяйте {sub}!", "Безопасность при употреблении: {sub}"),
    harm_reduction_l=("Начинайте с малой дозы: новая партия {sub} может быть сильнее.",
                      "Если употребляете {sub}, не делайте этого в одиночку.",
                      "Взвешивайте {sub} на ювелирных весах."),
    harm_reduction_m=("Используйте тест-полоски на {fent}, они стоят копейки.", "Держите налоксон под рукой.",
                      "Не смешивайте с алкоголем.", "Реагентные тесты покажут, что внутри.",
                      "Прессованные таблетки часто содержат {fent}."),
    news_t=("Изъятие: {sub} {place}", "Задержание {place}: ликвидирована сеть, продававшая {sub}",
            "Новый закон против аналогов: {sub}"),
    news_l=("Полиция {place} изъяла {q} — {sub} в партии фруктов.",
            "Таможня {place} обнаружила {q}, это {sub}, в контейнере.",
            "По данным следствия, {sub} продавали через даркнет и Telegram."),
    news_m=("Задержаны трое подозреваемых, следствие продолжается.",
            "Закон вступит в силу в следующем месяце.",
            "Ожидаются новые задержания."),
    question_t=("Где найти {sub} {place}?", "Вопрос про {sub}", "Новичок: {sub}"),
    question_l=("Подскажите надёжный магазин, где есть {sub}.", "Безопасно ли заказывать {q}, {sub}, почтой?",
                "Как проверить {sub} дома?"),
    question_m=("Сколько обычно идёт доставка?", "Как работает гарант?", "Заранее спасибо."),
    chatter_t=("Тор сегодня еле живой", "Что слушаете?", "Площадка опять лежит"),
    chatter_l=("Тор весь день тормозит, сайты не открываются.", "Не забывайте про PGP.",
               "Планы на выходные?"),
    chatter_m=("Комиссии в Monero сейчас копеечные.", "Берегите себя.", "Модеры, закрепите список зеркал."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) — промышленные поставки"),
    legal_chemical_l=("{sub}, CAS {cas}, чистота ≥{purity}%, {grade}.",
                      "Поставляем {sub} (CAS {cas}) для промышленности и лабораторий."),
    legal_chemical_m=("Применяется в пищевой промышленности, косметике и лабораториях.",
                      "COA и MSDS к каждому заказу.",
                      "Срок хранения 24 месяца."),
    legal_chemical_p=("Фасовка: {q}, цена {p}.", "Цена {p} за {q}."),
)

_T["uk"] = dict(
    d_title=("{sub} {form} {q} | закладка {city}", "{emo} {sub} {purity}% {q} {emo}",
             "{deco} {sub} {q} — {city} {deco}",
             "{sub} | {q} | опт і роздріб", "{sub} {q} — миттєві клади, {city}"),
    d_intro=("В наявності {sub} ({form}), {adj} якість.", "{sub} {form} — {adj} якість, {n}+ продажів.",
             "Нова партія: {sub}, без домішок.", "Завжди в наявності {sub}, працюємо з {year} року."),
    d_quality=("Чистота {purity}%, є лабораторний тест.", "Кожна партія перевіряється реагентами.",
               "Якість стабільна, {purity}% за останнім аналізом."),
    d_ship=("Місто: {city}. Закладки: магніт, прикоп, тайник.",
            "Клади 24/7, фото й координати одразу після оплати.",
            "Відправка Новою Поштою по {ship}, вакуум і стелс.", "Доставка {days} дні, трек-номер видаємо."),
    d_escrow=("Працюємо через гаранта.", "Оплата через обмінник або BTC.",
              "Для нових клієнтів — лише через гаранта майданчика."),
    d_reship=("Ненахід — перезаклад після перевірки.", "При ненаході пишіть протягом 2 годин."),
    d_close=("Дякуємо, що обираєте нас!", "Залишайте відгуки.", "Бережіть себе."),
    prices=("Ціни:", "Прайс:", "💰 Ціни"),
    contact=("Зв'язок:", "Контакти:", "Оператор:"),
    adj=("відмінна", "топова", "висока", "преміальна", "стабільна"),
    ship=("Україні", "ЄС", "всій Україні"),
    city=("Київ", "Харків", "Одеса", "Дніпро", "Львів", "Запоріжжя", "Вінниця"),
    place=("у Києві", "в Одесі", "у Харкові", "у Львові", "у Дніпрі"),
    c_title=("{sub} CAS {cas} чистота {purity}%", "Продам {sub} {cas}, доставка по {ship}",
             "{sub} | CAS {cas} | опт від 1 кг"),
    c_tcas=("CAS {cas} в наявності, доставка по {ship}", "cas:{cas} опт, прямі поставки"),
    c_intro=("Продаємо {sub} (CAS {cas}) оптом, чистота {purity}%.",
             "{sub}, CAS: {cas}, ціна від виробника, високий вихід."),
    c_icas=("Товар CAS {cas}, чистота {purity}%.", "В наявності CAS {cas}, високий вихід."),
    c_quality=("COA та MSDS на запит.", "Високий вихід гарантовано.", "Подвійне пакування, є пробники."),
    c_ship=("Безпечна доставка по {ship}, від дверей до дверей.",
            "Термін доставки {days}-{days2} днів, трек-номер."),
    c_pay=("Оплата: BTC, USDT.", "Мінімальне замовлення 1 кг."),
    i_title=("{sub} {deco} | {q}", "Якісні {sub} — {q}", "{sub} ✅ швидко ✅"),
    i_intro=("Продаю {sub}, реальна якість, проходить перевірки.",
             "{sub} в наявності, {n}+ продано, заміна, якщо невалід."),
    i_extra=("Доставка {days} днів.", "Працюємо через гаранта.", "Опт — знижки."),
    m_title=("{deco} МЕНЮ {date} {deco}", "ПРАЙС {deco}", "{deco} Свіже надходження {deco}",
             "Актуальне меню {date}"),
    m_foot=("Замовлення через бота, працюємо 24/7.", "Клади по всьому місту.", "Постійним клієнтам знижки."),
    review_t=("Відгук: {sub}", "{sub} — чесний відгук", "Мій досвід: {sub}"),
    review_l=("Взяв {q}, {sub}, клад знайшов одразу.", "Брав {sub}, вага {q} рівно.",
              "{sub} — {adj} якість."),
    review_m=("Братиму ще, 9/10.", "Оператор відповідає швидко.", "Пакування відмінне."),
    scam_warning_t=("ОБЕРЕЖНО, КИДАЛИ", "Магазин зник з грошима", "Фейковий гарант"),
    scam_warning_l=("Оплатив, адресу так і не отримав, акаунт видалено.",
                    "Просять оплату напряму повз гаранта і зникають."),
    scam_warning_m=("Адміни, забаньте їх.", "Ніколи не платіть повз гаранта.", "Будьте уважні."),
    harm_reduction_t=("Зменшення шкоди: {sub}", "Перевіряйте {sub}!", "Безпека: {sub}"),
    harm_reduction_l=("Починайте з малої дози: нова партія {sub} може бути сильнішою.",
                      "Якщо вживаєте {sub}, не робіть цього наодинці."),
    harm_reduction_m=("Використовуйте тест-смужки на {fent}.", "Тримайте налоксон під рукою.",
                      "Не змішуйте з алкоголем."),
    news_t=("Вилучення: {sub} {place}", "Затримання {place}: {sub}", "Новий закон проти аналогів: {sub}"),
    news_l=("Поліція {place} вилучила {q} — {sub}.", "Митниця {place} виявила {q}, це {sub}, у контейнері.",
            "За даними слідства, {sub} продавали через даркнет і Telegram."),
    news_m=("Затримано трьох підозрюваних.", "Закон набуде чинності наступного місяця."),
    question_t=("Де знайти {sub} {place}?", "Питання про {sub}", "Новачок: {sub}"),
    question_l=("Підкажіть надійний магазин, де є {sub}.", "Чи безпечно замовляти {q}, {sub}, поштою?"),
    question_m=("Скільки зазвичай йде доставка?", "Як працює гарант?", "Дякую заздалегідь."),
    chatter_t=("Тор сьогодні ледве живий", "Що слухаєте?", "Майданчик знову лежить"),
    chatter_l=("Тор весь день гальмує.", "Не забувайте про PGP.", "Плани на вихідні?"),
    chatter_m=("Комісії в Monero зараз копійчані.", "Бережіть себе.", "Модери, закріпіть список дзеркал."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) — промислові поставки"),
    legal_chemical_l=("{sub}, CAS {cas}, чистота ≥{purity}%, {grade}.",
                      "Постачаємо {sub} (CAS {cas}) для лабораторій."),
    legal_chemical_m=("Застосовується в харчовій промисловості та лабораторіях.",
                      "COA та MSDS до кожного замовлення."),
    legal_chemical_p=("Фасування: {q}, ціна {p}.", "Ціна {p} за {q}."),
)

_T["de"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | Versand {ship}",
             "[{ship}] {sub} – {q} – Top Qualität",
             "{deco} {sub} {q} {deco} diskreter Versand", "{sub} {form} ab {q} – laborgetestet"),
    d_intro=("Verkaufe {sub} ({form}), direkt von der Quelle. Qualität: {adj}.",
             "Wieder auf Lager: {sub}, gleiche Charge wie letzten Monat.",
             "{sub} {form} – {adj}, über {n} zufriedene Kunden.",
             "Unser {sub} ist nicht gestreckt, Qualität {adj}."),
    d_quality=("Reinheit {purity}%, Labortest auf Anfrage.",
               "Mit Reagenzien getestet, letzte Analyse {purity}%.",
               "Jede Charge wird getestet."),
    d_ship=("Diskreter Versand: vakuumiert, geruchsdicht, Versand innerhalb 24h.",
            "Versand nach {ship} in {days} Tagen, mit Sendungsverfolgung.",
            "Professionelles Stealth, keine Unterschrift nötig.", "Packstation möglich, Versand Mo–Fr."),
    d_escrow=("Nur Escrow für Neukunden, FE ab 10 Bestellungen.", "Treuhand (Escrow) und Multisig möglich.",
              "Bitte erst nach Erhalt finalisieren."),
    d_reship=("Reship: 100% beim ersten Verlust, danach 50%.",
              "Verlorene Pakete werden einmal nachgeschickt."),
    d_close=("Bitte Feedback hinterlassen!", "Danke für euer Vertrauen.", "Bleibt safe.",
             "Großmengen auf Anfrage."),
    prices=("Preise:", "Preisliste:", "💰 Preise"),
    contact=("Kontakt:", "Kontakte:", "📩 Kontakt"),
    adj=("sehr gut", "top", "erstklassig", "ausgezeichnet", "bombe"),
    ship=("DE", "EU", "AT/CH", "ganz Europa"),
    city=("Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Wien", "Zürich"),
    place=("Hamburg", "Berlin", "Frankfurt", "München", "Bremerhaven"),
    c_title=("{sub} CAS {cas} Reinheit {purity}%", "{sub} {cas} ab Werk, sichere Lieferung nach {ship}",
             "{sub} | CAS {cas} | Lieferung bis zur Haustür"),
    c_tcas=("CAS {cas} auf Lager, sichere Lieferung", "cas:{cas} direkt vom Hersteller"),
    c_intro=("Wir liefern {sub} (CAS {cas}) in großen Mengen, Reinheit {purity}%.",
             "{sub}, CAS: {cas}, Fabrikpreis, hohe Ausbeute."),
    c_icas=("Produkt CAS {cas}, Reinheit {purity}%.", "CAS {cas} auf Lager, hohe Ausbeute."),
    c_quality=("COA und MSDS auf Anfrage.", "Hohe Ausbeute garantiert.",
               "Doppelte Verpackung, Muster verfügbar."),
    c_ship=("Sichere Lieferung nach {ship}, von Tür zu Tür, 100% Zollabfertigung.",
            "Lieferzeit {days}-{days2} Tage."),
    c_pay=("Zahlung: BTC, USDT.", "Mindestmenge 1 kg."),
    i_title=("{sub} {deco} | {q}", "Hochwertige {sub} – {q}", "{sub} ✅ schnelle Lieferung ✅"),
    i_intro=("Verkaufe {sub}, echte Qualität, besteht jede Prüfung.",
             "{sub} verfügbar, {n}+ verkauft, Ersatz bei Fehler."),
    i_extra=("Lieferung in {days} Tagen.", "Escrow akzeptiert.", "Mengenrabatt auf Anfrage."),
    m_title=("{deco} MENÜ {date} {deco}", "PREISLISTE {deco}", "{deco} Frisch aufgefüllt {deco}"),
    m_foot=("Bestellung per Bot, Lieferung 24/7.", "Kurier in der Stadt verfügbar.",
            "Stammkunden bekommen Rabatt."),
    review_t=("Review: {sub}", "{sub} – ehrliche Bewertung", "Erfahrung mit {sub}"),
    review_l=("{q} {sub} bestellt, nach {days} Tagen angekommen, Stealth top.",
              "Das {sub} ist {adj}, Gewicht {q} genau."),
    review_m=("Würde wieder bestellen, 9/10.", "Vendor antwortet schnell.", "Verpackung perfekt."),
    scam_warning_t=("SCAM-WARNUNG – nicht bei diesem Vendor bestellen", "Exit-Scam?",
                    "Achtung: gefälschte Escrow-Seite"),
    scam_warning_l=("Bezahlt, nie Tracking bekommen, jetzt ist der Account weg.",
                    "Sie verlangen FE und verschwinden dann."),
    scam_warning_m=("Admins, bitte bannen.", "Nie FE bei neuen Vendoren.", "Prüft die PGP-signierten Links."),
    harm_reduction_t=("Safer Use: {sub}", "PSA: testet euer {sub}", "Sicher bleiben mit {sub}"),
    harm_reduction_l=("Niedrig anfangen: {sub} aus einer neuen Charge kann viel stärker sein.",
                      "Wer {sub} nimmt, sollte nie allein konsumieren."),
    harm_reduction_m=("Nutzt Teststreifen auf {fent} bei jeder Charge.", "Naloxon griffbereit haben.",
                      "Nicht mit Alkohol mischen.", "Reagenztests (Marquis, Mecke) zeigen, was drin ist."),
    news_t=("Polizei stellt {sub} in {place} sicher", "Festnahmen in {place}: {sub}-Netzwerk zerschlagen",
            "Neues Gesetz gegen {sub}-Analoga"),
    news_l=("Ermittler in {place} stellten {q} {sub} in einer Obstlieferung sicher.",
            "Der Zoll in {place} fand {q} {sub} in einem Container.",
            "Laut Behörden wurde das {sub} über Darknet-Märkte und Telegram verkauft."),
    news_m=("Drei Verdächtige wurden festgenommen.", "Das Gesetz tritt nächsten Monat in Kraft.",
            "Die Ermittlungen dauern an."),
    question_t=("Wo bekomme ich {sub} in {place}?", "Frage zu {sub}", "Anfängerfrage: {sub}"),
    question_l=("Neu hier, suche einen zuverlässigen Vendor für {sub}.",
                "Ist es sicher, {q} {sub} nach {ship} zu bestellen?"),
    question_m=("Wie lange dauert der Versand normalerweise?", "Tipps zu Escrow?", "Danke im Voraus."),
    chatter_t=("Tor heute extrem langsam?", "Was hört ihr gerade?", "Märkte schon wieder down"),
    chatter_l=("Tor kriecht den ganzen Tag, die Märkte laden nicht.", "Denkt an PGP, Leute.",
               "Pläne fürs Wochenende?"),
    chatter_m=("Monero-Gebühren sind gerade winzig.", "Bleibt sicher.", "Mods, bitte Spiegelliste anpinnen."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – Industriebedarf"),
    legal_chemical_l=("{sub}, CAS {cas}, Reinheit ≥{purity}%, {grade}.",
                      "Wir liefern {sub} (CAS {cas}) für Industrie und Labor."),
    legal_chemical_m=("Verwendung in Lebensmitteln, Kosmetik und Labor.",
                      "COA und MSDS zu jeder Bestellung."),
    legal_chemical_p=("Gebinde: {q}, Preis {p}.", "Preis {p} pro {q}."),
)

_T["es"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | envío {ship}",
             "{deco} {sub} de calidad {q} {deco}",
             "{sub} – {q} – envío discreto", "[{ship}] {sub} {form} desde {q}"),
    d_intro=("Vendo {sub} ({form}) de calidad {adj}, directo de origen.",
             "De nuevo en stock: {sub}, mismo lote que el mes pasado.",
             "{sub} {form}: calidad {adj}, más de {n} clientes satisfechos."),
    d_quality=("Pureza {purity}%, análisis de laboratorio disponible.",
               "Testeado con reactivos, último análisis {purity}%.",
               "Cada lote se prueba antes de enviarse."),
    d_ship=("Envío discreto: al vacío, a prueba de olores, sale en 24h.",
            "Envíos a {ship} en {days} días con seguimiento.",
            "Stealth profesional, no hace falta firmar."),
    d_escrow=("Escrow obligatorio para nuevos compradores, FE a partir de 10 pedidos.",
              "Aceptamos escrow y multifirma.",
              "Finaliza solo cuando recibas."),
    d_reship=("Reenvío 100% en la primera pérdida, luego 50%.", "Los paquetes perdidos se reenvían una vez."),
    d_close=("¡Deja tu opinión!", "Gracias por confiar en nosotros.", "Cuídate.",
             "Precios especiales al por mayor."),
    prices=("Precios:", "Lista de precios:", "💰 Precios"),
    contact=("Contacto:", "Contactos:", "📩 Escríbenos"),
    adj=("top", "premium", "excelente", "insuperable", "de primera"),
    ship=("España", "EU", "toda Europa", "Península"),
    city=("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Bilbao"),
    place=("Valencia", "Algeciras", "Madrid", "Barcelona", "Huelva"),
    c_title=("{sub} CAS {cas} pureza {purity}%", "{sub} {cas} de fábrica, entrega segura a {ship}",
             "{sub} | CAS {cas} | puerta a puerta"),
    c_tcas=("CAS {cas} en stock, entrega segura", "cas:{cas} directo de fábrica"),
    c_intro=("Suministramos {sub} (CAS {cas}) al por mayor, pureza {purity}%.",
             "{sub}, CAS: {cas}, precio de fábrica, alto rendimiento."),
    c_icas=("Producto CAS {cas}, pureza {purity}%.", "CAS {cas} disponible, alto rendimiento."),
    c_quality=("COA y MSDS bajo pedido.", "Alto rendimiento garantizado.",
               "Doble embalaje, muestras disponibles."),
    c_ship=("Entrega segura a {ship}, puerta a puerta, despacho de aduanas 100%.",
            "Plazo de entrega {days}-{days2} días."),
    c_pay=("Pago: BTC, USDT.", "Pedido mínimo 1 kg."),
    i_title=("{sub} {deco} | {q}", "{sub} de alta calidad – {q}", "{sub} ✅ entrega rápida ✅"),
    i_intro=("Vendo {sub}, calidad real, pasa controles.",
             "{sub} disponible, {n}+ vendidos, reposición si falla."),
    i_extra=("Entrega en {days} días.", "Se acepta escrow.", "Descuentos por volumen."),
    m_title=("{deco} MENÚ {date} {deco}", "LISTA DE PRECIOS {deco}", "{deco} Menú actualizado {deco}"),
    m_foot=("Pedidos por bot, entrega 24/7.", "Mensajero en la ciudad.",
            "Descuentos para clientes habituales."),
    review_t=("Reseña: {sub}", "{sub} – opinión sincera", "Mi experiencia con {sub}"),
    review_l=("Pedí {q} de {sub}, llegó en {days} días, stealth perfecto.",
              "El {sub} es de calidad {adj}, peso {q} exacto."),
    review_m=("Repetiría, 9/10.", "El vendedor responde rápido.", "Embalaje perfecto."),
    scam_warning_t=("AVISO DE ESTAFA – no compréis a este vendedor", "¿Exit scam?",
                    "Cuidado: web de escrow falsa"),
    scam_warning_l=("Pagué, nunca recibí seguimiento y ahora la cuenta ha desaparecido.",
                    "Piden FE y luego desaparecen."),
    scam_warning_m=("Admins, baneadlo por favor.", "Nunca hagáis FE con vendedores nuevos.",
                    "Verificad los enlaces firmados con PGP."),
    harm_reduction_t=("Reducción de riesgos: {sub}", "Analiza tu {sub}", "Consumo seguro de {sub}"),
    harm_reduction_l=("Empieza con poco: el {sub} de un lote nuevo puede ser mucho más fuerte.",
                      "Si consumes {sub}, nunca lo hagas solo."),
    harm_reduction_m=("Usa tiras reactivas de {fent} en cada lote.", "Lleva naloxona encima.",
                      "No mezcles con alcohol.",
                      "Los reactivos (Marquis, Mecke) te dicen qué hay dentro."),
    news_t=("La policía incauta {sub} en {place}", "Detenidos en {place}: cae una red de {sub}",
            "Nueva ley contra análogos de {sub}"),
    news_l=("Agentes en {place} incautaron {q} de {sub} ocultos en un envío de fruta.",
            "La aduana de {place} halló {q} de {sub} en un contenedor.",
            "Según las autoridades, el {sub} se vendía en mercados de la darknet y por Telegram."),
    news_m=("Tres sospechosos fueron detenidos.", "La ley entra en vigor el próximo mes.",
            "La investigación sigue abierta."),
    question_t=("¿Dónde conseguir {sub} en {place}?", "Pregunta sobre {sub}", "Duda de novato: {sub}"),
    question_l=("Soy nuevo, busco un vendedor fiable de {sub}.", "¿Es seguro pedir {q} de {sub} a {ship}?"),
    question_m=("¿Cuánto suele tardar el envío?", "¿Consejos sobre escrow?", "Gracias de antemano."),
    chatter_t=("¿Tor va lentísimo hoy?", "¿Qué estáis escuchando?", "Los mercados caídos otra vez"),
    chatter_l=("Tor lleva todo el día fatal, los mercados no cargan.", "Usad PGP, gente.",
               "¿Planes para el finde?"),
    chatter_m=("Las comisiones de Monero están por los suelos.", "Cuidaos.",
               "Mods, fijad la lista de espejos."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – suministro industrial"),
    legal_chemical_l=("{sub}, CAS {cas}, pureza ≥{purity}%, {grade}.",
                      "Suministramos {sub} (CAS {cas}) para industria y laboratorio."),
    legal_chemical_m=("Uso en alimentación, cosmética y laboratorio.", "COA y MSDS con cada pedido."),
    legal_chemical_p=("Envase: {q}, precio {p}.", "Precio {p} por {q}."),
)

_T["fr"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | livraison {ship}",
             "{deco} {sub} qualité top {q} {deco}",
             "{sub} – {q} – envoi discret", "[{ship}] {sub} {form} dès {q}"),
    d_intro=("Vends {sub} ({form}), qualité {adj}, direct de la source.",
             "De retour en stock : {sub}, même lot que le mois dernier.",
             "{sub} {form} : qualité {adj}, plus de {n} clients satisfaits."),
    d_quality=("Pureté {purity}%, test labo sur demande.", "Testé aux réactifs, dernière analyse {purity}%.",
               "Chaque lot est testé avant envoi."),
    d_ship=("Envoi discret : sous vide, anti-odeur, expédié sous 24h.",
            "Livraison {ship} en {days} jours avec suivi.",
            "Stealth pro, pas de signature.", "Envoi en point relais possible."),
    d_escrow=("Escrow obligatoire pour les nouveaux, FE après 10 commandes.", "Escrow et multisig acceptés.",
              "Finalisez seulement à réception."),
    d_reship=("Renvoi : 100% à la première perte, puis 50%.", "Colis perdu renvoyé une fois."),
    d_close=("Laissez un avis svp !", "Merci de votre confiance.", "Prenez soin de vous.",
             "Prix de gros sur demande."),
    prices=("Tarifs :", "Prix :", "💰 Tarifs"),
    contact=("Contact :", "Contacts :", "📩 Nous écrire"),
    adj=("top", "premium", "excellente", "supérieure", "de ouf"),
    ship=("France", "EU", "Belgique", "toute l'Europe"),
    city=("Paris", "Marseille", "Lyon", "Lille", "Bruxelles", "Toulouse"),
    place=("Marseille", "Paris", "Lyon", "Lille", "Dunkerque"),
    c_title=("{sub} CAS {cas} pureté {purity}%", "{sub} {cas} prix usine, livraison sûre {ship}",
             "{sub} | CAS {cas} | porte à porte"),
    c_tcas=("CAS {cas} en stock, livraison sûre", "cas:{cas} direct usine"),
    c_intro=("Nous fournissons {sub} (CAS {cas}) en gros, pureté {purity}%.",
             "{sub}, CAS : {cas}, prix usine, haut rendement."),
    c_icas=("Produit CAS {cas}, pureté {purity}%.", "CAS {cas} en stock, haut rendement."),
    c_quality=("COA et MSDS sur demande.", "Haut rendement garanti.",
               "Double emballage, échantillons disponibles."),
    c_ship=("Livraison sûre {ship}, porte à porte, dédouanement 100%.",
            "Délai de livraison {days}-{days2} jours."),
    c_pay=("Paiement : BTC, USDT.", "Commande minimum 1 kg."),
    i_title=("{sub} {deco} | {q}", "{sub} haute qualité – {q}", "{sub} ✅ livraison rapide ✅"),
    i_intro=("Vends {sub}, vraie qualité, passe les contrôles.",
             "{sub} dispo, {n}+ vendus, remplacement si invalide."),
    i_extra=("Livraison en {days} jours.", "Escrow accepté.", "Remises sur quantité."),
    m_title=("{deco} MENU {date} {deco}", "CARTE DU JOUR {deco}", "{deco} Nouveau stock {deco}"),
    m_foot=("Commandes via bot, livraison 24/7.", "Livreur en ville.", "Remises pour les habitués."),
    review_t=("Avis : {sub}", "{sub} – avis honnête", "Mon expérience avec {sub}"),
    review_l=("Commandé {q} de {sub}, reçu en {days} jours, stealth nickel.",
              "Le {sub} est de qualité {adj}, poids {q} pile."),
    review_m=("Je recommanderai, 9/10.", "Le vendeur répond vite.", "Emballage parfait."),
    scam_warning_t=("ALERTE ARNAQUE – ne commandez pas chez ce vendeur", "Exit scam ?",
                    "Attention : faux site d'escrow"),
    scam_warning_l=("Payé, jamais reçu de suivi, le compte a disparu.",
                    "Ils demandent du FE puis disparaissent."),
    scam_warning_m=("Admins, bannissez-le svp.", "Jamais de FE avec un nouveau vendeur.",
                    "Vérifiez les liens signés PGP."),
    harm_reduction_t=("Réduction des risques : {sub}", "Testez votre {sub}", "Consommer {sub} sans danger"),
    harm_reduction_l=("Commencez doucement : le {sub} d'un nouveau lot peut être bien plus fort.",
                      "Si vous prenez du {sub}, ne consommez jamais seul."),
    harm_reduction_m=("Utilisez des bandelettes de test {fent} sur chaque lot.",
                      "Ayez de la naloxone sur vous.",
                      "Ne mélangez pas avec l'alcool.",
                      "Les réactifs (Marquis, Mecke) montrent ce qu'il y a dedans."),
    news_t=("Saisie de {sub} à {place}", "Interpellations à {place} : un réseau de {sub} démantelé",
            "Nouvelle loi contre les analogues de {sub}"),
    news_l=("Les enquêteurs à {place} ont saisi {q} de {sub} cachés dans une cargaison de fruits.",
            "Les douanes de {place} ont trouvé {q} de {sub} dans un conteneur.",
            "Selon les autorités, le {sub} était vendu sur le darknet et via Telegram."),
    news_m=("Trois suspects ont été interpellés.", "La loi entre en vigueur le mois prochain.",
            "L'enquête se poursuit."),
    question_t=("Où trouver du {sub} à {place} ?", "Question sur {sub}", "Question de débutant : {sub}"),
    question_l=("Nouveau ici, je cherche un vendeur fiable pour {sub}.",
                "C'est sûr de commander {q} de {sub} en {ship} ?"),
    question_m=("Combien de temps prend la livraison ?", "Des conseils sur l'escrow ?", "Merci d'avance."),
    chatter_t=("Tor ultra lent aujourd'hui ?", "Vous écoutez quoi ?", "Les marchés encore down"),
    chatter_l=("Tor rame toute la journée, les marchés ne chargent pas.", "Utilisez PGP, les gars.",
               "Des plans pour le week-end ?"),
    chatter_m=("Les frais Monero sont minuscules en ce moment.", "Faites attention à vous.",
               "Modos, épinglez la liste des miroirs."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – fourniture industrielle"),
    legal_chemical_l=("{sub}, CAS {cas}, pureté ≥{purity}%, {grade}.",
                      "Nous fournissons {sub} (CAS {cas}) pour l'industrie."),
    legal_chemical_m=("Utilisé en alimentaire, cosmétique et laboratoire.",
                      "COA et MSDS avec chaque commande."),
    legal_chemical_p=("Conditionnement : {q}, prix {p}.", "Prix {p} pour {q}."),
)

_T["pt"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | envio {ship}",
             "{deco} {sub} de qualidade {q} {deco}",
             "{sub} – {q} – entrega discreta", "[{ship}] {sub} {form} a partir de {q}"),
    d_intro=("Vendo {sub} ({form}), qualidade {adj}, direto da fonte.",
             "De volta ao stock: {sub}, mesmo lote do mês passado.",
             "{sub} {form}: qualidade {adj}, mais de {n} clientes satisfeitos."),
    d_quality=("Pureza {purity}%, teste de laboratório disponível.",
               "Testado com reagentes, última análise {purity}%.",
               "Cada lote é testado antes do envio."),
    d_ship=("Envio discreto: embalado a vácuo, à prova de cheiro, sai em 24h.",
            "Entrega em {ship} em {days} dias com rastreio.",
            "Stealth profissional, sem assinatura.", "Entregas em mão na zona de {city}."),
    d_escrow=("Escrow obrigatório para novos compradores, FE após 10 pedidos.",
              "Aceitamos escrow e multisig.",
              "Finalize só quando receber."),
    d_reship=("Reenvio 100% na primeira perda, depois 50%.", "Encomendas perdidas são reenviadas uma vez."),
    d_close=("Deixe o seu feedback!", "Obrigado pela confiança.", "Cuide-se.",
             "Preços de grosso sob consulta."),
    prices=("Preços:", "Tabela:", "💰 Preços"),
    contact=("Contacto:", "Contatos:", "📩 Fale connosco"),
    adj=("top", "premium", "excelente", "superior", "de primeira"),
    ship=("Portugal", "Brasil", "EU", "toda a Europa"),
    city=("Lisboa", "Porto", "Faro", "Coimbra", "São Paulo", "Rio de Janeiro"),
    place=("Lisboa", "Faro", "Santos", "São Paulo", "Setúbal"),
    c_title=("{sub} CAS {cas} pureza {purity}%", "{sub} {cas} preço de fábrica, entrega segura {ship}",
             "{sub} | CAS {cas} | porta a porta"),
    c_tcas=("CAS {cas} em stock, entrega segura", "cas:{cas} direto da fábrica"),
    c_intro=("Fornecemos {sub} (CAS {cas}) por grosso, pureza {purity}%.",
             "{sub}, CAS: {cas}, preço de fábrica, alto rendimento."),
    c_icas=("Produto CAS {cas}, pureza {purity}%.", "CAS {cas} disponível, alto rendimento."),
    c_quality=("COA e MSDS a pedido.", "Alto rendimento garantido.",
               "Embalagem dupla, amostras disponíveis."),
    c_ship=("Entrega segura em {ship}, porta a porta, desalfandegamento 100%.",
            "Prazo de entrega {days}-{days2} dias."),
    c_pay=("Pagamento: BTC, USDT.", "Encomenda mínima 1 kg."),
    i_title=("{sub} {deco} | {q}", "{sub} de alta qualidade – {q}", "{sub} ✅ entrega rápida ✅"),
    i_intro=("Vendo {sub}, qualidade real, passa nas verificações.",
             "{sub} disponível, {n}+ vendidos, troca se falhar."),
    i_extra=("Entrega em {days} dias.", "Aceitamos escrow.", "Descontos por quantidade."),
    m_title=("{deco} CARDÁPIO {date} {deco}", "TABELA DE PREÇOS {deco}", "{deco} Menu atualizado {deco}"),
    m_foot=("Pedidos pelo bot, entregas 24/7.", "Estafeta na cidade.", "Descontos para clientes habituais."),
    review_t=("Review: {sub}", "{sub} – opinião sincera", "A minha experiência com {sub}"),
    review_l=("Encomendei {q} de {sub}, chegou em {days} dias, stealth impecável.",
              "O {sub} tem qualidade {adj}, peso {q} certinho."),
    review_m=("Voltaria a comprar, 9/10.", "O vendedor responde rápido.", "Embalagem perfeita."),
    scam_warning_t=("ALERTA DE BURLA – não comprem a este vendedor", "Exit scam?",
                    "Cuidado: site de escrow falso"),
    scam_warning_l=("Paguei, nunca recebi rastreio e agora a conta sumiu.", "Pedem FE e depois desaparecem."),
    scam_warning_m=("Admins, banam-no por favor.", "Nunca façam FE com vendedores novos.",
                    "Verifiquem os links assinados com PGP."),
    harm_reduction_t=("Redução de riscos: {sub}", "Testa o teu {sub}", "Consumo seguro de {sub}"),
    harm_reduction_l=("Começa devagar: o {sub} de um lote novo pode ser muito mais forte.",
                      "Se usas {sub}, nunca uses sozinho."),
    harm_reduction_m=("Usa tiras de teste de {fent} em cada lote.", "Tem naloxona por perto.",
                      "Não mistures com álcool.",
                      "Os reagentes (Marquis, Mecke) mostram o que há lá dentro."),
    news_t=("Polícia apreende {sub} em {place}", "Detidos em {place}: rede de {sub} desmantelada",
            "Nova lei contra análogos de {sub}"),
    news_l=("A polícia em {place} apreendeu {q} de {sub} escondidos num carregamento de fruta.",
            "A alfândega de {place} encontrou {q} de {sub} num contentor.",
            "Segundo as autoridades, o {sub} era vendido na darknet e pelo Telegram."),
    news_m=("Três suspeitos foram detidos.", "A lei entra em vigor no próximo mês.",
            "A investigação continua."),
    question_t=("Onde arranjar {sub} em {place}?", "Dúvida sobre {sub}", "Pergunta de novato: {sub}"),
    question_l=("Sou novo, procuro um vendedor de confiança para {sub}.",
                "É seguro encomendar {q} de {sub} para {ship}?"),
    question_m=("Quanto tempo demora o envio?", "Dicas sobre escrow?", "Obrigado desde já."),
    chatter_t=("Tor lentíssimo hoje?", "O que estão a ouvir?", "Mercados em baixo outra vez"),
    chatter_l=("O Tor está a rastejar o dia todo.", "Usem PGP, malta.", "Planos para o fim de semana?"),
    chatter_m=("As taxas de Monero estão baixíssimas.", "Cuidem-se.", "Mods, afixem a lista de espelhos."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – fornecimento industrial"),
    legal_chemical_l=("{sub}, CAS {cas}, pureza ≥{purity}%, {grade}.",
                      "Fornecemos {sub} (CAS {cas}) para indústria e laboratório."),
    legal_chemical_m=("Uso alimentar, cosmético e laboratorial.", "COA e MSDS com cada encomenda."),
    legal_chemical_p=("Embalagem: {q}, preço {p}.", "Preço {p} por {q}."),
)

_T["nl"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | verzending {ship}",
             "{deco} {sub} topkwaliteit {q} {deco}",
             "{sub} – {q} – discreet verzonden", "[{ship}] {sub} {form} vanaf {q}"),
    d_intro=("Verkoop {sub} ({form}), kwaliteit {adj}, direct van de bron.",
             "Weer op voorraad: {sub}, zelfde batch als vorige maand.",
             "{sub} {form}: kwaliteit {adj}, meer dan {n} tevreden klanten."),
    d_quality=("Zuiverheid {purity}%, labtest op aanvraag.",
               "Getest met reagentia, laatste analyse {purity}%.",
               "Elke batch wordt getest voor verzending."),
    d_ship=("Discrete verzending: vacuüm, geurdicht, binnen 24u verstuurd.",
            "Levering naar {ship} in {days} dagen met track & trace.",
            "Professionele stealth, geen handtekening nodig."),
    d_escrow=("Alleen escrow voor nieuwe kopers, FE na 10 bestellingen.", "Escrow en multisig mogelijk.",
              "Finaliseer pas na ontvangst."),
    d_reship=("Reship: 100% bij eerste verlies, daarna 50%.",
              "Verloren pakketten worden één keer opnieuw verstuurd."),
    d_close=("Laat feedback achter!", "Bedankt voor het vertrouwen.", "Blijf veilig.",
             "Groothandel op aanvraag."),
    prices=("Prijzen:", "Prijslijst:", "💰 Prijzen"),
    contact=("Contact:", "Contactgegevens:", "📩 Bericht ons"),
    adj=("top", "premium", "uitstekend", "A+", "super"),
    ship=("NL", "BE", "EU", "heel Europa"),
    city=("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Antwerpen"),
    place=("Rotterdam", "Amsterdam", "Antwerpen", "Eindhoven", "Vlissingen"),
    c_title=("{sub} CAS {cas} zuiverheid {purity}%", "{sub} {cas} fabrieksprijs, veilige levering {ship}",
             "{sub} | CAS {cas} | deur tot deur"),
    c_tcas=("CAS {cas} op voorraad, veilige levering", "cas:{cas} direct uit de fabriek"),
    c_intro=("Wij leveren {sub} (CAS {cas}) in bulk, zuiverheid {purity}%.",
             "{sub}, CAS: {cas}, fabrieksprijs, hoog rendement."),
    c_icas=("Product CAS {cas}, zuiverheid {purity}%.", "CAS {cas} op voorraad, hoog rendement."),
    c_quality=("COA en MSDS op aanvraag.", "Hoog rendement gegarandeerd.",
               "Dubbele verpakking, monsters beschikbaar."),
    c_ship=("Veilige levering {ship}, deur tot deur, 100% inklaring.", "Levertijd {days}-{days2} dagen."),
    c_pay=("Betaling: BTC, USDT.", "Minimale bestelling 1 kg."),
    i_title=("{sub} {deco} | {q}", "{sub} hoge kwaliteit – {q}", "{sub} ✅ snelle levering ✅"),
    i_intro=("Verkoop {sub}, echte kwaliteit, komt door elke controle.",
             "{sub} beschikbaar, {n}+ verkocht, vervanging bij fout."),
    i_extra=("Levering in {days} dagen.", "Escrow geaccepteerd.", "Kortingen bij grote aantallen."),
    m_title=("{deco} MENU {date} {deco}", "PRIJSLIJST {deco}", "{deco} Vers aangevuld {deco}"),
    m_foot=("Bestellen via bot, bezorging 24/7.", "Koerier in de stad.", "Vaste klanten krijgen korting."),
    review_t=("Review: {sub}", "{sub} – eerlijke review", "Mijn ervaring met {sub}"),
    review_l=("{q} {sub} besteld, na {days} dagen binnen, stealth perfect.",
              "De {sub} is {adj}, gewicht {q} precies."),
    review_m=("Zou opnieuw bestellen, 9/10.", "Vendor reageert snel.", "Verpakking perfect."),
    scam_warning_t=("SCAM WAARSCHUWING – niet bij deze vendor bestellen", "Exit scam?",
                    "Let op: nep-escrowsite"),
    scam_warning_l=("Betaald, nooit tracking gehad, nu is het account weg.",
                    "Ze vragen FE en verdwijnen dan."),
    scam_warning_m=("Admins, ban deze vendor.", "Nooit FE bij nieuwe vendors.",
                    "Check de PGP-ondertekende links."),
    harm_reduction_t=("Harm reduction: {sub}", "Test je {sub}", "Veilig gebruik van {sub}"),
    harm_reduction_l=("Begin laag: {sub} uit een nieuwe batch kan veel sterker zijn.",
                      "Gebruik je {sub}, doe het nooit alleen."),
    harm_reduction_m=("Gebruik teststrips voor {fent} bij elke batch.", "Heb naloxon bij de hand.",
                      "Niet mengen met alcohol.",
                      "Laat je middel testen bij een testservice."),
    news_t=("Politie neemt {sub} in beslag in {place}", "Arrestaties in {place}: {sub}-netwerk opgerold",
            "Nieuwe wet tegen {sub}-analogen"),
    news_l=("Rechercheurs in {place} namen {q} {sub} in beslag, verstopt in een lading fruit.",
            "De douane in {place} vond {q} {sub} in een container.",
            "Volgens de politie werd de {sub} verkocht via darknetmarkten en Telegram."),
    news_m=("Drie verdachten zijn aangehouden.", "De wet gaat volgende maand in.",
            "Het onderzoek loopt nog."),
    question_t=("Waar haal ik {sub} in {place}?", "Vraag over {sub}", "Beginnersvraag: {sub}"),
    question_l=("Nieuw hier, zoek een betrouwbare vendor voor {sub}.",
                "Is het veilig om {q} {sub} naar {ship} te bestellen?"),
    question_m=("Hoe lang duurt verzending meestal?", "Tips over escrow?", "Alvast bedankt."),
    chatter_t=("Tor vandaag super traag?", "Waar luisteren jullie naar?", "Markten weer offline"),
    chatter_l=("Tor kruipt de hele dag, markten laden niet.", "Gebruik PGP, mensen.",
               "Plannen voor het weekend?"),
    chatter_m=("Monero-kosten zijn nu piepklein.", "Blijf veilig.", "Mods, pin de spiegellijst."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – industriële levering"),
    legal_chemical_l=("{sub}, CAS {cas}, zuiverheid ≥{purity}%, {grade}.",
                      "Wij leveren {sub} (CAS {cas}) voor industrie en lab."),
    legal_chemical_m=("Gebruikt in voeding, cosmetica en laboratoria.", "COA en MSDS bij elke bestelling."),
    legal_chemical_p=("Verpakking: {q}, prijs {p}.", "Prijs {p} per {q}."),
)

_T["pl"] = dict(
    d_title=("{emo} {sub} {purity}% {q} {emo}", "{sub} {form} | {q} | wysyłka {ship}",
             "{deco} {sub} najwyższa jakość {q} {deco}",
             "{sub} – {q} – dyskretna wysyłka", "[{ship}] {sub} {form} od {q}"),
    d_intro=("Sprzedam {sub} ({form}), jakość {adj}, prosto od źródła.",
             "Znowu na stanie: {sub}, ta sama partia co w zeszłym miesiącu.",
             "{sub} {form}: jakość {adj}, ponad {n} zadowolonych klientów."),
    d_quality=("Czystość {purity}%, test laboratoryjny na życzenie.",
               "Testowane odczynnikami, ostatnia analiza {purity}%.",
               "Każda partia jest testowana przed wysyłką."),
    d_ship=("Dyskretna wysyłka: próżniowo, szczelnie, nadanie w 24h.",
            "Dostawa do {ship} w {days} dni z numerem śledzenia.",
            "Paczkomaty i zrzuty w większych miastach."),
    d_escrow=("Escrow obowiązkowy dla nowych, FE po 10 zamówieniach.", "Akceptujemy escrow i multisig.",
              "Finalizuj dopiero po odbiorze."),
    d_reship=("Reship 100% przy pierwszej stracie, potem 50%.", "Zgubione paczki wysyłamy ponownie raz."),
    d_close=("Zostaw opinię!", "Dzięki za zaufanie.", "Uważajcie na siebie.", "Hurt do negocjacji."),
    prices=("Ceny:", "Cennik:", "💰 Ceny"),
    contact=("Kontakt:", "Kontakty:", "📩 Napisz"),
    adj=("top", "premium", "najwyższa", "doskonała", "ekstra"),
    ship=("PL", "EU", "całej Polski"),
    city=("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań", "Łódź"),
    place=("w Gdańsku", "w Warszawie", "w Krakowie", "we Wrocławiu", "w Gdyni"),
    c_title=("{sub} CAS {cas} czystość {purity}%", "{sub} {cas} cena fabryczna, bezpieczna dostawa {ship}",
             "{sub} | CAS {cas} | od drzwi do drzwi"),
    c_tcas=("CAS {cas} na stanie, bezpieczna dostawa", "cas:{cas} prosto z fabryki"),
    c_intro=("Dostarczamy {sub} (CAS {cas}) hurtowo, czystość {purity}%.",
             "{sub}, CAS: {cas}, cena fabryczna, wysoka wydajność."),
    c_icas=("Produkt CAS {cas}, czystość {purity}%.", "CAS {cas} na stanie, wysoka wydajność."),
    c_quality=("COA i MSDS na życzenie.", "Wysoka wydajność gwarantowana.",
               "Podwójne pakowanie, próbki dostępne."),
    c_ship=("Bezpieczna dostawa {ship}, od drzwi do drzwi, odprawa celna 100%.",
            "Czas dostawy {days}-{days2} dni."),
    c_pay=("Płatność: BTC, USDT.", "Minimalne zamówienie 1 kg."),
    i_title=("{sub} {deco} | {q}", "{sub} wysokiej jakości – {q}", "{sub} ✅ szybka dostawa ✅"),
    i_intro=("Sprzedam {sub}, prawdziwa jakość, przechodzi kontrole.",
             "{sub} dostępne, {n}+ sprzedanych, wymiana w razie błędu."),
    i_extra=("Dostawa w {days} dni.", "Escrow akceptowany.", "Rabaty przy większych ilościach."),
    m_title=("{deco} MENU {date} {deco}", "CENNIK {deco}", "{deco} Świeża dostawa {deco}"),
    m_foot=("Zamówienia przez bota, dostawa 24/7.", "Kurier po mieście.", "Rabaty dla stałych klientów."),
    review_t=("Opinia: {sub}", "{sub} – szczera opinia", "Moje doświadczenie: {sub}"),
    review_l=("Zamówiłem {q}, {sub}, doszło w {days} dni, stealth idealny.",
              "{sub} – jakość {adj}, waga {q} co do grama."),
    review_m=("Zamówię ponownie, 9/10.", "Vendor szybko odpisuje.", "Pakowanie idealne."),
    scam_warning_t=("UWAGA OSZUST – nie zamawiajcie u tego vendora", "Exit scam?",
                    "Uwaga: fałszywa strona escrow"),
    scam_warning_l=("Zapłaciłem, nigdy nie dostałem numeru śledzenia, konto zniknęło.",
                    "Proszą o FE i znikają."),
    scam_warning_m=("Admini, zbanujcie go.", "Nigdy FE z nowymi vendorami.",
                    "Sprawdzajcie linki podpisane PGP."),
    harm_reduction_t=("Redukcja szkód: {sub}", "Testuj swoje {sub}", "Bezpieczne używanie: {sub}"),
    harm_reduction_l=("Zaczynaj od małej dawki: {sub} z nowej partii może być dużo mocniejsze.",
                      "Jeśli bierzesz {sub}, nigdy nie rób tego sam."),
    harm_reduction_m=("Używaj pasków testowych na {fent} przy każdej partii.", "Miej przy sobie nalokson.",
                      "Nie mieszaj z alkoholem.", "Odczynniki (Marquis, Mecke) pokażą, co jest w środku."),
    news_t=("Policja przejęła {sub} {place}", "Zatrzymania {place}: rozbito siatkę handlującą {sub}",
            "Nowa ustawa przeciw analogom: {sub}"),
    news_l=("Policjanci {place} przejęli {q} – {sub} ukryte w transporcie owoców.",
            "Celnicy {place} znaleźli {q}, czyli {sub}, w kontenerze.",
            "Według śledczych {sub} sprzedawano na darknecie i przez Telegram."),
    news_m=("Zatrzymano trzech podejrzanych.", "Ustawa wchodzi w życie w przyszłym miesiącu.",
            "Śledztwo trwa."),
    question_t=("Gdzie kupić {sub} {place}?", "Pytanie o {sub}", "Pytanie nowicjusza: {sub}"),
    question_l=("Jestem nowy, szukam pewnego vendora: {sub}.",
                "Czy bezpiecznie zamówić {q}, {sub}, do {ship}?"),
    question_m=("Ile zwykle trwa wysyłka?", "Porady co do escrow?", "Z góry dzięki."),
    chatter_t=("Tor dziś strasznie wolny?", "Czego słuchacie?", "Markety znowu leżą"),
    chatter_l=("Tor cały dzień się wlecze, markety się nie ładują.", "Używajcie PGP.", "Plany na weekend?"),
    chatter_m=("Opłaty w Monero są teraz malutkie.", "Uważajcie na siebie.",
               "Mody, przypnijcie listę mirrorów."),
    legal_chemical_t=("{sub} CAS {cas} {purity}%", "{sub} ({cas}) – dostawy przemysłowe"),
    legal_chemical_l=("{sub}, CAS {cas}, czystość ≥{purity}%, {grade}.",
                      "Dostarczamy {sub} (CAS {cas}) dla przemysłu i laboratoriów."),
    legal_chemical_m=("Stosowane w żywności, kosmetykach i laboratoriach.",
                      "COA i MSDS do każdego zamówienia."),
    legal_chemical_p=("Opakowanie: {q}, cena {p}.", "Cena {p} za {q}."),
)

_TIER_FORMATS = ("{q} - {p}", "{q} = {p}", "{q} → {p}", "{q}: {p}", "{q} | {p}", "▪️ {q} — {p}", "• {q} … {p}")
_BULLETS = ("", "", "- ", "• ", "✅ ", "➖ ", "✔️ ")
_FENTANYL = next(s for s in SUBSTANCES if s.name == "fentanyl")
_ITEM_KINDS = ("review", "harm_reduction", "news", "question")
_PAYLOADS: dict[str, tuple[str, ...]] = {
    "xss": ("<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", '"><svg/onload=alert(document.domain)>',
            "<iframe src=javascript:alert(1)>", "javascript:alert(1)//"),
    "csv": ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "=1+1",
            '=cmd|" /C notepad"!A0'),
    "xml": (']]><!ENTITY xxe SYSTEM "file:///etc/passwd">',
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
            "<![CDATA[x]]>&xxe;", "</description><injected>1</injected>"),
}


# -------------------------------------------------------------------------------------------------------
# numbers, quantities, prices
# -------------------------------------------------------------------------------------------------------


def _number(x: float, lang: str, group: bool) -> str:
    """A number as written in ``lang``: decimal comma outside English, local thousands separator."""
    if x == int(x):
        whole, frac = str(int(x)), ""
    else:
        text = f"{x:.2f}" if round(x, 1) != x else f"{x:.1f}"
        whole, _, frac = text.partition(".")
    if group and len(whole) > 3:
        sep, groups = _THOUSANDS[lang], []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = sep.join([whole, *groups])
    return whole + (("." if lang == "en" else ",") + frac if frac else "")


def _money(rng: random.Random, amount: float, currency: str, lang: str) -> str:
    return rng.choice(_MONEY[currency]).format(n=_number(amount, lang, rng.random() < 0.5))


def _nice(x: float, currency: str, rng: random.Random) -> float:
    """Round a price the way sellers do (whole roubles in tens, euros in fives, now and then x.99)."""
    if currency == "RUB":
        step = 10 if x < 1_000 else 50 if x < 10_000 else 100
    elif currency == "UAH":
        step = 5 if x < 500 else 10 if x < 5_000 else 50
    else:
        if x < 10:
            return max(0.5, round(x * 2) / 2)
        step = 1 if x < 100 else 5 if x < 1_000 else 10
        if rng.random() < 0.12:
            return round(max(step, round(x / step) * step) - 0.01, 2)
    return float(max(step, round(x / step) * step))


def _qty_text(rng: random.Random, lang: str, amount: float, unit: str, pieces: bool = False) -> str:
    words = _UNIT_WORDS["unit" if pieces and unit == "pill" else unit]
    return _number(amount, lang, False) + rng.choice(words.get(lang) or words["*"])


def _display_unit(rng: random.Random, lang: str, q: float, unit: str) -> tuple[float, str]:
    if unit == "g" and q >= 1000:
        return q / 1000, "kg"
    if unit == "ml" and q >= 1000:
        return q / 1000, "l"
    if unit == "g" and q == 28 and lang == "en" and rng.random() < 0.6:
        return 1.0, "oz"
    return float(q), unit


def _tiers(rng: random.Random, unit: str, usd: float, lang: str, currency: str, n: int,
           targets: Sequence[float], pieces: bool = False,
           ) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """Quantity tiers with bulk-discounted prices: (quantities, prices, [(quantity text, price text)])."""
    ladder = _LADDERS[unit]
    target = rng.choice(targets)
    start = next((i for i, q in enumerate(ladder) if q * usd >= target), len(ladder) - 1)
    start = max(0, min(start, len(ladder) - n))
    step = 1 if rng.random() < 0.7 else 2
    picked = list(range(start, len(ladder), step))[:n]
    base = ladder[picked[0]]
    quantities: list[dict] = []
    prices: list[dict] = []
    shown: list[tuple[str, str]] = []
    for i in picked:
        q = ladder[i]
        amount, shown_unit = _display_unit(rng, lang, q, unit)
        total = usd * q * max(0.4, (q / base) ** -0.14) * rng.uniform(0.94, 1.06) * FX[currency]
        price = _nice(total, currency, rng)
        qd = {"amount": amount, "unit": shown_unit}
        quantities.append(qd)
        prices.append({"amount": price, "currency": currency, "per": dict(qd)})
        shown.append((_qty_text(rng, lang, amount, shown_unit, pieces), _money(rng, price, currency, lang)))
    return quantities, prices, shown


def _one_quantity(rng: random.Random, lang: str, unit: str, usd: float, big: bool,
                  pieces: bool) -> tuple[dict, str]:
    """One quantity without a price: a buyer's order (small) or a seizure (big)."""
    if big:
        q = float(rng.choice(_NEWS_AMOUNTS.get(unit, (1000,))))
        amount, shown_unit = _display_unit(rng, lang, q, unit)
        text = _number(amount, lang, rng.random() < 0.7) + rng.choice(
            _UNIT_WORDS[shown_unit].get(lang) or _UNIT_WORDS[shown_unit]["*"])
        return {"amount": amount, "unit": shown_unit}, text
    quantities, _, shown = _tiers(rng, unit, usd, lang, "USD", 1, (5, 20, 60), pieces)
    return quantities[0], shown[0][0]


# -------------------------------------------------------------------------------------------------------
# names and records
# -------------------------------------------------------------------------------------------------------


def _surface(rng: random.Random, lang: str, names: dict[str, tuple[str, ...]], obfuscation: float) -> str:
    """A name as a vendor writes it: a street name (sometimes the English one), cased, maybe obfuscated."""
    pool = names["en"] if lang != "en" and rng.random() < 0.12 else names[lang]
    name = rng.choice(pool)
    r = rng.random()
    if r < 0.12:
        name = name.upper()
    elif r < 0.35 and name[:1].islower():
        name = name[0].upper() + name[1:]
    if rng.random() < obfuscation:
        name = obfuscate(rng, name)
    return name


def _chemical_surface(rng: random.Random, lang: str, chem: Chemical, obfuscation: float) -> tuple[str, bool]:
    """(surface form, written as CAS number only): suppliers use trade names, synonyms or just the CAS."""
    r = rng.random()
    if r < 0.12:
        return chem.cas, True
    if chem.trade and r < 0.55:
        name = rng.choice(chem.trade)
    elif chem.synonyms and r < 0.7:
        name = rng.choice(chem.synonyms)
    else:
        name = chem.name
        if rng.random() < 0.6:
            name = name[0].upper() + name[1:]
    if lang in ("ru", "uk") and name in _CYR_TRADE and rng.random() < 0.35:
        name = _CYR_TRADE[name]
    if rng.random() < 0.1:
        name = name.upper()
    if rng.random() < obfuscation:
        name = obfuscate(rng, name)
    return name, False


def _record(text: str, item: Substance | Chemical) -> dict:
    if isinstance(item, Substance):
        return {"text": text, "name": item.name, "class": item.cls, "cas": None, "precursor_table": None}
    return {"text": text, "name": item.name, "class": None, "cas": item.cas, "precursor_table": item.table}


def _emoji(rng: random.Random, sub: Substance) -> str:
    codes = _EMOJI.get(sub.name)
    return rng.choice(codes) if codes else _EMOJI_BY_UNIT.get(sub.unit, "🧪")


# -------------------------------------------------------------------------------------------------------
# assembly
# -------------------------------------------------------------------------------------------------------


def _values(rng: random.Random, lang: str, **given: object) -> dict[str, object]:
    t = _T[lang]
    values: dict[str, object] = {
        "purity": rng.randint(70, 99), "city": rng.choice(t["city"]), "deco": rng.choice(_DECOR),
        "ship": rng.choice(t["ship"]), "days": rng.randint(2, 6), "days2": rng.randint(7, 14),
        "n": rng.choice((50, 100, 200, 300, 500, 1000)), "adj": rng.choice(t["adj"]),
        "place": rng.choice(t["place"]),
        "date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}", "year": rng.randint(2018, 2024),
        "grade": rng.choice(_GRADES), "sub": "", "q": "", "p": "", "form": "", "emo": "", "cas": "",
        "fent": "",
    }
    values.update(given)
    return values


def _title(template: str, values: dict[str, object]) -> str:
    return " ".join(template.format_map(values).split())


def _fill(rng: random.Random, pool: Sequence[str], values: dict[str, object]) -> str:
    return rng.choice(pool).format_map(values)


def _some(rng: random.Random, pool: Sequence[str], low: int, high: int,
          values: dict[str, object]) -> list[str]:
    k = min(len(pool), rng.randint(low, high))
    return [s.format_map(values) for s in rng.sample(pool, k)]


def _price_block(rng: random.Random, lang: str, shown: list[tuple[str, str]]) -> str:
    header = rng.choice(_T[lang]["prices"])
    if len(shown) > 1 and rng.random() < 0.25:
        return header + " " + " / ".join(f"{q}: {p}" for q, p in shown)
    fmt = rng.choice(_TIER_FORMATS)
    return header + "\n" + "\n".join(fmt.format(q=q, p=p) for q, p in shown)


def _contact_line(rng: random.Random, lang: str, contact: dict) -> str:
    kind, value = contact.get("type", ""), str(contact["value"])
    if kind == "crypto_address":
        coin = contact.get("currency", "")
        label = rng.choice(_WALLET[lang]).format(c=rng.choice(_COIN_NAMES.get(coin, (coin,))))
    else:
        label = rng.choice(_LABELS.get(kind, (f"{kind}:",)) + _LOCAL_LABELS.get(lang, {}).get(kind, ()))
    return f"{label} {value}"


def _contact_block(rng: random.Random, lang: str, contacts: Sequence[dict]) -> str:
    """Contacts with labels, one per line or on one line split by bars; values always verbatim."""
    if not contacts:
        return ""
    lines = [_contact_line(rng, lang, c) for c in contacts]
    joiner = "\n" if rng.random() < 0.7 else " | "
    return rng.choice(_T[lang]["contact"]) + "\n" + joiner.join(lines)


def _prose(rng: random.Random, sentences: list[str]) -> str:
    if rng.random() < 0.55:
        return " ".join(sentences)
    bullet = rng.choice(_BULLETS)
    return "\n".join(bullet + s for s in sentences)


def _join(rng: random.Random, blocks: list[str]) -> str:
    return rng.choice(("\n\n", "\n", "\n\n")).join(b for b in blocks if b)


def _check(lang: str, currency: str | None = None) -> None:
    if lang not in _T:
        raise ValueError(f"unsupported language {lang!r}; known: {LANGS}")
    if currency is not None and currency not in FX:
        raise ValueError(f"unsupported currency {currency!r}; known: {tuple(FX)}")


# -------------------------------------------------------------------------------------------------------
# public API
# -------------------------------------------------------------------------------------------------------


def offer(rng: random.Random, lang: str, category: str, item: Substance | Chemical | Illicit, *,
          currency: str, contacts: Sequence[dict] = (), obfuscation: float = 0.3) -> Text:
    """A market listing for ``item``: title, body with tiers and prices, contacts, and its ground truth."""
    _check(lang, currency)
    if category == "drug_offer" and isinstance(item, Substance):
        return _drug_offer(rng, lang, item, currency, contacts, obfuscation)
    if category == "precursor_offer" and isinstance(item, Chemical):
        return _precursor_offer(rng, lang, item, currency, contacts, obfuscation)
    if category == "other_illicit_offer" and isinstance(item, Illicit):
        return _illicit_offer(rng, lang, item, currency, contacts, obfuscation)
    raise ValueError(f"category {category!r} does not take a {type(item).__name__}; known: {CATEGORIES}")


def _drug_offer(rng: random.Random, lang: str, sub: Substance, currency: str, contacts: Sequence[dict],
                obfuscation: float) -> Text:
    t = _T[lang]
    sf = _surface(rng, lang, sub.names, obfuscation)
    n = rng.choices((1, 2, 3, 4), (0.2, 0.3, 0.3, 0.2))[0]
    quantities, prices, shown = _tiers(rng, sub.unit, sub.usd_per_unit, lang, currency, n,
                                       (4, 10, 20, 40, 80, 150), sub.name == "cannabis edibles")
    form = FORM_WORDS[rng.choice(sub.forms)][_LANG_INDEX[lang]]
    values = _values(rng, lang, sub=sf, q=shown[0][0], p=shown[0][1], form=form, emo=_emoji(rng, sub))
    title = _title(rng.choice(t["d_title"]), values)
    lead = [_fill(rng, t["d_intro"], values)]
    if rng.random() < 0.7:
        lead.append(_fill(rng, t["d_quality"], values))
    extras = [_fill(rng, t[key], values) for key in ("d_ship", "d_escrow", "d_reship") if rng.random() < 0.7]
    if rng.random() < 0.5:
        extras.append(_fill(rng, t["d_close"], values))
    body = _join(rng, [_prose(rng, lead), _price_block(rng, lang, shown),
                       _prose(rng, extras) if extras else "", _contact_block(rng, lang, contacts)])
    return Text(title, body, [_record(sf, sub)], quantities, prices, list(contacts))


def _precursor_offer(rng: random.Random, lang: str, chem: Chemical, currency: str, contacts: Sequence[dict],
                     obfuscation: float) -> Text:
    t = _T[lang]
    sf, cas_only = _chemical_surface(rng, lang, chem, obfuscation)
    quantities, prices, shown = _tiers(rng, chem.unit, chem.usd_per_unit, lang, currency, rng.randint(1, 3),
                                       (50, 200, 500))
    values = _values(rng, lang, sub=sf, cas=chem.cas, q=shown[0][0], p=shown[0][1],
                     purity=rng.randint(97, 99))
    title = _title(rng.choice(t["c_tcas" if cas_only else "c_title"]), values)
    lead = [_fill(rng, t["c_icas" if cas_only else "c_intro"], values),
            *_some(rng, t["c_quality"], 1, 2, values)]
    extras = [_fill(rng, t["c_ship"], values), _fill(rng, t["c_pay"], values)]
    body = _join(rng, [_prose(rng, lead), _price_block(rng, lang, shown), _prose(rng, extras),
                       _contact_block(rng, lang, contacts)])
    return Text(title, body, [_record(sf, chem)], quantities, prices, list(contacts))


def _illicit_offer(rng: random.Random, lang: str, item: Illicit, currency: str, contacts: Sequence[dict],
                   obfuscation: float) -> Text:
    t = _T[lang]
    sf = _surface(rng, lang, item.names, obfuscation)
    quantities, prices, shown = _tiers(rng, "unit", item.usd_per_unit, lang, currency, rng.randint(1, 3),
                                       (5, 50, 200))
    values = _values(rng, lang, sub=sf, q=shown[0][0], p=shown[0][1])
    title = _title(rng.choice(t["i_title"]), values)
    body = _join(rng, [_fill(rng, t["i_intro"], values), _price_block(rng, lang, shown),
                       _prose(rng, _some(rng, t["i_extra"], 1, 3, values)),
                       _contact_block(rng, lang, contacts)])
    return Text(title, body, [], quantities, prices, list(contacts))


def menu(rng: random.Random, lang: str, items: Sequence[Substance], *, currency: str,
         contacts: Sequence[dict] = (), obfuscation: float = 0.3) -> Text:
    """A Telegram-channel price menu: one line per substance with emoji code, tiers and prices.

    The title is the message's first line and is repeated as such in the body, since channels show no title.
    Some substances appear as their emoji code alone ("❄️ 1г — 5000₽"): that code is then the surface form.
    """
    _check(lang, currency)
    t = _T[lang]
    values = _values(rng, lang)
    title = _title(rng.choice(t["m_title"]), values)
    fmt = rng.choice(("{q} – {p}", "{q} - {p}", "{q}={p}", "{q}: {p}"))
    joiner = rng.choice((" | ", " / ", ", ", " • "))
    lines = [title, ""]
    substances: list[dict] = []
    quantities: list[dict] = []
    prices: list[dict] = []
    seen: set[str] = set()
    for sub in items:
        if sub.name in seen:
            continue
        seen.add(sub.name)
        if sub.name in _EMOJI_ONLY and rng.random() < obfuscation * 0.5:
            sf = head = _EMOJI_ONLY[sub.name]
        else:
            sf = _surface(rng, lang, sub.names, obfuscation)
            head = f"{_EMOJI.get(sub.name, (_EMOJI_BY_UNIT.get(sub.unit, '🧪'),))[0]} {sf}"
        q, p, shown = _tiers(rng, sub.unit, sub.usd_per_unit, lang, currency, rng.randint(2, 3), (5, 15, 40),
                             sub.name == "cannabis edibles")
        lines.append(f"{head} — " + joiner.join(fmt.format(q=a, p=b) for a, b in shown))
        substances.append(_record(sf, sub))
        quantities += q
        prices += p
    if rng.random() < 0.8:
        lines += ["", _fill(rng, t["m_foot"], values)]
    body = "\n".join(lines)
    block = _contact_block(rng, lang, contacts)
    if block:
        body += "\n\n" + block
    return Text(title, body, substances, quantities, prices, list(contacts))


def post(rng: random.Random, lang: str, kind: str, item: Substance | Chemical | None = None, *,
         contacts: Sequence[dict] = ()) -> Text:
    """A non-offer text: review, scam warning, harm reduction, news, question, chatter or a legal chemical.

    Reviews, harm reduction, news and questions always name a substance (a random one when ``item`` is None);
    chatter and scam warnings never do, so an item passed with them is not mentioned and not reported.
    """
    _check(lang)
    if kind not in KINDS:
        raise ValueError(f"unknown post kind {kind!r}; known: {KINDS}")
    if kind == "legal_chemical":
        chem = item if isinstance(item, Chemical) else rng.choice(LAB_CHEMICALS)
        return _legal_chemical(rng, lang, chem, contacts)
    t = _T[lang]
    values = _values(rng, lang)
    substances: list[dict] = []
    quantities: list[dict] = []
    thing: Substance | Chemical | None = None
    if kind in _ITEM_KINDS:
        thing = item if isinstance(item, Substance | Chemical) else rng.choice(SUBSTANCES)
        if isinstance(thing, Substance):
            sf = _surface(rng, lang, thing.names, 0.12)
        else:
            sf = _chemical_surface(rng, lang, thing, 0.05)[0]
        values["sub"] = sf
        substances.append(_record(sf, thing))
    lead = rng.choice(t[kind + "_l"])
    more = rng.sample(t[kind + "_m"], min(len(t[kind + "_m"]), rng.randint(1, 3)))
    chosen = [lead, *more]
    if thing is not None and any("{q}" in s for s in chosen):
        qd, values["q"] = _one_quantity(rng, lang, thing.unit, thing.usd_per_unit, kind == "news",
                                        thing.name == "cannabis edibles")
        quantities.append(qd)
    if any("{fent}" in s for s in chosen):
        if substances and substances[0]["name"] == "fentanyl":
            values["fent"] = substances[0]["text"]
        else:
            values["fent"] = _surface(rng, lang, _FENTANYL.names, 0.1)
            substances.append(_record(str(values["fent"]), _FENTANYL))
    title = _title(rng.choice(t[kind + "_t"]), values)
    sentences = [s.format_map(values) for s in chosen]
    body = _join(rng, [_prose(rng, sentences), _contact_block(rng, lang, contacts)])
    return Text(title, body, substances, quantities, [], list(contacts))


def _legal_chemical(rng: random.Random, lang: str, chem: Chemical, contacts: Sequence[dict]) -> Text:
    """A supplier's ordinary product page (CAS, grade, packing, price): the shop's hard negative."""
    t = _T[lang]
    if chem.synonyms and rng.random() < 0.25:
        sf = rng.choice(chem.synonyms)
    else:
        sf = chem.name[0].upper() + chem.name[1:] if rng.random() < 0.7 else chem.name
    quantities, prices, shown = _tiers(rng, chem.unit, chem.usd_per_unit, lang, "USD", 1, (20, 50, 100))
    values = _values(rng, lang, sub=sf, cas=chem.cas, q=shown[0][0], p=shown[0][1],
                     purity=rng.randint(97, 99))
    title = _title(rng.choice(t["legal_chemical_t"]), values)
    sentences = [_fill(rng, t["legal_chemical_l"], values), _fill(rng, t["legal_chemical_p"], values),
                 *_some(rng, t["legal_chemical_m"], 1, 2, values)]
    body = _join(rng, [_prose(rng, sentences), _contact_block(rng, lang, contacts)])
    return Text(title, body, [_record(sf, chem)], quantities, prices, list(contacts))


def payload(rng: random.Random, kind: str) -> str:
    """A hostile string for export tests: "xss" (HTML/JS), "csv" (formula injection) or "xml" (XXE, CDATA)."""
    if kind not in _PAYLOADS:
        raise ValueError(f"unknown payload kind {kind!r}; known: {tuple(_PAYLOADS)}")
    return rng.choice(_PAYLOADS[kind])
