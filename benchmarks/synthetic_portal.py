"""A large synthetic copy of the G60 portal, in the mirror layout, for the crawl benchmark.

    .venv/bin/python -m benchmarks.synthetic_portal OUT_DIR --articles 10000 [--seed 1]

writes ``OUT_DIR/g60.chinadevelopment.com.cn/`` as ``fixtures/README.md`` lays a
mirror out (one file per URL, ``/<slug>/`` served from its ``index.shtml``):

- ``robots.txt``, the home page ``index.shtml`` and the static page ``gywm/index.shtml``;
- the six news sections, each with TRS-style list pages ``index.shtml``,
  ``index_1.shtml`` ... (20 entries a page, newest first, the date in
  ``<span class="date">``, ``createPageHTML(total, current, "index", "shtml")``,
  首页/上一页/下一页/尾页 links, hrefs relative or absolute-path as CMSs mix them);
- N article pages ``/<slug>/<yyyy>/<mmdd>/<7 digits>.shtml`` spread over the
  sections (G60资讯 30%, 松江新闻 20%, 九城风采 20%, 政策服务 12%, 产业投资 10%,
  招才纳贤 8%) and over 2019-01-01 .. 2026-10-31, half in the "article-detail"
  template and half in "con" (``g60crawler/pages/templates.py``), ids rising with
  the date. Each page is 15-40 KB with the full chrome of the saved pages: head
  with css/js, top bar, nav, breadcrumbs, share widget and its script, a
  相关新闻 list of 20-30 links, a 热点推荐 list, a 排行 list that brings the page
  to its drawn size, statistics scripts and the footer. The body is 5-15
  paragraphs of Chinese composed from the phrase vocabularies and sentence
  templates of ``benchmarks.synthetic_archive`` (the nine cities, their
  districts, topics, policies ...), with sub-headings, some images with captions,
  a 摘要 on 60% of the pages, and the label variants of the saved pages.

No sidecars: every file is a 200 ``text/html`` (UTF-8, declared by ``<meta charset>``).
No split articles and no attachments (the crawl would fetch those too).

Deterministic: the same ``--seed`` and ``--articles`` give the same bytes (each
article's text comes from its own ``random.Random(seed, number)``). Written with
plain string templates: 10,000 articles in about 7 s, 50,000 in about 30 s.
"""

from __future__ import annotations

import argparse
import bisect
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random

from benchmarks.synthetic_archive import EDITORS, SOURCES, SURNAME, GIVEN, Writer
from g60crawler import portal

FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2026, 10, 31)
PER_PAGE = 20
FIRST_ID = 1600001
#: news sections and their share of the articles (%)
SECTION_WEIGHTS = (("g60zx", 30), ("sjxw", 20), ("jcfc", 20), ("zcfw", 12), ("cytz", 10), ("zcnx", 8))
NEWS = tuple(s for s, _ in SECTION_WEIGHTS)
NAMES = {s.slug: s.name for s in portal.SECTIONS}
#: how each section's list pages show a date (the saved pages vary them too)
LIST_DATE_FORMAT = {"g60zx": "{iso}", "sjxw": "[{iso}]", "jcfc": "{iso}", "zcfw": "{md}", "cytz": "[{iso}]",
                    "zcnx": "{iso}"}
MIN_BYTES, MAX_BYTES = 15_000, 40_000


@dataclass
class Article:
    number: int  # the order of drawing: seeds the article's own text
    section: str
    day: date
    template: str
    title: str
    id: int = 0

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.day.year}/{self.day.month:02d}{self.day.day:02d}/{self.id}.shtml"


def _rng(seed: int, number: int, part: int) -> Random:
    return Random(seed * 1_000_003 * 4 + number * 4 + part)


# ------------------------------------------------------------------ chrome (as the saved pages have it)

def _nav(active: str | None) -> str:
    items = ['<li><a href="http://www.chinadevelopment.com.cn/" target="_blank">中国发展网</a></li>',
             '<li><a href="/">首页</a></li>']
    for s in portal.SECTIONS:
        on = ' class="on"' if s.slug == active else ""
        items.append(f'<li><a href="/{s.slug}/"{on}>{s.name}</a></li>')
    return "\n    ".join(items)


