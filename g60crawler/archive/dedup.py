"""The one rule deciding whether a newly seen page is a copy of an archived article.

A copy must be shown by evidence, never guessed from a body alone:

- a URL in common (the same canonical URL, a redirect or alias, the page's
  canonical link) makes it the same article, whatever it shows now;
- otherwise the normalised title AND the normalised body must both agree (titles
  compared without their site suffixes, which copies and older extractions vary);
- when the body says nothing by itself (short, only points at attachments, as
  政策服务's "具体内容详见附件。" does, or a caption under photos), the
  attachments and the images must agree too (the same files, by file name), and
  the publication day when both pages have one; a notice with neither files nor
  a day is never a copy.

Pure functions, no database: the archive gathers the evidence, this decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from posixpath import basename
from urllib.parse import urlsplit

from ..normalize import strip_title_suffix

#: A body shorter than this (letters and digits only) does not identify an article by itself.
MIN_SUBSTANTIVE = 40

# lines that only point at attachments: "附件：1.xxx.doc", "具体内容详见附件。", "点击下载"
_ATTACHMENT_LINE = re.compile(r"附件|下载|\.(?:pdf|docx?|xlsx?|wps|zip|rar|pptx?)\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Evidence:
    """What is known of a page, or of an archived article, when comparing the two.

    :param title: the headline.
    :param body: the body text.
    :param urls: every URL it is known under (its own, redirects, aliases, its canonical link).
    :param attachments: the URLs of its attachments.
    :param published: its publication date or time (ISO 8601).
    :param images: the URLs of its images.
    """

    title: str | None
    body: str | None
    urls: frozenset[str] = frozenset()
    attachments: tuple[str, ...] = ()
    published: str | None = None
    images: tuple[str, ...] = ()


def same_article(page: Evidence, archived: Evidence) -> bool:
    """True if a newly seen page is the archived article (see the module's rule).

    :param page: the page just fetched.
    :param archived: an article already in the archive.
    """
    if page.urls & archived.urls:
        return True
    title, body = _words(strip_title_suffix(page.title)), _words(page.body)
    if not title or title != _words(strip_title_suffix(archived.title)) or body != _words(archived.body):
        return False
    if substantive(page.body):
        return True
    files = _files(page.attachments) | _files(page.images)
    if files != _files(archived.attachments) | _files(archived.images):
        return False
    if page.published and archived.published:
        return page.published[:10] == archived.published[:10]
    return bool(files)


def substantive(body: str | None) -> bool:
    """True if a body identifies an article by itself: enough text beyond pointers to attachments.

    :param body: the body text (paragraphs separated by blank lines).
    """
    lines = [line for line in (body or "").splitlines() if not _ATTACHMENT_LINE.search(line)]
    return len(_words("".join(lines))) >= MIN_SUBSTANTIVE


def _words(text: str | None) -> str:
    """Text reduced to its letters and digits (NFKC: full-width letters are ASCII), lower-cased."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _files(urls: tuple[str, ...]) -> frozenset[str]:
    """The file names of attachment URLs: the CMS names each uploaded file uniquely."""
    return frozenset(basename(urlsplit(u).path).lower() for u in urls if u)
