"""Court-grade evidence: every HTTP exchange the crawler receives is preserved in gzip WARC 1.1 files.

The downloader middleware writes the exchange before the response reaches the spider, so no item can exist whose
bytes were not preserved first. Every record carries SHA-256 block and payload digests in the WARC convention
(`sha256:<base32>`), which standard tools such as `warcio check` recompute independently of this code.

Non-standard WARC fields (allowed by WARC 1.1 §5) used here:

- `WARC-Rendered: true` on a response record: the payload is the DOM serialised by a browser after scripts ran, not
  the bytes the server sent; status and headers are those of the browser's navigation response.
- `WARC-Resource-Type: screenshot` on the resource record holding a screenshot of that rendered page.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy_playwright.page import PageMethod
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from narcwatch.models import Evidence

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.http.headers import Headers

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 512 * 2**20
WARC_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # run ids and sources become file names: no paths, no dot files
_CHUNK = 1 << 16
_HTTP_RECORDS = ("request", "response")
# Our proxy credentials are infrastructure, not part of the exchange with the site, and must not reach a court file.
_PRIVATE_REQUEST_HEADERS = frozenset({"proxy-authorization"})


def _software() -> str:
    try:
        return f"narcwatch/{version('narcwatch')}"
    except PackageNotFoundError:
        return "narcwatch/0"


SOFTWARE = _software()


class EvidenceError(ValueError):
    """Stored evidence is missing or does not match what was recorded at crawl time."""


def _warc_digest(digest: bytes) -> str:
    """`sha256:` + padded base32: warcio's checker compares base32 by length, so unpadded SHA-256 would fail it."""
    return "sha256:" + base64.b32encode(digest).decode("ascii")


def _sha256_hex(warc_digest: str | None) -> str | None:
    """Hex of a `sha256:` WARC digest (base32, padded or not, or base16); None when absent or another algorithm."""
    if not warc_digest:
        return None
    algorithm, _, value = warc_digest.partition(":")
    if algorithm.strip().lower().replace("-", "") != "sha256":
        return None
    value = value.strip()
    try:
        if len(value) == 64:
            return bytes.fromhex(value).hex()
        return base64.b32decode(value + "=" * (-len(value) % 8), casefold=True).hex()
    except ValueError:
        return None


