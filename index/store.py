"""The one store interface every stage uses, whatever holds the data: a search engine (Elasticsearch or OpenSearch)
or the embedded SQLite store. Queries, results and the preparation of documents are shared here; a backend only
translates them.
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Self

import orjson
from pydantic import BaseModel, Field, SecretStr, field_validator

from index.schema import (
    CRAWLED_ENTITIES,
    MAX_DOC_BYTES,
    MAX_ID_BYTES,
    MAX_TEXT_CHARS,
    Entity,
    fields_of,
    text_fields_of,
)


class StoreError(RuntimeError):
    """The store cannot do what was asked (unreachable engine, schema conflict); the message says why and what to
    do."""


class SchemaConflict(StoreError):
    """An index or table exists under the store's name but was not made by this schema."""


# ---------------------------------------------------------------------------------------------------- configuration


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "narcwatch"


class StoreConfig(BaseModel):
    """Where the store lives. A search URL selects the engine backend; without one the embedded store is used.
    Credentials come from the environment only (`from_env`), never from committed files."""

    url: list[str] = Field(default_factory=list)  # NARCWATCH_SEARCH_URL, comma-separated
    engine: Literal["elasticsearch", "opensearch"] | None = None  # NARCWATCH_SEARCH_ENGINE; None: ask the server
    api_key: SecretStr | None = None  # NARCWATCH_SEARCH_API_KEY (Elasticsearch API key, encoded form)
    username: str | None = None  # NARCWATCH_SEARCH_USER
    password: SecretStr | None = None  # NARCWATCH_SEARCH_PASSWORD
    ca_certs: Path | None = None  # NARCWATCH_SEARCH_CA: CA bundle for TLS
    verify_certs: bool = True  # NARCWATCH_SEARCH_VERIFY=0 only for a lab engine with a self-signed certificate
    prefix: str = "narcwatch"  # NARCWATCH_INDEX_PREFIX: index, alias and template names start with it
    home: Path = Field(default_factory=default_home)  # NARCWATCH_HOME: embedded database, spool, rejections
    replicas: int | None = None  # NARCWATCH_SEARCH_REPLICAS; None keeps the engine's default
    shards: int = 1
    chunk_size: int = 500  # documents per bulk request
    bulk_threads: int = 2  # bulk requests in flight at once (1: one at a time, with the helper's own 429 retries)
    max_retries: int = 5  # retries of documents the engine pushed back (429) and of unreachable-engine errors
    initial_backoff: float = 0.5  # seconds, doubled on each retry
    max_backoff: float = 30.0
    timeout: float = 30.0  # seconds per request
    max_text_chars: int = MAX_TEXT_CHARS
    max_doc_bytes: int = MAX_DOC_BYTES

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not v or v != v.lower() or any(c in v for c in ' "*\\<|,>/?#:') or v.startswith(("_", "-", "+")):
            raise ValueError(f"index prefix {v!r} must be lower case without spaces or any of \"*\\<|,>/?#:")
        return v

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Self:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("NARCWATCH_SEARCH_URL"):
            values["url"] = [u.strip() for u in env["NARCWATCH_SEARCH_URL"].split(",") if u.strip()]
        for key, name in (("engine", "ENGINE"), ("api_key", "API_KEY"), ("username", "USER"),
                          ("password", "PASSWORD"), ("ca_certs", "CA"), ("replicas", "REPLICAS")):
            if env.get(f"NARCWATCH_SEARCH_{name}"):
                values[key] = env[f"NARCWATCH_SEARCH_{name}"]
        if env.get("NARCWATCH_SEARCH_VERIFY"):
            values["verify_certs"] = env["NARCWATCH_SEARCH_VERIFY"].lower() not in ("0", "false", "no")
        if env.get("NARCWATCH_INDEX_PREFIX"):
            values["prefix"] = env["NARCWATCH_INDEX_PREFIX"]
        if env.get("NARCWATCH_HOME"):
            values["home"] = Path(env["NARCWATCH_HOME"])
        values.update(overrides)
        return cls(**values)

    @property
    def uses_engine(self) -> bool:
        return bool(self.url)


# ---------------------------------------------------------------------------------------------------- query & results


