"""Every function that runs a regular expression over page text costs time linear in its input.

Hostile pages repeat what a pattern looks for (a site suffix 100,000 times in a
headline, ``（编辑：a `` over a whole paragraph, labels, brackets, digits): a
backtracking pattern then takes quadratic time and stalls the crawl for
minutes. Each check is a ratio against a baseline measured in the same test,
never a timing: the function on hostile input against the same function on
ordinary text of the same size (a quadratic pattern costs thousands of times
more at this size; timing noise and caches stay far below the bound), and a
hostile page against an ordinary page of the same size.
"""

from __future__ import annotations

import time

import pytest

from g60crawler import cities, labels
from g60crawler import normalize as n
from g60crawler.assemble import build_article
from g60crawler.pages.article import extract_raw, split_infos
from g60crawler.pages.bodyblock import trim_paragraphs
from g60crawler.pages.headline import choose_headline, strip_site_suffix
from g60crawler.pages.listing import parse_listing

#: Characters of text a function sees: a page of 1-2 MB of UTF-8 Chinese.
SIZE = 600_000
#: Hostile input may cost this many times ordinary input of the same size.
MAX_RATIO = 20

SENTENCE = "6月6日上午，长三角一体化发展成果发布会在合肥举行，三省一市有关负责同志出席。"


