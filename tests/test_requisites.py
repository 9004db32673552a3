"""Page requisites found in HTML and CSS: a table of cases."""

from __future__ import annotations

import time

import pytest

from g60crawler.pages.requisites import css_requisites, html_requisites

PAGE = "http://g60.example.cn/g60zx/2023/0606/1.shtml"


@pytest.mark.parametrize("html, expected", [
    # style sheet, script, image, icon: resolved against the page, in page order, once each
    ('<link rel="stylesheet" href="/css/a.css"><script src="../../js/b.js"></script><img src="p.jpg">'
     '<link rel="shortcut icon" href="/favicon.ico"><img src="p.jpg">',
     ["http://g60.example.cn/css/a.css", "http://g60.example.cn/favicon.ico", "http://g60.example.cn/g60zx/js/b.js",
      "http://g60.example.cn/g60zx/2023/0606/p.jpg"]),
    # <base> changes what relative references mean
    ('<base href="http://g60.example.cn/res/"><img src="x.png">', ["http://g60.example.cn/res/x.png"]),
    # links to other pages, inline scripts, data: and javascript: URLs are not requisites; fragments dropped
    ('<a href="/other.shtml">x</a><script>var a=1;</script><img src="data:image/png;base64,AAA=">'
     '<img src="javascript:alert(1)"><img src="/i.png#top">', ["http://g60.example.cn/i.png"]),
    # a link that is not a style sheet (rel=alternate) is not fetched
    ('<link rel="alternate" href="/rss.xml"><link rel="preload stylesheet" href="/s.css">',
     ["http://g60.example.cn/s.css"]),
])
def test_html_requisites(html, expected):
    assert html_requisites(PAGE, html) == expected


@pytest.mark.parametrize("css, expected", [
    ('body{background:url(/images/bg.png)} .a{background:url("../i/a.gif")} .b{background:url( \'c.jpg\' )}',
     ["http://g60.example.cn/images/bg.png", "http://g60.example.cn/i/a.gif", "http://g60.example.cn/css/c.jpg"]),
    ('@import "base.css"; @import url(/css/print.css);',
     ["http://g60.example.cn/css/base.css", "http://g60.example.cn/css/print.css"]),
    ('.x{background:url(data:image/png;base64,AAAA)}', []),
])
def test_css_requisites(css, expected):
    assert css_requisites("http://g60.example.cn/css/main.css", css) == expected


def test_css_scan_is_linear_on_hostile_input():
    """An unclosed url( repeated over the whole sheet costs about what a normal sheet of that size does."""
    normal = "body{background:url(/i.png)}\n" * 18000  # ~500 KB
    hostile = "url(" * 130000  # ~500 KB of openings that never close
    def cost(text):
        start = time.perf_counter()
        for _ in range(3):
            css_requisites("http://g60.example.cn/c.css", text)
        return time.perf_counter() - start
    assert cost(hostile) < 20 * cost(normal)
