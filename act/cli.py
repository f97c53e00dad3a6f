"""`narcwatch case …` and the act commands: resources and their lifecycle, packages, dossiers, exports, checks."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from act.cases import NEXT, CaseBook, CaseError
from act.exports import (
    DEFAULT_LIMIT,
    ExportFormat,
    SelectionError,
    select_actor,
    select_case,
    select_query,
    write_export,
)
from act.material import UnknownActor
from act.reporting import DEFAULT_PATH as REPORTING_PATH
from act.reporting import ReportingError, load_reporting
from narcwatch.models import Resource, ResourceKind, ResourceState

if TYPE_CHECKING:
    from act.offline import Verdict
    from act.packages import Built
    from crawlers.checks import Checker, CheckRound
    from index.store import Store

case_app = typer.Typer(no_args_is_help=True, help="Resources under cases (sites, channels, listings, vendor "
                       "accounts, wallets) and their lifecycle: identified → evidence_complete → referred → "
                       "takedown_requested → offline_verified | still_online.")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _fail(exc: Exception) -> typer.Exit:
    err.print(Text(str(exc), style="red"))
    return typer.Exit(2)


@case_app.command("create")
def create(
    kind: Annotated[ResourceKind, typer.Argument(help="What it is.")],
    ref: Annotated[str, typer.Argument(help="listing or vendor key (site:id; a vendor also as site:name), a source "
                                       "name for a site or channel, a wallet address.")],
    case: Annotated[str | None, typer.Option("--case", help="Case number or name.")] = None,
    owner: Annotated[str | None, typer.Option(help="Analyst in charge.")] = None,
    note: Annotated[str | None, typer.Option(help="Why it matters.")] = None,
) -> None:
    """Make something the store holds a resource (or add a case, owner or note to the one that exists)."""
    from index.cli import store_or_exit

    with store_or_exit() as store:
        store.ensure_schema()
        try:
            resource, new = CaseBook(store).create(kind, ref, case=case, owner=owner, note=note, by=owner)
        except CaseError as exc:
            raise _fail(exc) from None
    out.print(f"{'Created' if new else 'Updated'} {resource.id} ({resource.state.value}): "
              f"{len(resource.item_ids) or len(resource.urls)} {'items' if resource.item_ids else 'URLs'}")
    print(resource.id)


@case_app.command("list")
def list_(
    case: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    state: Annotated[ResourceState | None, typer.Option(help="Only resources in this state.")] = None,
    kind: Annotated[ResourceKind | None, typer.Option(help="Only this kind.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this analyst's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line.")] = False,
) -> None:
    """Resources, by case, state, kind or owner."""
    from index.cli import store_or_exit

    with store_or_exit() as store:
        rows = sorted(CaseBook(store).list(case=case, state=state, kind=kind, owner=owner),
                      key=lambda r: (r.case or "", r.id))
    if as_json:
        for r in rows:
            print(r.model_dump_json(exclude_none=True))
        return
    table = Table(title=f"{len(rows):,} resources", title_justify="left", expand=True)
    for col in ("case", "resource", "title", "state", "owner", "updated", "flags"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*(Text(v) for v in (r.case or "", r.id, r.title or "", r.state.value, r.owner or "",
                                          r.updated_at.isoformat(timespec="seconds"), "; ".join(r.flags))))
    out.print(table)


@case_app.command("show")
def show(
    resource: Annotated[str, typer.Argument(help="Resource id, as `case list` shows it.")],
    as_json: Annotated[bool, typer.Option("--json", help="The whole document as JSON.")] = False,
) -> None:
    """One resource: what it points at, its history, notes and offline checks."""
    from index.cli import store_or_exit

    with store_or_exit() as store:
        try:
            r = CaseBook(store).require(resource)
        except CaseError as exc:
            raise _fail(exc) from None
    if as_json:
        print(json.dumps(r.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False))
        return
    _print_resource(r)


def _print_resource(r: Resource) -> None:
    out.print(Text.assemble((r.id, "bold"), f"  {r.title or ''}"))
    for label, value in (("case", r.case), ("state", r.state.value), ("owner", r.owner), ("site", r.site),
                         ("created", r.created_at.isoformat(timespec="seconds")),
                         ("updated", r.updated_at.isoformat(timespec="seconds")),
                         ("next", ", ".join(s.value for s in NEXT[r.state]))):
        if value:
            out.print(Text.assemble((f"{label:>8}: ", "dim"), str(value)))
    for url in r.urls[:20]:
        out.print(Text.assemble(("     url: ", "dim"), url))
    if len(r.urls) > 20:
        out.print(f"          … {len(r.urls) - 20:,} more URLs")
    if r.item_ids:
        out.print(Text.assemble(("   items: ", "dim"), f"{len(r.item_ids):,}"))
    for flag in r.flags:
        out.print(Text.assemble(("    flag: ", "yellow"), flag))
    history = Table(title="History", title_justify="left")
    for col in ("when", "state", "by", "note"):
        history.add_column(col, overflow="fold")
    for t in r.history:
        history.add_row(*(Text(v) for v in (t.at.isoformat(timespec="seconds"), t.state.value, t.by or "",
                                            t.note or "")))
    out.print(history)
    if r.checks:
        checks = Table(title="Offline checks", title_justify="left")
        for col in ("when", "url", "outcome", "detail", "evidence"):
            checks.add_column(col, overflow="fold")
        for c in r.checks:
            checks.add_row(*(Text(v) for v in (c.at.isoformat(timespec="seconds"), c.url, c.outcome, c.detail,
                                               c.evidence.record_id if c.evidence else "")))
        out.print(checks)
    for note in r.notes:
        out.print(Text.assemble(("    note: ", "dim"), note))


@case_app.command("advance")
def advance(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    state: Annotated[ResourceState, typer.Argument(help="The state it moves to.")],
    by: Annotated[str | None, typer.Option(help="Who moves it.")] = None,
    note: Annotated[str | None, typer.Option(help="Why (a referral number, the provider's answer).")] = None,
) -> None:
    """Move a resource along its lifecycle; a move the lifecycle does not allow is refused with the ones it does."""
    from index.cli import store_or_exit

    with store_or_exit() as store:
        try:
            r = CaseBook(store).advance(resource, state, by=by, note=note)
        except CaseError as exc:
            raise _fail(exc) from None
    out.print(f"{r.id}: {r.history[-2].state.value} → {r.state.value}")


@case_app.command("note")
def note(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    text: Annotated[str, typer.Argument(help="The note.")],
    owner: Annotated[str | None, typer.Option(help="Hand the resource to this analyst.")] = None,
) -> None:
    """Add a note to a resource (and optionally change its owner)."""
    from index.cli import store_or_exit

    with store_or_exit() as store:
        try:
            r = CaseBook(store).annotate(resource, text, owner=owner)
        except CaseError as exc:
            raise _fail(exc) from None
    out.print(f"{r.id}: {len(r.notes)} notes" + (f", owner {r.owner}" if r.owner else ""))


# ---------------------------------------------------------------------------------------------------------------------
# verify-offline: recrawl referred resources, verify them offline, flag comebacks (act/offline.py)
# ---------------------------------------------------------------------------------------------------------------------


def _duration(text: str) -> timedelta:
    """A duration as the config writes them (1h, 30m, 90s), or a bare number of seconds (0 included)."""
    from crawlers.config import parse_duration

    text = text.strip()
    return timedelta(seconds=float(text)) if text.replace(".", "", 1).isdigit() else parse_duration(text)


def verify_offline(
    case: Annotated[str | None, typer.Option("--case", help="Only the resources of this case.")] = None,
    resource: Annotated[list[str] | None, typer.Option("--resource", help="Only this resource (repeatable).")] = None,
    checks: Annotated[int, typer.Option("--checks", min=1, help="Offline checks in a row that verify a resource "
                                        "offline (and conclusive checks after which one still served is "
                                        "still_online).")] = 3,
    min_interval: Annotated[str, typer.Option("--min-interval", help="Least time between two offline checks that "
                                              "both count (1h, 30m, 0).")] = "1h",
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Checks to make now, one after the other.")] = 1,
    interval: Annotated[str, typer.Option("--interval", help="Wait between rounds (seconds, or 1h, 30m).")] = "0",
    config: Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML): each resource is "
                                         "checked through its source's proxy, pace and login.")] = Path(
        "config/sources.yaml"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the checks' evidence (WARC) and "
                                          "logs.")] = Path("checks-out"),
    secrets_file: Annotated[Path | None, typer.Option("--secrets", help="KEY=value file for login fields.")] = None,
) -> None:
    """Recrawl referred resources through the crawler; after N offline checks in a row a resource is offline_verified,
    one still served after N checks is still_online, and one that comes back (served again, seen again by a crawl,
    or the same vendor under another name through a linked identifier) is flagged.

    A check is offline when every URL of the resource is removed (HTTP 404/410/451) or unreachable (refused, no
    route, DNS, timeout, the proxy could not reach the onion); online when any URL is served (2xx); otherwise
    inconclusive, which counts neither way. Only checks since the resource's last state change count."""
    from act.offline import select, verify
    from crawlers.checks import Checker
    from crawlers.config import ConfigError, Secrets, load_sources
    from index.cli import store_or_exit

    try:
        pause, least = _duration(interval), _duration(min_interval)
        cfg = load_sources(config)
    except (ValueError, ConfigError) as exc:
        raise _fail(exc) from None
    secrets_path = secrets_file or (Path(cfg.defaults.secrets_file) if cfg.defaults.secrets_file else None)
    sources = {s.name: s for s in cfg.sources}
    with store_or_exit() as store:
        book = CaseBook(store)
        try:
            ids = [r.id for r in select(book, case=case, ids=resource or ())]
        except CaseError as exc:
            raise _fail(exc) from None
        if not ids:
            out.print("No resource is referred, takedown_requested, still_online or offline_verified"
                      + (f" in case {case}" if case else "") + ": nothing to check.")
            return
        checker = Checker(out_dir, Secrets(secrets_path))
        result: dict = {}

        def said(n: int, found: CheckRound) -> None:
            err.print(f"Check {n + 1} of {rounds}: {len(found.probes):,} URLs fetched (run {found.run_id}, "
                      f"evidence in {found.run_dir / 'evidence'})")

        async def main(c: Checker) -> None:  # runs inside Scrapy's reactor: every round in one process
            result.update(await verify(c, book, sources, ids, needed=checks, min_interval=least, repeat=rounds,
                                       interval=pause, on_round=said))

        checker.run(main)
    _print_verdicts(list(result.values()), out_dir)