class Query(BaseModel):
    """An analyst's question: full text, filters by facet name (see `schema.FACETS`), a time window, sort and
    page."""

    entity: Entity = Entity.LISTING
    text: str | None = None  # words are ANDed; "quoted phrases", OR, and -excluded words are understood
    filters: dict[str, list[str]] = Field(default_factory=dict)  # facet → any of these values
    since: datetime | None = None  # on the entity's time field (schema.TIME_FIELDS), inclusive
    until: datetime | None = None  # exclusive
    sort: Literal["relevance", "newest", "oldest", "price", "-price"] = "relevance"
    offset: int = Field(0, ge=0)
    size: int = Field(20, ge=0, le=10_000)


class TextQuery(BaseModel):
    """Query text as both backends read it: every group in `must` has to match (any one of its alternatives, each
    a word or a phrase), nothing in `must_not` may."""

    must: list[list[str]] = Field(default_factory=list)
    must_not: list[str] = Field(default_factory=list)


_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')


def parse_text(text: str) -> TextQuery:
    """Words are ANDed; "quoted phrases"; OR between two terms makes alternatives; -word or -"phrase" excludes.
    Operators never fail: a stray OR or an unclosed quote is read as plainly as possible."""
    out = TextQuery()
    join_next = False
    for m in _TOKEN.finditer(text):
        negate, phrase, word = m.group(1), m.group(2), m.group(3)
        term = " ".join((phrase if phrase is not None else word or "").split())
        if phrase is None and word == "OR" and not negate:
            join_next = bool(out.must)
            continue
        if not term:
            continue
        if negate:
            out.must_not.append(term)
        elif join_next:
            out.must[-1].append(term)
        else:
            out.must.append([term])
        join_next = False
    return out


class Hit(BaseModel):
    id: str
    entity: Entity
    score: float | None = None
    doc: dict
    snippet: str | None = None  # matching text with the match marked as [[…]], when the query had text


class Page(BaseModel):
    total: int  # exact number of matching documents
    hits: list[Hit]


class Bucket(BaseModel):
    key: str
    count: int


class Rejection(BaseModel):
    """A document the store refused, kept with its reason so nothing is silently dropped."""

    entity: Entity
    id: str | None
    reason: str
    at: datetime | None = None


class BulkResult(BaseModel):
    indexed: int = 0  # written (created or replaced)
    spooled: int = 0  # waiting on disk for an engine that is unreachable; replayed later, in order
    rejected: list[Rejection] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # documents changed to fit (text cut, bad bytes replaced)

    def __iadd__(self, other: BulkResult) -> Self:
        self.indexed += other.indexed
        self.spooled += other.spooled
        self.rejected += other.rejected
        self.warnings += other.warnings
        return self


class Lookup(BaseModel):
    """Everything linked to one identifier."""

    query: str
    forms: list[str]  # normalised forms that were looked up
    sightings: list[dict]  # identifier documents: where and when it was seen
    items: list[Hit]  # the listings, posts and vendor profiles that carry it
    linked: list[dict]  # other identifiers on those items: {type, normalized, count}
    vendors: list[Bucket]  # vendor names seen with it


class EntityStats(BaseModel):
    count: int
    version: int
    location: str  # index behind the alias, or table
    size_bytes: int | None = None


class Stats(BaseModel):
    backend: Literal["embedded", "elasticsearch", "opensearch"]
    location: str  # database path or engine URL (never credentials)
    server_version: str | None = None
    health: str | None = None
    entities: dict[str, EntityStats]
    spooled_batches: int = 0
    spooled_docs: int = 0
    rejected: int = 0


# ---------------------------------------------------------------------------------------------------- preparation


@dataclass(slots=True)
class Prepared:
    """A document ready to write: its id, its JSON (serialised once, reused by spool and bulk), what was changed."""

    entity: Entity
    id: str
    source: str
    warnings: list[str] = field(default_factory=list)


class _NeedsRepair(Exception):
    """Raised inside serialisation when a value is not text the engines accept (bytes): take the slow path."""