def _head(title: str, keywords: str, description: str, css: str, extra_meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}</title>
<meta name="keywords" content="{keywords}">
<meta name="description" content="{description}">{extra_meta}
<link rel="stylesheet" type="text/css" href="/css/common.css">
<link rel="stylesheet" type="text/css" href="/css/{css}.css">
<script type="text/javascript" src="/js/jquery-1.11.3.min.js"></script>
<script type="text/javascript" src="/js/common.js"></script>
</head>
<body>
"""


def _top(active: str | None) -> str:
    return f"""<div class="top-bar">
  <div class="wrap clearfix">
    <div class="top-left"><a href="http://www.chinadevelopment.com.cn/" target="_blank">中国发展网</a>　国家发展和改革委员会主管</div>
    <div class="top-right"><a href="/gywm/">关于我们</a></div>
  </div>
</div>
<div class="header">
  <div class="wrap clearfix">
    <a class="logo" href="/"><img src="/images/logo_g60.png" alt="中国发展网 长三角G60科创走廊频道"></a>
    <div class="search-box"><form action="/search/" method="get" target="_blank"><input type="text" name="q" class="search-input" placeholder="请输入关键词"><input type="submit" value="搜索" class="search-btn"></form></div>
  </div>
</div>
<div class="nav">
  <ul class="wrap clearfix">
    {_nav(active)}
  </ul>
</div>
"""


SHARE = """<div class="bdsharebuttonbox"><span>分享到：</span><a href="#" class="bds_more" data-cmd="more"></a><a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信"></a><a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博"></a><a href="#" class="bds_qzone" data-cmd="qzone" title="分享到QQ空间"></a><a href="#" class="bds_sqq" data-cmd="sqq" title="分享到QQ好友"></a></div>
      <script>window._bd_share_config={"common":{"bdSnsKey":{},"bdText":"","bdMini":"2","bdMiniList":false,"bdPic":"","bdStyle":"0","bdSize":"24"},"share":{}};with(document)0[(getElementsByTagName('head')[0]||body).appendChild(createElement('script')).src='http://bdimg.share.baidu.com/static/api/js/share.js?v=89860593.js?cdnversion='+~(-new Date()/36e5)];</script>"""

FOOTER = """<div class="footer">
  <div class="wrap">
    <p><a href="/gywm/">关于我们</a> | <a href="http://www.chinadevelopment.com.cn/" target="_blank">中国发展网</a> | <a href="/gywm/">联系我们</a></p>
    <p>版权所有 中国发展网　京ICP备05080913号　京公网安备11010202007624号</p>
    <p>地址：北京市西城区月坛北街甲2号　邮编：100045　电话：010-68314866</p>
  </div>
</div>
<script type="text/javascript">
var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "https://hm.baidu.com/hm.js?3b8a2d4f7e6c1b9a0d5e4f3c2b1a0987";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
</script>
<script type="text/javascript">document.write(unescape("%3Cspan id='cnzz_stat_icon_1278523101'%3E%3C/span%3E%3Cscript src='https://s9.cnzz.com/z_stat.php%3Fid%3D1278523101' type='text/javascript'%3E%3C/script%3E"));</script>
</body>
</html>
"""

#: the article pages' own script (font size buttons, image zoom), as TRS pages inline one
ARTICLE_SCRIPT = """<script type="text/javascript">
$(function () {
  var size = 16;
  $(".font-big").click(function () { size = Math.min(size + 2, 24); $(".article-text p").css("font-size", size + "px"); return false; });
  $(".font-small").click(function () { size = Math.max(size - 2, 12); $(".article-text p").css("font-size", size + "px"); return false; });
  $(".article-text img").each(function () {
    var img = $(this);
    if (img.width() > 660) { img.css({"width": "660px", "height": "auto"}); }
    img.css("cursor", "pointer").click(function () { window.open(img.attr("src")); });
  });
  var visits = document.getElementById("visit-count");
  if (visits) { $.getJSON("/cms/count.jsp?id=" + visits.getAttribute("data-id") + "&callback=?", function (d) { visits.innerHTML = d.count; }); }
});
</script>"""


def _link(a: Article, date_span: str = "") -> str:
    return (f'<li><a href="{a.path}" target="_blank" title="{a.title}">{a.title}</a>{date_span}</li>')


# ------------------------------------------------------------------ the plan: every article's place and title

def plan(count: int, seed: int) -> list[Article]:
    """Every article's section, day, template and title, sorted by day; ids rise with the day."""
    rng = Random(seed)
    cum, total = [], 0
    for _, weight in SECTION_WEIGHTS:
        total += weight
        cum.append(total)
    days = (LAST_DAY - FIRST_DAY).days + 1
    articles = []
    for number in range(count):
        section = NEWS[bisect.bisect_right(cum, rng.random() * total)]
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        template = "article-detail" if number % 2 == 0 else "con"
        title = Writer(_rng(seed, number, 0), section, day).title()
        articles.append(Article(number, section, day, template, title))
    articles.sort(key=lambda a: (a.day, a.number))
    for i, a in enumerate(articles):
        a.id = FIRST_ID + i
    return articles


