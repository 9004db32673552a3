"""Table-driven tests of g60crawler.normalize.

Expected values are decided from /work/shared/PORTAL.md ("Text conventions on
these pages") and the functions' docstrings, not copied from the functions'
output.
"""

from __future__ import annotations

import pytest

from g60crawler import normalize as n

HOST = "g60.chinadevelopment.com.cn"
ART = f"http://{HOST}/g60zx/2023/0606/1.shtml"

# ---------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # &nbsp; is an entity for NBSP, which is whitespace
        ("长三角&nbsp;G60", "长三角 G60"),
        # several &nbsp; in a row collapse to one space
        ("长三角&nbsp;&nbsp;&nbsp;G60", "长三角 G60"),
        # &amp; is unescaped to a plain ampersand
        ("研发&amp;创新", "研发&创新"),
        # numeric entities too
        ("&#38134;&#34892;", "银行"),
        # U+3000 paragraph indents are dropped at the start
        ("\u3000\u30006月6日上午，发布会举行。", "6月6日上午，发布会举行。"),
        # U+3000 inside text becomes a single space
        ("责任编辑\u3000倪珺", "责任编辑 倪珺"),
        # a literal NBSP character
        ("长三角\u00a0G60", "长三角 G60"),
        # tabs and newlines (e.g. from <br>) are whitespace
        ("第一行\n\t第二行\r\n第三行", "第一行 第二行 第三行"),
        # zero-width space carries no text: removed, not turned into a space
        ("合\u200b肥", "合肥"),
        # zero-width joiner/non-joiner and word joiner likewise
        ("合\u200c\u200d\u2060肥", "合肥"),
        # a BOM at the start of a text node
        ("\ufeff标题", "标题"),
        # runs of spaces collapse
        ("长三角    一体化", "长三角 一体化"),
        # leading/trailing whitespace is trimmed
        ("  \n 标题 \t ", "标题"),
        # only whitespace and invisibles: nothing left
        ("\u3000&nbsp;\u200b\n", ""),
        # empty string
        ("", ""),
        # None is treated as empty
        (None, ""),
        # plain text is unchanged
        ("长三角一体化发展成果发布会在合肥举行", "长三角一体化发展成果发布会在合肥举行"),
    ],
)
def test_clean_text(raw, expected):
    assert n.clean_text(raw) == expected


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # section + site suffix, the documented form
        ("长三角一体化发展成果发布会在合肥举行_G60资讯_中国发展网", "长三角一体化发展成果发布会在合肥举行"),
        # site suffix with a hyphen
        ("标题-中国发展网", "标题"),
        # hyphen with spaces around it
        ("标题 - 中国发展网", "标题"),
        # pipe separator
        ("标题|中国发展网", "标题"),
        # pipe with spaces
        ("标题 | 中国发展网", "标题"),
        # em dash separator
        ("标题—中国发展网", "标题"),
        # another section name as suffix
        ("松江召开科创大会_松江新闻_中国发展网", "松江召开科创大会"),
        # 中国发展网 in the middle of a headline is part of the headline
        ("中国发展网与松江区签署战略合作协议", "中国发展网与松江区签署战略合作协议"),
        # ... and stays there when a real suffix is removed
        ("中国发展网与松江区签约_G60资讯_中国发展网", "中国发展网与松江区签约"),
        # a hyphen inside the headline is kept; only the trailing suffix goes
        ("G60科创走廊-松江段启动_G60资讯_中国发展网", "G60科创走廊-松江段启动"),
        # a title that is only the site name: no suffix to strip, keep it
        ("中国发展网", "中国发展网"),
        # a list page title: section name is the headline
        ("G60资讯_中国发展网", "G60资讯"),
        # whitespace and entities are cleaned first
        ("\u3000标题&nbsp;-&nbsp;中国发展网 ", "标题"),
        # empty / None -> None
        ("", None),
        (None, None),
        ("\u3000 ", None),
    ],
)
def test_strip_title_suffix(raw, expected):
    assert n.strip_title_suffix(raw) == expected


