"""Not-found pages in other wordings and shapes are failures on a first crawl, never articles.

Replay crawls of a copy of the mirror where one listed article is replaced by an error page.
"""

from __future__ import annotations

import pytest

from .crawl import query
from .test_incomplete_and_gone import FAST, LATER, _file, crawl, mirror, sidecar  # noqa: F401

HEAD = '<html><head><meta charset="utf-8"><title>{title}</title>{extra}</head><body>{body}</body></html>'
PAGES = {
    "已下线": HEAD.format(title="中国发展网", extra="", body="<div><p>抱歉，该文章已下线。</p><a href='/'>返回首页</a></div>"),
    "english": HEAD.format(title="Error", extra="",
                           body="<h1>Sorry</h1><p>The page you requested could not be found.</p>"),
    "js redirect": HEAD.format(title="", extra="", body="<script>window.location='/';</script>"),
    "meta refresh home": HEAD.format(title="跳转中", extra='<meta http-equiv="refresh" content="0;url=/">',
                                     body="<p>正在跳转到首页……</p>"),
    "已被删除": HEAD.format(title="提示信息", extra="", body="<p>对不起，您要查看的内容已被删除或已过期！</p>"),
}


def _outcome(archive):
    return (query(archive, "SELECT title FROM articles WHERE canonical_url = ?", (LATER,)),
            query(archive, "SELECT reason FROM failures WHERE url = ?", (LATER,)))


@pytest.mark.reliability("a listed article answering a not-found page in another wording or shape (200)",
                         "a failure, no article", group="integrity")
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_error_page_is_a_failure(tmp_path, mirror, kind):
    archive = tmp_path / "a.sqlite"
    _file(mirror, LATER).write_text(PAGES[kind], "utf-8")
    crawl(archive, mirror, *FAST)
    articles, failures = _outcome(archive)
    assert articles == [] and len(failures) == 1, (articles, failures)


@pytest.mark.reliability("a listed article answering 410 Gone with a not-found page", "a failure, no article",
                         group="integrity")
def test_gone_410_is_a_failure(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    _file(mirror, LATER).write_text(PAGES["已下线"], "utf-8")
    sidecar(mirror, LATER, 410)
    crawl(archive, mirror, *FAST)
    articles, failures = _outcome(archive)
    assert articles == [] and len(failures) == 1, (articles, failures)


@pytest.mark.reliability("a long real article that mentions 页面不存在 in its text", "archived as an article",
                         group="integrity")
def test_long_article_mentioning_the_wording_stays_an_article(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    page = _file(mirror, LATER)
    html = page.read_text("utf-8")
    i = html.index("<p>", html.index("<body"))
    page.write_text(html[:i] + "<p>有读者反映旧网站链接显示“页面不存在”，网站已于本月完成迁移，旧链接将自动跳转。</p>" + html[i:], "utf-8")
    crawl(archive, mirror, *FAST)
    articles, failures = _outcome(archive)
    assert len(articles) == 1 and failures == [], (articles, failures)