def _print_verdicts(verdicts: list[Verdict], out_dir: Path) -> None:
    table = Table(title=f"Offline verification of {len(verdicts):,} resources", title_justify="left", expand=True)
    for col in ("resource", "checks", "last check", "offline in a row", "state", "moved", "flags"):
        table.add_column(col, overflow="fold")
    styles = {"offline_verified": "green", "still_online": "red"}
    for v in sorted(verdicts, key=lambda v: v.resource.id):
        r = v.resource
        table.add_row(Text(r.id), str(len(r.checks)), Text(v.last), str(v.counted),
                      Text(r.state.value, style=styles.get(r.state.value, "")), Text(", ".join(v.moved)),
                      Text("; ".join(v.flags), style="yellow"))
    out.print(table)
    states = Counter(v.resource.state.value for v in verdicts)
    moved = sum(bool(v.moved) for v in verdicts)
    flagged = sum(bool(v.flags) for v in verdicts)
    out.print(f"{len(verdicts):,} resources checked: {moved:,} changed state, {flagged:,} came back; now "
              + ", ".join(f"{n:,} {s}" for s, n in sorted(states.items())) + f". Evidence: {out_dir / 'runs'}")
# ------------------------------------------------------------------ takedown packages, referral dossiers, verify
def _package(build: Callable[[Store], Built], what: str) -> None:
    """Build a package in the configured store, say what it holds and where; evidence problems exit 1."""
    from act.packages import PackageError
    from index.cli import store_or_exit

    with store_or_exit() as store:
        try:
            built = build(store)
        except (CaseError, PackageError, UnknownActor) as exc:
            raise _fail(exc) from None
    for problem in built.problems:
        err.print(Text(f"evidence problem: {problem}", style="bold red"))
    out.print(f"{what}: {built.files} files, {built.records} evidence records"
              + (f", [bold red]{len(built.problems)} evidence problems[/]" if built.problems else ""))
    out.print(Text.assemble(("manifest SHA-256: ", "dim"), built.manifest_sha256), soft_wrap=True)
    print(built.zip)
    if built.problems:
        raise typer.Exit(1)