HEADLINE = "长三角一体化发展成果发布会在合肥举行"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # any separator, any site or channel naming: the suffix goes
        (f"{HEADLINE}--中国发展网G60频道", HEADLINE),
        (f"{HEADLINE}——中国发展网", HEADLINE),
        (f"{HEADLINE} - 长三角G60科创走廊", HEADLINE),
        (f"{HEADLINE}_G60资讯_中国发展网", HEADLINE),
        (f"{HEADLINE}|中国发展网", HEADLINE),
        (f"{HEADLINE}｜中国发展网", HEADLINE),
        (f"{HEADLINE} · 中国发展网", HEADLINE),
        (f"{HEADLINE} 丨 G60资讯", HEADLINE),
        (f"{HEADLINE}－政策服务－中国发展网", HEADLINE),
        (f"{HEADLINE}_ＧＶ60".replace("ＧＶ", "Ｇ"), HEADLINE),  # full-width G60
        (f"{HEADLINE} - g60频道", HEADLINE),
        (f"{HEADLINE} -- chinadevelopment.com.cn", HEADLINE),
        (f"{HEADLINE}——九城风采——中国发展网G60频道", HEADLINE),
        # a trailing segment with words of its own is the headline's
        (f"中国发展网专访——{HEADLINE}", f"中国发展网专访——{HEADLINE}"),
        ("聚焦长三角——G60科创走廊再出发", "聚焦长三角——G60科创走廊再出发"),
        ("科技创新 - 人民网", "科技创新 - 人民网"),
        ("产业发展 - 长三角", "产业发展 - 长三角"),
        ("2023-2024年度报告", "2023-2024年度报告"),
        # never cut to nothing or next to nothing
        ("G60_中国发展网", "G60"),
        ("长三角G60科创走廊——中国发展网", "长三角G60科创走廊"),
        ("A - 中国发展网", "A - 中国发展网"),
        ("—— 中国发展网", "—— 中国发展网"),
        ("中国发展网G60频道", "中国发展网G60频道"),
    ],
)
def test_strip_title_suffix_any_separator_any_site_name(raw, expected):
    assert n.strip_title_suffix(raw) == expected


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "default_year", "expected"),
    [
        # date and minutes: seconds added, CST offset
        ("2023-06-06 10:20", None, "2023-06-06T10:20:00+08:00"),
        # with seconds
        ("2023-06-06 10:20:35", None, "2023-06-06T10:20:35+08:00"),
        # Chinese date with time
        ("2023年06月06日 10:20", None, "2023-06-06T10:20:00+08:00"),
        # Chinese date without zero padding, no time: bare date, time not invented
        ("2023年6月6日", None, "2023-06-06"),
        # slashes
        ("2023/06/06", None, "2023-06-06"),
        # list-page brackets
        ("[2023-06-06]", None, "2023-06-06"),
        # dots
        ("2023.06.06", None, "2023-06-06"),
        # no zero padding with hyphens
        ("2023-6-6", None, "2023-06-06"),
        # labels around the date are ignored
        ("发布时间：2023-06-06 10:20 来源：X", None, "2023-06-06T10:20:00+08:00"),
        # "con" template: date, then source after many spaces
        ("2019-04-09 13:34     中国发展网", None, "2019-04-09T13:34:00+08:00"),
        # &nbsp; between date and time
        ("2023-06-06&nbsp;10:20", None, "2023-06-06T10:20:00+08:00"),
        # Chinese date immediately followed by the time
        ("2023年06月06日10:20", None, "2023-06-06T10:20:00+08:00"),
        # ISO in UTC is converted to CST
        ("2023-06-06T02:20:00Z", None, "2023-06-06T10:20:00+08:00"),
        # ISO already in CST stays
        ("2023-06-06T10:20:00+08:00", None, "2023-06-06T10:20:00+08:00"),
        # ISO with a negative offset
        ("2023-06-05T18:20:00-08:00", None, "2023-06-06T10:20:00+08:00"),
        # UTC evening is the next day in China: the date changes too
        ("2023-06-06T20:00:00Z", None, "2023-06-07T04:00:00+08:00"),
        # fractional seconds are dropped
        ("2023-06-06T02:20:00.123Z", None, "2023-06-06T10:20:00+08:00"),
        # ISO without offset (meta tag): all times are CST
        ("2023-06-06T10:20:00", None, "2023-06-06T10:20:00+08:00"),
        # list-page month-day with the year from elsewhere
        ("06-06", 2023, "2023-06-06"),
        ("[06-06]", 2023, "2023-06-06"),
        # the saved page's "6月6日上午" with a known year
        ("6月6日上午", 2023, "2023-06-06"),
        # month-day without a year: no date
        ("06-06", None, None),
        # a two-digit year takes the century of the known year; alone it is no date
        ("23-06-06", 2023, "2023-06-06"),
        ("23.6.6 10:20", 2024, "2023-06-06T10:20:00+08:00"),
        ("23-06-06", None, None),
        # month-day with a time on a list page: the time is kept
        ("06-06 10:20", 2023, "2023-06-06T10:20:00+08:00"),
        # a full date wins over default_year
        ("2022-12-31", 2023, "2022-12-31"),
        # impossible month-day with a year
        ("02-30", 2023, None),
        # impossible dates
        ("2023-13-45", None, None),
        ("2099年13月45日", None, None),
        ("2023-02-30", None, None),
        # Feb 29 of a leap year is possible
        ("2024-02-29", None, "2024-02-29"),
        # impossible time
        ("2023-06-06 25:61", None, None),
        # midnight is a real time, not "no time"
        ("2023-06-06 00:00", None, "2023-06-06T00:00:00+08:00"),
        # last second of the day
        ("2023-06-06 23:59:59", None, "2023-06-06T23:59:59+08:00"),
        # 24:00 never comes from a CMS clock; treated as impossible like 25:61
        ("2023-06-06 24:00", None, None),
        # no date in the text
        ("长三角一体化发展成果发布会", None, None),
        ("", None, None),
        (None, 2023, None),
    ],
)
def test_parse_published(raw, default_year, expected):
    assert n.parse_published(raw, default_year=default_year) == expected


