"""FIU exports: what a case, an actor or a query selects, shaped once (parties, wallets, infrastructure, items with
their evidence hashes) for every format, the CSV format itself, and the folder each export is written to with its
manifest.

The formats (goAML, STIX 2.1, MISP, CSV) all read the same `Export`, so a wallet or an account is the same thing in
each of them, and each format's library does its own escaping: nothing here builds markup from strings.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from act.cases import WALLET_TYPES, CaseBook
from act.manifest import MANIFEST_DIGEST, write_manifest
from act.material import IdentifierSeen, Material, actor_item_ids, gather, resolve_actor, resource_item_ids
from act.reporting import Reporting, ReportingError
from index.schema import CRAWLED_ENTITIES, Entity
from index.store import Query, Store
from narcwatch.models import Resource, ResourceKind

DEFAULT_LIMIT = 10_000  # items a query may select before the export stops and says so


class ExportFormat(StrEnum):
    GOAML = "goaml"
    STIX = "stix"
    MISP = "misp"
    CSV = "csv"


class SelectionError(ValueError):
    """Nothing could be selected as asked; the message says what exists instead."""


@dataclass
class Account:
    """One account on one site (a vendor, a forum author, a channel's poster), as `site:name`."""

    site: str
    name: str
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.site}:{self.name}"


class _SeenItems:
    """First and last seen of whatever holds `items`: when its listings, posts and profiles were fetched."""

    items: list[dict]

    @property
    def first_seen(self) -> str | None:
        return min((i["seen_at"] for i in self.items if i.get("seen_at")), default=None)

    @property
    def last_seen(self) -> str | None:
        return max((i["seen_at"] for i in self.items if i.get("seen_at")), default=None)


@dataclass
class Party(_SeenItems):
    """One operator: a linked actor (accounts joined by shared identifiers) or a single account."""

    id: str  # the actor's id, or the account key of a single account
    accounts: list[Account]
    links: list[dict] = field(default_factory=list)  # the actor's links: {a, b, type, value, evidence_a, evidence_b}
    identifiers: list[IdentifierSeen] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(a.name for a in self.accounts))

    @property
    def sites(self) -> list[str]:
        return sorted({a.site for a in self.accounts})


@dataclass
class Infrastructure(_SeenItems):
    """A site (market, shop, forum) or a channel the selected items were found on."""

    name: str
    kind: str  # "site" or "channel"
    hosts: list[str]
    urls: list[str]  # where it is reachable (scheme://host/)
    items: list[dict]

    @property
    def onions(self) -> list[str]:
        return [h for h in self.hosts if h.endswith(".onion")]


@dataclass
class Export:
    """Everything one export carries, whatever its format."""

    subject: str  # in words: "case 2026-17", "actor 0753e0e7 (forum:cosmic-trade, …)", "query 'x' (site=…)"
    material: Material
    parties: list[Party]
    infrastructure: list[Infrastructure]
    resources: list[Resource] = field(default_factory=list)
    case: str | None = None
    truncated: str | None = None  # why fewer items were selected than matched

    @property
    def reference(self) -> str:
        """A stable short digest of the subject, for file references and deterministic ids."""
        return hashlib.sha256(self.subject.encode("utf-8")).hexdigest()[:12]

    @property
    def wallets(self) -> list[IdentifierSeen]:
        return [i for i in self.material.identifiers if i.type in WALLET_TYPES]

    def counts(self) -> dict[str, int]:
        m = self.material
        return {"items": len(m.items), "listings": len(m.listings()), "evidence records": len(m.evidence),
                "identifiers": len(m.identifiers), "wallets": len(self.wallets), "parties": len(self.parties),
                "sites and channels": len(self.infrastructure), "resources": len(self.resources)}


# ---------------------------------------------------------------------------------------------------- selection


def select_case(store: Store, case: str) -> Export:
    """Every resource of a case and every item they cover now."""
    resources = sorted(CaseBook(store).list(case=case), key=lambda r: r.id)
    if not resources:
        raise SelectionError(f"case {case!r} has no resources: `narcwatch case list` shows the cases there are")
    ids = list(dict.fromkeys(i for r in resources for i in resource_item_ids(store, r)))
    return _shape(store, f"case {case}", gather(store, ids), resources=resources, case=case)


