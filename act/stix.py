"""STIX 2.1 bundles made with the `stix2` library: the producer's identity, a threat actor per operator, an
infrastructure per site or channel, cryptocurrency wallets as a custom observable declared by an extension
definition (STIX has none of its own), indicators with patterns for wallets, onion hosts and site URLs, the
relationships joining them, a note per operator with what was offered, and a report holding it all.

Ids are stable: observables get stix2's deterministic ids, everything else a UUIDv5 of what it stands for, so the
same subject exported twice names the same objects.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import stix2
from stix2.properties import StringProperty

from act.exports import Export, Infrastructure, Party, evidence_hashes, item_label
from act.manifest import tool_version
from act.reporting import Reporting

BUNDLE = "bundle.json"
_NS = uuid.UUID("6f0d4a52-3c1e-5b8e-9a7d-2e4c1b7f9d30")  # narcwatch's namespace for UUIDv5 ids
WALLET_EXTENSION = "extension-definition--3a6e6c0b-6f0e-4d8e-9a3c-8f1b2d5c7e41"
# The tool itself, author of the wallet extension definition (the same for every producer that uses narcwatch).
NARCWATCH = stix2.v21.Identity(id="identity--8d2c1f5e-4b7a-5c39-a0e6-1f3d9b2c7a58", name="narcwatch",
                               identity_class="system", created="2026-01-01T00:00:00Z",
                               modified="2026-01-01T00:00:00Z",
                               description="Open-source crawler and analysis framework for darknet drug trafficking")
WALLET_DEFINITION = stix2.v21.ExtensionDefinition(
    id=WALLET_EXTENSION, created_by_ref=NARCWATCH.id, created="2026-01-01T00:00:00Z",
    modified="2026-01-01T00:00:00Z", name="x-cryptocurrency-wallet", version="1.0.0", extension_types=["new-sco"],
    description="A cryptocurrency address as published: value (the address), currency (ticker), address_kind "
                "(p2pkh, bech32, subaddress, …). Its id is deterministic from the value.",
    schema="narcwatch x-cryptocurrency-wallet 1.0: {value: string (required), currency: string, address_kind: "
           "string}")


@stix2.v21.CustomObservable("x-cryptocurrency-wallet", [
    ("value", StringProperty(required=True)),
    ("currency", StringProperty()),
    ("address_kind", StringProperty()),
], extension_name=WALLET_EXTENSION, id_contrib_props=["value"])
class CryptocurrencyWallet:
    """A cryptocurrency address (STIX 2.1 has no core observable for it)."""


def export_stix(export: Export, folder: Path, config: Reporting) -> dict[str, int]:
    bundle = build_bundle(export, config)
    # stix2's own pretty printing takes minutes on a few thousand objects; its compact form re-indented does not.
    text = json.dumps(json.loads(bundle.serialize()), indent=2, ensure_ascii=False)
    (folder / BUNDLE).write_text(text + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for obj in bundle.objects:
        counts[obj.type] = counts.get(obj.type, 0) + 1
    return {f"STIX {k}": v for k, v in sorted(counts.items())}


def pattern_literal(value: str) -> str:
    """A STIX pattern string literal: quotes and backslashes escaped, so a value cannot end the comparison."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def build_bundle(export: Export, config: Reporting) -> stix2.v21.Bundle:
    m = export.material
    now = datetime.now(UTC)
    first = _when(m.first_seen) or now
    producer = stix2.v21.Identity(id=_id("identity", "producer", config.producer.name), name=config.producer.name,
                                  identity_class=config.stix.producer_class,
                                  contact_information=config.producer.contact, created=first, modified=first)
    common = {"created_by_ref": producer.id, "created": first, "modified": first}
    objects: list = [NARCWATCH, WALLET_DEFINITION, producer]

    infra: dict[str, stix2.v21.Infrastructure] = {}
    for site in export.infrastructure:
        infra[site.name] = _infrastructure(site, common)
        objects.append(infra[site.name])
        for host in site.onions:
            domain = stix2.v21.DomainName(value=host)
            objects += [domain, *_indicator(f"[domain-name:value = {pattern_literal(host)}]", f"onion host {host}",
                                            f"Onion host of {site.name}", infra[site.name], site.first_seen,
                                            common)]
            objects.append(_relation(infra[site.name], "consists-of", domain, common))
        for url in site.urls:
            if (u := _host(url)) and u.endswith(".onion"):
                objects += _indicator(f"[url:value = {pattern_literal(url)}]", f"site URL {url}",
                                      f"Entry URL of {site.name}", infra[site.name], site.first_seen, common)

    actors: dict[str, stix2.v21.ThreatActor] = {}
    for party in export.parties:
        actor = _threat_actor(party, common)
        actors[party.id] = actor
        objects += [actor, _note(party, actor, common)]
        for site in {a.site for a in party.accounts} | {i.get("channel") for i in party.items if i.get("channel")}:
            if site in infra:
                objects.append(_relation(actor, "uses", infra[site], common))

    for ident in export.wallets:
        if ident.type != "crypto_address":
            continue
        wallet = CryptocurrencyWallet(value=ident.normalized, currency=ident.currency, address_kind=ident.kind)
        users = [actors[p.id] for p in export.parties if any(i is ident for i in p.identifiers)]
        objects.append(wallet)
        for actor in users or [None]:
            objects += _indicator(f"[x-cryptocurrency-wallet:value = {pattern_literal(ident.normalized)}]",
                                  f"{ident.currency or 'crypto'} wallet {ident.normalized}",
                                  f"Payment address seen {len(ident.sightings)} times on {', '.join(ident.sites)}",
                                  actor, ident.first_seen, common)

    # stix2 refuses references to a custom observable unless custom content is allowed, so wallets are joined to
    # their actors through their indicators' patterns, not by reference.
    refs = [o.id for o in objects if o.type not in ("identity", "extension-definition", CryptocurrencyWallet._type)]
    substances = ", ".join(f"{name} ({n})" for name, n in m.substances().most_common(20))
    objects.append(stix2.v21.Report(
        id=_id("report", export.subject), name=f"narcwatch export: {export.subject}", published=now,
        report_types=["threat-actor", "infrastructure", "indicator"], object_refs=refs or [producer.id],
        description=f"{len(m.items):,} items seen between {m.first_seen} and {m.last_seen} (UTC) on "
                    f"{', '.join(m.sites) or 'no site'}; substances offered: {substances or 'none recognised'}. "
                    f"Made by narcwatch {tool_version()}."
                    + "".join(f"\nResource {r.id} ({r.state.value}): {r.title or r.ref}" for r in export.resources),
        **common))
    return stix2.v21.Bundle(objects=_unique(objects))


