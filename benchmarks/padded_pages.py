"""Article pages at the size of real portal pages: the same article inside 60–200 KB of page chrome.

Real pages of the portal carry far more around the article than the saved
fixtures do: a mega-menu of hundreds of links, inline CSS and scripts, side
boxes of headlines (hot, related, ranked), a footer of partner links. :func:`pad`
puts such chrome, generated from a seed, around a page's own markup, outside
its article column: the article's fields are the same, only the page is bigger.

    python -m benchmarks.padded_pages PAGE [--seed 1]   # writes PAGE's padded copy to stdout
"""

from __future__ import annotations

import argparse
import re
import sys
from random import Random

from g60crawler.pages.decode import decode_html

MIN_KB, MAX_KB = 60, 200

_WORDS = (
    "长三角", "G60", "科创走廊", "松江", "嘉兴", "杭州", "金华", "苏州", "湖州", "宣城", "芜湖", "合肥",
    "产业", "协同", "创新", "集群", "人工智能", "集成电路", "生物医药", "新能源", "新材料", "高端装备",
    "发展", "合作", "签约", "项目", "园区", "峰会", "论坛", "开幕", "举办", "推进", "会议", "联盟",
    "政策", "人才", "服务", "企业", "科技", "成果", "转化", "基金", "投资", "数字经济", "营商环境",
    "一体化", "高质量", "示范区", "建设", "启动", "落地", "摘得", "金奖", "发布", "年度", "报告",
)
_SECTIONS = ("首页", "要闻", "时政", "经济", "产业", "科技", "金融", "能源", "环保", "教育", "文化", "健康",
             "地方", "评论", "图片", "视频", "专题", "数据", "智库", "招商", "人才", "政务", "公益", "国际")
_CSS_PROPS = ("margin", "padding", "font-size", "line-height", "color", "background", "border",
              "width", "height", "display", "float", "overflow", "position", "text-align")


def _headline(rng: Random) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9)))


def _href(rng: Random) -> str:
    # ids 15xxxxx: never one of the fixtures' or the synthetic portal's article numbers (16xxxxx)
    section = rng.choice(("g60zx", "sjxw", "jcfc", "zcfw", "cytz", "news", "local"))
    return (f"/{section}/{rng.randint(2019, 2024)}/{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}/"
            f"{rng.randint(1500000, 1599999)}.shtml")


def _style(rng: Random, rules: int) -> str:
    lines = []
    for i in range(rules):
        selector = f".g-{rng.choice(('nav', 'side', 'foot', 'hd', 'box', 'list'))}-{i} {rng.choice(('a', 'li', 'span', 'ul', 'h3'))}"
        props = "; ".join(f"{rng.choice(_CSS_PROPS)}: {rng.randint(0, 40)}px" for _ in range(rng.randint(2, 6)))
        lines.append(f"{selector} {{ {props}; }}")
    return '<style type="text/css">\n' + "\n".join(lines) + "\n</style>\n"


def _script(rng: Random, entries: int) -> str:
    menu = ",".join(f'{{"id":{rng.randint(1, 99999)},"name":"{_headline(rng)}","url":"{_href(rng)}"}}'
                    for _ in range(entries))
    return ('<script type="text/javascript">\nvar siteMenu = [' + menu + '];\n'
            "(function () { var el = document.getElementById('g-nav'); if (!el) return;\n"
            "  for (var i = 0; i < siteMenu.length; i++) { if (siteMenu[i].url.indexOf('<') >= 0) continue; }\n"
            "  if (window.console && i > 3) { console.log('menu ' + i); } })();\n</script>\n")


def _links(rng: Random, count: int, dated: bool = False) -> str:
    items = []
    for _ in range(count):
        when = f'<span class="time">{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span>' if dated else ""
        items.append(f'<li><a href="{_href(rng)}" target="_blank" title="{_headline(rng)}">{_headline(rng)}</a>{when}</li>')
    return "\n".join(items)


def _nav(rng: Random, groups: int) -> str:
    menus = []
    for g in range(groups):
        name = _SECTIONS[g % len(_SECTIONS)]
        menus.append(f'<li class="g-nav-item"><a href="/{g}/">{name}</a>\n<div class="g-nav-sub"><ul>\n'
                     f"{_links(rng, rng.randint(8, 20))}\n</ul></div></li>")
    return ('<div class="g-topbar"><div class="g-wrap"><a href="/">网站首页</a> | <a href="/login/">登录</a> | '
            '<a href="/reg/">注册</a></div></div>\n<div id="g-nav" class="g-nav"><ul class="g-nav-list">\n'
            + "\n".join(menus) + "\n</ul></div>\n")


