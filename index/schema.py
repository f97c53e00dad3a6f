"""The store's schema, declared once: every entity's fields and types. The search engine's index templates and the
embedded store's tables, validation and filters are all generated from these declarations, so the two backends
cannot drift apart.

A schema change is a version bump of the entity: the engine backend creates a new versioned index, reindexes into
it and swaps the entity's alias; the embedded store re-validates stored documents under the new version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache


class Entity(StrEnum):
    LISTING = "listing"
    POST = "post"
    VENDOR = "vendor"
    IDENTIFIER = "identifier"  # one sighting: an identifier seen in one item
    EVIDENCE = "evidence"  # one WARC record kept as evidence
    RESOURCE = "resource"  # a site, channel, listing, vendor account or wallet under a case
    RUN = "run"  # one crawl run with its statistics
    ACTOR = "actor"  # accounts linked across sites by shared identifiers (index/linking.py)


class Kind(StrEnum):
    KEYWORD = "keyword"  # exact value: filters, aggregations, identifiers
    TEXT = "text"  # analysed full text
    DATE = "date"  # ISO 8601, with an offset (naive means UTC)
    LONG = "long"
    DOUBLE = "double"
    BOOLEAN = "boolean"
    NESTED = "nested"  # list of objects queried as units (an identifier's type AND value)
    STORED = "stored"  # kept in the document, not searchable (raw NLP spans, statistics)


@dataclass(frozen=True, eq=False)  # identity hash: declarations are memo keys, hashed per document
class Field:
    name: str
    kind: Kind
    multi: bool = False  # a list of values is allowed (keyword, text, nested are lists by nature of JSON)
    subfield: bool = False  # keyword with a `.text` full-text subfield, or text with a `.raw` keyword subfield
    fields: tuple[Field, ...] = ()  # the properties of a NESTED field

    def child(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


# Detected language (nlp `language`) → the engine's built-in analyser. Ukrainian and Polish have no built-in
# analyser without plugins, so they get the folded analyser (lower case, diacritics folded).
LANGUAGE_ANALYZERS = {"en": "english", "ru": "russian", "de": "german", "es": "spanish", "fr": "french",
                      "pt": "portuguese", "nl": "dutch", "it": "italian", "uk": "narcwatch_folded",
                      "pl": "narcwatch_folded"}
LANGUAGE_FIELDS = tuple(f"text_{code}" for code in LANGUAGE_ANALYZERS)


def _kw(name: str, multi: bool = False, subfield: bool = False) -> Field:
    return Field(name, Kind.KEYWORD, multi=multi, subfield=subfield)


def _text(name: str, multi: bool = False, subfield: bool = False) -> Field:
    return Field(name, Kind.TEXT, multi=multi, subfield=subfield)


EVIDENCE_REF = Field("evidence", Kind.NESTED, fields=(
    _kw("url"), _kw("warc_file"), _kw("record_id"), Field("offset", Kind.LONG), Field("length", Kind.LONG),
    _kw("payload_sha256"), _kw("block_sha256"), Field("status", Kind.LONG), Field("fetched_at", Kind.DATE),
    Field("rendered", Kind.BOOLEAN), _kw("screenshot_record_id"), _kw("screenshot_sha256")))

# What every crawled item (listing, post, vendor) carries: provenance, then what the NLP stage understood.
CRAWLED = (
    _kw("id"), _kw("kind"), _kw("site"), _kw("host"), _kw("url"), Field("seen_at", Kind.DATE), _kw("run_id"),
    EVIDENCE_REF, _kw("evidence_ids", multi=True), _text("parse_warnings", multi=True),
    _text("index_warnings", multi=True),
    _kw("language"), _kw("category"), Field("category_score", Kind.DOUBLE), Field("scores", Kind.STORED),
    Field("substances", Kind.NESTED, fields=(
        _kw("name"), _kw("class"), _kw("cas"), _kw("precursor_table"), _kw("text"))),
    _kw("substance_names", multi=True), _kw("substance_classes", multi=True), _kw("precursor_tables", multi=True),
    Field("identifiers", Kind.NESTED, fields=(
        _kw("type"), _kw("value"), _kw("normalized"), _kw("currency"), _kw("kind"))),
    _kw("identifier_values", multi=True), _kw("identifier_types", multi=True), _kw("currencies", multi=True),
    _kw("pgp_fingerprints", multi=True), Field("pgp_keys", Kind.STORED),
    Field("quantities", Kind.STORED), Field("prices", Kind.STORED),
    *(_text(name) for name in LANGUAGE_FIELDS),
)

ENTITY_FIELDS: dict[Entity, tuple[Field, ...]] = {
    Entity.LISTING: (*CRAWLED,
                     _text("title", subfield=True), _text("description"), _kw("price_text"),
                     Field("price_amount", Kind.DOUBLE), _kw("price_currency"), _kw("vendor", subfield=True),
                     _kw("vendor_url"), _kw("ships_from", subfield=True), _kw("ships_to", subfield=True),
                     _kw("country"), _kw("site_category", subfield=True), _kw("change"),
                     _kw("changed_fields", multi=True)),
    Entity.POST: (*CRAWLED,
                  _kw("channel"), _kw("thread"), _text("title", subfield=True), _kw("author", subfield=True),
                  _kw("author_url"), Field("posted_at", Kind.DATE), Field("views", Kind.LONG),
                  _kw("forwarded_from"), _text("text"), _kw("links", multi=True)),
    Entity.VENDOR: (*CRAWLED,
                    _kw("name", subfield=True), Field("pgp_key", Kind.STORED), _text("feedback"),
                    _text("contacts", multi=True), _text("profile_text")),
    Entity.IDENTIFIER: (_kw("id"), _kw("key"), _kw("type"), _kw("value"), _kw("normalized"), _kw("currency"),
                        _kw("kind"), _kw("item_id"), _kw("item_kind"), _kw("site"), _kw("url"),
                        _kw("vendor", subfield=True), Field("seen_at", Kind.DATE), _kw("run_id"),
                        _text("context")),
    Entity.EVIDENCE: (_kw("id"), _kw("url"), _kw("host"), _kw("site"), _kw("item_ids", multi=True),
                      _kw("warc_file"), Field("offset", Kind.LONG), Field("length", Kind.LONG),
                      _kw("payload_sha256"), _kw("block_sha256"), Field("status", Kind.LONG),
                      Field("fetched_at", Kind.DATE), Field("rendered", Kind.BOOLEAN),
                      _kw("screenshot_record_id"), _kw("screenshot_sha256"), _kw("run_id")),
    Entity.RESOURCE: (_kw("id"), _kw("kind"), _kw("ref"), _text("title", subfield=True), _kw("site"), _kw("case"),
                      _kw("state"), _kw("owner"), _text("notes", multi=True), Field("created_at", Kind.DATE),
                      Field("updated_at", Kind.DATE), _kw("urls", multi=True), _kw("item_ids", multi=True),
                      Field("history", Kind.STORED), Field("checks", Kind.STORED), _kw("flags", multi=True)),
    Entity.RUN: (_kw("id"), _kw("status"), _kw("sources", multi=True), Field("started_at", Kind.DATE),
                 Field("finished_at", Kind.DATE), Field("items", Kind.LONG), Field("stats", Kind.STORED),
                 _text("errors", multi=True)),
    Entity.ACTOR: (_kw("id"), Field("members", Kind.NESTED, fields=(_kw("site"), _kw("name"), _kw("key"))),
                   _kw("member_keys", multi=True), _kw("sites", multi=True), _kw("identifier_values", multi=True),
                   _kw("identifier_types", multi=True),
                   Field("links", Kind.NESTED, fields=(_kw("a"), _kw("b"), _kw("type"), _kw("value"),
                                                       _kw("evidence_a", multi=True), _kw("evidence_b", multi=True))),
                   Field("link_count", Kind.LONG), _kw("weak_names", multi=True),
                   Field("weak", Kind.NESTED, fields=(_kw("a"), _kw("b"), _kw("type"), _kw("value"))),
                   Field("first_seen", Kind.DATE), Field("last_seen", Kind.DATE)),
}

# Bump an entity's version whenever its fields change: the backends migrate to it on `ensure_schema`.
# Resource 2: case, urls, checks, flags.
SCHEMA_VERSIONS: dict[Entity, int] = {**{entity: 1 for entity in Entity}, Entity.RESOURCE: 2}

# The time an entity is filtered (--since/--until) and sorted (newest/oldest) by.
TIME_FIELDS: dict[Entity, str] = {Entity.LISTING: "seen_at", Entity.POST: "seen_at", Entity.VENDOR: "seen_at",
                                  Entity.IDENTIFIER: "seen_at", Entity.EVIDENCE: "fetched_at",
                                  Entity.RESOURCE: "updated_at", Entity.RUN: "started_at", Entity.ACTOR: "last_seen"}

# The fields full-text search reads, per entity, with their boosts; language fields are added to every crawled one.
TEXT_FIELDS: dict[Entity, dict[str, float]] = {
    Entity.LISTING: {"title": 2.0, "description": 1.0, "vendor.text": 1.0, "site_category.text": 1.0},
    Entity.POST: {"title": 2.0, "text": 1.0, "author.text": 1.0},
    Entity.VENDOR: {"name.text": 2.0, "profile_text": 1.0, "feedback": 1.0, "contacts": 1.0},
    Entity.IDENTIFIER: {"context": 1.0, "vendor.text": 1.0},
    Entity.EVIDENCE: {},
    Entity.RESOURCE: {"title": 2.0, "notes": 1.0},
    Entity.RUN: {"errors": 1.0},
    Entity.ACTOR: {},
}
CRAWLED_ENTITIES = (Entity.LISTING, Entity.POST, Entity.VENDOR)

# Analyst-facing filter and aggregation names → the keyword field they read ("day" is a histogram of the time field).
FACETS: dict[str, str] = {"site": "site", "class": "category", "category": "category",
                          "substance": "substance_names", "substance_class": "substance_classes",
                          "precursor_table": "precursor_tables", "currency": "currencies", "country": "country",
                          "language": "language", "vendor": "vendor", "identifier": "identifier_values",
                          "identifier_type": "identifier_types", "type": "type", "kind": "kind", "state": "state",
                          "item": "item_id", "case": "case", "pgp": "pgp_fingerprints", "run": "run_id", "host": "host"}
DAY = "day"

# Text longer than this is cut for indexing (the full text stays in the evidence) and the cut is recorded.
MAX_TEXT_CHARS = 1_000_000
# A whole document larger than this, once serialised, is rejected and recorded rather than sent.
MAX_DOC_BYTES = 16 * 1024 * 1024
MAX_ID_BYTES = 512  # the engines' limit on a document id
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def fields_of(entity: Entity) -> dict[str, Field]:
    return _by_name(ENTITY_FIELDS[entity])


def text_fields_of(entity: Entity) -> frozenset[str]:
    """The entity's TEXT fields: what is cut to the text limit before indexing."""
    return _text_names(ENTITY_FIELDS[entity])


