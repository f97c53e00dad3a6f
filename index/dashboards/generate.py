"""Writes `kibana.ndjson` and `opensearch-dashboards.ndjson` from `index.schema`, so the data views list exactly the
fields the engine maps. Run `python -m index.dashboards.generate` after a schema change; the tests fail until the
shipped files match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from index.schema import ENTITY_FIELDS, TIME_FIELDS, Entity, Field, Kind

Product = Literal["kibana", "osd"]
JSON = dict[str, Any]

OUT = Path(__file__).parent
FILES: dict[Product, str] = {"kibana": "kibana.ndjson", "osd": "opensearch-dashboards.ndjson"}

DATA_VIEWS = {Entity.LISTING: "narcwatch listings", Entity.POST: "narcwatch posts", Entity.VENDOR: "narcwatch vendors",
              Entity.IDENTIFIER: "narcwatch identifier sightings"}  # entity → Kibana display name
REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
SEARCH_ID = "narcwatch-newest-drug-offers"
DASHBOARD_ID = "narcwatch-overview"
COLUMNS = ["title", "site", "vendor", "price_amount", "price_currency", "country", "substance_names",
           "identifier_values"]
# Panel id → (x, y, w, h) on the 48-column dashboard grid; the order is the panel order.
LAYOUT = {"narcwatch-precursor-offers": (0, 0, 12, 14), "narcwatch-listings-over-time": (12, 0, 36, 14),
          "narcwatch-top-sites": (0, 14, 16, 15), "narcwatch-currencies": (16, 14, 16, 15),
          "narcwatch-countries": (32, 14, 16, 15), "narcwatch-top-substances": (0, 29, 24, 18),
          SEARCH_ID: (24, 29, 24, 18)}


def dumps(o: object) -> str:
    """Compact JSON, as the products export it (and as the string-encoded attributes must be)."""
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------------- data views


def spec(name: str, kind: str, es_type: str, *, agg: bool, sub: JSON | None = None) -> JSON:
    d: JSON = {"name": name, "type": kind, "esTypes": [es_type], "count": 0, "scripted": False, "searchable": True,
               "aggregatable": agg, "readFromDocValues": agg}
    if sub:
        d["subType"] = sub
    return d


def field_specs(entity: Entity) -> list[JSON]:
    """The data view's field list, so Discover and the editors offer fields before any document is indexed."""
    return sorted((s for f in ENTITY_FIELDS[entity] for s in _specs(f, None)), key=lambda d: d["name"])


def _specs(f: Field, nested: str | None) -> list[JSON]:
    name = f"{nested}.{f.name}" if nested else f.name
    sub = {"nested": {"path": nested}} if nested else None
    match f.kind:
        case Kind.KEYWORD:
            out = [spec(name, "string", "keyword", agg=True, sub=sub)]
            if f.subfield:
                multi = {"multi": {"parent": name}} | (sub or {})
                out.append(spec(name + ".text", "string", "text", agg=False, sub=multi))
            return out
        case Kind.TEXT:
            out = [spec(name, "string", "text", agg=False, sub=sub)]
            if f.subfield:
                out.append(spec(name + ".raw", "string", "keyword", agg=True, sub={"multi": {"parent": name}}))
            return out
        case Kind.DATE:
            return [spec(name, "date", "date", agg=True, sub=sub)]
        case Kind.LONG | Kind.DOUBLE:
            return [spec(name, "number", f.kind.value, agg=True, sub=sub)]
        case Kind.BOOLEAN:
            return [spec(name, "boolean", "boolean", agg=True, sub=sub)]
        case Kind.NESTED:
            return [s for c in f.fields for s in _specs(c, name)]
        case Kind.STORED:
            return []  # not indexed, so not a data view field


# ---------------------------------------------------------------------------------------------------- visualizations


def search_source(query: str = "") -> str:
    return dumps({"query": {"query": query, "language": "kuery"}, "filter": [], "indexRefName": REF})


def count() -> JSON:
    return {"id": "1", "enabled": True, "type": "count", "params": {}, "schema": "metric"}


def terms(id_: str, field: str, schema: str, size: int = 10) -> JSON:
    return {"id": id_, "enabled": True, "type": "terms", "schema": schema,
            "params": {"field": field, "orderBy": "1", "order": "desc", "size": size, "otherBucket": False,
                       "otherBucketLabel": "Other", "missingBucket": False, "missingBucketLabel": "Missing"}}


