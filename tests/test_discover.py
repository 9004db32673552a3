"""`g60crawler discover`: from one root URL to a portal file and a readable report."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from g60crawler import portal
from g60crawler.cli import main
from g60crawler.discover.core import extraction_mode
from g60crawler.discover.nav import matches
from g60crawler.discover.patterns import generalise
from g60crawler.mirror import url_to_path, write_response

from .conftest import HOST, SITE


@pytest.fixture(autouse=True)
def restore():
    yield
    portal.activate(portal.load())


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_discover_on_the_default_mirror_finds_the_builtin_portal(tmp_path):
    out = tmp_path / "portal.toml"
    result = run("discover", f"http://{HOST}/", "--replay", str(SITE), "-o", str(out))
    assert result.exit_code == 0, result.output
    found, builtin = portal.load(out), portal.load()
    assert [(s.slug, s.name, s.kind, s.url) for s in found.sections] == \
           [(s.slug, s.name, s.kind, s.url) for s in builtin.sections]
    assert found.hosts == builtin.hosts and found.path_prefix == "/" and found.pagination == "index"
    # every article URL of the mirror's lists, and nothing else, is an article for the learned pattern
    assert found.is_article(f"http://{HOST}/g60zx/2023/0606/1630012.shtml")
    assert found.is_article(f"http://{HOST}/zcnx/2021/09/1632050.shtml")  # an older /yyyy/mm/ URL
    assert not found.is_article(f"http://{HOST}/g60zx/index_1.shtml")
    assert "sections found: 7 of 7" in result.output
    assert "G60资讯 [g60zx] news" in result.output and "template:article-detail" in result.output
    assert found.extraction == "template" and "extraction: template" in result.output


def test_discover_without_the_sections_exits_non_zero(tmp_path):
    mirror = tmp_path / "m"
    write_response(mirror, "http://example.cn/", 200, {}, "<html><body><a href='/a/'>新闻</a>"
                   "<a href='/b/'>财经</a><a href='/c/'>体育</a><a href='/d/'>娱乐</a></body></html>".encode())
    result = run("discover", "http://example.cn/", "--replay", str(mirror), "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: no navigation with the section names")
    assert not (tmp_path / "p.toml").exists()


def test_discover_unreadable_root_exits_non_zero(tmp_path):
    result = run("discover", "http://nowhere.example/", "--replay", str(SITE), "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1 and "Error: cannot read the root page http://nowhere.example/: HTTP 404" in result.output


def test_discover_records_what_it_fetched(tmp_path):
    record = tmp_path / "rec"
    result = run("discover", f"http://{HOST}/", "--replay", str(SITE), "-o", str(tmp_path / "p.toml"),
                 env={"G60_RECORD_DIR": str(record)})
    assert "record the replay" in result.output and result.exit_code == 1  # replay + record: refused
    # recording is the fetcher's: check it writes what it reads, in the replay layout
    from g60crawler.discover import Fetcher

    fetcher = Fetcher(replay=SITE, record=record)
    fetcher.get(f"http://{HOST}/g60zx/")
    assert url_to_path(record, f"http://{HOST}/g60zx/").read_bytes() == \
        url_to_path(SITE, f"http://{HOST}/g60zx/").read_bytes()


@pytest.mark.parametrize("name, text, expected", [
    ("G60资讯", "G60 资讯", True),
    ("G60资讯", "g60资讯", True),
    ("松江新闻", " 松江新闻 ", True),
    ("九城风采", "九城市风采", True),
    ("松江新闻", "新闻", False),
    ("关于我们", "首页", False),
    ("G60资讯", "G60资讯 NEWS", True),  # an English subtitle
    ("关于我们", "关于我们About Us", True),
    ("政策服务", "政策服务中心平台", False),
])
def test_section_name_variants(name, text, expected):
    assert matches(name, text) is expected


@pytest.mark.parametrize("target, accepts, rejects", [
    ("/g60/g60zx/2023/0606/1630012.shtml", "/g60/sjxw/2024/01/99_2.shtml", "/news/2023/0606/1.shtml"),
    ("/sjxw/202306/t20230606_123456.shtml", "/g60zx/202401/t20240101_7.shtml", "/sjxw/index_1.shtml"),
    ("/article.html?id=1660001", "/article.html?id=5", "/article.html?id=x"),
    ("/content_123.htm", "/content_9.htm", "/contents_9.htm"),
    ("/2023-06/06/c_1680001.htm", "/2024-01/19/c_5.htm", "/g60zx/list_2.htm"),
    ("/art/2023/6/6/art_101_1700001.html", "/art/2024/11/19/art_102_5.html", "/col/col101/index.html"),
])
def test_generalised_article_pattern(target, accepts, rejects):
    import re

    folders = ("/g60/g60zx/", "/g60/sjxw/") if target.startswith("/g60/") else ("/sjxw/", "/g60zx/")
    pattern = re.compile(generalise(target, folders))
    assert pattern.search(target) and pattern.search(accepts) and not pattern.search(rejects)


@pytest.mark.parametrize("target, date", [
    ("/g60zx/2023/0606/1630012.shtml", "2023-06-06"),
    ("/sjxw/202306/t20230606_123456.shtml", "2023-06-06"),
    ("/2023-06/06/c_1680001.htm", "2023-06-06"),  # yyyy-mm/dd folders
    ("/art/2023/6/9/art_101_1700001.html", "2023-06-09"),  # unpadded month and day folders
    ("/2023/06/09/content_1.htm", "2023-06-09"),
])
def test_learned_pattern_dates_the_url(target, date):
    import re

    m = re.compile(generalise(target, ())).search(target)
    assert portal.url_date(m)[1] == date


@pytest.mark.parametrize("url", ["http://[bad", "http://", "https:///g60/", "http:// g60.example.cn/"])
def test_discover_malformed_root_url_is_a_one_line_error(url, tmp_path):
    result = run("discover", url, "--replay", str(SITE), "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ROOT_URL must be an absolute http(s) URL") and \
        result.output.count("\n") == 1


def test_discover_unreachable_root_names_the_reason(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("discover", f"http://127.0.0.1:{port}/", "--delay", "0", "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1
    assert "refused" in result.output.lower() and "HTTP error" not in result.output


def test_discover_finds_articles_outside_the_section_folders(tmp_path):
    # sections /col/colN/index.html, articles /art/yyyy/m/d/art_N_M.html linked ../../art/...,
    # a numbered pager of ?uid=..&pageNum=N links (they are no articles)
    mirror = tmp_path / "m"
    host = "http://g.example.cn"
    names = ["G60资讯", "松江新闻", "九城风采", "政策服务", "产业投资", "招才纳贤", "关于我们"]
    nav = "".join(f'<a href="/col/col{10 + i}/index.html">{n}</a>' for i, n in enumerate(names))
    write_response(mirror, f"{host}/", 200, {}, f"<html><body><div>{nav}</div></body></html>".encode())
    for i in range(6):
        rows = "".join(f'<tr><td><a href="../../art/2023/6/{d}/art_{10 + i}_{i * 10 + d}.html">标题{i}号第{d}篇文章</a>'
                       f'</td><td>2023-06-0{d}</td></tr>' for d in range(1, 5))
        pager = "".join(f'<a href="?uid=50{i}&amp;pageNum={n}">{n}</a>' for n in (1, 2))
        write_response(mirror, f"{host}/col/col{10 + i}/", 200, {},
                       f"<html><body><div>{nav}</div><table>{rows}</table><div>{pager}</div></body></html>".encode())
    out = tmp_path / "p.toml"
    result = run("discover", f"{host}/", "--replay", str(mirror), "-o", str(out))
    assert result.exit_code == 0, result.output
    found = portal.load(out)
    assert found.is_article(f"{host}/art/2023/6/1/art_10_1.html")
    assert not found.is_article(f"{host}/col/col10/index.html?uid=500&pageNum=2")
    assert portal.url_date(found.article_match(f"{host}/art/2024/11/9/art_12_7.html")) == (2024, "2024-11-09")
    assert "article links: 4, 4 matched" in result.output


def test_navigation_of_images_is_read_by_their_alt_text():
    from g60crawler.discover.nav import find_navigation

    names = ["G60资讯", "松江新闻", "九城风采", "政策服务", "产业投资", "招才纳贤", "关于我们"]
    menu = "".join(f'<a href="/s{i}/"><img src="/i/{i}.png" alt="{n}"></a>' for i, n in enumerate(names))
    found = find_navigation(f"<html><body><div>{menu}</div></body></html>", "http://h.cn/", names)
    assert [(link.name, link.url) for link in found] == [(n, f"http://h.cn/s{i}/") for i, n in enumerate(names)]


def test_discover_follows_a_root_redirect_and_names_a_loop(tmp_path):
    mirror = tmp_path / "m"
    write_response(mirror, "http://old.example.cn/", 301, {"Location": f"http://{HOST}/"}, b"")
    write_response(mirror, "http://loop.example.cn/", 302, {"Location": "/again"}, b"")
    write_response(mirror, "http://loop.example.cn/again", 302, {"Location": "/"}, b"")
    for path in url_to_path(SITE, f"http://{HOST}/").parent.rglob("*"):  # the default mirror, behind the redirect
        if path.is_file():
            target = mirror / path.relative_to(SITE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    result = run("discover", "http://old.example.cn/", "--replay", str(mirror), "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"root: http://{HOST}/") and portal.load(tmp_path / "p.toml").hosts == (HOST,)
    result = run("discover", "http://loop.example.cn/", "--replay", str(mirror), "-o", str(tmp_path / "q.toml"))
    assert result.exit_code == 1
    assert result.output == ("Error: cannot read the root page http://loop.example.cn/: not reachable: "
                             "more than 5 redirects (a redirect loop?)\n")


@pytest.mark.parametrize("samples, expected", [
    (["template:article-detail"] * 17 + ["generic:gne"], "template"),  # one odd page: templates read the portal
    (["template:article-detail"] * 14 + ["generic:gne"] * 4, "generic"),  # more than a templated run tolerates
    (["generic:gne"] * 18, "generic"),
    (["generic:gne", "HTTP 404", "HTTP 404", "HTTP 404", "HTTP 404", "template:article-detail"], "generic"),
    (["HTTP 404", "none"], "template"),  # nothing read: the default meaning
    ([], "template"),
])
def test_extraction_mode_from_the_samples(samples, expected):
    assert extraction_mode(samples) == expected


@pytest.mark.parametrize("url,name,want", [
    ("http://h.cn/list.jsp?cid=11", "G60资讯", "g60zx"),
    ("http://h.cn/col/col101/index.html", "松江新闻", "sjxw"),
    ("http://h.cn/col/col101/", "九城风采", "jcfc"),
    ("http://h.cn/channel/1234/", "政策服务", "zcfw"),
    ("http://h.cn/list.aspx?id=7&type=2", "产业投资", "cytz"),
    ("http://h.cn/c12/index.shtml", "招才纳贤", "zcnx"),
    ("http://h.cn/node_5536.htm", "关于我们", "gywm"),
    ("http://h.cn/g60/news/", "G60资讯", "news"),  # a readable folder name stays
    ("http://h.cn/songjiang/index.html", "松江新闻", "songjiang"),
])
def test_a_section_url_without_a_readable_name_gets_the_names_slug(url, name, want):
    from g60crawler.discover.core import section_slug

    assert section_slug(url, name, set()) == want


def test_section_slugs_stay_distinct():
    from g60crawler.discover.core import section_slug

    taken = {"g60zx"}
    got = section_slug("http://h.cn/list.jsp?cid=11", "G60资讯", taken)
    assert got not in taken and got.startswith("g60zx")
    assert section_slug("http://h.cn/news/", "松江新闻", {"news"}) == "sjxw"


def test_learned_pattern_keeps_the_column_ids_of_the_channel():
    from g60crawler.discover.patterns import learn

    a = [f"http://h.cn/art/2024/3/{d}/art_1229_{900 + d}.html" for d in (1, 2, 5)]
    b = [f"http://h.cn/art/2024/4/{d}/art_1230_{800 + d}.html" for d in (3, 9)]
    (pattern,) = learn(a + b, (), [a, b])
    import re
    assert re.search(pattern, "/art/2025/1/7/art_1229_123456.html")  # a later article of the channel
    assert re.search(pattern, "/art/2025/12/17/art_1230_7.html")
    assert not re.search(pattern, "/art/2024/3/1/art_1300_901.html")  # another channel, same scheme


def test_a_number_that_varies_within_a_section_is_not_narrowed():
    from g60crawler.discover.patterns import learn

    a = [f"http://h.cn/a/{shard}/{n}.html" for shard, n in ((3, 100), (7, 101), (3, 102))]
    (pattern,) = learn(a, (), [a])
    import re
    assert re.search(pattern, "/a/9/555.html")


VARIANT_ROOT = ("mainhost", "trs", "redesign", "nested", "xinhua", "jsp", "hanweb", "jspager", "column")


def _variant(name):
    import json

    from .conftest import ROOT
    mirror = ROOT / "fixtures" / f"variant-{name}"
    return mirror, json.loads((mirror / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("variant", VARIANT_ROOT)
@pytest.mark.parametrize("given", ["article", "section list", "second list page"])
def test_a_page_below_the_root_leads_discover_to_the_root(variant, given):
    from g60crawler.discover import Fetcher, discover

    mirror, want = _variant(variant)
    found = discover(want["root"], Fetcher(replay=mirror))
    news = [s for s in found.sections if s.kind == "news"]
    url = {"article": want["articles"][-1]["url"], "section list": news[-1].url,
           "second list page": news[0].list_pages[-1]}[given]
    again = discover(url, Fetcher(replay=mirror))
    assert normalize_root(again.root) == normalize_root(found.root)
    assert [(s.slug, s.url) for s in again.sections] == [(s.slug, s.url) for s in found.sections]


def normalize_root(url):
    from g60crawler.normalize import canonical_url
    return canonical_url(url)


def test_an_article_without_a_way_home_is_refused_with_what_to_give(tmp_path):
    nav = "".join(f"<a href='/{s}/'>{n}</a>" for s, n in (("a", "G60资讯"), ("b", "松江新闻"), ("c", "九城风采"),
                                                         ("d", "政策服务"), ("e", "产业投资")))
    mirror = tmp_path / "m"
    write_response(mirror, "http://example.cn/a/2023/0606/12345.shtml", 200, {},
                   f"<html><body><div>{nav}</div><h1>标题</h1><p>正文</p></body></html>".encode())
    result = run("discover", "http://example.cn/a/2023/0606/12345.shtml", "--replay", str(mirror),
                 "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: http://example.cn/a/2023/0606/12345.shtml is not the channel's root page")
    assert "give the URL of the channel's home page" in result.output and not (tmp_path / "p.toml").exists()
