"""A write-ahead spool: every batch is on disk before it is sent, so a crash or an unreachable engine loses nothing
and the batches are replayed later in the order they were written.

One segment file per batch, named by its write time and writer (see SEGMENT) so that name order is write order.
A line is `["entity","id"]<TAB><source>`: the source is the prepared JSON kept byte for byte, never parsed and
re-serialised.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from index.schema import Entity
from index.store import Prepared

SUFFIX = ".jsonl"
# <nanoseconds>-<pid>: name order is write order, and writers sharing a spool never pick the same name.
SEGMENT = re.compile(r"^\d{20}-\d+\.jsonl$")


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self._last = 0  # the last segment's stamp: strictly increasing even if the clock steps back

    def append(self, batch: Sequence[Prepared]) -> Path:
        """Write a batch before it is sent and return its segment. It survives the writer being killed at once (the
        bytes are the kernel's); `persist` makes it survive the machine too, which is needed only for a batch left
        waiting: a batch the engine acknowledged is durable in the engine's translog."""
        self._last = max(time.time_ns(), self._last + 1)
        segment = self.path / f"{self._last:020d}-{os.getpid()}{SUFFIX}"
        tmp = self.path / f".{segment.name}.tmp"
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{orjson.dumps([p.entity.value, p.id]).decode()}\t{p.source}\n" for p in batch)
        os.replace(tmp, segment)
        return segment

    def persist(self, segment: Path) -> None:
        """fsync a segment that is left waiting, and the directory entry that names it."""
        fd = os.open(segment, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self._sync_dir()

    def pending(self) -> list[Path]:
        """Segments waiting to be sent, oldest first."""
        return sorted(p for p in self.path.glob(f"*{SUFFIX}") if SEGMENT.match(p.name))

    @staticmethod
    def read(segment: Path) -> list[tuple[Entity, str, str]]:
        """(entity, id, source) of each complete line; a line cut short by a crash is left out."""
        out = []
        with segment.open("r", encoding="utf-8", newline="\n", errors="surrogateescape") as f:
            for line in f:
                if not line.endswith("\n"):
                    break  # the write stopped mid-line
                head, sep, source = line[:-1].partition("\t")
                if not sep:
                    continue
                try:
                    entity, doc_id = json.loads(head)
                    out.append((Entity(entity), doc_id, source))
                except ValueError:
                    continue
        return out

    def done(self, segment: Path) -> None:
        """Every document of the segment was indexed or rejected: it need not be sent again."""
        segment.unlink(missing_ok=True)  # not synced: should it come back after a power cut, replaying it is harmless

    def stats(self) -> tuple[int, int]:
        """(batches, documents) waiting."""
        segments = self.pending()
        return len(segments), sum(len(self.read(s)) for s in segments)

    def _sync_dir(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
