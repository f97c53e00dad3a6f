"""`narcwatch demo`, the README's first command: the whole flow on the 2,000-listing range (seed 7), with the issue's
figures against the range's ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.crawlers.test_spiders import ROOT


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_the_demo_crawls_analyses_indexes_and_links_the_range(tmp_path: Path) -> None:
    env = {**os.environ, "NARCWATCH_HOME": str(tmp_path / "home"), "COLUMNS": "160"}
    xsd = ROOT.parent / "shared" / "reference" / "goaml" / "goAMLSchema-5.0.1.xsd"
    proc = subprocess.run([sys.executable, "-m", "narcwatch.cli", "demo", "--out", str(tmp_path / "demo"),
                           "--goaml-schema", str(xsd)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1200)
    assert proc.returncode == 0, proc.stderr[-4000:]
    summary = json.loads((tmp_path / "demo" / "summary.json").read_text())
    scores = summary["scores"]
    assert scores["truth_items"] == 2670
    assert scores["indexed"] >= 0.99
    assert scores["category_accuracy"] >= 0.95
    assert scores["linking_precision"] >= 0.95 and scores["linking_recall"] >= 0.95
    assert scores["true_pairs"] > 30
    assert summary["totals"]["listings"] == 2000 and summary["totals"]["actors"] > 20
    assert "Against the range's ground truth" in proc.stdout and "linked actors" in proc.stdout
    report = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(report)
    assert "script" not in parser.tags and parser.tags.count("svg") >= 5
    assert "<script" not in report.lower()
    # Acting on it: every package verifies and every export passes its receiver's validator (the goAML XSD too).
    acted = summary["act"]
    assert [a["what"].split(":")[0].split(" export")[0] for a in acted].count("takedown package") == 3
    assert {a["check"] for a in acted} >= {"manifest + WARC digests", "goAML schema goAMLSchema-5.0.1.xsd + manifest",
                                           "stix2 + manifest", "pymisp + manifest", "csv reader + manifest"}
    assert all(a["ok"] for a in acted), [a for a in acted if not a["ok"]]
    assert all(Path(a["path"]).exists() for a in acted) and "8 of 8 verify" in proc.stdout
