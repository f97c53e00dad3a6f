"""Takedown packages (one resource) and referral dossiers (one actor across sites), and checking either.

Both are a folder zipped into one file: the evidence records copied byte for byte, screenshots, the items as JSON,
an HTML summary and its PDF, and a manifest with the SHA-256 of every file. `verify` recomputes the manifest and
every packaged WARC record's own digests, so tampering with any byte is found by anyone holding the zip.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from act.cases import CaseBook
from act.manifest import (
    MANIFEST_DIGEST,
    Verification,
    tool_version,
    verify_package,
    write_manifest,
    zip_folder,
)
from act.material import Material, actor_item_ids, gather, resolve_actor, resource_item_ids
from act.notice import abuse_fields, load_mirrors, notice_text, sender
from act.records import PackedEvidence, pack_evidence
from act.render import html_to_pdf, render_html, utc
from crawlers.evidence import verify_warc
from index.store import Store

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class PackageError(ValueError):
    """A package that cannot be made as asked; the message says why."""


@dataclass
class Built:
    """A package made: where its zip is, its manifest's SHA-256, and what was wrong with the evidence."""

    zip: Path
    manifest_sha256: str
    files: int
    records: int
    problems: list[str] = field(default_factory=list)


def build_takedown(store: Store, resource_id: str, out: Path, *, roots: Sequence[Path] = (),
                   config: Path | None = None, sent_by: str | None = None) -> Built:
    """The takedown package of one resource, zipped into `out`; the resource's notes record that it was made."""
    book = CaseBook(store)
    resource = book.require(resource_id)
    material = gather(store, resource_item_ids(store, resource))
    if not material.items:
        raise PackageError(f"{resource.id} covers no crawled item any more: there is nothing to package")
    configured, config_note = load_mirrors(config)
    with _workspace(out) as folder:
        packed = pack_evidence(material, roots, folder)
        fields = abuse_fields(resource, material, packed, configured, config_note)
        text = notice_text(resource, material, fields, sender(sent_by))
        fields["notice_text"] = text
        fields["problems"] = packed.problems
        _write_json(folder / "notice.json", fields)
        _write_json(folder / "items.json", material.items)
        meta = [("resource", resource.id), ("kind", resource.kind.value), ("title", resource.title or ""),
                ("case", resource.case or "none"), ("state", resource.state.value), ("owner", resource.owner or "none"),
                ("first seen", utc(material.first_seen)), ("last seen", utc(material.last_seen)),
                *_made()]
        _summary(folder, "summary", "takedown.html", heading=f"Takedown package: {resource.title or resource.ref}",
                 meta=meta, material=material, packed=packed, resource=resource, notice=fields, notice_text=text)
        built = _seal(folder, out, resource.id, kind="takedown", packed=packed,
                      meta={"case": resource.case, "resource_state": resource.state.value, "operator": resource.owner,
                            "resource_kind": resource.kind.value})
    note = f"takedown package {built.zip.name} made, manifest SHA-256 {built.manifest_sha256}"
    if built.problems:
        note += f"; {len(built.problems)} evidence problems (see the package summary)"
    book.annotate(resource.id, note)
    return built


def build_referral(store: Store, actor_ref: str, out: Path, *, roots: Sequence[Path] = ()) -> Built:
    """The referral dossier of one actor across sites, zipped into `out`."""
    actor = resolve_actor(store, actor_ref)
    item_ids = actor_item_ids(store, actor)
    linked = [i for lk in actor.get("links") or [] for i in (*lk.get("evidence_a", []), *lk.get("evidence_b", []))]
    material = gather(store, list(dict.fromkeys([*item_ids, *linked])))
    if not material.items:
        raise PackageError(f"actor {actor['id']} has no crawled item in the store: there is nothing to refer")
    members = actor.get("members") or []
    with _workspace(out) as folder:
        packed = pack_evidence(material, roots, folder)
        records_of = _records_by_item(packed)
        links = [{**lk, "records": sorted({r for i in (*lk.get("evidence_a", []), *lk.get("evidence_b", []))
                                           for r in records_of.get(i, [])})} for lk in actor.get("links") or []]
        listings = material.listings()
        dossier = {"actor": actor["id"], "members": members, "sites": sorted({m["site"] for m in members}),
                   "links": links, "weak": actor.get("weak") or [],
                   "identifiers": [{**asdict(i), "first_seen": i.first_seen, "last_seen": i.last_seen, "sites": i.sites}
                                   for i in material.identifiers],
                   "substances": _substances(material), "first_seen": material.first_seen,
                   "last_seen": material.last_seen,
                   "listings": [{k: li.get(k) for k in ("id", "site", "url", "title", "vendor", "category",
                                                        "price_amount", "price_currency", "prices", "quantities",
                                                        "substance_names", "seen_at")} for li in listings],
                   "evidence_records": [r.record_id for r in packed.records], "problems": packed.problems}
        _write_json(folder / "dossier.json", dossier)
        _write_json(folder / "items.json", material.items)
        names = ", ".join(m["key"] for m in members)
        meta = [("actor", actor["id"]), ("accounts", names), ("sites", ", ".join(dossier["sites"])),
                ("first seen", utc(material.first_seen)), ("last seen", utc(material.last_seen)),
                *_made()]
        _summary(folder, "dossier", "dossier.html", heading=f"Referral dossier: {names}", meta=meta,
                 material=material, packed=packed, members=members, links=links, weak=dossier["weak"],
                 listings=listings, others=[i for i in material.items if i.get("kind") != "listing"])
        return _seal(folder, out, f"actor-{actor['id']}", kind="referral", packed=packed,
                     meta={"actor": actor["id"], "accounts": [m["key"] for m in members]})


