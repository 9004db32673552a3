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