# ------------------------------------------------------------------ article pages

def _date_text(rng: Random, day: date, template: str) -> tuple[str, str]:
    """The page's visible date and time, in one of the portal's formats; and a PubDate meta value."""
    hh, mm, ss = rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59)
    iso = f"{day.isoformat()} {hh:02d}:{mm:02d}"
    roll = rng.random()
    if roll < 0.6:
        text = iso
    elif roll < 0.8:
        text = f"{iso}:{ss:02d}"
    else:
        text = f"{day.year}年{day.month:02d}月{day.day:02d}日 {hh:02d}:{mm:02d}"
    return text, iso


def _editor_line(rng: Random, template: str, editor: str) -> str:
    if template == "con":
        label = rng.choice(("【责编：{}】", "【责任编辑：{}】", "（责任编辑：{}）"))
        return f'<div class="zrbj">{label.format(editor)}</div>'
    label = rng.choice(("责任编辑：{}", "责任编辑:{}", "责编:{}", "[责任编辑:{}]"))
    return f'<div class="article-editor">{label.format(editor)}</div>'


def _body(rng: Random, w: Writer, a: Article) -> tuple[str, str, str]:
    """(summary sentence or "", the body's <p> elements, the description meta)."""
    paragraphs = []
    summary = w.sentence() if rng.random() < 0.6 else ""
    if summary:
        label = rng.choice(("摘要：", "摘要:", "【摘要】"))
        paragraphs.append(f"<p>{label}{summary}</p>")
    count = rng.randint(5, 15)
    image_at = rng.randrange(count) if rng.random() < 0.3 else -1
    first_text = ""
    for i in range(count):
        if i and rng.random() < 0.15:
            paragraphs.append(f"<p><strong>{w.title()}</strong></p>")
        text = "".join(w.sentence() for _ in range(rng.randint(2, 5)))
        first_text = first_text or text
        paragraphs.append(f"<p>　　{text}</p>")
        if i == image_at:
            stamp = f"{a.day.year}{a.day.month:02d}{a.day.day:02d}{rng.randrange(10**9):09d}"
            paragraphs.append(f'<p style="text-align: center;"><img src="./W0{stamp}01.jpg" alt=""/></p>')
            paragraphs.append(f'<p style="text-align: center;">图为{w.sentence().rstrip("。")}。'
                              f'（摄影：{SURNAME.draw(rng)}{GIVEN.draw(rng)}）</p>')
    description = (summary or first_text)[:80]
    return summary, "\n      ".join(paragraphs), description


