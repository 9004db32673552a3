"""The soft-404 recogniser: not-found wording on short pages, and redirects that land off the article."""

from __future__ import annotations

import pytest

from g60crawler.pages.notfound import not_found_wording, off_target, page_kind, soft_404

B = "http://g60.chinadevelopment.com.cn"
ARTICLE = f"{B}/g60zx/2024/0528/1630031.shtml"
LONG = "长三角G60科创走廊建设推进会在松江召开，九城市代表参加。" * 20


@pytest.mark.parametrize("title, text, expected", [
    ("页面不存在", "", "页面不存在"),
    ("提示信息_中国发展网", "抱歉，您访问的页面不存在或已被删除！返回首页", "页面不存在"),
    (None, "页面未找到", "页面未找到"),
    ("中国发展网", "对不起，找不到该页面。", "找不到该页面"),
    ("提示", "该信息已删除", "该信息已删除"),
    ("提示", "该稿件已撤稿", "该稿件已撤稿"),
    ("中国发展网", "抱歉，该文章已下线。", "该文章已下线"),
    ("提示信息", "对不起，您要查看的内容已被删除或已过期！", "内容已被删除"),
    ("Error", "The page you requested could not be found.", "could not be found"),
    ("Error", "This article no longer exists.", "no longer exists"),
    ("404 Not Found", "nginx", "404 not found"),
    ("404", "", "404"),
    ("错误404", "返回首页", "404"),
    ("404 - 中国发展网", "返回", "404"),
    ("Page Not Found", "", "page not found"),
    # content, not an error page
    ("松江404家企业签约入驻G60科创走廊", "松江404家企业签约入驻。", None),
    ("长三角G60科创走廊建设推进会", LONG, None),
    # a long article that quotes the wording is still content
    ("网站改版说明", "改版后旧链接将显示页面不存在。" + LONG, None),
    ("", "", None),
    (None, None, None),
])
def test_not_found_wording(title, text, expected):
    assert not_found_wording(title, text) == expected


@pytest.mark.parametrize("url, expected", [
    (f"{B}/", "the home page"),
    (f"{B}/index.shtml", "the home page"),
    (f"{B}", "the home page"),
    (f"{B}/g60zx/", "a section list page"),
    (f"{B}/zcfw/index_3.shtml", "a section list page"),
    (ARTICLE, None),
    ("http://www.chinadevelopment.com.cn/", None),  # another host: not the portal's home page
])
def test_page_kind(url, expected):
    assert page_kind(url) == expected


OTHER = f"{B}/sjxw/2024/0612/1630033.shtml"


@pytest.mark.parametrize("final, others, expected", [
    (ARTICLE, (), None),  # no redirect
    (f"{B}/g60zx/2024/0528/1630032.shtml", (), None),  # moved to a URL that is no other article: the same one
    (OTHER, {OTHER}, "another article"),
    (f"{B}/", (), "the home page"),
    (f"{B}/g60zx/index.shtml", (), "a section list page"),
])
def test_off_target(final, others, expected):
    assert off_target(ARTICLE, final, others) == expected


def test_soft_404_says_where_it_went():
    assert soft_404(ARTICLE, f"{B}/g60zx/", "G60资讯", LONG) == f"redirected to a section list page: {B}/g60zx/"
    assert soft_404(ARTICLE, ARTICLE, "页面不存在", "返回首页") == "not-found page ('页面不存在')"
    assert soft_404(ARTICLE, ARTICLE, "长三角G60科创走廊建设推进会", LONG) is None
