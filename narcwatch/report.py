"""The analyst's HTML report: one self-contained file with the run's counts, charts and the vendor network.

The report is opened offline, often on a case workstation, and most of what it shows (vendor names, identifier
values, problem examples) was written by the people under investigation. So it is one file with inline CSS and
hand-built SVG, no scripts and no external resources (a Content-Security-Policy forbids both in case anything slips
through), every crawled string is escaped and its invisible or direction-changing characters are shown as
``⟨U+XXXX⟩``: two accounts that look alike but differ by a zero-width space must not look identical. The output is
byte-for-byte the same for the same input, so two reports can be diffed and a report can be hashed for the file.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narcwatch import __version__

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class ReportData:
    """Everything the report shows, already counted; the report itself reads no store."""

    title: str  # e.g. "narcwatch demo — test range seed 7"
    generated_at: str  # ISO 8601
    run_id: str | None
    store: str  # where the data is, e.g. "embedded store /home/x/.local/share/narcwatch/store.sqlite"
    totals: dict[str, int]  # {"listings": n, "posts": n, "vendors": n, "identifiers": n, "evidence": n, "actors": n}
    by_site_category: dict[str, dict[str, int]]  # site -> category -> items
    substance_classes: dict[str, int]  # {"stimulant": 412, "opioid": 120, ...}
    identifier_types: dict[str, int]  # {"crypto_address": 900, "telegram": 120, ...}
    currencies: dict[str, int]  # {"BTC": 400, "XMR": 300, ...}
    per_day: list[tuple[str, int]]  # listings first seen per day, oldest first
    actors: list[dict]  # actor documents (index.linking.actor_documents)
    hubs: list[dict]  # identifiers too shared to link: {"type", "value", "accounts", "sites"}
    problems: list[dict]  # crawl problems: {"source", "kind", "count", "example"}
    accuracy: dict[str, float] | None = None  # demo only, measured against the test range's ground truth


NETWORK_LIMIT = 40  # actors drawn; a picture with more is unreadable, the table below lists them all
TABLE_LIMIT = 500  # rows per table; beyond that the store's search is the better tool
CATEGORIES = ("drug_offer", "precursor_offer", "other_illicit_offer", "not_offer")
CATEGORY_COLOURS = {"drug_offer": "#d55e00", "precursor_offer": "#e69f00", "other_illicit_offer": "#cc79a7",
                    "not_offer": "#999999"}
# Okabe-Ito: distinguishable with the common colour-vision deficiencies; sites beyond eight reuse colours.
SITE_PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442", "#000000")
# Identifier node shape and colour by type: wallets, keys, messengers and contact details read apart at a glance.
IDENTIFIER_STYLE = {
    "crypto_address": ("diamond", "#e69f00"),
    "pgp_fingerprint": ("square", "#009e73"),
    "email": ("hexagon", "#cc79a7"),
    "phone": ("hexagon", "#d55e00"),
    "iban": ("hexagon", "#0072b2"),
}
MESSENGER_STYLE = ("triangle", "#56b4e9")  # telegram, wickr, threema, session_id, xmpp, snapchat
TOTAL_ORDER = ("listings", "posts", "vendors", "identifiers", "evidence", "actors")
BAR_COLOUR = "#0072b2"
CHAR_W = 7.5  # px per character at the charts' 12 px font, for sizing label columns
LABEL_MAX = 28  # characters of a chart label before it is shortened
HOP_PX = 90  # network: distance between an account and an identifier it showed
MAX_CELL_W = 1180  # network: widest actor cell, the picture's width less a margin
MAX_NODES = 150  # network: an actor with more nodes is an unreadable hairball (and slow to lay out), so not drawn


def shown(value: object, limit: int = 300) -> str:
    """Text safe to display (escaping is the caller's job): line breaks become spaces, other control, format and
    surrogate characters become visible ``⟨U+XXXX⟩``, and very long values are cut with the length noted."""
    out = []
    for ch in str(value):
        if ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    text = "".join(out)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def short(value: object, n: int) -> str:
    """A label of at most n characters (plus an ellipsis), for places where the full value is in a tooltip."""
    text = shown(value)
    return text if len(text) <= n else text[:n] + "…"


def esc(value: object, limit: int = 300) -> str:
    """Shown text escaped for HTML and SVG, in text and in double-quoted attributes alike."""
    return html.escape(shown(value, limit), quote=True)


def _ranked(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Largest first, ties by name, so the order does not depend on how the caller built the dict."""
    return sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def _fmt(n: float) -> str:
    return f"{n:,}"


def _svg(width: float, height: float, body: Iterable[str], label: str, cls: str = "chart") -> str:
    return (f'<svg class="{cls}" role="img" aria-label="{esc(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}">' + "".join(body) + "</svg>")


def bar_chart_svg(counts: Mapping[str, int], label: str, colour: str = BAR_COLOUR) -> str:
    """Horizontal bars, largest first, each with its count; empty string when there is nothing to draw."""
    rows = [(k, v) for k, v in _ranked(counts) if v > 0]
    if not rows:
        return ""
    row_h, bar_w = 22, 420
    label_w = 10 + CHAR_W * max(len(short(k, LABEL_MAX)) for k, _ in rows)
    top = max(v for _, v in rows)
    body = []
    for i, (key, value) in enumerate(rows):
        y = 6 + i * row_h
        w = max(1.0, bar_w * value / top)
        body.append(f'<g><title>{esc(key)}: {_fmt(value)}</title>'
                    f'<text x="{label_w - 6:.0f}" y="{y + 14}" text-anchor="end">{esc(short(key, LABEL_MAX))}</text>'
                    f'<rect x="{label_w:.0f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>'
                    f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" class="value">{_fmt(value)}</text></g>')
    return _svg(label_w + bar_w + 80, 12 + len(rows) * row_h, body, label)


def _categories(by_site_category: Mapping[str, Mapping[str, int]]) -> list[str]:
    """The known categories in their fixed order, then any others the data holds."""
    seen = {c for cats in by_site_category.values() for c, n in cats.items() if n > 0}
    return [c for c in CATEGORIES if c in seen] + sorted(seen - set(CATEGORIES))


def stacked_site_chart_svg(by_site_category: Mapping[str, Mapping[str, int]]) -> str:
    """Items per site as one bar, split by offer category, biggest site first; empty string when there are none."""
    totals = {site: sum(cats.values()) for site, cats in by_site_category.items()}
    sites = [s for s, n in _ranked(totals) if n > 0]
    if not sites:
        return ""
    categories = _categories(by_site_category)
    extra = sorted(set(categories) - set(CATEGORIES))
    colours = {**CATEGORY_COLOURS, **{c: SITE_PALETTE[i % len(SITE_PALETTE)] for i, c in enumerate(extra)}}
    row_h, bar_w, legend_h = 24, 480, 28
    label_w = 10 + CHAR_W * max(len(short(s, LABEL_MAX)) for s in sites)
    top = max(totals[s] for s in sites)
    body, x = [], 0.0
    for cat in categories:  # legend
        body.append(f'<rect x="{x:.0f}" y="6" width="12" height="12" fill="{colours[cat]}"/>'
                    f'<text x="{x + 16:.0f}" y="16">{esc(short(cat, LABEL_MAX))}</text>')
        x += 32 + CHAR_W * len(short(cat, LABEL_MAX))
    for i, site in enumerate(sites):
        y = legend_h + i * row_h
        body.append(f'<text x="{label_w - 6:.0f}" y="{y + 15}" text-anchor="end">{esc(short(site, LABEL_MAX))}'
                    f'<title>{esc(site)}</title></text>')
        left = label_w
        for cat in categories:
            n = by_site_category[site].get(cat, 0)
            if n <= 0:
                continue
            w = bar_w * n / top
            body.append(f'<rect x="{left:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                        f'fill="{colours[cat]}"><title>{esc(site)} · {esc(cat)}: {_fmt(n)}</title></rect>')
            left += w
        body.append(f'<text x="{left + 5:.1f}" y="{y + 15}" class="value">{_fmt(totals[site])}</text>')
    width = max(label_w + bar_w + 80, x)
    return _svg(width, legend_h + len(sites) * row_h + 6, body, "items by site and category")


def per_day_svg(per_day: list[tuple[str, int]]) -> str:
    """Listings first seen per day as vertical bars, oldest left; a few date labels so they never overlap."""
    days = sorted((str(d), int(n)) for d, n in per_day)
    if not days:
        return ""
    plot_w = min(900.0, max(240.0, 40.0 * len(days)))
    plot_h, left, top_pad = 160, 60, 14
    slot = plot_w / len(days)
    every = max(1, math.ceil(84 / slot))  # one date label per ~84 px
    top = max(max(n for _, n in days), 1)
    base = top_pad + plot_h
    body = [f'<line x1="{left}" y1="{base}" x2="{left + plot_w:.0f}" y2="{base}" class="axis"/>',
            f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" class="value">{_fmt(top)}</text>',
            f'<text x="{left - 6}" y="{base}" text-anchor="end" class="value">0</text>']
    for i, (day, n) in enumerate(days):
        h = plot_h * n / top
        x = left + i * slot
        body.append(f'<rect x="{x + slot * 0.1:.1f}" y="{base - h:.1f}" width="{max(1.0, slot * 0.8):.1f}" '
                    f'height="{h:.1f}" fill="{BAR_COLOUR}"><title>{esc(day)}: {_fmt(n)}</title></rect>')
        if i % every == 0 or (i == len(days) - 1 and i % every >= every / 2):
            body.append(f'<text x="{x + slot / 2:.1f}" y="{base + 16}" text-anchor="middle">'
                        f'{esc(short(day, 10))}</text>')
    return _svg(left + plot_w + 50, base + 26, body, "listings first seen per day")


def largest_actors(actors: list[dict], limit: int = NETWORK_LIMIT) -> list[dict]:
    """Actors by member count, then link count, then id: the order of the picture and of the table."""
    ranked = sorted(actors, key=lambda a: (-len(a.get("members", [])), -a.get("link_count", 0), str(a.get("id"))))
    return ranked[:limit]


def site_colours(actors: Iterable[dict]) -> dict[str, str]:
    """One colour per site, assigned in name order so a site keeps its colour however actors are ordered."""
    sites = set()
    for actor in actors:
        sites.update(m["site"] for m in actor.get("members", []))
        for pair in actor.get("weak", []):
            sites.update(key.split(":", 1)[0] for key in (pair["a"], pair["b"]))
    return {site: SITE_PALETTE[i % len(SITE_PALETTE)] for i, site in enumerate(sorted(sites))}


def identifier_style(kind: str) -> tuple[str, str]:
    if kind in IDENTIFIER_STYLE:
        return IDENTIFIER_STYLE[kind]
    return MESSENGER_STYLE if kind in {"telegram", "wickr", "threema", "session_id", "xmpp", "snapchat"} \
        else ("hexagon", "#666666")


def _shape(shape: str, x: float, y: float, colour: str, r: float = 7.0) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.0f}" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.0f}" height="{2 * r:.0f}" fill="{colour}"/>'
    corners = {"diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
               "triangle": [(0, -1.3), (1.2, 0.9), (-1.2, 0.9)],
               "hexagon": [(math.cos(a), math.sin(a)) for a in (i * math.pi / 3 for i in range(6))]}[shape]
    points = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in corners)
    return f'<polygon points="{points}" fill="{colour}"/>'


def stress_layout(graph: nx.Graph, seed: int) -> dict:
    """Node positions whose distances follow the graph's hop counts (stress majorization, as Graphviz neato does):
    chains come out straight and clusters apart, where force-directed layouts curl small graphs up. Rotated so the
    long side is horizontal, with signs fixed, so the same graph always gives the same picture."""
    import networkx as nx
    import numpy as np

    nodes = list(graph)
    if len(nodes) < 2:
        return {node: (0.0, 0.0) for node in nodes}
    hops = dict(nx.all_pairs_shortest_path_length(graph))
    far = len(nodes)  # for a graph in pieces: apart, but not unboundedly
    d = np.array([[hops[u].get(v, far) for v in nodes] for u in nodes], dtype=float)
    w = np.zeros_like(d)
    np.divide(1.0, d**2, out=w, where=d > 0)
    v_plus = np.linalg.pinv(np.diag(w.sum(axis=1)) - w)
    x = np.random.default_rng(seed).random((len(nodes), 2))
    for _ in range(300):
        e = np.linalg.norm(x[:, None] - x[None], axis=-1)
        b = -w * d / np.where(e > 1e-9, e, 1e-9)
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        x, moved = v_plus @ (b @ x), x
        if np.abs(x - moved).max() < 1e-3:  # in hops: well under a pixel
            break
    x -= x.mean(axis=0)
    _, vectors = np.linalg.eigh(x.T @ x)
    x = x @ vectors[:, ::-1]  # principal axis first
    x *= np.where(x[0] > 0, -1.0, 1.0)  # first node left and up
    return {node: (round(float(p[0]), 3), round(float(p[1]), 3)) for node, p in zip(nodes, x, strict=True)}


def _actor_cell(actor: dict, number: int, colours: Mapping[str, str], seed: int) -> tuple[float, float, list[str]]:
    """One actor's cell: its accounts, the identifiers that link them, and weak name pairs.
    Returns the cell's width, height and SVG elements (relative to the cell's top left)."""
    import networkx as nx

    members = sorted(m["key"] for m in actor.get("members", []))
    weak = actor.get("weak", [])
    outsiders = sorted({k for p in weak for k in (p["a"], p["b"])} - set(members))
    graph = nx.Graph()
    graph.add_nodes_from(("account", k) for k in members + outsiders)
    ident_edges: dict[tuple[str, str], dict[str, list[str]]] = {}
    for lk in sorted(actor.get("links", []), key=lambda lk: (lk["type"], lk["value"], lk["a"], lk["b"])):
        seen_in = ident_edges.setdefault((lk["type"], lk["value"]), {})
        for side in ("a", "b"):
            seen_in.setdefault(lk[side], []).extend(lk.get(f"evidence_{side}", []))
    for ident, accounts in ident_edges.items():
        graph.add_node(("identifier", *ident))
        graph.add_edges_from((("account", acc), ("identifier", *ident)) for acc in sorted(accounts))
    weak_pairs = sorted({tuple(sorted((p["a"], p["b"]))): p for p in weak}.items())
    graph.add_edges_from((("account", a), ("account", b)) for (a, b), _ in weak_pairs)

    sites = actor.get("sites", [])
    links = actor.get("link_count", 0)
    caption = (f"#{number} · {_fmt(len(members))} accounts · {len(sites)} site{'s' if len(sites) != 1 else ''} · "
               f"{_fmt(links)} link{'s' if links != 1 else ''}")
    head = f'<text x="8" y="17" class="caption">{esc(caption)}<title>actor {esc(actor.get("id", ""))}</title></text>'
    if graph.number_of_nodes() > MAX_NODES:
        width = 40 + CHAR_W * len(caption)
        return width, 48, [f'<rect class="cell" x="1" y="1" width="{width - 2:.0f}" height="46" rx="6"/>', head,
                           '<text x="8" y="37" class="note">too large to draw: see the actors table</text>']

    pos = stress_layout(graph, seed)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    scale = min(HOP_PX, (MAX_CELL_W - 170) / max(max(xs) - min(xs), 1e-9))
    width = max(220.0, (max(xs) - min(xs)) * scale + 170)
    height = (max(ys) - min(ys)) * scale + 80
    x0, y0 = width / 2 - (max(xs) + min(xs)) * scale / 2, 44 - min(ys) * scale
    xy = {node: (x0 + px * scale, y0 + py * scale) for node, (px, py) in pos.items()}
    out = [f'<rect class="cell" x="1" y="1" width="{width - 2:.0f}" height="{height - 2:.0f}" rx="6"/>', head]
    for (kind, value), accounts in ident_edges.items():
        _, colour = identifier_style(kind)
        x2, y2 = xy[("identifier", kind, value)]
        for acc in sorted(accounts):
            x1, y1 = xy[("account", acc)]
            refs = accounts[acc]
            where = f" in {', '.join(refs[:3])}{' …' if len(refs) > 3 else ''}" if refs else ""
            out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                       f'class="link"><title>{esc(acc)} showed {esc(kind)} {esc(value)}{esc(where)}</title></line>')
    for (a, b), pair in weak_pairs:
        (x1, y1), (x2, y2) = xy[("account", a)], xy[("account", b)]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle  # along the edge, upright
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="weak">'
                   f'<title>{esc(a)} ~ {esc(b)}: same {esc(pair.get("type", "name"))} '
                   f'"{esc(pair.get("value", ""))}" only</title></line>'
                   f'<text x="{mx:.1f}" y="{my - 3:.1f}" text-anchor="middle" transform="rotate({angle:.0f} '
                   f'{mx:.1f} {my:.1f})" class="weak-label">name only (weak)</text>')
    for kind, value in ident_edges:
        shape, colour = identifier_style(kind)
        x, y = xy[("identifier", kind, value)]
        out.append(f'<g><title>{esc(kind)}: {esc(value)}</title>{_shape(shape, x, y, colour)}'
                   f'<text x="{x:.1f}" y="{y - 12:.1f}" text-anchor="middle" class="id-label">'
                   f'{esc(short(value, 10))}</text></g>')
    for key in members + outsiders:
        x, y = xy[("account", key)]
        colour = colours.get(key.split(":", 1)[0], "#666666")
        is_member = key in members
        dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" stroke="#ffffff"/>' if is_member else
               f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#ffffff" stroke="{colour}" class="outsider"/>')
        note = "" if is_member else " (not in this actor: same name only)"
        out.append(f'<g><title>{esc(key)}{note}</title>{dot}'
                   f'<text x="{x:.1f}" y="{y + 21:.1f}" text-anchor="middle" class="acct-label'
                   f'{"" if is_member else " outside"}">{esc(short(key, 24))}</text></g>')
    return width, height, out


