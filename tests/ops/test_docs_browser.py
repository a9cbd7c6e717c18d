"""/api/docs/ in a real browser with no way out: Debian's Chromium, every request to another
origin refused, still renders Swagger UI with the API's operations."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.admin.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_with_every_other_origin_blocked(live_server):
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs Debian's"
    ours = urlsplit(live_server.url).netloc
    blocked: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def offline(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(20_000)
        page.route("**/*", offline)

        # when
        page.goto(f"{live_server.url}/api/docs/")

        # then: the title, and the operations of the schema, grouped by tag
        expect(page.locator(".information-container .title")).to_contain_text("Redrive API")
        expect(
            page.locator(".opblock-summary-path[data-path='/api/orders/']").first
        ).to_be_visible()
        operations = page.locator(".opblock")
        expect(operations.nth(30)).to_be_attached()
        page.screenshot(path=SCREENSHOTS / "api_docs_offline.png", full_page=False)
        browser.close()

    assert blocked == [], blocked
