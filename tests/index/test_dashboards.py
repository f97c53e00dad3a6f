"""The analyst material outside the code: Kibana / OpenSearch Dashboards saved objects and the Dev Tools queries in
docs/queries.md. No Kibana or Dashboards server runs here, so the saved objects are checked for what an import
needs (structure, references, panels) and for fields the schema really has; the queries are also run on a real
OpenSearch node, because a field name that exists can still be used in a way the engine refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from opensearchpy import OpenSearch

from index.dashboards import generate
from index.schema import ENTITY_FIELDS, TIME_FIELDS, Entity, Field, Kind
from index.store import StoreConfig, open_store
from index.testnode import SearchCluster
from tests.index.docs import corpus

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / "index" / "dashboards"
FILES = [DASHBOARDS / "kibana.ndjson", DASHBOARDS / "opensearch-dashboards.ndjson"]
QUERIES = ROOT / "docs" / "queries.md"
PREFIX = "narcwatch"  # the default prefix, which the shipped files use

DATA_VIEW_ENTITIES = (Entity.LISTING, Entity.POST, Entity.VENDOR, Entity.IDENTIFIER)
ES_TYPES = {Kind.KEYWORD: "keyword", Kind.TEXT: "text", Kind.DATE: "date", Kind.LONG: "long", Kind.DOUBLE: "double",
            Kind.BOOLEAN: "boolean"}


# ---------------------------------------------------------------------------------------------------- schema names


def _names(f: Field, prefix: str = "") -> dict[str, str]:
    """Queryable names of one declared field → the engine type behind each (subfields and nested paths included)."""
    name = prefix + f.name
    if f.kind is Kind.STORED:
        return {}  # kept in _source only (`enabled: false`): nothing to query, aggregate or show as a field
    if f.kind is Kind.NESTED:
        out = {name: "nested"}
        for child in f.fields:
            out |= _names(child, name + ".")
        return out
    out = {name: ES_TYPES[f.kind]}
    if f.subfield and f.kind is Kind.KEYWORD:
        out[name + ".text"] = "text"
    elif f.subfield and f.kind is Kind.TEXT:
        out[name + ".raw"] = "keyword"
    return out


def queryable(entity: Entity) -> dict[str, str]:
    return {k: v for f in ENTITY_FIELDS[entity] for k, v in _names(f).items()}


def source_fields(entity: Entity) -> set[str]:
    """What `_source` filtering may name: every declared field, stored-only ones too, and nested properties."""
    out = set(queryable(entity))
    out |= {f.name for f in ENTITY_FIELDS[entity]}
    return out


def alias_entity(name: str) -> Entity:
    """The entity behind an alias of the default prefix; anything else (a versioned index, a pattern) is refused."""
    entity = name.removeprefix(f"{PREFIX}-")
    assert name.startswith(f"{PREFIX}-") and entity in {e.value for e in Entity}, f"{name!r} is not an alias"
    return Entity(entity)


# ---------------------------------------------------------------------------------------------------- saved objects


def load(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, f"{path.name} is empty"
    objects = []
    for n, line in enumerate(lines, start=1):
        assert line.strip(), f"{path.name}:{n}: blank line (NDJSON import stops there)"
        objects.append(json.loads(line))
    return objects


@pytest.fixture(params=FILES, ids=lambda p: p.stem)
def saved(request: pytest.FixtureRequest) -> list[dict]:
    return load(request.param)


def by_id(objects: list[dict]) -> dict[tuple[str, str], dict]:
    return {(o["type"], o["id"]): o for o in objects}


def data_view_entity(objects: list[dict], obj: dict) -> Entity:
    """The entity of the data view a visualization or saved search reads, through its index reference."""
    meta = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    ref = next(r for r in obj["references"] if r["name"] == meta["indexRefName"])
    assert ref["type"] == "index-pattern"
    return alias_entity(by_id(objects)[("index-pattern", ref["id"])]["attributes"]["title"])


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_KQL_NESTED = re.compile(r"([A-Za-z_][\w.]*)\s*:\s*\{([^{}]*)\}")
_KQL_FIELD = re.compile(r"([A-Za-z_][\w.]*)\s*:")


def kql_fields(query: str) -> set[str]:
    """Field names of a KQL/DQL query, nested groups (`identifiers : { type : x }`) as full paths."""
    query = _QUOTED.sub('""', query)
    out: set[str] = set()
    for m in _KQL_NESTED.finditer(query):
        out |= {m[1]} | {f"{m[1]}.{f}" for f in _KQL_FIELD.findall(m[2])}
    return out | set(_KQL_FIELD.findall(_KQL_NESTED.sub("", query)))


def test_every_line_is_a_saved_object_with_a_unique_id(saved: list[dict]) -> None:
    for obj in saved:
        assert {"id", "type", "attributes"} <= obj.keys(), obj.get("id")
        assert obj["type"] in {"index-pattern", "visualization", "search", "dashboard"}, obj["type"]
        assert isinstance(obj["attributes"].get("title"), str) and obj["attributes"]["title"]
        assert isinstance(obj.get("migrationVersion", {}).get(obj["type"]), str), "import would re-run all migrations"
    assert len(by_id(saved)) == len(saved), "duplicate ids"
    assert {o["type"] for o in saved} == {"index-pattern", "visualization", "search", "dashboard"}


def test_data_views_are_the_aliases_with_their_time_field_and_schema_fields(saved: list[dict]) -> None:
    views = [o for o in saved if o["type"] == "index-pattern"]
    assert sorted(v["attributes"]["title"] for v in views) == sorted(f"{PREFIX}-{e.value}" for e in DATA_VIEW_ENTITIES)
    for view in views:
        entity = alias_entity(view["attributes"]["title"])
        assert view["id"] == f"{PREFIX}-{entity.value}", "stable ids make a second import replace, not duplicate"
        assert view["attributes"]["timeFieldName"] == TIME_FIELDS[entity]
        known = queryable(entity)
        specs = json.loads(view["attributes"]["fields"])
        for spec in specs:
            assert spec["name"] in known, f"{entity.value} has no field {spec['name']!r}"
            assert spec["esTypes"] == [known[spec["name"]]], spec["name"]
            assert spec["aggregatable"] == (known[spec["name"]] != "text"), spec["name"]
            nested = spec.get("subType", {}).get("nested", {}).get("path")
            assert nested is None or known.get(nested) == "nested", spec["name"]
        assert TIME_FIELDS[entity] in {s["name"] for s in specs}


def test_references_resolve_within_the_file(saved: list[dict]) -> None:
    objects = by_id(saved)
    for obj in saved:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in objects, f"{obj['id']} refers to missing {ref['type']} {ref['id']}"
        meta = obj["attributes"].get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        if meta is not None and "indexRefName" in json.loads(meta):
            assert json.loads(meta)["indexRefName"] in {r["name"] for r in obj["references"]}, obj["id"]


def test_visualizations_and_searches_use_fields_of_their_data_view(saved: list[dict]) -> None:
    for obj in saved:
        if obj["type"] not in ("visualization", "search"):
            continue
        entity = data_view_entity(saved, obj)
        known = queryable(entity)
        names = kql_fields(json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"])
        if obj["type"] == "visualization":
            vis = json.loads(obj["attributes"]["visState"])
            assert vis["title"] == obj["attributes"]["title"]
            assert vis["aggs"] and all(a["schema"] in {"metric", "segment", "group", "bucket", "split"}
                                       for a in vis["aggs"])
            fields = [a["params"]["field"] for a in vis["aggs"] if "field" in a["params"]]
            assert all(known.get(f) not in ("text", "nested", None) for f in fields), fields  # aggregatable only
            names |= set(fields)
        else:
            names |= set(obj["attributes"]["columns"]) | {field for field, _ in obj["attributes"]["sort"]}
        unknown = names - known.keys()
        assert not unknown, f"{obj['id']}: {entity.value} has no field {sorted(unknown)}"


def test_dashboard_panels_resolve_to_references(saved: list[dict]) -> None:
    dashboards = [o for o in saved if o["type"] == "dashboard"]
    assert dashboards
    for dash in dashboards:
        refs = {r["name"]: r for r in dash["references"]}
        panels = json.loads(dash["attributes"]["panelsJSON"])
        assert panels and len({p["panelIndex"] for p in panels}) == len(panels)
        for panel in panels:
            # Kibana 8 exports prefix the reference name with the panel index ("3:panel_3"); OSD does not.
            ref = refs.get(f"{panel['panelIndex']}:{panel['panelRefName']}") or refs.get(panel["panelRefName"])
            assert ref is not None, f"panel {panel['panelIndex']} refers to missing {panel['panelRefName']!r}"
            assert ref["type"] in ("visualization", "search")
            grid = panel["gridData"]
            assert grid["i"] == panel["panelIndex"] and grid["x"] >= 0 and grid["x"] + grid["w"] <= 48
        assert len(refs) == len(panels), "every reference is a panel"
        json.loads(dash["attributes"]["optionsJSON"])


def test_both_products_get_the_same_objects() -> None:
    kibana, osd = (sorted((o["type"], o["id"]) for o in load(p)) for p in FILES)
    assert kibana == osd


@pytest.mark.parametrize("product", ["kibana", "osd"])
def test_shipped_files_are_generated_from_the_schema(product: Literal["kibana", "osd"]) -> None:
    path = DASHBOARDS / generate.FILES[product]
    assert generate.build(product) == path.read_text(encoding="utf-8"), (
        f"{path.name} is out of date with index/schema.py: run `python -m index.dashboards.generate`")


# ---------------------------------------------------------------------------------------------------- docs/queries.md

_CONSOLE = re.compile(r"```console\n(GET|POST) (\S+)\n(.*?)```", re.S)
_KQL = re.compile(r"```kql (\S+)\n(.*?)```", re.S)
_FIELD_KEYED = {"term", "terms", "range", "match", "match_phrase", "match_phrase_prefix", "prefix", "wildcard",
                "regexp", "fuzzy"}
_NOT_FIELDS = {"boost", "_name", "case_insensitive"}


def console_blocks() -> list[tuple[str, str, dict]]:
    text = QUERIES.read_text(encoding="utf-8")
    blocks = [(method, path, body) for method, path, body in _CONSOLE.findall(text)]
    assert len(blocks) >= 10 and text.count("```console") == len(blocks), "a console block is not METHOD path + JSON"
    return [(method, path, json.loads(body)) for method, path, body in blocks]


def dsl_fields(node: object) -> tuple[set[str], set[str], set[str]]:
    """(queried/aggregated fields, nested paths, `_source` fields) named anywhere in a request body."""
    fields: set[str] = set()
    paths: set[str] = set()
    source: set[str] = set()

    def walk(n: object) -> None:
        if isinstance(n, list):
            for item in n:
                walk(item)
            return
        if not isinstance(n, dict):
            return
        for key, value in n.items():
            if key in _FIELD_KEYED and isinstance(value, dict) and "field" not in value:
                fields.update(k for k in value if k not in _NOT_FIELDS)
            elif key == "field" and isinstance(value, str):
                fields.add(value)
            elif key == "fields" and isinstance(value, list):
                fields.update(f.split("^")[0] for f in value)
            elif key == "fields" and isinstance(value, dict):  # highlight
                fields.update(value)
            elif key == "sort":
                for s in value if isinstance(value, list) else [value]:
                    fields.update({s} if isinstance(s, str) else set(s))
                continue
            elif key == "path" and isinstance(value, str):
                paths.add(value)
            elif key == "_source" and isinstance(value, list):
                source.update(value)
                continue
            walk(value)

    walk(node)
    return fields - {"_score"}, paths, source


def test_queries_md_blocks_are_json_on_aliases_with_schema_fields() -> None:
    for _method, path, body in console_blocks():
        index, _, endpoint = path.partition("/")
        entity = alias_entity(index)
        assert endpoint == "_search", path
        known = queryable(entity)
        fields, paths, source = dsl_fields(body)
        assert fields, f"{path}: no field named at all (parser out of step with the docs?)"
        assert not fields - known.keys(), f"{path}: {entity.value} has no field {sorted(fields - known.keys())}"
        assert all(known.get(p) == "nested" for p in paths), f"{path}: {sorted(paths)} are not all nested fields"
        assert not source - source_fields(entity), f"{path}: _source names {sorted(source - source_fields(entity))}"


def test_queries_md_kql_lines_use_schema_fields() -> None:
    blocks = _KQL.findall(QUERIES.read_text(encoding="utf-8"))
    assert blocks
    for index, text in blocks:
        known = queryable(alias_entity(index))
        for line in filter(None, (x.strip() for x in text.splitlines())):
            names = kql_fields(line)
            assert names and not names - known.keys(), f"{line!r}: unknown {sorted(names - known.keys())}"


def test_the_kql_reader_sees_nested_groups_and_skips_quoted_values() -> None:
    assert kql_fields('identifiers : { type : "a:b" and currency : "XMR" } and url : "http://x"') == {
        "identifiers", "identifiers.type", "identifiers.currency", "url"}


# ---------------------------------------------------------------------------------------------------- on a real node

DSL_PREFIX = "narcwatch-dsl"


@pytest.fixture()
def dsl_client(search_node: SearchCluster, tmp_path: Path) -> Iterator[OpenSearch]:
    """Indices made by the store itself (strict mappings, analysers), holding the contract tests' corpus."""
    config = StoreConfig(url=search_node.urls[:1], prefix=DSL_PREFIX, home=tmp_path, replicas=0)
    client = OpenSearch(hosts=search_node.urls[:1], timeout=60)
    with open_store(config) as store:
        store.ensure_schema()
        for entity, docs in corpus().items():
            assert not store.upsert(entity, docs).rejected
        store.refresh()
    try:
        yield client
    finally:
        names = list(client.indices.get(index=f"{DSL_PREFIX}-*", ignore_unavailable=True))
        if names:
            client.indices.delete(index=",".join(names))
        for template in client.indices.get_index_template(name=f"{DSL_PREFIX}-*", ignore=404).get("index_templates",
                                                                                                 []):
            client.indices.delete_index_template(name=template["name"])
        client.close()


def test_every_queries_md_request_runs_on_opensearch(dsl_client: OpenSearch) -> None:
    for n, (_method, path, body) in enumerate(console_blocks()):
        target = path.replace(f"{PREFIX}-", f"{DSL_PREFIX}-", 1)
        # The engine refuses only with an error status, which opensearch-py raises; a 200 with failed shards is a
        # half-refusal (a script or field problem found per shard), so that fails too.
        answer = dsl_client.transport.perform_request("POST", f"/{target}", body=body)
        assert answer["_shards"]["failed"] == 0, (path, answer["_shards"])
        if n == 0:
            assert answer["hits"]["total"]["value"] > 0, "the first example (one address) finds the corpus listings"