def search_fields(entity: Entity) -> dict[str, float]:
    """What full-text search reads, with boosts: TEXT_FIELDS, and for crawled entities every language field."""
    fields = dict(TEXT_FIELDS[entity])
    if entity in CRAWLED_ENTITIES:
        fields.update(dict.fromkeys(LANGUAGE_FIELDS, 1.0))
    return fields


@cache
def _by_name(fields: tuple[Field, ...]) -> dict[str, Field]:
    """Memoised on the declaration itself, so a schema swapped in (a migration, a test) is never served stale."""
    return {f.name: f for f in fields}


@cache
def _text_names(fields: tuple[Field, ...]) -> frozenset[str]:
    return frozenset(f.name for f in fields if f.kind is Kind.TEXT)


def keyword_fields(entity: Entity) -> set[str]:
    """Fields that can be filtered and aggregated on: keywords at the top level and inside nested objects
    (`identifiers.normalized`)."""
    out: set[str] = set()
    for f in ENTITY_FIELDS[entity]:
        if f.kind is Kind.KEYWORD:
            out.add(f.name)
        elif f.kind is Kind.NESTED:
            out.update(f"{f.name}.{c.name}" for c in f.fields if c.kind is Kind.KEYWORD)
    return out


def facet_field(entity: Entity, facet: str) -> str:
    """The keyword field behind an analyst's filter name, checked against the entity's schema."""
    name = FACETS.get(facet, facet)
    if name not in keyword_fields(entity):
        known = sorted(k for k, v in FACETS.items() if v in keyword_fields(entity))
        raise ValueError(f"{entity.value}s cannot be filtered or counted by {facet!r}; "
                         f"try one of: {', '.join(known + [DAY])}")
    return name