def article_page(a: Article, seed: int, neighbours: list[Article], hot: list[Article], ranked: list[Article]) -> bytes:
    """One article page of ``a``'s template, padded to its drawn size with a 排行 list from ``ranked``."""
    rng = _rng(seed, a.number, 1)
    w = Writer(_rng(seed, a.number, 0), a.section, a.day)
    w.title()  # the same draws as the plan's title: the text goes on from there
    name = NAMES[a.section]
    summary, body, description = _body(rng, w, a)
    date_text, pubdate = _date_text(rng, a.day, a.template)
    source = SOURCES.draw(rng)
    author = f"{SURNAME.draw(rng)}{GIVEN.draw(rng)}" if rng.random() < 0.4 else ""
    editor = EDITORS.draw(rng)
    keywords = ",".join(dict.fromkeys([*w.topics, *w.cities, "G60科创走廊"]))
    related_count = rng.randint(20, 30)
    related = "\n        ".join(_link(n) for n in neighbours[:related_count])
    hot_links = "\n      ".join(_link(h) for h in hot)
    meta = f'\n<meta name="PubDate" content="{pubdate}">' if rng.random() < 0.3 else ""
    if a.template == "article-detail":
        head = _head(f"{a.title}_{name}_中国发展网", keywords, description, "article", meta)
        infos = f'<span class="date">{date_text}</span><span class="source">来源：{source}</span>'
        if author:
            infos += f'<span class="author">作者：{author}</span>'
        main = f"""<div class="wrap main clearfix">
  <div class="column m-crumb"><a href="/">首页</a> &gt; <a href="/{a.section}/">{name}</a> &gt; 正文</div>
  <div class="left-column">
    <div class="article">
      <h1 id="article-content-title">{a.title}</h1>
      <div class="article-infos">{infos}<span class="visits">阅读：<em id="visit-count" data-id="{a.id}"></em></span><span class="font">字号：<a href="#" class="font-big">大</a> <a href="#" class="font-small">小</a></span></div>
      <div class="article-detail-inner article-text">
      {body}
      </div>
      {_editor_line(rng, a.template, editor)}
      {SHARE}
      <div class="related-news">
        <h3>相关新闻</h3>
        <ul>
        {related}
        </ul>
      </div>
    </div>
  </div>
  <div class="right-column">"""
    else:
        head = _head(f"{a.title}-中国发展网", keywords, description, "con", meta)
        byline = f"{date_text}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{source}"
        if author:
            byline += f"&nbsp;&nbsp;&nbsp;作者：{author}"
        main = f"""<div class="wrap con_main clearfix">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{a.section}/">{name}</a> &gt; 正文</div>
  <div class="con_left">
    <div class="con_title"><h1>{a.title}</h1></div>
    <div class="con_time">{byline}</div>
    <div class="content article-content article-text">
      {body}
    </div>
    {_editor_line(rng, a.template, editor)}
    <div class="share">
      {SHARE}
    </div>
    <div class="xgxw">
      <h3>相关新闻</h3>
      <ul>
      {related}
      </ul>
    </div>
  </div>
  <div class="con_right">"""
    side = f"""
    <div class="hot-news">
      <h3>热点推荐</h3>
      <ul>
      {hot_links}
      </ul>
    </div>
    <div class="ad-box"><a href="/zcnx/"><img src="/images/banner_zcnx.jpg" alt="招才纳贤"></a></div>
    <div class="rank-news">
      <h3>点击排行</h3>
      <ol>
      """
    tail = f"""
      </ol>
    </div>
  </div>
</div>
{ARTICLE_SCRIPT}
"""
    parts = [head, _top(a.section), main, side]
    size = sum(len(p.encode()) for p in parts) + len(tail.encode()) + len(FOOTER.encode())
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    ranks = []
    for r in ranked:
        if size >= target:
            break
        line = _link(r) + "\n      "
        ranks.append(line)
        size += len(line.encode())
    parts += [*ranks, tail, FOOTER]
    return "".join(parts).encode()


# ------------------------------------------------------------------ list pages, home, static page

def _list_date(section: str, day: date) -> str:
    return LIST_DATE_FORMAT[section].format(iso=day.isoformat(), md=f"{day.month:02d}-{day.day:02d}")