URL_CASES = [
    # (url, date, year)
    # new-style URL with month and day
    (f"http://{HOST}/g60zx/2023/0606/1.shtml", "2023-06-06", 2023),
    # older URL: month folder only, no day -> no date, but the year
    (f"http://{HOST}/cytz/2021/09/1632003.shtml", None, 2021),
    # page 2 of a split article carries the same date
    (f"http://{HOST}/g60zx/2023/0606/1234_2.shtml", "2023-06-06", 2023),
    # query and fragment do not matter
    (f"http://{HOST}/g60zx/2023/0606/1234.shtml?spm=x#top", "2023-06-06", 2023),
    # section list page: no article, no date
    (f"http://{HOST}/g60zx/", None, None),
    (f"http://{HOST}/g60zx/index_2.shtml", None, None),
    # another host of the network with the same URL scheme
    ("https://www.chinadevelopment.com.cn/news/2023/0606/1.shtml", "2023-06-06", 2023),
    # impossible month-day folder
    (f"http://{HOST}/g60zx/2023/1345/1.shtml", None, 2023),
]


@pytest.mark.parametrize(("url", "expected"), [(u, d) for u, d, _ in URL_CASES])
def test_date_from_url(url, expected):
    assert n.date_from_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), [(u, y) for u, _, y in URL_CASES])
