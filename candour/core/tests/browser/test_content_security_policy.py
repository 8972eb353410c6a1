"""The strict Content-Security-Policy is in force in a real browser, and the watcher that the
journey tests use to check for CSP refusals really sees them."""

from __future__ import annotations

import pytest

from candour.core.tests.browser.conftest import visit

pytestmark = pytest.mark.browser


def test_injected_inline_script_is_refused_and_reported(page, watcher):
    visit(page, "/sign-in")
    watcher.assert_clean()  # the page's own nonce'd script and module script are allowed
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in e for e in watcher.console_errors)
    with pytest.raises(AssertionError, match="Content Security Policy"):
        watcher.assert_clean()


def test_injected_inline_script_runs_only_where_csp_is_bypassed(axe_page):
    """The axe context bypasses CSP on purpose; show that it does, so the difference between
    the two fixtures is deliberate and tested."""
    visit(axe_page, "/sign-in")
    axe_page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert axe_page.evaluate("() => window.injected") is True
