"""The dashboard's browser tests: Debian's Chromium through Playwright against the live server,
on the real build (``make dashboard``), with axe-core from node_modules (never a CDN).

Django's ORM refuses to run inside Playwright's event loop: each test makes its data before
the browser starts and checks the database after it closes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from tests.admin.test_browser import CHROMIUM, CHROMIUM_ARGS

AXE = Path(settings.BASE_DIR) / "dashboard" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots" / "dashboard"
WIDTH = 1280


@pytest.fixture
def dashboard_built():
    index = Path(settings.DASHBOARD_DIST) / "index.html"
    if not index.is_file() or not AXE.is_file():
        pytest.fail(
            f"The dashboard is not built ({index} or {AXE} is missing): run `make dashboard` "
            "(make test does it first).",
            pytrace=False,
        )
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs Debian's"


@contextmanager
def open_page() -> Iterator[Page]:
    """Chromium at 1,280 px; start it after the test's data is made (see above)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def log_in(page: Page, base_url: str, username: str, *, start: str = "/") -> None:
    page.goto(base_url + start)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()


def axe_violations(page: Page) -> list[dict]:
    """axe-core's critical and serious violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in found
        if v["impact"] in ("critical", "serious")
    ]


def check_screen(page: Page, name: str) -> None:
    """What every screen must pass: no sideways scrolling at 1,280 px and no critical or
    serious axe violation; a screenshot to look at in var/screenshots/dashboard/."""
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide at {WIDTH} px"
    assert axe_violations(page) == [], name
