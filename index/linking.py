"""Vendor linking (OP6): accounts on different sites that share a hard identifier are one actor.

A PGP fingerprint, a wallet, a messenger handle, an email, a phone number or an IBAN is chosen by its owner and is
costly to share, so two accounts showing the same one are linked; every link keeps the sightings it rests on, since
an analyst must be able to show why two accounts were joined. Two failure modes are guarded against:

- hubs: an identifier shown by many accounts (a market's escrow wallet, a public group, a copied example address)
  would chain unrelated vendors into one giant actor, so it links nothing and is reported instead;
- names and guessable handles: vendor names are cheap and collide across sites, and so do short all-letter handles
  ("snap: crystal"), so sharing one is only reported as a weak "possible same" pair, never merged.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from index.schema import Entity
from index.store import Query, Store

# Identifier types an operator owns; onions, URLs and cards are shared or belong to the victim/market, not the seller.
STRONG_TYPES = frozenset({"pgp_fingerprint", "crypto_address", "telegram", "wickr", "threema", "session_id", "xmpp",
                          "snapchat", "email", "phone", "iban"})
# Handles picked freely by the user: a short one made of letters only is a word or a name that strangers pick too.
HANDLE_TYPES = frozenset({"telegram", "wickr", "snapchat"})


@dataclass(frozen=True, order=True)
class Account:
    """One account on one site: a vendor, a forum author, a channel."""

    site: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.site}:{self.name}"  # site keys hold no colon, so the key splits back unambiguously


IdentifierKey = tuple[str, str]  # (type, normalized value)


@dataclass
class Observation:
    """What the store holds about one account: its identifiers, each with the items/evidence records it was seen
    in, and when the account was seen."""

    account: Account
    identifiers: dict[IdentifierKey, set[str]] = field(default_factory=dict)
    first_seen: str | None = None
    last_seen: str | None = None

    def add(self, kind: str, value: str, refs: Iterable[str] = ()) -> None:
        self.identifiers.setdefault((kind, value), set()).update(refs)

    def seen(self, at: str | None) -> None:
        if at:
            self.first_seen = min(self.first_seen or at, at)
            self.last_seen = max(self.last_seen or at, at)


@dataclass(frozen=True)
class Link:
    """Two accounts joined by one shared identifier, with the sightings on each side."""

    a: Account
    b: Account
    type: str
    value: str
    evidence_a: tuple[str, ...]
    evidence_b: tuple[str, ...]


@dataclass(frozen=True)
class WeakPair:
    """Two accounts left apart that share a normalised name on two sites (type "name") or a guessable handle: a
    lead to check, not a link."""

    a: Account
    b: Account
    type: str
    value: str


@dataclass(frozen=True)
class Hub:
    """An identifier too widely shared to be one operator's; it links nobody."""

    type: str
    value: str
    accounts: tuple[Account, ...]
    sites: tuple[str, ...]


