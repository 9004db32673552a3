"""Odd query parameters on the researcher's pages: never a 500, a 400 with one error line for a value
that cannot be one, and no value silently taken for another (a superscript ² is not the version 2)."""

from __future__ import annotations

import re

import pytest

from .web_archive import EDITED_URL, article_id, build
from .web_client import get

HEFEI = "%E5%90%88%E8%82%A5"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("web-odd"))
    return built


# digits that str.isdigit() accepts but are not ASCII: superscript two, fullwidth one, Arabic-Indic three,
# and numbers past SQLite's 64-bit integers
NOT_A_PAGE = ["%C2%B2", "%EF%BC%91", "%D9%A3", "99999999999999999999999", "0", "-1", "x", "1.5", "%20"]


@pytest.mark.parametrize("value", NOT_A_PAGE)
def test_search_page_that_cannot_be_one_is_a_400(archive, value):
    response = get(archive, f"/-/g60/search?q={HEFEI}&page={value}")
    assert response.status_code == 400, response.text[:500]
    assert response.text.count('class="g60-error"') == 1
    assert "Error: page" in response.text


def test_search_page_past_the_last_is_empty_not_an_error(archive):
    response = get(archive, f"/-/g60/search?q={HEFEI}&page=1000000")
    assert response.status_code == 200, response.text[:500]
    assert 'class="g60-hit-title"' not in response.text
    assert re.search(r">\d+ articles? match", response.text)  # still says how many match in all


@pytest.mark.parametrize("value", ["%C2%B2", "%EF%BC%92", "%D9%A2"])
def test_diff_version_in_other_digits_is_not_a_version(archive, value):
    aid = article_id(archive, EDITED_URL)
    response = get(archive, f"/-/g60/article/{aid}/diff?a=1&b={value}")
    assert response.status_code == 404, response.text[:500]
    assert "Error: article" in response.text


@pytest.mark.parametrize("section", ["nosuch", "%3Cscript%3E", "G60%E8%B5%84%E8%AE%AF"])
def test_unknown_section_is_refused_like_an_unknown_city(archive, section):
    response = get(archive, f"/-/g60/search?q={HEFEI}&section={section}")
    assert response.status_code == 400, response.text[:500]
    assert response.text.count('class="g60-error"') == 1
    assert "<script>" not in response.text.split('class="g60-error"')[1].split("</p>")[0]


def test_known_section_still_filters(archive):
    assert get(archive, f"/-/g60/search?q={HEFEI}&section=zcfw").status_code == 200
