"""Crawl runs as store documents (`Entity.RUN`): what each run did and what went wrong, in an analyst's words, and
`narcwatch runs` to list them. The scheduler records every run it starts; anything else that runs crawls may too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.schema import Entity
from index.store import Query, Store, StoreError

RunStatus = Literal["finished", "incomplete", "failed", "skipped", "interrupted"]
ITEM_KINDS = ("listing", "vendor", "post")
MAX_ERRORS = 50  # sentences per run: a trap can fail thousands of pages, the report keeps every count

# What a page (or request) of each error kind did, as the end of "<source>: 3 pages …".
_FAILED = {"timeout": "timed out", "oversized": "were larger than the size limit",
           "proxy unreachable": "failed: the proxy was unreachable", "connection refused": "failed: connection refused",
           "name not resolved": "failed: the host name did not resolve",
           "evidence not written": "could not be saved as evidence", "ignored": "were dropped by the crawler",
           "refused: onion without proxy": "were not fetched: an onion address without a proxy"}

_ITEM_STAGES = {"analysis failed": "could not be analysed", "documents failed": "could not be turned into documents",
                "index failed": "could not be indexed"}


def error_sentences(source: str, report: Mapping[str, Any]) -> list[str]:
    """One sentence per error kind of a source's crawl report, with its first example, e.g.
    "market_a: 3 pages timed out (http://…: took longer than 8 s)"."""
    out: list[str] = []
    examples = report.get("examples") or {}
    for kind, count in sorted((report.get("errors") or {}).items()):
        example = (examples.get(kind) or [{}])[0]
        where = ": ".join(str(v) for v in (example.get("url"), example.get("message")) if v)
        if kind == "crawler failed":
            out.append(f"{source}: the crawler failed: {example.get('message') or 'no reason given'}")
            continue
        if kind in _ITEM_STAGES:  # an item a stage after the crawl could not handle, not a page
            out.append(f"{source}: {count} item{'s' if count > 1 else ''} {_ITEM_STAGES[kind]}"
                       + (f" ({where})" if where else ""))
            continue
        pages = "1 page" if count == 1 else f"{count} pages"
        if kind.startswith("http "):
            what = f"answered HTTP {kind.removeprefix('http ')}"
        else:
            what = _FAILED.get(kind, f"failed ({kind})")
        out.append(f"{source}: {pages} {what}" + (f" ({where})" if where else ""))
    reason = report.get("finish_reason")
    if reason not in (None, "finished", "failed"):
        out.append(f"{source}: the crawl stopped before the end ({reason})")
    return out


def record_run(store: Store, *, run_id: str, status: RunStatus, sources: list[str], started_at: datetime,
               finished_at: datetime | None, report: Mapping[str, Any] | None, errors: list[str], trigger: str,
               exit_code: int | None = None, run_dir: Path | None = None) -> dict:
    """Write (or replace: the id is the run id) one run's document: its status, items, per-source statistics and
    errors as sentences, and the run's folder (where packages find its evidence). An earlier attempt of the same
    run (interrupted, then resumed) is kept in `stats.attempts`."""
    per_source: dict[str, dict[str, Any]] = {}
    sentences = list(errors)
    for name, r in ((report or {}).get("sources") or {}).items():
        per_source[name] = {"pages": r.get("pages", 0), "items": dict(r.get("items") or {}),
                            "errors": dict(r.get("errors") or {}), "changes": dict(r.get("changes") or {}),
                            "vanished": int(r.get("vanished") or 0), "finish_reason": r.get("finish_reason"),
                            "stages": dict(r.get("stages") or {})}
        sentences += error_sentences(name, r)
    stats: dict[str, Any] = {
        "trigger": trigger, "exit_code": exit_code, "resumed": bool((report or {}).get("resumed")),
        "duration_s": round((finished_at - started_at).total_seconds(), 3) if finished_at else None,
        "sources": per_source, "run_dir": str(run_dir.resolve()) if run_dir else None}
    previous = store.get(Entity.RUN, run_id)
    if previous is not None:
        attempts = list((previous.get("stats") or {}).get("attempts") or [])
        if previous.get("started_at") != started_at.isoformat():
            attempts.append({k: previous.get(k) for k in ("status", "started_at", "finished_at", "errors")}
                            | {"trigger": (previous.get("stats") or {}).get("trigger")})
        if attempts:
            stats["attempts"] = attempts
    doc = {"id": run_id, "status": status, "sources": sorted(sources), "started_at": started_at.isoformat(),
           "finished_at": finished_at.isoformat() if finished_at else None,
           "items": sum(int(s["items"].get(kind, 0)) for s in per_source.values() for kind in ITEM_KINDS),
           "stats": stats, "errors": sentences[:MAX_ERRORS]}
    result = store.upsert(Entity.RUN, [doc])
    if result.rejected:
        raise StoreError(f"run {run_id} was not recorded: {result.rejected[0].reason}")
    store.refresh()
    return doc


def runs(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many runs, newest first.")] = 20,
    source: Annotated[str | None, typer.Option(help="Only runs that crawled this source.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line.")] = False,
) -> None:
    """Crawl runs, newest first: status, sources, duration, items and what went wrong."""
    from index.cli import store_or_exit

    query = Query(entity=Entity.RUN, filters={"sources": [source]} if source else {}, sort="newest", size=limit)
    with store_or_exit() as store:
        page = store.search(query)
    if as_json:
        for hit in page.hits:
            print(json.dumps(hit.doc, ensure_ascii=False))
        return
    table = Table(title=f"{page.total:,} runs" + (f" of {source}" if source else "") + f"; newest {len(page.hits)}",
                  title_justify="left", expand=True)
    table.add_column("run", overflow="fold", max_width=26)
    table.add_column("status", no_wrap=True)
    table.add_column("sources", overflow="fold")
    table.add_column("started", max_width=10)
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("items", justify="right", no_wrap=True)
    table.add_column("errors", overflow="fold", min_width=24, ratio=1)
    for hit in page.hits:
        d = hit.doc
        errors = d.get("errors") or []
        shown = "\n".join(errors[:3]) + (f"\n… {len(errors) - 3} more" if len(errors) > 3 else "")
        table.add_row(Text(d["id"]), Text(d.get("status", ""), style=_STYLE.get(d.get("status", ""), "")),
                      Text(", ".join(d.get("sources") or [])), Text(_when(d.get("started_at"))),
                      Text(_duration((d.get("stats") or {}).get("duration_s"))), Text(f"{d.get('items') or 0:,}"),
                      Text(shown))
    Console(highlight=False).print(table)


_STYLE = {"finished": "green", "incomplete": "yellow", "failed": "red", "interrupted": "yellow", "skipped": "dim"}


def _when(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"
