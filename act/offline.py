"""Offline verification: recrawl referred resources, decide when they are verifiably gone, and notice comebacks.

The rule, as an analyst reads it (`verify-offline --help` says the same):

- One *check* of a resource fetches every URL it is reachable at (its own URLs and the same page on every host its
  source has now). The check is **offline** when every URL is removed (HTTP 404/410/451) or unreachable (refused,
  no route, DNS failure, timeout, the Tor proxy could not reach the onion), **online** when any URL is served
  (2xx), and **inconclusive** otherwise (5xx, 429, our proxy down): an inconclusive check counts neither way.
- Only checks since the resource entered its current state count. After N offline checks in a row (an online one
  starts the count again), each at least the minimum interval after the previous one counted, it is
  **offline_verified**, with a note naming every counted check and its evidence.
- After N conclusive checks, a referred or takedown_requested resource whose last check was online becomes
  **still_online**.
- An offline_verified resource that comes back is flagged and becomes still_online: when a recrawl finds it served
  again, or when a crawl saw it again after the verification (a listing key on any host, a site's items on a new
  mirror, a wallet in a new item, or another account of the vendor's linked actor, with the identifier that links
  them). A wallet has no page of its own: it is only ever checked through the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from act.cases import WATCHED, CaseBook, CaseError
from act.material import scope
from crawlers.checks import Checker, CheckRound
from crawlers.config import Source
from crawlers.spiders.channel import channel_page
from index.schema import Entity
from index.store import Query, Store
from narcwatch.models import ChangeKind, Check, Resource, ResourceKind, ResourceState

S = ResourceState
_SHOWN = 5  # items named in one comeback flag


@dataclass
class Verdict:
    """What this invocation did to one resource, for the table."""

    resource: Resource
    last: str = "not checked"  # offline | online | inconclusive | not checked
    counted: int = 0  # offline checks counted towards verification
    moved: list[str] = field(default_factory=list)  # "referred → offline_verified"
    flags: list[str] = field(default_factory=list)  # flags added now


def select(book: CaseBook, *, case: str | None = None, ids: Sequence[str] = ()) -> list[Resource]:
    """Watched resources: the ones named, or every one (of a case) in a watched state."""
    if ids:
        named = [book.require(i) for i in ids]
        for r in named:
            if r.state not in WATCHED:
                raise CaseError(f"{r.id} is {r.state.value}: only resources that are "
                                f"{', '.join(s.value for s in WATCHED)} are checked")
        return named
    return sorted((r for r in book.list(case=case) if r.state in WATCHED), key=lambda r: r.id)


# -- what to fetch -------------------------------------------------------------------------------------------------


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def targets(resource: Resource, source: Source | None) -> list[str]:
    """Every URL a check of `resource` fetches: its own, and the same page on every host its source has now (a
    listing moved to a new mirror is still online; a site is every host it was seen on or is configured with)."""
    if resource.kind is ResourceKind.WALLET:
        return []
    if source is None:
        return list(resource.urls)
    hosts = list(dict.fromkeys(_base(u) for u in [*source.start_urls, *source.mirrors]))
    if resource.kind is ResourceKind.CHANNEL:
        names = [resource.ref] if resource.ref != source.name else list(source.channel.channels if source.channel
                                                                             else [])
        return [channel_page(b, n) for b in hosts[:1] for n in names] or list(resource.urls)
    if resource.kind is ResourceKind.SITE:
        start = urlsplit(source.start_urls[0])
        page = start.path + (f"?{start.query}" if start.query else "")
        return list(dict.fromkeys(b + (page or "/") for b in [*(_base(u) for u in resource.urls), *hosts]))
    out: dict[str, None] = {}
    for url in resource.urls:
        parts = urlsplit(url)
        page = parts.path + (f"?{parts.query}" if parts.query else "")
        out[url] = None
        for b in hosts:
            out[b + page] = None
    return list(out)


# -- judging checks ------------------------------------------------------------------------------------------------


def rounds(resource: Resource) -> list[list[Check]]:
    """The resource's checks since it entered its current state, one list per check run, oldest first."""
    since = resource.history[-1].at if resource.history else None
    grouped: dict[str | None, list[Check]] = {}
    for c in resource.checks:
        if since is None or c.at >= since:
            grouped.setdefault(c.run_id, []).append(c)
    return list(grouped.values())


def result(checks: Sequence[Check]) -> str:
    outcomes = {c.outcome for c in checks}
    if "online" in outcomes:
        return "online"
    if outcomes and outcomes <= {"removed", "unreachable"}:
        return "offline"
    return "inconclusive"


def offline_streak(resource: Resource, min_interval: timedelta) -> list[list[Check]]:
    """The offline checks that count now: in a row since the last online one, each `min_interval` after the last
    one counted (an offline check sooner than that, or an inconclusive one, neither counts nor breaks the row)."""
    counted: list[list[Check]] = []
    for checks in rounds(resource):
        verdict = result(checks)
        if verdict == "online":
            counted = []
        elif verdict == "offline" and (not counted or checks[0].at - counted[-1][0].at >= min_interval):
            counted.append(checks)
    return counted


