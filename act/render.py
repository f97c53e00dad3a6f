"""HTML and PDF for takedown summaries and referral dossiers, from one set of templates (`act/templates/`).

Everything embedded comes from hostile pages, so the templates autoescape every value and show invisible or
direction-changing characters (narcwatch.report.shown); the HTML holds no script and no remote reference, so it
reads the same offline and the PDF printer never touches the network.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from narcwatch.report import shown

_env = Environment(loader=PackageLoader("act", "templates"), autoescape=select_autoescape(default=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters["shown"] = shown


def utc(value: str | None) -> str:
    """An ISO timestamp as the analyst reads it: UTC to the second."""
    if not value:
        return "unknown"
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return shown(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


_env.filters["utc"] = utc


def render_html(template: str, **context: object) -> str:
    return _env.get_template(template).render(**context)


def html_to_pdf(html: Path, target: Path) -> None:
    """Print an HTML file to PDF with the local headless Chromium. It may read files of the HTML's own folder (the
    package's screenshots); every other request is refused."""
    from playwright.sync_api import sync_playwright

    from crawlers.settings import PLAYWRIGHT_LAUNCH_OPTIONS

    with sync_playwright() as p:  # Debian's Chromium, or $NARCWATCH_CHROMIUM, as the crawler launches it
        browser = p.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)  # type: ignore[arg-type]
        try:
            page = browser.new_page(java_script_enabled=False)
            folder = html.resolve().parent.as_uri() + "/"
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(folder)
                       else route.abort())
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.pdf(path=str(target), format="A4", print_background=True,
                     margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
        finally:
            browser.close()