def _network_legend(colours: Mapping[str, str], kinds: list[str], width: float) -> tuple[float, list[str]]:
    """Site colours, identifier shapes and the weak edge, wrapped to the picture's width."""
    items = [(_shape("circle", 0, 0, colour), site) for site, colour in colours.items()]
    for kind in kinds:
        shape, colour = identifier_style(kind)
        items.append((_shape(shape, 0, 0, colour), kind))
    items.append(('<line x1="-9" y1="0" x2="9" y2="0" class="weak"/>', "name only (weak)"))
    out, x, y = [], 12.0, 16.0
    for icon, text in items:
        w = 30 + CHAR_W * len(short(text, LABEL_MAX))
        if x + w > width and x > 12:
            x, y = 12.0, y + 22
        out.append(f'<g transform="translate({x:.0f},{y:.0f})">{icon}</g>'
                   f'<text x="{x + 14:.0f}" y="{y + 4:.0f}" class="legend">{esc(short(text, LABEL_MAX))}</text>')
        x += w
    return y + 16, out


def network_svg(actors: list[dict], limit: int = NETWORK_LIMIT, width: float = MAX_CELL_W + 20, seed: int = 7) -> str:
    """The largest actors, each in its own cell: accounts (circles coloured by site) joined through the identifiers
    they share, dashed grey edges for name-only pairs. Empty string when there are no actors."""
    drawn = largest_actors(actors, limit)
    if not drawn:
        return ""
    colours = site_colours(drawn)
    kinds = sorted({lk["type"] for a in drawn for lk in a.get("links", [])})
    y, body = _network_legend(colours, kinds, width)
    x, row_h = 0.0, 0.0
    for number, actor in enumerate(drawn, 1):
        w, h, cell = _actor_cell(actor, number, colours, seed)
        if x + w > width and x > 0:
            x, y, row_h = 0.0, y + row_h + 8, 0.0
        body.append(f'<g class="actor" transform="translate({x:.1f},{y:.1f})">' + "".join(cell) + "</g>")
        x, row_h = x + w + 8, max(row_h, h)
    return _svg(width, y + row_h + 4, body, f"vendor network: {len(drawn)} of {len(actors)} actors", cls="network")


