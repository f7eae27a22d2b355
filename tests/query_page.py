"""What the query page's browser tests share: a browser context that records every request and
console message, the plain editor (the page as a server without npm serves it), and readers of
the results panel.

Nothing may be requested from anywhere but this server, nothing may break the
Content-Security-Policy, and markup in the data must never run (``window.__pwned``) nor load
(``/pwned.png``): :meth:`Visit.check_stayed_home` runs after every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser import require_vendor
from tests.conftest import Server

__all__ = [
    "EDITORS",
    "Visit",
    "open_query",
    "result_rows",
    "use_editor",
    "visiting",
    "without_vendor",
]

#: The two editors the page may have: YASGUI's (npm) and the plain text area (no npm).
EDITORS = ("yasgui", "plain")


@dataclass
class Visit:
    """One browser context, with everything it requested and complained about."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def check_stayed_home(self, server: Server) -> None:
        home = urlsplit(server.url).netloc
        for url in self.requests:
            parts = urlsplit(url)
            assert parts.scheme in ("blob", "data") or parts.netloc == home, url
            assert "pwned" not in parts.path, url
        assert not [m for m in self.console if "Content Security Policy" in m], self.console
        assert self.page.evaluate("window.__pwned") is None


@contextmanager
def visiting(browser: Browser, server: Server) -> Iterator[Visit]:
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    seen = Visit(context, page)
    context.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append(message.text))
    try:
        yield seen
        seen.check_stayed_home(server)
    finally:
        context.close()


def without_vendor(visit: Visit) -> None:
    """Make the page meet a server whose set-up step had no npm: vendor files fail to load."""
    visit.context.route("**/static/vendor/**", lambda route: route.abort())


def use_editor(visit: Visit, editor: str) -> None:
    """YASGUI's editor (skips, or fails under CI, without it) or the plain one."""
    if editor == "yasgui":
        require_vendor("yasgui")
    else:
        without_vendor(visit)


def open_query(visit: Visit, server: Server, query: str, editor: str | None = None) -> Page:
    """Open the page's shareable link for ``query`` (it runs at once) in the given editor."""
    page = visit.page
    page.goto(server.url + "?" + urlencode({"query": query}))
    if editor is not None:
        page.wait_for_selector(f"html[data-editor={editor}]")
    return page


def result_rows(page: Page) -> list[list[str]]:
    """The results table's value cells as text, without the row numbers and the labels beside
    IRIs (they arrive a moment later)."""
    rows: list[list[str]] = page.eval_on_selector_all(
        "#results table.results tbody tr",
        """rows => rows.map(r => [...r.querySelectorAll("td")].map(c => {
            const copy = c.cloneNode(true);
            copy.querySelectorAll(".term-label").forEach(l => l.remove());
            return copy.textContent;
        }))""",
    )
    return rows


def urlencode_query(query: str) -> str:
    return urlencode({"query": query})