def _http_head(start_line: str, headers: list[tuple[str, str]]) -> bytes:
    """Serialise an HTTP header section byte-exactly: values are latin-1 strings, i.e. the bytes as received."""
    lines = [start_line, *(f"{name}: {value}" for name, value in headers)]
    if any("\r" in line or "\n" in line for line in lines):
        raise ValueError(f"line break inside an HTTP header would corrupt the record: {lines!r}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _image_type(data: bytes) -> str:
    """Label screenshots by their bytes: Playwright writes JPEG when asked to, and a wrong type misleads viewers."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "application/octet-stream"


def _new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass(frozen=True)
class _Written:
    offset: int
    length: int
    payload_sha256: str
    block_sha256: str


class WarcStore:
    """Append-only gzip WARC 1.1 files for one run and source.

    A store never reopens an existing file: after a crash the last record of the old file may be truncated, so a new
    store (or a store recovering from a write error) always starts the next sequence number.
    """

    def __init__(
        self,
        directory: Path,
        run_id: str,
        source: str,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        software: str = SOFTWARE,
        operator: str | None = None,
    ) -> None:
        for label, value in (("run_id", run_id), ("source", source)):
            if not _NAME.fullmatch(value):
                raise ValueError(f"{label} {value!r} cannot be used in a file name")
        self.directory = directory
        self.run_id = run_id
        self.source = source
        self.max_size = max_size
        self.software = software
        self.operator = operator
        self.bytes_written = 0  # compressed bytes appended to WARC files by this store
        self._files: list[Path] = []
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._warcinfo_id = ""
        self._closed = False
        directory.mkdir(parents=True, exist_ok=True)  # fail at start-up, not on the first page, if it is unusable

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        self._close_file()

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
        ip_address: str | None = None,
        fetched_at: datetime,
        rendered: bool = False,
        screenshot: bytes | None = None,
    ) -> Evidence:
        """Write request, response and optional screenshot records; flushed, so a kill -9 keeps them."""
        if self._closed:
            raise ValueError("the WARC store is closed")
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        date = datetime_to_iso_date(fetched_at.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        request_id, response_id = _new_record_id(), _new_record_id()
        common = [("WARC-Target-URI", url)] + ([("WARC-IP-Address", ip_address)] if ip_address else [])
        request_head = _http_head(f"{method} {_request_target(url)} {protocol}", request_headers)
        # The body is stored de-chunked: a chunked framing header would make readers try to de-chunk it again.
        stored_headers = [(k, v) for k, v in response_headers if k.lower() != "transfer-encoding"]
        response_head = _http_head(f"{protocol} {status} {_reason(status)}", stored_headers)
        try:
            if self._fh is None or self._fh.tell() >= self.max_size:
                self._next_file()
            self._write(
                "request",
                request_id,
                date,
                request_head,
                request_body,
                "application/http; msgtype=request",
                [*common, ("WARC-Concurrent-To", response_id)],
            )
            response = self._write(
                "response",
                response_id,
                date,
                response_head,
                body,
                "application/http; msgtype=response",
                [*common, ("WARC-Concurrent-To", request_id)] + ([("WARC-Rendered", "true")] if rendered else []),
            )
            screenshot_id = screenshot_sha256 = None
            if screenshot is not None:
                screenshot_id = _new_record_id()
                shot = self._write(
                    "resource",
                    screenshot_id,
                    date,
                    b"",
                    screenshot,
                    _image_type(screenshot),
                    [
                        ("WARC-Target-URI", url),
                        ("WARC-Concurrent-To", response_id),
                        ("WARC-Resource-Type", "screenshot"),
                    ],
                )
                screenshot_sha256 = shot.payload_sha256
        except BaseException:
            self._abandon_file()
            raise
        return Evidence(
            url=url,
            warc_file=self._files[-1].name,
            record_id=response_id,
            request_record_id=request_id,
            offset=response.offset,
            length=response.length,
            payload_sha256=response.payload_sha256,
            block_sha256=response.block_sha256,
            status=status,
            fetched_at=fetched_at,
            rendered=rendered,
            screenshot_record_id=screenshot_id,
            screenshot_sha256=screenshot_sha256,
        )

    def _next_file(self) -> None:
        self._close_file()
        prefix = f"{self.run_id}-{self.source}-"
        pattern = re.compile(re.escape(prefix) + r"(\d{5,})\.warc\.gz")
        seq = max((int(m[1]) for p in self.directory.iterdir() if (m := pattern.fullmatch(p.name))), default=0)
        while True:
            seq += 1
            path = self.directory / f"{prefix}{seq:05d}.warc.gz"
            try:
                self._fh = path.open("xb")  # exclusive: never append to a file someone else (or a crash) left behind
            except FileExistsError:
                continue
            break
        self._files.append(path)
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        self._warcinfo_id = _new_record_id()
        info = {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": WARC_SPEC,
            "operator": self.operator,
            "narcwatch-run-id": self.run_id,
            "narcwatch-source": self.source,
        }
        fields = "".join(f"{k}: {v}\r\n" for k, v in info.items() if v).encode("utf-8")
        now = datetime_to_iso_date(datetime.now(UTC).replace(tzinfo=None), use_micros=True)
        self._write(
            "warcinfo", self._warcinfo_id, now, b"", fields, "application/warc-fields", [("WARC-Filename", path.name)]
        )

    def _write(
        self,
        rec_type: str,
        record_id: str,
        date: str,
        head: bytes,
        payload: bytes,
        content_type: str,
        extra: list[tuple[str, str]],
    ) -> _Written:
        """Append one record as its own gzip member, with digests computed here over the exact bytes written."""
        assert self._fh is not None and self._writer is not None
        payload_hash = hashlib.sha256(payload)
        block_hash = hashlib.sha256(head)
        block_hash.update(payload)
        headers = [("WARC-Type", rec_type), ("WARC-Record-ID", record_id), ("WARC-Date", date), *extra]
        if rec_type != "warcinfo":
            headers.append(("WARC-Warcinfo-ID", self._warcinfo_id))
            headers.append(("WARC-Payload-Digest", _warc_digest(payload_hash.digest())))
        headers.append(("WARC-Block-Digest", _warc_digest(block_hash.digest())))
        # Built directly (no http_headers) so warcio writes our header bytes verbatim instead of re-encoding them.
        block = head + payload
        record = ArcWarcRecord(
            "warc",
            rec_type,
            StatusAndHeaders("", headers, protocol="WARC/1.1"),
            BytesIO(block),
            None,
            content_type,
            len(block),
        )
        offset = self._fh.tell()
        self._writer.write_record(record)  # one gzip member, flushed to the OS
        length = self._fh.tell() - offset
        self.bytes_written += length
        return _Written(offset, length, payload_hash.hexdigest(), block_hash.hexdigest())

    def _close_file(self) -> None:
        if self._fh is None:
            return
        fh, self._fh, self._writer = self._fh, None, None
        try:
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fh.close()
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the new file's directory entry must survive a power cut too
        finally:
            os.close(dir_fd)

    def _abandon_file(self) -> None:
        """A failed write may have left half a record: keep it as the file's last, and start a new file next time."""
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
        self._fh, self._writer = None, None


class _GzipMember:
    """A readable stream of exactly one gzip member of `fh`, leaving `fh` at the start of the next member.

    Splitting members ourselves gives exact record offsets and tells a member cut short by a crash (`truncated`)
    apart from one that is complete, which warcio's own iterator does not report.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._buffer = b""
        self.truncated = False

    def read(self, size: int) -> bytes:
        while not self._buffer and not self._inflate.eof:
            data = self._inflate.unconsumed_tail or self._fh.read(_CHUNK)
            if not data:
                self.truncated = True
                break
            self._buffer = self._inflate.decompress(data, _CHUNK)  # bounded output: no decompression bombs
            if self._inflate.eof:
                self._fh.seek(-len(self._inflate.unused_data), os.SEEK_CUR)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


@dataclass(frozen=True)
class _Block:
    size: int
    block_sha256: str
    payload_sha256: str | None  # None for an HTTP record whose header section never ends
    head: bytes  # HTTP start line and headers; empty for non-HTTP records


def _read_block(stream: IO[bytes], http: bool) -> _Block:
    block, payload = hashlib.sha256(), hashlib.sha256()
    size, head, in_head = 0, b"", http
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        block.update(chunk)
        if in_head:
            head += chunk
            end = head.find(b"\r\n\r\n")
            if end < 0:
                continue
            head, chunk, in_head = head[: end + 4], head[end + 4 :], False
        payload.update(chunk)
    return _Block(size, block.hexdigest(), None if in_head else payload.hexdigest(), head)


@dataclass(frozen=True)
class WarcMember:
    """One gzip member of a WARC file (one record, when intact): where it is, its headers and its recomputed hashes."""

    offset: int
    length: int
    headers: StatusAndHeaders | None  # WARC headers of its record; None when the member could not be parsed
    block: _Block | None
    problem: str | None  # damage to the member itself: truncated, unreadable, wrong length, several records

    @property
    def record_id(self) -> str | None:
        return self.headers.get_header("WARC-Record-ID") if self.headers else None


def _read_member(fh: IO[bytes]) -> WarcMember:
    offset = fh.tell()
    member = _GzipMember(fh)
    headers = block = problem = None
    try:
        records = ArchiveIterator(member, no_record_parse=True)
        record = next(records)
        headers = record.rec_headers
        block = _read_block(record.raw_stream, record.rec_type in _HTTP_RECORDS)
        if next(records, None) is not None:
            problem = f"gzip member at offset {offset} holds more than one record"
        while member.read(_CHUNK):
            pass
    except Exception as exc:  # warcio and zlib raise many exception types on damaged input
        with contextlib.suppress(Exception):
            while member.read(_CHUNK):  # find out whether the file simply ends inside this member
                pass
        problem = None if member.truncated else f"unreadable record at offset {offset} ({exc})"
    if member.truncated:
        problem = f"truncated record at offset {offset} (file ends inside it)"
    elif headers is not None and block is not None and problem is None:
        stated = headers.get_header("Content-Length")
        if stated != str(block.size):
            problem = f"record at offset {offset} has {block.size} block bytes but Content-Length says {stated}"
    return WarcMember(offset, fh.tell() - offset, headers, block, problem)


def read_members(fh: IO[bytes]) -> Iterator[WarcMember]:
    """Every member from the current position to the end; stops after one whose end cannot be known."""
    size = os.fstat(fh.fileno()).st_size
    while fh.tell() < size:
        member = _read_member(fh)
        yield member
        if member.block is None or member.problem:
            return


def _digest_problems(headers: StatusAndHeaders, block: _Block) -> list[str]:
    """Compare the digests a record states with SHA-256 recomputed over the bytes actually stored."""
    problems = []
    for name, actual in (("WARC-Block-Digest", block.block_sha256), ("WARC-Payload-Digest", block.payload_sha256)):
        stated = headers.get_header(name)
        if stated is None:
            if name == "WARC-Block-Digest":
                problems.append(f"has no {name}")
            continue
        stated_hex = _sha256_hex(stated)
        if stated_hex is None:
            problems.append(f"{name} {stated!r} is not a readable SHA-256 digest")
        elif actual is None:
            problems.append(f"{name} cannot be checked: the HTTP header section never ends")
        elif stated_hex != actual:
            problems.append(f"{name} says SHA-256 {stated_hex} but the stored bytes hash to {actual}")
    return problems


@dataclass
class WarcCheck:
    records: int = 0  # records that could be read, whether or not their digests matched
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def verify_warc(path: Path) -> WarcCheck:
    """Recompute every record's SHA-256 digests; damage (e.g. a record cut by kill -9) is reported, not raised."""
    check = WarcCheck()
    with path.open("rb") as fh:
        for member in read_members(fh):
            if member.headers is not None and member.block is not None and not member.problem:
                check.records += 1
                record = f"{path.name}: record {member.record_id} at offset {member.offset}"
                check.errors += [f"{record}: {p}" for p in _digest_problems(member.headers, member.block)]
            if member.problem:
                check.errors.append(f"{path.name}: {member.problem}")
    return check


def verify_evidence(directory: Path, evidence: Evidence) -> None:
    """Prove that the record an item points to is still in place and hashes to what was recorded at crawl time."""
    where = f"{evidence.warc_file}: record {evidence.record_id} at offset {evidence.offset}"
    try:
        fh = (directory / evidence.warc_file).open("rb")
    except OSError as exc:
        raise EvidenceError(f"{where}: evidence file cannot be opened ({exc.strerror})") from exc
    with fh:
        fh.seek(evidence.offset)
        member = _read_member(fh)
        if member.headers is None or member.block is None:
            raise EvidenceError(f"{where}: {member.problem}")
        if member.record_id != evidence.record_id:
            raise EvidenceError(f"{where}: found record {member.record_id} there instead")
        shot = None
        if evidence.screenshot_record_id:
            fh.seek(0)
            shot = next((m for m in read_members(fh) if m.record_id == evidence.screenshot_record_id), None)
        problems = evidence_problems(evidence, member, shot)
    if problems:
        raise EvidenceError(f"{where}: " + "; ".join(problems))


def evidence_problems(evidence: Evidence, member: WarcMember, shot: WarcMember | None) -> list[str]:
    """How a response record read back from its file (and its screenshot record, when the evidence names one)
    differs from what the evidence recorded at crawl time; nothing when it is intact."""
    assert member.headers is not None and member.block is not None
    problems = [member.problem] if member.problem else []
    if member.offset != evidence.offset:
        problems.append(f"record is at offset {member.offset}, the evidence says {evidence.offset}")
    if member.length != evidence.length:
        problems.append(f"record is {member.length} compressed bytes long, the evidence says {evidence.length}")
    if (uri := member.headers.get_header("WARC-Target-URI")) != evidence.url:
        problems.append(f"record is for {uri}, the evidence is for {evidence.url}")
    for what, expected, actual in (
        ("payload", evidence.payload_sha256, member.block.payload_sha256),
        ("block", evidence.block_sha256, member.block.block_sha256),
    ):
        if actual != expected:
            problems.append(f"{what} SHA-256 is {actual}, the evidence says {expected}")
    problems += _digest_problems(member.headers, member.block)
    if evidence.screenshot_record_id:
        problems += _screenshot_problems(shot, evidence)
    return problems


def _screenshot_problems(shot: WarcMember | None, evidence: Evidence) -> list[str]:
    name = f"screenshot record {evidence.screenshot_record_id}"
    if shot is None or shot.headers is None or shot.block is None:
        return [f"{name} not found in the file"]
    problems = [f"{name}: {p}" for p in ([shot.problem] if shot.problem else [])]
    if shot.block.block_sha256 != evidence.screenshot_sha256:
        problems.append(f"{name}: SHA-256 is {shot.block.block_sha256}, the evidence says {evidence.screenshot_sha256}")
    if shot.headers.get_header("WARC-Concurrent-To") != evidence.record_id:
        problems.append(f"{name} does not belong to response {evidence.record_id}")
    problems += [f"{name}: {p}" for p in _digest_problems(shot.headers, shot.block)]
    return problems


def _header_pairs(headers: Headers, omit: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Scrapy keeps raw header bytes; latin-1 maps them one-to-one onto str and back."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.decode("latin-1").lower() not in omit
        for value in values
    ]


def _screenshot(request: Request) -> bytes | None:
    """The last screenshot a scrapy-playwright PageMethod took of this page, if any."""
    methods = request.meta.get("playwright_page_methods") or ()
    if isinstance(methods, dict):
        methods = methods.values()
    shots = [m.result for m in methods if isinstance(m, PageMethod) and m.method == "screenshot"]
    return next((s for s in reversed(shots) if isinstance(s, bytes)), None)


REDACTED_BODY = b"[narcwatch: request body withheld: it carries the unit's login credentials]"


def _request_body(request: Request) -> bytes:
    """A login form's body holds the unit's password: the evidence keeps the exchange, not the credential."""
    return REDACTED_BODY if request.meta.get("evidence_redact_request_body") else request.body


class EvidenceMiddleware:
    """Downloader middleware that preserves every HTTP response before anything downstream may use it.

    Installed at priority 950, its process_response runs before HttpCompressionMiddleware (590) and so stores the
    payload exactly as received (still compressed). A response whose evidence cannot be written is dropped with
    IgnoreRequest: no item may come from a page that was not preserved. `request.meta["evidence"]` is a list of
    Evidence, one per hop of a redirect chain; the last one is the response the callback receives.
    Responses to non-HTTP URLs (file:, data:) are not exchanges with a site and are passed through unrecorded.

    Stats: `evidence/records` (responses preserved), `evidence/bytes` (compressed bytes written, warcinfo included),
    `evidence/screenshots`, `evidence/failures` (responses dropped because their evidence could not be written).
    """

    def __init__(self, crawler: Crawler, directory: Path, run_id: str, max_size: int) -> None:
        self.crawler = crawler
        self.directory = directory
        self.run_id = run_id
        self.max_size = max_size
        self._store: WarcStore | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        directory = settings.get("NARCWATCH_EVIDENCE_DIR")
        if not directory:
            raise NotConfigured("NARCWATCH_EVIDENCE_DIR is not set")
        run_id = settings.get("NARCWATCH_RUN_ID")
        if not run_id:  # evidence without a run id cannot be tied to a case file: refuse to crawl at all
            raise ValueError("NARCWATCH_RUN_ID must be set when NARCWATCH_EVIDENCE_DIR is")
        return cls(crawler, Path(directory), run_id, settings.getint("NARCWATCH_WARC_MAX_SIZE", DEFAULT_MAX_SIZE))

    def spider_closed(self) -> None:
        if self._store is not None:
            self._store.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if urlsplit(response.url).scheme not in ("http", "https"):
            return response
        stats = self.crawler.stats
        assert stats is not None
        screenshot = _screenshot(request)
        try:
            store = self._open_store()
            before = store.bytes_written
            evidence = store.write_exchange(
                url=response.url,
                method=request.method,
                request_headers=_header_pairs(request.headers, _PRIVATE_REQUEST_HEADERS),
                request_body=_request_body(request),
                status=response.status,
                response_headers=_header_pairs(response.headers),
                body=response.body,
                protocol=_http_version(response.protocol),
                ip_address=str(response.ip_address) if response.ip_address else None,
                fetched_at=datetime.now(UTC),
                rendered=bool(request.meta.get("playwright")),
                screenshot=screenshot,
            )
        except Exception as exc:
            stats.inc_value("evidence/failures")
            logger.error("evidence for %s could not be written", response.url, exc_info=True)
            raise IgnoreRequest(f"evidence could not be written; page not processed: {response.url}: {exc}") from exc
        # A new list each time: requests built from response.meta must not share and grow one list.
        request.meta["evidence"] = [*request.meta.get("evidence", ()), evidence]
        stats.inc_value("evidence/records")
        stats.inc_value("evidence/bytes", store.bytes_written - before)
        if screenshot is not None:
            stats.inc_value("evidence/screenshots")
        return response

    def _open_store(self) -> WarcStore:
        if self._store is None:
            spider = self.crawler.spider
            assert spider is not None  # responses only arrive while a spider runs
            source = getattr(spider, "source_name", None) or spider.name
            self._store = WarcStore(self.directory, self.run_id, source, max_size=self.max_size)
        return self._store


def _http_version(protocol: str | None) -> str:
    """Scrapy reports "HTTP/1.1", "h2" or nothing (browser responses); a status line needs an HTTP version."""
    if protocol == "h2":
        return "HTTP/2"
    return protocol or "HTTP/1.1"
