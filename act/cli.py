"""`narcwatch case …` and the act commands: resources and their lifecycle, packages, dossiers, exports, checks."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from act.cases import NEXT, CaseBook, CaseError
from narcwatch.models import Resource, ResourceKind, ResourceState

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


# ---------------------------------------------------------------------------------------------------- FIU exports
# (imported here, with the section, so each act command's section merges on its own)
from pathlib import Path  # noqa: E402

from act.exports import (  # noqa: E402
    DEFAULT_LIMIT,
    ExportFormat,
    SelectionError,
    select_actor,
    select_case,
    select_query,
    write_export,
)
from act.reporting import DEFAULT_PATH as REPORTING_PATH  # noqa: E402
from act.reporting import ReportingError, load_reporting  # noqa: E402


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
    except (ReportingError, SelectionError, CaseError) as exc:
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
        err.print(Text(f"The report does not validate against the goAML schema ({len(written.problems):,} "
                       "problems; the files are kept for inspection):", style="red"))
        for problem in written.problems[:20]:
            err.print(Text(f"  {problem}"))
        if len(written.problems) > 20:
            err.print(f"  … and {len(written.problems) - 20:,} more")
        raise typer.Exit(1)
    if fmt is ExportFormat.GOAML and (schema or (config and config.goaml.schema_)):
        out.print(Text("The report validates against the goAML schema.", style="green"))


def _filters(values: list[str]) -> dict[str, list[str]]:
    """`facet=value` options as the store's filters: the same facet twice means either value."""
    found: dict[str, list[str]] = {}
    for value in values:
        facet, sep, wanted = value.partition("=")
        if not sep or not facet.strip() or not wanted.strip():
            raise typer.BadParameter(f"--filter {value!r}: write it as facet=value, e.g. site=market_a")
        found.setdefault(facet.strip(), []).append(wanted.strip())
    return found