def list_page(section: str, entries: list[Article], page: int, total: int, hot: list[Article], rng: Random) -> bytes:
    name = NAMES[section]
    items = []
    for a in entries:
        href = (f"./{a.day.year}/{a.day.month:02d}{a.day.day:02d}/{a.id}.shtml" if rng.random() < 0.5
                else a.path)
        items.append(f'<li><a href="{href}" target="_blank" title="{a.title}">{a.title}</a>'
                     f'<span class="date">{_list_date(section, a.day)}</span></li>')
    pager = ['<a href="index.shtml">首页</a>']
    if page > 0:
        pager.append(f'<a href="{"index.shtml" if page == 1 else f"index_{page - 1}.shtml"}">上一页</a>')
    if page + 1 < total:
        pager.append(f'<a href="index_{page + 1}.shtml">下一页</a>')
    pager.append(f'<a href="{"index.shtml" if total == 1 else f"index_{total - 1}.shtml"}">尾页</a>')
    hot_links = "\n      ".join(_link(h) for h in hot)
    rows = "\n      ".join(items)
    return (_head(f"{name}_中国发展网", f"长三角G60科创走廊,{name},中国发展网",
                  f"中国发展网长三角G60科创走廊频道{name}栏目", "list")
            + _top(section)
            + f"""<div class="wrap main clearfix">
  <div class="column m-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/{section}/">{name}</a></div>
  <div class="left-column">
    <div class="list-title"><h2>{name}</h2></div>
    <ul class="list-news">
      {rows}
    </ul>
    <div class="page"><script>createPageHTML({total}, {page}, "index", "shtml");</script></div>
    <div class="pagination">{" ".join(pager)}</div>
  </div>
  <div class="right-column">
    <div class="hot-news">
      <h3>热点推荐</h3>
      <ul>
      {hot_links}
      </ul>
    </div>
    <div class="ad-box"><a href="/zcnx/"><img src="/images/banner_zcnx.jpg" alt="招才纳贤"></a></div>
  </div>
</div>
<script type="text/javascript" src="/js/page.js"></script>
""" + FOOTER).encode()


def home_page(by_section: dict[str, list[Article]]) -> bytes:
    blocks = []
    for section in NEWS:
        name = NAMES[section]
        rows = "\n        ".join(
            _link(a, f'<span class="date">{a.day.month:02d}-{a.day.day:02d}</span>') for a in by_section[section][:8])
        blocks.append(f"""    <div class="index-block block-{section}">
      <div class="block-title"><h2><a href="/{section}/">{name}</a></h2><a class="more" href="/{section}/">更多&gt;&gt;</a></div>
      <ul class="list-news">
        {rows}
      </ul>
    </div>""")
    newest = max((s[0] for s in by_section.values() if s), key=lambda a: (a.day, a.id), default=None)
    focus = (f'<div class="headline"><h2><a href="{newest.path}" target="_blank">{newest.title}</a></h2></div>'
             if newest else "")
    return (_head("长三角G60科创走廊_中国发展网", "长三角G60科创走廊,中国发展网,松江,九城市",
                  "中国发展网长三角G60科创走廊频道", "index")
            + _top(None)
            + f"""<div class="wrap main clearfix">
  <div class="index-focus">
    {focus}
  </div>
  <div class="index-blocks clearfix">
{chr(10).join(blocks)}
  </div>
  <div class="friend-links"><h3>友情链接</h3><a href="http://www.chinadevelopment.com.cn/" target="_blank">中国发展网</a></div>
</div>
""" + FOOTER).encode()


ABOUT = ("　　中国发展网长三角G60科创走廊频道是中国发展网面向长三角G60科创走廊建设开设的专题频道，聚焦松江、嘉兴、杭州、"
         "金华、苏州、湖州、宣城、芜湖、合肥九城市协同发展，及时报道走廊建设的政策动态、重大项目和创新成果。",
         "　　频道设有G60资讯、松江新闻、九城风采、政策服务、产业投资、招才纳贤等栏目，以新闻报道、政策解读、数据发布和"
         "专题策划等形式，为政府部门、园区、企业和社会公众提供权威、及时、实用的信息服务。",
         "　　欢迎各地政府部门、企业和读者向本频道提供新闻线索和稿件。联系电话：010-68314866，"
         "电子邮箱：g60@chinadevelopment.com.cn。")


