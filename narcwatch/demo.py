"""`narcwatch demo`: the whole flow on the test range with one command, scored against the range's ground truth.

Start the range on loopback, crawl every source with `narcwatch crawl` (evidence, analysis, indexing and vendor
linking inside the run), then read back from the store what an analyst would look at first, print it, and write an
HTML report with charts and the vendor/identifier network.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.linking import relink
from index.schema import Entity
from index.store import Query, Store
from narcwatch.demo_act import Acted, act_on
from narcwatch.report import ReportData, write_report
from testsites.apps.common import RangeSettings
from testsites.cli import sites_table
from testsites.serve import running
from testsites.world import World

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ("drug_offer", "precursor_offer", "other_illicit_offer", "not_offer")
console = Console(highlight=False)


@dataclass
class Scores:
    """The demo against the range's ground truth (issue figures: ≥ 0.99 indexed, ≥ 0.95 the rest)."""

    truth_items: int
    indexed: float  # share of ground-truth listings and posts online that reached the store with a category
    category_accuracy: float
    linking_precision: float
    linking_recall: float
    true_pairs: int
    predicted_pairs: int

    def as_dict(self) -> dict[str, float]:
        return {"indexed with a category": self.indexed, "category accuracy": self.category_accuracy,
                "linking precision": self.linking_precision, "linking recall": self.linking_recall}


def run_demo(seed: int, listings: int, out: Path, config: Path | None = None,
             goaml_schema: Path | None = None) -> tuple[ReportData, Scores, Path]:
    world = World(seed=seed, listings=listings)
    crawl_out = out / "crawl"
    shutil.rmtree(crawl_out, ignore_errors=True)  # a demo starts from nothing; the store keeps earlier runs
    settings = RangeSettings(state_dir=out / "range")
    with running(world, settings) as rng:
        console.print(sites_table(rng))
        env = {**os.environ, "RANGE_STATE": str(settings.state_dir)}
        for name in ("MARKET_B_USERNAME", "MARKET_B_PASSWORD"):  # the login comes from the range's secrets file
            env.pop(name, None)
        cmd = [sys.executable, "-m", "narcwatch.cli", "crawl", "--config",
               str(config or ROOT / "config" / "sources.yaml"), "--out", str(crawl_out)]
        code = subprocess.run(cmd, env=env, check=False).returncode
        truth = list(world.truth(rng.urls))
    marker = json.loads((crawl_out / "current-run.json").read_text())
    run_id = marker["run_id"]
    if code not in (0, 1):  # 1: a source did not finish cleanly (the hostile pages make sure of it); still scored
        raise RuntimeError(f"the crawl failed (exit code {code}); see {crawl_out / 'runs' / run_id / 'crawl.log'}")
    report = json.loads((crawl_out / "runs" / run_id / "report.json").read_text())

    from index.cli import store_or_exit

    with store_or_exit() as store:
        data, scores = summarize(store, run_id, report, truth, title=f"narcwatch demo — test range seed {seed}, "
                                 f"{listings:,} listings")
        print_summary(data, scores)
        shutil.rmtree(out / "act", ignore_errors=True)
        with console.status("Acting on it: a case, takedown packages, a referral dossier, FIU exports…"):
            acted = act_on(store, out / "act", crawl_out, data.actors, f"DEMO-{seed}", goaml_schema)
    path = write_report(data, out / "report.html")
    (out / "summary.json").write_text(json.dumps({"run_id": run_id, "seed": seed, "listings": listings,
                                                  "totals": data.totals, "by_site_category": data.by_site_category,
                                                  "scores": asdict(scores),
                                                  "act": [{**asdict(a), "ok": a.ok} for a in acted]},
                                                 indent=2, ensure_ascii=False))
    print_acted(acted, goaml_schema)
    console.print(f"\nHTML report: {path} (figures also in {out / 'summary.json'})\n"
                  f"Crawl output (items, evidence, history): {crawl_out}\n"
                  f"Try: narcwatch search 'cocaine' · narcwatch lookup <address> · narcwatch changes --out {crawl_out}")
    return data, scores, path


def summarize(store: Store, run_id: str, report: dict, truth: list[dict], title: str) -> tuple[ReportData, Scores]:
    """Counts of this run's documents (the store may hold other runs) and the scores against the truth."""
    items = [d for entity in (Entity.LISTING, Entity.POST, Entity.VENDOR)
             for d in store.scan(Query(entity=entity)) if d.get("run_id") == run_id]
    sightings = [d for d in store.scan(Query(entity=Entity.IDENTIFIER)) if d.get("run_id") == run_id]
    linking, actors = relink(store)
    offers = [d for d in items if d["kind"] in ("listing", "post")]
    by_site_category: dict[str, dict[str, int]] = defaultdict(dict)
    for (site, category), n in sorted(Counter((d["site"], d.get("category") or "unanalysed")
                                              for d in offers).items()):
        by_site_category[site][category] = n
    classes = Counter(c for d in offers for c in d.get("substance_classes", []))
    classes.update(precursor=sum(1 for d in offers if d.get("precursor_tables")))
    days = Counter(d["seen_at"][:10] for d in items if d["kind"] == "listing")
    hubs = [{"type": h.type, "value": h.value, "accounts": len(h.accounts), "sites": len(h.sites)}
            for h in linking.hubs]
    problems = [{"source": name, "kind": kind, "count": count,
                 "example": " ".join(filter(None, ((r["examples"].get(kind) or [{}])[0].get(k) for k in
                                                   ("url", "message"))))}
                for name, r in report["sources"].items() for kind, count in sorted({**r["errors"],
                                                                                   **r["events"]}.items())]
    scores = score(items, actors, truth)
    stats = store.stats()
    data = ReportData(
        title=title, generated_at=datetime.now(UTC).isoformat(timespec="seconds"), run_id=run_id,
        store=f"{stats.backend} store at {stats.location}",
        totals={"listings": sum(d["kind"] == "listing" for d in items), "posts": sum(d["kind"] == "post" for d in
                                                                                     items),
                "vendors": sum(d["kind"] == "vendor" for d in items), "identifiers": len(sightings),
                "evidence": len({e for d in items for e in d.get("evidence_ids", [])}),
                "actors": sum(len(a["members"]) > 1 for a in actors)},
        by_site_category=dict(by_site_category), substance_classes=dict(classes.most_common()),
        identifier_types=dict(Counter(d["type"] for d in sightings).most_common()),
        currencies=dict(Counter(d["currency"] for d in sightings if d.get("currency")).most_common()),
        per_day=sorted(days.items()), actors=[a for a in actors if len(a["members"]) > 1], hubs=hubs,
        problems=problems, accuracy=scores.as_dict())
    return data, scores


