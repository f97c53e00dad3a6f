"""What the range's markets sell: drugs with street names in nine languages, precursors, lab chemicals, fraud.

Everything here is a fact copied once from public references (the 1988 Convention Tables I/II with CAS
numbers, DEA street-name lists, the RedMed lexicon, national brand names) so that the range never reads
the project's reference folder at run time and the NLP under test cannot share data with the generator.

Class decisions (the range's ground truth uses them, so they are fixed and documented here):

* designer benzodiazepines (bromazolam, etizolam, flualprazolam, clonazolam) are ``nps``, not
  ``sedative``: they have no licensed medicine in the EU/US, are sold as "research chemicals" and are
  monitored by the EMCDDA early-warning system as new psychoactive substances. Synthetic cannabinoids
  ("spice") are ``nps`` too. Synthetic cathinones (mephedrone, alpha-PVP, 3-MMC) stay ``stimulant``.
* codeine cough syrup ("lean") is ``opioid`` (canonical "codeine"): the active drug is an opioid.
* ``other`` holds misused medicines and products that fit no family above: pregabalin (a gabapentinoid)
  and nitrous oxide (an inhalant).
* every cannabis product (flower, resin, edibles, THC oil, concentrates) is ``cannabis``.

Street names per language are ordered roughly by how often markets use them; the texts module draws from
them at random. Within one language no two substances share a name (case-insensitively), so a surface
form points at exactly one substance.
"""

from __future__ import annotations

from dataclasses import dataclass

CLASSES = ("opioid", "stimulant", "cannabis", "empathogen", "psychedelic", "dissociative", "sedative", "nps",
           "other")
LANGS = ("en", "ru", "uk", "de", "es", "fr", "pt", "nl", "pl")


@dataclass(frozen=True)
class Substance:
    """A drug as markets sell it: canonical name, class, street names per language, sale unit and price."""

    name: str
    cls: str
    names: dict[str, tuple[str, ...]]
    unit: str  # g | pill | tab | ml | ug | blotter
    usd_per_unit: float  # typical darknet retail price for one unit, before bulk discount
    forms: tuple[str, ...]  # keys of texts.FORM_WORDS (powder, crystal, pills, ...)


@dataclass(frozen=True)
class Chemical:
    """A chemical a supplier sells; ``table`` is the 1988 Convention table or None when not scheduled."""

    name: str
    cas: str
    table: str | None
    synonyms: tuple[str, ...]
    trade: tuple[str, ...]  # abbreviations and market names (BMK, "new BMK", NPP, ...)
    unit: str  # kg | l
    usd_per_unit: float


@dataclass(frozen=True)
class Illicit:
    """A non-drug illegal good sold beside drugs on the same markets (documents, card data, weapons...)."""

    name: str
    names: dict[str, tuple[str, ...]]
    unit: str
    usd_per_unit: float


def _names(**per_lang: str) -> dict[str, tuple[str, ...]]:
    """'a|b|c' per language -> tuples, in LANGS order; every language must be given."""
    return {lang: tuple(per_lang[lang].split("|")) for lang in LANGS}


def _s(name: str, cls: str, unit: str, usd: float, forms: str, **names: str) -> Substance:
    return Substance(name, cls, _names(**names), unit, usd, tuple(forms.split("|")))