def _linked_by(actor: dict) -> list[tuple[str, str]]:
    return sorted({(lk["type"], lk["value"]) for lk in actor.get("links", [])})


def _actor_rows(actors: list[dict]) -> list[dict]:
    rows = []
    for number, actor in enumerate(largest_actors(actors, TABLE_LIMIT), 1):
        kinds = Counter(kind for kind, _ in _linked_by(actor))
        rows.append({
            "number": number,
            "id": actor.get("id", ""),
            "members": sorted(m["key"] for m in actor.get("members", [])),
            "sites": actor.get("sites", []),
            "linked_by": [f"{kind} ×{n}" if n > 1 else kind for kind, n in sorted(kinds.items())],
            "identifiers": _linked_by(actor),
            "link_count": actor.get("link_count", 0),
            "weak_names": actor.get("weak_names", []),
            "first_seen": actor.get("first_seen") or "",
            "last_seen": actor.get("last_seen") or "",
        })
    return rows


def _totals(totals: Mapping[str, int]) -> list[tuple[str, int]]:
    known = [(k, totals[k]) for k in TOTAL_ORDER if k in totals]
    return known + sorted((k, v) for k, v in totals.items() if k not in TOTAL_ORDER)


def render(data: ReportData, network_limit: int = NETWORK_LIMIT) -> str:
    """The report as one HTML string."""
    from jinja2 import Environment, StrictUndefined
    from markupsafe import Markup

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["shown"] = shown
    env.filters["short"] = short
    env.filters["n"] = _fmt
    drawn = min(network_limit, len(data.actors))
    hubs = sorted(data.hubs, key=lambda h: (-h.get("accounts", 0), -h.get("sites", 0), str(h.get("type")),
                                            str(h.get("value"))))
    problems = sorted(data.problems, key=lambda p: (-p.get("count", 0), str(p.get("source")), str(p.get("kind"))))
    charts = {
        "sites": stacked_site_chart_svg(data.by_site_category),
        "substances": bar_chart_svg(data.substance_classes, "listings by substance class"),
        "identifiers": bar_chart_svg(data.identifier_types, "identifiers by type", "#009e73"),
        "currencies": bar_chart_svg(data.currencies, "identifiers by currency", "#e69f00"),
        "per_day": per_day_svg(data.per_day),
        "network": network_svg(data.actors, network_limit),
    }
    return env.from_string(TEMPLATE).render(
        d=data,
        version=__version__,
        css=Markup(CSS),
        totals=_totals(data.totals),
        empty=not any(data.totals.values()),
        charts={k: Markup(v) for k, v in charts.items()},
        categories=_categories(data.by_site_category),
        sites=[s for s, _ in _ranked({s: sum(c.values()) for s, c in data.by_site_category.items()})],
        drawn=drawn,
        left_out=len(data.actors) - drawn,
        actor_rows=_actor_rows(data.actors),
        hubs=hubs[:TABLE_LIMIT],
        problems=problems[:TABLE_LIMIT],
        table_limit=TABLE_LIMIT,
    )


