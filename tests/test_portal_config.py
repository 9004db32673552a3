"""The portal file: loading, validation, scope, sections, URL dates, list reading and pagination."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from parsel import Selector

from g60crawler import portal
from g60crawler.cli import main
from g60crawler.pages.listing import parse_listing
from g60crawler.pages.pager import next_page

GOOD = """
root = "http://www.example.cn/g60/"
hosts = ["www.example.cn"]
path_prefix = "/g60/"
articles = ['^/g60/(?:news|policy)/(?P<ym>\\d{6})/t(?P<ymd>\\d{8})_(?P<id>\\d+)\\.shtml$',
            '^/g60/show\\.html\\?id=(?P<id>\\d+)$']
[pagination]
kind = "query"
param = "page"
[[sections]]
slug = "news"
name = "G60资讯"
kind = "news"
url = "http://www.example.cn/g60/news/"
[[sections]]
slug = "about"
name = "关于我们"
kind = "page"
url = "http://www.example.cn/g60/about/"
"""


@pytest.fixture
def site(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(GOOD, encoding="utf-8")
    return portal.load(path)


@pytest.fixture(autouse=True)
def restore():
    yield
    portal.activate(portal.load())


def test_builtin_portal_keeps_todays_assumptions():
    p = portal.load()
    assert p.host == "g60.chinadevelopment.com.cn" and p.path_prefix == "/"
    assert [s.slug for s in p.sections] == ["g60zx", "sjxw", "jcfc", "zcfw", "cytz", "zcnx", "gywm"]
    assert p.is_article("http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml")
    assert not p.is_article("http://g60.chinadevelopment.com.cn/g60zx/index_1.shtml")


@pytest.mark.parametrize("url, expected", [
    ("http://www.example.cn/g60/news/202306/t20230606_123.shtml", True),
    ("https://WWW.example.cn/g60/news/202306/t20230606_123.shtml", True),
    ("http://www.example.cn/g60/show.html?id=77", True),
    # another channel of the shared host: same URL shape, outside the path prefix
    ("http://www.example.cn/news/202306/t20230606_123.shtml", False),
    ("http://www.example.cn/g60/news/", False),
    ("http://other.example.cn/g60/news/202306/t20230606_123.shtml", False),
])
def test_article_urls_are_confined_to_the_channel(site, url, expected):
    assert site.is_article(url) is expected


def test_sections_and_dates_from_urls(site):
    url = "http://www.example.cn/g60/news/202306/t20230606_123.shtml"
    assert site.section_of(url) == "news"
    assert site.section_of("http://www.example.cn/g60/show.html?id=77") is None
    assert portal.url_date(site.article_match(url)) == (2023, "2023-06-06")
    assert portal.url_date(site.article_match("http://www.example.cn/g60/show.html?id=77")) == (None, None)


@pytest.mark.parametrize("text, message", [
    ("x = ", "is not valid TOML"),
    (GOOD.replace('root = "http://www.example.cn/g60/"', 'root = "www.example.cn"'), "root must be an absolute"),
    (GOOD.replace("articles = [", "articles = ['(unclosed', "), "articles[0] is not a valid regex"),
    (GOOD.replace('kind = "query"', 'kind = "scroll"'), "pagination.kind must be one of"),
    (GOOD.replace('slug = "about"', 'slug = "news"'), "section slugs must be distinct"),
    (GOOD.replace('url = "http://www.example.cn/g60/about/"', 'url = "http://elsewhere.cn/about/"'),
     "is not on the portal's hosts"),
    (GOOD.replace('kind = "page"', 'kind = "blog"'), "sections[1].kind must be news or page"),
    (GOOD.replace('path_prefix = "/g60/"', 'path_prefix = "/g60/"\nextraction = "generik"'),
     "extraction must be \"template\" or \"generic\", got 'generik'"),
    (GOOD.replace('path_prefix = "/g60/"', 'path_prefix = "/g60/"\nextraction = true'),
     "extraction must be \"template\" or \"generic\", got True"),
])
def test_bad_portal_file_is_one_line_error(tmp_path, text, message):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(portal.PortalError, match=message.replace("[", r"\[").replace("]", r"\]")):
        portal.load(path)
    result = CliRunner().invoke(main, ["--portal", str(path), "runs", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines() if hasattr(result, "stderr") else result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --portal:") and message in lines[0]



@pytest.mark.parametrize("line, expected", [
    ("", "template"),  # unsaid: templates are expected, as by the built-in portal
    ('extraction = "template"', "template"),
    ('extraction = "generic"', "generic"),
])
def test_extraction_mode_is_read(tmp_path, line, expected):
    path = tmp_path / "p.toml"
    path.write_text(GOOD.replace('path_prefix = "/g60/"', f'path_prefix = "/g60/"\n{line}'), encoding="utf-8")
    assert portal.load(path).extraction == expected


def test_builtin_portal_expects_templates():
    assert portal.load().extraction == "template"


SIDEBAR_FIRST = """<html><body>
<div class="r"><h3>热点新闻</h3><ul>
 <li><a href="/g60/news/202301/t20230101_1.shtml">热点一</a></li><li><a href="/g60/news/202301/t20230102_2.shtml">热点二</a></li>
 <li><a href="/g60/news/202301/t20230103_3.shtml">热点三</a></li><li><a href="/g60/news/202301/t20230104_4.shtml">热点四</a></li>
 <li><a href="/g60/news/202301/t20230105_5.shtml">热点五</a></li></ul></div>
