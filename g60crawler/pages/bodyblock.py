"""The article's body on a page in an unknown template: the block of dense, punctuated prose.

Every block of text in the page scores its container: one point, one more per
Chinese or Western sentence punctuation mark (，。；：！？), up to three for its length;
link text scores nothing. The container scores in full and its parent half (so a
body split into sections still wins as a whole), and the winner is the container
with the highest score times the share of its text that is not link text: a box
of short links (recommendations, related headlines, navigation) loses to a short
article, and a whole page loses to the block of prose inside it; a block with a
link for every other paragraph (a list of teasers with summaries) keeps a quarter (links to
attachments, in a table or inside a sentence are no teasers). Prose in a promotion box
(recommend, hot, rank, side, or a 精彩推荐 heading first) and prose far from the headline count
for less; a block with no sentence (a date/source line) keeps a tenth. One pass over
the tree, no copy of it: cheaper than gne, which serialises every node.

The chosen block's paragraphs then lose what a reader does not read as the
article at their edges (:func:`trim_paragraphs`): a breadcrumb, the headline
again, a date/source line before; 上一篇/下一篇, a related list, share bars,
print/close links and copyright lines after.
"""

from __future__ import annotations

import copy
import re

from .. import labels
from ..normalize import clean_text
from .blocks import ATTACHMENT_EXT, is_widget

_SKIP = frozenset("script style noscript iframe button form select input textarea object embed svg canvas "
                  "template audio video head header footer nav aside".split())
_INLINE = frozenset("a span font strong b em i u small big sub sup label abbr cite code q s strike "
                    "mark ins del tt var".split())
_PARAGRAPH = frozenset("p li dd dt h1 h2 h3 h4 h5 h6 blockquote pre center figcaption".split())
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|foot|copyright|sidebar|breadcrumb|crumbs?|"
                     r"position|location|weizhi|login|search|ad|ads|advert|promo|promotion)(?:$|[\s_-])", re.I)
_PUNCT = frozenset("，。；：！？、,;!?")
MIN_TEXT = 10
#: The score left to a block with a link for every other paragraph or more (a list of teasers).
LIST_PENALTY = 0.25


class _Stats:
    __slots__ = ("text", "link", "score", "paras", "links", "sentences")

    def __init__(self) -> None:
        self.text = 0
        self.link = 0
        self.score = 0.0
        self.paras = 0  # blocks of prose in the subtree
        self.links = 0  # links to other pages, each the whole of its line, in the subtree
        self.sentences = 0  # sentence ends outside links in the subtree


def _skipped(el, page_text: int) -> bool:
    """True for what is not read: scripts, header/nav/footer tags, widgets and elements whose class
    says navigation, sidebar, footer or advert, unless they hold more than half the page's text
    (a wrapper of the whole layout: ``div.container.int-nav``).

    :param el: an element.
    :param page_text: the length of the page's text.
    """
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None or tag in _SKIP:
        return True
    return _chrome(el) and len(el.text_content()) * 2 <= page_text


def _chrome(el) -> bool:
    """True if an element's class or id says widget, navigation, sidebar, footer, advert or media player."""
    classes = f"{el.get('class', '')} {el.get('id', '')}"
    return classes != " " and (is_widget(el) or bool(_CHROME.search(classes)) or "player" in classes.lower())


#: A class or id that says the block is a promotion: recommendations, hot lists, rankings, side columns.
_PROMO = re.compile(r"(?:^|[\s_-])(?:recommend\w*|tuijian|tj|hot\w*|rank\w*|side\w*|promo\w*|aside)(?:$|[\s_-])", re.I)
#: The share of its points a paragraph keeps inside a promotion box (class, or a 精彩推荐 heading first).
PROMO_WEIGHT = 0.1
#: The score left to a block with no sentence (。！？) in it: a date/source line, a caption.
NO_SENTENCE_WEIGHT = 0.1
#: Elements, in document order, between the headline and a block that cost nothing (a date line, a
#: share bar, a lead image), and how many more halve its score: a box far from the headline loses.
NEAR_FREE = 30
NEAR_SPAN = 30
_HEADLINE_TAGS = "//body//*[self::h1 or self::h2 or self::h3 or contains(@class, 'title')][position() <= 60]"
_TEASER_PARENT_PUNCT = frozenset("，。；！？,;!?")