def select_actor(store: Store, ref: str) -> Export:
    """A linked actor by its id or one of its accounts (site:name or a name); an account no actor holds is exported
    on its own."""
    actor = resolve_actor(store, ref)
    members = ", ".join(m["key"] for m in actor["members"])
    return _shape(store, f"actor {actor['id'][:12]} ({members})", gather(store, actor_item_ids(store, actor)),
                  actors=[actor])


def select_query(store: Store, text: str | None, filters: Mapping[str, list[str]], *,
                 limit: int = DEFAULT_LIMIT) -> Export:
    """Listings, posts and vendor profiles matching a search, at most `limit` of them."""
    ids: list[str] = []
    matched = 0
    usable = 0
    for entity in CRAWLED_ENTITIES:
        try:
            query = Query(entity=entity, text=text or None, filters=dict(filters), size=0)
            matched += store.search(query).total
        except ValueError:
            continue  # a facet this entity does not have (a vendor has no substance): the others answer
        usable += 1
        if len(ids) < limit:
            ids += islice((doc["id"] for doc in store.scan(query)), limit - len(ids))
    if not usable:
        raise SelectionError(f"no listings, posts or vendors can be filtered by {', '.join(filters)}: "
                             "`narcwatch search --help` lists the filters")
    shown = " ".join(f"{k}={v}" for k, vs in filters.items() for v in vs)
    subject = f"query {text or '(everything)'!r}" + (f" ({shown})" if shown else "")
    truncated = (f"{matched:,} items matched; only the first {limit:,} were exported (narrow the query or raise "
                 "--limit)") if matched > limit else None
    export = _shape(store, subject, gather(store, ids))
    export.truncated = truncated
    return export


# ---------------------------------------------------------------------------------------------------- shaping


def _shape(store: Store, subject: str, material: Material, *, resources: Sequence[Resource] = (),
           actors: Sequence[dict] | None = None, case: str | None = None) -> Export:
    accounts = _accounts(material.items)
    if actors is None:
        actors = _actors_of(store, accounts)
    parties: list[Party] = []
    placed: set[str] = set()
    for actor in actors:
        members = [accounts.get(m["key"]) or Account(m["site"], m["name"]) for m in actor.get("members") or []]
        parties.append(Party(id=actor["id"], accounts=members, links=list(actor.get("links") or [])))
        placed |= {a.key for a in members}
    parties += [Party(id=key, accounts=[a]) for key, a in accounts.items() if key not in placed]
    for party in parties:
        keys = {a.key for a in party.accounts}
        party.items = [i for i in material.items if _account_key(i) in keys]
        party.identifiers = [i for i in material.identifiers
                             if any(f"{s.site}:{s.vendor}" in keys for s in i.sightings if s.vendor)]
    parties = [p for p in parties if p.items or p.identifiers]
    return Export(subject=subject, material=material, parties=parties, infrastructure=_infrastructure(material),
                  resources=list(resources), case=case)


def _account_key(item: dict) -> str | None:
    name = item.get("name") if item.get("kind") == "vendor" else item.get("vendor") or item.get("author")
    return f"{item['site']}:{name}" if name and item.get("site") else None


def _accounts(items: Iterable[dict]) -> dict[str, Account]:
    found: dict[str, Account] = {}
    for item in items:
        key = _account_key(item)
        if key is None:
            continue
        account = found.setdefault(key, Account(item["site"], key.partition(":")[2]))
        if item.get("kind") == "vendor":
            account.url = item.get("url")
        elif not account.url:
            account.url = item.get("vendor_url") or item.get("author_url")
    return found


def _actors_of(store: Store, accounts: Mapping[str, Account]) -> list[dict]:
    """Actors holding any of the accounts, each once; an actor with one account and only weak name matches adds
    nothing over the account itself and is left out."""
    found: dict[str, dict] = {}
    keys = list(accounts)
    for start in range(0, len(keys), 500):
        for actor in store.scan(Query(entity=Entity.ACTOR, filters={"member_keys": keys[start:start + 500]})):
            if len(actor.get("members") or []) > 1:
                found[actor["id"]] = actor
    return sorted(found.values(), key=lambda a: a["id"])


