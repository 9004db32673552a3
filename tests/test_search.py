"""Search correctness against the hand-written expectations of the fixture mirror.

The truth for each query is read from the expected JSON of every fixture
article (title, 摘要, body as written by hand), not from the search code.
"""

from __future__ import annotations

import sqlite3

import pytest

from g60crawler.archive.search import Filters, SearchError, search

from .conftest import HOST
from .expectations import EXPECTED, truth


@pytest.fixture(scope="module")
def conn(fixture_archive):
    c = sqlite3.connect(fixture_archive)
    yield c
    c.close()


def found(conn, query, **filters) -> set[str]:
    hits = search(conn, query, Filters(**filters), limit=1000)
    urls = set()
    for h in hits:
        # the republished copy is archived under whichever URL came first
        urls |= {u for (u,) in conn.execute("SELECT url FROM article_urls WHERE article_id = ?", (h.id,))} & set(EXPECTED)
    return urls


@pytest.mark.parametrize("query, terms", [
    ("合肥", ("合肥",)),  # 2 characters: a single bigram
    ("松江", ("松江",)),
    ("人才", ("人才",)),
    ("政策", ("政策",)),
    ("九城市", ("九城市",)),  # 3 characters
    ("长三角一体化", ("长三角一体化",)),  # 6 characters: a phrase of 5 bigrams
    ("G60科创走廊", ("G60科创走廊",)),  # mixed ASCII and Chinese
    ("g60", ("g60",)),  # ASCII is case-insensitive
    ("合肥 人才", ("合肥", "人才")),  # every word must occur
    ("松江 嘉兴 签约", ("松江", "嘉兴", "签约")),
    ("肥", ("肥",)),  # a single character, checked without the index
])
def test_search_finds_exactly_the_articles_with_the_text(conn, query, terms):
    expected = truth(*terms)
    assert expected, "a query whose truth is empty tests nothing"
    assert found(conn, query) == expected


def test_hefei_is_found_in_13_articles(conn):
    # counted by hand in the expected JSON files: 13 fixture articles mention 合肥
    assert len(truth("合肥")) == 13
    assert len(found(conn, "合肥")) == 13


@pytest.mark.parametrize("filters, check", [
    ({"section": "zcfw"}, lambda item, sections: "zcfw" in sections),
    ({"since": "2024"}, lambda item, sections: (item["published"] or "") >= "2024"),
    ({"until": "2023-06"}, lambda item, sections: (item["published"] or "")[:7] <= "2023-06"),
    ({"since": "2023-06-06", "until": "2023-06-06"}, lambda item, sections: (item["published"] or "")[:10] == "2023-06-06"),
])
def test_filters(conn, filters, check):
    sections = {}
    for url in EXPECTED:
        rows = conn.execute("SELECT s.section FROM article_sections s JOIN article_urls u ON u.article_id = s.article_id "
                            "WHERE u.url = ?", (url,)).fetchall()
        sections[url] = {r[0] for r in rows}
    expected = {u for u in truth("合肥") if check(EXPECTED[u], sections[u])}
    assert found(conn, "合肥", **filters) == expected


def test_editor_and_city_filters(conn):
    (editor,) = [e["editor"] for e in EXPECTED.values() if e["title"] == "长三角一体化发展成果发布会在合肥举行"]
    assert editor == "倪珺"
    assert found(conn, "合肥", editor="倪珺") == {f"http://{HOST}/g60zx/2023/0606/1630012.shtml"}
    assert found(conn, "合肥", city="合肥") == truth("合肥")