def verify(path: Path) -> Verification:
    """The manifest check, plus every packaged WARC record's own block and payload digests."""
    result = verify_package(path)
    for name, data in _warc_files(path):
        with tempfile.NamedTemporaryFile(suffix=".warc.gz") as tmp:
            tmp.write(data)
            tmp.flush()
            check = verify_warc(Path(tmp.name))
        result.problems += [f"{name}: {e.split(': ', 1)[-1]}" for e in check.errors]
        if not check.records:
            result.problems.append(f"{name}: holds no readable WARC record")
    return result


# -- building blocks ----------------------------------------------------------------------------------------------
@contextmanager
def _workspace(out: Path) -> Iterator[Path]:
    """A scratch folder beside the output, removed whatever happens: only the finished zip stays."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".package-") as name:
        yield Path(name)


def _made() -> list[tuple[str, str]]:
    return [("made", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")), ("tool", f"narcwatch {tool_version()}")]


def _summary(folder: Path, stem: str, template: str, *, heading: str, meta: list[tuple[str, str]], material: Material,
             packed: PackedEvidence, **context: object) -> None:
    html = render_html(template, heading=heading, meta=meta, problems=packed.problems, items=material.items,
                       identifiers=material.identifiers, substances=_substances(material),
                       categories=material.categories().most_common(), sites=material.sites, hosts=material.hosts,
                       first_seen=material.first_seen, last_seen=material.last_seen, records=packed.records,
                       **context)
    page = folder / f"{stem}.html"
    page.write_text(html, encoding="utf-8")
    html_to_pdf(page, folder / f"{stem}.pdf")


def _seal(folder: Path, out: Path, subject: str, *, kind: str, packed: PackedEvidence, meta: dict) -> Built:
    manifest = write_manifest(folder, kind=kind, subject=subject,
                              meta={**{k: v for k, v in meta.items() if v is not None},
                                    "evidence_records": packed.warc_records, "evidence_problems": packed.problems})
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = out / f"{_UNSAFE.sub('_', subject).strip('_.')}-{stamp}.zip"
    zip_folder(folder, target)
    digest = (folder / MANIFEST_DIGEST).read_text(encoding="ascii").split()[0]
    return Built(zip=target, manifest_sha256=digest, files=len(manifest["files"]), records=len(packed.records),
                 problems=list(packed.problems))


def _substances(material: Material) -> list[dict]:
    """Each substance once, with its class, CAS number and precursor table where the lexicon knows them."""
    found: dict[str, dict] = {}
    for item in material.items:
        for s in {s.get("name"): s for s in item.get("substances") or [] if s.get("name")}.values():
            row = found.setdefault(s["name"], {"name": s["name"], "class": None, "cas": None, "precursor_table": None,
                                               "count": 0})
            row["count"] += 1
            for key in ("class", "cas", "precursor_table"):
                row[key] = row[key] or s.get(key)
    return sorted(found.values(), key=lambda r: (-r["count"], r["name"]))


def _records_by_item(packed: PackedEvidence) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in packed.records:
        for item in r.item_ids:
            out.setdefault(item, []).append(r.record_id)
    return out


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def _warc_files(path: Path) -> Iterable[tuple[str, bytes]]:
    """The package's WARC files, read from the folder or the zip (damage there is verify_package's to report)."""
    if path.is_dir():
        return [(p.relative_to(path).as_posix(), p.read_bytes()) for p in sorted(path.rglob("*.warc.gz"))]
    try:
        with zipfile.ZipFile(path) as zf:
            found = []
            for info in zf.infolist():
                if info.filename.endswith(".warc.gz"):
                    try:
                        found.append((info.filename, zf.read(info)))
                    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
                        continue
            return found
    except (OSError, zipfile.BadZipFile):
        return []
