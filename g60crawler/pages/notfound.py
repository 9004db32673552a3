"""Soft-404s: error pages that answer 200, and redirects that land somewhere other than the article.

Pure functions of URLs and extracted text, no Scrapy. A page is not the
article it was asked for when it carries the portal's not-found wording on a
short page, or when the request ended on the home page, a section list page
or another article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import portal

#: Wording of "this page does not exist" (and "this item was withdrawn") on the portal and its CMS:
#: a thing (页面, 文章, 内容 ...) and what became of it (不存在, 已删除, 已下线 ...), a few words apart,
#: or the English of a web server's error page.
NOT_FOUND_WORDING = re.compile(
    r"(?:该|此)?(?:页面|网页|文章|内容|信息|稿件|新闻|资讯|链接|该页)[^。！!？?，,；;\n]{0,10}?"
    r"(?:不存在|已被?删除|已被?下线|已被?撤销|已被?撤下|已被?撤稿|已过期|已失效|未找到|找不到|走丢了|无法访问|无法找到)"
    r"|找不到(?:该|此|您要的|您访问的)?(?:页面|网页)|已被?撤稿"
    r"|(?i:page\s+not\s+found|(?:404\s+)?not\s+found|(?:could|can\s*no|can'|was)\s*t?\s*(?:not\s+)?be\s+found"
    r"|does\s+not\s+exist|no\s+longer\s+(?:exists|available)|has\s+been\s+(?:removed|deleted))")
#: "404" as an error code, not as a number in a sentence ("404家企业").
_CODE_404 = re.compile(
    r"(?i)(?:^|[^\d.])404(?:\s*(?:错误|error|page|页面|not\s*found)|\s*$|\s*[-|_–—:：])"
    r"|(?:错误|error|http)\s*(?:代码|code)?\s*[:：]?\s*404(?!\d)")
#: Longer than this, a page is content that may happen to mention the wording.
SHORT_PAGE = 400

_HOME_FILES = ("", "index.shtml", "index.html", "index.htm", "default.html", "index.php")
#: What may follow a section's folder on its list pages (index.shtml, index_3.shtml).
_LIST_FILE = re.compile(r"(?:index(?:_\d+)?\.s?html?)?")


def not_found_wording(title: str | None, text: str | None) -> str | None:
    """The not-found wording a short page carries in its title or text, or None.

    :param title: the page's headline or ``<title>``.
    :param text: the page's body text as extracted.
    """
    text = (text or "").strip()
    if len(text) > SHORT_PAGE:
        return None
    for part in (title or "", text):
        found = NOT_FOUND_WORDING.search(part)
        if found:
            return found.group(0).lower()
        if _CODE_404.search(part.strip()):
            return "404"
    return None


def page_kind(url: str, site: portal.Portal | None = None) -> str | None:
    """What a portal URL is when it is not an article: "the home page", "a section list page", or None.

    :param url: an absolute URL.
    :param site: the portal (hosts, root, sections); the current one when None.
    """
    site = site or portal.current()
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in site.hosts or site.is_article(url):
        return None
    path = parts.path or "/"
    root = urlsplit(site.root).path or "/"
    if path.startswith(root) and path[len(root):].lower() in _HOME_FILES:
        return "the home page"
    for section in site.sections:
        folder = urlsplit(section.url).path or "/"
        folder = folder if folder.endswith("/") else folder.rsplit("/", 1)[0] + "/"
        if folder != root and path.startswith(folder) and _LIST_FILE.fullmatch(path[len(folder):]):
            return "a section list page" if section.kind == "news" else "a section page"
    return None


def off_target(requested: str, final: str, other_articles=()) -> str | None:
    """Where a request for an article ended instead of the article, or None when it is on target.

    :param requested: the URL asked for (an article).
    :param final: the URL the answer came from, after redirects.
    :param other_articles: URLs known to be other articles (not the one asked for).
    """
    if final == requested:
        return None
    kind = page_kind(final)
    if kind:
        return kind
    if final in other_articles:
        return "another article"
    return None


def soft_404(requested: str, final: str, title: str | None, text: str | None, other_articles=()) -> str | None:
    """Why a page is a soft-404 (for a failure's detail), or None when it is the article.

    :param requested: the URL asked for.
    :param final: the URL the answer came from, after redirects.
    :param title: the page's headline or ``<title>``.
    :param text: the page's body text as extracted.
    :param other_articles: URLs known to be other articles.
    """
    where = off_target(requested, final, other_articles)
    if where:
        return f"redirected to {where}: {final}"
    wording = not_found_wording(title, text)
    if wording:
        return f"not-found page ({wording!r})" + (f" at {final}" if final != requested else "")
    return None
