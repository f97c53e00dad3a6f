"""What the store holds about a resource or an actor, gathered once for every product built from it (takedown
packages, referral dossiers, FIU exports, offline checks): the items, their evidence records and where the WARC
files are, the identifiers with where and when each was seen, substances, prices and quantities, first and last
seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.linking import find_actor
from index.schema import CRAWLED_ENTITIES, Entity
from index.store import Query, Store
from narcwatch.models import Resource, ResourceKind

_BATCH = 500


@dataclass
class Sighting:
    """One identifier seen in one item."""

    site: str | None
    url: str | None
    item_id: str
    item_kind: str | None
    seen_at: str | None
    vendor: str | None = None


@dataclass
class IdentifierSeen:
    """An identifier with every place and time it was seen."""

    type: str
    normalized: str
    value: str | None
    currency: str | None
    kind: str | None
    sightings: list[Sighting] = field(default_factory=list)

    @property
    def first_seen(self) -> str | None:
        return min((s.seen_at for s in self.sightings if s.seen_at), default=None)

    @property
    def last_seen(self) -> str | None:
        return max((s.seen_at for s in self.sightings if s.seen_at), default=None)

    @property
    def sites(self) -> list[str]:
        return sorted({s.site for s in self.sightings if s.site})


@dataclass
class Material:
    """Everything known about one subject, ready to render or export."""

    items: list[dict]  # listing, post and vendor documents
    evidence: list[dict]  # evidence documents of those items, oldest first
    identifiers: list[IdentifierSeen]  # most seen first
    runs: dict[str, str | None] = field(default_factory=dict)  # run id → its folder, as the run record says

    @property
    def first_seen(self) -> str | None:
        return min((e["fetched_at"] for e in self.evidence if e.get("fetched_at")),
                   default=min((i["seen_at"] for i in self.items if i.get("seen_at")), default=None))

    @property
    def last_seen(self) -> str | None:
        return max((e["fetched_at"] for e in self.evidence if e.get("fetched_at")),
                   default=max((i["seen_at"] for i in self.items if i.get("seen_at")), default=None))

    @property
    def hosts(self) -> list[str]:
        return sorted({h for h in (*(i.get("host") for i in self.items), *(e.get("host") for e in self.evidence))
                       if h})

    @property
    def sites(self) -> list[str]:
        return sorted({i["site"] for i in self.items if i.get("site")})

    def substances(self) -> Counter[str]:
        return Counter(s["name"] for i in self.items for s in i.get("substances") or [] if s.get("name"))

    def categories(self) -> Counter[str]:
        return Counter(i["category"] for i in self.items if i.get("category"))

    def listings(self) -> list[dict]:
        return [i for i in self.items if i.get("kind") == "listing"]


def resource_item_ids(store: Store, resource: Resource) -> list[str]:
    """The items a resource covers now (a site gains listings between crawls, so this is asked each time)."""
    kind = resource.kind
    if kind is ResourceKind.LISTING:
        return [resource.ref]
    if kind is ResourceKind.VENDOR:
        doc = store.get(Entity.VENDOR, resource.ref)
        ids = [resource.ref, *(account_item_ids(store, doc["site"], doc["name"]) if doc else [])]
        return list(dict.fromkeys(ids))
    if kind is ResourceKind.WALLET:
        sightings = store.scan(Query(entity=Entity.IDENTIFIER, filters={"normalized": [resource.ref]}))
        return list(dict.fromkeys(s["item_id"] for s in sightings))
    field_name, entities = scope(resource)
    return [i for e in entities for i in _ids(store, Query(entity=e, filters={field_name: [resource.ref]}))]


def scope(resource: Resource) -> tuple[str, tuple[Entity, ...]]:
    """The field a site or channel resource selects its items by, and the entities that have it: a channel named by
    its handle is the posts of that channel (only channel crawls name one); a site, or a channel source, is
    everything crawled from that source."""
    if resource.kind is ResourceKind.CHANNEL and resource.ref != resource.site:
        return "channel", (Entity.POST,)
    return "site", CRAWLED_ENTITIES


def account_item_ids(store: Store, site: str, name: str) -> list[str]:
    """One account's vendor profile, listings and posts on its site."""
    return [*_ids(store, Query(entity=Entity.VENDOR, filters={"site": [site], "name": [name]})),
            *_ids(store, Query(entity=Entity.LISTING, filters={"site": [site], "vendor": [name]})),
            *_ids(store, Query(entity=Entity.POST, filters={"site": [site], "author": [name]}))]


def actor_item_ids(store: Store, actor: dict) -> list[str]:
    """Every item of every account of a linked actor: vendor profiles, their listings, their posts."""
    ids = (i for m in actor.get("members") or [] for i in account_item_ids(store, m["site"], m["name"]))
    return list(dict.fromkeys(ids))


