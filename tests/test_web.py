"""The web view: Datasette with the archive's metadata and Chinese search, in-process and in a real browser."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from g60crawler.web.metadata import metadata

from .conftest import ROOT
from .expectations import EXPECTED, truth


@pytest.fixture
def db(fixture_archive, tmp_path):
    path = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, path)
    return path


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
    # 关于我们 is a page of the archive too: the search form covers every row
    assert {r["title"] for r in rows} - {"关于我们"} == titles(truth(*terms))
    assert all("**" in r["snippet"] for r in rows)


@pytest.mark.parametrize("query", ["", '"', "AND", "合肥 OR", "'; DROP TABLE articles; --", "NEAR("])
def test_hostile_search_in_datasette_is_not_an_error(db, query):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    get_json(ds, f"/g60/search.json?q={quote(query)}&_shape=array")  # status 200, no SQL error
    assert get_json(ds, "/g60.json?sql=select+count(*)+as+n+from+articles&_shape=array") == [{"n": 47}]


def test_metadata_describes_every_table(db):
    ds = Datasette([str(db)], metadata=metadata("g60"))
    tables = {t["name"] for t in get_json(ds, "/g60.json")["tables"]}
    described = set(metadata("g60")["databases"]["g60"]["tables"])
    assert tables - {"articles_fts", "articles_fts_config", "articles_fts_content", "articles_fts_data",
                     "articles_fts_docsize", "articles_fts_idx"} <= described
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


@pytest.fixture
def served(db):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "g60crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("datasette did not start")
    yield base
    server.terminate()
    server.wait(timeout=10)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_search_in_a_real_browser(served, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
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