def takedown(
    resource: Annotated[str, typer.Argument(help="Resource id, as `case list` shows it.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder the package zip is written to.")] = Path("."),
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="Where the crawl's WARC files are (a crawl "
                                                        "--out folder); repeatable. The run record's folder is "
                                                        "searched first.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Sources config, for a site's configured "
                                                "mirrors.")] = None,
    sender: Annotated[str | None, typer.Option(help="Who sends the notice (authority, unit, contact); default "
                                               "$NARCWATCH_SENDER.")] = None,
) -> None:
    """A takedown package for one resource: its evidence records, screenshots, an HTML and PDF summary with the
    abuse desk's fields and a notice, and a manifest; the resource's notes record it."""
    from act.packages import build_takedown

    _package(lambda store: build_takedown(store, resource, out_dir, roots=evidence or [], config=config,
                                          sent_by=sender), f"Takedown package for {resource}")


def referral(
    actor: Annotated[str, typer.Argument(help="Actor id, or one of its accounts (site:name) or a vendor key.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder the dossier zip is written to.")] = Path("."),
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="Where the crawl's WARC files are; "
                                                        "repeatable.")] = None,
) -> None:
    """A referral dossier for one actor across sites: accounts, identifiers with where and when each was seen, the
    links that join them with their evidence, listings, prices and volumes."""
    from act.packages import build_referral

    _package(lambda store: build_referral(store, actor, out_dir, roots=evidence or []), f"Referral dossier for {actor}")