# fmt: off
SUBSTANCES: tuple[Substance, ...] = (
    # -- opioids ---------------------------------------------------------------------------------------------
    _s("heroin", "opioid", "g", 80.0, "powder|tar|rock",
       en="heroin|smack|dope|horse|black tar|Big H|heroine|herion",
       ru="героин|гер|хмурый|геррыч", uk="героїн|гера|хмурий|герич",
       de="Heroin|Shore|Braunes|Heroinn", es="heroína|caballo|jaco|chiva",
       fr="héroïne|héro|rabla|brown", pt="heroína|cavalo|heroina",
       nl="heroïne|bruin|heroine|dope", pl="heroina|hera|brąz|kompot"),
    _s("fentanyl", "opioid", "g", 120.0, "powder|pressed|spray",
       en="fentanyl|fent|fetty|china white|fenty|fentanil",
       ru="фентанил|фент|фента|белый китаец", uk="фентаніл|фент|фентанил",
       de="Fentanyl|Fenta|Fentanyll", es="fentanilo|fenta|fenti",
       fr="fentanyl|fenta|fentanile", pt="fentanil|fentanila|fenta",
       nl="fentanyl|fent|fentanil", pl="fentanyl|fenta|fentanil"),
    _s("carfentanil", "opioid", "g", 400.0, "powder",
       en="carfentanil|carfent|carfentanyl|C-fent",
       ru="карфентанил|карфент", uk="карфентаніл|карфент",
       de="Carfentanil|Carfentanyl", es="carfentanilo|carfenta",
       fr="carfentanil|carfentanyl", pt="carfentanil|carfentanila",
       nl="carfentanil|carfentanyl", pl="karfentanyl|carfentanil"),
    _s("acetylfentanyl", "opioid", "g", 90.0, "powder",
       en="acetylfentanyl|acetyl fentanyl|acetyl-F",
       ru="ацетилфентанил|ацетил-фентанил", uk="ацетилфентаніл|ацетил-фентаніл",
       de="Acetylfentanyl|Acetyl-Fentanyl", es="acetilfentanilo|acetil-fentanilo",
       fr="acétylfentanyl|acetyl-fentanyl", pt="acetilfentanil|acetil-fentanil",
       nl="acetylfentanyl|acetyl-fentanyl", pl="acetylofentanyl|acetylfentanyl"),
    _s("furanylfentanyl", "opioid", "g", 90.0, "powder|spray",
       en="furanylfentanyl|FU-F|furanyl fentanyl",
       ru="фуранилфентанил|фу-ф", uk="фуранілфентаніл|фу-ф",
       de="Furanylfentanyl|FU-F", es="furanilfentanilo|FU-F",
       fr="furanylfentanyl|FU-F", pt="furanilfentanil|FU-F",
       nl="furanylfentanyl|FU-F", pl="furanylofentanyl|FU-F"),
    _s("isotonitazene", "opioid", "g", 180.0, "powder|pressed",
       en="isotonitazene|iso|isotonitazine|ISO-T",
       ru="изотонитазен|изо|нитазен", uk="ізотонітазен|ізо|нітазен",
       de="Isotonitazen|Isotonitazene", es="isotonitaceno|isotonitazeno",
       fr="isotonitazène|isotonitazene", pt="isotonitazeno|iso",
       nl="isotonitazeen|isotonitazene", pl="izotonitazen|izo"),
    _s("metonitazene", "opioid", "g", 150.0, "powder|pressed",
       en="metonitazene|meto|metonitazine",
       ru="метонитазен|мето", uk="метонітазен|мето",
       de="Metonitazen|Metonitazene", es="metonitaceno|metonitazeno",
       fr="métonitazène|metonitazene", pt="metonitazeno|meto",
       nl="metonitazeen|metonitazene", pl="metonitazen|meto"),
    _s("protonitazene", "opioid", "g", 150.0, "powder|pressed",
       en="protonitazene|proto|protonitazine",
       ru="протонитазен|прото", uk="протонітазен|прото",
       de="Protonitazen|Protonitazene", es="protonitaceno|protonitazeno",
       fr="protonitazène|protonitazene", pt="protonitazeno|proto",
       nl="protonitazeen|protonitazene", pl="protonitazen|proto"),
    _s("n-pyrrolidino etonitazene", "opioid", "g", 200.0, "powder|pressed",
       en="etonitazepyne|N-pyrrolidino etonitazene|N-pyr",
       ru="этонитазепин|N-пирролидино этонитазен", uk="етонітазепін|N-піролідино етонітазен",
       de="Etonitazepyn|N-Pyrrolidino-Etonitazen", es="etonitazepina|N-pirrolidino etonitaceno",
       fr="étonitazépyne|N-pyrrolidino étonitazène", pt="etonitazepina|N-pirrolidino etonitazeno",
       nl="etonitazepyne|N-pyrrolidino-etonitazeen", pl="etonitazepyna|N-pirolidyno etonitazen"),
    _s("oxycodone", "opioid", "pill", 25.0, "pills|pressed",
       en="oxycodone|Oxy|OC|M30|blues|OxyContin|roxies|percs",
       ru="оксикодон|окси|оксиконтин", uk="оксикодон|окси|оксиконтин",
       de="Oxycodon|Oxy|Oxygesic|M30", es="oxicodona|oxis|M30|azules",
       fr="oxycodone|oxy|OxyContin|M30", pt="oxicodona|oxy|OxyContin|M30",
       nl="oxycodon|oxy|OxyContin|M30", pl="oksykodon|oxy|OxyContin|M30"),
    _s("hydrocodone", "opioid", "pill", 10.0, "pills",
       en="hydrocodone|Vicodin|Norco|hydros|vikes|watsons",
       ru="гидрокодон|викодин", uk="гідрокодон|вікодин",
       de="Hydrocodon|Vicodin|Norco", es="hidrocodona|Vicodin|Norco",
       fr="hydrocodone|Vicodin", pt="hidrocodona|Vicodin",
       nl="hydrocodon|Vicodin|Norco", pl="hydrokodon|Vicodin"),
    _s("tramadol", "opioid", "pill", 2.0, "pills|capsules",
       en="tramadol|trammies|Ultram|trams",
       ru="трамадол|трамал|трамик", uk="трамадол|трамал|трамік",
       de="Tramadol|Tramal|Trammies", es="tramadol|Adolonta|trama",
       fr="tramadol|Topalgic|trama", pt="tramadol|Tramal",
       nl="tramadol|Tramal|trammies", pl="tramadol|Tramal|trama"),
    _s("methadone", "opioid", "ml", 1.2, "liquid|pills",
       en="methadone|dollies|methadose|dolophine",
       ru="метадон|мёд|долофин", uk="метадон|долофін|метадончик",
       de="Methadon|Polamidon|Metha", es="metadona|Metasedin",
       fr="méthadone|métha", pt="metadona|Mytedom",
       nl="methadon|metha", pl="metadon|syrop metadonowy"),
    _s("codeine", "opioid", "ml", 0.9, "syrup|pills",
       en="lean|purple drank|sizzurp|codeine|wock",
       ru="кодеин|лин|кодеиновый сироп", uk="кодеїн|лін|кодеїновий сироп",
       de="Codein|Lean|Purple Drank", es="codeína|lean|purple drank",
       fr="codéine|lean|purple drank|Néo-Codion", pt="codeína|lean|xarope de codeína",
       nl="codeïne|lean|purple drank", pl="kodeina|lean|Thiocodin"),
    _s("morphine", "opioid", "pill", 12.0, "pills|capsules|vials",
       en="morphine|morph|Miss Emma|MS Contin",
       ru="морфин|морф|морфий", uk="морфін|морф|морфій",
       de="Morphin|MST|Morph", es="morfina|morfi",
       fr="morphine|Skenan|morph", pt="morfina|Dimorf",
       nl="morfine|morf", pl="morfina|morfa"),
    _s("buprenorphine", "opioid", "tab", 15.0, "tabs|strips",
       en="buprenorphine|Subutex|subs|bupe|Suboxone",
       ru="бупренорфин|субутекс|бупра", uk="бупренорфін|субутекс",
       de="Buprenorphin|Subutex|Subs", es="buprenorfina|Subutex|bupre",
       fr="buprénorphine|Subutex|subu", pt="buprenorfina|Subutex",
       nl="buprenorfine|Subutex|subs", pl="buprenorfina|Subutex|bupra"),
    # -- stimulants ------------------------------------------------------------------------------------------
    _s("cocaine", "stimulant", "g", 80.0, "powder|flake|rock",
       en="cocaine|coke|blow|snow|yayo|charlie|flake|cocain|fishscale|nose candy",
       ru="кокаин|кокс|кокос|кокосик", uk="кокаїн|кокс|сніжок|кокос",
       de="Kokain|Koks|Schnee|Koka|Cocain", es="cocaína|coca|farlopa|perico|nieve|merca",
       fr="cocaïne|coke|coco|neige|CC", pt="cocaína|coca|farinha|brizola|branca",
       nl="cocaïne|coke|sneeuw|coca|cocaine", pl="kokaina|koka|koks|śnieg"),
    _s("crack cocaine", "stimulant", "g", 60.0, "rock",
       en="crack|rocks|freebase|crack rocks|ready rock",
       ru="крэк|крек|крэк-рок", uk="крек|крек-рок",
       de="Crack|Steine|Base", es="crack|piedra|base|basuco",
       fr="crack|caillou|galette", pt="crack|pedra|craque",
       nl="crack|base|steentjes", pl="crack|kamień|krak"),
    _s("methamphetamine", "stimulant", "g", 40.0, "crystal|powder",
       en="meth|crystal meth|ice|glass|shards|crank|tina|methamphetamine",
       ru="метамфетамин|мет|лёд|винт|первитин", uk="метамфетамін|мет|лід|первітин",
       de="Crystal|Meth|Methamphetamin|Tina|Pervitin", es="metanfetamina|cristal|hielo|tina|meta",
       fr="méthamphétamine|crystal|ice|meth|tina", pt="metanfetamina|cristal|ice|meth",
       nl="crystal meth|meth|ijs|tina", pl="metamfetamina|kryształ|meta|lód"),
    _s("amphetamine", "stimulant", "g", 12.0, "powder|paste|pills",
       en="speed|amphetamine|amph|pep|base speed|Adderall|addies",
       ru="амфетамин|фен|скорость|амф", uk="амфетамін|фен|швидкість|амф",
       de="Speed|Pep|Amphetamin|Paste", es="anfeta|speed|anfetamina",
       fr="amphétamine|speed|amphet", pt="anfetamina|speed|rebite",
       nl="speed|pep|amfetamine|amfe", pl="amfetamina|fet|feta|amfa|speed"),
    _s("mephedrone", "stimulant", "g", 25.0, "crystal|powder",
       en="mephedrone|meow meow|4-MMC|m-cat|drone",
       ru="мефедрон|меф|мяу|мука|меф крис", uk="мефедрон|меф|мяу|меф кріс",
       de="Mephedron|Meow|4-MMC|Miau", es="mefedrona|miau|4-MMC",
       fr="méphédrone|miaou|4-MMC", pt="mefedrona|miau|4-MMC",
       nl="mefedron|miauw|4-MMC", pl="mefedron|mefa|miau|4-MMC"),
    _s("alpha-pvp", "stimulant", "g", 25.0, "crystal|powder",
       en="a-PVP|alpha-PVP|flakka|gravel|bath salts",
       ru="альфа-PVP|соль|крисы|альфа", uk="альфа-PVP|сіль|кріси|альфа",
       de="Alpha-PVP|Flakka|Badesalz|a-PVP", es="alfa-PVP|flakka|sales de baño",
       fr="alpha-PVP|flakka|sels de bain", pt="alfa-PVP|flakka|sais de banho",
       nl="alfa-PVP|flakka|badzout", pl="alfa-PVP|alfa|sole do kąpieli"),
    _s("3-mmc", "stimulant", "g", 20.0, "crystal|powder",
       en="3-MMC|3MMC|metaphedrone|3-mmc crystals",
       ru="3-ММС|3ммц|3-MMC", uk="3-ММС|3-MMC|тріммс",
       de="3-MMC|3MMC|Metaphedron", es="3-MMC|3mmc|metafedrona",
       fr="3-MMC|3MMC|la 3", pt="3-MMC|3mmc",
       nl="3-MMC|3mmc|drie-mmc", pl="3-MMC|3mmc|metafedron"),
    _s("methylphenidate", "stimulant", "pill", 5.0, "pills",
       en="Ritalin|methylphenidate|Concerta|rits|vitamin R",
       ru="метилфенидат|риталин|концерта", uk="метилфенідат|риталін|концерта",
       de="Ritalin|Methylphenidat|Medikinet|Concerta", es="metilfenidato|Ritalin|Rubifen|Concerta",
       fr="méthylphénidate|Ritaline|Concerta", pt="metilfenidato|Ritalina|Concerta",
       nl="methylfenidaat|Ritalin|Concerta", pl="metylofenidat|Ritalin|Medikinet"),
    # -- cannabis --------------------------------------------------------------------------------------------
    _s("cannabis", "cannabis", "g", 9.0, "flower|dried",
       en="weed|bud|kush|ganja|loud|marijuana|cannabis|mary jane|dro|OG kush",
       ru="шишки|бошки|трава|ганджа|марихуана", uk="шишки|бошки|трава|канабіс|ганджа",
       de="Gras|Weed|Ganja|Marihuana|Ott|Buds", es="marihuana|hierba|maría|mota|cogollos|weed",
       fr="beuh|herbe|weed|ganja|cannabis", pt="erva|maconha|marijuana|weed|beck",
       nl="wiet|weed|toppen|skunk|ganja", pl="marihuana|zioło|trawka|susz|gandzia"),
    _s("cannabis resin", "cannabis", "g", 8.0, "resin",
       en="hash|hashish|charas|pollen|dry sift|cannabis resin",
       ru="гашиш|хэш|пластилин|гаш", uk="гашиш|хеш|пластилін",
       de="Haschisch|Hasch|Shit|Piece", es="hachís|chocolate|costo|polen",
       fr="shit|résine|teushi|hasch|filtré", pt="haxixe|pólen|hash|chocolate",
       nl="hasj|hash|polm", pl="haszysz|hasz|czekolada"),
    _s("cannabis edibles", "cannabis", "pill", 6.0, "gummies",
       en="edibles|THC gummies|pot brownies|space cake",
       ru="ТГК-мармелад|съедобные с ТГК|мармелад с ТГК", uk="ТГК-цукерки|їстівні з ТГК|мармелад з ТГК",
       de="Space Cookies|Edibles|THC-Gummis", es="comestibles|gominolas de THC|brownies de THC",
       fr="space cake|bonbons au THC|comestibles THC", pt="comestíveis|gomas de THC|brownie de THC",
       nl="spacecake|edibles|THC-snoepjes", pl="żelki THC|jadalne z THC|ciastka THC"),
    _s("thc oil", "cannabis", "ml", 30.0, "cart|oil",
       en="THC oil|THC carts|vape carts|distillate|dab pen",
       ru="ТГК масло|картридж ТГК|вейп ТГК", uk="ТГК олія|картридж ТГК|вейп ТГК",
       de="THC-Öl|THC Vape|THC-Kartusche", es="aceite de THC|cartuchos de THC|vaper de THC",
       fr="huile de THC|vape THC|cartouche THC", pt="óleo de THC|vape THC|cartucho THC",
       nl="THC-olie|THC vape|THC-cartridge", pl="olejek THC|wkład THC|vape THC"),
    _s("cannabis concentrate", "cannabis", "g", 25.0, "wax",
       en="wax|shatter|dabs|budder|live resin|rosin",
       ru="воск|шаттер|концентрат ТГК", uk="віск|шатер|концентрат ТГК",
       de="Wax|Shatter|Dabs|Konzentrat", es="cera|shatter|dabs|extracto",
       fr="wax|shatter|dabs|rosin", pt="wax|shatter|concentrado",
       nl="wax|shatter|dabs|concentraat", pl="wax|shatter|koncentrat"),
    # -- empathogens -----------------------------------------------------------------------------------------
    _s("mdma", "empathogen", "pill", 10.0, "pills|crystal|capsules",
       en="MDMA|molly|ecstasy|XTC|mandy|rolls|beans|extasy",
       ru="экстази|МДМА|колеса|мдма", uk="екстазі|МДМА|колеса",
       de="Ecstasy|XTC|Teile|Emma|MDMA|Molly", es="éxtasis|MDMA|pastis|pirulas|MD|tachas",
       fr="ecsta|MD|taz|MDMA|cachets", pt="ecstasy|bala|MD|MDMA",
       nl="XTC|MDMA|molly|snoepjes", pl="ekstazy|MDMA|piguły|eska|MD"),
    _s("mda", "empathogen", "g", 40.0, "crystal|powder",
       en="MDA|sass|sally", ru="МДА|сасса", uk="МДА|саса",
       de="MDA|Sass", es="MDA|sass", fr="MDA|sass", pt="MDA|sass", nl="MDA|sass", pl="MDA|sass"),
    # -- psychedelics ----------------------------------------------------------------------------------------
    _s("lsd", "psychedelic", "blotter", 8.0, "blotter|liquid",
       en="LSD|acid|lucy|cid|window pane|blotter acid",
       ru="ЛСД|марки|кислота|лсд", uk="ЛСД|марки|кислота",
       de="LSD|Pappe|Acid|Trips", es="LSD|ácido|tripis|cartón|secante",
       fr="LSD|acide|buvard|carton", pt="LSD|ácido|doce|selo",
       nl="LSD|acid|trips|zegels", pl="LSD|kwas|papierki|znaczki"),
    _s("psilocybin mushrooms", "psychedelic", "g", 8.0, "dried",
       en="shrooms|magic mushrooms|mushies|golden teachers|boomers|psilocybin mushrooms|penis envy",
       ru="грибы|псилоцибы|псилоцибиновые грибы|шляпки", uk="гриби|псилоцибіни|псилоцибінові гриби",
       de="Zauberpilze|Pilze|Magic Mushrooms|Psilos", es="setas|hongos|hongos mágicos|setas mágicas",
       fr="champis|champignons magiques|psilos", pt="cogumelos|cogumelos mágicos|cogu",
       nl="paddo's|paddestoelen|truffels|magic mushrooms", pl="grzybki|łysiczki|magiczne grzyby"),
    _s("dmt", "psychedelic", "g", 80.0, "crystal|powder",
       en="DMT|dimitri|spirit molecule|changa", ru="ДМТ|диметилтриптамин", uk="ДМТ|диметилтриптамін",
       de="DMT|Dimitri|Changa", es="DMT|dimetiltriptamina", fr="DMT|diméthyltryptamine",
       pt="DMT|dimetiltriptamina", nl="DMT|dimethyltryptamine", pl="DMT|dimetylotryptamina"),
    _s("mescaline", "psychedelic", "g", 50.0, "powder|dried",
       en="mescaline|peyote|buttons|san pedro|mesc", ru="мескалин|пейот", uk="мескалін|пейот",
       de="Meskalin|Peyote|San Pedro", es="mescalina|peyote|San Pedro", fr="mescaline|peyotl|San Pedro",
       pt="mescalina|peiote|São Pedro", nl="mescaline|peyote|San Pedro", pl="meskalina|pejotl|San Pedro"),
    _s("2c-b", "psychedelic", "pill", 12.0, "pills|powder",
       en="2C-B|nexus|bees|2cb|venus", ru="2C-B|2си-би|нексус", uk="2C-B|нексус",
       de="2C-B|Nexus|Venus", es="2C-B|nexus|tucibi", fr="2C-B|nexus|2CB", pt="2C-B|nexus",
       nl="2C-B|nexus|2CB", pl="2C-B|nexus"),
    # -- dissociatives ---------------------------------------------------------------------------------------
    _s("ketamine", "dissociative", "g", 30.0, "crystal|powder|liquid",
       en="ketamine|ket|special K|vitamin K|kitty|keta|cat valium",
       ru="кетамин|кет|кетас", uk="кетамін|кет|кетас",
       de="Ketamin|Keta|Special K|Vitamin K", es="ketamina|keta|special K|la K",
       fr="kétamine|kéta|special K", pt="cetamina|keta|special K|quetamina",
       nl="ketamine|keta|ket|special K", pl="ketamina|keta|special K"),
    _s("pcp", "dissociative", "g", 40.0, "powder|liquid",
       en="PCP|angel dust|sherm|rocket fuel", ru="ФЦП|фенциклидин|ангельская пыль",
       uk="ФЦП|фенциклідин|ангельський пил", de="PCP|Angel Dust|Engelsstaub", es="PCP|polvo de ángel",
       fr="PCP|poussière d'ange", pt="PCP|pó de anjo", nl="PCP|angel dust|engelenstof",
       pl="PCP|anielski pył"),
    _s("3-meo-pcp", "dissociative", "g", 30.0, "powder|crystal",
       en="3-MeO-PCP|3-meo|3meo", ru="3-MeO-PCP|3-мео|мео", uk="3-MeO-PCP|3-мео",
       de="3-MeO-PCP|3-Meo", es="3-MeO-PCP|3-meo", fr="3-MeO-PCP|3-méo", pt="3-MeO-PCP|3-meo",
       nl="3-MeO-PCP|3-meo", pl="3-MeO-PCP|3-meo"),
    # -- sedatives -------------------------------------------------------------------------------------------
    _s("alprazolam", "sedative", "pill", 3.0, "bars|pills",
       en="Xanax|xanny|bars|xanax bars|zannies|alprazolam|xans|school bus",
       ru="алпразолам|ксанакс|ксаники", uk="алпразолам|ксанакс|ксанакси",
       de="Alprazolam|Xanax|Tafil|Xannies", es="alprazolam|Xanax|Trankimazin|barras",
       fr="alprazolam|Xanax|xan|barres", pt="alprazolam|Xanax|Frontal",
       nl="alprazolam|Xanax|xannies|bars", pl="alprazolam|Xanax|Afobam|xanaxy"),
    _s("diazepam", "sedative", "pill", 1.5, "pills",
       en="Valium|diazepam|vals|DZP", ru="диазепам|реланиум|сибазон|валиум", uk="діазепам|реланіум|сибазон",
       de="Diazepam|Valium|Vals", es="diazepam|Valium|valiums", fr="diazépam|Valium",
       pt="diazepam|Valium", nl="diazepam|Valium|Stesolid", pl="diazepam|Relanium|Valium"),
    _s("clonazepam", "sedative", "pill", 2.0, "pills",
       en="Klonopin|clonazepam|K-pins|pins|Rivotril", ru="клоназепам|клон|ривотрил",
       uk="клоназепам|клон|ривотрил",
       de="Clonazepam|Rivotril|Klonopin", es="clonazepam|Rivotril|rivos", fr="clonazépam|Rivotril|rivo",
       pt="clonazepam|Rivotril|rivo", nl="clonazepam|Rivotril|klonopin", pl="klonazepam|Rivotril|klony"),
    _s("ghb", "sedative", "ml", 1.0, "liquid",
       en="GHB|Georgia home boy|liquid X|gina|scoop", ru="ГОМК|бутират|оксибутират",
       uk="ГОМК|бутират|оксибутират",
       de="GHB|K.-o.-Tropfen|Liquid X", es="GHB|G líquido", fr="GHB|drogue du violeur",
       pt="GHB|G líquido", nl="GHB|vloeibare G", pl="GHB|pigułka gwałtu"),
    _s("zolpidem", "sedative", "pill", 2.0, "pills",
       en="Ambien|zolpidem|A-minus", ru="золпидем|санвал|ивадал", uk="золпідем|санвал",
       de="Zolpidem|Stilnox", es="zolpidem|Stilnox|Dalparan", fr="zolpidem|Stilnox", pt="zolpidem|Stilnox",
       nl="zolpidem|Stilnoct", pl="zolpidem|Stilnox|Nasen"),
    # -- new psychoactive substances -------------------------------------------------------------------------
    _s("synthetic cannabinoids", "nps", "g", 10.0, "dried|powder|liquid",
       en="spice|K2|synthetic cannabinoids|black mamba|SCRA", ru="спайс|микс|курительные смеси|спайсуха",
       uk="спайс|мікс|курильні суміші", de="Spice|Kräutermischung|Räuchermischung|synthetische Cannabinoide",
       es="spice|K2|cannabinoides sintéticos|mezcla herbal", fr="spice|K2|cannabinoïdes de synthèse",
       pt="spice|K2|K9|canabinoides sintéticos", nl="spice|K2|synthetische cannabinoïden",
       pl="dopalacze|spice|mocarz|syntetyczne kannabinoidy"),
    _s("bromazolam", "nps", "pill", 1.5, "pills|powder",
       en="bromazolam|broma|bromaz", ru="бромазолам|бром", uk="бромазолам|бром", de="Bromazolam|Broma",
       es="bromazolam|broma", fr="bromazolam|broma", pt="bromazolam|broma", nl="bromazolam|broma",
       pl="bromazolam|broma"),
    _s("etizolam", "nps", "pill", 1.0, "pills|powder",
       en="etizolam|etiz|Etizest|etilaam", ru="этизолам|этиз", uk="етизолам|етиз", de="Etizolam|Etiz|Etilaam",
       es="etizolam|etiz", fr="étizolam|etiz", pt="etizolam|etiz", nl="etizolam|etiz", pl="etizolam|etiz"),
    _s("flualprazolam", "nps", "pill", 2.0, "pills|powder",
       en="flualprazolam|flualp|flualpraz", ru="флуалпразолам|флуалп", uk="флуалпразолам|флуалп",
       de="Flualprazolam|Flualp", es="flualprazolam|flualpra", fr="flualprazolam|flualpra",
       pt="flualprazolam|flualpra", nl="flualprazolam|flualp", pl="flualprazolam|flualp"),
    _s("clonazolam", "nps", "pill", 2.0, "pills|powder",
       en="clonazolam|clam|c-lam", ru="клоназолам|клоназ", uk="клоназолам|клоназ", de="Clonazolam|Clonaz",
       es="clonazolam|clona", fr="clonazolam|clona", pt="clonazolam|clona", nl="clonazolam|clona",
       pl="klonazolam|clonazolam"),
    # -- other -----------------------------------------------------------------------------------------------
    _s("pregabalin", "other", "pill", 1.5, "capsules",
       en="pregabalin|Lyrica|pregs", ru="прегабалин|лирика|прегабка", uk="прегабалін|ліріка",
       de="Pregabalin|Lyrica|Pregas", es="pregabalina|Lyrica", fr="prégabaline|Lyrica",
       pt="pregabalina|Lyrica", nl="pregabaline|Lyrica", pl="pregabalina|Lyrica|prega"),
    _s("nitrous oxide", "other", "g", 0.06, "tank",
       en="nitrous|nitrous oxide|NOS|whippets|laughing gas|N2O", ru="веселящий газ|закись азота|шарики",
       uk="звеселяючий газ|закис азоту|кульки", de="Lachgas|N2O|Ballons",
       es="óxido nitroso|gas de la risa|globos",
       fr="protoxyde d'azote|proto|gaz hilarant|ballons", pt="óxido nitroso|gás do riso|balão",
       nl="lachgas|ballonnen|N2O", pl="gaz rozweselający|podtlenek azotu|balony"),
)
# fmt: on


