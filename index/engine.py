"""The search-engine store: Elasticsearch or OpenSearch through their official Python clients.

Only `connect` knows which engine it talks to. Everything else calls methods both clients share with `body=` dicts,
which opensearch-py takes natively and elasticsearch-py 9 still splits into its keyword arguments, and reads
responses as mappings. Writes go through a write-ahead spool (`index.spool`): a batch is on disk before it is sent
and leaves the spool only when the engine has indexed or rejected every document in it.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import ssl
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit, urlunsplit

from index import mappings
from index.schema import (
    DAY,
    SCHEMA_VERSIONS,
    TIME_FIELDS,
    Entity,
    facet_field,
    search_fields,
)
from index.spool import Spool
from index.store import (
    Bucket,
    BulkResult,
    EntityStats,
    Hit,
    Page,
    Query,
    Rejection,
    RejectionLog,
    SchemaConflict,
    Stats,
    Store,
    StoreConfig,
    StoreError,
    parse_text,
    prepare,
)

log = logging.getLogger(__name__)

Key = tuple[Entity, str]


T = TypeVar("T")


class Unreachable(StoreError):
    """No configured URL answered, so the engine could not even be identified."""


class Engine(NamedTuple):
    client: Any
    helpers: ModuleType
    name: str
    errors: tuple[type[Exception], ...]  # what the client raises when a request fails (HTTP error or no answer)


def connect(config: StoreConfig) -> Engine:
    """The official client for the configured (or detected) engine, its `helpers` module and its request errors."""
    name = config.engine or detect(config)
    password = config.password.get_secret_value() if config.password else ""
    tls: dict[str, object] = {"ca_certs": str(config.ca_certs)} if config.ca_certs else {}
    if not config.verify_certs:
        tls["verify_certs"] = False
    if name == "opensearch":
        import opensearchpy
        from opensearchpy import helpers as os_helpers

        auth = {"http_auth": (config.username, password)} if config.username else {}
        client = opensearchpy.OpenSearch(hosts=config.url, timeout=config.timeout, retry_on_timeout=True, **auth,
                                         **tls)
        return Engine(client, os_helpers, name, (opensearchpy.TransportError,))
    import elastic_transport
    import elasticsearch
    from elasticsearch import helpers as es_helpers

    auth = {"api_key": config.api_key.get_secret_value()} if config.api_key else \
        {"basic_auth": (config.username, password)} if config.username else {}
    client = elasticsearch.Elasticsearch(hosts=config.url, request_timeout=config.timeout, retry_on_timeout=True,
                                         **auth, **tls)
    return Engine(client, es_helpers, name, (elasticsearch.ApiError, elastic_transport.TransportError))


def detect(config: StoreConfig) -> str:
    """Ask the server what it is (`GET /`): OpenSearch says so in `version.distribution`."""
    context = ssl.create_default_context(cafile=str(config.ca_certs) if config.ca_certs else None)
    if not config.verify_certs:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    headers = {"Accept": "application/json"}
    if config.api_key:
        headers["Authorization"] = "ApiKey " + config.api_key.get_secret_value()
    elif config.username:
        secret = f"{config.username}:{config.password.get_secret_value() if config.password else ''}"
        headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
    problem: Exception | None = None
    for url in config.url:
        try:
            with opener.open(urllib.request.Request(public_url(url).rstrip("/") + "/", headers=headers),
                             timeout=config.timeout) as response:
                info = json.load(response)
        except (OSError, ValueError) as exc:
            problem = exc
            continue
        return "opensearch" if info.get("version", {}).get("distribution") == "opensearch" else "elasticsearch"
    raise Unreachable(f"no search engine answered at {location(config)}: {problem}")


def public_url(url: str) -> str:
    """The URL without user name and password, fit for logs and stats."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def location(config: StoreConfig) -> str:
    return ", ".join(public_url(u) for u in config.url)


def _body(response: Any) -> Any:
    """elasticsearch-py wraps responses (`.body`); opensearch-py returns them as they are."""
    return getattr(response, "body", response)


def _status(exc: BaseException) -> int | None:
    """The HTTP status of a failed request; None when there was no answer (refused, timed out)."""
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


