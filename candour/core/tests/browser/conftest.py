"""Browser fixtures: Debian's Chromium through Playwright's sync API, and an axe-core check.

One browser for the whole session; a fresh context (cookies, storage) for every test. Pages
are served by pytest-django's ``live_server`` on a transactional test database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from candour.accounts.models import User
from conftest import sign_in_client

# Playwright's sync API keeps an event loop in this thread, which Django's async-safety
# check mistakes for async code calling the ORM. The tests' own ORM calls are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make setup)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageWatcher:
    """What went wrong while pages loaded: console errors (CSP refusals among them), page
    errors, and failed requests for the service's own assets."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_assets: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)
        page.on("requestfailed", lambda request: self.failed_assets.append(request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.console_errors.append(message.text)

    def _response(self, response: Response) -> None:
        if "/assets/" in response.url and response.status >= 400:
            self.failed_assets.append(f"{response.status} {response.url}")

    def assert_clean(self) -> None:
        problems = self.console_errors + self.page_errors + self.failed_assets
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def _new_context(browser: Browser, base_url: str, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=base_url, **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A context that enforces the service's Content-Security-Policy, as a user's would."""
    context = _new_context(browser, live_server.url)
    yield context
    context.close()


@pytest.fixture
def axe_context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A context that lets axe-core be injected despite the strict script-src policy."""
    context = _new_context(browser, live_server.url, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def watcher() -> PageWatcher:
    return PageWatcher()


@pytest.fixture
def page(context: BrowserContext, watcher: PageWatcher) -> Page:
    page = context.new_page()
    watcher.watch(page)
    return page


@pytest.fixture
def axe_page(axe_context: BrowserContext, watcher: PageWatcher) -> Page:
    page = axe_context.new_page()
    watcher.watch(page)
    return page


# --- Signing in ----------------------------------------------------------------------------


def session_cookie_for(user: User, *, verified: bool = True) -> str:
    """A session key for ``user``: fully signed in, or past the password step only."""
    client = Client()
    if verified:
        sign_in_client(client, user)
    else:
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def add_session(context: BrowserContext, base_url: str, session_key: str) -> None:
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


@pytest.fixture
def sign_in_as(axe_context: BrowserContext, live_server) -> Callable[..., str]:
    """Put a signed-in session for a user into the axe context; returns the session key."""

    def sign_in(user: User, *, verified: bool = True) -> str:
        key = session_cookie_for(user, verified=verified)
        add_session(axe_context, live_server.url, key)
        return key

    return sign_in


def age_session(session_key: str, *, seconds: int) -> None:
    """Pretend the session was last used ``seconds`` ago (the idle-timeout clock)."""
    session = SessionStore(session_key=session_key)
    assert session.load(), "no such session"
    session["last_seen"] = int(time.time()) - seconds
    session.save()


# --- Page checks ---------------------------------------------------------------------------


def visit(page: Page, path: str, *, status: int = 200, heading: str | None = None) -> Response:
    """Open ``path`` and check the status of the final response and the page's <h1>."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    if heading is not None:
        assert_heading(page, heading)
    return response


def assert_heading(page: Page, heading: str) -> None:
    h1 = page.locator("h1")
    assert h1.count() == 1, f"{page.url} has {h1.count()} <h1> elements"
    assert h1.inner_text().strip() == heading


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page and return its WCAG 2.x A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        try:
            page.add_script_tag(path=str(AXE_JS))
        except PlaywrightError as exc:
            raise AssertionError(
                "Could not inject axe-core; is the context made with bypass_csp=True?"
            ) from exc
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return {
                passes: results.passes.length,
                violations: results.violations.map((v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    targets: v.nodes.map((n) => n.target.join(" ")),
                })),
            };
        }""",
        AXE_TAGS,
    )
    assert results["passes"] > 0, "axe-core checked nothing: is the page empty?"
    return results["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    at {target}" for target in v["targets"])
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found violations on {page.url}:\n" + format_violations(
        violations
    )
