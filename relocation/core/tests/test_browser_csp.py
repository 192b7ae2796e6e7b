"""In a real Chromium under the Content-Security-Policy: the declared behaviours work
(a filter submits on change, a confirm guards a form) and no page logs a violation."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_behaviours_work_and_nothing_is_refused(page, hq_staff):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    browser_login(page, "hq_staff")
    assert page.evaluate("typeof htmx") == "object"
    page.goto(page.base_url + "/stability/opinion/")
    page.select_option("select[name=status]", index=1)
    page.wait_for_url(lambda url: "status=" in url)
    # An injected inline script is refused by the policy.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.injected === undefined")
    assert any("script" in v for v in violations)
    violations.clear()
    for url in ("/dashboard/", "/supervision/scorecards/", "/api/docs/"):
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
    assert violations == []