def test_sort_by_date_is_newest_first(conn):
    hits = search(conn, "合肥", sort="date", limit=100)
    dates = [h.published for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_relevance_puts_a_title_match_first(conn):
    hits = search(conn, "长三角一体化发展成果发布会", limit=5)
    assert hits[0].title == "长三角一体化发展成果发布会在合肥举行"


def test_snippet_marks_the_terms(conn):
    (hit,) = search(conn, "长三角一体化 韩俊", limit=1)
    assert "**韩俊**" in hit.snippet and "**长三角一体化**" in hit.snippet


@pytest.mark.parametrize("query", ["AND", "OR", "NOT", "合肥 OR", "NEAR", "*", "合肥*", '"合肥', "'; DROP TABLE articles; --",
                                   "合肥 " * 500, "\x00合肥", "%", "_"])
def test_hostile_queries_give_results_or_a_clear_error(conn, query):
    try:
        search(conn, query)
    except SearchError as exc:
        assert str(exc).startswith(("nothing to search for", "the query is 1499 characters long"))
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 47


@pytest.mark.parametrize("query, message", [
    ('"合肥', "invalid FTS5 query"),  # an unclosed quote is FTS syntax: refused with the reason
    ("合肥 AND", "invalid FTS5 query"),
])
def test_raw_syntax_errors_are_clear(conn, query, message):
    with pytest.raises(SearchError, match=message):
        search(conn, query, raw=True)


def test_raw_syntax_works_over_bigrams(conn):
    raw = {h.id for h in search(conn, '"合肥" NOT "松江"', raw=True, limit=100)}
    assert {u for h in raw for (u,) in conn.execute("SELECT url FROM article_urls WHERE article_id = ?", (h,))} \
        & set(EXPECTED) == truth("合肥") - truth("松江")


@pytest.mark.parametrize("filters, message", [
    ({"since": "June 2023"}, "--since must be a date like 2023"),
    ({"until": "2023-06-06'; --"}, "--until must be a date like 2023"),
    ({"city": "上海"}, "--city must be one of"),
])
def test_bad_filters(conn, filters, message):
    with pytest.raises(SearchError, match=message):
        search(conn, "合肥", Filters(**filters))


def _one_article_archive(body: str):
    from g60crawler.archive import Archive
    from g60crawler.items import ArticleItem

    archive = Archive.open(":memory:")
    url = "http://g60.chinadevelopment.com.cn/g60zx/2024/0101/1.shtml"
    archive.record_article(ArticleItem(url=url, canonical_url=url, title="标题", body=body, published="2024-01-01",
                                       extraction="template:con"), None)
    return archive


@pytest.mark.parametrize("body, query, found", [
    ("该公司登陆A股市场。", "A股", True),  # an ASCII word touching one Chinese character
    ("该公司登陆A股市场。", "A股市场", True),
    ("医院新增B超检查。", "B超", True),
    ("推进九城，城市更新。", "九城市", False),  # not across punctuation
    ("推进九城市更新。", "九城市", True),
    ("长三角G60科创走廊", "科创走廊", True),
])
def test_tokenizer_edges(body, query, found):
    archive = _one_article_archive(body)
    assert bool(search(archive.conn, query)) is found
    archive.close()


@pytest.mark.parametrize("query", ["合肥" + "市" * 199, "长三角 " * 60, "a" * 201 + " 合肥"])
def test_a_query_longer_than_the_limit_is_refused_not_cut(conn, query):
    from g60crawler.archive.fts import MAX_QUERY_CHARS

    assert len(query.strip()) > MAX_QUERY_CHARS
    with pytest.raises(SearchError, match=rf"^the query is {len(query.strip())} characters long; at most {MAX_QUERY_CHARS}"):
        search(conn, query)


def test_a_query_of_the_limit_is_searched(conn):
    from g60crawler.archive.fts import MAX_QUERY_CHARS

    query = ("合肥 " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS]
    assert len(search(conn, query)) == 13


def test_the_cli_refuses_a_too_long_query_in_one_line(db):
    from click.testing import CliRunner

    from g60crawler.cli import main

    result = CliRunner().invoke(main, ["search", "合肥" * 101, "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: the query is 202 characters long") and result.output.count("\n") == 1


def test_the_web_page_shows_why_a_too_long_query_is_refused(db):
    from urllib.parse import quote

    from g60crawler.web.plugin import search_ids

    from .web_client import get

    response = get(db, f"/-/g60/search?q={quote('合肥' * 101)}")
    assert response.status_code == 400, response.text[:500]
    assert response.text.count('class="g60-error"') == 1
    assert "the query is 202 characters long" in response.text
    with sqlite3.connect(db) as conn, pytest.raises(SearchError, match="202 characters long"):
        search_ids(conn, "合肥" * 101, None)  # the canned query's SQL function: not an empty result