def _headline_anchor(root):
    """The heading that agrees with the ``<title>`` (its start, or the whole of it), or None."""
    titles = root.xpath("//title")
    title = clean_text(titles[0].text_content()) if titles else ""
    if not title:
        return None
    for el in root.xpath(_HEADLINE_TAGS):
        text = clean_text(el.text_content())
        if len(text) >= 4 and (title.startswith(text) or text.startswith(title)) and len(text) <= 200:
            return el
    return None


def _promo(el) -> bool:
    """True if an element's class or id, or a short heading first in it (精彩推荐), says promotion."""
    if el.tag == "aside" or _PROMO.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return True
    first = next((c for c in el if isinstance(c.tag, str)), None)
    if first is None or first.tag in ("p", "a", "li") or len(first):
        return False
    text = clean_text(first.text_content())
    return len(text) <= 12 and bool(_LIST_HEADING.search(text))


def _teaser_link(a) -> bool:
    """True for a link that is an item of a list of other pages: not an attachment, not in a
    table row, not inside a sentence of its line."""
    href = (a.get("href") or "").split("?", 1)[0].split("#", 1)[0]
    if not _goes_somewhere(a.get("href")) or ATTACHMENT_EXT.search(href):
        return False
    parent = a.getparent()
    if parent is None:
        return True
    if parent.tag in ("td", "th") or any(p.tag in ("td", "th") for p in parent.iterancestors()):
        return False
    return not any(c in _TEASER_PARENT_PUNCT for c in _own_text(parent))


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
    promo: dict = {}
    anchor = _headline_anchor(root)
    holds_headline = set(anchor.iterancestors()) if anchor is not None else set()
    page_text = len(start.text_content())
    stack = [start]
    while stack:
        el = stack.pop()
        order.append(el)
        stats[el] = _Stats()
        parent = el.getparent()
        promo[el] = (parent is not None and promo.get(parent, False)) or (
            el is not start and el not in holds_headline and _promo(el))  # not the article's wrapper
        stack.extend(c for c in reversed(el) if not _skipped(c, page_text))
    index = {el: i for i, el in enumerate(order)}
    anchor_at = index.get(anchor)
    for el in reversed(order):  # children before parents
        st = stats[el]
        own = _own_text(el)
        n = len(own)
        in_link = el.tag == "a" or (el.getparent() is not None and el.getparent().tag == "a")
        st.text += n
        if in_link:
            st.link += n
        if el.tag == "a" and st.text and _teaser_link(el):
            st.links += 1  # a control (javascript:, #), an attachment or an icon is not an item of a list
        if n >= MIN_TEXT and not in_link:
            st.paras += 1
        if not in_link:
            st.sentences += sum(c in "。！？!?" for c in own)
        parent = el.getparent()
        if parent is not None and parent in stats and el is not start:
            ps = stats[parent]
            ps.text += st.text
            ps.link += st.link
            ps.paras += st.paras
            ps.links += st.links
            ps.sentences += st.sentences
        if n >= MIN_TEXT and not in_link and el is not anchor:  # the headline is not prose of the body
            owner = el
            while owner.tag in _INLINE and owner.getparent() is not None and owner.getparent() in stats:
                owner = owner.getparent()
            points = 1 + sum(c in _PUNCT for c in own) + min(n / 100, 3)
            if promo[el]:
                points *= PROMO_WEIGHT
            if anchor_at is not None:  # prose far from the headline counts for less, in any container
                points /= 1 + max(0, abs(index[el] - anchor_at) - NEAR_FREE) / NEAR_SPAN
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
        if not st.sentences:
            score *= NO_SENTENCE_WEIGHT  # a date/source line never wins over a block of prose
        if score > best_score:
            best, best_score = el, score
    return best


