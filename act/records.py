"""Evidence records copied out of a crawl's WARC files into a package, byte for byte.

Each record's gzip member is copied exactly as the crawler wrote it, so the WARC digests it states stay valid and
anyone can check the packaged file with standard tools (`warcio check`). Before a record is copied it is re-read and
re-hashed against the SHA-256 the store recorded at crawl time; a record whose file is gone or whose bytes changed is
not copied but reported, because a package must never look complete when it is not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from warcio.archiveiterator import ArchiveIterator

from act.material import EvidenceFiles, Material
from crawlers.evidence import WarcMember, evidence_problems, read_members
from narcwatch.models import Evidence

WARC_NAME = "evidence/records.warc.gz"
SCREENSHOT_DIR = "screenshots"
_IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


@dataclass
class PackedRecord:
    """One response (or page) record in the package, with the records that belong to it."""

    record_id: str
    url: str
    fetched_at: str | None
    status: int | None
    source_file: str
    payload_sha256: str
    block_sha256: str
    item_ids: list[str]
    request_record_id: str | None = None
    ip_address: str | None = None
    rendered: bool = False
    screenshot_record_id: str | None = None
    screenshot_sha256: str | None = None
    screenshot: str | None = None  # its path inside the package


@dataclass
class PackedEvidence:
    """What went into `evidence/records.warc.gz` and `screenshots/`, and every record that could not."""

    records: list[PackedRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warc_records: int = 0  # gzip members written: responses, their requests and screenshots

    def ip_addresses(self) -> dict[str, list[str]]:
        """Host → the server addresses the crawler connected to (WARC-IP-Address), where they were recorded."""
        found: dict[str, set[str]] = {}
        for r in self.records:
            if r.ip_address:
                found.setdefault(urlsplit(r.url).hostname or "", set()).add(r.ip_address)
        return {host: sorted(ips) for host, ips in sorted(found.items())}


class _FileIndex:
    """Every record of one WARC file, read and hashed once: packages often take hundreds of records from a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.by_id: dict[str, WarcMember] = {}
        self.concurrent: dict[str, list[WarcMember]] = {}
        self.problem: str | None = None
        with path.open("rb") as fh:
            for member in read_members(fh):
                if member.problem:
                    self.problem = member.problem
                if member.headers is None:
                    continue
                self.by_id[member.record_id or ""] = member
                if to := member.headers.get_header("WARC-Concurrent-To"):
                    self.concurrent.setdefault(to, []).append(member)

    def related(self, response: WarcMember, kind: str) -> WarcMember | None:
        """The request record or screenshot resource record written with a response."""
        for m in self.concurrent.get(response.record_id or "", []):
            assert m.headers is not None
            if m.headers.get_header("WARC-Type") == kind:
                return m
        return None


def pack_evidence(material: Material, roots: Iterable[Path], folder: Path) -> PackedEvidence:
    """Copy the records behind `material` into `folder/evidence/records.warc.gz` and its screenshots into
    `folder/screenshots/`, checking every record against the store's SHA-256 first."""
    packed = PackedEvidence()
    files = EvidenceFiles(material, roots)
    indexes: dict[Path, _FileIndex] = {}
    warc = folder / WARC_NAME
    warc.parent.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    with warc.open("wb") as out:
        for doc in material.evidence:
            where = f"record {doc['id']} ({doc.get('url')}, {doc.get('warc_file')})"
            path = files.path(doc)
            if path is None:
                packed.problems.append(f"{where}: the WARC file is not where the run record or the evidence folders "
                                       "given say; the record is NOT in the package (give its crawl folder with "
                                       "--evidence)")
                continue
            if path not in indexes:
                indexes[path] = _FileIndex(path)
            index = indexes[path]
            response = index.by_id.get(doc["id"])
            problems = _check(doc, response, index)
            if problems:
                packed.problems.append(f"{where}: " + "; ".join(problems) + "; the record is NOT in the package")
                continue
            assert response is not None and response.headers is not None
            request = index.related(response, "request")
            shot = index.by_id.get(doc["screenshot_record_id"]) if doc.get("screenshot_record_id") else None
            record = PackedRecord(
                record_id=doc["id"], url=doc["url"], fetched_at=doc.get("fetched_at"), status=doc.get("status"),
                source_file=path.name, payload_sha256=doc["payload_sha256"], block_sha256=doc["block_sha256"],
                item_ids=list(doc.get("item_ids") or []), request_record_id=request.record_id if request else None,
                ip_address=response.headers.get_header("WARC-IP-Address"), rendered=bool(doc.get("rendered")),
                screenshot_record_id=doc.get("screenshot_record_id"), screenshot_sha256=doc.get("screenshot_sha256"))
            if request is None:
                packed.problems.append(f"{where}: no request record belongs to it in {path.name}; the response is "
                                       "in the package without its request")
            with path.open("rb") as fh:
                for member in (request, response, shot):
                    if member is None or member.record_id in written:
                        continue
                    fh.seek(member.offset)
                    data = fh.read(member.length)
                    out.write(data)
                    written.add(member.record_id or "")
                    packed.warc_records += 1
                    if member is shot:
                        record.screenshot = _save_screenshot(data, folder)
            packed.records.append(record)
    if not packed.warc_records:
        warc.unlink()  # an empty WARC would pass for evidence; the problems list says why there is none
    return packed


def _check(doc: dict, member: WarcMember | None, index: _FileIndex) -> list[str]:
    """The ways a stored record differs from what the store recorded at crawl time (nothing: it is intact)."""
    if member is None or member.headers is None or member.block is None:
        damage = f" ({index.problem})" if index.problem else ""
        return [f"{index.path.name} holds no readable record with this id{damage}"]
    try:
        evidence = Evidence.model_validate({**doc, "record_id": doc["id"]})
    except ValidationError as exc:
        return [f"the store's evidence record is incomplete ({exc.error_count()} fields missing or malformed)"]
    shot = index.by_id.get(evidence.screenshot_record_id) if evidence.screenshot_record_id else None
    return evidence_problems(evidence, member, shot)


def _save_screenshot(member: bytes, folder: Path) -> str:
    """The image of a screenshot resource record, named by its record id so the summary can point at it."""
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    image = record.content_stream().read()
    rid = record.rec_headers.get_header("WARC-Record-ID").strip("<>").removeprefix("urn:uuid:")
    suffix = _IMAGE_SUFFIX.get((record.rec_headers.get_header("Content-Type") or "").split(";")[0], ".bin")
    rel = f"{SCREENSHOT_DIR}/{rid}{suffix}"
    (folder / SCREENSHOT_DIR).mkdir(exist_ok=True)
    (folder / rel).write_bytes(image)
    return rel
