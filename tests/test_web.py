"""The web view: Datasette with the archive's metadata and Chinese search, in-process and in a real browser."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from datasette.app import Datasette

from g60crawler.web.metadata import metadata

from .conftest import ROOT
from .expectations import EXPECTED, truth


def get_json(ds: Datasette, path: str):
    async def fetch():
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()
    return asyncio.run(fetch())


def titles(urls) -> set[str]:
    return {EXPECTED[u]["title"] for u in urls}


@pytest.mark.parametrize("query, terms", [
    ("合肥", ("合肥",)),  # two characters: found, which a trigram index would miss
    ("长三角一体化", ("长三角一体化",)),
    ("合肥 人才", ("合肥", "人才")),
    ("G60科创走廊", ("G60科创走廊",)),
])
def test_search_query_in_datasette(db, query, terms):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    rows = get_json(ds, f"/g60/search.json?q={quote(query)}&_shape=array")
    # articles only: 关于我们, a page of the archive, is left out unless kind=page or all is asked
    assert {r["title"] for r in rows} == titles(truth(*terms))
    # the JSON snippet is the plain passage around a match: no asterisks (the HTML page marks it)
    assert all("**" not in r["snippet"] and any(t.lower() in r["snippet"].lower() for t in terms) for r in rows)


@pytest.mark.parametrize("query", ["", '"', "AND", "合肥 OR", "'; DROP TABLE articles; --", "NEAR("])
def test_hostile_search_in_datasette_is_not_an_error(db, query):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    get_json(ds, f"/g60/search.json?q={quote(query)}&_shape=array")  # status 200, no SQL error
    assert get_json(ds, "/g60.json?sql=select+count(*)+as+n+from+articles&_shape=array") == [{"n": 47}]


def test_metadata_describes_every_table(db):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    tables = {t["name"] for t in get_json(ds, "/g60.json")["tables"]}
    described = set(metadata("g60")["databases"]["g60"]["tables"])
    shadow = {f"{t}_{s}" for t in ("articles_fts", "articles_fts_title")
              for s in ("config", "content", "data", "docsize", "idx")}
    assert tables - {"articles_fts", *shadow} <= described
    assert get_json(ds, "/-/metadata.json")["license"].startswith("Articles ©")


def test_canned_per_section_month(db):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    rows = get_json(ds, "/g60/per_section_month.json?_shape=array")
    zcfw = {r["month"]: r["articles"] for r in rows if r["section"] == "zcfw"}
    assert sum(zcfw.values()) == 7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db):
    """`g60crawler serve` on a free port of 127.0.0.1; the whole process group is killed however the test ends."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "g60crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not start")
        yield base
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture
def served(db):
    with serving(db) as base:
        yield base


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("G60_SCREENSHOTS") or tempfile.gettempdir()) / "g60-web-screenshots"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


def test_search_in_a_real_browser(served, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        page = browser.new_page()
        page.goto(f"{served}/g60/search")
        page.fill("input[name=q]", "合肥")
        page.click("input[type=submit]")
        page.wait_for_selector("table.rows-and-columns tbody tr")
        shown = set(page.locator("table.rows-and-columns tbody td.col-title").all_inner_texts())
        page.screenshot(path=str(tmp_path / "search-hefei.png"), full_page=True)
        browser.close()
    assert (tmp_path / "search-hefei.png").stat().st_size > 10_000
    assert shown - {"关于我们"} == titles(truth("合肥"))


@pytest.fixture(scope="module")
def two_states(tmp_path_factory):
    from .web_archive import build

    return build(tmp_path_factory.mktemp("web-browser"))


def test_search_result_article_and_diff_in_a_real_browser(two_states):
    """Search 合肥, open a result, then the edited article and its diff; nothing is requested off 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    from .web_archive import EDITED_URL, REMOVED_URL, article_id

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots, requested = {}, []

    def shoot(page, name):
        shots[name] = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(shots[name]), full_page=True)

    with serving(two_states) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            # anything not on the test server is refused, and recorded above
            page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                       else route.abort())

            page.goto(f"{base}/-/g60/search")
            page.fill("input[name=q]", "合肥")
            page.click("input[type=submit][value=Search]")
            page.wait_for_selector("li.g60-hit")
            hits = page.locator("li.g60-hit").count()
            marks = set(page.locator("li.g60-hit mark").all_inner_texts())
            count_line = page.locator("p.g60-count").inner_text()
            shoot(page, "1-search-hefei")

            first_title = page.locator("a.g60-hit-title").first.inner_text()
            page.locator("a.g60-hit-title").first.click()
            page.wait_for_selector("article.g60-article h1")
            article_title = page.locator("article.g60-article h1").inner_text()
            body_paragraphs = page.locator("div.g60-body p").count()
            shoot(page, "2-article")

            page.goto(f"{base}/-/g60/article/{article_id(two_states, EDITED_URL)}")
            versions = page.locator("table.g60-version-table tbody tr").count()
            page.click("input[type=submit][value='Compare versions']")
            page.wait_for_selector("div.g60-diff")
            ins = page.locator("div.g60-diff ins").all_inner_texts()
            dels = page.locator("div.g60-diff del").all_inner_texts()
            shoot(page, "3-diff")

            page.goto(f"{base}/-/g60/article/{article_id(two_states, REMOVED_URL)}")
            banner = page.locator(".g60-removed").inner_text()
            shoot(page, "4-removed")

            page.goto(f"{base}/-/g60/charts?term=" + quote("合肥"))
            bars = page.locator("#sections-chart svg rect.bar").count()
            points = page.locator("#term-chart svg circle.point").count()
            bar_box = page.locator("#sections-chart svg").bounding_box()
            shoot(page, "5-charts")
        finally:
            browser.close()

    assert hits > 5 and marks == {"合肥"} and str(hits) in count_line
    assert article_title == first_title.replace("\n", "") and body_paragraphs > 1
    assert versions == 2 and ins and dels
    assert "Removed from the site" in banner
    assert bars > 10 and points > 3 and bar_box["width"] > 300
    off_host = [u for u in requested if urlsplit(u).hostname != "127.0.0.1"]
    assert off_host == []
    assert all(shot.stat().st_size > 10_000 for shot in shots.values())
