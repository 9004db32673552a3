"""Datasette's own pages for the archive: the canned search query's snippets and links, the way to the researcher's pages."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from html import unescape
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from g60crawler.web.metadata import metadata

from .web_archive import EDITED_URL, REMOVED_URL, article_id, build
from .web_client import private_copy

EVIL = "<script>alert(1)</script><b>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("web-datasette"))


@pytest.fixture
def archive(built, tmp_path):
    """A private copy (tests tamper with it)."""
    return private_copy(built, tmp_path)


def get(archive, *paths: str):
    async def fetch():
        ds = Datasette([str(archive)], metadata=metadata(archive.stem))  # as `g60crawler serve` starts it
        return [await ds.client.get(p) for p in paths]
    found = asyncio.run(fetch())
    return found[0] if len(paths) == 1 else found


def canned(archive, q: str, extra: str = ""):
    response = get(archive, f"/g60/search?q={quote(q)}{extra}")
    assert response.status_code == 200, response.text[:1000]
    return response.text


def cells(html: str, column: str) -> list[str]:
    return re.findall(rf'<td class="col-{column}[^"]*">(.*?)</td>', html, re.S)


@pytest.mark.parametrize("q, terms", [("合肥", {"合肥"}), ("合肥 人才", {"合肥", "人才"}), ("长三角一体化", {"长三角一体化"})])
def test_canned_search_marks_matches_as_html_not_asterisks(archive, q, terms):
    html = canned(archive, q)
    snippets = cells(html, "snippet")
    assert snippets, html[:2000]
    assert "**" not in "".join(snippets)
    assert all("<mark>" in s for s in snippets)
    assert {unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", "".join(snippets))} <= terms | {t.upper() for t in terms}
    assert "\ue000" not in html and "\ue001" not in html


def test_canned_search_lists_articles_only_unless_asked(archive):
    # the 关于我们 page mentions G60科创走廊, as most articles do
    (page_id,) = sqlite3.connect(archive).execute("SELECT id FROM articles WHERE kind != 'article' LIMIT 1").fetchone()
    ids = lambda html: {int(i) for i in re.findall(r'<td class="col-id[^"]*">(\d+)</td>', html)}  # noqa: E731
    default = ids(canned(archive, "G60科创走廊"))
    assert default and page_id not in default
    kinds = {k for (k,) in sqlite3.connect(archive).execute(
        f"SELECT DISTINCT kind FROM articles WHERE id IN ({','.join(map(str, default))})")}
    assert kinds == {"article"}
    assert page_id in ids(canned(archive, "G60科创走廊", "&kind=all"))
    assert ids(canned(archive, "G60科创走廊", "&kind=page")) == {page_id}


def test_canned_search_titles_link_to_the_article_page(archive):
    html = canned(archive, "合肥")
    titles = cells(html, "title")
    ids = re.findall(r'<td class="col-id[^"]*">(\d+)</td>', html)
    assert titles and len(titles) == len(ids)
    for title, aid in zip(titles, ids):
        assert title.startswith(f'<a href="/-/g60/article/{aid}">'), title
    first = re.search(r'href="(/-/g60/article/\d+)"', titles[0]).group(1)
    assert get(archive, first).status_code == 200


def test_canned_search_escapes_hostile_article_text(archive):
    with sqlite3.connect(archive) as conn:
        conn.execute("UPDATE articles SET title = ? || title, body = replace(body, '合肥', ? || '合肥') WHERE id = "
                     "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"合肥\"' AND rowid IN (SELECT id FROM articles WHERE kind = 'article') LIMIT 1)", (EVIL, EVIL))
    html = canned(archive, "合肥")
    assert "<script>alert" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>" in html


def test_canned_search_escapes_a_hostile_query(archive):
    html = canned(archive, "合肥 " + EVIL)
    assert "<script>alert" not in html and "<b>" not in html


def test_canned_search_json_has_no_markup(archive):
    response = get(archive, f"/g60/search.json?q={quote('合肥')}&_shape=objects")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and all("<mark>" not in r["snippet"] and "**" not in r["snippet"] for r in rows)
    assert any("合肥" in r["snippet"] for r in rows)


@pytest.mark.parametrize("path", ["/", "/g60"])
def test_home_and_database_pages_lead_to_the_researchers_pages(archive, path):
    html = get(archive, path).text
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert {"/-/g60/", "/-/g60/search", "/-/g60/charts"} <= hrefs
    edited, removed = article_id(archive, EDITED_URL), article_id(archive, REMOVED_URL)
    assert f"/-/g60/article/{edited}/diff" in hrefs
    assert f"/-/g60/article/{removed}" in hrefs
    # every link the block adds resolves
    links = sorted(h for h in hrefs if h.startswith("/-/g60/"))
    for link, response in zip(links, get(archive, *links)):
        assert response.status_code == 200, link


def test_changed_and_removed_lists_match_the_archive(archive):
    html = get(archive, "/g60").text
    changed = re.findall(r'href="/-/g60/article/(\d+)/diff"', html)
    removed = re.findall(r'<li class="g60-removed-article"><a href="/-/g60/article/(\d+)"', html)
    conn = sqlite3.connect(archive)
    assert {int(i) for i in changed} == {i for (i,) in conn.execute("SELECT id FROM articles WHERE current_version > 1")}
    assert {int(i) for i in removed} == {i for (i,) in conn.execute("SELECT id FROM articles WHERE removed_at IS NOT NULL")}


def test_a_database_that_is_not_an_archive_gets_no_links(tmp_path, archive):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")

    async def fetch():
        ds = Datasette([str(other)])
        return await ds.client.get("/other"), await ds.client.get("/")
    for response in asyncio.run(fetch()):
        assert response.status_code == 200
        assert "/-/g60/" not in response.text


def test_hostile_titles_in_the_lists_are_escaped(archive):
    aid = article_id(archive, REMOVED_URL)
    with sqlite3.connect(archive) as conn:
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", (EVIL, aid))
    html = get(archive, "/g60").text
    assert "<script>alert" not in html and "&lt;script&gt;" in html
