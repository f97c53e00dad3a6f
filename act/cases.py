"""Resources under a case and their lifecycle, kept in the store (`Entity.RESOURCE`).

A resource is made from something the store already holds (a listing, a vendor account, a site or channel that was
crawled, a wallet that was seen), so every package, dossier and export built from it has evidence behind it. Its
state only moves along the lifecycle (`NEXT`), and every move is kept in its history with who made it and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

from index.schema import Entity
from index.store import Query, Store, identifier_forms
from narcwatch.models import Resource, ResourceKind, ResourceState, Transition, utcnow

S = ResourceState
# Where a resource may go from each state. Evidence can be completed again after a referral bounced; a resource
# verified offline that comes back is "still online", and one still online can be referred again.
NEXT: dict[ResourceState, tuple[ResourceState, ...]] = {
    S.IDENTIFIED: (S.EVIDENCE_COMPLETE,),
    S.EVIDENCE_COMPLETE: (S.REFERRED, S.IDENTIFIED),
    S.REFERRED: (S.TAKEDOWN_REQUESTED, S.OFFLINE_VERIFIED, S.STILL_ONLINE),
    S.TAKEDOWN_REQUESTED: (S.OFFLINE_VERIFIED, S.STILL_ONLINE),
    S.OFFLINE_VERIFIED: (S.STILL_ONLINE,),
    S.STILL_ONLINE: (S.REFERRED, S.TAKEDOWN_REQUESTED, S.OFFLINE_VERIFIED),
}
# Identifier types a wallet resource can be: a crypto address, or a bank account by its IBAN.
WALLET_TYPES = ("crypto_address", "iban")
# States whose resources offline verification recrawls.
WATCHED = (S.REFERRED, S.TAKEDOWN_REQUESTED, S.STILL_ONLINE, S.OFFLINE_VERIFIED)
_KIND_ENTITY = {ResourceKind.LISTING: Entity.LISTING, ResourceKind.VENDOR: Entity.VENDOR}


class CaseError(ValueError):
    """A resource that cannot be made or moved as asked; the message says why and what would work."""


def resource_id(kind: ResourceKind, ref: str) -> str:
    return f"{kind.value}:{ref}"


class CaseBook:
    """Create, read, list and advance resources in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, kind: ResourceKind, ref: str, *, case: str | None = None, owner: str | None = None,
               note: str | None = None, by: str | None = None) -> tuple[Resource, bool]:
        """The resource for `ref` (resolved against the store) and whether it is new. Making an existing resource
        again only adds the case, owner or note given."""
        kind = ResourceKind(kind)
        resolved = self._resolve(kind, ref)
        existing = self.get(resolved.id)
        if existing is not None:
            changed = False
            for name, value in (("case", case), ("owner", owner)):
                if value and getattr(existing, name) != value:
                    setattr(existing, name, value)
                    changed = True
            if note:
                existing.notes.append(note)
                changed = True
            if changed:
                self.save(existing)
            return existing, False
        resolved.case, resolved.owner = case, owner
        resolved.notes = [note] if note else []
        resolved.history = [Transition(state=S.IDENTIFIED, by=by or owner, note=note)]
        self.save(resolved)
        return resolved, True

    def get(self, resource: str) -> Resource | None:
        doc = self.store.get(Entity.RESOURCE, resource)
        return Resource.model_validate(doc) if doc else None

    def require(self, resource: str) -> Resource:
        found = self.get(resource)
        if found is None:
            raise CaseError(f"no resource {resource!r}: `narcwatch case list` shows the resources there are, "
                            "`narcwatch case create KIND REF` makes one")
        return found

    def advance(self, resource: str, state: ResourceState, *, by: str | None = None, note: str | None = None,
                at: datetime | None = None) -> Resource:
        """Move a resource to `state` along the lifecycle; anything else is refused with the moves allowed."""
        r = self.require(resource)
        state = ResourceState(state)
        if state not in NEXT[r.state]:
            allowed = ", ".join(s.value for s in NEXT[r.state])
            raise CaseError(f"{r.id} is {r.state.value}: it can move to {allowed}, not to {state.value}")
        r.state = state
        r.history.append(Transition(state=state, by=by, note=note, at=at or utcnow()))
        if note:
            r.notes.append(note)
        self.save(r)
        return r

    def annotate(self, resource: str, note: str, *, owner: str | None = None) -> Resource:
        r = self.require(resource)
        r.notes.append(note)
        if owner:
            r.owner = owner
        self.save(r)
        return r

    def save(self, r: Resource) -> None:
        r.updated_at = utcnow()
        result = self.store.upsert(Entity.RESOURCE, [r.model_dump(mode="json", exclude_none=True)])
        if result.rejected:
            raise CaseError(f"the store refused {r.id}: {result.rejected[0].reason}")
        self.store.refresh()

    def list(self, *, case: str | None = None, state: ResourceState | None = None,
             kind: ResourceKind | None = None, owner: str | None = None) -> Iterator[Resource]:
        filters = {name: [value] for name, value in (("case", case), ("state", state), ("kind", kind),
                                                     ("owner", owner)) if value}
        for doc in self.store.scan(Query(entity=Entity.RESOURCE, filters=filters)):
            yield Resource.model_validate(doc)

    # -- resolving what a resource points at ------------------------------------------------------------------
    def _resolve(self, kind: ResourceKind, ref: str) -> Resource:
        ref = ref.strip()
        if kind in _KIND_ENTITY:
            doc = self.store.get(_KIND_ENTITY[kind], ref) or self._by_name(kind, ref)
            if doc is None:
                raise CaseError(f"no {kind.value} {ref!r} in the store: give its key as `narcwatch search` shows "
                                f"it (site:id){' or site:name' if kind is ResourceKind.VENDOR else ''}")
            title = doc.get("title") or doc.get("name") or doc["id"]
            return Resource(id=resource_id(kind, doc["id"]), kind=kind, ref=doc["id"], title=title,
                            site=doc.get("site"), urls=[doc["url"]], item_ids=[doc["id"]])
        if kind is ResourceKind.WALLET:
            forms = identifier_forms(ref)
            q = Query(entity=Entity.IDENTIFIER, filters={"normalized": forms}, size=1000)
            sightings = [h.doc for h in self.store.search(q).hits] if forms else []
            sightings = [s for s in sightings if s.get("type") in WALLET_TYPES]
            if not sightings:
                raise CaseError(f"wallet {ref!r} was never seen in a crawled item: `narcwatch lookup {ref}` "
                                "shows what the store knows of it")
            value = sightings[0]["normalized"]
            currency = sightings[0].get("currency")
            return Resource(id=resource_id(kind, value), kind=kind, ref=value,
                            title=f"{currency} wallet {value}" if currency else value,
                            urls=sorted({s["url"] for s in sightings if s.get("url")}),
                            item_ids=sorted({s["item_id"] for s in sightings}))
        # A site or channel: every item crawled from that source, or posted in that channel.
        entities = (Entity.LISTING, Entity.POST, Entity.VENDOR)
        field = "site"
        total = sum(self.store.search(Query(entity=e, filters={field: [ref]}, size=0)).total for e in entities)
        if not total and kind is ResourceKind.CHANNEL:
            field, entities = "channel", (Entity.POST,)
            total = self.store.search(Query(entity=Entity.POST, filters={field: [ref]}, size=0)).total
        if not total:
            raise CaseError(f"no {kind.value} {ref!r} in the store: give the source name from the config "
                            "(or a channel's handle) of something that was crawled")
        roots: dict[str, None] = {}
        site = ref if field == "site" else None
        for e in entities:
            q = Query(entity=e, filters={field: [ref]}, size=0)
            for bucket in self.store.aggregate(q, ["host"], size=50)["host"]:
                for hit in self.store.search(Query(entity=e, filters={field: [ref], "host": [bucket.key]},
                                                   size=1)).hits:
                    parts = urlsplit(hit.doc["url"])
                    roots[f"{parts.scheme}://{parts.netloc}/"] = None
                    site = site or hit.doc.get("site")
        return Resource(id=resource_id(kind, ref), kind=kind, ref=ref, title=ref, site=site, urls=sorted(roots))

    def _by_name(self, kind: ResourceKind, ref: str) -> dict | None:
        """A vendor given as site:name (the account name as the site shows it) instead of its key."""
        if kind is not ResourceKind.VENDOR or ":" not in ref:
            return None
        site, _, name = ref.partition(":")
        hits = self.store.search(Query(entity=Entity.VENDOR, filters={"site": [site], "name": [name]}, size=1)).hits
        return hits[0].doc if hits else None