def _summary(counted: list[list[Check]]) -> str:
    parts = []
    for checks in counted:
        evidence = [c.evidence.record_id for c in checks if c.evidence]
        details = "; ".join(sorted({c.detail for c in checks}))
        parts.append(f"{checks[0].at.isoformat(timespec='seconds')} run {checks[0].run_id}: {len(checks)} URLs "
                     f"{details}" + (f" (evidence {', '.join(evidence)})" if evidence else ""))
    return " | ".join(parts)


def record(urls: Sequence[str], found: CheckRound) -> list[Check]:
    """A check of every target URL from what the round found (a URL the round never reached is inconclusive)."""
    checks = []
    for url in urls:
        probe = found.probes.get(url)
        if probe is None:
            checks.append(Check(url=url, outcome="inconclusive", run_id=found.run_id, at=found.started_at,
                                detail="not fetched: the source's check stopped before it (see checks.log)"))
        else:
            checks.append(Check(url=url, outcome=probe.outcome, status=probe.status, detail=probe.detail,
                                evidence=probe.evidence, run_id=found.run_id, at=found.started_at))
    return checks


def judge(book: CaseBook, resource: Resource, checks: list[Check], *, needed: int, min_interval: timedelta,
          verdict: Verdict) -> Resource:
    """Add one round's checks to a resource and move it as the rule says."""
    resource.checks.extend(checks)
    verdict.last = result(checks)
    book.save(resource)
    before = resource.state
    if before is S.OFFLINE_VERIFIED:
        if verdict.last == "online":
            served = next(c for c in checks if c.outcome == "online")
            flag = (f"came back: {served.url} answered {served.detail.split(':')[0]} on "
                    f"{served.at.isoformat(timespec='seconds')}"
                    + (f" (evidence {served.evidence.record_id})" if served.evidence else ""))
            resource = _come_back(book, resource, [flag], verdict)
        return resource
    counted = offline_streak(resource, min_interval)
    verdict.counted = len(counted)
    if len(counted) >= needed:
        resource = book.advance(resource.id, S.OFFLINE_VERIFIED, by="verify-offline",
                                note=f"offline in {len(counted)} checks in a row: {_summary(counted)}")
    elif before is not S.STILL_ONLINE and verdict.last == "online":
        conclusive = [r for r in rounds(resource) if result(r) != "inconclusive"]
        if len(conclusive) >= needed:
            served = next(c for c in checks if c.outcome == "online")
            resource = book.advance(resource.id, S.STILL_ONLINE, by="verify-offline",
                                    note=f"still online after {len(conclusive)} checks: {served.url} answered "
                                    f"{served.detail.split(':')[0]} on {served.at.isoformat(timespec='seconds')}")
    if resource.state is not before:
        verdict.moved.append(f"{before.value} → {resource.state.value}")
    return resource


def _come_back(book: CaseBook, resource: Resource, flags: list[str], verdict: Verdict) -> Resource:
    new = [f for f in flags if f not in resource.flags]
    resource.flags.extend(new)
    verdict.flags.extend(new)
    book.save(resource)
    resource = book.advance(resource.id, S.STILL_ONLINE, by="verify-offline",
                            note="came back after it was verified offline: " + "; ".join(flags))
    verdict.moved.append(f"{S.OFFLINE_VERIFIED.value} → {S.STILL_ONLINE.value}")
    return resource


# -- comebacks the store has seen ----------------------------------------------------------------------------------


def verified_at(resource: Resource) -> datetime | None:
    return next((t.at for t in reversed(resource.history) if t.state is S.OFFLINE_VERIFIED), None)


def _seen_since(store: Store, entity: Entity, filters: dict[str, list[str]], since: datetime) -> list[dict]:
    hits = store.search(Query(entity=entity, filters=filters, since=since, sort="newest", size=50)).hits
    return [h.doc for h in hits if h.doc.get("change") != ChangeKind.VANISHED.value]


def _where(docs: Iterable[dict]) -> str:
    docs = list(docs)
    shown = ", ".join(f"{d['id']} at {d.get('url')}" for d in docs[:_SHOWN])
    return shown + (f" and {len(docs) - _SHOWN} more" if len(docs) > _SHOWN else "")


def _new_hosts(resource: Resource, docs: Iterable[dict]) -> list[str]:
    known = {urlsplit(u).netloc for u in resource.urls}
    return sorted({urlsplit(d["url"]).netloc for d in docs if d.get("url")} - known)