<div class="c"><div class="item"><h4><a href="/g60/news/202306/t20230606_11.shtml">正文一</a></h4><i>2023-06-06</i></div>
<div class="item"><h4><a href="/g60/news/202306/t20230605_12.shtml">正文二</a></h4><i>2023-06-05</i></div>
<div class="item"><h4><a href="/g60/news/202306/t20230604_13.shtml">正文三</a></h4><i>2023-06-04</i></div>
<div class="item"><h4><a href="/g60/news/202306/t20230603_14.shtml">正文四</a></h4><i>2023-06-03</i></div></div>
<div class="pg"><a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=3">3</a></div>
</body></html>"""


def test_list_without_known_markup_is_the_dated_group_not_the_sidebar(site):
    # a 5-item 热点 box before a 4-item list: the list is read, the box is not
    listing = parse_listing("http://www.example.cn/g60/news/", SIDEBAR_FIRST.encode(), None, site)
    assert [e.title for e in listing.entries] == ["正文一", "正文二", "正文三", "正文四"]
    assert [e.date for e in listing.entries] == ["2023-06-06", "2023-06-05", "2023-06-04", "2023-06-03"]
    assert listing.layout == "structure"


@pytest.mark.parametrize("url, html, expected", [
    # query-string pages: the first page is page 1, the next ?page=2; from ?page=2 the next is 3
    ("http://h.cn/g60/news/", SIDEBAR_FIRST, "http://h.cn/g60/news/?page=2"),
    ("http://h.cn/g60/news/?page=2", SIDEBAR_FIRST, "http://h.cn/g60/news/?page=3"),
    ("http://h.cn/g60/news/?page=3", SIDEBAR_FIRST, None),
    ("http://h.cn/list.php?cat=3&p=1", '<a href="list.php?cat=3&p=2">2</a><a href="list.php?cat=4&p=2">x</a>',
     "http://h.cn/list.php?cat=3&p=2"),
    # TRS index_N pages and the pager script
    ("http://h.cn/g60zx/", '<a href="index_1.shtml">2</a><a href="index_2.shtml">3</a>', "http://h.cn/g60zx/index_1.shtml"),
    ("http://h.cn/g60zx/index_1.shtml", '<script>createPageHTML(3, 1, "index", "shtml");</script>',
     "http://h.cn/g60zx/index_2.shtml"),
    ("http://h.cn/g60zx/index_2.shtml", '<script>createPageHTML(3, 2, "index", "shtml");</script>', None),
    # a 下一页 link of any shape; 尾页 (the last page) is not the next one
    ("http://h.cn/col/list.htm", '<a href="list_9.htm">尾页</a><a href="list_2.htm">下一页</a>', "http://h.cn/col/list_2.htm"),
    # 下一页 in brackets, with arrows, in traditional characters, or as an image button
    *[("http://h.cn/x/more.htm", html, "http://h.cn/x/list_5.htm") for html in (
        '<a href="list_5.htm">下一页&gt;&gt;</a>', '<a href="list_5.htm">« 下一页 »</a>', '<a href="list_5.htm">[下一页]</a>',
        '<a href="list_5.htm">下一頁</a>', '<a href="list_5.htm" title="下一页"><img src="n.gif"></a>',
        '<a href="list_5.htm"><img src="n.gif" alt="下一页"></a>')],
    # the next page's URL may carry parameters the first page's has not (a page size, a column uid)
    ("http://h.cn/list.jsp?cid=11", '<a href="list.jsp?cid=11&amp;page=2&amp;size=20">下一页</a>'
     '<a href="list.jsp?cid=12">其他栏目</a>', "http://h.cn/list.jsp?cid=11&page=2&size=20"),
    ("http://h.cn/col/col101/index.html", '<a href="?uid=5101&amp;pageNum=1">1</a><a href="?uid=5101&amp;pageNum=2">2</a>',
     "http://h.cn/col/col101/index.html?uid=5101&pageNum=2"),
    ("http://h.cn/list.jsp?cid=11", '<a href="list.jsp?cid=12&amp;page=2">下一页</a>', None),  # another list
    # numbered <stem>_N pages of any stem (list_N, more_N), not only index_N
    ("http://h.cn/g60zx/list_1.htm", '<a href="list_1.htm">1</a><a href="list_2.htm">2</a><a href="list_3.htm">3</a>',
     "http://h.cn/g60zx/list_2.htm"),
    ("http://h.cn/g60zx/list.htm", '<a href="list_2.htm">2</a><a href="list_3.htm">3</a>', "http://h.cn/g60zx/list_2.htm"),
    ("http://h.cn/g60zx/", '<a href="index_9.shtml">尾页</a>', None),  # the last page is not the next one
    ("http://h.cn/g60zx/list_2.htm", '<a href="list_1.htm">1</a><a href="list_2.htm">2</a><a href="list_3.htm">3</a>',
     "http://h.cn/g60zx/list_3.htm"),
])
def test_next_list_page_of_every_kind(site, url, html, expected):
    assert next_page(Selector(text=html, base_url=url), url, site) == expected


def test_known_list_markup_reads_a_date_in_a_plain_element_beside_the_link(site):
    body = ('<html><body><ul class="list"><li><a href="/g60/news/202306/t20230606_1.shtml">标题</a>'
            '<span>2023-06-06</span></li></ul></body></html>').encode()
    listing = parse_listing("http://www.example.cn/g60/news/", body, site=site)
    assert [(e.url, e.date) for e in listing.entries][0][1].startswith("2023-06-06")
