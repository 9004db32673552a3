"""JavaScript-only pagers: the next list page inferred from the pager's count and the list's URL scheme,
set by the portal file's [pagination] template, or reported as not followed."""

from __future__ import annotations

import pytest
from parsel import Selector

from g60crawler import portal
from g60crawler.pages.pager import next_page, page_url, unfollowed

HOST = "www.example.cn"


def site(template: str = "", first: int | None = None) -> portal.Portal:
    pager = f'[pagination]\ntemplate = "{template}"\n' + (f"first = {first}\n" if first is not None else "")
    return portal.from_dict(__import__("tomllib").loads(f"""
root = "http://{HOST}/"
articles = ['^/a/(?P<id>\\\\d+)\\\\.html$']
{pager}
[[sections]]
slug = "news"
name = "G60资讯"
url = "http://{HOST}/news/"
"""))


def page(pager: str) -> Selector:
    return Selector(text=f"<html><body><ul><li><a href='/a/1.html'>x</a></li></ul><div class='pg'>{pager}</div>"
                         "</body></html>")


PAGERS = {
    "href": '<a href="javascript:goPage(1)">1</a><a href="javascript:goPage(2)">2</a>'
            '<a href="javascript:goPage(3)">3</a>',
    "onclick": '<span onclick="toPage(1)">1</span><span onclick="toPage(2)">2</span><span onclick="toPage(3)">3</span>',
    "data-page": '<a href="javascript:void(0)" data-page="1">1</a><a href="javascript:void(0)" data-page="2">2</a>'
                 '<a href="javascript:void(0)" data-page="3">3</a>',
    "count": '<a href="javascript:void(0)" data-page="2">下一页</a> 共3页',
}


@pytest.mark.parametrize("kind", sorted(PAGERS))
@pytest.mark.parametrize("here,after,last", [
    ("http://www.example.cn/news/index.shtml", "http://www.example.cn/news/index_1.shtml",
     "http://www.example.cn/news/index_2.shtml"),
    ("http://www.example.cn/news/list.htm", "http://www.example.cn/news/list_2.htm",
     "http://www.example.cn/news/list_3.htm"),
    ("http://www.example.cn/news/list.aspx?cid=4&page=1", "http://www.example.cn/news/list.aspx?cid=4&page=2",
     "http://www.example.cn/news/list.aspx?cid=4&page=3"),
])
def test_js_pager_with_a_count_follows_the_lists_own_numbering(kind, here, after, last):
    s = site()
    assert next_page(page(PAGERS[kind]), here, s) == after
    assert next_page(page(PAGERS[kind]), after, s) == last
    assert next_page(page(PAGERS[kind]), last, s) is None  # 3 pages in all


@pytest.mark.parametrize("call,here,after,end", [
    ('createPage(5, 1, "list", "htm");', "http://h.cn/n/list.htm", "http://h.cn/n/list_2.htm", "http://h.cn/n/list_5.htm"),
    ("showPager(4, 0, 'index', 'html');", "http://h.cn/n/", "http://h.cn/n/index_1.html", "http://h.cn/n/index_3.html"),
])
def test_a_pager_script_other_than_trs_names_the_pages(call, here, after, end):
    sel = Selector(text=f"<html><body><ul><li><a href='/a/1.html'>x</a></li></ul><script>{call}</script></body></html>")
    assert next_page(sel, here, site()) == after
    assert next_page(sel, end, site()) is None


def test_no_numbering_in_the_lists_url_is_reported_not_guessed():
    here = "http://www.example.cn/list.jsp?cid=11"
    sel = page(PAGERS["href"])
    assert next_page(sel, here, site()) is None
    reason = unfollowed(sel, here, site())
    assert "pagination not followed" in reason and "template" in reason
    assert unfollowed(page(""), here, site()) == ""  # no pager: one page, nothing to say