def xy_params(mode: str, horizontal: bool = False) -> JSON:
    """Bar chart parameters; a horizontal bar swaps the axes, as the legacy editor does."""
    cat_pos, val_pos = ("left", "bottom") if horizontal else ("bottom", "left")
    return {"type": "histogram", "addTooltip": True, "addLegend": True, "legendPosition": "right", "times": [],
            "addTimeMarker": False, "grid": {"categoryLines": False},
            "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": cat_pos, "show": True,
                              "style": {}, "scale": {"type": "linear"},
                              "labels": {"show": True, "filter": not horizontal, "truncate": 200}, "title": {}}],
            "valueAxes": [{"id": "ValueAxis-1", "name": "BottomAxis-1" if horizontal else "LeftAxis-1",
                           "type": "value", "position": val_pos, "show": True, "style": {},
                           "scale": {"type": "linear", "mode": "normal"},
                           "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                           "title": {"text": "Listings"}}],
            "seriesParams": [{"show": True, "type": "histogram", "mode": mode, "data": {"label": "Listings", "id": "1"},
                              "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True, "lineWidth": 2,
                              "showCircles": True}],
            "labels": {"show": False},
            "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"}}


def table_params(show_total: bool) -> JSON:
    return {"perPage": 15, "showPartialRows": False, "showMetricsAtAllLevels": False, "showTotal": show_total,
            "totalFunc": "sum", "percentageCol": ""}


def visualizations() -> list[tuple[str, str, str, JSON, str]]:
    """(id, title, description, visState without its title, KQL query) of each aggregation-based visualization on
    listings; aggregation-based so that both products import them unchanged."""
    vendors = {"id": "3", "enabled": True, "type": "cardinality", "schema": "metric",
               "params": {"field": "vendor", "customLabel": "Vendors"}}
    return [
        ("narcwatch-listings-over-time", "narcwatch: listings over time by class",
         "Listings seen per day, stacked by NLP class (category).", {
             "type": "histogram",
             "aggs": [count(),
                      {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment",
                       "params": {"field": "seen_at", "useNormalizedEsInterval": True, "scaleMetricValues": False,
                                  "interval": "auto", "drop_partials": False, "min_doc_count": 1,
                                  "extended_bounds": {}}},
                      terms("3", "category", "group", size=4)],
             "params": xy_params("stacked")}, ""),
        ("narcwatch-top-sites", "narcwatch: top sites", "Sites with the most listings in the time range.", {
            "type": "horizontal_bar", "aggs": [count(), terms("2", "site", "segment", size=20)],
            "params": xy_params("normal", horizontal=True)}, ""),
        ("narcwatch-top-substances", "narcwatch: top substances",
         "Substances named in offers, by listing count, with their class.", {
             "type": "table",
             "aggs": [count(), terms("2", "substance_names", "bucket", size=30),
                      terms("3", "substance_classes", "bucket", size=3)],
             "params": table_params(show_total=False)}, 'not category : "not_offer"'),
        ("narcwatch-currencies", "narcwatch: currencies", "Currencies of the addresses and prices on listings.", {
            "type": "pie", "aggs": [count(), terms("2", "currencies", "segment", size=10)],
            "params": {"type": "pie", "addTooltip": True, "addLegend": True, "legendPosition": "right",
                       "isDonut": True, "labels": {"show": True, "values": True, "last_level": True, "truncate": 100}}},
         ""),
        ("narcwatch-countries", "narcwatch: ships-from countries",
         "Listings and distinct vendors per ships-from country (ISO alpha-2).", {
             "type": "table", "aggs": [count(), vendors, terms("2", "country", "bucket", size=50)],
             "params": table_params(show_total=True)}, ""),
        ("narcwatch-precursor-offers", "narcwatch: precursor offers",
         "Precursor offers in the time range, and the vendors behind them.", {
             "type": "metric",
             "aggs": [{"id": "1", "enabled": True, "type": "count", "schema": "metric",
                       "params": {"customLabel": "Precursor offers"}},
                      vendors | {"id": "2"}],
             "params": {"addTooltip": True, "addLegend": False, "type": "metric",
                        "metric": {"percentageMode": False, "useRanges": False, "colorSchema": "Green to Red",
                                   "metricColorMode": "None", "colorsRange": [{"from": 0, "to": 10000}],
                                   "labels": {"show": True}, "invertColors": False,
                                   "style": {"bgFill": "#000", "bgColor": False, "labelColor": False, "subText": "",
                                             "fontSize": 48}}}}, 'category : "precursor_offer"'),
    ]


