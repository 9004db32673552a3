"""Re-extract every stored capture with the current extraction code, without network.

An article gets a new version only where the result changed, so improving a
selector improves the whole archive; derived fields (cities, the full-text
index) are recomputed for every article; a stored page that failed before and
extracts now becomes an article. An article whose stored pages are incomplete
(a page links a next page that was never captured) keeps what the archive has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import normalize
from ..archive.store import Archive
from ..assemble import build_article
from ..items import ArticleItem, ListEntry
from .pages import Incomplete, extract_page, join_article


@dataclass
class ReparseCounts:
    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    no_longer_extractable: int = 0
    incomplete: int = 0
    failures_recovered: int = 0
    skipped: int = 0  # articles with no stored 200 capture of their pages: nothing to re-extract from


def _extract(archive: Archive, captures: list[tuple], kind: str, entry: ListEntry | None):
    """The article the captures (id, url, headers; one per page) make, with the list entry's evidence.

    :raises Incomplete: a page links a next page that is not among the captures.
    """
    by_url = {normalize.canonical_url(url): (capture_id, url, headers) for capture_id, url, headers in captures}

    def page_at(url: str):
        found = by_url.get(normalize.canonical_url(url))
        if found is None:
            return None
        capture_id, page_url, headers = found
        return extract_page(page_url, archive.capture_body(capture_id), json.loads(headers))

    first_url = normalize.first_page_url(captures[0][1])
    first = page_at(first_url) or page_at(captures[0][1])
    raw = join_article(first, page_at)
    raw.kind = kind
    raw.list_entry = entry
    if entry is not None:
        raw.section = None
    return build_article(raw)


def reparse(archive: Archive) -> ReparseCounts:
    """Re-extract all articles and failed pages from their captures; commits as it goes.

    :param archive: the archive (the caller holds its lock).
    """
    counts = ReparseCounts()
    articles = archive.conn.execute(
        "SELECT a.id, a.kind, v.id, v.url FROM articles a JOIN article_versions v "
        "ON v.article_id = a.id AND v.version = a.current_version ORDER BY a.id").fetchall()
    for article_id, kind, version_id, url in articles:
        # the version's own pages (url, url_2 …); a copy under another URL links here too
        captures = [c for c in archive.conn.execute(
            "SELECT id, url, headers FROM captures WHERE version_id = ? AND status = 200 ORDER BY id", (version_id,))
            if normalize.first_page_url(c[1]) == url]
        if not captures:
            counts.skipped += 1
            continue
        counts.articles += 1
        try:
            item = _extract(archive, captures, kind, archive.list_entry(url))
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
        "SELECT f.url, c.id, c.url, c.headers FROM failures f JOIN captures c ON c.id = f.capture_id "
        "WHERE f.resolved_at IS NULL AND c.status = 200").fetchall()
    for url, capture_id, capture_url, headers in failed:
        try:
            item = _extract(archive, [(capture_id, capture_url, headers)], "article", archive.list_entry(url))
        except Incomplete:
            continue  # still incomplete: the failure stays
        if isinstance(item, ArticleItem):
            archive.record_article(item, None)
            archive.link_capture(capture_id, item.canonical_url)
            counts.failures_recovered += 1
            archive.commit()
    return counts