#: A box is links for at least this share of its text (a recommendation box, a related list, an advert).
LINK_BOX_SHARE = 0.5
#: A block of this many links and no sentence outside them is a list, however long its dates.
LIST_LINKS = 3


def body_copy(body):
    """A copy of the body element as read: with the lead paragraphs just before it, without the
    chrome and the boxes of link lines inside it.

    Comments go, their text after them kept. A lead (chapo, 导语) is a ``<p>`` of prose right before the body's container, beside it.
    Chrome is what :func:`find_body` does not read (an ad slot, a promotion box). A box is
    a block (not a paragraph's inline markup) holding two links or more whose text is
    mostly link text (or three links or more), with no sentence outside its links, no
    image and no attachment: a recommendation box (``理财：<a>…</a> <a>…</a>``), a related
    list with dates, an advert. The article's own paragraphs have sentences of their own;
    a box inside one is kept with it (only the outermost box goes).

    :param body: the body element (left unchanged).
    """
    leads = _leads(body)
    if leads:
        wrapper = body.makeelement("div", {})
        for el in leads:
            wrapper.append(copy.deepcopy(el))
        wrapper[-1].tail = None
        wrapper.append(copy.deepcopy(body))
        body = wrapper
    else:
        body = copy.deepcopy(body)
    for el in [el for el in body.iterdescendants() if not isinstance(el.tag, str) or
               (el.tag not in _SKIP and _chrome(el))]:
        if el.getparent() is not None:
            _drop(el)  # comments go too, their tails kept (谷歌 in <a><!--kw-->谷歌</a>)
    order = [el for el in body.iter() if isinstance(el.tag, str)]
    text: dict = {}
    link: dict = {}
    links: dict = {}
    prose: dict = {}  # a sentence end in text outside links
    skipped = set()
    for el in order:
        parent = el.getparent()
        if el.tag in _SKIP or el.tag == "img" or (parent is not None and parent in skipped):
            skipped.add(el)
    for el in reversed(order):
        if el in skipped:
            continue
        own = _own_text(el)
        in_link = any(a.tag == "a" for a in el.iterancestors()) or el.tag == "a"
        text[el] = text.get(el, 0) + len(own)
        link[el] = link.get(el, 0) + (len(own) if in_link else 0)
        links[el] = links.get(el, 0) + (1 if el.tag == "a" and el.get("href") else 0)
        prose[el] = prose.get(el, False) or (not in_link and bool(_SENTENCE_END.search(own)))
        parent = el.getparent()
        if parent is not None and el is not body:
            text[parent] = text.get(parent, 0) + text[el]
            link[parent] = link.get(parent, 0) + link[el]
            links[parent] = links.get(parent, 0) + links[el]
            prose[parent] = prose.get(parent, False) or prose[el]
    boxes = []
    stack = [c for c in body if c in text]
    while stack:
        el = stack.pop()
        if el.tag not in _INLINE and links[el] >= 2 and not prose[el] and text[el] \
                and (links[el] >= LIST_LINKS or link[el] >= LINK_BOX_SHARE * text[el]) \
                and el.find(".//img") is None and not _has_attachment(el):
            boxes.append(el)
            continue
        stack.extend(c for c in el if c in text)
    for el in boxes:
        _drop(el)
    return body


#: Lead paragraphs looked for before the body's container.
MAX_LEADS = 3
MIN_LEAD = 20


def _leads(body) -> list:
    """The prose paragraphs right before the body's container, in order (a chapo beside the body)."""
    found = []
    prev = body.getprevious()
    while prev is not None and len(found) < MAX_LEADS:
        if not isinstance(prev.tag, str) or prev.tag in _SKIP or not clean_text(prev.text_content()):
            prev = prev.getprevious()
            continue
        text = clean_text(prev.text_content())
        if prev.tag != "p" or len(text) < MIN_LEAD or not _SENTENCE_END.search(text) \
                or prev.find(".//a") is not None or _chrome(prev):
            break
        found.append(prev)
        prev = prev.getprevious()
    return found[::-1]


