"""Dates of pages in unknown templates: the publication date, not another date the page shows.

Snippets of real layouts: a 政务公开 information table with 成文日期 before 发布日期; a headline
with its date on the line under it and a related list with later-looking timestamps after the text.
"""

from __future__ import annotations

import pytest

from g60crawler.assemble import build_article
from g60crawler.pages.generic import extract_generic

PROSE = ("<p>1月27日，省政府发布通告，要求各地加强野生动物保护工作，严厉打击非法猎捕、交易野生动物的违法行为。</p>"
         "<p>通告明确，各级政府要落实属地责任，加强宣传教育，引导公众自觉抵制非法交易行为。</p>")
URL = "https://www.example.gov.cn/zw/xxgk/202201/t20220128_1.html"


def _published(page: str, url: str = URL) -> str:
    return build_article(extract_generic(page, url, "utf-8")).published[:10]


@pytest.mark.parametrize("info", [
    # 成文日期 (the day it was signed) first, 发布日期 (the day it was published) after
    "<table><tr><td>发文机关：</td><td>某某省人民政府</td><td>成文日期：</td><td>2022年01月27日</td></tr>"
    "<tr><td>发文字号：</td><td>某政明电〔2022〕1号</td><td>发布日期：</td><td>2022年01月28日</td></tr></table>",
    "<p>印发日期：2022-01-26 生效日期：2022-02-01 发布时间：2022-01-28</p>",
], ids=["information table", "one line"])
def test_publication_label_wins_over_other_dated_labels(info):
    page = ("<html><head><title>某某省人民政府关于加强野生动物保护的通告</title></head><body>"
            f"<div class='info'>{info}</div><h1>某某省人民政府关于加强野生动物保护的通告</h1>"
            f"<div class='article'>{PROSE}</div></body></html>")
    assert _published(page) == "2022-01-28"


def test_date_under_the_headline_wins_over_a_related_list():
    # no label, no date element: the date on the line under the headline is the page's own
    related = "".join(f"<tr><td><a href='/news/2005-03-{d}/{d}.html'>房产投资开始考验判断力</a>"
                      f"<font color=gray>2005-03-{d} 11:29:36</font></td></tr>" for d in (28, 25, 24))
    page = ("<html><head><title>小两口尝试以钱生钱</title></head><body><table>"
            "<tr><th class='f24'>拿出10万元投资房产 小两口尝试以钱生钱(图)</th></tr>"
            "<tr><td align='center'>http://house.example.com 2005年03月31日03:18 北京娱乐信报</td></tr>"
            f"<tr><td class='l17'>{PROSE}</td></tr>"
            f"<tr><td><table><tr><td>相关链接</td></tr>{related}</table></td></tr></table></body></html>")
    assert _published(page, "https://house.example.com/news/a.html") == "2005-03-31"


@pytest.mark.parametrize("label", ["时间：2024-05-0", "发布日期：2024-05-00", "时间：2024-13-06", "日期：2024年02月30日"])
def test_an_impossible_labelled_date_gives_way_to_the_date_under_the_headline(label):
    page = ("<html><head><title>某某省人民政府关于加强野生动物保护的通告</title></head><body>"
            f"<p>{label}</p><h1>某某省人民政府关于加强野生动物保护的通告</h1>"
            f"<div class='info'><span class='date'>2022-01-28 09:30</span></div>"
            f"<div class='article'>{PROSE}</div></body></html>")
    assert _published(page) == "2022-01-28"
