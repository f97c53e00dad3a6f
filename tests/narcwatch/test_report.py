"""The HTML report: self-contained, escaped against hostile crawled text, deterministic, and complete when empty."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from narcwatch.report import ReportData, network_svg, shown, write_report

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
QUOTES = "\"'&amp;"
MATH = "$$$cash$x^2$"
RTL = "\u202eevil\u202c"
CYRILLIC = "ДокторБелый"
ARABIC = "تاجر"
ENTITY = "]]><!ENTITY x SYSTEM 'file:///etc/passwd'>"
HOSTILE = (SCRIPT, IMG, QUOTES, MATH, ENTITY, "=HYPERLINK(\"http://evil.example/x\",\"click\")")


def actor(n: int, members: list[tuple[str, str]], idents: list[tuple[str, str]], weak: list[tuple[str, str]] = ()) \
        -> dict:
    """An actor document in the shape index.linking.actor_documents makes: consecutive members linked by idents."""
    keys = [f"{s}:{name}" for s, name in members]
    links = [{"a": keys[i], "b": keys[i + 1], "type": t, "value": v, "evidence_a": [f"<urn:uuid:{n}-{i}-a>"],
              "evidence_b": [f"<urn:uuid:{n}-{i}-b>"]} for i, (t, v) in enumerate(idents)]
    return {"id": f"actor{n:04d}", "members": [{"site": s, "name": name, "key": k} for (s, name), k in
                                                zip(members, keys, strict=True)],
            "member_keys": sorted(keys), "sites": sorted({s for s, _ in members}),
            "identifier_values": sorted({v for _, v in idents}), "identifier_types": sorted({t for t, _ in idents}),
            "links": links, "link_count": len(links), "weak_names": sorted({b for _, b in weak}),
            "weak": [{"a": a, "b": b, "type": "name", "value": a.split(":")[1].lower()} for a, b in weak],
            "first_seen": "2026-11-20T10:00:00+00:00", "last_seen": "2026-11-22T10:00:00+00:00"}


def hostile_actors() -> list[dict]:
    return [
        actor(1, [("market_a", "DrWhite"), ("forum", "drwhite_uk"), ("market_b", SCRIPT)],
              [("pgp_fingerprint", "ABCDEF0123456789ABCDEF0123456789ABCDEF01"), ("crypto_address", IMG)],
              weak=[("market_a:DrWhite", "market_c:DrWhite")]),
        actor(2, [("market_a", MATH), ("forum", QUOTES)], [("telegram", ENTITY)]),
        actor(3, [("market_b", RTL), ("forum", CYRILLIC), ("market_c", ARABIC)],
              [("email", "x@example.org"), ("crypto_address", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]),
    ]


def data(**changes) -> ReportData:
    base = ReportData(
        title="narcwatch demo — test range seed 7", generated_at="2026-11-27T15:00:00+00:00", run_id="run-7",
        store="embedded store /tmp/store.sqlite",
        totals={"listings": 1234, "posts": 56, "vendors": 78, "identifiers": 910, "evidence": 1112, "actors": 3},
        by_site_category={"market_a": {"drug_offer": 700, "precursor_offer": 40, "not_offer": 12},
                          "forum": {"drug_offer": 20, "other_illicit_offer": 5, "not_offer": 31},
                          SCRIPT: {"drug_offer": 3}},
        substance_classes={"stimulant": 412, "opioid": 120, "precursor": 80, MATH: 2},
        identifier_types={"crypto_address": 900, "telegram": 120, "pgp_fingerprint": 50},
        currencies={"BTC": 400, "XMR": 300},
        per_day=[("2026-11-20", 500), ("2026-11-21", 434), ("2026-11-22", 300)],
        actors=hostile_actors(),
        hubs=[{"type": "crypto_address", "value": IMG, "accounts": 41, "sites": 3}],
        problems=[{"source": "market_b", "kind": "http_503", "count": 17, "example": ENTITY + SCRIPT},
                  {"source": "forum", "kind": "parse", "count": 2, "example": HOSTILE[-1]}],
        accuracy={"category accuracy": 0.953, "indexed": 0.995, "linking precision": 1.0, "linking recall": 0.98},
    )
    for k, v in changes.items():
        setattr(base, k, v)
    return base


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


def svgs(html: str) -> list[ET.Element]:
    """Each inline SVG parsed as XML: escaping that is wrong for XML would fail here."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_report(data(), tmp_path_factory.mktemp("r") / "deep" / "report.html")
    assert path.is_file()
    return path.read_text(encoding="utf-8")


def test_no_active_content_and_hostile_text_only_escaped(report: str) -> None:
    parsed = parse(report)
    names = {tag for tag, _ in parsed.tags}
    assert "script" not in names and "img" not in names
    assert not [(t, a) for t, attrs in parsed.tags for a in attrs if a.startswith("on")]
    for raw in (SCRIPT, IMG, ENTITY, "<!ENTITY"):
        assert raw not in report
    text = "".join(parsed.text)
    for raw in (SCRIPT, IMG, ENTITY, CYRILLIC, ARABIC, MATH):
        assert raw in text  # shown to the analyst as the text it is
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_invisible_and_direction_characters_are_made_visible(report: str) -> None:
    assert "\u202e" not in report and "⟨U+202E⟩evil⟨U+202C⟩" in report
    assert shown("a\u200bb\nc\x00") == "a⟨U+200B⟩b c⟨U+0000⟩"