def verify(
    package: Annotated[Path, typer.Argument(help="A package zip or its unpacked folder.")],
) -> None:
    """Check a takedown package or referral dossier: every file against its manifest, the manifest against its own
    SHA-256, and every packaged WARC record against the digests it states."""
    from act.packages import verify as verify_package

    if not package.exists():
        raise _fail(FileNotFoundError(f"{package} does not exist"))
    result = verify_package(package)
    if not result.ok:
        err.print(Text(f"NOT verified: {package}: {len(result.problems)} problems", style="bold red"))
        for problem in result.problems:
            err.print(Text(f"  - {problem}", style="red"))
        raise typer.Exit(1)
    out.print(f"verified: {result.checked} files, manifest SHA-256 {result.manifest_sha256}", soft_wrap=True)


# ---------------------------------------------------------------------------------------------------- FIU exports


def export(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="goaml (goAML XML report), stix (STIX 2.1 "
                                                "bundle), misp (MISP event JSON) or csv (identifiers and items).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="An empty or new folder for the export and its "
                                          "manifest.")],
    case: Annotated[str | None, typer.Option("--case", help="Every resource of this case.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="A linked actor: its id, or one of its accounts "
                                              "(site:name).")] = None,
    query: Annotated[str | None, typer.Option("--query", help='Search words over listings, posts and vendors, as '
                                              '`narcwatch search` takes them ("" for everything).')] = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", help="facet=value, repeatable (site=market_a, "
                                                      "substance=cocaine, class=drug_offer, currency=BTC).",
                                                      show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most items a --query exports.")] = DEFAULT_LIMIT,
    reporting: Annotated[Path, typer.Option("--reporting", help="Reporting entity and code lists (YAML).")] = (
        REPORTING_PATH),
    schema: Annotated[Path | None, typer.Option("--schema", help="goAML XSD to validate the report against "
                                                "(default: goaml.schema of the reporting file).")] = None,
) -> None:
    """Export a case, an actor or a search for an FIU or a CTI platform: goAML, STIX 2.1, MISP or CSV, with a
    manifest of SHA-256 hashes. A goAML report is validated when a schema is given; problems exit with code 1."""
    from index.cli import store_or_exit

    chosen = [name for name, value in (("--case", case), ("--actor", actor), ("--query", query)) if value is not None]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --case, --actor or --query"
                                 + (f" (not {' and '.join(chosen)})" if chosen else ""))
    if out_dir.exists() and any(out_dir.iterdir()):
        raise _fail(ValueError(f"{out_dir} is not empty: an export's manifest covers its whole folder, so give a new "
                               "or empty one"))
    try:
        config = load_reporting(reporting) if fmt is not ExportFormat.CSV else None
        wanted = _filters(filters or [])
        with store_or_exit() as store:
            if case is not None:
                selected = select_case(store, case)
            elif actor is not None:
                selected = select_actor(store, actor)
            else:
                selected = select_query(store, query, wanted, limit=limit)
            written = write_export(selected, fmt, out_dir, config, schema=schema)
    except (ReportingError, SelectionError, CaseError, UnknownActor) as exc:
        raise _fail(exc) from None
    if selected.truncated:
        err.print(Text(selected.truncated, style="yellow"))
    table = Table(title=Text(f"{fmt.value} export of {selected.subject}"), title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in written.counts.items():
        table.add_row(what, f"{n:,}")
    out.print(table)
    out.print(Text.assemble(("files: ", "dim"), ", ".join(str(out_dir / f) for f in written.files)), soft_wrap=True)
    out.print(Text.assemble(("manifest SHA-256: ", "dim"), written.manifest_sha256), soft_wrap=True)
    if written.problems:
        err.print(Text(f"The export does not pass {written.validated_by} ({len(written.problems):,} problems; the "
                       "files are kept for inspection):", style="red"))
        for problem in written.problems[:20]:
            err.print(Text(f"  {problem}"))
        if len(written.problems) > 20:
            err.print(f"  … and {len(written.problems) - 20:,} more")
        raise typer.Exit(1)
    if written.validated_by:
        out.print(Text(f"Valid: read back with {written.validated_by}.", style="green"))
    else:
        out.print(Text("Not validated: give the FIU's goAML schema (--schema or goaml.schema in the reporting "
                       "configuration).", style="yellow"))


def _filters(values: list[str]) -> dict[str, list[str]]:
    """`facet=value` options as the store's filters: the same facet twice means either value."""
    found: dict[str, list[str]] = {}
    for value in values:
        facet, sep, wanted = value.partition("=")
        if not sep or not facet.strip() or not wanted.strip():
            raise typer.BadParameter(f"--filter {value!r}: write it as facet=value, e.g. site=market_a")
        found.setdefault(facet.strip(), []).append(wanted.strip())
    return found