@pytest.mark.parametrize("template,first,here,after", [
    ("?pageindex={n}", 1, "http://www.example.cn/list.jsp?cid=11", "http://www.example.cn/list.jsp?cid=11&pageindex=2"),
    ("?pageindex={n}", 1, "http://www.example.cn/list.jsp?cid=11&pageindex=2",
     "http://www.example.cn/list.jsp?cid=11&pageindex=3"),
    ("more_{n}.html", 0, "http://www.example.cn/news/", "http://www.example.cn/news/more_1.html"),
    ("p{n}/", 1, "http://www.example.cn/news/", "http://www.example.cn/news/p2/"),
])
def test_the_portal_files_template_is_used(template, first, here, after):
    s = site(template, first)
    assert s.pagination_template == template and s.pagination_first == first
    assert next_page(page(PAGERS["href"]), here, s) == after
    assert unfollowed(page(PAGERS["href"]), here, s) == ""


def test_template_numbers_pages_to_the_count():
    s = site("?pageindex={n}", 1)
    assert next_page(page(PAGERS["href"]), "http://www.example.cn/list.jsp?cid=11&pageindex=3", s) is None


@pytest.mark.parametrize("bad,message", [
    ('template = "index.shtml"', "pagination.template must be a string holding {n}"),
    ('template = "index_{n}.shtml"\nfirst = -1', "pagination.first must be a whole number >= 0"),
])
def test_bad_template_is_refused(bad, message):
    import tomllib
    with pytest.raises(portal.PortalError, match=message.replace("{", r"\{").replace("}", r"\}")):
        portal.from_dict(tomllib.loads(f"""root = "http://{HOST}/"\narticles = ['x']\n[pagination]\n{bad}\n
[[sections]]\nslug = "n"\nname = "G60资讯"\nurl = "http://{HOST}/n/"\n"""))


def test_page_url_keeps_the_lists_other_parameters():
    assert page_url("http://h.cn/l.jsp?cid=3&page=2&size=20", "?page={n}", 3) == "http://h.cn/l.jsp?cid=3&size=20&page=3"


def test_discover_reports_a_pager_it_cannot_follow(tmp_path):
    # list.jsp?cid=N shows no page numbering, its pager is javascript:goPage(N): said, and the file shows how
    from click.testing import CliRunner

    from g60crawler.cli import main
    from g60crawler.mirror import write_response

    names = ["G60资讯", "松江新闻", "九城风采", "政策服务", "产业投资", "招才纳贤", "关于我们"]
    host = "http://g60.example.org"
    nav = "".join(f'<a href="/list.jsp?cid={i + 11}">{n}</a>' for i, n in enumerate(names))
    mirror = tmp_path / "m"
    write_response(mirror, f"{host}/", 200, {}, f"<html><body><div>{nav}</div></body></html>".encode())
    for i in range(7):
        items = "".join(f'<li><a href="/detail.jsp?id={1000 * i + k}">文章{k}</a><span>2023-06-0{k}</span></li>'
                        for k in range(1, 4))
        write_response(mirror, f"{host}/list.jsp?cid={i + 11}", 200, {}, (
            f"<html><body><div>{nav}</div><ul>{items}</ul><div>{PAGERS['href']}</div></body></html>").encode())
        for k in range(1, 4):
            write_response(mirror, f"{host}/detail.jsp?id={1000 * i + k}", 200, {},
                           f"<html><body><h1>文章{k}</h1><p>2023-06-0{k}</p><p>{'正文。' * 40}</p></body></html>".encode())
    out = tmp_path / "p.toml"
    result = CliRunner().invoke(main, ["discover", f"{host}/", "--replay", str(mirror), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.count("PAGINATION NOT FOLLOWED") == 6  # the news sections, not 关于我们
    assert "3 pages" in result.output and f"{host}/list.jsp?cid=11" in result.output
    text = out.read_text("utf-8")
    assert '# template = "?page={n}"' in text
    # the hint, uncommented, is a valid portal file whose template the spider's pager uses
    site = portal.from_dict(__import__("tomllib").loads(text.replace('# template = "?page={n}"', 'template = "?pageNo={n}"')
                            .replace("# first = 1", "first = 1")))
    assert next_page(page(PAGERS["href"]), f"{host}/list.jsp?cid=11", site) == f"{host}/list.jsp?cid=11&pageNo=2"