def prepare(entity: Entity, doc: Mapping[str, object], max_text_chars: int = MAX_TEXT_CHARS,
            max_doc_bytes: int = MAX_DOC_BYTES) -> Prepared | Rejection:
    """Make a document safe to send, or say why it cannot be: text that is not valid Unicode is repaired (U+FFFD),
    text fields longer than `max_text_chars` are cut for indexing (evidence keeps the full text), and a document
    still larger than `max_doc_bytes` is rejected. Every change is recorded in the document's `index_warnings`
    where the schema has that field, and returned.

    Valid documents, nearly all of them, cost one orjson serialisation: it refuses lone surrogates and bytes, and
    only then is the document walked and repaired."""
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        return Rejection(entity=entity, id=None, reason="document has no id (a non-empty string is required)")
    if len(doc_id.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        return Rejection(entity=entity, id=doc_id[:80] + "…", reason=f"id longer than {MAX_ID_BYTES} bytes")
    warnings: list[str] = []
    clean = dict(doc)
    for key in text_fields_of(entity).intersection(clean):
        clean[key] = _cut(clean[key], key, max_text_chars, warnings)
    try:
        data = _dumps(entity, clean, warnings)
    except (orjson.JSONEncodeError, _NeedsRepair):
        clean = {key: _repair(value, key, warnings) for key, value in clean.items()}
        data = _dumps(entity, clean, warnings)
    if len(data) > max_doc_bytes:
        return Rejection(entity=entity, id=doc_id, reason=f"document is {len(data) / 1048576:.1f} MiB serialised, "
                         f"over the {max_doc_bytes / 1048576:.0f} MiB limit (StoreConfig.max_doc_bytes)")
    return Prepared(entity=entity, id=doc_id, source=data.decode("utf-8"),
                    warnings=[f"{doc_id}: {w}" for w in warnings])


def _dumps(entity: Entity, doc: dict[str, object], warnings: list[str]) -> bytes:
    if warnings and "index_warnings" in fields_of(entity):
        doc = {**doc, "index_warnings": [*(doc.get("index_warnings") or []), *warnings]}  # type: ignore[misc]
    return orjson.dumps(doc, default=_default)


def _default(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, bytes | bytearray):
        raise _NeedsRepair
    raise TypeError(f"cannot store a {type(value).__name__}")


def _repair(value: object, path: str, warnings: list[str]) -> object:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            warnings.append(f"{path}: text was not valid Unicode (undecodable bytes); replaced with U+FFFD")
            return value.encode("utf-8", "surrogateescape" if _escaped(value) else "replace").decode("utf-8",
                                                                                                  "replace")
        return value
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", "replace")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in value:
            warnings.append(f"{path}: bytes were not valid UTF-8; replaced with U+FFFD")
        return text
    if isinstance(value, Mapping):
        return {k: _repair(v, f"{path}.{k}", warnings) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_repair(v, path, warnings) for v in value]
    return value


def _escaped(value: str) -> bool:
    """Lone surrogates U+DC80–U+DCFF are bytes smuggled through `surrogateescape`: give them back as bytes so the
    replacement marks each bad byte once."""
    return all(not ("\ud800" <= c <= "\udfff") or "\udc80" <= c <= "\udcff" for c in value)


def _cut(value: object, path: str, limit: int, warnings: list[str]) -> object:
    if isinstance(value, str) and len(value) > limit:
        warnings.append(f"{path}: {len(value):,} characters, cut to {limit:,} for indexing (full text in evidence)")
        return value[:limit]
    if isinstance(value, list):
        return [_cut(v, path, limit, warnings) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------- interface


class Store(ABC):
    """Create/upgrade the schema, write batches, read, search, count and look up identifiers.

    Writes are idempotent: a document's id is stable (listing key, WARC record id, …), so writing it again replaces
    it. A write returns what was indexed, what waits in the spool and what was rejected, with reasons; it raises only
    for a programming error, never for bad data or an unreachable engine.
    """

    config: StoreConfig

    @abstractmethod
    def ensure_schema(self) -> list[str]:
        """Create what is missing and migrate entities whose schema version changed; say what was done."""

    @abstractmethod
    def upsert(self, entity: Entity, docs: Iterable[Mapping[str, object]]) -> BulkResult:
        """Write documents (each with an `id`), in order."""

    @abstractmethod
    def delete(self, entity: Entity, ids: Sequence[str]) -> int:
        """Remove documents that no longer hold (an actor whose members changed); returns how many existed."""

    @abstractmethod
    def get(self, entity: Entity, doc_id: str) -> dict | None: ...

    @abstractmethod
    def get_many(self, entity: Entity, ids: Sequence[str]) -> list[dict]:
        """The documents that exist, in the order of `ids`."""

    @abstractmethod
    def search(self, query: Query) -> Page: ...

    @abstractmethod
    def aggregate(self, query: Query, by: Sequence[str], size: int = 20) -> dict[str, list[Bucket]]:
        """Document counts of the matching documents per value of each facet (`schema.FACETS` names or "day"),
        largest first ("day": oldest first)."""

    @abstractmethod
    def scan(self, query: Query) -> Iterator[dict]:
        """Every matching document, past any result window (exports, reindexing); order by id."""

    @abstractmethod
    def count(self, entity: Entity) -> int: ...

    @abstractmethod
    def stats(self) -> Stats: ...

    @abstractmethod
    def refresh(self) -> None:
        """Make everything written so far searchable (the engine refreshes on its own within a second)."""

    def replay(self) -> BulkResult:
        """Send what waits in the spool; a backend without a spool has nothing to send."""
        return BulkResult()

    def rejections(self) -> list[Rejection]:
        """Every rejection recorded in this store's home, oldest first."""
        return RejectionLog(self.config.home).read()

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, identifier: str, size: int = 100) -> Lookup:
        """Everything linked to an address, handle, key fingerprint, IBAN, email or phone: where it was seen, the
        items carrying it, the other identifiers on those items and the vendors behind them."""
        forms = identifier_forms(identifier)
        q = Query(entity=Entity.IDENTIFIER, filters={"normalized": forms}, sort="oldest", size=size)
        sightings = [h.doc for h in self.search(q).hits] if forms else []
        by_kind: dict[Entity, list[str]] = {}
        for s in sightings:
            kind = s.get("item_kind")
            if kind in CRAWLED_ENTITIES and s.get("item_id") not in by_kind.setdefault(Entity(kind), []):
                by_kind[Entity(kind)].append(s["item_id"])
        items = [Hit(id=d["id"], entity=kind, doc=d) for kind, ids in by_kind.items()
                 for d in self.get_many(kind, ids)]
        item_ids = [h.id for h in items]
        linked: list[dict] = []
        vendors: list[Bucket] = []
        if item_ids:
            around = Query(entity=Entity.IDENTIFIER, filters={"item": item_ids}, size=0)
            counts = self.aggregate(around, ["key", "vendor"], size=50)
            for bucket in counts["key"]:
                kind, _, value = bucket.key.partition(":")
                if value not in forms:
                    linked.append({"type": kind, "normalized": value, "count": bucket.count})
            vendors = counts["vendor"]
        return Lookup(query=identifier, forms=forms, sightings=sightings, items=items, linked=linked,
                      vendors=vendors)


def identifier_forms(text: str) -> list[str]:
    """The normalised forms an identifier may be stored under: what the NLP stage makes of it, then the text as
    written, without a leading @, and lower case (handles and emails are case-insensitive; base58 addresses are
    not, so the exact form always comes first)."""
    from nlp.identifiers import find_identifiers

    text = text.strip()
    forms = list(dict.fromkeys(i.normalized for i in find_identifiers(text))) if text else []
    compact = text.replace(" ", "")
    fingerprint = compact.upper() if len(compact) in (16, 40) and all(c in "0123456789abcdefABCDEF" for c in compact) \
        else ""
    for form in (text, text.lstrip("@"), text.lstrip("@").lower(), fingerprint):
        if form and form not in forms:
            forms.append(form)
    return forms


class RejectionLog:
    """Rejected documents, appended to `<home>/rejected.jsonl` with their reason and the document itself, so they
    can be fixed and sent again."""

    def __init__(self, home: Path) -> None:
        self.path = home / "rejected.jsonl"

    def append(self, rejections: Sequence[Rejection], docs: Mapping[str, object] | None = None) -> None:
        if not rejections:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            for r in rejections:
                record = r.model_dump(mode="json")
                record["at"] = record["at"] or datetime.now(UTC).isoformat()
                if docs is not None and r.id in docs:
                    record["doc"] = docs[r.id]
                f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def read(self) -> list[Rejection]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(Rejection.model_validate_json(line))
            except ValueError:
                continue  # a line cut by a crash mid-write
        return out

    def count(self) -> int:
        return len(self.read())


def open_store(config: StoreConfig | None = None) -> Store:
    """The configured store: the search engine when a URL is set, else the embedded store in `config.home`."""
    config = config or StoreConfig.from_env()
    if config.uses_engine:
        from index.engine import EngineStore

        return EngineStore(config)
    from index.embedded import EmbeddedStore

    return EmbeddedStore(config)
