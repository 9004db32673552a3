"""Re-extract every stored capture with the current extraction code, without network.

An article gets a new version only where the result changed, so improving a
selector improves the whole archive; derived fields (cities, the full-text
index) are recomputed for every article; a stored page that failed before and
extracts now becomes an article. An article whose stored pages are incomplete
(a page links a next page that was never captured) keeps what the archive has.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from .. import normalize
from ..archive.store import Archive
from ..assemble import build_article
from ..items import ArticleItem, FailureItem, ListEntry, RawArticle
from .pages import Incomplete, extract_page, join_article


#: Articles read and committed together: a kill loses at most one batch.
BATCH = 500


@dataclass
class ReparseCounts:
    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    no_longer_extractable: int = 0
    incomplete: int = 0
    failures_recovered: int = 0
    skipped: int = 0  # articles with no stored 200 capture of their pages: nothing to re-extract from


def extract_article(pages: dict[str, tuple[str, bytes, dict]], first_url: str, kind: str,
                    entry: ListEntry | None) -> ArticleItem | FailureItem:
    """The article its stored pages make, with the list entry's evidence: no archive, no I/O.

    :param pages: (url, raw bytes, headers) of each stored page, by canonical URL.
    :param first_url: the URL of a stored page of the article (its first page is looked up from it).
    :param kind: the article's kind (``article`` or a static page).
    :param entry: the list entry seen for the article, or None.
    :raises Incomplete: a page links a next page that is not among the stored pages.
    """
    def page_at(url: str) -> RawArticle | None:
        found = pages.get(normalize.canonical_url(url))
        return None if found is None else extract_page(*found)

    first = page_at(normalize.first_page_url(first_url)) or page_at(first_url)
    raw = join_article(first, page_at)
    raw.kind = kind
    raw.list_entry = entry
    if entry is not None:
        raw.section = None
    return build_article(raw)


def _pages(rows) -> dict[str, tuple[str, bytes, dict]]:
    """(url, raw bytes, headers) by canonical URL, from capture rows (url, headers, data, compression)."""
    return {normalize.canonical_url(url): (url, zlib.decompress(data) if compression == "zlib" else data,
                                           json.loads(headers))
            for url, headers, data, compression in rows}


def _in(values) -> str:
    return ",".join("?" * len(values))


def _list_entries(archive: Archive, urls: list[str]) -> dict[str, ListEntry]:
    """The first list entry seen for each URL (as :meth:`Archive.list_entry`), in one query."""
    entries: dict[str, ListEntry] = {}
    for row in archive.conn.execute(
            f"SELECT url, section, list_title, list_date, list_url FROM listings WHERE url IN ({_in(urls)}) "
            "ORDER BY first_seen DESC, section DESC", urls):
        entries[row[0]] = ListEntry(*row)  # the last written is the first seen
    return entries


def _batches(archive: Archive, batch: int):
    """The articles a batch at a time: (id, kind, first URL, content hash, its pages' capture rows, list entry).

    Three queries a batch: the articles, the 200 captures of all their versions with
    their bytes (a version reparse made has none of its own: it was extracted from
    its predecessors' pages), and their list entries. Of a page captured more than
    once, the newest capture is used.
    """
    last = 0
    while True:
        articles = archive.conn.execute(
            "SELECT a.id, a.kind, v.url FROM articles a JOIN article_versions v "
            "ON v.article_id = a.id AND v.version = a.current_version WHERE a.id > ? ORDER BY a.id LIMIT ?",
            (last, batch)).fetchall()
        if not articles:
            return
        last = articles[-1][0]
        ids = [article_id for article_id, _, _ in articles]
        captures: dict[int, dict[str, tuple]] = {}
        for article_id, url, headers, data, compression in archive.conn.execute(
                "SELECT v.article_id, c.url, c.headers, b.data, b.compression FROM captures c "
                "JOIN article_versions v ON v.id = c.version_id JOIN blobs b ON b.sha256 = c.sha256 "
                f"WHERE v.article_id IN ({_in(ids)}) AND c.status = 200 "
                "ORDER BY c.last_fetched, c.id", ids):
            captures.setdefault(article_id, {})[url] = (url, headers, data, compression)  # the newest wins
        entries = _list_entries(archive, [normalize.canonical_url(url) for *_, url in articles])
        yield [(article_id, kind, url,
                # the article's own pages (url, url_2 …); a copy under another URL links here too
                [c for c in captures.get(article_id, {}).values() if normalize.first_page_url(c[0]) == url],
                entries.get(normalize.canonical_url(url)))
               for article_id, kind, url in articles]


def reparse(archive: Archive, batch: int = BATCH) -> ReparseCounts:
    """Re-extract all articles and failed pages from their captures; commits a batch at a time.

    A kill loses at most the uncommitted batch; running reparse again redoes it.

    :param archive: the archive (the caller holds its lock).
    :param batch: articles read and committed together.
    """
    counts = ReparseCounts()
    for articles in _batches(archive, batch):
        for article_id, kind, url, captures, entry in articles:
            if not captures:
                counts.skipped += 1
                continue
            counts.articles += 1
            try:
                item = extract_article(_pages(captures), captures[0][0], kind, entry)
            except Incomplete:
                counts.incomplete += 1  # never replace a version with part of the article
                continue
            if not isinstance(item, ArticleItem):
                counts.no_longer_extractable += 1  # keep what the archive has; the old code did better
                continue
            if archive.reparsed(article_id, item):
                counts.changed += 1
            else:
                counts.unchanged += 1
        archive.commit()
    failed = archive.conn.execute(
        "SELECT f.url, c.id, c.url, c.headers, b.data, b.compression FROM failures f "
        "JOIN captures c ON c.id = f.capture_id JOIN blobs b ON b.sha256 = c.sha256 "
        "WHERE f.resolved_at IS NULL AND c.status = 200")
    while rows := failed.fetchmany(batch):
        for url, capture_id, capture_url, headers, data, compression in rows:
            try:
                item = extract_article(_pages([(capture_url, headers, data, compression)]), capture_url,
                                       "article", archive.list_entry(url))
            except Incomplete:
                continue  # still incomplete: the failure stays
            if isinstance(item, ArticleItem):
                archive.record_article(item, None)
                archive.link_capture(capture_id, item.canonical_url)
                counts.failures_recovered += 1
        archive.commit()
    return counts
