"""Crawled items and what the NLP stage understood of them → the store's documents.

One item gives its own document (listing, post or vendor, with the analysis folded in), one identifier document per
distinct identifier it carries (a sighting: where and when that address, handle or key was seen), and one evidence
document per WARC record behind it. Ids are stable, so indexing the same item again replaces its documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

import pycountry

from index.schema import LANGUAGE_ANALYZERS, Entity
from narcwatch.models import Crawled, Evidence, Item, Listing, Post, Vendor
from nlp.pipeline import record_text

CONTEXT_CHARS = 80  # characters kept each side of an identifier sighting


@cache
def country_code(place: str | None) -> str | None:
    """ISO 3166 alpha-2 for a "ships from" value written as a code or an English name; None for regions
    ("Worldwide", "EU") and places pycountry does not know."""
    if not place:
        return None
    text = place.strip()
    if text.upper() == "UK":
        return "GB"
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def identifier_id(kind: str, normalized: str, item_id: str) -> str:
    """One sighting per identifier per item: hashing keeps the id short whatever the item key's length."""
    return hashlib.sha256(f"{kind}:{normalized}\x1f{item_id}".encode()).hexdigest()[:32]


def item_documents(item: Item, analysis: dict | None = None) -> dict[Entity, list[dict]]:
    """The documents one item gives, by entity. `analysis` is `nlp.pipeline.result` for `record_text` of the
    item's fields (its offsets point into that text)."""
    doc = _crawled(item, analysis)
    if isinstance(item, Listing):
        entity = Entity.LISTING
        doc.update(title=item.title, description=item.description, price_text=item.price_text,
                   price_amount=item.price.amount if item.price else None,
                   price_currency=item.price.currency if item.price else None, vendor=item.vendor,
                   vendor_url=item.vendor_url, ships_from=item.ships_from, ships_to=item.ships_to,
                   country=country_code(item.ships_from), site_category=item.category,
                   change=item.change.value if item.change else None, changed_fields=item.changed_fields)
        if item.price and item.price.currency:
            doc["currencies"] = sorted({*doc["currencies"], item.price.currency})
        actor = item.vendor
    elif isinstance(item, Post):
        entity = Entity.POST
        doc.update(channel=item.channel, thread=item.thread, title=item.title, author=item.author,
                   author_url=item.author_url, posted_at=_iso(item.posted_at), views=item.views,
                   forwarded_from=item.forwarded_from, text=item.text, links=item.links)
        actor = item.author or item.channel
    elif isinstance(item, Vendor):
        entity = Entity.VENDOR
        doc.update(name=item.name, pgp_key=item.pgp_key, feedback=item.feedback, contacts=item.contacts,
                   profile_text=item.profile_text)
        actor = item.name
    else:
        raise TypeError(f"not a crawled item: {type(item).__name__}")
    language = doc.get("language")
    if language in LANGUAGE_ANALYZERS:
        doc[f"text_{language}"] = record_text(item.model_dump(mode="json"))
    doc = {k: v for k, v in doc.items() if v is not None and v != []}
    return {entity: [doc],
            Entity.IDENTIFIER: _sightings(item, entity, actor, analysis),
            Entity.EVIDENCE: [evidence_document(e, item) for e in item.evidence]}


def batch_documents(pairs: Iterable[tuple[Item, dict | None]]) -> dict[Entity, list[dict]]:
    """Documents of many items, by entity (see `merge_documents`)."""
    return merge_documents(item_documents(item, analysis) for item, analysis in pairs)


def merge_documents(per_item: Iterable[dict[Entity, list[dict]]]) -> dict[Entity, list[dict]]:
    """`item_documents` of many items as one batch by entity; evidence shared by several items (one page, many
    listings) becomes one document naming all of them."""
    out: dict[Entity, list[dict]] = {}
    evidence: dict[str, dict] = {}
    for docs_of_item in per_item:
        for entity, docs in docs_of_item.items():
            if entity is not Entity.EVIDENCE:
                out.setdefault(entity, []).extend(docs)
                continue
            for doc in docs:
                if doc["id"] in evidence:
                    ids = evidence[doc["id"]]["item_ids"]
                    ids.extend(i for i in doc["item_ids"] if i not in ids)
                else:
                    evidence[doc["id"]] = doc
    if evidence:
        out[Entity.EVIDENCE] = list(evidence.values())
    return out


