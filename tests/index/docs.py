"""Synthetic store documents shaped like `index.documents` makes them (schema field names and types, dates as ISO
strings with an offset), so the contract tests exercise both backends with what the pipeline really sends."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from index.schema import Entity
from nlp.identifiers import find_identifiers

BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
XMR = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
XMR_SUB = "888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H"
TELEGRAM = "@SnowKing_Shop"

# name → (class, CAS number, precursor table)
SUBSTANCES = {"cocaine": ("stimulant", "50-36-2", None), "mdma": ("entactogen", "42542-10-9", None),
              "heroin": ("opioid", "561-27-3", None), "ketamine": ("dissociative", "6740-88-1", None),
              "safrole": ("precursor", "94-59-7", "I")}


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0, offset: str = "+00:00") -> str:
    """An ISO timestamp in March 2025."""
    return f"2025-03-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{offset}"


def identifier(value: str) -> dict:
    """The nested identifier object of an item, read by the NLP stage's own (checksum-validating) reader."""
    found = find_identifiers(value)
    assert found, f"test identifier {value!r} does not validate"
    i = found[0]
    return {k: v for k, v in {"type": i.type, "value": i.value, "normalized": i.normalized, "currency": i.currency,
                              "kind": i.kind}.items() if v is not None}


def _host(site: str) -> str:
    return hashlib.sha256(site.encode()).hexdigest()[:56] + ".onion"


def _evidence(item_id: str, site: str, fetched_at: str | None) -> dict:
    record = "urn:uuid:" + hashlib.sha256(item_id.encode()).hexdigest()[:32]
    ref = {"url": f"http://{_host(site)}/item/{item_id}", "warc_file": f"narcwatch-{site}-00000.warc.gz",
           "record_id": record, "offset": 4096, "length": 18211,
           "payload_sha256": hashlib.sha256(b"payload" + item_id.encode()).hexdigest(), "status": 200,
           "rendered": False}
    if fetched_at:
        ref["fetched_at"] = fetched_at
    return ref


def _crawled(doc_id: str, kind: str, site: str, seen_at: str | None, language: str, category: str | None,
             substances: Sequence[str], identifiers: Sequence[str], currencies: Sequence[str] | None,
             text: str | None) -> dict:
    ids = [identifier(v) for v in identifiers]
    subs = [{k: v for k, v in {"name": name, "class": SUBSTANCES[name][0], "cas": SUBSTANCES[name][1],
                               "precursor_table": SUBSTANCES[name][2], "text": name}.items() if v}
            for name in substances]
    ev = _evidence(doc_id, site, seen_at)
    doc: dict = {
        "id": doc_id, "kind": kind, "site": site, "host": _host(site), "url": ev["url"], "seen_at": seen_at,
        "run_id": "run-20250301", "evidence": [ev], "evidence_ids": [ev["record_id"]], "parse_warnings": [],
        "language": language, "category": category,
        "category_score": 0.91 if category else None,
        "scores": {category: 0.91, "other": 0.09} if category else None,
        "substances": subs, "substance_names": sorted({s["name"] for s in subs}),
        "substance_classes": sorted({s["class"] for s in subs}),
        "precursor_tables": sorted({s["precursor_table"] for s in subs if "precursor_table" in s}),
        "identifiers": ids, "identifier_values": sorted({i["normalized"] for i in ids}),
        "identifier_types": sorted({i["type"] for i in ids}),
        "currencies": sorted(currencies if currencies is not None else {i["currency"] for i in ids
                                                                          if "currency" in i}),
    }
    if text is not None and language:
        doc[f"text_{language}"] = text
    return doc


def _clean(doc: dict) -> dict:
    """Drop empty values, as `index.documents` does."""
    return {k: v for k, v in doc.items() if v is not None and v != []}


