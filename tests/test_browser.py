"""The example portal in a real headless Chromium: badge, notice, language switcher, per-language search."""

from __future__ import annotations

import functools
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = REPO / "docs" / "screenshot.png"


@pytest.fixture(scope="session")
def served(example_dist: Path) -> Iterator[str]:
    """The dist/ folder over HTTP on loopback; a tier folder is reached as /<region>/<tier>/."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(example_dist)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def search(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a query into Material's search (once its index is loaded) and return the result links."""
    page.wait_for_function(
        """() => {
            const ready = JSON.parse(document.getElementById("__config").textContent).translations["search.result.placeholder"];
            const meta = document.querySelector(".md-search-result__meta");
            return meta && meta.textContent.trim() === ready;
        }""",
        timeout=60000,
    )
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material reads the query on key events; fill() alone sends none
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    return [page.evaluate("a => a.href", link) for link in page.locator(".md-search-result__item > a").element_handles()]


def test_german_page_has_badge_notice_and_switches_language_in_place(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/eu/gold/2026.2/de/program/tiers/")
    assert page.locator(".pkb-badge").inner_text() == "Gold-Partner"
    assert "DSGVO" in page.locator(".pkb-notice").inner_text()
    languages = page.locator(".md-select__link")
    assert sorted(languages.all_inner_texts()) == ["Deutsch", "English"]
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_url(f"{served}/eu/gold/2026.2/program/tiers/")
    assert page.locator(".pkb-badge").inner_text() == "Gold partner"


def test_search_finds_pages_in_the_language_being_read(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/eu/gold/2026.2/de/")
    german = search(page, "Partnerstufen")
    assert german and all("/2026.2/de/" in href for href in german), german
    page.goto(f"{served}/eu/gold/2026.2/")
    english = search(page, "tiers")
    assert english and not any("/de/" in href for href in english), english


def test_japanese_search_in_apac(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/apac/gold/2026.2/ja/")
    assert sorted(page.locator(".md-select__link").all_inner_texts()) == ["English", "Tiếng Việt", "日本語"]
    results = search(page, "パートナー")
    assert results and all("/2026.2/ja/" in href for href in results), results


@pytest.mark.parametrize(
    ("lang", "query", "expected", "viewport"),
    [
        ("ja", "案件登録", "/2026.2/ja/deals/deal-registration/", {"width": 1280, "height": 800}),
        ("ja", "登録", "/2026.2/ja/deals/deal-registration/", {"width": 390, "height": 844}),
        ("vi", "dang ky thuong vu", "/2026.2/vi/deals/deal-registration/", {"width": 1280, "height": 800}),
        ("vi", "huong dan", "/2026.2/vi/program/", {"width": 390, "height": 844}),
    ],
)
def test_static_search_finds_japanese_words_and_vietnamese_without_diacritics(  # type: ignore[no-untyped-def]
    browser, served: str, lang: str, query: str, expected: str, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport)
    page.goto(f"{served}/apac/gold/2026.2/{lang}/")
    if viewport["width"] < 600:  # on a phone the search box opens from the header's search button
        page.locator("label.md-header__button[for=__search]").click()
    results = [href.split("?")[0] for href in search(page, query)]
    assert any(href.endswith(expected) for href in results[:3]), results[:5]


def test_screenshot_of_a_page(browser, served: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Takes the README's screenshot; PARTNERKB_UPDATE_SCREENSHOT=1 writes it to docs/screenshot.png."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{served}/eu/gold/2026.2/deals/deal-registration/")
    target = SCREENSHOT if os.environ.get("PARTNERKB_UPDATE_SCREENSHOT") == "1" else tmp_path / "screenshot.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def test_version_switch_keeps_page_and_language_and_language_switch_keeps_version(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/eu/gold/2026.2/de/program/tiers/")
    assert page.locator(".md-version__current").inner_text() == "2026.2 (current)"
    assert not page.locator("[data-md-component=outdated]").is_visible()
    page.locator(".md-version").hover()
    page.locator(".md-version__link", has_text="2026.1").click()
    page.wait_for_url(f"{served}/eu/gold/2026.1/de/program/tiers/")
    banner = page.locator("[data-md-component=outdated]")
    banner.wait_for(state="visible")  # Material shows it once it has read versions.json
    assert "früheren Version" in banner.inner_text()
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_url(f"{served}/eu/gold/2026.1/program/tiers/")
    page.locator("[data-md-component=outdated]").wait_for(state="visible")
    assert "earlier release" in page.locator("[data-md-component=outdated]").inner_text()


def test_alias_redirects_deep_links(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/eu/gold/latest/de/program/tiers/#gold")
    page.wait_for_url(f"{served}/eu/gold/2026.2/de/program/tiers/#gold")


def test_catalog_filters_in_the_browser_and_fits_a_phone(browser, served: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{served}/eu/gold/2026.2/catalog/")
    rows = page.locator("article tbody tr")
    assert rows.count() >= 12
    page.select_option("#pkb-catalog-filter select[name=status]", label="End of sale")
    visible = [row.inner_text() for row in rows.all() if row.is_visible()]
    assert len(visible) == 1 and "Conduit" in visible[0]
    page.select_option("#pkb-catalog-filter select[name=status]", label="All")
    page.select_option("#pkb-catalog-filter select[name=line]", label="Security posture")
    visible = [row.inner_text() for row in rows.all() if row.is_visible()]
    assert visible and all("Bastion" in row for row in visible)
    page.select_option("#pkb-catalog-filter select[name=line]", label="All")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page must not scroll sideways on a phone"
    target = REPO / "docs" / "catalog-phone.png" if os.environ.get("PARTNERKB_UPDATE_SCREENSHOT") == "1" else tmp_path / "catalog.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000


MODULE = "/eu/gold/2026.2/training/partner-program-basics/01-how-the-program-works/"


def answer(page, right: bool) -> None:  # type: ignore[no-untyped-def]
    """Tick the right answers of every question (read from the page, as the grader does), or one wrong answer."""
    for question in page.locator(".pkb-quiz__question").all():
        correct = set(question.get_attribute("data-correct").split())
        inputs = question.locator("input")
        positions = [str(p) for p in range(inputs.count())]
        chosen = correct if right else {next(p for p in positions if p not in correct)}
        for position in positions:
            box = inputs.nth(int(position))
            if position in chosen:
                box.check()
            elif box.get_attribute("type") == "checkbox":
                box.uncheck()
    page.locator(".pkb-quiz button[type=submit]").click()


def test_quiz_is_graded_in_the_browser_and_progress_survives_a_reload(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + MODULE)
    progress = page.locator("article .pkb-progress__label").first
    assert progress.inner_text() == "0 of 2 modules done"
    assert page.locator(".pkb-quiz__note").inner_text().startswith("A self-assessment")
    answer(page, right=False)
    assert "Not yet" in page.locator(".pkb-quiz__result").inner_text()
    assert page.locator(".pkb-quiz__question.pkb-wrong").count() == page.locator(".pkb-quiz__question").count()
    assert all(e.is_visible() for e in page.locator(".pkb-quiz__explanation").all())
    assert progress.inner_text() == "0 of 2 modules done"
    answer(page, right=True)
    assert "Well done" in page.locator(".pkb-quiz__result").inner_text()
    assert progress.inner_text() == "1 of 2 modules done"
    page.reload()
    assert page.locator("article .pkb-progress__label").first.inner_text() == "1 of 2 modules done"
    assert "Well done" in page.locator(".pkb-quiz__result").inner_text()
    page.locator("article a.md-button--primary", has_text="→").click()  # the next module
    page.locator(".pkb-complete button").click()
    assert page.locator(".pkb-complete button").is_disabled()
    page.goto(f"{served}/eu/gold/2026.2/training/partner-program-basics/")
    assert page.locator("article .pkb-progress__label").first.inner_text() == "2 of 2 modules done"
    assert page.locator(".pkb-module-item.pkb-done").count() == 2
    page.goto(f"{served}/eu/gold/2026.2/training/paths/sales-specialist/")
    assert page.locator("article .pkb-progress__label").first.inner_text() == "2 of 5 modules done"
    context.close()


def test_session_times_in_the_readers_own_time_zone(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(timezone_id="America/Sao_Paulo")
    page = context.new_page()
    page.goto(f"{served}/eu/gold/2026.2/training/sessions/")
    local = page.locator("time.pkb-local-time[datetime='2026-12-09T16:00:00Z']")
    local.wait_for(state="visible")
    assert "Your time:" in local.inner_text() and "1:00 PM" in local.inner_text() and "Dec 9, 2026" in local.inner_text()
    context.close()
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{served}/apac/gold/2026.2/ja/training/sessions/")
    local = page.locator("time.pkb-local-time[datetime='2026-12-09T16:00:00Z']")
    local.wait_for(state="visible")
    assert "12月10日" in local.inner_text() and "1:00" in local.inner_text()
    context.close()


def test_training_catalog_filters_by_role(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/eu/gold/2026.2/training/")
    rows = page.locator("#pkb-courses tbody tr")
    assert rows.count() >= 6
    page.select_option("form.pkb-filter select[name=role]", value="engineering")
    visible = [row.inner_text() for row in rows.all() if row.is_visible()]
    assert visible and len(visible) < rows.count() and all("Engineering" in row for row in visible)


@pytest.mark.parametrize("name,width,height", [("course", 1280, 800), ("course-phone", 390, 844)])
def test_screenshot_of_a_course_page(browser, served: str, tmp_path: Path, name: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """docs/course.png and docs/course-phone.png (PARTNERKB_UPDATE_SCREENSHOT=1); no sideways scrolling on a phone."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{served}/apac/gold/2026.2/vi/training/beacon-sales-essentials/")
    page.locator("article .pkb-progress").first.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page must not scroll sideways"
    target = REPO / "docs" / f"{name}.png" if os.environ.get("PARTNERKB_UPDATE_SCREENSHOT") == "1" else tmp_path / f"{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def test_partner_dashboard_in_the_browser(browser, served: str, example_dist: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A kit page is self-contained: no script, no request outside the kit; docs/dashboard.png."""
    kit = next(p for p in sorted(example_dist.glob("apac/partners/*")) if (p / "dashboard.html").exists())
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{served}/apac/partners/{kit.name}/dashboard.html")
    assert page.locator("svg.chart rect").count() >= 1 and page.locator(".bar").count() >= 1
    assert all(url.startswith(f"{served}/apac/partners/{kit.name}/") for url in requests), requests
    target = REPO / "docs" / "dashboard.png" if os.environ.get("PARTNERKB_UPDATE_SCREENSHOT") == "1" else tmp_path / "dashboard.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


@pytest.fixture(scope="module")
def served_with_search(example_dist: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """dist/ over HTTP with an access layer's stand-in in front of apac's search service: a request
    for `<region>/<tier>/api/search` goes to the service with that tier in X-Partner-Tier."""
    from servers import Service

    state: dict[str, object] = {"service": Service(example_dist / "apac", region="apac")}

    class Proxy(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            parts = self.path.split("/")
            if len(parts) > 4 and parts[3] == "api" and parts[4].startswith("search"):
                service = state["service"]
                if service is None:
                    self.send_error(502, "search service down")
                    return
                target = f"http://127.0.0.1:{service.port}/api/{parts[4]}"  # type: ignore[attr-defined]
                request = urllib.request.Request(target, headers={"X-Partner-Tier": parts[2]})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status, body = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Proxy, directory=str(example_dist)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    if state["service"] is not None:
        state["service"].stop()  # type: ignore[attr-defined]


def test_the_search_box_asks_the_search_service_and_falls_back_to_the_static_index(  # type: ignore[no-untyped-def]
    browser, served_with_search: tuple[str, dict[str, object]]
) -> None:
    base, state = served_with_search
    page = browser.new_page()
    page.goto(f"{base}/apac/gold/2026.2/vi/")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill("dang ky")
    page.locator("a.pkb-search__result").first.wait_for(timeout=30000)
    first = page.locator("a.pkb-search__result").first
    assert "/apac/gold/2026.2/vi/" in first.get_attribute("href") and "deal-registration" in first.get_attribute("href")
    assert page.locator(".pkb-search__snippet mark").count() > 0  # snippets built as nodes, marks included
    facets = page.locator(".pkb-search__facet").all_inner_texts()
    assert facets[0].startswith("Tất cả") and any(text.startswith("Trang") for text in facets), facets
    page.locator("input.md-search__input").press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('pkb-search__result')")
    # The service stops: the next query is answered by Material's static index, as without the service.
    state["service"].stop()  # type: ignore[attr-defined]
    state["service"] = None
    page.goto(f"{base}/apac/gold/2026.2/vi/")
    results = [href.split("?")[0] for href in search(page, "huong dan")]
    assert any(href.endswith("/2026.2/vi/program/") for href in results[:3]), results[:5]
    assert page.locator(".md-search.pkb-search--service").count() == 0


# One page of each type, in the languages and versions partners read: none may log an error to the
# console or fail a request (a missing sitemap.xml, script or style).
PAGE_TYPES = (
    "/eu/gold/2026.2/",
    "/eu/gold/2026.2/de/",
    "/apac/gold/2026.2/ja/",
    "/apac/gold/2026.2/vi/products/bastion/",
    "/eu/gold/2026.2/catalog/",
    "/eu/gold/2026.2/de/catalog/bastion-enterprise/",
    "/eu/gold/2026.2/training/",
    "/eu/gold/2026.2/training/partner-program-basics/01-how-the-program-works/",
    "/apac/gold/2026.2/ja/training/sessions/",
    "/eu/gold/2026.2/de/deals/deal-registration/",
    "/eu/gold/2026.1/",
    "/eu/gold/latest/de/faq/",
    "/eu/gold/2026.2/collateral/",
)


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_console_error_and_no_failed_request(browser, served: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("response", lambda response: problems.append(f"{response.status}: {response.url}") if response.status >= 400 else None)
    page.goto(served + path, wait_until="networkidle")
    page.wait_for_timeout(500)  # what Material's scripts fetch once the page is up (versions, sitemaps)
    page.close()
    assert problems == [], problems
