"""The range's world: every site, actor, listing and post, derived on demand from (seed, size, epoch).

Nothing is pre-rendered: each entity is a pure function of its index and the seed, so a 100,000-listing
range starts as fast as a 1,000-listing one and serves stable URLs. Ground truth is read from the same
functions the sites render from, so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from testsites import identifiers as ids
from testsites import texts
from testsites.pgp import PGPKey, make_key
from testsites.vocabulary import LAB_CHEMICALS, OTHER_ILLICIT, PRECURSORS, SUBSTANCES

EPOCH0 = 1_767_225_600  # 2026-01-01T00:00:00Z: epoch e is e weeks after this
WEEK = 7 * 86_400

DRUG, PRECURSOR, OTHER, NOT_OFFER = "drug_offer", "precursor_offer", "other_illicit_offer", "not_offer"


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    kind: str  # market | shop | forum | channel
    langs: tuple[str, ...]
    currency: str
    share: float  # of --listings (markets, shop) or of posts (forum, channels)
    categories: tuple[tuple[str, float], ...]  # (category, weight)
    onion: bool = False
    offline_from: int | None = None  # epoch from which the site is gone


SITES: dict[str, Site] = {
    s.key: s
    for s in (
        Site("market_a", "Apollon Market", "market", ("en",), "USD", 0.35,
             ((DRUG, 0.82), (OTHER, 0.12), (PRECURSOR, 0.06)), onion=True),
        Site("market_b", "Снежный Барс", "market", ("ru", "ru", "ru", "uk"), "RUB", 0.25, ((DRUG, 1.0),),
             onion=True),
        Site("market_c", "Nachtmarkt", "market", ("de", "es", "fr"), "EUR", 0.22,
             ((DRUG, 0.9), (OTHER, 0.1)), onion=True),
        Site("shop", "Hebei Sinochem Trade", "shop", ("en", "en", "nl"), "USD", 0.18,
             ((PRECURSOR, 0.65), (NOT_OFFER, 0.35)), offline_from=1),
        Site("forum", "Dread Lounge", "forum", ("en", "en", "nl", "pl"), "USD", 0.12, ()),
        Site("channel_ua", "Сніжок UA", "channel", ("uk", "ru"), "UAH", 0.05, ()),
        Site("channel_pt", "Verde Delivery", "channel", ("pt", "pt", "en"), "EUR", 0.05, ()),
    )
}
MARKETS = ("market_a", "market_b", "market_c", "shop")
CHANNELS = ("channel_ua", "channel_pt")

COUNTRIES = ("NL", "DE", "GB", "ES", "FR", "PL", "US", "CA", "AU", "CN", "IN", "BE", "CZ", "UA", "RU")
SHIP_TO = ("Worldwide", "EU", "US", "UK", "AU", "EU + UK", "Europe")
CITIES_B = ("Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Киев", "Харьков", "Минск",
            "Одесса", "Алматы")
FORUM_BOARDS = (
    ("vendors", "Vendor threads", "vendor"), ("reviews", "Reviews", "review"),
    ("scams", "Scam warnings", "scam_warning"), ("harm-reduction", "Harm reduction", "harm_reduction"),
    ("news", "News", "news"), ("questions", "Questions", "question"), ("off-topic", "Off topic", "chatter"),
)
SEED_ACTORS = (
    ("drug", ("market_a", "market_b", "forum")), ("drug", ("market_c", "market_a")), ("precursor", ("shop", "forum")),
    ("precursor", ("shop", "market_a")), ("other", ("market_a", "market_c")), ("drug", ("market_b",)),
    ("drug", ("market_c", "forum")), ("other", ("market_c",)),
)
MARKET_A_CATEGORIES = {
    "opioid": "Opioids", "stimulant": "Stimulants", "cannabis": "Cannabis", "empathogen": "Ecstasy",
    "psychedelic": "Psychedelics", "dissociative": "Dissociatives", "sedative": "Benzos", "nps": "Research Chemicals",
    "other": "Other drugs", PRECURSOR: "Chemicals", OTHER: "Fraud & Counterfeits",
}

FIRST_NAMES = ("frosty", "dutch", "green", "north", "night", "silk", "pure", "king", "lucky", "alpha", "euro", "sonic",
               "gold", "wolf", "tiger", "snow", "crystal", "zen", "ghost", "shadow", "blue", "red", "mister", "doc",
               "captain", "royal", "street", "happy", "magic", "cosmic")
LAST_NAMES = ("pharma", "chems", "bros", "labs", "garden", "express", "connect", "supply", "store", "factory", "house",
              "direct", "line", "club", "farm", "trade", "plug", "market", "depot", "team")
CYR_NAMES = ("Снежок", "Барон", "Кристалл", "Шаман", "Лёд", "Белый", "Фармацевт", "Химик", "Сибирь", "Закладчик",
             "Мастер", "Ветер")


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def listing_number(site: str, j: int) -> int:
    """Public, stable, non-sequential listing number for local index j (an invertible affine map)."""
    return (j * 7_919 + 100_003 + 17 * len(site)) % 9_999_991 + 1_000_000


def listing_index(site: str, number: int) -> int:
    return ((number - 1_000_000 - 100_003 - 17 * len(site)) * pow(7_919, -1, 9_999_991)) % 9_999_991


@dataclass
class Account:
    """One actor's presence on one site (a vendor profile, a shop manager, a forum user, a channel)."""

    site: str
    name: str
    actor: str
    role: str  # drug | precursor | other | buyer | operator
    identifiers: list[dict] = field(default_factory=list)
    pgp: PGPKey | None = None
    joined_epoch: int = 0