@dataclass(frozen=True)
class Actor:
    """One presumed operator: its accounts, the links that join them and every strong identifier they show."""

    id: str
    members: tuple[Account, ...]
    links: tuple[Link, ...]
    identifiers: tuple[IdentifierKey, ...]
    weak: tuple[WeakPair, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(frozen=True)
class Linking:
    actors: list[Actor]
    weak: list[WeakPair]
    hubs: list[Hub]


@dataclass(frozen=True)
class LinkRules:
    """An identifier shown by more accounts, or on more sites, than the maxima is a hub: one operator rarely keeps
    more than one account per site, and few run on more than a handful of sites. A handle of letters only shorter
    than `min_handle_chars` is guessable and gives a weak pair only."""

    max_accounts: int = 6
    max_sites: int = 5
    min_handle_chars: int = 8

    def guessable(self, kind: str, value: str) -> bool:
        return kind in HANDLE_TYPES and value.isalpha() and len(value) < self.min_handle_chars


DEFAULT_RULES = LinkRules()


def actor_id(members: Iterable[Account]) -> str:
    """Stable across runs and input order: the same members always give the same actor."""
    return hashlib.sha256("\n".join(sorted(a.key for a in members)).encode()).hexdigest()[:32]


def normalize_name(name: str) -> str:
    """Case and separators differ between a vendor's sites ("Dr_Green", "drgreen"); digits are kept, as they are what
    usually tells namesakes apart."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


# -------------------------------------------------------------------------------------------------- from the store


def observations_from_sightings(docs: Iterable[Mapping]) -> list[Observation]:
    """Observations from store documents: identifier sightings (entity "identifier") and crawled items that carry
    parsed PGP keys (vendor profiles' `pgp_fingerprints`, which are not sightings). The account is the sighting's
    `vendor`, or the item's vendor, author, channel or profile name; documents without one are skipped."""
    by_account: dict[Account, Observation] = {}
    for doc in docs:
        name = doc.get("vendor") or doc.get("author") or doc.get("channel") or doc.get("name")
        if not name or not doc.get("site"):
            continue
        account = Account(doc["site"], name)
        obs = by_account.setdefault(account, Observation(account))
        obs.seen(doc.get("seen_at"))
        if "item_id" in doc:  # a sighting
            if doc.get("type") in STRONG_TYPES and doc.get("normalized"):
                obs.add(doc["type"], doc["normalized"], [doc["item_id"]])
            continue
        refs = [doc["id"], *doc.get("evidence_ids", [])] if doc.get("id") else doc.get("evidence_ids", [])
        for fingerprint in doc.get("pgp_fingerprints") or []:
            obs.add("pgp_fingerprint", fingerprint.upper(), refs)
    return list(by_account.values())


# -------------------------------------------------------------------------------------------------- linking


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Account, Account] = {}

    def find(self, x: Account) -> Account:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: Account, y: Account) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)  # deterministic roots, whatever the input order


def link(observations: Iterable[Observation], rules: LinkRules = DEFAULT_RULES) -> Linking:
    """Cluster accounts by shared strong identifiers, skipping hubs; list pairs left apart that share a name or a
    guessable handle as weak."""
    merged: dict[Account, Observation] = {}
    for obs in observations:  # one account may come in several observations (several runs, several docs)
        into = merged.setdefault(obs.account, Observation(obs.account))
        for key, refs in obs.identifiers.items():
            if key[0] in STRONG_TYPES:
                into.add(*key, refs)
        into.seen(obs.first_seen)
        into.seen(obs.last_seen)

    holders: dict[IdentifierKey, list[Account]] = defaultdict(list)
    for account in sorted(merged):
        for key in merged[account].identifiers:
            holders[key].append(account)

    uf = _UnionFind()
    for account in merged:
        uf.find(account)
    links: list[Link] = []
    hubs: list[Hub] = []
    candidates: list[tuple[str, str, list[Account]]] = []  # weak: (type, value, accounts), checked once linked
    for key in sorted(holders):
        accounts = holders[key]
        if len(accounts) < 2:
            continue
        sites = sorted({a.site for a in accounts})
        if len(accounts) > rules.max_accounts or len(sites) > rules.max_sites:
            hubs.append(Hub(*key, tuple(accounts), tuple(sites)))
            continue
        if rules.guessable(*key):
            candidates.append((*key, accounts))
            continue
        for a, b in itertools.combinations(accounts, 2):
            uf.union(a, b)
            links.append(Link(a, b, *key, tuple(sorted(merged[a].identifiers[key])),
                              tuple(sorted(merged[b].identifiers[key]))))

    clusters: dict[Account, list[Account]] = defaultdict(list)
    for account in sorted(merged):
        clusters[uf.find(account)].append(account)

    by_name: dict[str, list[Account]] = defaultdict(list)
    for account in sorted(merged):
        if norm := normalize_name(account.name):
            by_name[norm].append(account)
    candidates += [("name", norm, accounts) for norm, accounts in sorted(by_name.items())]
    weak = [WeakPair(a, b, kind, value) for kind, value, accounts in candidates
            for a, b in itertools.combinations(accounts, 2)
            if (a.site != b.site or kind != "name") and uf.find(a) != uf.find(b)]

    links_of: dict[Account, list[Link]] = defaultdict(list)
    for lk in links:
        links_of[uf.find(lk.a)].append(lk)
    weak_of: dict[Account, list[WeakPair]] = defaultdict(list)
    for pair in weak:
        weak_of[uf.find(pair.a)].append(pair)
        weak_of[uf.find(pair.b)].append(pair)
    hub_keys = {(h.type, h.value) for h in hubs}
    actors = []
    for root, members in clusters.items():
        idents = sorted({k for m in members for k in merged[m].identifiers if k not in hub_keys})
        firsts = [merged[m].first_seen for m in members if merged[m].first_seen]
        lasts = [merged[m].last_seen for m in members if merged[m].last_seen]
        actors.append(Actor(actor_id(members), tuple(members), tuple(links_of[root]), tuple(idents),
                            tuple(weak_of[root]), min(firsts, default=None), max(lasts, default=None)))
    actors.sort(key=lambda a: a.id)
    return Linking(actors, weak, hubs)