def _has_attachment(el) -> bool:
    return any(ATTACHMENT_EXT.search((a.get("href") or "").split("?", 1)[0]) for a in el.iter("a"))


def _drop(el) -> None:
    """Remove an element from its tree, keeping its tail text."""
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _goes_somewhere(href: str | None) -> bool:
    """True for a link to another page (not ``#``, ``javascript:``, or none)."""
    href = (href or "").strip()
    return bool(href) and not href.startswith("#") and not href.lower().startswith("javascript:")


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
#: The site speaking to its reader after the text: download the app, follow the account, subscribe, join.
_READER_NOTICE = re.compile(
    r"(?:下载|下載).{0,15}(?:客户端|客戶端|应用|應用|APP)|(?:关注|關注).{0,15}(?:公众号|公眾號|微信|微博|账号|帳號)|"
    r"扫码|掃碼|(?:订阅|訂閱).{0,15}(?:新闻|新聞|频道|頻道|信|邮件|郵件)|(?:付费|付費|加入).{0,10}(?:会员|會員)", re.I)
MAX_NOTICE = 80
#: A rights notice: reprinting forbidden or conditional, rights reserved.
_RIGHTS_NOTICE = re.compile(
    r"未经.{0,12}(?:授权|许可|同意).{0,12}(?:不得|禁止|严禁|请勿)|(?:不得|禁止|严禁|谢绝|请勿)(?:任何)?.{0,8}(?:转载|轉載)|"
    r"(?:转载|轉載).{0,8}(?:请|須|须|务|應|应|時|时).{0,8}(?:注明|註明|联系|聯繫|获得|獲得)|"
    r"版权(?:所有|归|属于|声明)|版權(?:所有|歸|屬於|聲明)|侵权必究|侵權必究")
#: A staff credit after the text (原标题：…, 出品︱…, 作者︱…); 编辑 lines are left for assemble to read.
_CREDIT = re.compile(r"^[【\[(（]?\s*(?:原标题|原標題|出品|作者|撰文|文字|图文|圖文|图片|圖片|摄影|攝影|策划|策劃|统筹|統籌|"
                     r"制作|製作|设计|設計|美编|美編|编译|編譯|翻译|翻譯|审核|審核|终审|終審|实习生|實習生|通讯员|通訊員)"
                     r"\s*[:：︱|｜丨/]")
MAX_CREDIT = 40
#: A label with nothing after it (责任编辑：).
_EMPTY_LABEL = re.compile(r"^[【\[(（]?\s*(?:责任编辑|責任編輯|编辑|編輯|责编|責編|来源|來源|作者)\s*[:：]?\s*[】\])）]?$")
#: Links to the page's own actions (print, close, comment, back to top) anywhere in a short line.
_ACTIONS = re.compile(r"打印|列印|关闭(?:窗口|本页)|關閉(?:視窗|窗口)|返回(?:顶部|頂部|页首|頁首|首页|首頁|列表|上一?页)|"
                      r"发表评论|發表評論|我要评论|发送给朋友|推荐给朋友|收藏本[文页]|字号")
MAX_ACTIONS = 30
_LIST_HEADING = re.compile(r"^(?:相关|推荐|延伸|热点|热门|更多|猜你喜欢|往期|最新)|推荐$")
_MAX_BOILERPLATE = 120
_SENTENCE_END = re.compile(r"[。！？!?…]")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chrome_word(text: str) -> bool:
    """A short line with no Chinese in a Chinese body: a player's or widget's label (Play Video, ``]``)."""
    return len(text) <= 20 and not _CJK.search(text)


def _is_list_entry(text: str) -> bool:
    """A line of a list of other articles: a short headline with a date, no sentence."""
    return len(text) <= 80 and bool(_DATE.search(text)) and not _SENTENCE_END.search(text)


def _tail_furniture(text: str) -> bool:
    """A line after the text that is not the article: a rights notice, a staff credit, an empty
    label, a row of action links."""
    if len(text) <= _MAX_BOILERPLATE and _RIGHTS_NOTICE.search(text):
        return True
    if len(text) <= MAX_CREDIT and (_CREDIT.search(text) or _EMPTY_LABEL.match(text)):
        return True
    return len(text) <= MAX_ACTIONS and bool(_ACTIONS.search(text)) and not _SENTENCE_END.search(text)


