"""The demo's last step, acting on what it found: a case of the largest linked operator (its vendor accounts and
wallets), the precursor shop, a channel and a Table I precursor offer; takedown packages and a referral dossier that
verify; the case exported for an FIU in every format, each read back by its receiver's validator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from act.cases import NEXT, CaseBook
from act.exports import ExportFormat, select_case, write_export
from act.manifest import verify_package
from act.packages import build_referral, build_takedown
from act.packages import verify as verify_built
from act.reporting import DEFAULT_PATH, load_reporting
from index.schema import Entity
from index.store import Query, Store
from narcwatch.models import ResourceKind, ResourceState

WALLETS = 3  # of the operator's crypto addresses, made resources


@dataclass
class Acted:
    """One product of the act step and how it was checked."""

    what: str
    path: str
    check: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def act_on(store: Store, out: Path, crawl_out: Path, actors: list[dict], case: str,
           goaml_schema: Path | None = None) -> list[Acted]:
    """Make the case, its packages and exports under `out`, and check every one of them."""
    book = CaseBook(store)
    top = max((a for a in actors if len(a["members"]) > 1), key=lambda a: (len(a["members"]), a["id"]))
    refs: list[tuple[ResourceKind, str]] = [(ResourceKind.SITE, "shop"), (ResourceKind.CHANNEL, "channel_ua")]
    for m in top["members"]:
        q = Query(entity=Entity.VENDOR, filters={"site": [m["site"]], "name": [m["name"]]}, size=1)
        refs += [(ResourceKind.VENDOR, h.doc["id"]) for h in store.search(q).hits]
    wallets = sorted({lk["value"] for lk in top.get("links", []) if lk["type"] == "crypto_address"})
    refs += [(ResourceKind.WALLET, w) for w in wallets[:WALLETS]]
    offer = store.search(Query(entity=Entity.LISTING, filters={"precursor_table": ["I"], "site": ["shop"]}, size=1))
    refs += [(ResourceKind.LISTING, h.doc["id"]) for h in offer.hits]
    made = [book.create(kind, ref, case=case, owner="demo", note="made by narcwatch demo")[0] for kind, ref in refs]
    for r in made:
        _move(book, r.id, ResourceState.EVIDENCE_COMPLETE, "the crawl's WARC records hold its pages")

    acted: list[Acted] = []
    roots = [crawl_out]
    packages = out / "packages"
    for r in made:
        if r.kind in (ResourceKind.SITE, ResourceKind.CHANNEL, ResourceKind.LISTING):
            built = build_takedown(store, r.id, packages, roots=roots)
            acted.append(_checked(f"takedown package: {r.id}", built.zip, built.problems))
    built = build_referral(store, top["id"], packages, roots=roots)
    acted.append(_checked(f"referral dossier: {len(top['members'])} accounts of one operator", built.zip,
                          built.problems))
    for r in made:
        _move(book, r.id, ResourceState.REFERRED, "packages and FIU exports made by the demo")

    selected = select_case(store, case)
    config = load_reporting(DEFAULT_PATH)
    for fmt in ExportFormat:
        written = write_export(selected, fmt, out / "exports" / fmt.value, config, schema=goaml_schema)
        check = verify_package(written.folder)
        acted.append(Acted(what=f"{fmt.value} export of case {case}", path=str(written.folder),
                           check=" + ".join(filter(None, (written.validated_by, "manifest"))),
                           problems=written.problems + check.problems))
    return acted


def _move(book: CaseBook, resource: str, state: ResourceState, note: str) -> None:
    """Advance when the lifecycle allows (a demo run again finds its resources further along)."""
    if state in NEXT[book.require(resource).state]:
        book.advance(resource, state, by="demo", note=note)


def _checked(what: str, path: Path, problems: list[str]) -> Acted:
    check = verify_built(path)
    return Acted(what=what, path=str(path), check="manifest + WARC digests", problems=problems + check.problems)