# -------------------------------------------------------------------------------------------------- to the store


def actor_documents(actors: Iterable[Actor]) -> list[dict]:
    """Documents for the store's "actor" entity: searchable by member, site and identifier, links kept as nested
    objects so "linked by which identifier, seen where" is one query."""
    docs = []
    for actor in actors:
        member_keys = {m.key for m in actor.members}
        doc = {
            "id": actor.id,
            "members": [{"site": m.site, "name": m.name, "key": m.key} for m in actor.members],
            "member_keys": sorted(member_keys),
            "sites": sorted({m.site for m in actor.members}),
            "identifier_values": sorted({v for _, v in actor.identifiers}),
            "identifier_types": sorted({t for t, _ in actor.identifiers}),
            "links": [{"a": lk.a.key, "b": lk.b.key, "type": lk.type, "value": lk.value,
                       "evidence_a": list(lk.evidence_a), "evidence_b": list(lk.evidence_b)} for lk in actor.links],
            "link_count": len(actor.links),
            "weak_names": sorted({other.key for p in actor.weak for other in (p.a, p.b) if other.key not in
                                  member_keys}),
            "weak": [{"a": p.a.key, "b": p.b.key, "type": p.type, "value": p.value} for p in actor.weak],
            "first_seen": actor.first_seen,
            "last_seen": actor.last_seen,
        }
        docs.append({k: v for k, v in doc.items() if v is not None and v != []})
    return docs


def relink(store: Store, rules: LinkRules = DEFAULT_RULES) -> tuple[Linking, list[dict]]:
    """Link over everything the store holds and replace its actors: an actor's id is the hash of its members, so a
    cluster that grew or split gets a new id and the old document is removed rather than left to contradict it.

    Kept: actors of two or more accounts, and single accounts with a weak pair (the analyst should see them)."""
    observations = observations_from_sightings(itertools.chain(
        store.scan(Query(entity=Entity.IDENTIFIER)),
        (d for d in store.scan(Query(entity=Entity.VENDOR)) if d.get("pgp_fingerprints"))))
    linking = link(observations, rules)
    docs = actor_documents(a for a in linking.actors if len(a.members) > 1 or a.weak)
    store.upsert(Entity.ACTOR, docs)
    keep = {d["id"] for d in docs}
    stale = [d["id"] for d in store.scan(Query(entity=Entity.ACTOR)) if d["id"] not in keep]
    store.delete(Entity.ACTOR, stale)
    store.refresh()
    return linking, docs


def find_actor(store: Store, ref: str) -> dict | None:
    """The actor an analyst means: its id (or the first characters of it `narcwatch actors` shows), one of its
    accounts as site:name or by name alone, or a vendor profile's key; None when no actor holds it."""
    ref = ref.strip()
    if doc := store.get(Entity.ACTOR, ref):
        return doc
    wanted = {ref.casefold()}
    if vendor := store.get(Entity.VENDOR, ref):
        wanted.add(f"{vendor['site']}:{vendor['name']}".casefold())
    for actor in store.scan(Query(entity=Entity.ACTOR)):
        if (len(ref) >= 6 and actor["id"].startswith(ref)) or any(
                wanted & {m["key"].casefold(), m["name"].casefold()} for m in actor.get("members") or []):
            return actor
    return None