def store_comebacks(store: Store, resource: Resource) -> list[str]:
    """What crawls saw of an offline_verified resource after it was verified, as flags."""
    since = verified_at(resource)
    if since is None:
        return []
    kind, ref = resource.kind, resource.ref
    if kind is ResourceKind.LISTING:
        docs = _seen_since(store, Entity.LISTING, {"id": [ref]}, since)
        return [_seen_flag(resource, "listing", docs)] if docs else []
    if kind is ResourceKind.WALLET:
        hits = store.search(Query(entity=Entity.IDENTIFIER, filters={"normalized": [ref]}, since=since,
                                  sort="newest", size=50)).hits
        seen = [{"id": h.doc["item_id"], "url": h.doc.get("url"), "run_id": h.doc.get("run_id")} for h in hits]
        return [f"wallet seen again after verification in {_where(seen)}"] if seen else []
    if kind in (ResourceKind.SITE, ResourceKind.CHANNEL):
        name, entities = scope(resource)
        docs = [d for e in entities for d in _seen_since(store, e, {name: [ref]}, since)]
        return [_seen_flag(resource, kind.value, docs)] if docs else []
    return _vendor_comebacks(store, resource, since)


def _seen_flag(resource: Resource, what: str, docs: list[dict]) -> str:
    hosts = _new_hosts(resource, docs)
    runs = sorted({d["run_id"] for d in docs if d.get("run_id")})
    return (f"{what} seen again after verification by crawl run {', '.join(runs)}: {_where(docs)}"
            + (f" (new host: {', '.join(hosts)})" if hosts else ""))


def _account_items(store: Store, site: str, name: str, since: datetime) -> list[dict]:
    return [*_seen_since(store, Entity.VENDOR, {"site": [site], "name": [name]}, since),
            *_seen_since(store, Entity.LISTING, {"site": [site], "vendor": [name]}, since),
            *_seen_since(store, Entity.POST, {"site": [site], "author": [name]}, since)]


def _vendor_comebacks(store: Store, resource: Resource, since: datetime) -> list[str]:
    """The account itself seen again, or another account of its linked actor: the same vendor under a new name."""
    doc = store.get(Entity.VENDOR, resource.ref)
    site = resource.site or resource.ref.split(":", 1)[0]
    name = doc["name"] if doc else resource.ref.rsplit(":", 1)[-1]
    flags = []
    own = _account_items(store, site, name, since)
    if own:
        flags.append(_seen_flag(resource, "vendor account", own))
    mine = f"{site}:{name}"
    for actor in store.scan(Query(entity=Entity.ACTOR, filters={"member_keys": [mine]})):
        links = actor.get("links") or []
        for member in actor.get("members") or []:
            if member["key"] == mine:
                continue
            seen = _account_items(store, member["site"], member["name"], since)
            if not seen:
                continue
            link = (next((lk for lk in links if {lk["a"], lk["b"]} == {mine, member["key"]}), None)
                    or next((lk for lk in links if member["key"] in (lk["a"], lk["b"])), None))
            why = f"linked by {link['type']} {link['value']}" if link else "linked in actor " + actor["id"]
            flags.append(f"same vendor under another name: {member['key']} ({why}) seen after verification: "
                         f"{_where(seen)}")
    return flags


def come_back_from_store(book: CaseBook, resource: Resource, verdict: Verdict) -> Resource:
    if resource.state is not S.OFFLINE_VERIFIED:
        return resource
    flags = store_comebacks(book.store, resource)
    return _come_back(book, resource, flags, verdict) if flags else resource


# -- the whole verification ----------------------------------------------------------------------------------------


async def verify(checker: Checker, book: CaseBook, sources: dict[str, Source], ids: Sequence[str], *, needed: int,
                 min_interval: timedelta, repeat: int = 1, interval: timedelta = timedelta(0),
                 on_round: Callable[[int, CheckRound], None] | None = None) -> dict[str, Verdict]:
    """Comebacks the store has seen, then `repeat` recrawls `interval` apart, each judged as the module says."""
    from narcwatch.runs import record_run

    verdicts = {i: Verdict(book.require(i)) for i in ids}
    for v in verdicts.values():
        v.resource = come_back_from_store(book, v.resource, v)
    for n in range(repeat):
        if n:
            await asyncio.sleep(interval.total_seconds())
        plan: dict[str, list[str]] = {}
        per_source: dict[str, list[str]] = {}
        for i, v in verdicts.items():
            source = sources.get(v.resource.site or "")
            if v.resource.kind is ResourceKind.WALLET:
                v.last = "store only (a wallet has no page)"
            elif source is None:  # never fetched outside a source's policy: its proxy may be mandatory
                v.last = f"not checked: source {v.resource.site!r} is not in the config"
            else:
                plan[i] = targets(v.resource, source)
                per_source.setdefault(source.name, []).extend(plan[i])
        found = await checker.probe([(sources[name], list(dict.fromkeys(urls))) for name, urls in per_source.items()])
        record_run(book.store, run_id=found.run_id, status="finished", sources=sorted(per_source),
                   started_at=found.started_at, finished_at=found.finished_at,
                   report={"sources": found.reports}, errors=[], trigger="verify-offline", run_dir=found.run_dir)
        for i, urls in plan.items():
            v = verdicts[i]
            v.resource = judge(book, book.require(i), record(urls, found), needed=needed, min_interval=min_interval,
                               verdict=v)
        if on_round:
            on_round(n, found)
    return verdicts