def test_year_from_url(url, expected):
    assert n.year_from_url(url) == expected


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # already canonical
        (ART, ART),
        # https -> http for the portal host
        (f"https://{HOST}/g60zx/2023/0606/1.shtml", ART),
        # upper-case host
        ("http://G60.ChinaDevelopment.COM.cn/g60zx/2023/0606/1.shtml", ART),
        # default port
        (f"http://{HOST}:80/g60zx/2023/0606/1.shtml", ART),
        # https with its default port on the portal host
        (f"https://{HOST}:443/g60zx/2023/0606/1.shtml", ART),
        # a non-default port is kept
        (f"http://{HOST}:8080/g60zx/", f"http://{HOST}:8080/g60zx/"),
        # fragment
        (f"{ART}#comment", ART),
        # utm_* parameters
        (f"{ART}?utm_source=wechat&utm_medium=social", ART),
        # spm
        (f"{ART}?spm=a.b.c", ART),
        # from (WeChat shares)
        (f"{ART}?from=timeline", ART),
        # a non-tracking parameter is kept, trackers around it removed
        (f"{ART}?utm_source=x&id=5&spm=y", f"{ART}?id=5"),
        # index.shtml -> its folder
        (f"http://{HOST}/g60zx/index.shtml", f"http://{HOST}/g60zx/"),
        # site root index
        (f"http://{HOST}/index.shtml", f"http://{HOST}/"),
        # no path at all
        (f"http://{HOST}", f"http://{HOST}/"),
        # index_2.shtml is list page 2, not the folder: kept
        (f"http://{HOST}/g60zx/index_2.shtml", f"http://{HOST}/g60zx/index_2.shtml"),
        # surrounding whitespace
        (f"  {ART}\n", ART),
        # another host keeps its scheme
        (
            "https://www.chinadevelopment.com.cn/news/2023/0606/1.shtml",
            "https://www.chinadevelopment.com.cn/news/2023/0606/1.shtml",
        ),
        # another host: upper case, default port, fragment, tracking
        (
            "https://WWW.Example.com:443/a/b.html?utm_campaign=z#x",
            "https://www.example.com/a/b.html",
        ),
        # 443 is the default only for https: kept for http
        ("http://www.example.com:443/a", "http://www.example.com:443/a"),
        # one file spelled many ways: dot segments, escaped unreserved characters, lower-case escapes,
        # a trailing dot on the host
        (f"http://{HOST}/zcfw/./2024/../2024/0118/a.pdf", f"http://{HOST}/zcfw/2024/0118/a.pdf"),
        (f"http://{HOST}/zcfw/2024/0118/%61%2Epdf", f"http://{HOST}/zcfw/2024/0118/a.pdf"),
        (f"http://{HOST}./zcfw/2024/0118/a.pdf", f"http://{HOST}/zcfw/2024/0118/a.pdf"),
        (f"http://{HOST}/zcfw/%e6%94%bf.pdf", f"http://{HOST}/zcfw/%E6%94%BF.pdf"),
        # an escaped slash or reserved character keeps its meaning: not decoded
        (f"http://{HOST}/a%2Fb/c%3F.pdf", f"http://{HOST}/a%2Fb/c%3F.pdf"),
        # dot segments cannot climb above the root
        (f"http://{HOST}/../../etc/passwd", f"http://{HOST}/etc/passwd"),
        # a folder keeps its trailing slash
        (f"http://{HOST}/g60zx/./", f"http://{HOST}/g60zx/"),
    ],
)
def test_canonical_url(raw, expected):
    assert n.canonical_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # page 2 -> page 1
        (f"http://{HOST}/g60zx/2023/0606/1234_2.shtml", f"http://{HOST}/g60zx/2023/0606/1234.shtml"),
        # two-digit page number
        (f"http://{HOST}/g60zx/2023/0606/1234_10.shtml", f"http://{HOST}/g60zx/2023/0606/1234.shtml"),
        # already the first page
        (f"http://{HOST}/g60zx/2023/0606/1234.shtml", f"http://{HOST}/g60zx/2023/0606/1234.shtml"),
        # .html pages split the same way
        (f"http://{HOST}/g60zx/2023/0606/1234_3.html", f"http://{HOST}/g60zx/2023/0606/1234.html"),
        # an older month-folder URL
        (f"http://{HOST}/cytz/2021/09/1632003_2.shtml", f"http://{HOST}/cytz/2021/09/1632003.shtml"),
        # a query string after the page does not stop it
        (f"http://{HOST}/g60zx/2023/0606/1234_2.shtml?id=5", f"http://{HOST}/g60zx/2023/0606/1234.shtml?id=5"),
        # section list
        (f"http://{HOST}/g60zx/", f"http://{HOST}/g60zx/"),
    ],
)
def test_first_page_url(raw, expected):
    assert n.first_page_url(raw) == expected


def _portal_with(*patterns: str):
    """The built-in portal with other article URL patterns."""
    import dataclasses
    import re

    from g60crawler import portal

    return dataclasses.replace(portal.load(), articles=tuple(re.compile(p) for p in patterns))


TRS = r"^/(?:g60zx|cytz)/(?P<ym>\d{6})/t(?P<ymd>\d{8})_(?P<id>\d+)(?:_(?P<page>\d+))?\.shtml$"
HANWEB = r"^/art/(?P<year>\d{4})/(?P<month>\d+)/(?P<day>\d+)/art_(?P<col>\d+)_(?P<id>\d+)\.html$"
QUERY = r"^/content\.jsp\?id=(?P<id>\d+)(?:&page=(?P<page>\d+))?$"
DASH = r"^/news/(?P<id>\d+)(?:-(?P<page>\d+))?\.html$"


