"""The write-ahead spool keeps batches in write order, byte for byte, and survives a write cut short."""

from __future__ import annotations

import os
from pathlib import Path

from index.schema import Entity
from index.spool import Spool
from index.store import Prepared, prepare


def batch(*ids: str, entity: Entity = Entity.LISTING) -> list[Prepared]:
    out = []
    for doc_id in ids:
        p = prepare(entity, {"id": doc_id, "title": f"Kokaina “czysta” {doc_id}\n\tŻółć \u2028 \\ \"q\" 🙂"})
        assert isinstance(p, Prepared)
        out.append(p)
    return out


def test_segments_come_back_oldest_first_with_sources_byte_identical(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    first, second = batch("a", "b"), batch("c", entity=Entity.POST)
    s1, s2 = spool.append(first), spool.append(second)
    assert spool.pending() == [s1, s2] and s1.name.endswith(f"-{os.getpid()}.jsonl")
    assert spool.read(s1) == [(Entity.LISTING, p.id, p.source) for p in first]
    assert spool.read(s2) == [(Entity.POST, "c", second[0].source)]
    spool.done(s1)
    s3 = spool.append(batch("d"))
    assert spool.pending() == [s2, s3] and s3.name > s2.name  # name order is write order
    assert not list(spool.path.glob(".*"))  # no temporary file is left behind


def test_a_segment_cut_short_by_a_crash_yields_its_complete_lines(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    docs = batch("a", "b", "c")
    segment = spool.append(docs)
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) - 7])
    assert [doc_id for _, doc_id, _ in spool.read(segment)] == ["a", "b"]
    segment.write_bytes(data + b"garbage without a tab\n" + b'["listing"\tnot json\n')
    assert [doc_id for _, doc_id, _ in spool.read(segment)] == ["a", "b", "c"]


def test_stats_count_waiting_batches_and_documents(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s")
    assert spool.stats() == (0, 0) and spool.pending() == []
    spool.append(batch("a", "b"))
    last = spool.append(batch("c"))
    assert spool.stats() == (2, 3)
    spool.done(last)
    spool.done(last)  # done twice (a replay racing a crash) is harmless
    assert spool.stats() == (1, 2)
    assert Spool(tmp_path / "s").stats() == (1, 2)  # a new process finds the same spool


def test_two_writers_on_one_spool_never_overwrite_each_other(tmp_path: Path) -> None:
    """Two crawls may share a store home: each writer's segments keep their own names."""
    first, second = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    segments = [first.append(batch("a")), second.append(batch("b")), first.append(batch("c"))]
    assert len(set(segments)) == 3 and first.pending() == sorted(segments)
    assert [first.read(s)[0][1] for s in first.pending()] == ["a", "b", "c"]