def _infrastructure(material: Material) -> list[Infrastructure]:
    groups: dict[tuple[str, str], list[dict]] = {}
    for item in material.items:
        if item.get("kind") == "post" and item.get("channel"):  # only channel crawls name a post's channel
            groups.setdefault((item["channel"], ResourceKind.CHANNEL.value), []).append(item)
        elif item.get("site"):
            groups.setdefault((item["site"], ResourceKind.SITE.value), []).append(item)
    out = []
    for (name, kind), items in sorted(groups.items()):
        roots: dict[str, None] = {}
        hosts: dict[str, None] = {}
        for url in (u for i in items for u in (i.get("url"), *(e.get("url") for e in i.get("evidence") or [])) if u):
            parts = urlsplit(url)
            if parts.hostname:
                hosts[parts.hostname] = None
                roots[f"{parts.scheme}://{parts.netloc}/"] = None
        out.append(Infrastructure(name=name, kind=kind, hosts=sorted(hosts), urls=sorted(roots), items=items))
    return out


# ---------------------------------------------------------------------------------------------------- helpers


def evidence_hashes(item: dict) -> list[str]:
    """SHA-256 of the payloads preserved for an item (what a court can recompute from the WARC)."""
    return list(dict.fromkeys(e["payload_sha256"] for e in item.get("evidence") or [] if e.get("payload_sha256")))


def item_label(item: dict) -> str:
    return item.get("title") or item.get("name") or item.get("thread") or item["id"]


def sightings_text(ident: IdentifierSeen, limit: int = 20) -> str:
    """Where and when an identifier was seen, one line per sighting, in words."""
    lines = [f"seen {s.seen_at or 'at an unknown time'} on {s.site or 'an unknown site'}"
             f"{f' by {s.vendor}' if s.vendor else ''} in {s.item_kind or 'item'} {s.item_id}"
             f"{f' <{s.url}>' if s.url else ''}" for s in ident.sightings[:limit]]
    if len(ident.sightings) > limit:
        lines.append(f"… and {len(ident.sightings) - limit:,} more sightings")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- CSV

# Cells a spreadsheet would run as a formula (OWASP CSV injection): these first characters, also after leading
# whitespace. Such a cell is written with a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

IDENTIFIER_COLUMNS = ("type", "value", "normalized", "currency", "address_kind", "site", "vendor", "item_id",
                      "item_kind", "url", "seen_at", "first_seen", "last_seen", "sightings", "evidence_sha256")
ITEM_COLUMNS = ("item_id", "kind", "site", "channel", "url", "title", "vendor", "category", "substances", "price",
                "currency", "ships_from", "ships_to", "first_seen", "last_seen", "identifiers", "evidence_sha256")


def neutralise(value: object) -> str:
    """A cell's text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
    """UTF-8 with a byte-order mark (so Excel reads the accents and scripts right), every cell quoted, every cell
    neutralised."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row.get(c)) for c in columns])
            count += 1
    return count


def export_csv(export: Export, folder: Path) -> dict[str, int]:
    """`identifiers.csv`: one row per sighting of an identifier; `items.csv`: one row per item."""
    items = {i["id"]: i for i in export.material.items}

    def sightings() -> Iterable[dict[str, object]]:
        for ident in export.material.identifiers:
            for s in ident.sightings:
                yield {"type": ident.type, "value": ident.value, "normalized": ident.normalized,
                       "currency": ident.currency, "address_kind": ident.kind, "site": s.site, "vendor": s.vendor,
                       "item_id": s.item_id, "item_kind": s.item_kind, "url": s.url, "seen_at": s.seen_at,
                       "first_seen": ident.first_seen, "last_seen": ident.last_seen,
                       "sightings": len(ident.sightings),
                       "evidence_sha256": " ".join(evidence_hashes(items.get(s.item_id, {})))}

    def item_rows() -> Iterable[dict[str, object]]:
        for item in export.material.items:
            seen = [e.get("fetched_at") for e in item.get("evidence") or [] if e.get("fetched_at")]
            yield {"item_id": item["id"], "kind": item.get("kind"), "site": item.get("site"),
                   "channel": item.get("channel"), "url": item.get("url"), "title": item_label(item),
                   "vendor": item.get("vendor") or item.get("author") or item.get("name"),
                   "category": item.get("category"), "substances": " ".join(item.get("substance_names") or []),
                   "price": item.get("price_amount"), "currency": item.get("price_currency"),
                   "ships_from": item.get("ships_from"), "ships_to": item.get("ships_to"),
                   "first_seen": min(seen, default=item.get("seen_at")),
                   "last_seen": max(seen, default=item.get("seen_at")),
                   "identifiers": " ".join(item.get("identifier_values") or []),
                   "evidence_sha256": " ".join(evidence_hashes(item))}

    return {"identifier sightings": write_csv(folder / "identifiers.csv", IDENTIFIER_COLUMNS, sightings()),
            "item rows": write_csv(folder / "items.csv", ITEM_COLUMNS, item_rows())}


