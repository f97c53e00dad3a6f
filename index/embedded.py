"""The zero-setup store: one SQLite file in `config.home` (stdlib sqlite3, FTS5), laid out from `index.schema` so it
answers exactly what the search engine answers.

Layout (no per-entity columns; everything is derived from the schema declarations):
- `docs(rowid, entity, id, body, ts)`: the stored JSON (`Prepared.source`) and the entity's time field
  (`schema.TIME_FIELDS`) as a sortable UTC string, for since/until, newest/oldest and the "day" facet.
- `terms(rowid_ref, field, value)`: one row per distinct value of every keyword field, top level and nested
  (`identifiers.normalized`); clustered by document (cheap replace), indexed by (field, value) for filters and counts.
- `nums(rowid_ref, field, value)`: every long/double value (price sort).
- `fts_<entity>`: one FTS5 table per entity with text, a column per `schema.search_fields` field (its boost is the
  bm25 weight), the language fields of crawled entities sharing one; its rowid is the document's rowid.
- `meta(entity, version)`: the schema version each entity's rows were built under.

A store object holds one connection and must not be shared across threads; several processes may open the same file
(WAL, 30 s busy timeout, writes in `BEGIN IMMEDIATE` transactions).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from index.schema import (
    DAY,
    LANGUAGE_FIELDS,
    SCHEMA_VERSIONS,
    TIME_FIELDS,
    Entity,
    Kind,
    facet_field,
    fields_of,
    search_fields,
    validate,
)
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

APPLICATION_ID = 0x6E617263  # "narc": marks the file as ours (PRAGMA application_id)
LANGUAGE_COLUMN = "text_languages"
PRICE_FIELD = "price_amount"
_INT64 = 2**63
_BATCH = 500  # documents fetched per query by scan and the schema upgrade
_KEYWORD, _NUMBER, _NESTED, _TIME = "keyword", "number", "nested", "time"
_ROLE = {Kind.KEYWORD: _KEYWORD, Kind.LONG: _NUMBER, Kind.DOUBLE: _NUMBER, Kind.NESTED: _NESTED}
_INDEXED = (Kind.KEYWORD, Kind.LONG, Kind.DOUBLE)

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(entity TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS docs(rowid INTEGER PRIMARY KEY, entity TEXT NOT NULL, id TEXT NOT NULL,
                                body TEXT NOT NULL, ts TEXT, UNIQUE(entity, id));
CREATE INDEX IF NOT EXISTS docs_time ON docs(entity, ts, id);
CREATE TABLE IF NOT EXISTS terms(rowid_ref INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
                                 PRIMARY KEY(rowid_ref, field, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_value ON terms(field, value, rowid_ref);
CREATE TABLE IF NOT EXISTS nums(rowid_ref INTEGER NOT NULL, field TEXT NOT NULL, value REAL NOT NULL,
                                PRIMARY KEY(rowid_ref, field, value)) WITHOUT ROWID;
"""