def fill(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """``prefix`` + ``unit`` repeated to about ``size`` characters + ``suffix``."""
    return prefix + unit * (size // len(unit)) + suffix


def cost(function, argument, runs: int = 3) -> float:
    """The fastest of a few runs of ``function(argument)``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(argument)
        best = min(best, time.perf_counter() - start)
    return best


# (function, hostile input of a given size); the baseline is ordinary text of that size
CASES = {
    "title-suffix-repeated": (n.strip_title_suffix, lambda s: fill("_G60资讯", s, "标题")),
    "title-suffix-then-text": (n.strip_title_suffix, lambda s: fill("_G60资讯", s, "标题", "x")),
    "title-separators": (n.strip_title_suffix, lambda s: fill("_ - ", s, "标题", "中国发展网x")),
    "trailing-editor-open": (labels.split_trailing_editor, lambda s: fill("（编辑：a ", s, "正文。")),
    "trailing-editor-closed": (labels.split_trailing_editor, lambda s: fill("（编辑：a ", s, "正文。", "）")),
    "trailing-editor-names": (labels.split_trailing_editor, lambda s: fill("张 ", s, "正文。（责任编辑：", "】")),
    "editor-line": (labels.parse_editor, lambda s: fill("a ", s, "责任编辑：", "）")),
    "editor-in-text": (labels.editor_of, lambda s: fill("责任编辑：", s)),
    "summary-label": (labels.strip_summary_label, lambda s: fill("摘 ", s)),
    "summary-brackets": (labels.is_summary_line, lambda s: fill("【摘要】", s)),
    "source-labels": (labels.parse_source, lambda s: fill("来源：", s)),
    "source-suffixes": (labels.parse_source, lambda s: fill(" -中国发展网", s, "来源：X")),
    "source-in-text": (labels.find_source, lambda s: fill("来源 ", s)),
    "author-names": (labels.parse_author, lambda s: fill("王磊 ", s, "记者 ", "：")),
    "author-label": (labels.parse_author, lambda s: fill("a ", s, "作者：", "】】")),
    "byline": (labels.is_byline, lambda s: fill("王磊、", s, "本网记者 ")),
    "author-in-text": (labels.find_author, lambda s: fill("作者", s)),
    "date-fraction": (n.parse_published, lambda s: fill("1", s, "2023-06-06T10:20:30.")),
    "date-fragments": (n.parse_published, lambda s: fill("2023-", s)),
    "date-chinese": (n.parse_published, lambda s: fill("２０２３年６月", s)),
    "info-line": (split_infos, lambda s: fill("2023-06-06 来源：", s)),
    "spaces-entities": (n.clean_text, lambda s: fill(" \u3000&nbsp;\u200b", s)),
    "cities-prefixes": (cities.cities_in, lambda s: fill("小昆", s)),
    "body-hash-spaces": (n.body_hash, lambda s: fill(" \u3000", s, "a", "b")),
    # the generic path's headline: a title of thousands of site-like parts, joined by spaces or bars
    "headline-space-parts": (lambda t: strip_site_suffix(t, {"某某网"}), lambda s: fill(" 某某网", s, "标题")),
    "headline-bar-parts": (lambda t: strip_site_suffix(t, set()), lambda s: fill("_频道", s, "标题", "_某某市人民政府")),
    "headline-name-prefix": (lambda t: strip_site_suffix(t, {"某某网", "某某"}), lambda s: fill("某某网：", s)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_text_costs_what_ordinary_text_does(case):
    function, hostile = CASES[case]
    baseline = cost(function, fill(SENTENCE, SIZE))
    assert cost(function, hostile(SIZE)) / max(baseline, 1e-4) < MAX_RATIO


# ---------------------------------------------------------------- whole pages

URL = "http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml"
PAGE_BYTES = 1_000_000


def con_page(headline: str, paragraphs: list[str]) -> bytes:
    """A page in the "con" template (PORTAL.md) with this headline and body."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{headline}_G60资讯_中国发展网</title></head><body>'
        f'<div class="con_title"><h1>{headline}</h1></div>'
        f'<div class="con_time">2023-06-06 10:20 来源：中国发展网</div>'
        f'<div class="content article-content">{body}</div>'
        f'<div class="zrbj">【责编：张三】</div></body></html>'
    ).encode()


def extract(body: bytes) -> None:
    build_article(extract_raw(URL, body, "text/html"))


def unknown_template(body: bytes) -> bytes:
    """The same page in markup no template knows: the generic extractor (gne) reads it."""
    return body.replace(b"con_title", b"x_title").replace(b"content article-content", b"main-text")


def normal_page() -> bytes:
    return con_page("长三角一体化发展成果发布会在合肥举行", [SENTENCE * 4] * (PAGE_BYTES // (len(SENTENCE) * 12)))


HOSTILE_PAGES = {
    # a headline repeating the site suffix 100,000 times (the title-suffix pattern was quadratic)
    "suffix-headline": lambda: con_page("标题" + "_G60资讯" * 100_000 + "x", [SENTENCE]),
    # a last paragraph repeating （编辑：a (the trailing-editor pattern was quadratic)
    "editor-paragraph": lambda: con_page("标题", [SENTENCE, "（编辑：a " * (PAGE_BYTES // 14)]),
    "editor-paragraph-closed": lambda: con_page("标题", [SENTENCE, "（编辑：a " * (PAGE_BYTES // 14) + "）"]),
    # every label in one long paragraph at the top of the body and in the info line
    "labels-everywhere": lambda: con_page("标题", ["摘要：" + "【摘要】记者 作者：来源：" * (PAGE_BYTES // 60)]),
    # a long headline and thousands of long sub-headings (gne matched the <title> against each
    # heading by longest common substring, in time |title| x |headings|)
    "long-headings": lambda: con_page("标题" * 300, [f"<h2>{SENTENCE * 5}</h2>" for _ in range(2_000)]),
}


@pytest.mark.parametrize("template", ["con", "unknown"])
@pytest.mark.parametrize("case", list(HOSTILE_PAGES))
def test_a_hostile_page_costs_what_a_normal_page_does(case, template):
    hostile = HOSTILE_PAGES[case]()
    normal = normal_page()
    if template == "unknown":
        hostile, normal = unknown_template(hostile), unknown_template(normal)
    assert len(hostile) >= len(normal) // 2
    assert cost(extract, hostile, runs=2) / cost(extract, normal, runs=2) < MAX_RATIO


def list_page(items: str) -> bytes:
    return f'<html><head><meta charset="utf-8"></head><body><div class="main">{items}</div></body></html>'.encode()


def test_a_hostile_list_page_costs_what_a_normal_one_does():
    """The fallback list layout reads dates beside links: 3,000 links in one paragraph of dates."""
    link = '<a href="/g60zx/2023/0606/{i}.shtml">2023年1-2月数据</a> 2023-06-06 06-06 [2023-'
    hostile = list_page("<p>" + "".join(link.format(i=i) for i in range(3_000)) + "</p>")
    normal = list_page("".join(f'<p><a href="/g60zx/2023/0606/{i}.shtml">{SENTENCE}</a> 2023-06-06</p>'
                               for i in range(3_000)))
    ratio = cost(lambda b: parse_listing(URL, b, "text/html"), hostile, runs=2) / cost(
        lambda b: parse_listing(URL, b, "text/html"), normal, runs=2)
    assert ratio < MAX_RATIO


# ---------------------------------------------------------------- the generic path's lines and pages

LINES = 8_000
#: A function linear in its lines costs about this many times more on this many times the lines
#: (a quadratic one costs its square: 64).
GROWTH = 8


@pytest.mark.parametrize("hostile", [
    # a related-list heading on every line before a last sentence: each one looked ahead to the end
    lambda n: ["正文。"] + ["相关"] * n + ["结尾一句。"],
    lambda n: ["正文。"] + ["相关新闻", "某某区召开会议"] * (n // 2) + ["结尾一句。"],
    lambda n: ["正文。"] + ["推荐"] * (n - 1) + ["结尾一句。"],
], ids=["related-lines", "related-pairs", "recommended-then-sentence"])
def test_trim_paragraphs_is_linear_in_hostile_lines(hostile):
    """Many lines against a few: the growth of a linear function, not of a quadratic one."""
    def trim(lines):
        return trim_paragraphs(lines, "标题")

    few, many = hostile(LINES // GROWTH), hostile(LINES)
    assert cost(trim, many) / max(cost(trim, few), 1e-5) < GROWTH * 2.5


def _json_ld_page(script: str) -> str:
    return (f"<html><head><title>某某市召开会议_某某网</title><script type='application/ld+json'>{script}"
            f"</script></head><body><h1>某某市召开会议</h1><p>{SENTENCE}</p></body></html>")


@pytest.mark.parametrize("script", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000,
                                    '{"headline": "' + "某" * SIZE + '"}'],
                         ids=["nested-lists", "nested-objects", "huge-headline"])
def test_json_ld_that_is_deep_or_huge_costs_what_an_ordinary_page_does(script):
    from lxml import html as lxml_html

    hostile = lxml_html.fromstring(_json_ld_page(script))
    ordinary = lxml_html.fromstring(_json_ld_page('{"headline": "某某市召开会议", "x": "' + "某" * len(script) + '"}'))
    assert choose_headline(hostile) == "某某市召开会议"
    assert cost(choose_headline, hostile) / max(cost(choose_headline, ordinary), 1e-4) < MAX_RATIO
