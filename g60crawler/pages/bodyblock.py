"""The article's body on a page in an unknown template: the block of dense, punctuated prose.

Every block of text in the page scores its container: one point, one more per
Chinese or Western sentence punctuation mark (，。；：！？), up to three for its length;
link text scores nothing. The container scores in full and its parent half (so a
body split into sections still wins as a whole), and the winner is the container
with the highest score times the share of its text that is not link text: a box
of short links (recommendations, related headlines, navigation) loses to a short
article, and a whole page loses to the block of prose inside it; a block with a
link for every other paragraph (a list of teasers with summaries) keeps a quarter. One pass over
the tree, no copy of it: cheaper than gne, which serialises every node.

The chosen block's paragraphs then lose what a reader does not read as the
article at their edges (:func:`trim_paragraphs`): a breadcrumb, the headline
again, a date/source line before; 上一篇/下一篇, a related list, share bars,
print/close links and copyright lines after.
"""

from __future__ import annotations

import re

from ..normalize import clean_text
from .blocks import is_widget

_SKIP = frozenset("script style noscript iframe button form select input textarea object embed svg canvas "
                  "template audio video head header footer nav aside".split())
_INLINE = frozenset("a span font strong b em i u small big sub sup label abbr cite code q s strike "
                    "mark ins del tt var".split())
_PARAGRAPH = frozenset("p li dd dt h1 h2 h3 h4 h5 h6 blockquote pre center figcaption".split())
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|foot|copyright|sidebar|breadcrumb|crumbs?|"
                     r"position|location|weizhi|login|search|ad|ads|advert)(?:$|[\s_-])", re.I)
_PUNCT = frozenset("，。；：！？、,;!?")
MIN_TEXT = 10
#: The score left to a block with a link for every other paragraph or more (a list of teasers).
LIST_PENALTY = 0.25


class _Stats:
    __slots__ = ("text", "link", "score", "paras", "links")

    def __init__(self) -> None:
        self.text = 0
        self.link = 0
        self.score = 0.0
        self.paras = 0  # blocks of prose in the subtree
        self.links = 0  # links in the subtree


def _skipped(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None or tag in _SKIP:
        return True
    classes = f"{el.get('class', '')} {el.get('id', '')}"
    return classes != " " and (is_widget(el) or bool(_CHROME.search(classes)))


def find_body(root):
    """The element holding the article's body, or None if the page has no prose.

    :param root: the page's lxml root.
    """
    marked = root.xpath("//*[@itemprop='articleBody']")
    if marked:
        return marked[0]
    bodies = root.xpath("//body")
    start = bodies[0] if bodies else root
    stats: dict = {}
    order = []  # preorder of kept elements
    stack = [start]
    while stack:
        el = stack.pop()
        order.append(el)
        stats[el] = _Stats()
        stack.extend(c for c in reversed(el) if not _skipped(c))
    for el in reversed(order):  # children before parents
        st = stats[el]
        own = _own_text(el)
        n = len(own)
        in_link = el.tag == "a" or (el.getparent() is not None and el.getparent().tag == "a")
        st.text += n
        if in_link:
            st.link += n
        if el.tag == "a" and el.get("href"):
            st.links += 1
        if n >= MIN_TEXT and not in_link:
            st.paras += 1
        parent = el.getparent()
        if parent is not None and parent in stats and el is not start:
            ps = stats[parent]
            ps.text += st.text
            ps.link += st.link
            ps.paras += st.paras
            ps.links += st.links
        if n >= MIN_TEXT and not in_link:
            owner = el
            while owner.tag in _INLINE and owner.getparent() is not None and owner.getparent() in stats:
                owner = owner.getparent()
            points = 1 + sum(c in _PUNCT for c in own) + min(n / 100, 3)
            if owner.tag in _PARAGRAPH and owner is not start and owner.getparent() in stats:
                owner = owner.getparent()  # a paragraph scores its container, not itself
            stats[owner].score += points
            up = owner.getparent() if owner is not start else None
            if up is not None and up in stats:
                stats[up].score += points / 2
    best, best_score = None, 0.0
    for el in order:
        st = stats[el]
        if st.score <= 0 or el.tag in _INLINE or not st.text:
            continue
        score = st.score * (1 - st.link / st.text)
        if st.links >= 3 and st.links * 2 >= st.paras:
            score *= LIST_PENALTY  # an item per link: a list of other articles, not one article
        if score > best_score:
            best, best_score = el, score
    return best


def _own_text(el) -> str:
    """An element's own text: its text and its children's tails, without whitespace."""
    parts = [el.text or ""]
    parts.extend(c.tail or "" for c in el)
    return "".join("".join(parts).split())


_BREADCRUMB = re.compile(r"^(?:您|你)?(?:现在)?(?:所在|当前)的?(?:位置|栏目)|^当前位置|^位置\s*[:：]|^首页\s*[>»›/]|[>»›]\s*正文$")
_META_LINE = re.compile(r"来源|发布|作者|浏览|点击|阅读|字号|时间|日期|编辑|供稿|打印|分享")
_DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2})?")
_TAIL_LINE = re.compile(
    r"^\s*[【\[(（]?\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇|相关(?:新闻|阅读|文章|链接|报道|信息|推荐)|"
    r"推荐阅读|延伸阅读|热点(?:新闻|推荐)|热门(?:新闻|文章)|猜你喜欢|更多(?:新闻|阅读)|分享到|分享：|打印|关闭|"
    r"返回顶部|【?打印本页|关闭窗口|收藏|扫一扫|版权所有|Copyright|©|网站标识码|ICP备|京公网安备|主办单位|"
    r"联系我们|网站地图|总?监\s*制\s*[:：]|审\s*读\s*[:：]|校\s*对\s*[:：])", re.I)