# ---------------------------------------------------------------------------------------------------- writing


@dataclass
class Written:
    folder: Path
    files: list[str]
    counts: dict[str, int]
    manifest_sha256: str
    problems: list[str] = field(default_factory=list)  # what the receiver's validator refuses, in words
    validated_by: str | None = None  # None: nothing to validate with (goAML without the FIU's schema)


def _writers() -> dict[ExportFormat, Callable[[Export, Path, Reporting], dict[str, int]]]:
    """The format modules, imported when used (stix2 and pymisp take a while to load)."""
    from act.goaml import export_goaml
    from act.misp import export_misp
    from act.stix import export_stix

    return {ExportFormat.GOAML: export_goaml, ExportFormat.STIX: export_stix, ExportFormat.MISP: export_misp}


def write_export(export: Export, fmt: ExportFormat, folder: Path, config: Reporting | None, *,
                 schema: Path | None = None) -> Written:
    """Write one format into `folder` with its manifest; a goAML report is validated against `schema` (or the
    configured one) and its problems returned, the files kept for the analyst to inspect. Only CSV needs no
    reporting configuration."""
    if fmt is ExportFormat.CSV:
        counts = export_csv(export, _ready(folder))
    elif config is None:
        raise ReportingError(f"a {fmt.value} export needs the reporting configuration (--reporting)")
    else:
        counts = _writers()[fmt](export, _ready(folder), config)
    schema = (schema or config.goaml.schema_) if fmt is ExportFormat.GOAML and config else None
    validated_by, problems = validate_export(folder, fmt, schema)
    counts = {**export.counts(), **counts}
    manifest = write_manifest(folder, kind=f"export-{fmt.value}", subject=export.subject,
                              meta={"counts": counts, **({"truncated": export.truncated} if export.truncated else {}),
                                    **({"schema": schema.name, "schema_problems": len(problems)} if schema else {})})
    digest = (folder / MANIFEST_DIGEST).read_text(encoding="ascii").split()[0]
    return Written(folder=folder, files=[f["path"] for f in manifest["files"]], counts=counts,
                   manifest_sha256=digest, problems=problems, validated_by=validated_by)


def validate_export(folder: Path, fmt: ExportFormat, schema: Path | None = None) -> tuple[str | None, list[str]]:
    """Read an export back the way its receiver will, and say with what and what is wrong: goAML against the FIU's
    XSD (when there is one), STIX with stix2 (no custom content but the declared wallet observable), MISP with
    pymisp, CSV with the csv module (no cell may start a formula)."""
    if fmt is ExportFormat.GOAML:
        from act.goaml import REPORT, validate_report

        return (f"goAML schema {schema.name}", validate_report(folder / REPORT, schema)) if schema else (None, [])
    if fmt is ExportFormat.STIX:
        import stix2

        from act.stix import BUNDLE

        try:
            stix2.parse((folder / BUNDLE).read_text(encoding="utf-8"), allow_custom=False)
        except (stix2.exceptions.STIXError, ValueError) as exc:
            return "stix2", [f"{BUNDLE}: {exc}"]
        return "stix2", []
    if fmt is ExportFormat.MISP:
        from pymisp import MISPEvent

        from act.misp import EVENT

        try:
            MISPEvent().load_file(str(folder / EVENT))
        except Exception as exc:  # noqa: BLE001 - pymisp raises many kinds for a bad event; each is a problem
            return "pymisp", [f"{EVENT}: {exc}"]
        return "pymisp", []
    problems = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.reader(fh), 1):
                problems += [f"{path.name} row {n}: a cell starts a formula ({cell[:20]!r})" for cell in row
                             if cell.lstrip(" ").startswith(_FORMULA_START)]
    return "csv reader", problems


def _ready(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
