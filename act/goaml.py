"""goAML 5.0.1 activity reports (AIF, SAR): the wallets and bank accounts found as `t_account`, the operators behind
the accounts as `t_person`, each a `report_party` with significance, reason and comments saying where and when it
was seen and the SHA-256 of the evidence.

Only elements goAML 5.0 supports are written (the schema also declares 5.1 and 5.2 ones), every code comes from the
reporting configuration, and lxml escapes all text: a listing title carrying markup stays text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from act.exports import Export, Party, SelectionError, evidence_hashes, item_label, sightings_text
from act.material import IdentifierSeen
from act.reporting import GoAML, Reporting

REPORT = "report.xml"
_COMMENTS = 8000  # comments_type maxLength
# What XML 1.0 cannot carry at all (control characters, lone surrogates): dropped before lxml sees the text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LISTINGS_SHOWN = 25


def export_goaml(export: Export, folder: Path, config: Reporting) -> dict[str, int]:
    root = build_report(export, config.goaml)
    etree.ElementTree(root).write(str(folder / REPORT), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    parties = root.findall("activity/report_parties/report_party")
    return {"report parties": len(parties), "accounts": sum(p.find("account") is not None for p in parties),
            "persons": sum(p.find("person") is not None for p in parties)}


def build_report(export: Export, cfg: GoAML) -> etree._Element:
    wallets = export.wallets
    if not wallets and not export.parties:
        raise SelectionError(f"{export.subject} holds no wallet, bank account or account holder: "
                             "a goAML report needs at least one party")
    now = datetime.now(UTC)
    report = etree.Element("report")
    _add(report, "rentity_id", str(cfg.rentity_id))
    _add(report, "rentity_branch", cfg.rentity_branch, 255)
    _add(report, "submission_code", cfg.submission_code)
    _add(report, "report_code", cfg.report_code)
    _add(report, "entity_reference", f"{cfg.entity_reference_prefix}-{now:%Y%m%d}-{export.reference}", 255)
    _add(report, "submission_date", _date(now))
    _add(report, "currency_code_local", cfg.currency_code_local)
    person = etree.SubElement(report, "reporting_person")
    rp = cfg.reporting_person
    _add(person, "first_name", rp.first_name, 100)
    _add(person, "last_name", rp.last_name, 100)
    if rp.email:
        _add(person, "email", rp.email, 255)
    if rp.occupation:
        _add(person, "occupation", rp.occupation, 255)
    location = etree.SubElement(report, "location")
    loc = cfg.location
    _add(location, "address_type", loc.address_type)
    _add(location, "address", loc.address, 100)
    _add(location, "city", loc.city, 255)
    if loc.zip:
        _add(location, "zip", loc.zip, 10)
    _add(location, "country_code", loc.country_code)
    _add(report, "reason", _summary(export, cfg), _COMMENTS)
    if cfg.action:
        _add(report, "action", cfg.action, _COMMENTS)
    parties = etree.SubElement(etree.SubElement(report, "activity"), "report_parties")
    for wallet in wallets:
        _wallet_party(parties, wallet, export, cfg)
    for party in export.parties:
        _person_party(parties, party, cfg)
    indicators = etree.SubElement(report, "report_indicators")
    for code in cfg.indicators:
        _add(indicators, "indicator", code)
    return report


def _summary(export: Export, cfg: GoAML) -> str:
    m = export.material
    substances = ", ".join(f"{name} ({n})" for name, n in m.substances().most_common(15))
    lines = [cfg.reason or "", "", f"Subject: {export.subject}.",
             f"Seen between {m.first_seen or 'unknown'} and {m.last_seen or 'unknown'} (UTC) on "
             f"{', '.join(m.sites) or 'no site'}: {len(m.items):,} items ({len(m.listings()):,} listings), "
             f"{len(export.wallets):,} wallets and bank accounts, {len(export.parties):,} account holders."]
    if substances:
        lines.append(f"Substances offered: {substances}.")
    for r in export.resources:
        lines.append(f"Resource {r.id} ({r.state.value}{f', owner {r.owner}' if r.owner else ''}): {r.title or r.ref}"
                     f"{' <' + r.urls[0] + '>' if r.urls else ''}")
    if export.truncated:
        lines.append(export.truncated + ".")
    lines.append("Every item's evidence is a WARC record; each party's comments give the SHA-256 of its payloads.")
    return "\n".join(lines).strip()


def _wallet_party(parent: etree._Element, ident: IdentifierSeen, export: Export, cfg: GoAML) -> None:
    party = etree.SubElement(parent, "report_party")
    account = etree.SubElement(party, "account")
    if ident.type == "iban":
        bank = cfg.bank_account
        _add(account, "institution_name", bank.institution_name, 255)
        _add(account, "institution_code", bank.institution_code, 50)
        _add(account, "account", ident.normalized, 255)
        _add(account, "account_name", f"IBAN {ident.value or ident.normalized}", 255)
        _add(account, "iban", ident.normalized, 34)
        _add(account, "personal_account_type", bank.account_type)
        significance = cfg.significance.iban
    else:
        crypto = cfg.crypto_account
        chain = ident.currency or "Unidentified"
        _add(account, "institution_name", f"{chain} blockchain (no institution: self-hosted or unknown wallet)", 255)
        _add(account, "institution_code", crypto.institution_code, 50)
        _add(account, "non_bank_institution", "true")
        _add(account, "account", ident.normalized, 255)
        _add(account, "currency_code", crypto.currency(ident.currency))
        _add(account, "account_name", f"{chain} wallet{f' ({ident.kind} address)' if ident.kind else ''}", 255)
        _add(account, "personal_account_type", crypto.account_type)
        significance = cfg.significance.wallet
    users = sorted({f"{s.site}:{s.vendor}" for s in ident.sightings if s.vendor})
    items = {i["id"]: i for i in export.material.items}
    hashes = sorted({h for s in ident.sightings for h in evidence_hashes(items.get(s.item_id, {}))})
    _add(account, "comments", f"{'Bank account' if ident.type == 'iban' else 'Cryptocurrency address'} published "
         f"for payment; first seen {ident.first_seen}, last seen {ident.last_seen} (UTC)."
         f"{' Used by ' + ', '.join(users) + '.' if users else ''}", _COMMENTS)
    _add(party, "significance", str(significance))
    _add(party, "reason", f"Payment {'account' if ident.type == 'iban' else 'address'} of drug offers seen "
         f"{len(ident.sightings):,} times on {', '.join(ident.sites) or 'crawled sites'}.", _COMMENTS)
    _add(party, "comments", f"Where and when seen:\n{sightings_text(ident)}\n"
         f"Evidence (SHA-256 of the preserved pages): {' '.join(hashes) or 'none'}", _COMMENTS)


def _person_party(parent: etree._Element, party: Party, cfg: GoAML) -> None:
    node = etree.SubElement(parent, "report_party")
    person = etree.SubElement(node, "person")
    _add(person, "first_name", cfg.unknown_name, 100)
    _add(person, "last_name", cfg.unknown_name, 100)
    _add(person, "alias", party.names[0], 100)
    emails = [i.normalized for i in party.identifiers if i.type == "email"][:5]
    for email in emails:
        _add(person, "email", email, 255)
    _add(person, "comments", "Legal name unknown: goAML requires a first and last name, so both are the placeholder "
         f"{cfg.unknown_name!r}; this person is known only by the account names "
         f"{', '.join(a.key for a in party.accounts)}. Aliases are not legal names.", _COMMENTS)
    _add(node, "significance", str(cfg.significance.person))
    _add(node, "reason", f"Operates {len(party.accounts)} account(s) on {', '.join(party.sites)} offering drugs; "
         f"{len(party.items):,} items seen between {party.first_seen} and {party.last_seen} (UTC).", _COMMENTS)
    _add(node, "comments", _person_comments(party), _COMMENTS)


def _person_comments(party: Party) -> str:
    lines = ["Accounts:", *(f"- {a.key}{f' <{a.url}>' if a.url else ''}" for a in party.accounts)]
    if party.links:
        lines.append("Accounts joined by shared identifiers:")
        lines += [f"- {lk['a']} and {lk['b']} share {lk['type']} {lk['value']} (evidence items "
                  f"{', '.join([*lk.get('evidence_a', [])[:3], *lk.get('evidence_b', [])[:3]])})"
                  for lk in party.links]
    if party.identifiers:
        lines.append("Identifiers seen with these accounts:")
        lines += [f"- {i.type} {i.value or i.normalized}: first seen {i.first_seen}, last seen {i.last_seen}, "
                  f"{len(i.sightings):,} sightings" for i in party.identifiers[:50]]
    listings = [i for i in party.items if i.get("kind") == "listing"]
    if listings:
        lines.append(f"Listings ({len(listings):,}; title, URL, when seen, evidence SHA-256):")
        lines += [f"- {item_label(i)} <{i.get('url')}> {i.get('seen_at')} {' '.join(evidence_hashes(i))}"
                  for i in listings[:_LISTINGS_SHOWN]]
        if len(listings) > _LISTINGS_SHOWN:
            lines.append(f"… and {len(listings) - _LISTINGS_SHOWN:,} more listings (see the CSV export)")
    return "\n".join(lines)


def _add(parent: etree._Element, tag: str, text: str, limit: int | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    node.text = _fit(text, limit)
    return node


def _fit(text: str, limit: int | None) -> str:
    """Text XML can carry, cut to the schema's length with a visible mark."""
    text = _NOT_XML.sub("", text)
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text


def _date(when: datetime) -> str:
    """goAML's sql_date: a dateTime without offset, here always UTC."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@lru_cache(maxsize=4)
def _schema(path: Path):  # noqa: ANN202 - xmlschema.XMLSchema11
    import xmlschema

    return xmlschema.XMLSchema11(str(path))


def validate_report(report: Path, schema: Path) -> list[str]:
    """Schema problems of a report, each as "where: what is wrong"; empty when the report is valid."""
    import xmlschema

    try:
        validator = _schema(Path(schema).resolve())
    except (OSError, xmlschema.XMLSchemaException) as exc:
        return [f"the goAML schema {schema} cannot be loaded: {exc}"]
    problems = []
    for error in validator.iter_errors(str(report)):
        found = error.obj if isinstance(error.obj, str) else None  # the offending value, when it is one
        problems.append(f"{error.path or 'the report'}: {error.reason or error.message}"
                        + (f" (found {found!r})" if found is not None else ""))
    return problems