def validate(entity: Entity, doc: Mapping[str, object]) -> list[str]:
    """Type errors and unknown fields, as the engine's strict mapping would report them. Both backends reject a
    document with errors; the engine by its mapping, the embedded store by this check."""
    errors: list[str] = []
    _check(fields_of(entity), doc, "", errors)
    return errors


def _check(spec: Mapping[str, Field], doc: Mapping[str, object], prefix: str, errors: list[str]) -> None:
    for key, value in doc.items():
        f = spec.get(key)
        path = prefix + key
        if f is None:
            errors.append(f"unknown field {path!r}: the schema has no such field (dynamic fields are refused)")
            continue
        if value is None or f.kind is Kind.STORED:
            continue
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and f.kind not in (Kind.NESTED,) and not f.multi and len(value) > 1:
            # The engines accept arrays for any field; the store's schema says which hold one value.
            errors.append(f"field {path!r} holds one value, got a list of {len(value)}")
            continue
        for v in values:
            if v is None:
                continue
            problem = _type_problem(f, v)
            if problem:
                errors.append(f"field {path!r}: {problem}")
                break
            if f.kind is Kind.NESTED:
                _check({c.name: c for c in f.fields}, v, path + ".", errors)  # type: ignore[arg-type]


def _type_problem(f: Field, v: object) -> str | None:
    kind = f.kind
    if kind in (Kind.KEYWORD, Kind.TEXT):
        return None if isinstance(v, str) or (isinstance(v, int | float) and not isinstance(v, bool)) else \
            f"expected text, got {type(v).__name__}"
    if kind is Kind.LONG:
        return None if isinstance(v, int) and not isinstance(v, bool) else f"expected an integer, got {v!r:.40}"
    if kind is Kind.DOUBLE:
        return None if isinstance(v, int | float) and not isinstance(v, bool) else f"expected a number, got {v!r:.40}"
    if kind is Kind.BOOLEAN:
        return None if isinstance(v, bool) else f"expected true or false, got {v!r:.40}"
    if kind is Kind.DATE:
        if isinstance(v, str):
            # The engines' strict_date_optional_time: a calendar date, then optionally "T" and a time.
            if not _ISO_DATE.match(v):
                return f"expected an ISO 8601 date such as 2026-11-27T08:30:00+00:00, got {v!r:.40}"
            try:
                datetime.fromisoformat(v)
            except ValueError:
                return f"expected an ISO 8601 date such as 2026-11-27T08:30:00+00:00, got {v!r:.40}"
            return None
        return f"expected a date, got {type(v).__name__}"
    if kind is Kind.NESTED:
        return None if isinstance(v, Mapping) else f"expected an object, got {type(v).__name__}"
    return None