@pytest.mark.parametrize(
    ("patterns", "raw", "expected"),
    [
        # the built-in pattern: _N is the page
        ((), f"http://{HOST}/g60zx/2023/0606/1234_2.shtml", f"http://{HOST}/g60zx/2023/0606/1234.shtml"),
        # a list page is no article: index_2 is not page 2 of index
        ((), f"http://{HOST}/g60zx/index_2.shtml", f"http://{HOST}/g60zx/index_2.shtml"),
        # TRS ids carry an underscore: t<date>_<id> is a first page
        ((TRS,), f"http://{HOST}/g60zx/202306/t20230606_1650001.shtml",
         f"http://{HOST}/g60zx/202306/t20230606_1650001.shtml"),
        # ... and its second page is t<date>_<id>_2
        ((TRS,), f"http://{HOST}/cytz/202306/t20230606_1650001_2.shtml",
         f"http://{HOST}/cytz/202306/t20230606_1650001.shtml"),
        # a pattern without a page group: every match is a first page
        ((HANWEB,), f"http://{HOST}/art/2023/6/6/art_1234_5678.html", f"http://{HOST}/art/2023/6/6/art_1234_5678.html"),
        # the page in the query
        ((QUERY,), f"http://{HOST}/content.jsp?id=77&page=3", f"http://{HOST}/content.jsp?id=77"),
        ((QUERY,), f"http://{HOST}/content.jsp?id=77", f"http://{HOST}/content.jsp?id=77"),
        # another separator
        ((DASH,), f"http://{HOST}/news/123-2.html", f"http://{HOST}/news/123.html"),
        ((DASH,), f"http://{HOST}/news/123_2.html", f"http://{HOST}/news/123_2.html"),
    ],
)
def test_first_page_url_reads_the_portals_page_group(patterns, raw, expected):
    from g60crawler import portal

    before = portal.current()
    portal.activate(_portal_with(*patterns) if patterns else portal.load())
    try:
        assert n.first_page_url(raw) == expected
    finally:
        portal.activate(before)


@pytest.mark.parametrize(
    ("patterns", "raw", "expected"),
    [
        ((), f"http://{HOST}/g60zx/2023/0606/1234_2.shtml", 2),
        ((), f"http://{HOST}/g60zx/2023/0606/1234.shtml", None),
        ((TRS,), f"http://{HOST}/g60zx/202306/t20230606_1650001.shtml", None),
        ((TRS,), f"http://{HOST}/g60zx/202306/t20230606_1650001_12.shtml", 12),
        ((QUERY,), f"http://{HOST}/content.jsp?id=77&page=3", 3),
        ((HANWEB,), f"http://{HOST}/art/2023/6/6/art_1234_5678.html", None),
    ],
)
def test_article_page_reads_the_portals_page_group(patterns, raw, expected):
    from g60crawler import portal

    before = portal.current()
    portal.activate(_portal_with(*patterns) if patterns else portal.load())
    try:
        assert n.article_page(raw) == expected
    finally:
        portal.activate(before)


# ---------------------------------------------------------------- body_hash

BODY = "6月6日上午,长三角一体化发展成果发布会在合肥举行。\n\n长三角三省一市出席发布会。"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # paragraph breaks vs a single space
        (BODY, BODY.replace("\n\n", " ")),
        # no whitespace at all
        (BODY, BODY.replace("\n", "")),
        # indents with U+3000 and trailing newline
        (BODY, "\u3000\u3000" + BODY.replace("\n\n", "\n\u3000\u3000") + "\n"),
        # NBSP and tabs
        ("长三角 一体化", "长三角\u00a0\t一体化"),
    ],
)
def test_body_hash_same_text(a, b):
    assert n.body_hash(a) is not None
    assert n.body_hash(a) == n.body_hash(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # one character differs
        (BODY, BODY.replace("合肥", "芜湖")),
        # punctuation differs
        ("长三角。", "长三角，"),
        # one text is a prefix of the other
        ("长三角", "长三角一体化"),
    ],
)
def test_body_hash_different_text(a, b):
    assert n.body_hash(a) != n.body_hash(b)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # no body
        (None, None),
        # empty body
        ("", None),
        # only whitespace is the same text as "": no body, no hash
        (" \n\u3000\t", None),
    ],
)
def test_body_hash_empty(raw, expected):
    assert n.body_hash(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        # a SHA-256 hex digest: 64 lower-case hex digits
        BODY,
        "x",
    ],
)
def test_body_hash_is_hex_digest(raw):
    h = n.body_hash(raw)
    assert isinstance(h, str) and len(h) == 64 and all(c in "0123456789abcdef" for c in h)
