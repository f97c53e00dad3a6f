"""Manifests on real files: a package verifies as a folder and as a zip; any changed, added or removed file, a changed
manifest, a missing manifest digest and a damaged zip entry are each reported by name."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from act.manifest import MANIFEST, MANIFEST_DIGEST, sha256_bytes, verify_package, write_manifest, zip_folder


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "evidence").mkdir(parents=True)
    (root / "summary.html").write_text("<p>summary</p>\n", encoding="utf-8")
    (root / "evidence" / "records.warc.gz").write_bytes(bytes(range(256)) * 40)
    (root / "notice.json").write_text('{"urls": ["http://x.onion/listing/1"]}\n', encoding="utf-8")
    write_manifest(root, kind="takedown", subject="listing:market_a:1", meta={"case": "OP-7"})
    return root


def test_folder_and_zip_verify_with_the_manifest_digest(folder: Path, tmp_path: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_bytes())
    assert manifest["kind"] == "takedown" and manifest["case"] == "OP-7" and manifest["tool"] == "narcwatch"
    assert [f["path"] for f in manifest["files"]] == ["evidence/records.warc.gz", "notice.json", "summary.html"]
    digest = sha256_bytes((folder / MANIFEST).read_bytes())
    assert (folder / MANIFEST_DIGEST).read_text() == f"{digest}  {MANIFEST}\n"
    for target in (folder, zip_folder(folder, tmp_path / "pkg.zip")):
        result = verify_package(target)
        assert result.ok and result.checked == 3 and result.manifest_sha256 == digest, result.problems


@pytest.mark.parametrize("name", ["evidence/records.warc.gz", "notice.json", "summary.html"])
def test_one_changed_byte_is_reported_by_file(folder: Path, name: str) -> None:
    data = bytearray((folder / name).read_bytes())
    data[3] ^= 0x20
    (folder / name).write_bytes(bytes(data))
    result = verify_package(folder)
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{name}: changed since the package was made")


def test_added_and_removed_files(folder: Path) -> None:
    (folder / "evidence" / "extra.warc.gz").write_bytes(b"later")
    (folder / "notice.json").unlink()
    assert sorted(verify_package(folder).problems) == [
        "evidence/extra.warc.gz: in the package but not in the manifest (added afterwards)",
        "notice.json: listed in the manifest but missing from the package"]


def test_changed_manifest_and_missing_digest(folder: Path, tmp_path: Path) -> None:
    other = shutil.copytree(folder, tmp_path / "other")
    manifest = json.loads((folder / MANIFEST).read_bytes())
    manifest["files"] = manifest["files"][1:]  # hide a file from the check
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    problems = verify_package(folder).problems
    assert problems[0].startswith(f"{MANIFEST} was changed")
    assert "evidence/records.warc.gz: in the package but not in the manifest (added afterwards)" in problems
    (other / MANIFEST_DIGEST).unlink()
    assert verify_package(other).problems == [f"{MANIFEST_DIGEST} is missing: the manifest's own hash cannot be "
                                              "checked"]


def test_a_damaged_zip_entry_is_reported(folder: Path, tmp_path: Path) -> None:
    target = zip_folder(folder, tmp_path / "pkg.zip")
    with zipfile.ZipFile(target) as zf:
        info = zf.getinfo("evidence/records.warc.gz")
    data = bytearray(target.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 5] ^= 0xFF
    target.write_bytes(bytes(data))
    problems = verify_package(target).problems
    assert any(p.startswith("evidence/records.warc.gz: the zip entry is damaged") for p in problems), problems
    assert "evidence/records.warc.gz: listed in the manifest but missing from the package" in problems