def _c(name: str, cas: str, table: str | None, unit: str, usd: float, synonyms: str = "",
       trade: str = "") -> Chemical:
    return Chemical(name, cas, table, tuple(s for s in synonyms.split("|") if s),
                    tuple(t for t in trade.split("|") if t), unit, usd)


# Every row of the 1988 Convention reference list (precursors.csv), table as scheduled today: phenylacetic
# acid moved to Table I; the 2024 glycidate additions cover their salts (sodium salt 5449-12-7 is "new BMK").
# Monitored but unscheduled chemicals (methylamine, red phosphorus, GBL...) have table None.
# fmt: off
PRECURSORS: tuple[Chemical, ...] = (
    _c("ephedrine", "299-42-3", "I", "kg", 800.0, "ephedrine hydrochloride", "ephedrine HCl"),
    _c("pseudoephedrine", "90-82-4", "I", "kg", 700.0, "pseudoephedrine hydrochloride", "PSE|pseudo"),
    _c("norephedrine", "14838-15-4", "I", "kg", 600.0, "phenylpropanolamine", "PPA"),
    _c("1-phenyl-2-propanone", "103-79-7", "I", "l", 900.0, "phenylacetone|benzyl methyl ketone",
       "P-2-P|P2P|BMK|BMK oil"),
    _c("alpha-phenylacetoacetonitrile", "4468-48-8", "I", "kg", 200.0, "", "APAAN"),
    _c("alpha-phenylacetoacetamide", "4433-77-6", "I", "kg", 250.0, "", "APAA"),
    _c("methyl alpha-phenylacetoacetate", "16648-44-5", "I", "l", 300.0, "", "MAPA"),
    _c("3,4-methylenedioxyphenyl-2-propanone", "4676-39-5", "I", "l", 1000.0, "piperonyl methyl ketone",
       "PMK|3,4-MDP-2-P|PMK oil"),
    _c("3,4-mdp-2-p methyl glycidate", "13605-48-6", "I", "kg", 450.0, "PMK methyl glycidate",
       "PMK glycidate|PMK powder"),
    _c("3,4-mdp-2-p methyl glycidic acid", "2167189-50-4", "I", "kg", 500.0, "", "PMK glycidic acid"),
    _c("safrole", "94-59-7", "I", "l", 150.0, "sassafras oil", ""),
    _c("isosafrole", "120-58-1", "I", "l", 150.0, "", ""),
    _c("piperonal", "120-57-0", "I", "kg", 60.0, "heliotropin", ""),
    _c("n-phenethyl-4-piperidone", "39742-60-4", "I", "kg", 800.0, "", "NPP"),
    _c("4-anilino-n-phenethylpiperidine", "21409-26-7", "I", "kg", 2000.0, "despropionyl fentanyl",
       "ANPP|4-ANPP"),
    _c("4-anilinopiperidine", "23056-29-3", "I", "kg", 1500.0, "", "4-AP"),
    _c("tert-butyl 4-(phenylamino)piperidine-1-carboxylate", "125541-22-2", "I", "kg", 1200.0, "",
       "1-boc-4-AP|boc-4-AP"),
    _c("norfentanyl", "1609-66-1", "I", "kg", 2000.0, "", ""),
    _c("4-piperidone", "41661-47-6", "I", "kg", 500.0, "", ""),
    _c("1-boc-4-piperidone", "79099-07-3", "I", "kg", 300.0, "N-Boc-4-piperidone", "1-boc-4-piperidone"),
    _c("n-acetylanthranilic acid", "89-52-1", "I", "kg", 100.0, "", ""),
    _c("ergometrine", "60-79-7", "I", "kg", 50000.0, "ergonovine", ""),
    _c("ergotamine", "113-15-5", "I", "kg", 20000.0, "", ""),
    _c("lysergic acid", "82-58-6", "I", "kg", 40000.0, "", ""),
    _c("acetic anhydride", "108-24-7", "I", "l", 10.0, "", "AA"),
    _c("potassium permanganate", "7722-64-7", "I", "kg", 8.0, "", ""),
    _c("acetone", "67-64-1", "II", "l", 5.0, "", ""),
    _c("anthranilic acid", "118-92-3", "II", "kg", 20.0, "", ""),
    _c("ethyl ether", "60-29-7", "II", "l", 15.0, "diethyl ether", ""),
    _c("hydrochloric acid", "7647-01-0", "II", "l", 5.0, "", "HCl"),
    _c("methyl ethyl ketone", "78-93-3", "II", "l", 6.0, "butanone", "MEK"),
    _c("phenylacetic acid", "103-82-2", "I", "kg", 40.0, "", ""),
    _c("piperidine", "110-89-4", "II", "l", 60.0, "", ""),
    _c("sulphuric acid", "7664-93-9", "II", "l", 4.0, "sulfuric acid", ""),
    _c("toluene", "108-88-3", "II", "l", 5.0, "", ""),
    _c("p-2-p methyl glycidic acid", "25547-51-7", "I", "kg", 400.0, "", "BMK glycidic acid|BMK glycidate"),
    _c("bmk glycidic acid sodium salt", "5449-12-7", "I", "kg", 350.0, "",
       "new BMK|BMK glycidate|BMK powder"),
    _c("p-2-p methyl glycidate", "80532-66-7", "I", "kg", 400.0,
       "methyl 2-methyl-3-phenyloxirane-2-carboxylate", "BMK methyl glycidate"),
    _c("p-2-p ethyl glycidate", "41232-97-7", "I", "kg", 450.0, "", "BMK ethyl glycidate"),
    _c("3,4-mdp-2-p ethyl glycidate", "28578-16-7", "I", "kg", 500.0, "",
       "PMK ethyl glycidate|new PMK|PMK oil"),
    _c("methylamine", "74-89-5", None, "l", 50.0, "monomethylamine", "MA 40%"),
    _c("red phosphorus", "7723-14-0", None, "kg", 100.0, "", ""),
    _c("hydriodic acid", "10034-85-2", None, "l", 150.0, "hydroiodic acid", "HI 57%"),
    _c("gamma-butyrolactone", "96-48-0", None, "l", 60.0, "", "GBL"),
    _c("hydroxylimine", "6740-87-0", None, "kg", 900.0, "", ""),
    _c("o-chlorophenyl cyclopentyl ketone", "6740-85-8", None, "kg", 300.0,
       "2-chlorophenyl cyclopentyl ketone", "2-CPCPK"),
    _c("benzyl cyanide", "140-29-4", None, "l", 50.0, "phenylacetonitrile", ""),
)