def test_self_contained(report: str) -> None:
    parsed = parse(report)
    refs = [v for _, attrs in parsed.tags for k, v in attrs.items() if k in ("src", "href", "xlink:href", "action")]
    assert refs and all(v.startswith("#") for v in refs)  # in-page navigation only
    assert "default-src 'none'" in report
    style = report[report.index("<style>"):report.index("</style>")]
    assert "url(" not in style and "@import" not in style


def test_one_svg_per_chart_all_well_formed(report: str) -> None:
    charts = svgs(report)
    assert [c.get("aria-label") for c in charts] == [
        "items by site and category", "listings by substance class", "identifiers by type",
        "identifiers by currency", "listings first seen per day", "vendor network: 3 of 3 actors"]


def test_counts_appear(report: str) -> None:
    for shown_count in ("1,234", "910", "1,112", "95.3 %", "99.5 %", "752", "412", "17"):
        assert shown_count in report


def test_network_labels_every_drawn_account_and_identifier() -> None:
    (svg,) = svgs(network_svg(hostile_actors()))
    labels = [t.text for t in svg.iter("text") if "acct-label" in t.get("class", "")]
    members = [m["key"] for a in hostile_actors() for m in a["members"]]
    assert len(labels) == len(members) + 1  # + the weak name-only neighbour market_c:DrWhite
    assert "market_a:$$$cash$x^2$" in labels
    ids = [t.text for t in svg.iter("text") if t.get("class") == "id-label"]
    assert sorted(ids) == sorted(["ABCDEF0123…", '"><img src…', "]]><!ENTIT…", "x@example.…", "bc1qar0srr…"])
    weak = [t.text for t in svg.iter("text") if t.get("class") == "weak-label"]
    assert weak == ["name only (weak)"]


def test_left_out_note_when_actors_exceed_the_limit(tmp_path: Path) -> None:
    many = [actor(n, [("market_a", f"v{n}"), ("forum", f"v{n}")], [("telegram", f"@v{n}")]) for n in range(45)]
    big = actor(99, [("market_a", "big"), ("forum", "big"), ("market_b", "big")], [("telegram", "@b"), ("email", "e")])
    html = write_report(data(actors=[*many, big]), tmp_path / "r.html").read_text(encoding="utf-8")
    assert "The 40 largest actors are drawn; 6" in html
    (network,) = [s for s in svgs(html) if s.get("class") == "network"]
    captions = [t.text for t in network.iter("text") if t.get("class") == "caption"]
    assert len(captions) == 40 and captions[0].startswith("#1 · 3 accounts")  # largest first
    assert "<h2>Actors (46)</h2>" in html and html.count('<tr><td class="n">') == 46


def test_an_actor_too_large_to_draw_is_named_not_drawn() -> None:
    giant = actor(1, [(f"site{i % 3}", f"v{i}") for i in range(400)],
                  [("crypto_address", f"w{i // 4}") for i in range(399)])
    (svg,) = svgs(network_svg([giant, *hostile_actors()]))
    texts = [t.text for t in svg.iter("text")]
    assert "#1 · 400 accounts · 3 sites · 399 links" in texts and "too large to draw: see the actors table" in texts
    assert not [t for t in texts if t and t.startswith("site0:v")]  # none of its accounts drawn, the others are
    assert "market_a:DrWhite" in texts


def test_deterministic(tmp_path: Path) -> None:
    a = write_report(data(), tmp_path / "a.html").read_bytes()
    b = write_report(data(), tmp_path / "b.html").read_bytes()
    assert a == b


def test_empty_data_gives_a_valid_report(tmp_path: Path) -> None:
    empty = ReportData(title="empty", generated_at="2026-11-27T15:00:00+00:00", run_id=None, store="nowhere",
                       totals={"listings": 0, "actors": 0}, by_site_category={}, substance_classes={},
                       identifier_types={}, currencies={}, per_day=[], actors=[], hubs=[], problems=[])
    html = write_report(empty, tmp_path / "e.html").read_text(encoding="utf-8")
    assert {tag for tag, _ in parse(html).tags} >= {"html", "body", "h1", "section"}
    assert "<svg" not in html and 'id="accuracy"' not in html
    for note in ("Nothing was collected", "No items were classified", "No listings were seen",
                 "No actors: no two accounts", "No hub identifiers", "No crawl problems"):
        assert note in html


def test_size_for_forty_actors(tmp_path: Path) -> None:
    many = [actor(n, [(f"site{n % 5}", f"vendor{n}-{i}") for i in range(6)],
                  [("crypto_address", f"bc1q{n:04d}{i}" + "x" * 30) for i in range(5)]) for n in range(300)]
    size = write_report(data(actors=many), tmp_path / "big.html").stat().st_size
    assert size < 2_000_000
