"""The headline of a page in an unknown template: the candidate the page agrees on most.

Candidates come from three sources: the ``<title>``, the meta titles (og:title,
twitter:title, ArticleTitle, a JSON-LD ``headline``) and the headings (h1-h3 and
elements whose class or id says title/headline). Each loses its site suffix
(``标题_频道_某某市人民政府``, ``标题 东区办事处``, joined by ``_ - | — ——`` or a space)
and the one that most sources agree with wins, the heading nearest before the
body breaking ties. The site's name is what the page says it is elsewhere
(og:site_name, the logo, the copyright line, the last part of the ``<title>``);
a heading equal to it, or inside the page header or logo, is not a headline.
"""

from __future__ import annotations

import json
import re

from ..normalize import clean_text

#: Separators between a headline and the site or channel names after it.
_SEPARATOR = re.compile(r"\s*(?:[_|｜丨·•]+|[-–—－―]+)\s*|\s+")
_STRONG_SEPARATOR = re.compile(r"\s*(?:[_|｜丨·•]+|[-–—－―]+)\s*")
#: The last word of a site's or channel's name.
_SITE_WORD = re.compile(r"(?:网|网站|门户|政府|频道|办事处|人民政府|官网|医院|大学|学院|委员会|办公室|街道|"
                        r"[局厅委院所馆会部处]|中心|集团|公司|协会|[Nn]ews|\.com|\.cn)$")
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|headline|biaoti|bt|tit|article-title|news_title)(?:$|[\s_-])|"
                          r"title|headline|biaoti", re.I)
_NOT_TITLE_CLASS = re.compile(r"sub-?title|fu-?title|site|logo|nav|menu|column|lanmu|channel", re.I)
_CHROME = re.compile(r"(?:^|[\s_-])(?:header|head|top|logo|nav|navbar|menu|banner|footer|foot|bottom|"
                     r"copyright|sidebar|side|breadcrumb|crumb|position|location|weizhi)(?:$|[\s_-])", re.I)
_COPYRIGHT = re.compile(
    r"(?:版权所有|主办单位|主办|Copyright|©|\(c\))\s*[:：]?\s*(?:©|\(c\))?\s*(?:(?:19|20)\d\d\s*(?:[-–]\s*(?:19|20)\d\d)?\s*)?"
    r"([\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9（）()]{1,30})", re.I)
_META_TITLES = (
    "//meta[@property='og:title']/@content", "//meta[@name='og:title']/@content",
    "//meta[@name='twitter:title']/@content", "//meta[@property='twitter:title']/@content",
    "//meta[@name='ArticleTitle']/@content", "//meta[@name='articletitle']/@content",
)
_SITE_METAS = ("//meta[@property='og:site_name']/@content", "//meta[@name='og:site_name']/@content",
               "//meta[@name='application-name']/@content", "//meta[@name='SiteName']/@content",
               "//meta[@name='sitename']/@content")
_HEADINGS = ("//body//*[self::h1 or self::h2 or self::h3 or "
             "((self::div or self::p or self::span or self::td or self::strong or self::font) and "
             "(contains(translate(@class, 'TITLEHADNBSU', 'titlehadnbsu'), 'title') or "
             "contains(translate(@class, 'TITLEHADNBSU', 'titlehadnbsu'), 'headline') or "
             "contains(translate(@class, 'TITLEHADNBSU', 'titlehadnbsu'), 'biaoti') or "
             "contains(translate(@id, 'TITLEHADNBSU', 'titlehadnbsu'), 'title') or "
             "@class='bt' or @class='tit'))]")
MIN_HEADLINE = 4
#: Short channel names taken off before a site name (``_商贸_产业资讯_新浪网``).
MAX_CHANNELS = 3
MAX_CHANNEL_NAME = 8
_TAG = re.compile(r"<[^>]*>")
#: A short text ending in one of these is a site's name (北医新闻网), not a headline.
_SITE_NAME = re.compile(r"^[^，。；：！？,;!?]{2,10}(?:网|网站|门户|门户网站|政府|频道|官网)$")
MAX_HEADLINE = 200
#: Headings looked at (a page listing thousands of headings is a list, not an article).
MAX_HEADINGS = 300


