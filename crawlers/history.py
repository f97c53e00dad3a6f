"""Listing history across crawl runs: what is new, what changed (price, text), what vanished, what came back.

Kept in SQLite beside the crawl output, keyed by the host-independent listing key, so mirrors and resumed
crawls never count twice. The index stage will carry the same history into the search store.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from narcwatch.models import ChangeKind, Listing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS listings (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, title TEXT, price REAL, currency TEXT,
    text_sha256 TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_run TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'present'
);
CREATE INDEX IF NOT EXISTS listings_source ON listings (source, state);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, source TEXT NOT NULL, run_id TEXT NOT NULL, at TEXT NOT NULL,
    kind TEXT NOT NULL, field TEXT, old TEXT, new TEXT
);
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
CREATE TABLE IF NOT EXISTS run_items (run_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (run_id, key));
"""

# Below this share of previously present listings, a "finished" crawl is treated as partial (site half down,
# layout changed): nothing is marked vanished on its word.
MIN_COVERAGE_FOR_VANISHING = 0.5


def _sha(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat()


class History:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- one run ---------------------------------------------------------------------------------------------

    def reset_run_items(self, run_id: str, source: str, keys: Iterable[str]) -> None:
        """After a crash, what the run has collected from a source is what reached its feed: rebuild from it.

        Only this source's keys are replaced: other sources of the same run share the table.
        """
        prefix = f"{source}:"
        with self.db:
            self.db.execute("DELETE FROM run_items WHERE run_id = ? AND substr(key, 1, ?) = ?",
                            (run_id, len(prefix), prefix))
            self.db.executemany("INSERT OR IGNORE INTO run_items VALUES (?, ?)", ((run_id, k) for k in keys))

    def seen_in_run(self, run_id: str, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM run_items WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
        return row is not None

    def mark_seen(self, run_id: str, key: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO run_items VALUES (?, ?)", (run_id, key))

    def record_listing(self, run_id: str, item: Listing) -> tuple[ChangeKind, list[str]]:
        """Compare with the last known state, store the new one, log the differences."""
        now = item.fetched_at.isoformat()
        price = item.price.amount if item.price else None
        currency = item.price.currency if item.price else None
        text = _sha(item.description)
        row = self.db.execute("SELECT title, price, currency, text_sha256, state FROM listings WHERE key = ?",
                              (item.key,)).fetchone()
        changes: list[tuple[str, str | None, str | None]] = []
        if row is None:
            kind = ChangeKind.NEW
        elif row[4] == "vanished":
            kind = ChangeKind.REAPPEARED
        else:
            for field, old, new in (("title", row[0], item.title), ("price", row[1], price),
                                    ("currency", row[2], currency), ("description", row[3], text)):
                if old != new:
                    changes.append((field, None if old is None else str(old), None if new is None else str(new)))
            kind = ChangeKind.CHANGED if changes else ChangeKind.UNCHANGED
        with self.db:
            self.db.execute(
                "INSERT INTO listings (key, source, url, title, price, currency, text_sha256, first_seen, last_seen,"
                " last_run, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'present') ON CONFLICT(key) DO UPDATE SET"
                " url = excluded.url, title = excluded.title, price = excluded.price, currency = excluded.currency,"
                " text_sha256 = excluded.text_sha256, last_seen = excluded.last_seen, last_run = excluded.last_run,"
                " state = 'present'",
                (item.key, item.source, item.url, item.title, price, currency, text, now, now, run_id))
            if kind in (ChangeKind.NEW, ChangeKind.REAPPEARED):
                self._log(item.key, item.source, run_id, now, kind, None, None, item.url)
            for field, old, new in changes:
                self._log(item.key, item.source, run_id, now, kind, field, old, new)
            self.mark_seen(run_id, item.key)
        return kind, [c[0] for c in changes]

    def _log(self, key: str, source: str, run_id: str, at: str, kind: ChangeKind, field: str | None,
             old: str | None, new: str | None) -> None:
        self.db.execute("INSERT INTO changes (key, source, run_id, at, kind, field, old, new) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?)", (key, source, run_id, at, str(kind), field, old, new))

    def close_run(self, run_id: str, source: str) -> tuple[list[str], str | None]:
        """Mark listings of a completed crawl that were not seen as vanished. Returns (keys, refusal reason)."""
        present = self.db.execute("SELECT key FROM listings WHERE source = ? AND state = 'present' AND last_run != ?",
                                  (source, run_id)).fetchall()
        seen = self.db.execute("SELECT COUNT(*) FROM listings WHERE source = ? AND last_run = ?",
                               (source, run_id)).fetchone()[0]
        missing = [r[0] for r in present]
        if missing and seen < MIN_COVERAGE_FOR_VANISHING * (seen + len(missing)):
            return [], (f"only {seen} of {seen + len(missing)} known listings were seen: the crawl looks partial, "
                        "so nothing was marked vanished")
        now = _now()
        with self.db:
            for key in missing:
                self.db.execute("UPDATE listings SET state = 'vanished' WHERE key = ?", (key,))
                self._log(key, source, run_id, now, ChangeKind.VANISHED, None, None, None)
        return missing, None

    # -- reading ---------------------------------------------------------------------------------------------

    def changes(self, since: str | None = None, source: str | None = None, run_id: str | None = None,
                kinds: Iterable[str] = ()) -> list[dict[str, str | None]]:
        query = "SELECT key, source, run_id, at, kind, field, old, new FROM changes WHERE 1 = 1"
        args: list[str] = []
        for column, value in (("at >=", since), ("source =", source), ("run_id =", run_id)):
            if value:
                query += f" AND {column} ?"
                args.append(value)
        if kinds := list(kinds):
            query += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args += kinds
        cols = ("key", "source", "run_id", "at", "kind", "field", "old", "new")
        return [dict(zip(cols, row, strict=True)) for row in self.db.execute(query + " ORDER BY id", args)]


def feed_keys(path: Path) -> list[str]:
    """Keys already written to a feed file; a torn last line (kill -9 mid-write) is ignored."""
    keys = []
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    keys.append(json.loads(line)["key"])
                except (ValueError, KeyError):
                    continue
    return keys