def _infrastructure(site: Infrastructure, common: dict) -> stix2.v21.Infrastructure:
    kind = "Messaging channel" if site.kind == "channel" else "Darknet site"
    return stix2.v21.Infrastructure(
        id=_id("infrastructure", site.kind, site.name), name=site.name, infrastructure_types=["unknown"],
        description=f"{kind} {site.name}: {len(site.items):,} items crawled; hosts {', '.join(site.hosts)}; "
                    f"reachable at {', '.join(site.urls)}",
        first_seen=_when(site.first_seen), last_seen=_when(site.last_seen), **common)


def _threat_actor(party: Party, common: dict) -> stix2.v21.ThreatActor:
    keys = [a.key for a in party.accounts]
    return stix2.v21.ThreatActor(
        id=_id("threat-actor", party.id), name=party.names[0] if len(keys) == 1 else f"{party.names[0]} "
        f"(+{len(keys) - 1} linked accounts)", threat_actor_types=["criminal"], aliases=party.names,
        description=f"Accounts {', '.join(keys)} on {', '.join(party.sites)}"
                    + (f", joined by {', '.join(sorted({lk['type'] for lk in party.links}))}" if party.links else ""),
        first_seen=_when(party.first_seen), last_seen=_when(party.last_seen), **common)


def _note(party: Party, actor: stix2.v21.ThreatActor, common: dict) -> stix2.v21.Note:
    substances: dict[str, int] = {}
    for item in party.items:
        for name in item.get("substance_names") or []:
            substances[name] = substances.get(name, 0) + 1
    listings = [i for i in party.items if i.get("kind") == "listing"]
    lines = [f"Substances: {', '.join(f'{k} ({v})' for k, v in sorted(substances.items())) or 'none recognised'}",
             f"Listings ({len(listings)}):",
             *(f"- {item_label(i)} <{i.get('url')}> seen {i.get('seen_at')}; evidence SHA-256 "
               f"{' '.join(evidence_hashes(i)) or 'none'}" for i in listings[:100])]
    return stix2.v21.Note(id=_id("note", party.id), abstract=f"What {party.names[0]} offered",
                          content="\n".join(lines), object_refs=[actor.id], **common)


def _indicator(pattern: str, name: str, description: str, target: object, first_seen: str | None,
               common: dict) -> list:
    """The indicator, and that it indicates `target` (an actor or infrastructure) when there is one."""
    indicator = stix2.v21.Indicator(id=_id("indicator", pattern), name=name, description=description,
                                    pattern=pattern, pattern_type="stix", indicator_types=["attribution"],
                                    valid_from=_when(first_seen) or common["created"], **common)
    return [indicator] + ([_relation(indicator, "indicates", target, common)] if target is not None else [])


def _relation(source: object, kind: str, target: object, common: dict) -> stix2.v21.Relationship:
    return stix2.v21.Relationship(id=_id("relationship", source.id, kind, target.id), source_ref=source.id,
                                  relationship_type=kind, target_ref=target.id, **common)


def _unique(objects: list) -> list:
    seen: dict[str, object] = {}
    for o in objects:
        seen.setdefault(o.id, o)
    return list(seen.values())


def _id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, json.dumps([kind, *parts], ensure_ascii=False))}"


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _host(url: str) -> str | None:
    return urlsplit(url).hostname