def site_names(root, title_tag: str | None) -> set[str]:
    """What the page calls its site: og:site_name, the logo's alt or text, the copyright holder,
    the last part of a ``<title>`` split by ``_ - |``.

    :param root: the page's lxml root.
    :param title_tag: the ``<title>`` text.
    """
    names: set[str] = set()
    for path in _SITE_METAS:
        names.update(clean_text(v) for v in root.xpath(path))
    for el in root.xpath("//body//*[contains(translate(@class, 'LOGO', 'logo'), 'logo') or "
                         "contains(translate(@id, 'LOGO', 'logo'), 'logo')][position() <= 10]"):
        names.add(clean_text(el.text_content()))
        names.update(clean_text(v) for v in el.xpath(".//img/@alt | .//img/@title | @title"))
    footer_text = " ".join(root.xpath("//body//text()[contains(., '版权') or contains(., 'opyright') "
                                      "or contains(., '©') or contains(., '主办')]")[-6:])
    for m in _COPYRIGHT.finditer(clean_text(footer_text)):
        names.add(m.group(1))
    parts = _STRONG_SEPARATOR.split(clean_text(title_tag))
    if len(parts) >= 2 and _reads_as_site(parts[-1], parts[0]):
        names.add(parts[-1])
    return {n for n in names if 2 <= len(n) <= 40}


#: The last word of a newspaper's or broadcaster's name.
_MEDIA_WORD = re.compile(r"(?:日报|晚报|早报|时报|商报|日報|晚報|時報|电视台|電視台|电台|電台|在线|在線|新闻|新聞)$")


def _reads_as_site(part: str, first: str) -> bool:
    """True if the last part of a ``<title>`` can be the site's or channel's name: no clause or
    quotation in it, and a word only sites end in (…人民政府, …日报) at its end, or as short as a channel's name, or shorter than
    the first part (not the headline after the site's name: ``某某县人民政府 | 某某县统计公报``)."""
    return not _has_punct(part) and (bool(_STRONG_SITE_WORD.search(part) or _MEDIA_WORD.search(part))
                                     or len(part) < len(first) or len(part) <= MAX_CHANNEL_NAME)


#: A last word that names a site whatever joins it to the headline (…人民政府, …门户网站).
_STRONG_SITE_WORD = re.compile(r"(?:网站|门户|门户网站|政府|人民政府|官网|频道|政府网|新闻网|[Nn]ews|\.com|\.cn)$")


def strip_site_suffix(text: str | None, names: set[str], words: bool = True) -> str:
    """A title without trailing parts that name the site or a channel, and without a leading ``站名：``.

    A trailing part goes with evidence: it is one of the site's names (or ends in one). Without
    it, a word list decides only when ``words``: a part after a space when it ends in a word only
    sites end in (…人民政府, …官网); a part after ``_ - |`` when it also ends in a broader site
    word (…局, …医院, …大学) and is shorter than what stands before it (``…落户浙江大学`` is a clause
    of the headline). Short channel names go before such a part.

    :param text: a title or heading.
    :param names: the site's names (:func:`site_names`).
    :param words: whether a word list alone may cut (False for a heading near the body).
    """
    text = clean_text(text)
    for name in names:
        if text.startswith(name) and text[len(name):len(name) + 1] in (":", "："):
            text = text[len(name) + 1:].strip()
    seps = list(_SEPARATOR.finditer(text))
    end = len(text)
    cut = end
    channel_room = MAX_CHANNELS
    for sep in reversed(seps):
        part = text[sep.end():cut]
        if sep.start() < MIN_HEADLINE:  # text is clean: what stands before the separator is the head
            break
        strong = bool(_STRONG_SEPARATOR.fullmatch(sep.group()))
        named = part in names or any(part.endswith(n) or n.endswith(part) and len(part) >= 4 for n in names)
        listed = words and len(part) <= 20 and not _has_punct(part) and (
            bool(_STRONG_SITE_WORD.search(part))
            or (strong and bool(_SITE_WORD.search(part)) and len(part) < sep.start()))
        if named or listed:
            cut = sep.start()
            continue
        if cut < end and channel_room and len(part) <= MAX_CHANNEL_NAME and not _has_punct(part) and strong:
            channel_room -= 1  # 标题_今日芜湖_芜湖市人民政府, 标题__商贸_产业资讯_新浪网: channels before the site
            cut = sep.start()
            continue
        break
    return text[:cut].strip()


def _has_punct(text: str) -> bool:
    return any(c in "，。；：！？,;!?、“”" for c in text)