def listing(n: int | str, *, site: str = "alpha", category: str | None = "drug_offer", seen_at: str | None = None,
            title: str = "Listing", description: str = "", substances: Sequence[str] = (),
            identifiers: Sequence[str] = (), price: float | None = None, currency: str | None = "USD",
            currencies: Sequence[str] | None = None, vendor: str | None = None, country: str | None = None,
            ships_from: str | None = None, language: str = "en", text: str | None = None, **extra: object) -> dict:
    """A listing with id `<site>-<n>` (`n` zero-padded when it is a number); `currencies` defaults to the
    identifiers' currencies plus the price's."""
    doc_id = f"{site}-{n:03d}" if isinstance(n, int) else f"{site}-{n}"
    doc = _crawled(doc_id, "listing", site, seen_at, language, category, substances, identifiers, currencies,
                   text if text is not None else f"{title}\n{description}")
    if currencies is None and price is not None and currency:
        doc["currencies"] = sorted({*doc["currencies"], currency})
    doc.update(title=title, description=description, vendor=vendor, country=country, ships_from=ships_from,
               ships_to="Worldwide", site_category="Drugs", vendor_url=f"{doc['url']}/vendor" if vendor else None)
    if price is not None:
        doc.update(price_amount=price, price_currency=currency, price_text=f"{price:g} {currency}",
                   prices=[{"amount": price, "currency": currency, "text": f"{price:g} {currency}"}],
                   quantities=[{"value": 1, "unit": "g", "text": "1g"}])
    doc.update(extra)
    return _clean(doc)


def post(n: int, *, site: str = "forum", channel: str = "market", seen_at: str | None = None,
         title: str = "Post", text: str = "", author: str = "anon", identifiers: Sequence[str] = (),
         substances: Sequence[str] = (), language: str = "en", **extra: object) -> dict:
    doc = _crawled(f"{site}-post-{n:03d}", "post", site, seen_at, language, "drug_offer", substances, identifiers,
                   None, f"{title}\n{text}")
    doc.update(channel=channel, thread=f"thread-{n}", title=title, author=author, author_url=f"{doc['url']}/u",
               posted_at=seen_at, views=100 + n, text=text, links=[f"http://{_host(site)}/t/{n}"],
               forwarded_from=None)
    doc.update(extra)
    return _clean(doc)


def vendor(name: str, *, site: str = "alpha", seen_at: str | None = None, contacts: Sequence[str] = (),
           identifiers: Sequence[str] = (), profile_text: str = "", feedback: str = "", **extra: object) -> dict:
    doc = _crawled(f"{site}-vendor-{name.lower()}", "vendor", site, seen_at, "en", "drug_offer", (), identifiers,
                   None, f"{name}\n{profile_text}")
    doc.update(name=name, contacts=list(contacts), profile_text=profile_text, feedback=feedback,
               pgp_key="-----BEGIN PGP PUBLIC KEY BLOCK-----\n...\n-----END PGP PUBLIC KEY BLOCK-----")
    doc.update(extra)
    return _clean(doc)


def sighting(item: dict, value: str, item_kind: str = "listing", **extra: object) -> dict:
    """The identifier document for `value` seen in `item` (a listing, post or vendor document)."""
    i = identifier(value)
    key = f"{i['type']}:{i['normalized']}"
    doc = {"id": hashlib.sha256(f"{key}\x1f{item['id']}".encode()).hexdigest()[:32], "key": key, "type": i["type"],
           "value": i["value"], "normalized": i["normalized"], "currency": i.get("currency"), "kind": i.get("kind"),
           "item_id": item["id"], "item_kind": item_kind, "site": item["site"], "url": item["url"],
           "vendor": item.get("vendor") or item.get("name") or item.get("author"), "seen_at": item.get("seen_at"),
           "run_id": item["run_id"], "context": f"pay to {i['value']} only"}
    doc.update(extra)
    return _clean(doc)


def evidence(n: int, *, site: str = "alpha", item_ids: Sequence[str] = (), fetched_at: str | None = None) -> dict:
    ref = _evidence(f"ev-{n}", site, fetched_at or at(1))
    doc = {k: v for k, v in ref.items() if k != "record_id"}
    doc.update(id=ref["record_id"], host=_host(site), site=site, item_ids=list(item_ids), run_id="run-20250301",
               block_sha256=hashlib.sha256(f"block{n}".encode()).hexdigest())
    return doc


def run(n: int, *, status: str = "finished", started_at: str | None = None) -> dict:
    return {"id": f"run-{n:04d}", "status": status, "sources": ["alpha", "beta"], "started_at": started_at or at(1),
            "finished_at": at(1, 13), "items": 1200 + n, "stats": {"pages": 4000, "errors": {"timeout": 3}},
            "errors": ["beta: timeout after 30 s on /category/7"]}


