"""What a platform's or hosting provider's abuse desk asks for, per kind of resource, and the notice that goes with it.

A channel is named by its handle, numeric id and message permalinks with their times; a site by its hostnames,
mirrors and where it is hosted; a listing, vendor account or wallet by its URLs, site and account. The notice text
follows the EU Digital Services Act art. 16: exact locations, why the content is illegal, who sends it, good faith.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from act.material import Material
from act.records import PackedEvidence
from narcwatch.models import Resource, ResourceKind

SENDER_ENV = "NARCWATCH_SENDER"
SENDER_PLACEHOLDER = ("[FILL IN before sending: authority or unit, officer, postal and e-mail address — give "
                      f"--sender or set {SENDER_ENV}]")
# Public message links of a Telegram-style channel: t.me/<handle>/<message id>.
PERMALINK = "https://t.me/{handle}/{message}"
NUMERIC_ID_UNKNOWN = ("not shown on the public preview pages that were crawled; the platform resolves it from the "
                      "handle")
ONION_HOSTING = "hosting unknown (onion service: Tor hides the server's address)"
CATEGORY_WORDS = {"drug_offer": "an offer to sell controlled drugs",
                  "precursor_offer": "an offer to sell drug precursors",
                  "other_illicit_offer": "an offer of other illicit goods"}


def sender(given: str | None) -> str:
    """Who sends the notice: the option, else the environment, else a placeholder that says to fill it in."""
    return given or os.environ.get(SENDER_ENV) or SENDER_PLACEHOLDER


def load_mirrors(config: Path | None) -> tuple[dict[str, list[str]], str | None]:
    """Source name → its configured start and mirror hosts, and why the config could not be read, if it could not
    (a package is still made without them)."""
    if config is None:
        return {}, "no sources config given (--config): configured mirrors are not listed"
    from crawlers.config import ConfigError, load_sources

    try:
        sources = load_sources(config)
    except ConfigError as exc:
        return {}, f"the sources config could not be read, so configured mirrors are not listed: {exc}"
    return {s.name: s.hosts for s in sources.sources}, None


def abuse_fields(resource: Resource, material: Material, packed: PackedEvidence,
                 configured: dict[str, list[str]], config_note: str | None) -> dict:
    """The abuse-desk fields of one resource, machine-readable (notice.json)."""
    fields: dict = {"resource": resource.id, "kind": resource.kind.value, "title": resource.title,
                    "site": resource.site, "first_seen": material.first_seen, "last_seen": material.last_seen,
                    "urls": urls(resource, material)}
    if resource.kind is ResourceKind.CHANNEL:
        fields["channels"] = _channels(material)
    if resource.kind is ResourceKind.SITE:
        fields.update(_site(resource, material, packed, configured, config_note))
    if resource.kind in (ResourceKind.LISTING, ResourceKind.VENDOR, ResourceKind.WALLET):
        fields["sites"] = material.sites
        fields["accounts"] = sorted({a for i in material.items for a in (i.get("vendor"), i.get("author"),
                                                                        i.get("name")) if a})
        fields["hosts"] = material.hosts
    if resource.kind is ResourceKind.WALLET:
        fields["wallet"] = resource.ref
    fields["evidence_records"] = [r.record_id for r in packed.records]
    return fields


def urls(resource: Resource, material: Material) -> list[str]:
    """Every exact URL of the offending content: the items' pages, then the resource's own entry points."""
    return list(dict.fromkeys([*(i["url"] for i in material.items if i.get("url")), *resource.urls]))


def _channels(material: Material) -> list[dict]:
    channels: dict[str, dict] = {}
    for item in material.items:
        handle = item.get("channel")
        if item.get("kind") != "post" or not handle:
            continue
        entry = channels.setdefault(handle, {"handle": handle, "numeric_id": None,
                                             "numeric_id_note": NUMERIC_ID_UNKNOWN, "messages": []})
        message = item.get("native_id") or item["id"].rsplit("/", 1)[-1]
        entry["messages"].append({
            "message_id": message, "permalink": PERMALINK.format(handle=handle, message=message),
            "posted_at": item.get("posted_at"), "fetched_url": item.get("url"),
            "evidence_urls": sorted({e["url"] for e in item.get("evidence") or []}),
            "evidence_records": [e["record_id"] for e in item.get("evidence") or []]})
    for entry in channels.values():
        entry["messages"].sort(key=lambda m: (len(m["message_id"]), m["message_id"]))
    return [channels[h] for h in sorted(channels)]


def _site(resource: Resource, material: Material, packed: PackedEvidence, configured: dict[str, list[str]],
          config_note: str | None) -> dict:
    seen = material.hosts
    config_hosts = configured.get(resource.ref, [])
    ips = packed.ip_addresses()
    hosts = sorted({*seen, *config_hosts})
    hosting = []
    for host in hosts:
        # For an onion the address the crawler connected to was its Tor proxy, not the server.
        found = [] if host.endswith(".onion") else ips.get(host, [])
        if host.endswith(".onion"):
            detail = ONION_HOSTING
        elif found:
            detail = "server address(es) the crawler connected to: " + ", ".join(found)
        else:
            detail = "no server address was recorded for this host"
        hosting.append({"host": host, "ip_addresses": found, "detail": detail})
    return {"hostnames": seen,
            "mirrors": [{"host": h, "seen_in_crawl": h in seen, "configured": h in config_hosts} for h in hosts],
            "mirrors_note": config_note, "hosting": hosting}


def notice_text(resource: Resource, material: Material, fields: dict, who: str, *, limit: int = 200) -> str:
    """A DSA art. 16-style notice: what and where, why it is illegal, who sends it, and the good-faith statement."""
    categories = [CATEGORY_WORDS.get(c, c.replace("_", " ")) for c, _ in material.categories().most_common()
                  if c != "not_offer"]
    substances = [s for s, _ in material.substances().most_common()]
    located: Sequence[str] = fields["urls"]
    shown = "\n".join(f"  - {u}" for u in located[:limit])
    more = f"\n  … and {len(located) - limit:,} more, listed in notice.json" if len(located) > limit else ""
    why = (f"The content is {', '.join(categories) or 'an offer of controlled substances'}"
           + (f" ({', '.join(substances)})" if substances else "")
           + ". Offering these for sale is a criminal offence under the UN Single Convention on Narcotic Drugs (1961), "
             "the Convention on Psychotropic Substances (1971) and the Convention against Illicit Traffic (1988, "
             "art. 3 and its precursor Tables I and II), as implemented in national law.")
    return (f"Notice of illegal content (Regulation (EU) 2022/2065, art. 16)\n\n"
            f"Content: {resource.title or resource.ref} ({resource.kind.value} {resource.ref})\n"
            f"Exact location(s):\n{shown}{more}\n"
            f"First seen {material.first_seen or 'unknown'}, last seen {material.last_seen or 'unknown'} (UTC).\n\n"
            f"Why it is illegal: {why}\n\n"
            f"Sent by: {who}\n\n"
            "Good-faith statement: the sender believes in good faith that the information and allegations in this "
            "notice are accurate and complete. The captures it rests on are attached with their SHA-256 digests "
            "(manifest.json).\n")