#: A photo caption: ends in a photo credit (…供图, （记者 张三 摄）) or starts as one (图为…).
_CAPTION = re.compile(r"(?:供图|供圖|(?<!拍)摄|(?<!拍)攝|摄影|攝影|资料图|資料圖|资料照片|資料照片|图片来源[:：][^，。]*)\s*[)）]?$|"
                      r"^(?:图为|圖為|图片[:：]|图[:：]|圖[:：]|▲)")
MAX_CAPTION = 80
#: A credit before the text, kept: a byline, a source or editor label, a dateline (…电, …讯, …报道).
_LEAD_CREDIT = re.compile(r"记者|通讯员|通訊員|作者|来源|來源|编辑|編輯|(?:[电電]|[讯訊]|报道|報導)$")
#: A line with one of these is a sentence, not a heading.
_CLAUSE = re.compile(r"[，,。；;、…]")
MAX_HEADING_LINE = 40
#: A line that is prose however short: it ends in sentence punctuation or a colon (各有关单位：),
#: or starts with an interview's label (问：, 答：, Q:, A1:).
_PROSE_LINE = re.compile(r"[。？！…?!：:]\s*[”’」』）)]?$|^[【\[(（]?(?:问|答|[QqAa]\d*)\s*[】\])）]?\s*[:：]")
#: Lines looked at before the first sentence.
MAX_LEAD_LINES = 8


def _before_first_sentence(paragraphs: list[str], start: int) -> set[int]:
    """Indexes of the lines before the first sentence that are not the article: a deck of
    subheads (short, no clause, no sentence end, no 问/答 label), photo captions, a summary box that the text repeats later.
    Bylines and datelines stay; nothing goes when no sentence follows.

    :param paragraphs: the body's paragraphs.
    :param start: the first paragraph after the breadcrumb, headline and date lines.
    """
    dropped: set[int] = set()
    for i in range(start, min(len(paragraphs), start + MAX_LEAD_LINES)):
        p = paragraphs[i]
        if len(p) <= MAX_CAPTION and _CAPTION.search(p):
            dropped.add(i)
        elif p in paragraphs[i + 1:]:
            dropped.add(i)  # a summary box: the text repeats it
        elif labels.is_byline(p) or (len(p) <= MAX_HEADING_LINE and _LEAD_CREDIT.search(p)):
            continue
        elif _PROSE_LINE.search(p):
            return dropped  # the first sentence: a question, an exclamation, an interview's label, a salutation
        elif len(p) <= MAX_HEADING_LINE and not _CLAUSE.search(p):
            dropped.add(i)
        else:
            return dropped
    return set()


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
    dropped = _before_first_sentence(paragraphs, start)
    end = len(paragraphs)
    editor_lines: list[str] = []  # kept after the text for assemble to read, what stands before them trimmed
    while end > start:
        p = paragraphs[end - 1]
        if labels.parse_editor(p):
            editor_lines.insert(0, p)
            end -= 1
            continue
        if (len(p) <= MAX_NOTICE and _READER_NOTICE.search(p)) or _tail_furniture(p):
            end -= 1
            continue
        if len(p) <= _MAX_BOILERPLATE and (_TAIL_LINE.search(p) or _is_list_entry(p) or _chrome_word(p)
                                           or (_LIST_HEADING.search(p) and len(p) <= 12)):
            end -= 1
            continue
        break
    # a related list after the first paragraph: a short list heading followed by lines with no sentence
    # (walked back from the end, stopping at the first sentence: linear in the lines)
    for i in range(end - 1, start, -1):
        p = paragraphs[i]
        if len(p) <= 12 and _LIST_HEADING.search(p) and i + 1 < end:
            end = i
            break
        if _SENTENCE_END.search(p):
            break
    return [p for i, p in enumerate(paragraphs[start:end], start) if i not in dropped] + editor_lines