def resource(n: int, *, kind: str = "wallet", ref: str = BTC, state: str = "open") -> dict:
    return {"id": f"res-{n:04d}", "kind": kind, "ref": ref, "title": f"Wallet under case {n}", "site": "alpha",
            "state": state, "owner": "analyst1", "notes": ["linked to SnowKing", "reported to FIU"],
            "created_at": at(2), "updated_at": at(3), "item_ids": ["alpha-001"],
            "history": [{"at": at(2), "state": "open", "by": "analyst1"}]}


def corpus() -> dict[Entity, list[dict]]:
    """The shared read-only data of the search, aggregation and lookup tests. What the tests rely on:

    - seen_at: alpha-001 03-01 08:00Z, gamma-001 03-02 01:30+02:00 (= 03-01 23:30Z), alpha-002 03-01 23:59:59Z,
      beta-001 03-02 00:00Z, beta-002 03-02 10:00Z, gamma-002 03-04 12:00Z, delta-pl and delta-ru both
      03-05 09:00Z, omega-001 none.
    - prices: omega 10, alpha-002 45 EUR, alpha-001 90, delta-ru 90, beta-001 120, gamma-001 300, gamma-002 500;
      beta-002 and delta-pl have none.
    - words: "stealth" in alpha-001, alpha-002, beta-001; "vacuum" in alpha-001 (right after stealth) and beta-001.
    - alpha-001 and beta-001 share the BTC address; alpha-001 and the SnowKing vendor profile share the telegram
      handle; beta-002 carries two Monero addresses.
    """
    a001 = listing(1, title="Pure Colombian cocaine",
                   description="Uncut cocaine, stealth vacuum packaging, escrow accepted", substances=["cocaine"],
                   identifiers=[BTC, TELEGRAM], price=90, vendor="SnowKing", country="NL", ships_from="Netherlands",
                   seen_at=at(1, 8))
    a002 = listing(2, title="MDMA crystals", description="Dutch MDMA crystals, stealth worldwide",
                   substances=["mdma"], identifiers=[XMR], price=45, currency="EUR", vendor="DutchLab",
                   country="NL", seen_at=at(1, 23, 59, 59))
    b001 = listing(1, site="beta", title="Heroin number four",
                   description="Afghan heroin, vacuum sealed with stealth labels", substances=["heroin"],
                   identifiers=[BTC], price=120, vendor="WhiteRabbit", country="DE", seen_at=at(2, 0))
    b002 = listing(2, site="beta", title="Cocaine and MDMA combo", description="cocaine plus MDMA party pack",
                   substances=["cocaine", "mdma"], identifiers=[XMR, XMR_SUB], vendor="WhiteRabbit", country="DE",
                   seen_at=at(2, 10))
    g001 = listing(1, site="gamma", category="precursor_offer", title="Safrole oil 1L",
                   description="Safrole oil for research labs, sent from Poland", substances=["safrole"], price=300,
                   vendor="ChemPol", country="PL", seen_at=at(2, 1, 30, offset="+02:00"))
    g002 = listing(2, site="gamma", category="document_fraud", title="Fake passports",
                   description="High quality passports, any country", price=500, vendor="PaperMill", country="GB",
                   seen_at=at(4, 12))
    dru = listing("ru", site="delta", title="Кокаин 1 г",
                  description="Чистый кокаин высшего качества, доставка по Москве",
                  substances=["cocaine"], price=90, vendor="Moroz", country="RU", language="ru", seen_at=at(5, 9))
    dpl = listing("pl", site="delta", title="Kokaina", description="kokaina czysta najwyższej jakości",
                  substances=["cocaine"], vendor="Polak", country="PL", language="pl", seen_at=at(5, 9))
    o001 = listing(1, site="omega", title="Ketamine powder", description="Ketamine powder, needle-point crystals",
                   substances=["ketamine"], price=10)
    snowking = vendor("SnowKing", contacts=[TELEGRAM], identifiers=[TELEGRAM], seen_at=at(1, 9),
                      profile_text="Top vendor since 2019, reship guaranteed")
    review = post(1, title="Vendor review", text="SnowKing delivered, stealth was perfect", seen_at=at(3))
    sightings = [sighting(a001, BTC), sighting(a001, TELEGRAM), sighting(b001, BTC), sighting(a002, XMR),
                 sighting(b002, XMR), sighting(b002, XMR_SUB), sighting(snowking, TELEGRAM, item_kind="vendor")]
    return {Entity.LISTING: [a001, a002, b001, b002, g001, g002, dru, dpl, o001], Entity.VENDOR: [snowking],
            Entity.POST: [review], Entity.IDENTIFIER: sightings}