def write_report(data: ReportData, path: Path) -> Path:
    """Write the report to path (parent folders are created) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8", newline="\n")
    return path


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;margin:0 auto;max-width:1240px;
padding:0 16px 40px}
header{border-bottom:2px solid #0072b2;margin-bottom:8px}h1{font-size:22px;margin:16px 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:2px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}dl.meta dt{color:#555}
dl.meta dd{margin:0;overflow-wrap:anywhere}nav a{margin-right:10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;
min-width:110px}.card .num{font-size:22px;font-weight:600}.card .label{color:#555}
.grid{display:flex;flex-wrap:wrap;gap:24px}.grid>div{flex:1 1 480px}
svg{max-width:100%;height:auto;display:block}svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}
svg text.value,svg text.note{fill:#444}svg .axis{stroke:#888}svg text.caption{font-weight:600}
svg .cell{fill:#fafafa;stroke:#ddd}svg .link{stroke-width:2;stroke-opacity:.8}
svg .weak{stroke:#999;stroke-width:1.5;stroke-dasharray:5 4}svg .outsider{stroke-dasharray:3 2;stroke-width:2}
svg text.acct-label{font-size:11px}svg text.acct-label.outside{fill:#777;font-style:italic}
svg text.id-label{font:10px ui-monospace,monospace;fill:#444}svg text.weak-label{font-size:9px;fill:#777;
font-style:italic}svg text.legend{font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}
.mono{font-family:ui-monospace,monospace;overflow-wrap:anywhere}.note{color:#555}.warn{color:#a04000}
bdi{unicode-bidi:isolate}ul.plain{list-style:none;margin:0;padding:0}footer{margin-top:32px;color:#777;
font-size:12px}
@media print{nav{display:none}section{break-inside:avoid}}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ d.title | shown }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>{{ d.title | shown }}</h1>
<dl class="meta">
<dt>Generated</dt><dd>{{ d.generated_at | shown }}</dd>
<dt>Run</dt><dd class="mono">{{ d.run_id | shown if d.run_id else "—" }}</dd>
<dt>Store</dt><dd class="mono">{{ d.store | shown }}</dd>
</dl>
<nav><a href="#totals">Totals</a>{% if d.accuracy %}<a href="#accuracy">Accuracy</a>{% endif %}\
<a href="#sites">Sites</a><a href="#substances">Substances</a><a href="#identifiers">Identifiers</a>\
<a href="#per-day">Per day</a><a href="#network">Network</a><a href="#actors">Actors</a><a href="#hubs">Hubs</a>\
<a href="#problems">Problems</a></nav>
</header>

<section id="totals">
<h2>Totals</h2>
<div class="cards">
{% for name, value in totals %}
<div class="card"><div class="num">{{ value | n }}</div><div class="label">{{ name | shown }}</div></div>
{% endfor %}
</div>
{% if empty %}<p class="warn">Nothing was collected in this run: no listings, posts, vendors or identifiers.</p>\
{% endif %}
</section>

{% if d.accuracy %}
<section id="accuracy">
<h2>Accuracy against the test range's ground truth</h2>
<p class="note">Measured on the synthetic test range only; real sites have no ground truth.</p>
<div class="cards">
{% for name, value in d.accuracy | dictsort %}
<div class="card"><div class="num">{{ "%.1f" | format(value * 100) }} %</div>\
<div class="label">{{ name | shown }}</div></div>
{% endfor %}
</div>
</section>
{% endif %}

<section id="sites">
<h2>Items by site and category</h2>
{% if charts.sites %}
{{ charts.sites }}
<details><summary>Table</summary>
<table><tr><th>Site</th>{% for c in categories %}<th>{{ c | shown }}</th>{% endfor %}<th>Total</th></tr>
{% for site in sites %}
<tr><td><bdi>{{ site | shown }}</bdi></td>\
{% for c in categories %}<td class="n">{{ d.by_site_category[site].get(c, 0) | n }}</td>{% endfor %}\
<td class="n">{{ d.by_site_category[site].values() | sum | n }}</td></tr>
{% endfor %}
</table></details>
{% else %}<p class="note">No items were classified.</p>{% endif %}
</section>

<section id="substances">
<h2>Listings by substance class</h2>
{% if charts.substances %}{{ charts.substances }}{% else %}<p class="note">No substances were recognised.</p>{% endif %}
</section>

<section id="identifiers">
<h2>Identifiers</h2>
<div class="grid">
<div><h3>By type</h3>
{% if charts.identifiers %}{{ charts.identifiers }}{% else %}<p class="note">No identifiers were found.</p>{% endif %}
</div>
<div><h3>Crypto addresses by currency</h3>
{% if charts.currencies %}{{ charts.currencies }}{% else %}<p class="note">No crypto addresses were found.</p>\
{% endif %}
</div>
</div>
</section>

<section id="per-day">
<h2>Listings first seen per day</h2>
{% if charts.per_day %}{{ charts.per_day }}{% else %}<p class="note">No listings were seen.</p>{% endif %}
</section>

<section id="network">
<h2>Vendor / identifier network</h2>
{% if charts.network %}
<p class="note">Accounts (circles, coloured by site) joined through the hard identifiers they share; dashed grey
edges join accounts whose names match but which share no identifier, which is not enough to link them. Hover a
node or edge for the full value and the evidence records.
{% if left_out > 0 %}<strong class="warn">The {{ drawn | n }} largest actors are drawn; {{ left_out | n }}
more were left out of the picture (the table below lists them).</strong>{% else %}All {{ drawn | n }} actors are
drawn.{% endif %}
</p>
{{ charts.network }}
{% else %}<p class="note">No actors: no two accounts share a hard identifier.</p>{% endif %}
</section>

<section id="actors">
<h2>Actors ({{ d.actors | length | n }})</h2>
{% if actor_rows %}
{% if actor_rows | length < d.actors | length %}<p class="warn">Showing the {{ actor_rows | length | n }} largest of
{{ d.actors | length | n }} actors.</p>{% endif %}
<table>
<tr><th>#</th><th>Accounts</th><th>Sites</th><th>Linked by</th><th>Links</th><th>Same name only (weak)</th>\
<th>First seen</th><th>Last seen</th><th>Actor id</th></tr>
{% for r in actor_rows %}
<tr><td class="n">{{ r.number }}</td>
<td><ul class="plain">{% for m in r.members %}<li><bdi>{{ m | shown }}</bdi></li>{% endfor %}</ul></td>
<td>{% for s in r.sites %}<bdi>{{ s | shown }}</bdi>{% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{{ r.linked_by | join(", ") }}<ul class="plain mono">{% for kind, value in r.identifiers[:6] %}\
<li title="{{ kind | shown }}: {{ value | shown }}">{{ value | short(24) }}</li>{% endfor %}\
{% if r.identifiers | length > 6 %}<li>+{{ r.identifiers | length - 6 }} more</li>{% endif %}</ul></td>
<td class="n">{{ r.link_count | n }}</td>
<td><ul class="plain">{% for m in r.weak_names %}<li><bdi>{{ m | shown }}</bdi></li>{% endfor %}</ul></td>
<td>{{ r.first_seen | shown }}</td><td>{{ r.last_seen | shown }}</td><td class="mono">{{ r.id | shown }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="note">No actors were linked.</p>{% endif %}
</section>

<section id="hubs">
<h2>Hub identifiers (too shared to link)</h2>
{% if hubs %}
<p class="note">Shown by so many accounts that they are likely a market's escrow wallet, a public group or a copied
example; they link nothing but may be worth a look on their own.</p>
{% if d.hubs | length > table_limit %}<p class="warn">Showing {{ table_limit | n }} of {{ d.hubs | length | n }}.</p>\
{% endif %}
<table><tr><th>Type</th><th>Value</th><th>Accounts</th><th>Sites</th></tr>
{% for h in hubs %}
<tr><td>{{ h.get("type", "") | shown }}</td><td class="mono">{{ h.get("value", "") | shown }}</td>\
<td class="n">{{ h.get("accounts", 0) | n }}</td><td class="n">{{ h.get("sites", 0) | n }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="note">No hub identifiers.</p>{% endif %}
</section>

<section id="problems">
<h2>Crawl problems</h2>
{% if problems %}
{% if d.problems | length > table_limit %}<p class="warn">Showing {{ table_limit | n }} of \
{{ d.problems | length | n }}.</p>{% endif %}
<table><tr><th>Source</th><th>Kind</th><th>Count</th><th>Example</th></tr>
{% for p in problems %}
<tr><td><bdi>{{ p.get("source", "") | shown }}</bdi></td><td>{{ p.get("kind", "") | shown }}</td>\
<td class="n">{{ p.get("count", 0) | n }}</td><td class="mono">{{ p.get("example", "") | shown }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="note">No crawl problems were recorded.</p>{% endif %}
</section>

<footer>narcwatch {{ version }} · self-contained report: no scripts, no network requests. Text from crawled pages
is shown as text; invisible and direction-changing characters appear as ⟨U+XXXX⟩.</footer>
</body>
</html>
"""
