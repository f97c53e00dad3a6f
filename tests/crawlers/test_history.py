"""Listing history: new, changed, unchanged, vanished, reappeared; resumed runs rebuilt per source."""

from __future__ import annotations

from pathlib import Path

from crawlers.history import History, feed_keys
from crawlers.pipelines import _drop_torn_line
from narcwatch.models import ChangeKind, Listing, Money


def listing(key: str, price: float = 10.0, title: str = "t", text: str = "d") -> Listing:
    source = key.split(":")[0]
    return Listing(source=source, key=key, url=f"http://x/{key}", native_id=key.split(":")[1], title=title,
                   description=text, price=Money(amount=price, currency="USD"))


def test_changes_across_runs(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite")
    assert h.record_listing("r1", listing("m:1"))[0] is ChangeKind.NEW
    assert h.record_listing("r1", listing("m:2"))[0] is ChangeKind.NEW
    assert h.record_listing("r1", listing("m:3"))[0] is ChangeKind.NEW
    assert h.close_run("r1", "m") == ([], None)
    kind, fields = h.record_listing("r2", listing("m:1", price=12.0))
    assert kind is ChangeKind.CHANGED and fields == ["price"]
    assert h.record_listing("r2", listing("m:2", text="new text"))[1] == ["description"]
    vanished, refused = h.close_run("r2", "m")
    assert vanished == ["m:3"] and refused is None
    assert h.record_listing("r3", listing("m:3"))[0] is ChangeKind.REAPPEARED
    assert h.record_listing("r3", listing("m:1", price=12.0))[0] is ChangeKind.UNCHANGED
    kinds = [(c["key"], c["kind"], c["field"]) for c in h.changes()]
    assert ("m:1", "changed", "price") in kinds and ("m:3", "vanished", None) in kinds
    assert ("m:3", "reappeared", None) in kinds


def test_partial_crawl_marks_nothing_vanished(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite")
    for i in range(10):
        h.record_listing("r1", listing(f"m:{i}"))
    h.record_listing("r2", listing("m:0"))
    vanished, refused = h.close_run("r2", "m")
    assert vanished == [] and refused is not None and "partial" in refused


def test_reset_run_items_touches_only_its_source(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite")
    h.mark_seen("r", "a:1")
    h.mark_seen("r", "b:1")
    h.reset_run_items("r", "a", ["a:2"])
    assert not h.seen_in_run("r", "a:1") and h.seen_in_run("r", "a:2")
    assert h.seen_in_run("r", "b:1"), "another source's items of the same run stay"


def test_torn_feed_line_is_cut_and_ignored(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    feed.write_text('{"key": "a:1"}\n{"key": "a:2"}\n{"key": "a:')
    assert feed_keys(feed) == ["a:1", "a:2"]
    _drop_torn_line(feed)
    assert feed.read_text() == '{"key": "a:1"}\n{"key": "a:2"}\n'
