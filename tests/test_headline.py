"""Headline of pages in unknown templates: the candidate <title>, meta and headings agree on, no site suffix.

Each page is a small snippet of a real layout: a logo heading with the site's
name before the headline, a site suffix joined by a space or a separator, a
column name in the only <h1>.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from g60crawler.assemble import build_article
from g60crawler.pages.generic import extract_generic
from g60crawler.pages.headline import choose_headline, site_names, strip_site_suffix

PROSE = ("<p>5月20日，医院举办了年度护理专业技能大赛，来自全院各临床科室的护理人员参加了比赛。"
         "比赛分理论考试和操作考核两个部分，内容涵盖心肺复苏、静脉输液等项目。</p>"
         "<p>院领导表示，要以赛促学、以赛促练，不断提高护理服务质量，为患者提供更加优质的服务。</p>")


def _page(title: str, header: str = "", article_head: str = "", footer: str = "", meta: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{meta}</head><body>"
            f"<div class='header'>{header}</div>"
            f"<div class='main'><div class='article'>{article_head}<div class='content'>{PROSE}</div></div></div>"
            f"<div class='footer'>{footer}</div></body></html>")


HEADLINE = "我院举办2024年护理专业技能大赛"
SITE = "湖南省中医药研究院附属医院"
SHORT = "我院举办护理技能大赛"

CASES = [
    # the first heading is the logo, with the site's name; the headline is a div.title
    ("logo h1 before the headline",
     _page(f"{HEADLINE}_{SITE}", header=f"<h1 class='logo'><a href='/'>{SITE}</a></h1>",
           article_head=f"<div class='title'>{HEADLINE}</div>")),
    # a logo h1 that is not marked as logo: its text is the site's name in the copyright line
    # (and longer than the headline, so the longest match with the <title> is the site's name)
    ("site-name h1, copyright names the site",
     _page(f"{SHORT} {SITE}", header=f"<h1>{SITE}</h1>",
           article_head=f"<h2 class='art-title'>{SHORT}</h2>",
           footer=f"<p>版权所有：{SITE} 湘ICP备12345678号</p>"), SHORT),
    # the suffix joined by a space, in the <title> and in the heading
    ("space-joined suffix in title and h1",
     _page(f"{HEADLINE} {SITE}", article_head=f"<h1>{HEADLINE} {SITE}</h1>",
           footer=f"<p>Copyright © 2024 {SITE} All Rights Reserved</p>")),
    # no heading at all: the <title>'s space-joined suffix is the logo's alt text
    ("space-joined suffix, title only",
     _page(f"{HEADLINE} 东区办事处", header="<a class='logo' href='/'><img src='/logo.png' alt='东区办事处'></a>")),
    # the only h1 is the column name, also in the <title>; og:title and the <title> agree on the headline
    ("column h1, og:title agrees with title",
     _page(f"{HEADLINE} - 护理部工作动态 - {SITE}", article_head="<h1>护理部工作动态</h1>",
           meta=f"<meta property='og:title' content='{HEADLINE}'><meta property='og:site_name' content='{SITE}'>")),
]


CASES = [c if len(c) == 3 else (*c, HEADLINE) for c in CASES]


@pytest.mark.parametrize("name, page, headline", CASES, ids=[c[0] for c in CASES])
def test_generic_headline(name, page, headline):
    raw = extract_generic(page, "https://www.example.gov.cn/xw/2024/0520/123.html", "utf-8")
    assert raw.title == headline
    assert build_article(raw).title == headline


@pytest.mark.parametrize("sep", ["_", "-", " - ", "|", " | ", "—", "——", "－", " ", "｜"])
def test_title_suffix_joined_by_any_separator(sep):
    page = _page(f"{HEADLINE}{sep}工作动态{sep}{SITE}", article_head=f"<h1>{HEADLINE}{sep}{SITE}</h1>",
                 footer=f"<p>版权所有：{SITE}</p>")  # the evidence that the last part is the site's name
    assert extract_generic(page, "https://www.example.cn/a.html", "utf-8").title == HEADLINE


@pytest.mark.parametrize("title, names, expected", [
    # a space inside the headline stays when what follows is not the site
    ("嘉兴与松江共建产业合作示范园 首批15个项目落户", set(), "嘉兴与松江共建产业合作示范园 首批15个项目落户"),
    ("嘉兴与松江共建产业合作示范园 首批15个项目落户 嘉兴市人民政府", set(), "嘉兴与松江共建产业合作示范园 首批15个项目落户"),
    ("金华出台若干措施_金华要闻_金华市人民政府", set(), "金华出台若干措施"),
    ("湖州举办绿色低碳产业对接会 | 湖州市人民政府", set(), "湖州举办绿色低碳产业对接会"),
    ("东区召开专题会议部署开展调研工作 东区办事处", {"东区办事处"}, "东区召开专题会议部署开展调研工作"),
    ("新华网：某地召开会议研究部署工作", {"新华网"}, "某地召开会议研究部署工作"),
    # several channel names before the site's
    ("四年前中500万现穷困潦倒 一夜暴富后如何经营__商贸_产业资讯_新浪网", {"新浪网"}, "四年前中500万现穷困潦倒 一夜暴富后如何经营"),
    # a part of the headline after a dash is kept: it names no site
    ("2024年一季度经济数据发布——工业增加值增长6%", set(), "2024年一季度经济数据发布——工业增加值增长6%"),
    # never cut to nothing
    ("湖州市人民政府", set(), "湖州市人民政府"),
])
def test_strip_site_suffix(title, names, expected):
    assert strip_site_suffix(title, names) == expected


def test_site_names_from_page():
    page = _page(f"{HEADLINE}_{SITE}", header="<a class='logo'><img alt='某某市人民政府' src='l.png'></a>",
                 footer="<p>主办单位：某某市人民政府办公室</p>",
                 meta="<meta property='og:site_name' content='某某网'>")
    names = site_names(lxml_html.fromstring(page), f"{HEADLINE}_{SITE}")
    assert {"某某市人民政府", "某某市人民政府办公室", "某某网", SITE} <= names


def test_no_candidates_is_none():
    assert choose_headline(lxml_html.fromstring("<html><body><p>短</p></body></html>")) is None


def test_title_that_is_the_site_name_loses_to_the_heading():
    page = _page("北医新闻网_(新闻)", article_head=f"<table><tr><td class='bt_title'>{HEADLINE}</td></tr></table>")
    assert extract_generic(page, "https://news.example.edu.cn/a.html", "utf-8").title == HEADLINE


def test_meta_title_with_markup():
    page = _page(f"{HEADLINE}——副题_{SITE}",
                 meta=f"<meta name='ArticleTitle' content='{HEADLINE}&lt;div&gt;——副题&lt;/div&gt;'>")
    assert extract_generic(page, "https://www.example.gov.cn/a.html", "utf-8").title == f"{HEADLINE}——副题"


# the part after the last separator of a <title> is the site's name only when it reads as one
TITLE_PAGES = [
    # a '|' inside the headline, no heading: the rest is a clause, not a site
    # a channel after the site name in a <title> that names no article: the heading is the headline
    ("site and channel only in the title",
     _page("某某科普-辟谣文章", article_head=f"<div class='title'>{HEADLINE}</div>", footer="<p>版权所有：某某科普</p>"), HEADLINE),
    ("bar inside the headline",
     _page("书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来"), "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来"),
    # a middle dot inside a date (5·19) in the <title> and the h1
    ("middle dot in a date",
     _page("就在这个周末，超60家景区推门票半价！5·19中国旅游日送出“文旅大礼包”",
           article_head="<h1>就在这个周末，超60家景区推门票半价！5·19中国旅游日送出“文旅大礼包”</h1>"),
     "就在这个周末，超60家景区推门票半价！5·19中国旅游日送出“文旅大礼包”"),
    # the site's name first in the <title>; a 关联稿件： heading after the body
    ("site first in the title, a label heading after the body",
     _page("某某县人民政府 | 某某县2015年国民经济和社会发展统计公报",
           article_head="<h1 class='article-title'>某某县2015年国民经济和社会发展统计公报</h1>",
           meta="<meta name='ArticleTitle' content='某某县2015年国民经济和社会发展统计公报'>")
     .replace("<div class='footer'>", "<h3>关联稿件：</h3><div class='footer'>"),
     "某某县2015年国民经济和社会发展统计公报"),
    # the channel before the headline in og:title and twitter:title, after it in the <title>
    ("channel prefix in the meta titles",
     _page(f"{HEADLINE} - 护理动态", article_head=f"<h1>{HEADLINE}</h1>",
           meta=f"<meta property='og:title' content='护理动态 - {HEADLINE}'>"
                f"<meta name='twitter:title' content='护理动态 - {HEADLINE}'>"), HEADLINE),
]


@pytest.mark.parametrize("name, page, headline", TITLE_PAGES, ids=[c[0] for c in TITLE_PAGES])
def test_title_parts_that_are_not_the_site(name, page, headline):
    assert extract_generic(page, "https://www.example.cn/a.html", "utf-8").title == headline


def _article(title: str, heading: str) -> str:
    return _page(title, article_head=f"<h1>{heading}</h1>")


# a headline whose last words end in a site word (会 院 医院 大学 中心 …) is not cut without
# evidence that those words are the site's name: the heading near the body says the same
HEADINGS_ENDING_IN_SITE_WORDS = [
    "奋进新征程 建功新时代 我市举行表彰大会",
    "科技赋能 智慧医疗走进社区医院",
    "产学研合作再结硕果 - 校企共建联合实验室落户浙江大学",
    "新时代文明实践 志愿者走进养老服务中心",
    "春风送岗位｜就业服务走进职业技术学院",
]


@pytest.mark.parametrize("headline", HEADINGS_ENDING_IN_SITE_WORDS)
def test_heading_equal_to_the_title_is_not_cut_by_a_word_list(headline):
    assert extract_generic(_article(headline, headline), "https://www.example.cn/a.html", "utf-8").title == headline


@pytest.mark.parametrize("headline", HEADINGS_ENDING_IN_SITE_WORDS)
def test_title_only_headline_is_not_cut_by_a_word_list(headline):
    assert extract_generic(_page(headline), "https://www.example.cn/a.html", "utf-8").title == headline


@pytest.mark.parametrize("suffix", ["东区办事处", "市卫生健康委员会", "第一人民医院"])
def test_space_joined_suffix_absent_from_the_heading_goes(suffix):
    page = _article(f"{HEADLINE} {suffix}", HEADLINE)
    assert extract_generic(page, "https://www.example.cn/a.html", "utf-8").title == HEADLINE


@pytest.mark.parametrize("title, names, expected", [
    ("我市举行表彰大会 市总工会", {"市总工会"}, "我市举行表彰大会"),
    ("智慧医疗走进社区 - 某某大学附属医院", {"某某大学附属医院"}, "智慧医疗走进社区"),
    ("奋进新征程 建功新时代 我市举行表彰大会", set(), "奋进新征程 建功新时代 我市举行表彰大会"),
    ("科技赋能 智慧医疗走进社区医院", set(), "科技赋能 智慧医疗走进社区医院"),
])
def test_strip_site_suffix_needs_evidence_for_broad_site_words(title, names, expected):
    assert strip_site_suffix(title, names) == expected


def test_title_that_is_only_the_site_name_loses_to_the_heading_near_the_body():
    page = ("<html><head><title>某某市人民政府</title></head><body><div class='logo'>某某市人民政府</div>"
            f"<div class='main'><h2>{SHORT}</h2><div class='content'>{PROSE}</div></div></body></html>")
    assert extract_generic(page, "https://www.example.gov.cn/a.html", "utf-8").title == SHORT