# Ordinary chemicals a supplier sells legitimately (none scheduled or monitored): the shop's hard negatives.
LAB_CHEMICALS: tuple[Chemical, ...] = (
    _c("sodium chloride", "7647-14-5", None, "kg", 1.0, "table salt|NaCl"),
    _c("citric acid", "77-92-9", None, "kg", 2.5, "citric acid anhydrous|E330"),
    _c("ethanol", "64-17-5", None, "l", 4.0, "ethyl alcohol|absolute ethanol"),
    _c("glycerol", "56-81-5", None, "l", 3.0, "glycerin|glycerine"),
    _c("sodium bicarbonate", "144-55-8", None, "kg", 1.2, "baking soda|sodium hydrogen carbonate"),
    _c("isopropanol", "67-63-0", None, "l", 3.5, "isopropyl alcohol|IPA"),
    _c("magnesium sulfate", "7487-88-9", None, "kg", 1.5, "Epsom salt|magnesium sulphate"),
    _c("sodium hydroxide", "1310-73-2", None, "kg", 1.8, "caustic soda|lye"),
    _c("potassium hydroxide", "1310-58-3", None, "kg", 2.2, "caustic potash"),
    _c("calcium chloride", "10043-52-4", None, "kg", 1.4, "CaCl2"),
    _c("sodium carbonate", "497-19-8", None, "kg", 1.1, "soda ash|washing soda"),
    _c("acetic acid", "64-19-7", None, "l", 2.0, "glacial acetic acid"),
    _c("d-glucose", "50-99-7", None, "kg", 1.6, "dextrose|glucose"),
    _c("ascorbic acid", "50-81-7", None, "kg", 6.0, "vitamin C|E300"),
    _c("propylene glycol", "57-55-6", None, "l", 3.2, "1,2-propanediol|E1520"),
    _c("hydrogen peroxide", "7722-84-1", None, "l", 2.4, "H2O2 35%"),
    _c("sodium sulfate", "7757-82-6", None, "kg", 0.9, "Glauber's salt anhydrous"),
    _c("ethyl acetate", "141-78-6", None, "l", 3.0, "ethyl ethanoate"),
    _c("methanol", "67-56-1", None, "l", 1.5, "methyl alcohol"),
    _c("boric acid", "10043-35-3", None, "kg", 2.8, "boracic acid"),
    _c("mannitol", "69-65-8", None, "kg", 9.0, "D-mannitol|E421"),
    _c("caffeine", "58-08-2", None, "kg", 25.0, "anhydrous caffeine"),
)
# fmt: on


