"""From raw extracted fields to a normalised article: the evidence is combined here.

Pure functions, no Scrapy: the pipeline, `g60crawler extract` and the tests all
build articles through :func:`build_article`.
"""

from __future__ import annotations

from datetime import date, datetime

from . import labels, normalize, portal
from .items import ArticleItem, FailureItem, RawArticle


#: Longest plausible values; a longer "editor" is a line of text, not a name.
MAX_TITLE = 500
MAX_NAME = 64
MAX_CAPTION = 500
#: A split article with more pages than this is not read to its end: incomplete, never a version.
MAX_ARTICLE_PAGES = 30
MAX_SUMMARY = 2000


def _bounded(value: str | None, limit: int) -> str | None:
    """A short field, or None when the page gave something far too long to be it."""
    return value if value is None or len(value) <= limit else None


def join_pages(first: RawArticle, later: RawArticle | None, failed: str | None = None) -> RawArticle | FailureItem:
    """One article from its pages: paragraphs, images and attachments in order; a failure if a page is missing.

    The page-1 fields stay; the editor (usually printed on the last page) is
    taken from the later page when it has one. An article with a page that
    could not be had, or came back empty, is incomplete: a failure (never a
    version) under the URL the article was asked for, so a later run retries it.

    :param first: the pages joined so far (page 1 first).
    :param later: the next page as extracted, or None when it could not be fetched.
    :param failed: why the next page could not be had (``http 503``, ``soft 404`` ...).
    """
    if failed is None and later is None:
        failed = "missing"
    if failed is None and not (later.paragraphs or later.images):
        failed = "empty" if not later.extraction.startswith("error:") else later.extraction
    if failed is not None:
        number = normalize.article_page(first.next_page) if first.next_page else None
        page = number if number is not None else "next"
        return FailureItem(
            url=(first.aliases or [first.url])[0],
            reason=f"incomplete: page {page} {failed}",
            detail=f"{first.next_page}: {failed}; the article is archived only with all its pages",
            section=first.section or portal.current().section_of(first.url),
            captures=first.captures + (later.captures if later is not None else []),
        )
    first.paragraphs = first.paragraphs + later.paragraphs
    first.images = first.images + later.images
    first.attachments = first.attachments + [a for a in later.attachments if a not in first.attachments]
    first.editor = later.editor or first.editor
    first.captures = first.captures + later.captures
    first.next_page = later.next_page
    return first


def pages_joined(raw: RawArticle) -> set[str]:
    """The canonical URLs of the pages joined into a raw article so far (with their redirects).

    :param raw: the pages joined so far.
    """
    urls = [raw.url, *raw.aliases, *(c.url for c in raw.captures)]
    return {normalize.canonical_url(u) for u in urls if u}


def next_page(raw: RawArticle, pages: int) -> str | FailureItem | None:
    """The next page of a split article to read: None when it is whole, a failure when its pager never ends.

    A next-page link back to a page already joined is the article's end (a pager
    that points back); one beyond MAX_ARTICLE_PAGES leaves the article incomplete.

    :param raw: the pages joined so far.
    :param pages: how many pages that is.
    """
    nxt = raw.next_page
    if not nxt or normalize.canonical_url(nxt) in pages_joined(raw):
        return None
    if pages >= MAX_ARTICLE_PAGES:
        return join_pages(raw, None, failed=f"beyond the limit of {MAX_ARTICLE_PAGES} pages")
    return nxt


def choose_published(url: str, dates: list[tuple[str, str]], list_date: str | None,
                     now: datetime | None = None) -> str | None:
    """The publish date from the evidence: page dates, then the list date, then the URL's day.

    Each candidate must be plausible (:func:`normalize.plausible_date`), or the next source is
    used; a URL with only yyyy/mm gives no date, only bounds. A page date without its year
    (``6月6日上午``) takes the year of the URL's folder, else of the list date, and is checked
    against that source.

    :param url: the article URL.
    :param dates: (origin, text) dates found on the page, most trusted first.
    :param list_date: the date of the article's list entry, or None.
    :param now: the current time; the clock when None.
    """
    now = now or datetime.now(normalize.CST)
    url_days = normalize.url_date_range(url)
    listed = None
    if list_date:
        listed = normalize.parse_published(list_date, default_year=normalize.year_from_url(url))
        if listed and not normalize.plausible_date(listed, url_days, normalize.LIST_TOLERANCE, now):
            listed = None
    # a page date without a year takes the year of the URL, else of the list date
    around = url_days or ((date.fromisoformat(listed[:10]),) * 2 if listed else None)
    for _origin, text in dates:
        value, source = normalize.parse_published(text), url_days
        if value is None and around:
            value, source = normalize.parse_yearless(text, around), around
        if value and normalize.plausible_date(value, source, normalize.PAGE_TOLERANCE, now):
            return value
    if listed:
        return listed
    if url_days and url_days[0] == url_days[1]:
        day = url_days[0].isoformat()
        return day if normalize.plausible_date(day, None, normalize.PAGE_TOLERANCE, now) else None
    return None


