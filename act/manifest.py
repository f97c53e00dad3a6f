"""Manifests that make a package verifiable by anyone: every file with its SHA-256 and size, the tool and its
version, and the manifest's own digest beside it (WACZ practice: `manifest.json` + `manifest.sha256`).

`verify_package` recomputes everything from the bytes it is given (a folder or a zip) and reports, file by file,
what does not match; it trusts nothing but the manifest, and says when the manifest itself was changed.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
MANIFEST_DIGEST = "manifest.sha256"
FORMAT = "narcwatch-package/1"


def tool_version() -> str:
    try:
        return version("narcwatch")
    except PackageNotFoundError:
        return "unknown"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(folder: Path, *, kind: str, subject: str, meta: Mapping[str, object] | None = None) -> dict:
    """Hash every file under `folder` (but the manifest files) into `manifest.json`, then write the manifest's own
    SHA-256 to `manifest.sha256` in `sha256sum` format, so `sha256sum -c` checks it too."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in (MANIFEST, MANIFEST_DIGEST):
            continue
        files.append({"path": rel, "sha256": sha256_file(path), "bytes": path.stat().st_size})
    manifest = {"format": FORMAT, "kind": kind, "subject": subject, "tool": "narcwatch", "version": tool_version(),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "hash": "sha256",
                **(dict(meta) if meta else {}), "files": files}
    data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    (folder / MANIFEST).write_bytes(data)
    (folder / MANIFEST_DIGEST).write_text(f"{sha256_bytes(data)}  {MANIFEST}\n", encoding="ascii")
    return manifest


def zip_folder(folder: Path, target: Path) -> Path:
    """The package as one zip, files in manifest order (stored paths are the manifest's)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
    tmp.replace(target)
    return target


@dataclass
class Verification:
    """What `verify_package` found: nothing in `problems` means every byte is as the manifest says."""

    package: str
    manifest: dict = field(default_factory=dict)
    manifest_sha256: str | None = None  # of manifest.json as found: the package's fingerprint once verified
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(path: Path) -> Verification:
    """Recompute the hashes of a package folder or zip against its manifest."""
    result = Verification(package=str(path))
    try:
        files = dict(_read_all(path))
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        result.problems.append(f"the package cannot be read: {exc}")
        return result
    except _CorruptMember as exc:
        result.problems.append(str(exc))
        files = exc.readable
    raw = files.pop(MANIFEST, None)
    digest_line = files.pop(MANIFEST_DIGEST, None)
    if raw is None:
        result.problems.append(f"{MANIFEST} is missing: nothing to verify against")
        return result
    result.manifest_sha256 = sha256_bytes(raw)
    if digest_line is None:
        result.problems.append(f"{MANIFEST_DIGEST} is missing: the manifest's own hash cannot be checked")
    elif digest_line.decode("ascii", "replace").split()[:1] != [result.manifest_sha256]:
        result.problems.append(f"{MANIFEST} was changed: its SHA-256 is {sha256_bytes(raw)}, "
                               f"{MANIFEST_DIGEST} says {digest_line.decode('ascii', 'replace').split()[:1]}")
    try:
        result.manifest = json.loads(raw)
        listed = {f["path"]: f for f in result.manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{MANIFEST} is not a readable manifest ({exc})")
        return result
    for name, entry in listed.items():
        data = files.pop(name, None)
        if data is None:
            result.problems.append(f"{name}: listed in the manifest but missing from the package")
            continue
        result.checked += 1
        digest = sha256_bytes(data)
        if digest != entry.get("sha256") or len(data) != entry.get("bytes"):
            result.problems.append(f"{name}: changed since the package was made (SHA-256 {digest}, "
                                   f"manifest {entry.get('sha256')}; {len(data):,} bytes, manifest "
                                   f"{entry.get('bytes', 0):,})")
    for name in sorted(files):
        result.problems.append(f"{name}: in the package but not in the manifest (added afterwards)")
    return result


class _CorruptMember(Exception):
    def __init__(self, message: str, readable: dict[str, bytes]) -> None:
        super().__init__(message)
        self.readable = readable


def _read_all(path: Path) -> Iterable[tuple[str, bytes]]:
    if path.is_dir():
        return [(p.relative_to(path).as_posix(), p.read_bytes()) for p in sorted(path.rglob("*")) if p.is_file()]
    out: dict[str, bytes] = {}
    bad: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = PurePosixPath(info.filename).as_posix()
            try:
                out[name] = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:  # CRC, deflate
                bad.append(f"{name}: the zip entry is damaged ({exc})")
    if bad:
        raise _CorruptMember("; ".join(bad), out)
    return out.items()