def _i(name: str, unit: str, usd: float, **names: str) -> Illicit:
    return Illicit(name, _names(**names), unit, usd)


# fmt: off
OTHER_ILLICIT: tuple[Illicit, ...] = (
    _i("forged passport", "unit", 1200.0,
       en="fake passport|forged passport|novelty passport", ru="поддельный паспорт|паспорт РФ|загранпаспорт",
       uk="підроблений паспорт|закордонний паспорт", de="gefälschter Reisepass|Fake-Pass|Reisepass",
       es="pasaporte falso|pasaporte", fr="faux passeport|passeport", pt="passaporte falso|passaporte",
       nl="nep-paspoort|paspoort", pl="fałszywy paszport|paszport"),
    _i("forged id card", "unit", 600.0,
       en="fake ID|ID card|scannable fake ID", ru="поддельный ID|ID-карта",
       uk="підроблена ID-картка|ID-картка",
       de="gefälschter Personalausweis|Perso|Ausweis", es="DNI falso|documento de identidad",
       fr="fausse carte d'identité|CNI", pt="cartão de cidadão falso|RG falso",
       nl="nep-ID-kaart|identiteitskaart", pl="fałszywy dowód osobisty|dowód"),
    _i("forged driving licence", "unit", 400.0,
       en="fake driver's license|driving licence|fake DL", ru="водительское удостоверение|права",
       uk="посвідчення водія|права", de="Führerschein|Lappen", es="carné de conducir|carnet falso",
       fr="permis de conduire|faux permis", pt="carta de condução|CNH falsa",
       nl="rijbewijs|nep-rijbewijs", pl="prawo jazdy|fałszywe prawo jazdy"),
    _i("card data", "unit", 25.0,
       en="CVV|dumps|fullz with CVV|card dumps|carding dumps", ru="СС|дампы|карты с CVV",
       uk="СС|дампи|картки з CVV",
       de="CVV|Dumps|Kreditkartendaten", es="CVV|dumps|tarjetas clonadas", fr="CVV|dumps|cartes bancaires",
       pt="CVV|dumps|cartões clonados", nl="CVV|dumps|creditcardgegevens", pl="CVV|dumpy|dane kart"),
    _i("counterfeit banknotes", "unit", 12.0,
       en="counterfeit bills|fake notes|prop money|counterfeit euros",
       ru="фальшивые купюры|фальшивки|фальшак",
       uk="фальшиві купюри|фальшивки", de="Falschgeld|Blüten", es="billetes falsos|billetes de imitación",
       fr="faux billets|billets contrefaits", pt="notas falsas|cédulas falsas",
       nl="nepgeld|nepbiljetten", pl="fałszywe banknoty|podróbki banknotów"),
    _i("firearm", "unit", 1500.0,
       en="Glock 17|pistol|handgun|AK-47", ru="ствол|пистолет|Глок", uk="ствол|пістолет|Глок",
       de="Pistole|Glock 17|Schusswaffe", es="pistola|Glock 17|arma corta",
       fr="pistolet|Glock 17|arme de poing",
       pt="pistola|Glock 17|arma", nl="pistool|Glock 17|vuurwapen", pl="pistolet|Glock 17|broń krótka"),
    _i("ammunition", "unit", 60.0,
       en="9mm ammo|ammunition|rounds", ru="патроны 9мм|патроны", uk="набої 9мм|набої",
       de="Munition 9mm|Munition", es="munición 9mm|balas", fr="munitions 9mm|cartouches",
       pt="munição 9mm|cartuchos", nl="munitie 9mm|kogels", pl="amunicja 9mm|naboje"),
    _i("hacked accounts", "unit", 8.0,
       en="hacked accounts|Netflix accounts|PayPal logs|bank logs", ru="взломанные аккаунты|логи|акки",
       uk="зламані акаунти|логи", de="gehackte Accounts|Bank-Logs", es="cuentas hackeadas|logs bancarios",
       fr="comptes piratés|logs bancaires", pt="contas hackeadas|logins bancários",
       nl="gehackte accounts|bank logs", pl="zhakowane konta|logi bankowe"),
    _i("malware", "unit", 300.0,
       en="stealer|RAT|ransomware builder|crypter|botnet access", ru="стиллер|крипт|РАТ|ботнет",
       uk="стілер|крипт|ботнет", de="Stealer|RAT|Crypter", es="stealer|RAT|ransomware",
       fr="stealer|RAT|rançongiciel", pt="stealer|RAT|ransomware", nl="stealer|RAT|ransomware",
       pl="stealer|RAT|ransomware"),
    _i("identity data", "unit", 15.0,
       en="fullz|SSN+DOB|identity packs", ru="пробив|базы данных|фуллз", uk="пробив|бази даних",
       de="Fullz|Identitätsdaten", es="fullz|datos personales", fr="fullz|identités complètes",
       pt="fullz|dados pessoais", nl="fullz|identiteitsgegevens", pl="fullz|dane osobowe"),
)
# fmt: on