_LIST_HEADING = re.compile(r"^(?:相关|推荐|延伸|热点|热门|更多|猜你喜欢|往期|最新)")
_MAX_BOILERPLATE = 120
_SENTENCE_END = re.compile(r"[。！？!?…]")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chrome_word(text: str) -> bool:
    """A short line with no Chinese in a Chinese body: a player's or widget's label (Play Video, ``]``)."""
    return len(text) <= 20 and not _CJK.search(text)


def _is_list_entry(text: str) -> bool:
    """A line of a list of other articles: a short headline with a date, no sentence."""
    return len(text) <= 80 and bool(_DATE.search(text)) and not _SENTENCE_END.search(text)


def trim_paragraphs(paragraphs: list[str], headline: str | None) -> list[str]:
    """The paragraphs without the page furniture at their start and end.

    :param paragraphs: the body block's paragraphs, in order.
    :param headline: the page's headline (dropped when it starts the body).
    """
    head = clean_text(headline)
    start = 0
    while start < len(paragraphs):
        p = paragraphs[start]
        if len(p) > _MAX_BOILERPLATE and not (head and p.startswith(head) and not _SENTENCE_END.search(p)):
            break
        if _BREADCRUMB.search(p) or _chrome_word(p) or (head and ((len(p) >= 4 and p in head) or (p.startswith(head) and not _SENTENCE_END.search(p[len(head):])))) \
                or (_META_LINE.search(p) and _DATE.search(p) and not _SENTENCE_END.search(p)) \
                or _TAIL_LINE.search(p):
            start += 1
            continue
        break
    end = len(paragraphs)
    while end > start:
        p = paragraphs[end - 1]
        if len(p) <= _MAX_BOILERPLATE and (_TAIL_LINE.search(p) or _is_list_entry(p) or _chrome_word(p)
                                           or (_LIST_HEADING.search(p) and len(p) <= 12)):
            end -= 1
            continue
        break
    # a related list after the first paragraph: a short list heading followed by lines with no sentence
    for i in range(end - 1, start, -1):
        p = paragraphs[i]
        if len(p) <= 12 and _LIST_HEADING.search(p) and i + 1 < end \
                and not any(_SENTENCE_END.search(q) for q in paragraphs[i + 1:end]):
            end = i
            break
    return paragraphs[start:end]