def _split_body(raw: RawArticle) -> tuple[list[str], str | None, str | None, str | None]:
    """Body paragraphs without the 摘要 line, byline and editor line.

    Returns (paragraphs, summary, author, editor) as found inside the body.
    """
    paragraphs = normalize.clean_paragraphs(raw.paragraphs)
    summary = author = editor = None
    for i, p in enumerate(paragraphs[:4]):
        if labels.is_summary_line(p):
            summary = labels.strip_summary_label(p)
            del paragraphs[i]
            break
    for i, p in enumerate(paragraphs[:3]):
        if labels.is_byline(p):
            author = labels.parse_author(p)
            del paragraphs[i]
            break
    while paragraphs:
        name = labels.parse_editor(paragraphs[-1])
        if name:
            editor = editor or name
            paragraphs.pop()
            continue
        rest, name = labels.split_trailing_editor(paragraphs[-1])
        if name:
            editor = editor or name
            paragraphs[-1] = rest
        break
    return paragraphs, summary, author, editor


def build_article(raw: RawArticle) -> ArticleItem | FailureItem:
    """Normalise a raw article; a page with no title or no body is a failure.

    :param raw: what the extractor found, with the crawl's context (list entry).
    """
    paragraphs, body_summary, body_author, body_editor = _split_body(raw)
    title = normalize.strip_title_suffix(raw.title) or normalize.strip_title_suffix(raw.title_tag)
    if not title and raw.list_entry:
        title = normalize.clean_text(raw.list_entry.title) or None
    body = "\n\n".join(paragraphs) if paragraphs else None
    section = raw.section or portal.current().section_of(raw.url)
    problem = None
    if not body:
        problem = "no body"
    elif not title:
        problem = "no title"
    elif len(title) > MAX_TITLE:
        problem = "implausible title"  # a headline of thousands of characters is a broken page
    if problem:
        return FailureItem(
            url=raw.url,
            reason=problem,
            detail=f"extraction={raw.extraction}" + (f", title of {len(title)} characters" if title else ""),
            section=section,
            captures=raw.captures,
        )
    editor = labels.editor_of(raw.editor) or body_editor
    summary = labels.strip_summary_label(raw.summary) if raw.summary else body_summary
    summary = summary[:MAX_SUMMARY] if summary else summary
    return ArticleItem(
        url=raw.url,
        canonical_url=normalize.canonical_url(raw.url),
        section=section,
        title=title,
        summary=summary,
        body=body,
        editor=_bounded(editor, MAX_NAME),
        source=_bounded(labels.parse_source(raw.source), MAX_NAME),
        author=_bounded(labels.parse_author(raw.author) or body_author, MAX_NAME),
        published=choose_published(raw.url, raw.dates, raw.list_entry.date if raw.list_entry else None),
        images=[{"url": normalize.web_url(i["url"]), "caption": _bounded(normalize.clean_text(i["caption"]) or None, MAX_CAPTION)}
                for i in raw.images if normalize.web_url(i["url"])],
        attachments=[{"url": normalize.web_url(a["url"]), "name": normalize.clean_text(a["name"])[:MAX_CAPTION]}
                     for a in raw.attachments if normalize.web_url(a["url"])],
        extraction=raw.extraction,
        encoding=raw.encoding,
        kind=raw.kind,
        list_entry=raw.list_entry,
        captures=raw.captures,
        aliases=raw.aliases,
        attachment_files=raw.attachment_files,
        canonical_link=raw.canonical_link,
    )
