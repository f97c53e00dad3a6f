"""MISP events built offline with `pymisp.MISPEvent`, from MISP's own object templates: `coin-address` and
`bank-account` for wallets, `tor-hiddenservice` for onion hosts, `telegram-account` for channels and Telegram
handles, `pgp-meta` for vendor keys, `person` per operator (known by handles, never by a legal name), `url` per item,
`forensic-evidence` per WARC record with its SHA-256; the `dark-web` taxonomy tags the event.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from pymisp import MISPEvent, MISPObject

from act.exports import Export, evidence_hashes, item_label
from act.manifest import tool_version
from act.material import IdentifierSeen
from act.reporting import Reporting

EVENT = "event.json"
_NS = uuid.UUID("0c6b8f4e-2a7d-5e19-b3c5-7d1e9a4f6b20")  # narcwatch's namespace for MISP UUIDv5s
TAGS = ('dark-web:topic="drugs-narcotics"', 'dark-web:motivation="marketplace-for-sale"')
CRYPTO_TAG = 'dark-web:topic="finance-crypto"'


def export_misp(export: Export, folder: Path, config: Reporting) -> dict[str, int]:
    event = build_event(export, config)
    (folder / EVENT).write_text(event.to_json(indent=2) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for obj in event.objects:
        counts[obj.name] = counts.get(obj.name, 0) + 1
    return {f"MISP {k}": v for k, v in sorted(counts.items())}


def build_event(export: Export, config: Reporting) -> MISPEvent:
    m = export.material
    event = MISPEvent()
    event.uuid = _uuid("event", export.subject)
    event.info = f"narcwatch export: {export.subject}"
    event.distribution = config.misp.distribution
    event.threat_level_id = config.misp.threat_level_id
    event.analysis = config.misp.analysis
    event.set_date(datetime.now(UTC).date())
    for tag in TAGS + ((CRYPTO_TAG,) if any(i.type == "crypto_address" for i in m.identifiers) else ()):
        event.add_tag(tag)

    objects: dict[str, MISPObject] = {}  # identifier key → its object, for the persons' references
    for ident in m.identifiers:
        obj = _identifier_object(ident, export)
        if obj is not None:
            objects[f"{ident.type}:{ident.normalized}"] = event.add_object(obj)

    for site in export.infrastructure:
        for host in site.onions:
            obj = _object("tor-hiddenservice", "onion", host)
            obj.add_attribute("address", host)
            obj.add_attribute("description", f"{site.name}: {len(site.items):,} items crawled")
            _seen(obj, site.first_seen, site.last_seen)
            event.add_object(obj)
        if site.kind == "channel":
            obj = _object("telegram-account", "channel", site.name)
            obj.add_attribute("username", site.name, comment=f"channel reachable at {', '.join(site.urls)}")
            event.add_object(obj)

    for party in export.parties:
        person = _object("person", "party", party.id)
        for name in party.names:
            person.add_attribute("handle", name)
        for account in party.accounts:
            person.add_attribute("alias", account.key)
        for ident in party.identifiers:
            if ident.type == "email":
                person.add_attribute("e-mail", ident.normalized)
            elif ident.type == "phone":
                person.add_attribute("phone-number", ident.normalized)
        accounts = ", ".join(a.key for a in party.accounts)
        links = "".join(f" {lk['a']} and {lk['b']} share {lk['type']} {lk['value']}." for lk in party.links)
        person.add_attribute("text", f"Legal name unknown: known only by the accounts {accounts}; "
                             f"{len(party.items):,} items seen between {party.first_seen} and {party.last_seen} "
                             f"(UTC).{links}")
        for ident in party.identifiers:
            if target := objects.get(f"{ident.type}:{ident.normalized}"):
                person.add_reference(target.uuid, "uses")
        event.add_object(person)

    for item in m.items:
        if not item.get("url"):
            continue
        obj = _object("url", "item", item["id"])
        obj.add_attribute("url", item["url"], comment=f"{item.get('kind')} {item['id']} on {item.get('site')}; "
                          f"evidence SHA-256 {' '.join(evidence_hashes(item)) or 'none'}")
        obj.add_attribute("text", item_label(item))
        _seen(obj, item.get("seen_at"), item.get("seen_at"))
        event.add_object(obj)

    for record in m.evidence:
        obj = _object("forensic-evidence", "evidence", record["id"])
        obj.add_attribute("case-number", export.case or f"narcwatch-{export.reference}")
        obj.add_attribute("evidence-number", record["id"])
        obj.add_attribute("name", record.get("warc_file") or "WARC record")
        obj.add_attribute("type", "WARC record (ISO 28500)")
        obj.add_attribute("acquisition-method", "web crawl" + (" with browser rendering" if record.get("rendered")
                                                              else ""))
        obj.add_attribute("acquisition-tools", f"narcwatch {tool_version()}")
        obj.add_attribute("additional-comments",
                          f"{record.get('url')} fetched {record.get('fetched_at')} (HTTP {record.get('status')}); "
                          f"payload SHA-256 {record.get('payload_sha256')}; block SHA-256 "
                          f"{record.get('block_sha256')}; WARC offset {record.get('offset')}, length "
                          f"{record.get('length')}"
                          + (f"; screenshot SHA-256 {record['screenshot_sha256']}"
                             if record.get("screenshot_sha256") else ""))
        event.add_object(obj)
    return event


def _identifier_object(ident: IdentifierSeen, export: Export) -> MISPObject | None:
    where = f"seen {len(ident.sightings):,} times on {', '.join(ident.sites) or 'crawled sites'}"
    if ident.type == "crypto_address":
        obj = _object("coin-address", ident.type, ident.normalized)
        relation = {"BTC": "address", "XMR": "address-xmr"}.get(ident.currency or "", "address-crypto")
        obj.add_attribute(relation, ident.normalized, comment=where)
        if ident.currency:
            obj.add_attribute("symbol", ident.currency)
    elif ident.type == "iban":
        obj = _object("bank-account", ident.type, ident.normalized)
        obj.add_attribute("iban", ident.normalized, comment=where)
    elif ident.type == "telegram":
        obj = _object("telegram-account", ident.type, ident.normalized)
        obj.add_attribute("username", ident.normalized, comment=where)
    elif ident.type == "pgp_fingerprint":
        obj = _object("pgp-meta", ident.type, ident.normalized)
        obj.add_attribute("key-id", ident.normalized[-16:], comment=f"fingerprint {ident.normalized}; {where}")
        for user_id in _pgp_user_ids(ident, export):
            name, _, email = user_id.partition(" <")
            obj.add_attribute("user-id-name", name)
            if email:
                obj.add_attribute("user-id-email", email.rstrip(">"))
        return obj
    else:
        return None
    _seen(obj, ident.first_seen, ident.last_seen)
    return obj


def _pgp_user_ids(ident: IdentifierSeen, export: Export) -> list[str]:
    return list(dict.fromkeys(uid for i in export.material.items for key in i.get("pgp_keys") or []
                              if key.get("fingerprint") == ident.normalized for uid in key.get("user_ids") or []))


def _object(template: str, *key: str) -> MISPObject:
    obj = MISPObject(template, standalone=False)
    obj.uuid = _uuid(template, *key)
    return obj


def _seen(obj: MISPObject, first: str | None, last: str | None) -> None:
    """First and last seen as the template's attributes where it has them, else on the object itself."""
    in_template = "first-seen" in obj._definition["attributes"]
    for relation, value in (("first-seen", first), ("last-seen", last)):
        if not value:
            continue
        when = datetime.fromisoformat(value)
        if in_template:
            obj.add_attribute(relation, when)
        else:
            setattr(obj, relation.replace("-", "_"), when)


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join(parts)))

