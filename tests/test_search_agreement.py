"""The CLI's `search`, the web view's search page and Datasette's canned `search` find the same articles."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from g60crawler.cli import main
from g60crawler.web.metadata import metadata

QUERIES = [
    ("合肥", "article"),  # 13 articles, and 关于我们 (a page) mentions it too
    ("合肥", "all"),
    ("松江", "article"),
    ("金", "article"),  # one character: no bigram of its own (金 at the end of a run: 资金。)
    ("湖", "article"),
    ("中", "article"),
    ("发 展", "article"),  # two single characters
    ("长三角一体化", "article"),  # a phrase
    ("合肥 人才", "article"),  # two terms
    ("G60", "article"),  # ASCII
    ("云廊全", "article"),  # only in a title
    ("沪昆高速", "article"),  # only in 关于我们, a page: not an article
    ("沪昆高速", "page"),
    ("沪昆高速", "all"),
    ("金 沪昆高速", "all"),
]


def cli_ids(archive, query: str, kind: str) -> set[int]:
    result = CliRunner().invoke(main, ["search", query, "--limit", "0", "--kind", kind, "--format", "json",
                                       "--db", str(archive)])
    assert result.exit_code == 0, result.output
    return {h["id"] for h in json.loads(result.stdout)}


async def _web(archive, query: str, kind: str) -> tuple[set[int], set[int], str]:
    ds = Datasette([str(archive)], metadata=metadata(archive.stem))
    page = await ds.client.get("/-/g60/search?" + urlencode({"q": query, "kind": kind}))
    assert page.status_code == 200, page.text[:500]
    body = page.text.split('class="g60-results"', 1)[-1]
    web = {int(i) for i in re.findall(r'/-/g60/article/(\d+)"', body)}
    canned = await ds.client.get(f"/{archive.stem}/search.json?" + urlencode({"q": query, "kind": kind,
                                                                             "_shape": "array"}))
    assert canned.status_code == 200, canned.text[:500]
    return web, {row["id"] for row in canned.json()}, page.text


@pytest.mark.parametrize("query, kind", QUERIES)
def test_cli_web_and_canned_query_agree(fixture_archive, query, kind):
    cli = cli_ids(fixture_archive, query, kind)
    web, canned, _ = asyncio.run(_web(fixture_archive, query, kind))
    assert cli == web == canned


def test_the_kind_default_is_articles_and_the_pages_left_out_are_said(fixture_archive):
    # 合肥 is in 13 articles and in the static page 关于我们: the default (articles) says so
    assert cli_ids(fixture_archive, "合肥", "article") < cli_ids(fixture_archive, "合肥", "all")
    result = CliRunner().invoke(main, ["search", "合肥", "--limit", "0", "--db", str(fixture_archive)])
    assert "1 static page also matches: --kind all" in result.stderr
    _, _, html = asyncio.run(_web(fixture_archive, "合肥", "article"))
    assert "1 static page also matches" in html
    result = CliRunner().invoke(main, ["search", "合肥", "--limit", "0", "--kind", "all", "--db",
                                       str(fixture_archive)])
    assert "also matches" not in result.stderr


def test_an_unknown_kind_is_refused(fixture_archive):
    result = CliRunner().invoke(main, ["search", "合肥", "--kind", "pages", "--db", str(fixture_archive)])
    assert result.exit_code == 2