def _side(rng: Random, boxes: int) -> str:
    out = []
    for b in range(boxes):
        title = rng.choice(("热点推荐", "相关链接", "点击排行", "图片新闻", "专题聚焦", "推荐阅读"))
        out.append(f'<div class="g-side-box g-side-{b}"><h3>{title}</h3><ul>\n'
                   f"{_links(rng, rng.randint(10, 25), dated=rng.random() < 0.5)}\n</ul></div>")
    return '<div class="g-side">\n' + "\n".join(out) + "\n</div>\n"


def _footer(rng: Random, partners: int) -> str:
    friends = " ".join(f'<a href="http://www.{rng.randint(100, 999)}.example.cn/" target="_blank">{_headline(rng)[:8]}网</a>'
                       for _ in range(partners))
    return ('<div class="g-footer"><div class="g-friends"><h4>友情链接</h4>' + friends + "</div>\n"
            "<p>版权所有 中国发展网　京ICP备05080913号　京公网安备11010202007624号</p>\n"
            "<p>地址：北京市西城区月坛北街甲2号　邮编：100045　电话：010-68314866</p></div>\n")


_HEAD_END = re.compile(r"</head\s*>", re.I)
_BODY_START = re.compile(r"<body\b[^>]*>", re.I)
_BODY_END = re.compile(r"</body\s*>", re.I)


def chrome(seed: int, size: int) -> tuple[str, str, str]:
    """(head, top, bottom) chrome of about ``size`` characters in all, the same for the same seed.

    :param seed: seeds every draw.
    :param size: the characters to aim for (the menu, boxes and footer grow to it).
    """
    rng = Random(seed)
    head = _style(rng, rng.randint(150, 300)) + _script(rng, rng.randint(40, 80))
    top = _nav(rng, rng.randint(12, 24))
    bottom = _side(rng, rng.randint(3, 6)) + _footer(rng, rng.randint(40, 80))
    bottom += _script(rng, rng.randint(10, 30))
    while len(head) + len(top) + len(bottom) < size:  # more menu groups, boxes, scripts until the size is reached
        part = rng.randrange(3)
        if part == 0:
            top += _nav(rng, 4)
        elif part == 1:
            bottom = _side(rng, 2) + bottom
        else:
            head += _style(rng, 60)
    return head, top, bottom


def pad(body: bytes, seed: int, kb: int | None = None) -> bytes:
    """The page with chrome around its own markup, in its own encoding: 60–200 KB (or about ``kb``).

    The head gets styles and scripts, the body a menu at its start and side boxes, a footer and
    scripts at its end: outside the article's column, whatever the page's template.

    :param body: the page's bytes.
    :param seed: seeds the chrome and, without ``kb``, its size.
    :param kb: the size to aim for, in KB; drawn between 60 and 200 when None.
    """
    text, encoding = decode_html(body)
    target = (kb if kb is not None else Random(seed * 31 + 7).randint(MIN_KB, MAX_KB)) * 1024
    # the chrome is ASCII and CJK: in GB18030 or UTF-8 about 2 bytes a character on average
    head, top, bottom = chrome(seed, max(0, (target - len(body)) * 2 // 3))
    m = _HEAD_END.search(text)
    text = text[: m.start()] + head + text[m.start():] if m else head + text
    m = _BODY_START.search(text)
    text = text[: m.end()] + top + text[m.end():] if m else top + text
    ends = list(_BODY_END.finditer(text))
    text = text[: ends[-1].start()] + bottom + text[ends[-1].start():] if ends else text + bottom
    return text.encode(encoding, errors="xmlcharrefreplace")


def synthetic_article_pages(count: int, seed: int = 1) -> list[tuple[str, bytes]]:
    """(URL, bytes) of ``count`` synthetic portal articles (both templates), built in memory.

    :param count: how many articles.
    :param seed: the synthetic portal's seed.
    """
    from benchmarks import synthetic_portal

    every = synthetic_portal.plan(count, seed)
    pages = []
    for i, a in enumerate(every):
        others = every[:i] + every[i + 1:]
        page = synthetic_portal.article_page(a, seed, others[:30], others[:10], others * 5)
        pages.append((f"http://{synthetic_portal.portal.HOST}{a.path}", page))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.padded_pages", description=__doc__.split("\n")[0])
    parser.add_argument("page", type=argparse.FileType("rb"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kb", type=int, default=None)
    args = parser.parse_args(argv)
    sys.stdout.buffer.write(pad(args.page.read(), args.seed, args.kb))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
