"""join_pages: one article from all its pages, or a failure when a page is missing."""

from __future__ import annotations

import pytest

from g60crawler.assemble import build_article, join_pages
from g60crawler.items import ArticleItem, Capture, FailureItem, RawArticle

URL = "http://g60.chinadevelopment.com.cn/g60zx/2023/0915/1630015.shtml"
PAGE2 = URL.replace(".shtml", "_2.shtml")


def first_page() -> RawArticle:
    raw = RawArticle(url=URL, extraction="template:x", encoding="utf-8", title="标题", paragraphs=["一。"],
                     next_page=PAGE2, section="g60zx")
    raw.captures = [Capture(URL, 200, {}, b"p1")]
    return raw


def test_complete_pages_are_joined():
    later = RawArticle(url=PAGE2, extraction="template:x", encoding="utf-8", paragraphs=["二。"])
    item = build_article(join_pages(first_page(), later))
    assert isinstance(item, ArticleItem) and item.body == "一。\n\n二。"


@pytest.mark.parametrize("later, failed, reason", [
    (None, "http 503", "incomplete: page 2 http 503"),
    (None, None, "incomplete: page 2 missing"),
    (RawArticle(url=PAGE2, extraction="template:x", encoding="utf-8"), None, "incomplete: page 2 empty"),
    (RawArticle(url=PAGE2, extraction="error:ValueError", encoding=""), None, "incomplete: page 2 error:ValueError"),
    (RawArticle(url=PAGE2, extraction="template:x", encoding="utf-8", paragraphs=["页面不存在"]), "soft 404",
     "incomplete: page 2 soft 404"),
])
def test_a_missing_page_makes_a_failure_not_page_one_alone(later, failed, reason):
    got = join_pages(first_page(), later, failed=failed)
    assert isinstance(got, FailureItem)
    assert (got.url, got.reason, got.section) == (URL, reason, "g60zx")
    assert [c.url for c in got.captures][:1] == [URL]  # page 1's capture is kept with the failure


def test_failure_is_recorded_under_the_url_asked_for():
    first = first_page()
    first.aliases = ["http://g60.chinadevelopment.com.cn/g60zx/2023/0915/1630014.shtml"]
    assert join_pages(first, None, failed="timeout").url == first.aliases[0]


def _page(n: int, next_n: int | None) -> RawArticle:
    url = URL.replace(".shtml", f"_{n}.shtml")
    nxt = URL.replace(".shtml", f"_{next_n}.shtml") if next_n else None
    return RawArticle(url=url, extraction="template:x", encoding="utf-8", paragraphs=[f"第{n}页。"], next_page=nxt)


def test_ingest_refuses_a_pager_that_never_ends():
    from g60crawler.ingest.pages import Incomplete, join_article

    with pytest.raises(Incomplete):  # page n links page n+1 forever: never a truncated version
        join_article(first_page(), lambda url: _page(int(url.rsplit("_", 1)[1].split(".")[0]),
                                                     int(url.rsplit("_", 1)[1].split(".")[0]) + 1))


def test_ingest_a_capture_redirected_back_to_page_one_is_missing():
    from g60crawler.ingest.pages import Incomplete, join_article

    back = RawArticle(url=URL, extraction="template:x", encoding="utf-8", paragraphs=["一。"], next_page=PAGE2)
    with pytest.raises(Incomplete):
        join_article(first_page(), lambda url: back)


TRS = r"^/(?:g60zx|cytz)/(?P<ym>\d{6})/t(?P<ymd>\d{8})_(?P<id>\d+)(?:_(?P<page>\d+))?\.shtml$"
TRS_URL = "http://g60.chinadevelopment.com.cn/g60zx/202306/t20230606_1650001.shtml"


@pytest.fixture
def trs_portal():
    import dataclasses
    import re

    from g60crawler import portal

    before = portal.current()
    portal.activate(dataclasses.replace(portal.load(), articles=(re.compile(TRS),)))
    yield
    portal.activate(before)


@pytest.mark.parametrize("here, links, want", [
    # page 1 links page 2 (and another article whose id only starts the same)
    (TRS_URL, ["t20230606_16500011.shtml", "t20230606_1650001_2.shtml"], "t20230606_1650001_2.shtml"),
    # page 2 links page 3, not back to page 1
    (TRS_URL.replace(".shtml", "_2.shtml"), ["t20230606_1650001.shtml", "t20230606_1650001_3.shtml"],
     "t20230606_1650001_3.shtml"),
    # the last page links only back
    (TRS_URL.replace(".shtml", "_3.shtml"), ["t20230606_1650001.shtml", "t20230606_1650001_2.shtml"], None),
    # another article's page 2 is not this one's
    (TRS_URL, ["t20230606_1650002_2.shtml"], None),
])
def test_next_page_is_found_by_the_portals_page_group(trs_portal, here, links, want):
    from lxml import html

    from g60crawler.pages.article import next_page_url

    root = html.fromstring("<html><body>" + "".join(f'<a href="{h}">{i}</a>' for i, h in enumerate(links))
                           + "</body></html>")
    assert next_page_url(root, here) == (here.rsplit("/", 1)[0] + "/" + want if want else None)


def test_the_failure_names_the_missing_page_by_the_portals_page_group(trs_portal):
    first = RawArticle(url=TRS_URL, extraction="template:x", encoding="utf-8", paragraphs=["一。"],
                       next_page=TRS_URL.replace(".shtml", "_4.shtml"), section="g60zx")
    assert join_pages(first, None, failed="http 503").reason == "incomplete: page 4 http 503"