def utc_key(value: object) -> str:
    """A date as a fixed-width, sortable UTC string; naive times are UTC."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat(timespec="microseconds")


def fts_string(term: str) -> str:
    """A word or phrase as an FTS5 string, so user input is never read as FTS5 syntax."""
    return '"' + term.replace('"', '""') + '"'


class _Layout:
    """How one entity's documents become rows: which fields go to terms, nums, the time column and which FTS
    column."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self.spec = fields_of(entity)
        self.time_field = TIME_FIELDS[entity]
        self.fts = f"fts_{entity.value}"
        self.column_of: dict[str, int] = {}
        self.columns: list[str] = []
        self.weights: list[float] = []
        for name, boost in search_fields(entity).items():
            # "vendor.text" is the engine's text subfield of the keyword "vendor"; language fields share one column
            column = LANGUAGE_COLUMN if name in LANGUAGE_FIELDS else name.split(".")[0]
            if column not in self.columns:
                self.columns.append(column)
                self.weights.append(boost)
            self.column_of.setdefault(name.split(".")[0], self.columns.index(column))
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self.create_fts = (f'CREATE VIRTUAL TABLE IF NOT EXISTS "{self.fts}" USING fts5({cols}, '
                           "tokenize = 'unicode61 remove_diacritics 2')") if self.columns else None
        self.insert_fts = (f'INSERT INTO "{self.fts}"(rowid, {cols}) '
                           f"VALUES (?{', ?' * len(self.columns)})") if self.columns else None
        # What each top-level field feeds: (role, FTS column, nested keyword/number children → (path, role)).
        self._roles: dict[str, tuple[str | None, int | None, dict[str, tuple[str, str]]]] = {}
        for name, f in self.spec.items():
            nested = {c.name: (f"{name}.{c.name}", _ROLE[c.kind]) for c in f.fields if c.kind in _INDEXED}
            role = _TIME if f.kind is Kind.DATE and name == self.time_field else _ROLE.get(f.kind)
            self._roles[name] = (role, self.column_of.get(name), nested)
        self.bm25 = f'bm25("{self.fts}", {", ".join(map(repr, self.weights))})' if self.columns else None

    def rows(self, doc: Mapping[str, object]) -> tuple[str | None, set[tuple[str, str]], set[tuple[str, float]],
                                                       list[str] | None]:
        """(time key, terms, nums, FTS column texts) of a validated document; ValueError for a value the store
        cannot hold (a date out of range, an integer beyond 64 bits)."""
        ts: str | None = None
        terms: set[tuple[str, str]] = set()
        nums: set[tuple[str, float]] = set()
        texts: list[list[str]] = [[] for _ in self.columns]
        for key, value in doc.items():
            if value is None:
                continue
            role, col, nested = self._roles[key]
            values = value if type(value) is list else (value,)
            if role is _KEYWORD:
                terms.update([(key, v if type(v) is str else str(v)) for v in values if v is not None])
            elif role is _NESTED:
                for obj in values:
                    if isinstance(obj, Mapping):
                        for ck, cv in obj.items():
                            child = nested.get(ck)
                            if cv is None or child is None:
                                continue
                            path, child_role = child
                            cvalues = cv if type(cv) is list else (cv,)
                            if child_role is _KEYWORD:
                                terms.update([(path, v if type(v) is str else str(v)) for v in cvalues
                                              if v is not None])
                            else:
                                _add_nums(nums, path, cvalues)
            elif role is _NUMBER:
                _add_nums(nums, key, values)
            elif role is _TIME:
                first = next((v for v in values if v is not None), None)
                if first is not None:
                    try:
                        ts = utc_key(first)
                    except (OverflowError, ValueError) as exc:
                        raise ValueError(f"field {key!r}: date {first!r:.40} is out of range ({exc})") from None
            if col is not None:
                texts[col].extend(v if type(v) is str else str(v) for v in values if v is not None)
        return ts, terms, nums, (["\n".join(t) for t in texts] if self.columns else None)


def _add_nums(nums: set[tuple[str, float]], field: str, values: Iterable[object]) -> None:
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float):
            continue
        if isinstance(v, int) and not -_INT64 <= v < _INT64:
            raise ValueError(f"field {field!r}: {v} does not fit a 64-bit integer")
        if math.isfinite(v):
            nums.add((field, float(v)))


