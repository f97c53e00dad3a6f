"""Index settings, mappings and templates for the search engine, generated from `index.schema` alone so the engine
and the embedded store read the same declarations. Elasticsearch and OpenSearch accept the same bodies."""

from __future__ import annotations

from index.schema import LANGUAGE_ANALYZERS, SCHEMA_VERSIONS, Entity, Field, Kind, fields_of
from index.store import StoreConfig

FOLDED = "narcwatch_folded"
SCHEMA_META = "narcwatch_schema"  # `_meta` key holding the entity's schema version; its absence means "not ours"


def alias_name(config: StoreConfig, entity: Entity) -> str:
    """The name every read and write uses; it points at the current versioned index."""
    return f"{config.prefix}-{entity.value}"


def index_name(config: StoreConfig, entity: Entity, version: int | None = None) -> str:
    return f"{config.prefix}-{entity.value}-v{SCHEMA_VERSIONS[entity] if version is None else version}"


def template_name(config: StoreConfig, entity: Entity) -> str:
    return f"{config.prefix}-{entity.value}"


def settings(config: StoreConfig) -> dict:
    index: dict = {"number_of_shards": config.shards}
    if config.replicas is not None:
        index["number_of_replicas"] = config.replicas
    folded = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}
    # Folding by default, so "cocaina" finds "cocaína" in any text field, as in the embedded store.
    return {"index": index, "analysis": {"analyzer": {FOLDED: folded, "default": folded}}}


def mappings(entity: Entity) -> dict:
    """`dynamic: strict` makes the engine refuse unknown fields, as the embedded store's validation does."""
    return {"dynamic": "strict", "_meta": {SCHEMA_META: SCHEMA_VERSIONS[entity]},
            "properties": {name: _property(f) for name, f in fields_of(entity).items()}}


def _property(f: Field) -> dict:
    match f.kind:
        case Kind.KEYWORD:
            out: dict = {"type": "keyword", "ignore_above": 1024}
            if f.subfield:
                out["fields"] = {"text": {"type": "text"}}
            return out
        case Kind.TEXT:
            out = {"type": "text"}
            if f.name.startswith("text_") and f.name[5:] in LANGUAGE_ANALYZERS:
                out["analyzer"] = LANGUAGE_ANALYZERS[f.name[5:]]
            if f.subfield:
                out["fields"] = {"raw": {"type": "keyword", "ignore_above": 512}}
            return out
        case Kind.DATE:
            return {"type": "date", "format": "strict_date_optional_time"}  # no epoch numbers: ISO 8601 only
        case Kind.LONG | Kind.DOUBLE:
            return {"type": f.kind.value, "coerce": False}  # "12" is refused, as schema.validate() refuses it
        case Kind.BOOLEAN:
            return {"type": "boolean"}
        case Kind.NESTED:
            return {"type": "nested", "properties": {c.name: _property(c) for c in f.fields}}
        case Kind.STORED:
            return {"type": "object", "enabled": False}
    raise ValueError(f"no mapping for {f.kind}")


def index_body(config: StoreConfig, entity: Entity) -> dict:
    return {"settings": settings(config), "mappings": mappings(entity)}


def template(config: StoreConfig, entity: Entity) -> dict:
    """A composable template, so an index the engine creates under the versioned name (a restore, a reindex by
    hand) still gets the strict mapping."""
    version = SCHEMA_VERSIONS[entity]
    return {"index_patterns": [f"{config.prefix}-{entity.value}-v*"], "version": version, "priority": 100,
            "template": index_body(config, entity), "_meta": {SCHEMA_META: version}}
