"""Which publish date an article gets: evidence, plausibility, and dates never invented.

Sources, strongest first: the page's own dates (on-page, then meta), the list
entry's date, the URL's yyyy/mmdd date. A candidate outside the portal's
lifetime (before 2000, after now + 1 day) or far from the URL's date (page
dates: more than a year; list dates: more than 3 days) is skipped in favour of
the next source. A URL with only yyyy/mm gives no date, only a range to check.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from g60crawler import normalize as n
from g60crawler.assemble import build_article, choose_published
from g60crawler.items import ArticleItem, ListEntry, RawArticle
from g60crawler.pages.listing import parse_listing

HOST = "g60.chinadevelopment.com.cn"
URL = f"http://{HOST}/g60zx/2024/0315/1630012.shtml"  # strong: carries the day
MONTH_URL = f"http://{HOST}/cytz/2024/03/1632003.shtml"  # weak: month only
ODD_URL = f"http://{HOST}/special/g60/1632004.shtml"  # no date at all
SEED_URL = f"http://{HOST}/g60zx/2023/0607/1630015.shtml"  # the day after the event
NOW = datetime(2025, 1, 10, 12, 0, tzinfo=n.CST)


@pytest.mark.parametrize(("url", "dates", "list_date", "expected"), [
    # the page's date agreeing with the URL wins, with its time
    (URL, [("page", "2024-03-15 09:30")], "2024-03-14", "2024-03-15T09:30:00+08:00"),
    # a page date some months from the URL's still agrees (within a year)
    (URL, [("page", "2024-01-20")], None, "2024-01-20"),
    # implausible page dates give way to the next source (meta), then to the URL
    (URL, [("page", "1900-01-01"), ("meta", "2024-03-15 08:00")], None, "2024-03-15T08:00:00+08:00"),
    (URL, [("page", "2099-12-31")], None, "2024-03-15"),
    (URL, [("page", "9999-12-31")], None, "2024-03-15"),
    (URL, [("page", "0001-01-01")], None, "2024-03-15"),
    (URL, [("meta", "9999-12-31T23:59:59Z")], None, "2024-03-15"),
    (URL, [("meta", "0001-01-01T00:00:00+08:00")], None, "2024-03-15"),
    # more than a year from the URL's date: a typo or another article's date
    (URL, [("page", "2022-03-15")], None, "2024-03-15"),
    (URL, [("page", "2025-06-01")], "2024-03-15", "2024-03-15"),
    # a date in the future of now (+1 day) is no publish date, even without a URL date
    (ODD_URL, [("page", "2025-01-12")], None, None),
    (ODD_URL, [("page", "2025-01-11 09:00")], None, "2025-01-11T09:00:00+08:00"),
    (ODD_URL, [("page", "1999-12-31")], None, None),
    (ODD_URL, [("page", "2016-05-05")], None, "2016-05-05"),
    # the list date is weak: it must agree with the URL's day (3 days)...
    (URL, [], "2024-03-13", "2024-03-13"),
    (URL, [], "2024-03-15 10:20", "2024-03-15T10:20:00+08:00"),
    # ... and never overrides it otherwise (2024年1-2月 read as 2024-01-02)
    (URL, [], "2024-01-02", "2024-03-15"),
    (URL, [], "2023-03-15", "2024-03-15"),
    # a weak list date never overrides a page date agreeing with the URL
    (URL, [("page", "2024-03-15")], "2024-03-16", "2024-03-15"),
    # a URL with only yyyy/mm: weak, gives no date, but bounds the others
    (MONTH_URL, [], None, None),
    (MONTH_URL, [], "2024-03-28", "2024-03-28"),
    (MONTH_URL, [], "2024-07-01", None),
    (MONTH_URL, [("page", "2099-03-01")], None, None),
    (MONTH_URL, [("page", "2024-02-27 10:00")], None, "2024-02-27T10:00:00+08:00"),
    # full-width digits and punctuation are read
    (URL, [("page", "２０２４年３月１５日")], None, "2024-03-15"),
    (URL, [("page", "２０２４－０３－１５　１０：２０")], None, "2024-03-15T10:20:00+08:00"),
    (URL, [("page", "发布时间：２０２４／０３／１４")], None, "2024-03-14"),
    # an unparsable page date is skipped, not trusted
    (URL, [("page", "日期不详")], None, "2024-03-15"),
])
def test_choose_published(url, dates, list_date, expected):
    assert choose_published(url, dates, list_date, now=NOW) == expected


YEAR_END_URL = f"http://{HOST}/g60zx/2024/0102/1630013.shtml"


@pytest.mark.parametrize(("url", "dates", "list_date", "expected"), [
    # a page date without a year (the saved page's "6月6日上午") takes the URL's year:
    # the page's month and day win over the URL's day
    (SEED_URL, [("page", "6月6日上午")], None, "2023-06-06"),
    (SEED_URL, [("page", "6月6日")], None, "2023-06-06"),
    (SEED_URL, [("page", "06-06")], None, "2023-06-06"),
    (SEED_URL, [("page", "06/06 10:20")], None, "2023-06-06T10:20:00+08:00"),
    (SEED_URL, [("page", "６月６日上午")], None, "2023-06-06"),
    # a two-digit year is completed with the URL's century
    (SEED_URL, [("page", "23-06-06")], None, "2023-06-06"),
    (SEED_URL, [("page", "23.6.6 08:00")], None, "2023-06-06T08:00:00+08:00"),
    (SEED_URL, [("page", "2023.6.6")], None, "2023-06-06"),
    # a yearless date next to the new year belongs to the year nearest the URL's day
    (YEAR_END_URL, [("page", "12月31日")], None, "2023-12-31"),
    (f"http://{HOST}/g60zx/2023/1231/1.shtml", [("page", "1月2日")], None, "2024-01-02"),
    # a URL with a month folder only gives the year
    (MONTH_URL, [("page", "3月20日")], None, "2024-03-20"),
    # without a year in the URL, the list date gives it
    (ODD_URL, [("page", "5月4日")], "2016-05-05", "2016-05-04"),
    # with no year anywhere, no year is invented
    (ODD_URL, [("page", "5月4日")], None, None),
    # implausible yearless dates give way to the next source, as full dates do
    (SEED_URL, [("page", "2月30日")], None, "2023-06-07"),
    (SEED_URL, [("page", "99-06-06")], None, "2023-06-07"),
    (SEED_URL, [("page", "13月6日"), ("meta", "2023-06-06 09:00")], None, "2023-06-06T09:00:00+08:00"),
    (f"http://{HOST}/g60zx/2025/0110/1.shtml", [("page", "1月12日")], None, "2025-01-10"),
    # a full page date still wins over the yearless reading
    (SEED_URL, [("page", "2023-06-05")], None, "2023-06-05"),
])
def test_yearless_page_dates_take_the_year_of_the_url(url, dates, list_date, expected):
    assert choose_published(url, dates, list_date, now=NOW) == expected


def test_build_article_uses_the_same_evidence():
    raw = RawArticle(url=URL, extraction="template:con", encoding="utf-8", title="2024年1-2月经济数据",
                     paragraphs=["正文。"], dates=[("page", "2099-01-01")])
    raw.list_entry = ListEntry(URL, "g60zx", "2024年1-2月经济数据", "2024-01-02")
    item = build_article(raw)
    assert isinstance(item, ArticleItem)
    assert item.published == "2024-03-15"


@pytest.mark.parametrize(("text", "expected"), [
    ("２０２３年６月６日", "2023-06-06"),
    ("２０２３－０６－０６", "2023-06-06"),
    ("２０２３－０６－０６　１０：２０：３５", "2023-06-06T10:20:35+08:00"),
    ("２０２３．６．６", "2023-06-06"),
    ("［２０２３－０６－０６］", "2023-06-06"),
])
def test_full_width_dates(text, expected):
    assert n.parse_published(text) == expected


# ---------------------------------------------------------------- list pages: titles are not dates

ARTICLE = "/g60zx/2024/0315/1630012.shtml"


def _fallback_page(item: str) -> bytes:
    return f'<html><head><meta charset="utf-8"></head><body><div class="main">{item}</div></body></html>'.encode()


def _known_page(item: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"></head><body><ul class="list-news">{item}</ul>'
            '</body></html>').encode()


@pytest.mark.parametrize(("body", "expected"), [
    # fallback layout: the title is the only date-shaped text
    (_fallback_page(f'<p><a href="{ARTICLE}">2024年1-2月长三角经济数据发布</a></p>'), None),
    (_fallback_page(f'<p><a href="{ARTICLE}" title="2024-01-02 数据">数据</a></p>'), None),
    (_fallback_page(f'<p><a href="{ARTICLE}">1月2日至3日召开会议</a></p>'), None),
    # ... a date beside the link is still read
    (_fallback_page(f'<p><a href="{ARTICLE}">2024年1-2月长三角经济数据发布</a> 2024-03-14</p>'), "2024-03-14"),
    (_fallback_page(f'<p><a href="{ARTICLE}">2024年1-2月数据</a><span>[03-15]</span></p>'), "2024-03-15"),
    # a list date far from the URL's day is no evidence
    (_fallback_page(f'<p><a href="{ARTICLE}">数据</a> 2099-03-14</p>'), None),
    (_fallback_page(f'<p><a href="{ARTICLE}">数据</a> ２０２４－０３－１４</p>'), "2024-03-14"),
    # known list markup: a date-like element inside the link is the title's
    (_known_page(f'<li><a href="{ARTICLE}"><em>2024年1-2月</em>经济数据</a></li>'), None),
    (_known_page(f'<li><a href="{ARTICLE}">6月1日起施行</a></li>'), None),
    (_known_page(f'<li><a href="{ARTICLE}"><em>1-2月</em>经济数据</a><span class="date">03-15</span></li>'),
     "2024-03-15"),
])
def test_list_dates_come_from_outside_the_title(body, expected):
    listing = parse_listing(f"http://{HOST}/g60zx/", body, "text/html")
    assert [(e.url, e.date) for e in listing.entries] == [(f"http://{HOST}{ARTICLE}", expected)]


def test_full_width_date_in_an_info_line():
    from g60crawler.pages.article import split_infos

    assert split_infos("２０２３－０６－０６ １０：２０ 中国发展网") == ("２０２３－０６－０６ １０：２０", "中国发展网", None)