class UnknownActor(ValueError):
    """No actor and no account answers to what was asked; the message says how to name one."""


def resolve_actor(store: Store, ref: str) -> dict:
    """The actor `ref` names (`index.linking.find_actor`); an account no actor holds becomes a one-member actor, so a
    lone vendor can still be referred and exported."""
    if actor := find_actor(store, ref):
        return actor
    vendor = store.get(Entity.VENDOR, ref.strip())
    site, _, name = (f"{vendor['site']}:{vendor['name']}" if vendor else ref.strip()).partition(":")
    if name and any(store.search(Query(entity=e, filters={"site": [site], f: [name]}, size=0)).total
                    for e, f in ((Entity.VENDOR, "name"), (Entity.LISTING, "vendor"), (Entity.POST, "author"))):
        key = f"{site}:{name}"
        return {"id": f"account:{key}", "members": [{"site": site, "name": name, "key": key}], "links": [],
                "weak": []}
    raise UnknownActor(f"no actor or account {ref!r}: `narcwatch actors` lists the actors; give an actor id or an "
                       "account as site:name, or a vendor key (site:vendor:name)")


def gather(store: Store, item_ids: Sequence[str]) -> Material:
    """Items (whatever their kind), their evidence and identifier sightings, and where each run's files are."""
    items: list[dict] = []
    for entity in CRAWLED_ENTITIES:
        for chunk in _chunks(item_ids):
            items += store.get_many(entity, chunk)
    order = {k: n for n, k in enumerate(item_ids)}
    items.sort(key=lambda d: order.get(d["id"], len(order)))
    evidence: dict[str, dict] = {}
    seen: dict[tuple[str, str], IdentifierSeen] = {}
    for chunk in _chunks([i["id"] for i in items]):
        for doc in store.scan(Query(entity=Entity.EVIDENCE, filters={"item_ids": chunk})):
            evidence[doc["id"]] = doc
        for s in store.scan(Query(entity=Entity.IDENTIFIER, filters={"item": chunk})):
            ident = seen.setdefault((s["type"], s["normalized"]), IdentifierSeen(
                type=s["type"], normalized=s["normalized"], value=s.get("value"), currency=s.get("currency"),
                kind=s.get("kind")))
            ident.sightings.append(Sighting(site=s.get("site"), url=s.get("url"), item_id=s["item_id"],
                                            item_kind=s.get("item_kind"), seen_at=s.get("seen_at"),
                                            vendor=s.get("vendor")))
    for e in (ref for i in items for ref in i.get("evidence") or []):
        evidence.setdefault(e["record_id"], {**{k: v for k, v in e.items() if k != "record_id"}, "id": e["record_id"],
                                             "host": None})
    records = sorted(evidence.values(), key=lambda e: (e.get("fetched_at") or "", e["id"]))
    run_ids = sorted({e["run_id"] for e in records if e.get("run_id")} | {i["run_id"] for i in items
                                                                          if i.get("run_id")})
    runs = {r: ((store.get(Entity.RUN, r) or {}).get("stats") or {}).get("run_dir") for r in run_ids}
    identifiers = sorted(seen.values(), key=lambda i: (-len(i.sightings), i.type, i.normalized))
    return Material(items=items, evidence=records, identifiers=identifiers, runs=runs)


class EvidenceFiles:
    """Finds the WARC file an evidence record lives in: the run's folder as its run record says, then each search
    root (a crawl's --out folder, a scheduler's folder, or a folder of WARC files copied elsewhere)."""

    def __init__(self, material: Material, roots: Iterable[Path] = ()) -> None:
        self.runs = material.runs
        self.roots = [Path(r) for r in roots]

    def path(self, evidence: dict) -> Path | None:
        name = evidence.get("warc_file")
        if not name:
            return None
        run_id = evidence.get("run_id")
        candidates: list[Path] = []
        if run_id and self.runs.get(run_id):
            candidates.append(Path(self.runs[run_id]) / "evidence" / name)
        for root in self.roots:
            candidates += [root / name, root / "evidence" / name]
            if run_id:
                candidates += [root / "runs" / run_id / "evidence" / name,
                               *root.glob(f"*/runs/{run_id}/evidence/{name}")]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            for root in self.roots:
                found = next((p for p in root.rglob(name) if p.is_file()), None)
                if found:
                    break
        return found


def _ids(store: Store, query: Query) -> list[str]:
    return [d["id"] for d in store.scan(query)]


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    values = list(values)
    for start in range(0, len(values), _BATCH):
        yield values[start:start + _BATCH]