@dataclass
class Actor:
    id: str
    role: str
    sites: tuple[str, ...]
    names: dict[str, str]


@dataclass
class Listing:
    site: str
    index: int
    number: int
    path: str
    lang: str
    category: str
    title: str
    description: str
    vendor: str  # account name on the site
    actor: str
    price: dict
    quantity: dict | None
    ships_from: str
    ships_to: str
    substances: list[dict]
    identifiers: list[dict]
    decoys: list[dict]
    quantities: list[dict]
    prices: list[dict]
    page_identifiers: list[dict]
    epoch_added: int
    epoch_removed: int | None
    city: str | None
    payload: str | None
    malformed: bool

    def online(self, epoch: int) -> bool:
        return self.epoch_added <= epoch and (self.epoch_removed is None or epoch < self.epoch_removed)


@dataclass
class Post:
    """A forum post or a channel message."""

    site: str
    index: int
    thread: int | None
    lang: str
    kind: str
    category: str
    author: str
    actor: str | None
    text: str
    title: str
    date: int
    views: int
    forwarded_from: str | None
    substances: list[dict]
    identifiers: list[dict]
    decoys: list[dict]
    quantities: list[dict]
    prices: list[dict]
    epoch_added: int
    epoch_removed: int | None

    def online(self, epoch: int) -> bool:
        return self.epoch_added <= epoch and (self.epoch_removed is None or epoch < self.epoch_removed)


