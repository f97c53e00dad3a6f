"""`narcwatch search`, `narcwatch lookup` and `narcwatch index …`: the analyst's questions, on whichever store is
configured (the search engine at NARCWATCH_SEARCH_URL, else the embedded store)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.schema import CRAWLED_ENTITIES, DAY, TIME_FIELDS, Entity
from index.store import Query, Store, StoreConfig, StoreError, open_store

app = typer.Typer(no_args_is_help=True, help="The store: schema, statistics and the spool of unsent documents.")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

_RELATIVE = re.compile(r"^(\d+)\s*([hdwm])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "m": timedelta(days=30)}


def parse_when(value: str | None, now: datetime | None = None) -> datetime | None:
    """An ISO date or time (UTC unless it says otherwise), or an age such as 24h, 7d, 2w, 3m (30-day months)."""
    if not value:
        return None
    if m := _RELATIVE.match(value.strip().lower()):
        return (now or datetime.now(UTC)) - int(m.group(1)) * _UNITS[m.group(2)]
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither a date (2026-11-01T08:00) nor an age (7d)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@contextmanager
def store_or_exit() -> Iterator[Store]:
    """The configured store, with its errors told plainly and exit code 2 instead of a traceback. Reading never
    creates indices on an engine (the analyst's key may be read-only); the embedded store creates its file."""
    try:
        with open_store(StoreConfig.from_env()) as store:
            yield store
    except StoreError as exc:
        err.print(Text.assemble(("Store error: ", "red"), str(exc)))
        raise typer.Exit(2) from None
    except ValueError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None


Multi = Annotated[list[str] | None, typer.Option(show_default=False)]


def search(
    text: Annotated[str, typer.Argument(help='Words (all must match), "phrases", a OR b, -excluded. "" for all.')],
    site: Multi = None,
    klass: Annotated[list[str] | None, typer.Option("--class", help="drug_offer, precursor_offer, "
                                                    "other_illicit_offer, not_offer", show_default=False)] = None,
    currency: Multi = None,
    substance: Multi = None,
    country: Multi = None,
    vendor: Multi = None,
    since: Annotated[str | None, typer.Option(help="From this date or age (7d).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date or age.")] = None,
    entity: Annotated[Entity, typer.Option(help="What to search.")] = Entity.LISTING,
    sort: Annotated[str, typer.Option(help="relevance, newest, oldest, price, -price")] = "relevance",
    limit: Annotated[int, typer.Option(min=0, max=10_000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    counts: Annotated[bool, typer.Option("--counts", help="Also count matches by site, class, substance, "
                                         "currency, country and day.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line.")] = False,
) -> None:
    """Search listings (or posts, vendors, …) by text, with filters, newest or most relevant first."""
    filters = {name: values for name, values in (("site", site), ("class", klass), ("currency", currency),
                                                 ("substance", substance), ("country", country),
                                                 ("vendor", vendor)) if values}
    with store_or_exit() as store:
        try:
            query = Query(entity=entity, text=text or None, filters=filters, since=parse_when(since),
                          until=parse_when(until), sort=sort, offset=offset, size=limit)  # type: ignore[arg-type]
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        page = store.search(query)
        facets = store.aggregate(query, ["site", "class", "substance", "currency", "country", DAY]) \
            if counts and entity in CRAWLED_ENTITIES else {}
    if as_json:
        for hit in page.hits:
            print(json.dumps({"id": hit.id, "entity": hit.entity.value, "score": hit.score, "snippet": hit.snippet,
                              "doc": hit.doc}, ensure_ascii=False))
        if facets:
            print(json.dumps({"counts": {k: [b.model_dump() for b in v] for k, v in facets.items()}}))
        return
    out.print(_hits_table(entity, page.hits, page.total, offset))
    for facet, buckets in facets.items():
        if buckets:
            out.print(Text.assemble((f"{facet}: ", "bold"), ", ".join(f"{b.key} {b.count:,}" for b in buckets)))


def lookup(
    identifier: Annotated[str, typer.Argument(help="Crypto address, IBAN, handle, email, phone, PGP fingerprint…")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Everything linked to an identifier: where it was seen, the items carrying it, the identifiers and vendors
    seen with it."""
    with store_or_exit() as store:
        found = store.lookup(identifier)
    if as_json:
        print(found.model_dump_json())
        return
    if not found.sightings:
        out.print(f"No sighting of {identifier!r} (looked up as: {', '.join(found.forms) or 'nothing usable'}).",
                  markup=False)
        raise typer.Exit(1)
    table = Table(title=Text(f"{identifier}: {len(found.sightings)} sightings in {len(found.items)} items"),
                  title_justify="left")
    for column in ("seen", "site", "type", "item", "vendor", "context"):
        table.add_column(column, overflow="fold")
    for s in found.sightings:
        table.add_row(*_cells(str(s.get("seen_at", ""))[:16], s.get("site"), s.get("type"), s.get("item_id"),
                              s.get("vendor"), " ".join(str(s.get("context", "")).split())[:160]))
    out.print(table)
    if found.vendors:
        out.print(Text.assemble(("Vendors: ", "bold"), ", ".join(f"{b.key} ({b.count})" for b in found.vendors)))
    if found.linked:
        out.print(Text.assemble(("Seen with: ", "bold"), ", ".join(f"{x['type']} {x['normalized']} ({x['count']})"
                                                                   for x in found.linked)))


def actors(
    account: Annotated[str | None, typer.Argument(help="Show the actor of this account (site:name or a name) in "
                                                  "full: every link with its evidence.")] = None,
    site: Annotated[str | None, typer.Option(help="Only actors with an account on this site.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Operators behind several accounts: accounts linked across sites by a shared PGP key, wallet, handle, email or
    phone (largest first). Shared names alone are listed as weak, never as a link."""
    with store_or_exit() as store:
        found = [a for a in store.scan(Query(entity=Entity.ACTOR)) if not site or site in a.get("sites", [])]
    if account:
        wanted = account.casefold()
        found = [a for a in found if any(wanted in (m["key"].casefold(), m["name"].casefold())
                                         for m in a["members"])]
    found.sort(key=lambda a: (-len(a["members"]), -a.get("link_count", 0), a["id"]))
    if as_json:
        for a in found[:limit]:
            print(json.dumps(a, ensure_ascii=False))
        return
    if not found:
        out.print(f"No linked actor{f' with {account!r}' if account else ''}{f' on {site}' if site else ''}.",
                  markup=False)
        raise typer.Exit(1)
    if account:
        for a in found[:limit]:
            table = Table(title=Text(f"actor {a['id'][:12]}: {', '.join(m['key'] for m in a['members'])}"),
                          title_justify="left", expand=True)
            for column in ("account", "account", "shared", "value", "evidence"):
                table.add_column(column, overflow="fold")
            for lk in a.get("links", []):
                table.add_row(*_cells(lk["a"], lk["b"], lk["type"], lk["value"],
                                      "; ".join([*lk.get("evidence_a", [])[:2], *lk.get("evidence_b", [])[:2]])))
            for weak in a.get("weak", []):
                table.add_row(*_cells(weak["a"], weak["b"], f"{weak['type']} (weak: not a link)", weak["value"], ""))
            out.print(table)
        return
    linked = sum(len(a["members"]) > 1 for a in found)
    table = Table(title=f"{linked:,} actors linking accounts" + (f", {len(found) - linked:,} single accounts with a "
                  "name-only match" if len(found) > linked else ""), title_justify="left", expand=True)
    for column in ("actor", "accounts", "sites", "linked by", "name only (weak)", "last seen"):
        table.add_column(column, overflow="fold")
    for a in found[:limit]:
        table.add_row(*_cells(a["id"][:12], ", ".join(m["key"] for m in a["members"]), ", ".join(a.get("sites", [])),
                              ", ".join(sorted({lk["type"] for lk in a.get("links", [])})),
                              ", ".join(a.get("weak_names", [])), str(a.get("last_seen", ""))[:10]))
    out.print(table)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents per entity, schema versions, engine health, and what waits in the spool or was rejected."""
    with store_or_exit() as store:
        s = store.stats()
    if as_json:
        print(s.model_dump_json())
        return
    table = Table(title=Text(f"{s.backend} store at {s.location}" + (f" ({s.server_version})" if s.server_version
                                                                     else "")),
                  title_justify="left")
    for column, justify in (("entity", "left"), ("documents", "right"), ("schema", "right"), ("index", "left"),
                            ("size", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for name, e in s.entities.items():
        size = f"{e.size_bytes / 1048576:,.1f} MiB" if e.size_bytes is not None else ""
        table.add_row(*_cells(name, f"{e.count:,}", f"v{e.version}", e.location, size))
    out.print(table)
    health = {"green": "green", "yellow": "yellow", "red": "red"}.get(s.health or "", "white")
    out.print(Text.assemble("health: ", (str(s.health), health), f"   spool: {s.spooled_batches:,} batches / "
                            f"{s.spooled_docs:,} documents waiting   rejected: {s.rejected:,}"))


@app.command()
def ensure() -> None:
    """Create the indices, templates and aliases (or tables), or migrate them to this version's schema."""
    with store_or_exit() as store:
        for line in store.ensure_schema() or ["schema up to date"]:
            out.print(line, markup=False)


@app.command()
def replay() -> None:
    """Send the documents that wait in the spool (the engine was unreachable or pushed back), oldest first; then link
    vendors again, since the sightings that arrived may join accounts."""
    from index.linking import relink

    with store_or_exit() as store:
        result = store.replay()
        linked = 0
        if result.indexed and not result.spooled:
            store.refresh()
            linked = sum(len(a["members"]) > 1 for a in relink(store)[1])
    out.print(f"replayed: {result.indexed:,} indexed, {len(result.rejected):,} rejected, {result.spooled:,} still "
              "waiting" + (f"; {linked:,} linked actors" if result.indexed and not result.spooled else ""))
    if result.spooled:
        raise typer.Exit(1)


@app.command()
def rejected(limit: Annotated[int, typer.Option(min=1)] = 50) -> None:
    """Documents the store refused, with the reason (their full text is kept in rejected.jsonl)."""
    with store_or_exit() as store:
        rows = store.rejections()
    table = Table(title=f"{len(rows):,} rejected documents", title_justify="left", expand=True)
    table.add_column("when", no_wrap=True)
    table.add_column("entity", no_wrap=True)
    table.add_column("id", overflow="fold", min_width=12)
    table.add_column("reason", overflow="fold", ratio=1)
    for r in rows[-limit:]:
        table.add_row(*_cells(str(r.at or "")[:19], r.entity.value, r.id, r.reason))
    out.print(table)


def _hits_table(entity: Entity, hits: list, total: int, offset: int) -> Table:
    first = offset + 1 if hits else 0
    table = Table(title=f"{total:,} {entity.value}s match; showing {first:,}–{offset + len(hits):,}",
                  title_justify="left", expand=True)
    time_field = TIME_FIELDS[entity]
    table.add_column("seen", no_wrap=True)
    table.add_column("site", no_wrap=True)
    table.add_column("class", no_wrap=True)
    table.add_column("what", ratio=1, overflow="fold")
    table.add_column("price", no_wrap=True, justify="right")
    table.add_column("vendor", overflow="fold", max_width=18)
    for hit in hits:
        d = hit.doc
        what = hit.snippet or d.get("title") or d.get("name") or d.get("text") or d.get("normalized") or hit.id
        price = f"{d['price_amount']:g} {d.get('price_currency') or ''}".strip() if "price_amount" in d else ""
        table.add_row(*_cells(str(d.get(time_field, ""))[:10], d.get("site"), _CLASS.get(d.get("category", ""))),
                      _marked(" ".join(str(what).split())[:240]),
                      *_cells(price, d.get("vendor") or d.get("author") or d.get("name")))
    return table


_CLASS = {"drug_offer": "drug", "precursor_offer": "precursor", "other_illicit_offer": "other illicit",
          "not_offer": "not an offer"}


def _cells(*values: object) -> list[Text]:
    """Table cells as plain text: page text, vendor names and engine messages must never be read as console markup
    ("[price_amount]" would vanish, "[link=…]" would become a link)."""
    return [Text("" if v is None else str(v)) for v in values]


def _marked(snippet: str) -> Text:
    """Snippet matches ([[…]]) in bold, without letting page text be read as console markup."""
    text = Text()
    for n, part in enumerate(re.split(r"\[\[|\]\]", snippet)):
        text.append(part, style="bold yellow" if n % 2 else "")
    return text