def about_page(hot: list[Article]) -> bytes:
    paragraphs = "\n        ".join(f"<p>{p}</p>" for p in ABOUT)
    hot_links = "\n      ".join(_link(h) for h in hot)
    return (_head("关于我们_中国发展网", "关于我们,中国发展网", "中国发展网长三角G60科创走廊频道简介", "article")
            + _top("gywm")
            + f"""<div class="wrap main clearfix">
  <div class="column m-crumb"><a href="/">首页</a> &gt; <a href="/gywm/">关于我们</a></div>
  <div class="left-column">
    <div class="article">
      <h1 id="article-content-title">关于我们</h1>
      <div class="article-detail-inner">
        {paragraphs}
      </div>
    </div>
  </div>
  <div class="right-column">
    <div class="hot-news">
      <h3>热点推荐</h3>
      <ul>
      {hot_links}
      </ul>
    </div>
  </div>
</div>
""" + FOOTER).encode()


ROBOTS = b"User-agent: *\nDisallow: /search/\nDisallow: /cms/\n"


# ------------------------------------------------------------------ writing it all

def build(out: str | Path, articles: int, seed: int = 1, progress: bool = True) -> dict:
    """Write the synthetic portal under ``out/<host>/``; returns counts, bytes and seconds."""
    started = time.perf_counter()
    root = Path(out) / portal.HOST
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    every = plan(articles, seed)
    newest_first = sorted(every, key=lambda a: (a.day, a.id), reverse=True)
    by_section = {s: [a for a in newest_first if a.section == s] for s in NEWS}
    index_in_section = {a.id: i for s in NEWS for i, a in enumerate(by_section[s])}
    site_rng = Random(seed * 7919 + 17)
    hot = newest_first[:10]
    files, total_bytes, article_bytes, list_pages = 0, 0, 0, 0

    def write(path: str, data: bytes) -> None:
        nonlocal files, total_bytes
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files += 1
        total_bytes += len(data)

    write("robots.txt", ROBOTS)
    write("index.shtml", home_page(by_section))
    write("gywm/index.shtml", about_page(hot))
    for section in NEWS:
        entries = by_section[section]
        pages = max(1, -(-len(entries) // PER_PAGE))
        for page in range(pages):
            name = "index.shtml" if page == 0 else f"index_{page}.shtml"
            write(f"{section}/{name}", list_page(section, entries[page * PER_PAGE:(page + 1) * PER_PAGE],
                                                 page, pages, hot[:5], site_rng))
            list_pages += 1
    made_dirs: set[str] = set()
    for done, a in enumerate(every, 1):
        same = by_section[a.section]
        i = index_in_section[a.id]
        start = max(0, min(i - 15, len(same) - 31))
        neighbours = [n for n in same[start:start + 31] if n is not a]
        rank_rng = _rng(seed, a.number, 2)
        ranked = [every[rank_rng.randrange(len(every))] for _ in range(150)]
        hot_here = [every[rank_rng.randrange(len(every))] for _ in range(10)]
        data = article_page(a, seed, neighbours, hot_here, ranked)
        folder = a.path.rsplit("/", 1)[0]
        if folder not in made_dirs:
            (root / folder.lstrip("/")).mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        (root / a.path.lstrip("/")).write_bytes(data)
        files += 1
        total_bytes += len(data)
        article_bytes += len(data)
        if progress and done % 10_000 == 0:
            print(f"  {done:>7} articles  {time.perf_counter() - started:6.1f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    return {
        "root": str(root), "articles": articles, "seed": seed, "files": files, "list_pages": list_pages,
        "bytes": total_bytes, "article_bytes_mean": article_bytes / max(1, articles),
        "templates": {t: sum(a.template == t for a in every) for t in ("article-detail", "con")},
        "sections": {s: len(by_section[s]) for s in NEWS},
        # what a full crawl fetches: robots.txt, every list page, every article, 关于我们
        "crawl_urls": 1 + list_pages + articles + 1,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic_portal",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the mirror folder to write (its <host>/ folder is replaced)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = build(args.out, args.articles, args.seed)
    print(f"{result['articles']} articles, {result['list_pages']} list pages, {result['files']} files, "
          f"{result['bytes'] / 2**20:.0f} MiB (articles {result['article_bytes_mean'] / 1024:.1f} KB on average) "
          f"in {result['seconds']:.1f} s at {result['root']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