def evidence_document(evidence: Evidence, item: Crawled) -> dict:
    """The reference items carry, keyed by its WARC record id, with where it came from and the items it holds."""
    doc = _evidence_ref(evidence)
    doc.update(id=doc.pop("record_id"), host=urlsplit(evidence.url).hostname, site=item.source, item_ids=[item.key],
               run_id=item.run_id)
    return {k: v for k, v in doc.items() if v is not None}


def _crawled(item: Item, analysis: dict | None) -> dict:
    a = analysis or {}
    scores = a.get("scores")
    category = a.get("category")
    identifiers = _distinct((i for i in a.get("identifiers") or []), ("type", "normalized"))
    substances = _distinct((s for s in a.get("substances") or []), ("name", "text"))
    currencies = {i["currency"] for i in identifiers if i.get("currency")}
    currencies |= {p["currency"] for p in a.get("prices") or [] if p.get("currency")}
    return {
        "id": item.key, "kind": item.kind, "site": item.source, "host": urlsplit(item.url).hostname,
        "url": item.url, "seen_at": _iso(item.fetched_at), "run_id": item.run_id,
        "evidence": [_evidence_ref(e) for e in item.evidence], "evidence_ids": [e.record_id for e in item.evidence],
        "parse_warnings": item.parse_warnings,
        "language": a.get("language"), "category": category,
        "category_score": scores[category] if scores and category in scores else None, "scores": scores,
        "substances": [{k: s.get(k) for k in ("name", "class", "cas", "precursor_table", "text") if s.get(k)}
                       for s in substances],
        "substance_names": sorted({s["name"] for s in substances}),
        "substance_classes": sorted({s["class"] for s in substances if s.get("class")}),
        "precursor_tables": sorted({s["precursor_table"] for s in substances if s.get("precursor_table")}),
        "identifiers": [{k: i.get(k) for k in ("type", "value", "normalized", "currency", "kind") if i.get(k)}
                        for i in identifiers],
        "identifier_values": sorted({i["normalized"] for i in identifiers}),
        "identifier_types": sorted({i["type"] for i in identifiers}),
        "currencies": sorted(currencies),
        "pgp_fingerprints": sorted({k["fingerprint"] for k in a.get("pgp_keys") or []}),
        "pgp_keys": a.get("pgp_keys") or None, "quantities": a.get("quantities") or None,
        "prices": a.get("prices") or None,
    }


def _sightings(item: Item, entity: Entity, actor: str | None, analysis: dict | None) -> list[dict]:
    identifiers = (analysis or {}).get("identifiers") or []
    if not identifiers:
        return []
    text = record_text(item.model_dump(mode="json"))
    out = []
    for i in _distinct(identifiers, ("type", "normalized")):
        start, end = i.get("start"), i.get("end")
        context = text[max(0, start - CONTEXT_CHARS):end + CONTEXT_CHARS] if isinstance(start, int) and \
            isinstance(end, int) else None
        doc = {"id": identifier_id(i["type"], i["normalized"], item.key), "key": f"{i['type']}:{i['normalized']}",
               "type": i["type"], "value": i.get("value"), "normalized": i["normalized"],
               "currency": i.get("currency"), "kind": i.get("kind"), "item_id": item.key, "item_kind": entity.value,
               "site": item.source, "url": item.url, "vendor": actor, "seen_at": _iso(item.fetched_at),
               "run_id": item.run_id, "context": context}
        out.append({k: v for k, v in doc.items() if v is not None})
    return out


def _distinct(rows: Iterable[dict], keys: tuple[str, ...]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault(tuple(row.get(k) for k in keys), row)
    return list(seen.values())


def _evidence_ref(e: Evidence) -> dict:
    return {k: v for k, v in e.model_dump(mode="json").items() if v is not None and k != "request_record_id"}


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]
