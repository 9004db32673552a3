"""Combining evidence into one article: publish time, labels inside the body, split pages."""

from __future__ import annotations

import pytest

from g60crawler.assemble import build_article, join_pages
from g60crawler.items import ArticleItem, FailureItem, ListEntry, RawArticle

URL = "http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml"
OLD_URL = "http://g60.chinadevelopment.com.cn/cytz/2021/09/1632003.shtml"


def raw(url=URL, dates=(), list_date=None, paragraphs=("正文第一段。",), **kw) -> RawArticle:
    r = RawArticle(url=url, extraction="template:con", encoding="utf-8", title="标题",
                   paragraphs=list(paragraphs), dates=list(dates), **kw)
    if list_date is not None:
        r.list_entry = ListEntry(url, "g60zx", "标题", list_date)
    return r


@pytest.mark.parametrize("url, dates, list_date, expected", [
    # the page's own date wins, with its time
    (URL, [("page", "2023-06-05 09:00"), ("meta", "2023-06-01 08:00")], "2023-06-04", "2023-06-05T09:00:00+08:00"),
    # no date on the page: the meta tag
    (URL, [("meta", "2023-06-01 08:00")], "2023-06-04", "2023-06-01T08:00:00+08:00"),
    # an unparsable page date is skipped, not trusted
    (URL, [("page", "日期不详"), ("meta", "2023-06-01")], None, "2023-06-01"),
    # nothing on the page: the list entry's date
    (URL, [], "2023-06-04", "2023-06-04"),
    # nothing at all but the URL: its date, never an invented time
    (URL, [], None, "2023-06-06"),
    # an older URL with only a month gives no date
    (OLD_URL, [], None, None),
])
def test_published_evidence_order(url, dates, list_date, expected):
    item = build_article(raw(url, dates, list_date))
    assert isinstance(item, ArticleItem)
    assert item.published == expected


def test_labels_inside_the_body_are_taken_out():
    item = build_article(raw(paragraphs=[
        "　　摘要：一句话摘要。", "本网记者 王磊", "第一段。", "第二段。（责任编辑：倪珺）"]))
    assert (item.summary, item.author, item.editor) == ("一句话摘要。", "王磊", "倪珺")
    assert item.body == "第一段。\n\n第二段。"


def test_editor_line_alone_at_the_end():
    item = build_article(raw(paragraphs=["第一段。", "【责任编辑：倪珺】"]))
    assert item.editor == "倪珺" and item.body == "第一段。"


def test_a_summary_mentioned_in_the_text_is_not_a_summary():
    item = build_article(raw(paragraphs=["会议审议了工作摘要：并作出部署。"]))
    assert item.summary is None


@pytest.mark.parametrize("paragraphs, title, reason", [
    ([], "标题", "no body"),
    (["　", "&nbsp;"], "标题", "no body"),
    (["正文。"], None, "no title"),
])
def test_failures(paragraphs, title, reason):
    r = raw(paragraphs=paragraphs)
    r.title = title
    item = build_article(r)
    assert isinstance(item, FailureItem) and item.reason == reason


def test_title_falls_back_to_the_title_tag_without_suffix():
    r = raw()
    r.title, r.title_tag = None, "标题二_G60资讯_中国发展网"
    assert build_article(r).title == "标题二"


def test_join_pages_keeps_page_one_and_takes_the_last_editor():
    first = raw(paragraphs=["一。"], summary="摘要：概要。")
    first.images = [{"url": "http://x/1.jpg", "caption": None}]
    later = raw(url=URL.replace(".shtml", "_2.shtml"), paragraphs=["二。", "责编：张三"])
    later.images = [{"url": "http://x/2.jpg", "caption": "图二"}]
    item = build_article(join_pages(first, later))
    assert item.url == URL and item.body == "一。\n\n二。"
    assert item.summary == "概要。" and item.editor == "张三"
    assert [i["url"] for i in item.images] == ["http://x/1.jpg", "http://x/2.jpg"]