class _Matcher:
    """The FROM/WHERE of the documents a query matches, with its parameters, the bm25 score expression (when the
    query has words to match) and the FTS5 expression (for snippets)."""

    def __init__(self, layout: _Layout, query: Query) -> None:
        self.layout = layout
        self.sources = "docs d"
        self.where = ["d.entity = ?"]
        self.params: list[object] = [layout.entity.value]
        self.score: str | None = None
        self.match: str | None = None
        text = parse_text(query.text or "")
        positive = " AND ".join("(" + " OR ".join(map(fts_string, alts)) + ")" for alts in text.must)
        negative = " OR ".join(map(fts_string, text.must_not))
        fts = f'"{layout.fts}"'
        if positive and layout.columns:
            self.match = f"({positive}) NOT ({negative})" if negative else positive
            # CROSS JOIN keeps the FTS5 table the outer loop: the planner would otherwise run the full-text query
            # once per document of the entity.
            self.sources = f"{fts} CROSS JOIN docs d ON d.rowid = {fts}.rowid"
            self.where.append(f"{fts} MATCH ?")
            self.params.append(self.match)
            self.score = f"-{layout.bm25}"
        elif positive:
            self.where.append("0")  # nothing to search in: words cannot match
        elif negative and layout.columns:
            self.where.append(f"d.rowid NOT IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)")
            self.params.append(negative)
        self.has_text = bool(positive or negative)
        for facet, values in query.filters.items():
            field = facet_field(layout.entity, facet)
            marks = ", ".join("?" * len(values))
            self.where.append(f"d.rowid IN (SELECT rowid_ref FROM terms WHERE field = ? AND value IN ({marks}))")
            self.params += [field, *map(str, values)]
        if query.since is not None:
            self.where.append("d.ts >= ?")
            self.params.append(utc_key(query.since))
        if query.until is not None:
            self.where.append("d.ts < ?")
            self.params.append(utc_key(query.until))

    @property
    def sql(self) -> str:
        return f"FROM {self.sources} WHERE {' AND '.join(self.where)}"

    def order(self, sort: str) -> str:
        if sort == "relevance" and self.score:
            return "score DESC, d.id"
        if sort == "relevance" and self.has_text:
            return "d.id"  # only exclusions: every match scores the same
        if sort in ("price", "-price"):
            agg, direction = ("min", "ASC") if sort == "price" else ("max", "DESC")
            price = f"(SELECT {agg}(value) FROM nums WHERE rowid_ref = d.rowid AND field = '{PRICE_FIELD}')"
            return f"{price} IS NULL, {price} {direction}, d.id"
        direction = "ASC" if sort == "oldest" else "DESC"
        return f"d.ts IS NULL, d.ts {direction}, d.id"