# ---------------------------------------------------------------------------------------------------- saved objects


def build(product: Literal["kibana", "osd"]) -> str:
    """The NDJSON import file for one product: Kibana 8 and OpenSearch Dashboards (a Kibana 7.10 fork) differ in
    migration versions, a few attributes and how dashboards name their panel references."""
    kibana = product == "kibana"

    def versions(type_: str, osd: str) -> JSON:
        if kibana:
            return {"coreMigrationVersion": "8.0.0", "migrationVersion": {type_: "8.0.0"}}
        return {"migrationVersion": {type_: osd}}

    objs: list[JSON] = []
    for entity, display in DATA_VIEWS.items():
        attrs: JSON = {"title": f"narcwatch-{entity.value}", "timeFieldName": TIME_FIELDS[entity],
                       "fields": dumps(field_specs(entity))}
        if kibana:
            attrs |= {"name": display, "fieldAttrs": "{}", "fieldFormatMap": "{}", "runtimeFieldMap": "{}",
                      "sourceFilters": "[]", "typeMeta": "{}", "allowNoIndex": True}
        else:
            attrs |= {"fieldFormatMap": "{}"}
        objs.append({"id": f"narcwatch-{entity.value}", "type": "index-pattern", "attributes": attrs,
                     "references": [], **versions("index-pattern", "7.6.0")})

    index_ref = [{"name": REF, "type": "index-pattern", "id": "narcwatch-listing"}]
    for vid, title, desc, vis, query in visualizations():
        attrs = {"title": title, "description": desc, "visState": dumps({"title": title} | vis), "uiStateJSON": "{}",
                 "version": 1, "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)}}
        objs.append({"id": vid, "type": "visualization", "attributes": attrs, "references": index_ref,
                     **versions("visualization", "7.10.0")})

    attrs = {"title": "narcwatch: newest drug offers",
             "description": "Drug offers, newest first, with price, vendor, substances and identifiers.",
             "columns": COLUMNS, "sort": [["seen_at", "desc"]], "version": 1,
             "kibanaSavedObjectMeta": {"searchSourceJSON": search_source('category : "drug_offer"')}}
    attrs |= {"grid": {}, "hideChart": False} if kibana else {"hits": 0}
    objs.append({"id": SEARCH_ID, "type": "search", "attributes": attrs, "references": index_ref,
                 **versions("search", "7.9.3")})

    panels: list[JSON] = []
    refs: list[JSON] = []
    for n, (oid, (x, y, w, h)) in enumerate(LAYOUT.items(), start=1):
        otype = "search" if oid == SEARCH_ID else "visualization"
        panel: JSON = {"panelIndex": str(n), "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(n)},
                       "embeddableConfig": {}}
        if kibana:  # Kibana 8 prefixes the reference name with the panel index; OSD numbers references from 0
            panel |= {"version": "8.0.0", "type": otype, "panelRefName": f"panel_{n}"}
            refs.append({"name": f"{n}:panel_{n}", "type": otype, "id": oid})
        else:
            panel |= {"version": "7.10.2", "panelRefName": f"panel_{n - 1}"}
            refs.append({"name": f"panel_{n - 1}", "type": otype, "id": oid})
        panels.append(panel)
    options = {"useMargins": True, "hidePanelTitles": False} | ({"syncColors": False} if kibana else {})
    attrs = {"title": "narcwatch: overview",
             "description": "Listings over time by class, sites, currencies, countries, substances, precursor "
                            "offers and the newest drug offers (data view narcwatch-listing).",
             "panelsJSON": dumps(panels), "optionsJSON": dumps(options),
             "timeRestore": True, "timeFrom": "now-30d", "timeTo": "now",
             "refreshInterval": {"pause": True, "value": 0}, "version": 1,
             "kibanaSavedObjectMeta": {"searchSourceJSON": dumps({"query": {"query": "", "language": "kuery"},
                                                                  "filter": []})}}
    objs.append({"id": DASHBOARD_ID, "type": "dashboard", "attributes": attrs, "references": refs,
                 **versions("dashboard", "7.9.3")})
    return "".join(dumps(o) + "\n" for o in objs)


def main() -> None:
    for product, name in FILES.items():
        (OUT / name).write_text(build(product), encoding="utf-8")


if __name__ == "__main__":
    main()