class World:
    """Seeded, lazily generated content for every site of the range at one epoch."""

    def __init__(self, seed: int = 7, listings: int = 2000, epoch: int = 0) -> None:
        if listings < 50:
            raise ValueError("the range needs at least 50 listings")
        if epoch < 0:
            raise ValueError("epoch must be 0 or more")
        self.seed, self.size, self.epoch = seed, listings, epoch
        market_share = sum(SITES[s].share for s in MARKETS)
        self.counts = {s: max(12, round(listings * SITES[s].share / market_share)) for s in MARKETS}
        self.threads = max(20, listings // 20)
        self.channel_posts = {c: max(60, round(listings * SITES[c].share)) for c in CHANNELS}
        self.listing = lru_cache(maxsize=20_000)(self._listing)
        self.post = lru_cache(maxsize=20_000)(self._post)

    # -- sites and hosts ---------------------------------------------------------------------------------
    def site_online(self, site: str) -> bool:
        off = SITES[site].offline_from
        return off is None or self.epoch < off

    @cached_property
    def onions(self) -> dict[str, list[str]]:
        """Onion hosts per site at this epoch; market_a rotates mirrors (one dies at epoch 1, one is born)."""
        rng = _rng(self.seed, "onions")
        hosts = {s: [ids.onion(rng)["value"]] for s in ("market_a", "market_b", "market_c")}
        mirrors = [ids.onion(rng)["value"] for _ in range(3)]
        hosts["market_a"] += mirrors[:2] if self.epoch == 0 else [mirrors[0], mirrors[2]]
        return hosts

    @cached_property
    def dead_onions(self) -> list[str]:
        rng = _rng(self.seed, "onions")
        [ids.onion(rng) for _ in range(3)]
        mirrors = [ids.onion(rng)["value"] for _ in range(3)]
        return [mirrors[1]] if self.epoch >= 1 else []

    # -- actors and accounts -----------------------------------------------------------------------------
    @cached_property
    def actors(self) -> list[Actor]:
        """Every actor with the sites it is on. Multi-site actors link through hard identifiers only."""
        n = max(12, self.size // 25)
        out: list[Actor] = []
        taken: dict[str, set[str]] = {s: set() for s in SITES}
        for a in range(n):
            rng = _rng(self.seed, "actor", a)
            if a < len(SEED_ACTORS):  # every site has vendors of every role it sells, however small the range
                role, sites = SEED_ACTORS[a]
            else:
                role = rng.choices(("drug", "precursor", "other"), weights=(0.8, 0.1, 0.1))[0]
                pool = {"drug": ["market_a", "market_b", "market_c", "forum"],
                        "precursor": ["shop", "market_a", "forum"],
                        "other": ["market_a", "market_c", "forum"]}[role]
                k = rng.choices((1, 2, 3), weights=(0.55, 0.3, 0.15))[0]
                sites = tuple(rng.sample(pool, k))
            names = {s: self._unique_name(rng, s, taken[s]) for s in sites}
            out.append(Actor(f"actor-{a:05d}", role, sites, names))
        for c, operator in zip(CHANNELS, range(len(CHANNELS)), strict=True):
            # channel operators also sell on a market under another name, linked by a shared handle
            actor = out[operator]
            actor.sites += (c,)
            actor.names[c] = SITES[c].name
        self._name_collisions(out, taken)
        return out

    def _unique_name(self, rng: random.Random, site: str, taken: set[str]) -> str:
        for attempt in range(1_000_000):
            if site == "market_b":
                name = f"{rng.choice(CYR_NAMES)}{rng.randint(1, 99 * (1 + attempt // 20))}"
            else:
                sep = rng.choice(("", "_", "-", ""))
                name = f"{rng.choice(FIRST_NAMES)}{sep}{rng.choice(LAST_NAMES)}"
                if rng.random() < 0.4 or attempt >= 20:
                    name += str(rng.randint(1, 999 * (1 + attempt // 20)))
                if rng.random() < 0.3:
                    name = name.title().replace("_", "")
            if name.lower() not in taken:
                taken.add(name.lower())
                return name
        raise RuntimeError("no free vendor name")

    def _name_collisions(self, actors: list[Actor], taken: dict[str, set[str]]) -> None:
        """Give a few unrelated actors the same vendor name on different sites: names alone must not link."""
        rng = _rng(self.seed, "collisions")
        singles = [a for a in actors if len(a.sites) == 1 and a.sites[0] in ("market_a", "market_c", "forum")]
        for _ in range(max(2, len(actors) // 40)):
            if len(singles) < 2:
                return
            x, y = rng.sample(singles, 2)
            if x.sites[0] != y.sites[0] and x.names[x.sites[0]].lower() not in taken[y.sites[0]]:
                taken[y.sites[0]].discard(y.names[y.sites[0]].lower())
                y.names[y.sites[0]] = x.names[x.sites[0]]
                taken[y.sites[0]].add(x.names[x.sites[0]].lower())
                singles.remove(x)
                singles.remove(y)

    @lru_cache(maxsize=4096)  # noqa: B019 - one world per range process; entries are small
    def identity(self, actor: str) -> dict:
        """All hard identifiers an actor owns; accounts show subsets of these."""
        rng = _rng(self.seed, "identity", actor)
        handle = f"{rng.choice(FIRST_NAMES)}_{rng.choice(LAST_NAMES)}{rng.randint(10, 9999)}"
        country = rng.choice(("RU", "UA", "DE", "NL", "ES", "FR", "GB", "PL", "PT", "BR", "US"))
        return {
            "pgp_seed": hashlib.sha256(f"{self.seed}:pgp:{actor}".encode()).digest(),
            "telegram": ids.telegram(rng, handle),
            "session_id": ids.session_id(rng),
            "wickr": ids.wickr(rng, handle),
            "threema": ids.threema(rng),
            "email": ids.email(rng, handle),
            "phone": ids.phone(rng, country),
            "xmpp": ids.xmpp(rng, handle),
            "snapchat": ids.snapchat(rng, handle),
            "BTC": ids.crypto_address(rng, "BTC"),
            "XMR": ids.crypto_address(rng, "XMR"),
            "TRX": ids.crypto_address(rng, "TRX"),
            "ETH": ids.crypto_address(rng, "ETH"),
            "LTC": ids.crypto_address(rng, "LTC"),
            "BCH": ids.crypto_address(rng, "BCH"),
            "DOGE": ids.crypto_address(rng, "DOGE"),
            "DASH": ids.crypto_address(rng, "DASH"),
            "ZEC": ids.crypto_address(rng, "ZEC"),
            "iban": ids.iban(rng, rng.choice(("DE", "NL", "ES", "FR", "PL", "LT", "UA", "PT"))),
        }

    @cached_property
    def accounts(self) -> dict[str, dict[str, Account]]:
        """site -> account name -> Account (identifiers filled lazily by `account`)."""
        out: dict[str, dict[str, Account]] = {s: {} for s in SITES}
        for actor in self.actors:
            for s in actor.sites:
                role = "operator" if s in CHANNELS else actor.role
                out[s][actor.names[s]] = Account(s, actor.names[s], actor.id, role)
        return out

    def actor(self, actor_id: str) -> Actor:
        return self.actors[int(actor_id.split("-")[1])]

    @lru_cache(maxsize=8192)  # noqa: B019
    def account(self, site: str, name: str) -> Account:
        """An account with the identifiers it shows; consecutive sites of an actor share at least one hard one."""
        acc = self.accounts[site][name]
        actor = self.actor(acc.actor)
        ident = self.identity(actor.id)
        rng = _rng(self.seed, "account", actor.id, site)
        link_keys = ("pgp", "telegram", "BTC", "XMR", "session_id", "wickr", "email", "phone", "threema")
        shown: list[str] = []
        pos = actor.sites.index(site)
        for i in range(len(actor.sites) - 1):  # the link between site i and i+1
            key = link_keys[_rng(self.seed, "link", actor.id, i).randrange(len(link_keys))]
            if pos in (i, i + 1) and key not in shown:  # both links of a middle site may use the same key
                shown.append(key)
        by_role = {"drug": ("telegram", "session_id", "XMR", "BTC", "wickr", "threema"),
                   "precursor": ("wickr", "telegram", "email", "phone", "BTC", "TRX"),
                   "other": ("telegram", "xmpp", "BTC", "XMR", "email"),
                   "operator": ("telegram", "BTC", "TRX", "XMR")}[acc.role]
        rare = ("ETH", "LTC", "BCH", "DOGE", "DASH", "ZEC", "iban", "email", "phone", "snapchat")
        for key in by_role:
            if rng.random() < 0.35 and key not in shown:
                shown.append(key)
        for key in rare:
            if rng.random() < 0.08 and key not in shown:
                shown.append(key)
        if site in ("market_a", "market_b", "market_c") and "pgp" not in shown and rng.random() < 0.3:
            shown.append("pgp")
        if site in CHANNELS:  # the link key shared with the operator's market account first
            shown = [k for k in shown if k != "pgp"] or ["telegram"]
        pgp = None
        if "pgp" in shown:
            shown.remove("pgp")
            pgp = self.pgp(actor.id)
        if site in ("market_a", "market_b", "market_c") and pgp is None and rng.random() < 0.5:
            # a key used on this site only (not a link)
            pgp = make_key(hashlib.sha256(f"{self.seed}:pgp1:{actor.id}:{site}".encode()).digest(),
                           f"{acc.name} <{acc.name.lower()}@{site}.invalid>", EPOCH0 - rng.randint(30, 900) * 86_400)
        return Account(site, acc.name, actor.id, acc.role, [ident[k] for k in shown], pgp,
                       joined_epoch=0)

    @lru_cache(maxsize=4096)  # noqa: B019
    def pgp(self, actor_id: str) -> PGPKey:
        ident = self.identity(actor_id)
        rng = _rng(self.seed, "pgpmeta", actor_id)
        handle = ident["telegram"]["value"].lstrip("@")
        return make_key(ident["pgp_seed"], f"{handle} <{handle.lower()}@protonmail.com>",
                        EPOCH0 - rng.randint(60, 1500) * 86_400)

    @lru_cache(maxsize=64)  # noqa: B019
    def site_accounts(self, site: str, role: str) -> tuple[str, ...]:
        names = [n for n, a in self.accounts[site].items() if a.role == role]
        if not names:  # small ranges: any account of the site will do
            names = list(self.accounts[site])
        return tuple(sorted(names))

    @cached_property
    def exit_scammer(self) -> str:
        """The actor who exit-scams at epoch 1: every listing of theirs vanishes and the forum warns about them."""
        for actor in self.actors:
            if "market_a" in actor.sites and actor.role == "drug":
                return actor.id
        return self.actors[0].id

    # -- listings ----------------------------------------------------------------------------------------
    @cache  # noqa: B019 - small tuples; index pages scan whole sites through this
    def skeleton(self, site: str, j: int) -> tuple[str, str, int, str, int, int | None]:
        """(category, catalogue section, item index, vendor, epoch added, epoch removed) of listing j.

        Cheap on purpose: index pages and the 100,000-listing range scan it without rendering any text.
        """
        rng = _rng(self.seed, "skeleton", site, j)
        category = _weighted(rng, SITES[site].categories)
        pool = {DRUG: SUBSTANCES, PRECURSOR: PRECURSORS, OTHER: OTHER_ILLICIT, NOT_OFFER: LAB_CHEMICALS}[category]
        item = rng.randrange(len(pool))
        if site == "market_b":
            section = CITIES_B[rng.randrange(len(CITIES_B))]
        else:
            section = SUBSTANCES[item].cls if category == DRUG else category
        role = {DRUG: "drug", PRECURSOR: "precursor", OTHER: "other", NOT_OFFER: "precursor"}[category]
        vendors = self.site_accounts(site, role)
        vendor = vendors[rng.randrange(len(vendors))]
        count = self.counts[site]
        added = 0 if j < count else 1 + (j - count) // self.growth(site)
        removed = added + rng.randint(1, 2) if rng.random() < 0.1 else None
        if self.accounts[site][vendor].actor == self.exit_scammer:
            removed = max(1, added)
        return category, section, item, vendor, added, removed

    def _listing(self, site: str, j: int) -> Listing:
        spec = SITES[site]
        category, section, item_index, vendor, added, removed = self.skeleton(site, j)
        rng = _rng(self.seed, "listing", site, j)
        lang = rng.choice(spec.langs)
        account = self.account(site, vendor)
        contacts = [c for c in account.identifiers if rng.random() < 0.5] if rng.random() < 0.4 else []
        decoys: list[dict] = []
        if rng.random() < 0.06:
            decoys.append(ids.crypto_decoy(rng, rng.choice(("BTC", "XMR", "ETH", "TRX", "LTC"))))
        if rng.random() < 0.02:
            decoys.append(rng.choice((ids.iban_decoy, ids.onion_decoy, ids.card_decoy))(rng))
        contacts += decoys
        if category == NOT_OFFER:
            text = texts.post(rng, lang, "legal_chemical", LAB_CHEMICALS[item_index], contacts=contacts)
        else:
            pool = {DRUG: SUBSTANCES, PRECURSOR: PRECURSORS, OTHER: OTHER_ILLICIT}[category]
            text = texts.offer(rng, lang, category, pool[item_index], contacts=contacts,
                               currency="USD" if category == PRECURSOR else spec.currency,
                               obfuscation=0.35 if category == DRUG else 0.1)
        payload = None
        title, description = text.title, text.body
        if site in ("market_a", "market_c", "shop") and rng.random() < 0.01:
            payload = rng.choice(("xss", "csv", "xml"))
            title = f"{texts.payload(rng, payload)} {title}"
        price = text.prices[0] if text.prices else {"amount": round(rng.uniform(20, 400), 2),
                                                    "currency": spec.currency}
        amount = price["amount"]
        for e in range(1, self.epoch + 1):  # prices move week to week
            move = _rng(self.seed, "price", site, j, e)
            if move.random() < 0.2:
                amount = round(amount * move.uniform(0.8, 1.15), 2)
        if self.epoch >= 1 and _rng(self.seed, "edit", site, j).random() < 0.05:
            description += "\n\nUPDATE: restocked, new batch tested."
        page_ids: list[dict] = []
        if site == "market_b":  # the shop's payment box shows the vendor's own wallets
            ident = self.identity(account.actor)
            page_ids = [ident["BTC"], ident["XMR"], ident["TRX"]]
        return Listing(
            site=site, index=j, number=listing_number(site, j), path=self.listing_path(site, j), lang=lang,
            category=category, title=title, description=description, vendor=vendor, actor=account.actor,
            price={"amount": amount, "currency": price["currency"]},
            quantity=text.quantities[0] if text.quantities else None,
            ships_from=rng.choice(COUNTRIES), ships_to=rng.choice(SHIP_TO), substances=text.substances,
            identifiers=[i for i in text.identifiers if "reason" not in i], decoys=decoys,
            quantities=text.quantities, prices=text.prices, page_identifiers=page_ids,
            epoch_added=added, epoch_removed=removed, city=section if site == "market_b" else None,
            payload=payload, malformed=site == "market_a" and j % 37 == 5,
        )

    def growth(self, site: str) -> int:
        """Listings a site gains per epoch (epochs 1 and 2); they follow the epoch-0 listings in index order."""
        return max(2, self.counts[site] // 10)

    def extent(self, site: str) -> int:
        """How many listing indices exist in the site's whole life (the range serves epochs 0..2 and later)."""
        return self.counts[site] + 2 * self.growth(site)

    def alive(self, site: str, j: int) -> bool:
        *_, added, removed = self.skeleton(site, j)
        return added <= self.epoch and (removed is None or self.epoch < removed)

    def listing_path(self, site: str, j: int) -> str:
        n = listing_number(site, j)
        return {"market_a": f"/listing/{n}", "market_b": f"/tovar/{n}", "market_c": f"/item/{n}",
                "shop": f"/product/{n}"}[site]

    def find_listing(self, site: str, number: int) -> Listing | None:
        j = listing_index(site, number)
        if not 0 <= j < self.extent(site) or not self.alive(site, j):
            return None
        return self.listing(site, j)

    @lru_cache(maxsize=256)  # noqa: B019
    def section(self, site: str, section: str) -> tuple[int, ...]:
        """Indices of listings online now in one catalogue section, in index order (index pages page over it)."""
        return tuple(j for j in range(self.extent(site))
                     if self.skeleton(site, j)[1] == section and self.alive(site, j))

    @lru_cache(maxsize=64)  # noqa: B019
    def online_listings(self, site: str) -> tuple[int, ...]:
        return tuple(j for j in range(self.extent(site)) if self.alive(site, j))

    def vendor_listings(self, site: str, name: str) -> list[int]:
        return [j for j in self.online_listings(site) if self.skeleton(site, j)[3] == name]

    # -- forum -------------------------------------------------------------------------------------------
    def thread_board(self, t: int) -> tuple[str, str, str]:
        rng = _rng(self.seed, "thread", t)
        return FORUM_BOARDS[rng.choices(range(len(FORUM_BOARDS)), weights=(3, 3, 1, 1, 1, 2, 1))[0]]

    def thread_posts(self, t: int) -> int:
        return _rng(self.seed, "thread", t, "n").randint(1, 8)

    @lru_cache(maxsize=64)  # noqa: B019
    def board_threads(self, board: str) -> tuple[int, ...]:
        extra = (self.threads,) if self.epoch >= 1 and board == "scams" else ()
        return tuple(t for t in range(self.threads) if self.thread_board(t)[0] == board) + extra

    def thread_title(self, t: int) -> str:
        return self.post("forum", t * 100).title

    def _post(self, site: str, index: int) -> Post:
        spec = SITES[site]
        rng = _rng(self.seed, "post", site, index)
        lang = rng.choice(spec.langs)
        thread: int | None = None
        forwarded = None
        if site == "forum":
            thread, k = divmod(index, 100)
            if thread == self.threads:  # the exit-scam warning thread, born at epoch 1
                return self._scam_post(index, k)
            board, _, kind = self.thread_board(thread)
            if kind == "vendor":
                kind = "offer" if k == 0 or rng.random() < 0.3 else rng.choice(("review", "question", "chatter"))
            forum_users = sorted(self.accounts["forum"])
            if kind == "offer":
                author = forum_users[_rng(self.seed, "thread", thread, "op").randrange(len(forum_users))]
            else:
                author = f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 9999)}"
            date = EPOCH0 - (self.threads - thread) * 3_600 * 7 + k * 1_800
        else:
            n_total = self.channel_posts[site]
            kind = rng.choices(("menu", "chatter", "news", "harm_reduction", "question"),
                               weights=(0.45, 0.3, 0.12, 0.08, 0.05))[0]
            author = spec.name
            date = EPOCH0 - (n_total - index) * 5_400
            if kind == "news" and rng.random() < 0.7:
                forwarded = rng.choice(("Наркоконтроль новини", "Notícias Portugal", "World Drug News"))
        actor = self.accounts["forum"][author].actor if author in self.accounts["forum"] else None
        if site in CHANNELS:
            actor = next(a.id for a in self.actors if site in a.sites)
        contacts: list[dict] = []
        decoys: list[dict] = []
        if actor and kind in ("offer", "menu"):
            contacts = list(self.account(site, author).identifiers)
            if rng.random() < 0.1:
                decoy = ids.crypto_decoy(rng, rng.choice(("BTC", "XMR", "TRX")))
                decoys.append(decoy)
                contacts.append(decoy)
        if kind == "menu":
            items = rng.sample(SUBSTANCES, rng.randint(3, 7))
            text = texts.menu(rng, lang, items, currency=spec.currency, contacts=contacts)
        elif kind == "offer":
            text = texts.offer(rng, lang, DRUG, rng.choice(SUBSTANCES), currency=spec.currency, contacts=contacts)
        else:
            item = rng.choice(SUBSTANCES) if kind in ("review", "harm_reduction", "news", "question") else None
            text = texts.post(rng, lang, kind, item, contacts=contacts)
        added, removed = 0, None
        if site in CHANNELS:
            added = 0 if index < n_total else 1
            if rng.random() < 0.03:
                removed = 1
        return Post(
            site=site, index=index, thread=thread, lang=lang, kind=kind,
            category=DRUG if kind in ("offer", "menu") else NOT_OFFER, author=author, actor=actor,
            text=text.body, title=text.title, date=date, views=rng.randint(40, 25_000), forwarded_from=forwarded,
            substances=text.substances, identifiers=[i for i in text.identifiers if "reason" not in i],
            decoys=decoys, quantities=text.quantities, prices=text.prices, epoch_added=added, epoch_removed=removed,
        )

    def _scam_post(self, index: int, k: int) -> Post:
        rng = _rng(self.seed, "scampost", index)
        scammer = self.actor(self.exit_scammer)
        name = scammer.names["market_a"]
        body = (f"{name} on Apollon took everyone's FE orders and vanished. Do NOT send anything to {name}. "
                "Keys stopped working, PMs unanswered for 5 days." if k == 0 else
                f"Confirmed, lost 0.4 BTC to {name}. Admins banned the account.")
        author = f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 9999)}"
        return Post(site="forum", index=index, thread=self.threads, lang="en", kind="scam_warning",
                    category=NOT_OFFER, author=author, actor=None, text=body,
                    title=f"EXIT SCAM: {name} (Apollon)", date=EPOCH0 + WEEK + k * 3_600, views=rng.randint(500, 9000),
                    forwarded_from=None, substances=[], identifiers=[], decoys=[], quantities=[], prices=[],
                    epoch_added=1, epoch_removed=None)

    def forum_post_indices(self, t: int) -> list[int]:
        n = 2 if t == self.threads else self.thread_posts(t)
        return [t * 100 + k for k in range(n)]

    def channel_indices(self, site: str) -> list[int]:
        """Message ids online now, oldest first (messages of epoch 1 follow those of epoch 0)."""
        n = self.channel_posts[site] + (max(5, self.channel_posts[site] // 10) if self.epoch >= 1 else 0)
        return [i for i in range(n) if self.post(site, i).online(self.epoch)]

    # -- ground truth ------------------------------------------------------------------------------------
    def truth(self, base_urls: dict[str, str]) -> Iterator[dict]:
        """Ground-truth records (sites, vendors, actors, listings, posts, decoys, hostile pages) for this epoch."""
        for key, spec in SITES.items():
            hosts = self.onions.get(key, [])
            yield {"type": "site", "site": key, "name": spec.name, "kind": spec.kind,
                   "languages": sorted(set(spec.langs)),
                   "url": base_urls[key], "onion_hosts": hosts, "dead_onion_hosts": self.dead_onions
                   if key == "market_a" else [], "online": self.site_online(key),
                   "offline_from_epoch": spec.offline_from}
        for actor in self.actors:
            yield {"type": "actor", "actor": actor.id, "role": actor.role,
                   "accounts": [{"site": s, "name": actor.names[s]} for s in actor.sites]}
            for s in actor.sites:
                acc = self.account(s, actor.names[s])
                vendor_url = self.vendor_url(base_urls, s, acc.name)
                yield {"type": "vendor", "site": s, "name": acc.name, "actor": actor.id, "role": acc.role,
                       "url": vendor_url, "identifiers": acc.identifiers,
                       "pgp": None if acc.pgp is None else {"fingerprint": acc.pgp.fingerprint,
                                                            "key_id": acc.pgp.key_id, "user_id": acc.pgp.user_id,
                                                            "created": acc.pgp.created},
                       "exit_scam_epoch": 1 if actor.id == self.exit_scammer else None}
        for site in MARKETS:
            for j in range(self.extent(site)):
                if self.skeleton(site, j)[4] > self.epoch:
                    continue
                item = self.listing(site, j)
                yield self._listing_record(item, base_urls)
                for d in item.decoys:
                    yield {**d, "type": "decoy", "identifier_type": d["type"], "url": base_urls[site] + item.path}
        for t in range(self.threads + (1 if self.epoch >= 1 else 0)):
            for index in self.forum_post_indices(t):
                yield self._post_record(self.post("forum", index), base_urls)
        for c in CHANNELS:
            n = self.channel_posts[c] + (max(5, self.channel_posts[c] // 10) if self.epoch >= 1 else 0)
            for i in range(n):
                yield self._post_record(self.post(c, i), base_urls)
        from testsites.apps.hostile import HOSTILE

        for path, (kind, site) in HOSTILE.items():
            yield {"type": "hostile", "kind": kind, "site": site, "url": base_urls[site] + path}

    def vendor_url(self, base_urls: dict[str, str], site: str, name: str) -> str:
        from urllib.parse import quote

        path = {"market_a": "/vendor/", "market_b": "/shop/", "market_c": "/vendor/", "shop": "/manager/",
                "forum": "/user/", "channel_ua": "/s/", "channel_pt": "/s/"}[site]
        return base_urls[site] + path + quote(name if site not in CHANNELS else site)

    def _listing_record(self, item: Listing, base_urls: dict[str, str]) -> dict:
        base = base_urls[item.site]
        mirrors = [f"http://{h}{item.path}" for h in self.onions.get(item.site, [])[1:]]
        return {
            "type": "listing", "id": f"{item.site}:{item.number}", "site": item.site, "url": base + item.path,
            "mirror_urls": mirrors, "lang": item.lang, "category": item.category, "title": item.title,
            "description": item.description, "vendor": item.vendor, "actor": item.actor, "price": item.price,
            "ships_from": item.ships_from, "ships_to": item.ships_to, "city": item.city,
            "substances": item.substances, "identifiers": item.identifiers, "page_identifiers": item.page_identifiers,
            "quantities": item.quantities, "prices": item.prices, "epoch_added": item.epoch_added,
            "epoch_removed": item.epoch_removed, "online": item.online(self.epoch) and self.site_online(item.site),
            "payload": item.payload, "malformed_html": item.malformed,
        }

    def _post_record(self, post: Post, base_urls: dict[str, str]) -> dict:
        base = base_urls[post.site]
        if post.site == "forum":
            url = f"{base}/thread/{post.thread}#p{post.index}"
        else:
            url = f"{base}/{post.site}/{post.index + 1}"
        return {
            "type": "post", "id": f"{post.site}:{post.index}", "site": post.site, "url": url, "thread": post.thread,
            "lang": post.lang, "kind": post.kind, "category": post.category, "author": post.author,
            "actor": post.actor, "title": post.title, "text": post.text, "date": post.date, "views": post.views,
            "forwarded_from": post.forwarded_from, "substances": post.substances, "identifiers": post.identifiers,
            "quantities": post.quantities, "prices": post.prices, "epoch_added": post.epoch_added,
            "epoch_removed": post.epoch_removed, "online": post.online(self.epoch),
        }