class EmbeddedStore(Store):
    """The SQLite store in `config.home / "store.sqlite"`. Not thread-safe: one store object per thread."""

    def __init__(self, config: StoreConfig | None = None) -> None:
        self.config = config or StoreConfig.from_env()
        self.path: Path = self.config.home / "store.sqlite"
        self._layouts = {entity: _Layout(entity) for entity in Entity}
        self._ready = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the embedded store {self.path}: {exc}") from None
        try:
            self._db.execute("PRAGMA busy_timeout = 30000")
            app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if app_id != APPLICATION_ID and (app_id or tables):
                raise SchemaConflict(f"{self.path} is a SQLite database of another program (tables: "
                                     f"{', '.join(sorted(tables)) or 'none'}); move it away or point NARCWATCH_HOME "
                                     "at another folder")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages stay cached during bulk writes
            self._db.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if exc.sqlite_errorname == "SQLITE_NOTADB":
                raise SchemaConflict(f"{self.path} is not a SQLite database ({exc}); it is not a narcwatch store: "
                                     "move it away or point NARCWATCH_HOME at another folder") from None
            raise StoreError(f"cannot open the embedded store {self.path}: {exc}") from None
        except SchemaConflict:
            self._db.close()
            raise

    # ------------------------------------------------------------------------------------------------ schema

    def ensure_schema(self) -> list[str]:
        lines: list[str] = []
        rejected: list[Rejection] = []
        rejected_docs: dict[str, object] = {}
        with self._write():
            for statement in filter(str.strip, _TABLES.split(";")):
                self._db.execute(statement)  # not executescript: it would commit the transaction first
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            stored = dict(self._db.execute("SELECT entity, version FROM meta").fetchall())
            for entity, layout in self._layouts.items():
                version = SCHEMA_VERSIONS[entity]
                old = stored.get(entity.value)
                if old is None:
                    if layout.create_fts:
                        self._db.execute(layout.create_fts)
                    self._db.execute("INSERT INTO meta VALUES (?, ?)", (entity.value, version))
                    lines.append(f"created {entity.value} v{version}")
                elif old != version or not self._fts_current(layout):
                    done, bad, docs = self._reindex(layout)
                    rejected += bad
                    rejected_docs.update(docs)
                    self._db.execute("UPDATE meta SET version = ? WHERE entity = ?", (version, entity.value))
                    what = f"upgraded {entity.value} v{old} → v{version}" if old != version else \
                        f"rebuilt {entity.value} v{version} (its text fields changed)"
                    lines.append(f"{what} ({done} documents re-indexed, {len(bad)} rejected)")
        RejectionLog(self.config.home).append(rejected, docs=rejected_docs)
        self._ready = True
        return lines

    def _fts_current(self, layout: _Layout) -> bool:
        columns = [r[1] for r in self._db.execute(f'PRAGMA table_info("{layout.fts}")')]
        return columns == layout.columns

    def _reindex(self, layout: _Layout) -> tuple[int, list[Rejection], dict[str, object]]:
        """Re-validate every stored document of the entity under the current schema and rebuild its rows; the ones
        that no longer validate are removed and returned as rejections."""
        entity = layout.entity
        self._db.execute(f'DROP TABLE IF EXISTS "{layout.fts}"')
        if layout.create_fts:
            self._db.execute(layout.create_fts)
        owned = "SELECT rowid FROM docs WHERE entity = ?"
        self._db.execute(f"DELETE FROM terms WHERE rowid_ref IN ({owned})", (entity.value,))
        self._db.execute(f"DELETE FROM nums WHERE rowid_ref IN ({owned})", (entity.value,))
        done, bad, bad_docs, last = 0, [], {}, -1
        version = SCHEMA_VERSIONS[entity]
        while batch := self._db.execute("SELECT rowid, id, body FROM docs WHERE entity = ? AND rowid > ? "
                                        "ORDER BY rowid LIMIT ?", (entity.value, last, _BATCH)).fetchall():
            last = batch[-1][0]
            built, gone = [], []
            for rowid, doc_id, body in batch:
                doc = json.loads(body)
                errors = validate(entity, doc)
                if not errors:
                    try:
                        built.append((rowid, layout.rows(doc)))
                        continue
                    except ValueError as exc:
                        errors = [str(exc)]
                gone.append((rowid,))
                bad.append(Rejection(entity=entity, id=doc_id, at=datetime.now(UTC),
                                     reason=f"no longer valid under {entity.value} v{version}: {'; '.join(errors)}"))
                bad_docs[doc_id] = doc
            self._db.executemany("DELETE FROM docs WHERE rowid = ?", gone)
            self._db.executemany("UPDATE docs SET ts = ? WHERE rowid = ?", [(r[0], rowid) for rowid, r in built])
            self._insert_rows(layout, built)
            done += len(built)
        return done, bad, bad_docs

    def _ensure(self) -> None:
        if not self._ready:
            self.ensure_schema()

    # ------------------------------------------------------------------------------------------------ writes

    def _write(self) -> _Transaction:
        return _Transaction(self._db)

    def _insert_rows(self, layout: _Layout, built: Sequence[tuple[int, tuple]]) -> None:
        self._db.executemany("INSERT INTO terms VALUES (?, ?, ?)",
                             [(rowid, f, v) for rowid, r in built for f, v in r[1]])
        self._db.executemany("INSERT INTO nums VALUES (?, ?, ?)",
                             [(rowid, f, v) for rowid, r in built for f, v in r[2]])
        if layout.insert_fts:
            self._db.executemany(layout.insert_fts, [(rowid, *r[3]) for rowid, r in built])

    def upsert(self, entity: Entity, docs: Iterable[Mapping[str, object]]) -> BulkResult:
        entity = Entity(entity)
        self._ensure()
        result = BulkResult()
        chunk: list[Mapping[str, object]] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) >= self.config.chunk_size:
                result += self._upsert_chunk(entity, chunk)
                chunk = []
        if chunk:
            result += self._upsert_chunk(entity, chunk)
        return result

    def _upsert_chunk(self, entity: Entity, docs: Sequence[Mapping[str, object]]) -> BulkResult:
        layout = self._layouts[entity]
        result = BulkResult()
        rejected_docs: dict[str, object] = {}
        ready: dict[str, tuple[str, tuple]] = {}  # id → (source, rows); a later copy of an id replaces an earlier
        for doc in docs:
            prepared = prepare(entity, doc, self.config.max_text_chars, self.config.max_doc_bytes)
            if isinstance(prepared, Rejection):
                result.rejected.append(prepared.model_copy(update={"at": datetime.now(UTC)}))
                if prepared.id is not None:
                    rejected_docs[prepared.id] = doc
                continue
            parsed = json.loads(prepared.source)
            errors = validate(entity, parsed)
            if not errors:
                try:
                    ready[prepared.id] = (prepared.source, layout.rows(parsed))
                except ValueError as exc:
                    errors = [str(exc)]
            if errors:
                result.rejected.append(Rejection(entity=entity, id=prepared.id, reason="; ".join(errors),
                                                 at=datetime.now(UTC)))
                rejected_docs[prepared.id] = parsed
                continue
            result.indexed += 1
            result.warnings += prepared.warnings
        if ready:
            ids = json.dumps(list(ready))
            with self._write():
                existing = dict(self._db.execute(
                    "SELECT id, rowid FROM docs WHERE entity = ? AND id IN (SELECT value FROM json_each(?))",
                    (entity.value, ids)).fetchall())
                if existing:
                    old = json.dumps(list(existing.values()))
                    for table, key in (("terms", "rowid_ref"), ("nums", "rowid_ref"), (f'"{layout.fts}"', "rowid")):
                        if table != f'"{layout.fts}"' or layout.columns:
                            self._db.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))",
                                             (old,))
                next_rowid = self._db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM docs").fetchone()[0]
                built: list[tuple[int, tuple]] = []
                for doc_id, (_, rows) in ready.items():
                    rowid = existing.get(doc_id)
                    if rowid is None:
                        rowid, next_rowid = next_rowid, next_rowid + 1
                    built.append((rowid, rows))
                self._db.executemany("INSERT OR REPLACE INTO docs(rowid, entity, id, body, ts) VALUES (?, ?, ?, ?, ?)",
                                     [(rowid, entity.value, doc_id, source, rows[0])
                                      for (rowid, rows), (doc_id, (source, _)) in zip(built, ready.items(),
                                                                                       strict=True)])
                self._insert_rows(layout, built)
        RejectionLog(self.config.home).append(result.rejected, docs=rejected_docs)
        return result

    def delete(self, entity: Entity, ids: Sequence[str]) -> int:
        entity = Entity(entity)
        self._ensure()
        layout = self._layouts[entity]
        with self._write():
            rowids = [r[0] for r in self._db.execute(
                "SELECT rowid FROM docs WHERE entity = ? AND id IN (SELECT value FROM json_each(?))",
                (entity.value, json.dumps(list(ids))))]
            if rowids:
                old = json.dumps(rowids)
                tables = [("terms", "rowid_ref"), ("nums", "rowid_ref"), ("docs", "rowid")]
                if layout.columns:
                    tables.append((f'"{layout.fts}"', "rowid"))
                for table, key in tables:
                    self._db.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))", (old,))
        return len(rowids)

    # ------------------------------------------------------------------------------------------------ reads

    def get(self, entity: Entity, doc_id: str) -> dict | None:
        self._ensure()
        row = self._db.execute("SELECT body FROM docs WHERE entity = ? AND id = ?",
                               (Entity(entity).value, doc_id)).fetchone()
        return json.loads(row[0]) if row else None

    def get_many(self, entity: Entity, ids: Sequence[str]) -> list[dict]:
        self._ensure()
        found = dict(self._db.execute(
            "SELECT id, body FROM docs WHERE entity = ? AND id IN (SELECT value FROM json_each(?))",
            (Entity(entity).value, json.dumps(list(ids)))).fetchall())
        return [json.loads(found[i]) for i in ids if i in found]

    def _bodies(self, rowids: Sequence[int]) -> dict[int, str]:
        return dict(self._db.execute("SELECT rowid, body FROM docs WHERE rowid IN (SELECT value FROM json_each(?))",
                                     (json.dumps(list(rowids)),)).fetchall())

    def search(self, query: Query) -> Page:
        self._ensure()
        m = _Matcher(self._layouts[query.entity], query)
        with _Snapshot(self._db):
            total = self._db.execute(f"SELECT count(*) {m.sql}", m.params).fetchone()[0]
            if not query.size or query.offset >= total:
                return Page(total=total, hits=[])
            score = m.score or "NULL"
            page = self._db.execute(f"SELECT d.rowid, d.id, {score} AS score {m.sql} ORDER BY {m.order(query.sort)} "
                                    "LIMIT ? OFFSET ?", [*m.params, query.size, query.offset]).fetchall()
            bodies = self._bodies([r[0] for r in page])
            snippets: dict[int, str] = {}
            if m.match:
                fts = f'"{m.layout.fts}"'
                snippets = dict(self._db.execute(
                    f"SELECT rowid, snippet({fts}, -1, '[[', ']]', '…', 16) FROM {fts} WHERE {fts} MATCH ? "
                    "AND rowid IN (SELECT value FROM json_each(?))", (m.match, json.dumps([r[0] for r in page]))))
        hits = [Hit(id=doc_id, entity=query.entity, doc=json.loads(bodies[rowid]),
                    score=score if m.score else (0.0 if m.has_text else None), snippet=snippets.get(rowid))
                for rowid, doc_id, score in page]
        return Page(total=total, hits=hits)

    def aggregate(self, query: Query, by: Sequence[str], size: int = 20) -> dict[str, list[Bucket]]:
        self._ensure()
        m = _Matcher(self._layouts[query.entity], query)
        out: dict[str, list[Bucket]] = {}
        with _Snapshot(self._db):
            for facet in by:
                if facet == DAY:
                    rows = self._db.execute(f"SELECT substr(d.ts, 1, 10) AS k, count(*) {m.sql} AND d.ts IS NOT NULL "
                                            "GROUP BY k ORDER BY k", m.params).fetchall()
                else:
                    field = facet_field(query.entity, facet)
                    rows = self._db.execute(
                        f"SELECT value, count(*) AS n FROM terms WHERE field = ? AND rowid_ref IN "
                        f"(SELECT d.rowid {m.sql}) GROUP BY value ORDER BY n DESC, value LIMIT ?",
                        [field, *m.params, size]).fetchall()
                out[facet] = [Bucket(key=k, count=n) for k, n in rows]
        return out

    def scan(self, query: Query) -> Iterator[dict]:
        self._ensure()
        m = _Matcher(self._layouts[query.entity], query)
        rowids = [r[0] for r in self._db.execute(f"SELECT d.rowid {m.sql} ORDER BY d.id", m.params)]
        for start in range(0, len(rowids), _BATCH):
            batch = rowids[start:start + _BATCH]
            bodies = self._bodies(batch)
            yield from (json.loads(bodies[r]) for r in batch if r in bodies)

    def count(self, entity: Entity) -> int:
        self._ensure()
        return self._db.execute("SELECT count(*) FROM docs WHERE entity = ?", (Entity(entity).value,)).fetchone()[0]

    def stats(self) -> Stats:
        self._ensure()
        versions = dict(self._db.execute("SELECT entity, version FROM meta").fetchall())
        counts = dict(self._db.execute("SELECT entity, count(*) FROM docs GROUP BY entity").fetchall())
        page_size, pages, free = (self._db.execute(f"PRAGMA {p}").fetchone()[0]
                                  for p in ("page_size", "page_count", "freelist_count"))
        used, total = (pages - free) * page_size, sum(counts.values())
        entities = {e.value: EntityStats(count=counts.get(e.value, 0), version=versions.get(e.value, 0),
                                         location=f"{self.path.name}:{e.value}",
                                         size_bytes=used * counts.get(e.value, 0) // total if total else 0)
                    for e in Entity}
        return Stats(backend="embedded", location=str(self.path), server_version=sqlite3.sqlite_version,
                     health="green", entities=entities, rejected=RejectionLog(self.config.home).count())

    def refresh(self) -> None:
        """Every write is committed when upsert returns, so it is already searchable."""

    def close(self) -> None:
        self._db.close()


class _Transaction:
    """A write transaction taken up front (BEGIN IMMEDIATE), so concurrent writers wait on the busy timeout instead
    of failing to upgrade a read lock. SQLite's own failures (locked past the timeout, disk full) become StoreError."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the embedded store cannot be written: {exc}") from exc

    def __exit__(self, exc_type: object, exc: BaseException | None, _: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
            return
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise StoreError(f"the embedded store cannot be written: {exc}") from exc


class _Snapshot:
    """A read transaction: the total and the page of a search see the same committed state."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, *_: object) -> None:
        self.db.execute("COMMIT")