# Refusals that say the index cannot take writes now (blocked, closed, shards missing), not that a document is bad.
ENGINE_STATE_ERRORS = {"cluster_block_exception", "index_closed_exception", "index_not_found_exception",
                       "unavailable_shards_exception", "es_rejected_execution_exception",
                       "opensearch_rejected_execution_exception"}


def _transient(status: object, error: object = None) -> bool:
    """Worth sending again later: no answer, pushed back, too large for now, the cluster failing or blocked."""
    if isinstance(error, Mapping) and error.get("type") in ENGINE_STATE_ERRORS:
        return True
    return not isinstance(status, int) or status in (408, 413, 429) or status >= 500


def _reason(error: object) -> str:
    if isinstance(error, Mapping):
        reason = f"{error.get('type')}: {error.get('reason')}"
        cause = error.get("caused_by")
        if isinstance(cause, Mapping) and cause.get("reason"):
            reason += f" (caused by {cause.get('type')}: {cause.get('reason')})"
        return reason
    return str(error)


def _answering(method: Callable[..., T]) -> Callable[..., T]:
    """Reads report an engine that is down, or has no narcwatch indices yet, in words (StoreError), never as a
    client traceback."""

    @functools.wraps(method)
    def read(self: EngineStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except self._errors() as exc:
            where = location(self.config)
            if _status(exc) == 404:
                raise StoreError(f"the search engine at {where} has no {self.config.prefix}-* indices yet: run "
                                 "`narcwatch index ensure`, or index a crawl") from exc
            raise StoreError(f"the search engine at {where} did not answer ({type(exc).__name__}: "
                             f"{str(exc)[:200]}); check NARCWATCH_SEARCH_URL and that the engine runs") from exc
    return read


class EngineStore(Store):
    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.spool = Spool(config.home / "spool" / config.prefix)
        self.rejection_log = RejectionLog(config.home)
        self._engine: Engine | None = None
        self._ready: set[Entity] = set()  # entities whose alias was seen, so writes cannot create a dynamic index
        self._fresh: dict[Path, list[tuple[Entity, str, str]]] = {}  # segments written by this process, in memory
        self._failures = 0  # consecutive failed sends
        self._quiet_until = 0.0  # monotonic time before which writes only go to the spool

    # ------------------------------------------------------------------------------------------------ connection

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect(self.config)
        return self._engine

    @property
    def client(self) -> Any:
        return self.engine.client

    def close(self) -> None:
        if self._engine is not None:
            self._engine.client.close()
            self._engine = None

    # ------------------------------------------------------------------------------------------------ schema

    @_answering
    def ensure_schema(self) -> list[str]:
        lines = []
        for entity in Entity:
            line = self._ensure_entity(entity)
            if line:
                lines.append(line)
            self._ready.add(entity)
        return lines

    def _ensure_entity(self, entity: Entity) -> str | None:
        indices = self.client.indices
        alias, version = mappings.alias_name(self.config, entity), SCHEMA_VERSIONS[entity]
        target = mappings.index_name(self.config, entity)
        indices.put_index_template(name=mappings.template_name(self.config, entity),
                                   body=mappings.template(self.config, entity))
        if not indices.exists_alias(name=alias):
            if indices.exists(index=alias):
                raise SchemaConflict(f"{alias!r} is an index, not the alias narcwatch reads and writes through. "
                                     f"Reindex its documents into {target!r} and make {alias!r} an alias of it, "
                                     f"or delete it, or set another NARCWATCH_INDEX_PREFIX")
            if not indices.exists(index=target):
                indices.create(index=target, body=mappings.index_body(self.config, entity))
            indices.update_aliases(body={"actions": [{"add": {"index": target, "alias": alias}}]})
            return f"created {entity.value} v{version}"
        current = list(_body(indices.get_alias(name=alias)))
        if len(current) != 1:
            raise SchemaConflict(f"alias {alias!r} points at {len(current)} indices ({', '.join(sorted(current))}); "
                                 f"narcwatch writes through it, so it must point at one: remove the others")
        old = current[0]
        meta = _body(indices.get_mapping(index=old))[old]["mappings"].get("_meta") or {}
        found = meta.get(mappings.SCHEMA_META)
        if not isinstance(found, int):
            raise SchemaConflict(f"index {old!r} behind alias {alias!r} was not made by narcwatch (its mapping has no "
                                 f"_meta.{mappings.SCHEMA_META}); move the alias away or delete the index")
        if found == version:
            return None
        if found > version:
            raise SchemaConflict(f"{old!r} holds {entity.value} schema v{found}, newer than this narcwatch's "
                                 f"v{version}: upgrade narcwatch")
        return self._upgrade(entity, old, found, target)

    def _upgrade(self, entity: Entity, old: str, found: int, target: str) -> str:
        """Copy into the new versioned index, then move the alias in one atomic step; the old index goes last."""
        indices, alias = self.client.indices, mappings.alias_name(self.config, entity)
        if not indices.exists(index=target):
            indices.create(index=target, body=mappings.index_body(self.config, entity))
        indices.refresh(index=old)  # reindex reads by search: unrefreshed writes would be left behind
        task = _body(self.client.reindex(body={"source": {"index": old}, "dest": {"index": target}},
                                         wait_for_completion=False, refresh=True))["task"]
        while not (status := _body(self.client.tasks.get(task_id=task)))["completed"]:
            time.sleep(0.5)
        report = status.get("response") or {}
        failures = report.get("failures") or ([status["error"]] if status.get("error") else [])
        if failures:
            raise StoreError(f"reindexing {old!r} into {target!r} failed for {len(failures)} document(s), first: "
                             f"{_reason(failures[0].get('cause', failures[0]))}; the alias still points at {old!r}")
        moved = report.get("created", 0) + report.get("updated", 0)
        held = _body(self.client.count(index=old))["count"]
        if _body(self.client.count(index=target))["count"] < held:
            raise StoreError(f"{target!r} holds fewer documents than {old!r} ({held:,}) after reindexing; the alias "
                             f"still points at {old!r}: was something writing during the upgrade? Run it again")
        indices.update_aliases(body={"actions": [{"remove": {"index": old, "alias": alias}},
                                                 {"add": {"index": target, "alias": alias}}]})
        indices.delete(index=old)
        return f"upgraded {entity.value} v{found} → v{SCHEMA_VERSIONS[entity]}, {moved:,} documents reindexed"

    def _ensure_ready(self, entity: Entity) -> None:
        """Never write before the alias exists: the engine would make a dynamic index under the alias's name."""
        if entity not in self._ready:
            if not self.client.indices.exists_alias(name=mappings.alias_name(self.config, entity)):
                self.ensure_schema()
            self._ready.add(entity)

    # ------------------------------------------------------------------------------------------------ writes

    def upsert(self, entity: Entity, docs: Iterable[Mapping[str, object]]) -> BulkResult:
        result = BulkResult()
        batch, refused, originals = [], [], {}
        for doc in docs:
            prepared = prepare(entity, doc, self.config.max_text_chars, self.config.max_doc_bytes)
            if isinstance(prepared, Rejection):
                prepared.at = datetime.now(UTC)
                refused.append(prepared)
                originals[prepared.id] = doc
            else:
                batch.append(prepared)
                result.warnings += prepared.warnings
        self.rejection_log.append(refused, docs=originals)
        result.rejected += refused
        if not batch:
            return result
        segment = self.spool.append(batch)
        self._fresh[segment] = [(p.entity, p.id, p.source) for p in batch]  # spares reading back what was written
        if time.monotonic() < self._quiet_until:
            self.spool.persist(segment)
            result.spooled = len(batch)  # the engine failed moments ago: do not make every batch wait for it
            return result
        sent, waiting = self._drain()
        sent.spooled = waiting.get(segment, 0)
        for left in waiting:
            self.spool.persist(left)
        result += sent
        return result

    def replay(self) -> BulkResult:
        result, waiting = self._drain()
        result.spooled = sum(waiting.values())
        return result

    def _drain(self) -> tuple[BulkResult, dict[Path, int]]:
        """Send the spooled segments oldest first, stopping at the first that cannot be completed so that nothing
        overtakes an older write. Returns what was sent and the documents still waiting, per segment."""
        result = BulkResult()
        segments = self.spool.pending()
        for n, segment in enumerate(segments):
            sent, unhandled = self._send(segment)
            result += sent
            if unhandled:
                self._failures += 1
                pause = min(self.config.max_backoff, self.config.initial_backoff * 2 ** self._failures)
                self._quiet_until = time.monotonic() + pause
                waiting = {segment: unhandled}
                waiting.update((s, len(Spool.read(s))) for s in segments[n + 1:])
                return result, waiting
            self.spool.done(segment)
        self._failures, self._quiet_until = 0, 0.0
        return result, {}

    def _send(self, segment: Path) -> tuple[BulkResult, int]:
        """Send one segment, retrying what the engine could not take yet; returns the result and how many of its
        documents are neither indexed nor rejected."""
        latest: dict[Key, str] = {}
        copies: Counter[Key] = Counter()
        for entity, doc_id, source in self._fresh.pop(segment, None) or Spool.read(segment):
            latest[(entity, doc_id)] = source  # a batch naming an id twice means its last version
            copies[(entity, doc_id)] += 1
        result = BulkResult()
        todo = list(latest)
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                time.sleep(min(self.config.max_backoff, self.config.initial_backoff * 2 ** (attempt - 1)))
            again: list[Key] = []
            for entity in dict.fromkeys(e for e, _ in todo):
                keys = [k for k in todo if k[0] is entity]
                again += self._bulk(entity, keys, latest, copies, result)
            todo = again
            if not todo:
                break
            log.warning("search engine at %s did not take %d document(s) (attempt %d of %d)",
                        location(self.config), len(todo), attempt + 1, self.config.max_retries + 1)
        self.rejection_log.append(result.rejected, docs={r.id: json.loads(latest[(r.entity, r.id)])  # type: ignore
                                                         for r in result.rejected})
        return result, sum(copies[k] for k in todo)

    def _bulk(self, entity: Entity, keys: list[Key], sources: Mapping[Key, str], copies: Counter[Key],
              result: BulkResult) -> list[Key]:
        """One pass of `streaming_bulk` over the keys; returns the keys to try again."""
        alias = mappings.alias_name(self.config, entity)
        actions = ({"_op_type": "index", "_index": alias, "_id": doc_id, "_source": sources[(entity, doc_id)]}
                   for _, doc_id in keys)  # the source is a JSON string: both clients' serializers pass it through
        answered: set[Key] = set()
        again: list[Key] = []
        try:
            engine = self.engine
            self._ensure_ready(entity)
            if self.config.bulk_threads > 1:  # requests in flight while the next chunk is built; no 429 retries
                answers = engine.helpers.parallel_bulk(
                    engine.client, actions, thread_count=self.config.bulk_threads, chunk_size=self.config.chunk_size,
                    raise_on_error=False, raise_on_exception=False, require_alias=True)
            else:
                answers = engine.helpers.streaming_bulk(
                    engine.client, actions, chunk_size=self.config.chunk_size, max_retries=self.config.max_retries,
                    initial_backoff=self.config.initial_backoff, max_backoff=self.config.max_backoff,
                    raise_on_error=False, raise_on_exception=False, yield_ok=True, require_alias=True)
            for ok, item in answers:
                info = next(iter(item.values()))
                key = (entity, info["_id"])
                answered.add(key)
                if ok:
                    result.indexed += copies[key]
                elif _transient(info.get("status"), info.get("error")):
                    again.append(key)
                else:
                    result.rejected.append(Rejection(entity=entity, id=key[1], reason=_reason(info.get("error")),
                                                     at=datetime.now(UTC)))
        except Unreachable as exc:
            log.warning("%s", exc)
        except self._errors() as exc:
            if not _transient(_status(exc)):
                raise StoreError(f"the search engine at {location(self.config)} refused the write ({exc}); the "
                                 f"documents stay in the spool {self.spool.path}") from exc
            log.warning("search engine at %s: %s", location(self.config), exc)
        return again + [k for k in keys if k not in answered]

    @_answering
    def delete(self, entity: Entity, ids: Sequence[str]) -> int:
        """Not spooled: a delete decided on what the store held must not be replayed later over newer data."""
        if not ids:
            return 0
        self._ensure_ready(Entity(entity))
        alias = mappings.alias_name(self.config, entity)
        actions = "".join(json.dumps({"delete": {"_index": alias, "_id": i}}) + "\n" for i in ids)
        items = _body(self.client.bulk(body=actions, refresh="wait_for"))["items"]
        return sum(1 for item in items if item["delete"].get("result") == "deleted")

    # ------------------------------------------------------------------------------------------------ reads

    def get(self, entity: Entity, doc_id: str) -> dict | None:
        found = self.get_many(entity, [doc_id])
        return found[0] if found else None

    @_answering
    def get_many(self, entity: Entity, ids: Sequence[str]) -> list[dict]:
        if not ids:
            return []
        docs = _body(self.client.mget(index=mappings.alias_name(self.config, entity), body={"ids": list(ids)}))
        return [d["_source"] for d in docs["docs"] if d.get("found")]

    @_answering
    def count(self, entity: Entity) -> int:
        return _body(self.client.count(index=mappings.alias_name(self.config, entity)))["count"]

    @_answering
    def refresh(self) -> None:
        self.client.indices.refresh(index=",".join(mappings.alias_name(self.config, e) for e in Entity),
                                    ignore_unavailable=True)

    @_answering
    def search(self, query: Query) -> Page:
        body: dict[str, Any] = {"query": self._dsl(query), "sort": _sort(query), "from": query.offset,
                                "size": query.size, "track_total_hits": True}
        fields = search_fields(query.entity)
        if query.text:
            body["track_scores"] = True
            body["highlight"] = {"pre_tags": ["[["], "post_tags": ["]]"], "fragment_size": 150,
                                 "number_of_fragments": 1, "fields": {f: {} for f in fields}}
        found = _body(self.client.search(index=mappings.alias_name(self.config, query.entity), body=body))["hits"]
        hits = []
        for h in found["hits"]:
            marked = h.get("highlight") or {}
            snippet = next((marked[f][0] for f in fields if marked.get(f)), None)
            score = h.get("_score") if query.text else None
            hits.append(Hit(id=h["_id"], entity=query.entity, score=score, doc=h["_source"], snippet=snippet))
        return Page(total=found["total"]["value"], hits=hits)

    @_answering
    def aggregate(self, query: Query, by: Sequence[str], size: int = 20) -> dict[str, list[Bucket]]:
        aggs: dict[str, dict] = {}
        order = [{"_count": "desc"}, {"_key": "asc"}]
        for facet in by:
            if facet == DAY:
                aggs[facet] = {"date_histogram": {"field": TIME_FIELDS[query.entity], "calendar_interval": "day",
                                                  "format": "yyyy-MM-dd", "min_doc_count": 1, "time_zone": "UTC"}}
                continue
            field = facet_field(query.entity, facet)
            path, _, _ = field.rpartition(".")
            if path:  # count the documents, not the nested objects, per value
                aggs[facet] = {"nested": {"path": path}, "aggs": {"values": {
                    "terms": {"field": field, "size": size, "order": [{"docs": "desc"}, {"_key": "asc"}]},
                    "aggs": {"docs": {"reverse_nested": {}}}}}}
            else:
                aggs[facet] = {"terms": {"field": field, "size": size, "order": order}}
        body = {"query": self._dsl(query), "size": 0, "track_total_hits": False, "aggs": aggs}
        found = _body(self.client.search(index=mappings.alias_name(self.config, query.entity), body=body))
        out: dict[str, list[Bucket]] = {}
        for facet in by:
            agg = found["aggregations"][facet]
            if facet == DAY:
                out[facet] = [Bucket(key=b["key_as_string"], count=b["doc_count"]) for b in agg["buckets"]]
            elif "values" in agg:
                out[facet] = [Bucket(key=str(b["key"]), count=b["docs"]["doc_count"])
                              for b in agg["values"]["buckets"]]
            else:
                out[facet] = [Bucket(key=str(b["key"]), count=b["doc_count"]) for b in agg["buckets"]]
        return out

    def scan(self, query: Query) -> Iterator[dict]:
        body = {"query": self._dsl(query), "sort": [{"id": "asc"}]}
        hits = self.engine.helpers.scan(self.client, query=body, index=mappings.alias_name(self.config, query.entity),
                                        preserve_order=True, size=1000)
        first = self._first(hits)  # a dead engine is a StoreError before anything is yielded, as for other reads
        if first is not None:
            yield first["_source"]
            for hit in hits:
                yield hit["_source"]

    @_answering
    def _first(self, hits: Iterator[dict]) -> dict | None:
        return next(hits, None)

    def _dsl(self, query: Query) -> dict:
        """Filters in filter context (no scoring), the text in `must`/`must_not`."""
        entity = query.entity
        filters: list[dict] = []
        for facet, values in query.filters.items():
            field = facet_field(entity, facet)
            terms = {"terms": {field: [str(v) for v in values]}}
            path, _, _ = field.rpartition(".")
            filters.append({"nested": {"path": path, "query": terms}} if path else terms)
        if query.since or query.until:
            window = {}
            if query.since:
                window["gte"] = _instant(query.since)
            if query.until:
                window["lt"] = _instant(query.until)
            filters.append({"range": {TIME_FIELDS[entity]: window}})
        out: dict[str, Any] = {"filter": filters}
        if query.text:
            text = parse_text(query.text)
            fields = [f"{f}^{b:g}" for f, b in search_fields(entity).items()]
            if not fields and (text.must or text.must_not):
                return {"match_none": {}}
            out["must"] = [{"bool": {"should": [_match(t, fields) for t in group], "minimum_should_match": 1}}
                           for group in text.must]
            out["must_not"] = [_match(t, fields) for t in text.must_not]
        return {"bool": out}

    # ------------------------------------------------------------------------------------------------ stats

    def stats(self) -> Stats:
        batches, docs = self.spool.stats()
        out = Stats(backend=self.config.engine or "elasticsearch", location=location(self.config), entities={},
                    spooled_batches=batches, spooled_docs=docs, rejected=self.rejection_log.count())
        try:
            engine = self.engine
            out.backend = engine.name  # type: ignore[assignment]
            out.server_version = _body(self.client.info())["version"]["number"]
            out.health = _body(self.client.cluster.health())["status"]
        except (Unreachable, *self._errors()) as exc:
            out.health = f"unreachable ({exc})"
            return out
        for entity in Entity:
            alias = mappings.alias_name(self.config, entity)
            if not self.client.indices.exists_alias(name=alias):
                continue
            index = next(iter(_body(self.client.indices.get_alias(name=alias))))
            meta = _body(self.client.indices.get_mapping(index=index))[index]["mappings"].get("_meta") or {}
            size = _body(self.client.indices.stats(index=index, metric="store"))["indices"][index]
            out.entities[entity.value] = EntityStats(
                count=self.count(entity), version=meta.get(mappings.SCHEMA_META, 0), location=index,
                size_bytes=size["total"]["store"]["size_in_bytes"])
        return out

    def _errors(self) -> tuple[type[Exception], ...]:
        return self._engine.errors if self._engine else ()


def _instant(moment: datetime) -> str:
    """Naive times are UTC, as in the documents."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _match(term: str, fields: list[str]) -> dict:
    """A phrase must match in order within one field; a word's tokens (3-MMC is two) must all be in one field."""
    if " " in term:
        return {"multi_match": {"query": term, "fields": fields, "type": "phrase"}}
    return {"multi_match": {"query": term, "fields": fields, "type": "best_fields", "operator": "and"}}


def _sort(query: Query) -> list:
    by_id = {"id": "asc"}
    if query.sort == "relevance" and query.text:
        return [{"_score": "desc"}, by_id]
    if query.sort in ("price", "-price"):
        order = "asc" if query.sort == "price" else "desc"
        return [{"price_amount": {"order": order, "missing": "_last", "unmapped_type": "double"}}, by_id]
    order = "asc" if query.sort == "oldest" else "desc"
    return [{TIME_FIELDS[query.entity]: {"order": order, "missing": "_last"}}, by_id]
