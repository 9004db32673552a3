"""Datasette's canned-query pages for an archive: present under plain `datasette FILE` too, titled by
their name rather than their SQL, and laid out so a title is not squeezed one character per line."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from g60crawler.web.metadata import metadata

from .web_archive import build


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build(tmp_path_factory.mktemp("web-canned"))


def get(archive, path: str, served: bool):
    """:param served: as `g60crawler serve` starts Datasette (with metadata), else plain `datasette FILE`."""
    async def fetch():
        ds = Datasette([str(archive)], metadata=metadata(archive.stem) if served else None)
        return await ds.client.get(path)
    return asyncio.run(fetch())


QUERIES = [("search", f"?q={quote('合肥')}"), ("per_section_month", ""), ("editors", ""),
           ("hefei_since_2023", ""), ("failures", "")]


@pytest.mark.parametrize("served", [True, False], ids=["serve", "plain-datasette"])
@pytest.mark.parametrize("name, args", QUERIES)
def test_canned_query_page_is_titled_by_its_name_not_its_sql(archive, served, name, args):
    response = get(archive, f"/{archive.stem}/{name}{args}", served)
    assert response.status_code == 200, response.text[:500]
    title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
    assert "SELECT" not in title.upper(), title
    assert metadata(archive.stem)["databases"][archive.stem]["queries"][name]["title"] in title


def test_plain_datasette_search_marks_the_matches(archive):
    html = get(archive, f"/{archive.stem}/search?q={quote('合肥')}", served=False).text
    assert "<mark>合肥</mark>" in html
    assert re.search(r'<td class="col-title[^"]*"><a href="/-/g60/article/\d+">', html)


def test_an_ad_hoc_query_keeps_datasettes_title(archive):
    html = get(archive, f"/{archive.stem}?sql={quote('select 1 as one')}", served=True).text
    assert "select 1 as one" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("served", [True, False], ids=["serve", "plain-datasette"])
def test_datasette_pages_get_the_column_widths(archive, served):
    html = get(archive, f"/{archive.stem}/search?q={quote('合肥')}", served).text
    css = re.findall(r'<link rel="stylesheet" href="([^"]*g60crawler[^"]*)"', html)
    assert css, "no stylesheet of the package on Datasette's pages"
    sheet = get(archive, css[0], served)
    assert sheet.status_code == 200
    assert re.search(r"td\.col-title[^{]*\{[^}]*min-width", sheet.text)