def _agrees(candidate: str, other: str) -> bool:
    """True if ``other`` is the candidate, or the candidate then a separator and more."""
    if other == candidate:
        return True
    if not other.startswith(candidate):
        return False
    return bool(_SEPARATOR.match(other, len(candidate)))


def _in_chrome(el, body) -> bool:
    """True if an element is inside a link, or the page header, navigation, logo, breadcrumb or
    footer (an ancestor that also holds the body is not chrome: ``div.article-header``)."""
    for anc in el.iterancestors():
        if anc.tag == "a":
            return True
        if anc.tag == "body":
            return False
        if (anc.tag in ("header", "nav", "footer") or _CHROME.search(f"{anc.get('class', '')} {anc.get('id', '')}")) \
                and (body is None or not _holds(anc, body)):
            return True
    return False


def _holds(anc, el) -> bool:
    """True if ``el`` is ``anc`` or inside it."""
    return el is anc or any(a is anc for a in el.iterancestors())


#: Characters of a JSON-LD script read: an article's metadata is a few kB.
MAX_JSON_LD = 100_000


def _json_ld_headlines(root) -> list[str]:
    """The ``headline`` of each JSON-LD script (not too long, not nested beyond what json reads)."""
    found = []
    for script in root.xpath("//script[@type='application/ld+json']/text()")[:5]:
        if len(script) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # broken, or nested deeper than the interpreter's stack
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("headline"), str) \
                    and len(item["headline"]) <= MAX_HEADLINE * 5:
                found.append(item["headline"])
    return found


def choose_headline(root, body=None) -> str | None:
    """The page's headline, without site suffixes; None when the page offers none.

    :param root: the page's lxml root.
    :param body: the body element, if known (the heading nearest before it wins a tie).
    """
    title_nodes = root.xpath("//head/title | //title")
    title_tag = clean_text(title_nodes[0].text_content()) if title_nodes else ""
    names = site_names(root, title_tag)
    metas = [clean_text(_TAG.sub("", v)) for path in _META_TITLES for v in root.xpath(path)]
    metas += [clean_text(_TAG.sub("", v)) for v in _json_ld_headlines(root)]
    metas = [m for m in metas if m]
    order = {e: i for i, e in enumerate(root.iter())} if body is not None else {}
    body_pos = order.get(body)
    headings = []  # (text, stripped, bonus)
    nearest = None
    for el in root.xpath(_HEADINGS)[:MAX_HEADINGS]:
        classes = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag not in ("h1", "h2", "h3") and _NOT_TITLE_CLASS.search(classes):
            continue
        text = clean_text(el.text_content())
        if not (MIN_HEADLINE <= len(text) <= MAX_HEADLINE) or text in names or _in_chrome(el, body):
            continue
        stripped = strip_site_suffix(text, names, words=False)  # what the page shows: cut on evidence only
        if stripped in names or len(stripped) < MIN_HEADLINE:
            continue
        bonus = {"h1": 3, "h2": 2, "h3": 1}.get(el.tag, 2)
        headings.append([stripped, bonus, el])
        if body_pos is not None and order.get(el, body_pos) < body_pos:
            nearest = len(headings) - 1
    if nearest is not None:
        headings[nearest][1] += 3
    sources = list(dict.fromkeys([title_tag] + metas))  # og:title and twitter:title saying the same are one source
    candidates: dict[str, float] = {}
    for stripped, bonus, _el in headings:
        score = 10 * sum(_agrees(stripped, s) for s in sources) + bonus + len(stripped) / 1000
        # a heading that repeats the title tag in full, suffix and all, is no better than the tag
        candidates[stripped] = max(candidates.get(stripped, 0), score)
    for meta in metas:
        stripped = strip_site_suffix(meta, names)
        if len(stripped) >= MIN_HEADLINE and stripped not in names:
            score = 10 * sum(_agrees(stripped, s) for s in sources) + 1
            candidates[stripped] = max(candidates.get(stripped, 0), score)
    if title_tag:
        stripped = strip_site_suffix(title_tag, names)
        if len(stripped) >= MIN_HEADLINE and stripped not in names:
            candidates.setdefault(stripped, 10 * sum(_agrees(stripped, s) for s in sources))
    candidates = {c: v for c, v in candidates.items() if not _SITE_NAME.match(c)}
    if not candidates:
        return None
    return max(candidates.items(), key=lambda kv: kv[1])[0]