def score(items: list[dict], actors: list[dict], truth: list[dict]) -> Scores:
    """Items are matched to the truth by URL (one config source may serve several range sites, e.g. both channels),
    and truth accounts are renamed to the source that crawled their site."""
    expected = {r["url"]: r for r in truth if r["type"] in ("listing", "post") and r["online"]}
    got = {d["url"]: d for d in items if d["kind"] in ("listing", "post")}
    analysed = [u for u in expected if got.get(u, {}).get("category")]
    correct = sum(got[u]["category"] == expected[u]["category"] for u in analysed)
    source_of = {expected[u]["site"]: got[u]["site"] for u in analysed}
    seen = {m["key"] for a in actors for m in a["members"]} | {
        f"{d['site']}:{d.get('vendor') or d.get('author') or d.get('name')}" for d in items}
    groups = [[key for acc in r["accounts"] if (key := f"{source_of.get(acc['site'], acc['site'])}:{acc['name']}")
               in seen] for r in truth if r["type"] == "actor"]
    true_pairs = _pairs(groups)
    predicted = _pairs([[m["key"] for m in a["members"]] for a in actors])
    hits = len(true_pairs & predicted)
    return Scores(truth_items=len(expected), indexed=_ratio(len(analysed), len(expected)),
                  category_accuracy=_ratio(correct, len(analysed)),
                  linking_precision=_ratio(hits, len(predicted)), linking_recall=_ratio(hits, len(true_pairs)),
                  true_pairs=len(true_pairs), predicted_pairs=len(predicted))


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def print_summary(data: ReportData, scores: Scores) -> None:
    sites = Table(title="Listings and posts by site and category", title_justify="left")
    sites.add_column("site")
    categories = [c for c in (*CLASSES, "unanalysed") if any(c in v for v in data.by_site_category.values())]
    for c in categories:
        sites.add_column(c.replace("_offer", "").replace("_", " "), justify="right")
    for site, counts in data.by_site_category.items():
        sites.add_row(site, *(f"{counts.get(c, 0):,}" for c in categories))
    console.print(sites)
    for title, counts in (("Substance classes", data.substance_classes), ("Identifiers by type",
                                                                         data.identifier_types),
                          ("Identifiers by currency", data.currencies)):
        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("count", justify="right")
        for key, n in counts.items():
            table.add_row(Text(key), f"{n:,}")
        console.print(table)
    actors = Table(title=f"{len(data.actors):,} linked actors (largest first)", title_justify="left", expand=True)
    for col in ("accounts", "sites", "linked by", "name-only (weak)"):
        actors.add_column(col, overflow="fold")
    for a in sorted(data.actors, key=lambda a: (-len(a["members"]), -a.get("link_count", 0), a["id"]))[:15]:
        actors.add_row(Text(", ".join(m["key"] for m in a["members"])), Text(", ".join(a["sites"])),
                       Text(", ".join(sorted({lk["type"] for lk in a.get("links", [])}))),
                       Text(", ".join(a.get("weak_names", []))))
    console.print(actors)
    checks = Table(title=f"Against the range's ground truth ({scores.truth_items:,} listings and posts online, "
                   f"{scores.true_pairs:,} same-operator account pairs)", title_justify="left")
    checks.add_column("figure")
    checks.add_column("value", justify="right")
    checks.add_column("target", justify="right")
    for name, value in scores.as_dict().items():
        target = 0.99 if name.startswith("indexed") else 0.95
        checks.add_row(name, Text(f"{value:.3f}", style="green" if value >= target else "red"), f"≥ {target}")
    console.print(checks)


def print_acted(acted: list[Acted], goaml_schema: Path | None) -> None:
    table = Table(title=f"Acting on it: case, packages and FIU exports ({sum(a.ok for a in acted)} of {len(acted)} "
                  "verify)", title_justify="left", expand=True)
    for col in ("made", "checked with", "result", "where"):
        table.add_column(col, overflow="fold")
    for a in acted:
        result = Text("verifies", style="green") if a.ok else Text("; ".join(a.problems[:3]), style="red")
        table.add_row(Text(a.what), Text(a.check), result, Text(a.path))
    console.print(table)
    if goaml_schema is None:
        console.print("The goAML report was not validated: give the FIU's schema with --goaml-schema.")
