"""Import the portal's articles from WARC files, as of their capture times.

Reads response (and revisit) records of the portal's host from any WARC
(Heritrix, Browsertrix, a Wayback export, ours) in two passes
(:mod:`g60crawler.archive.warc_read`): an index without bodies, then one
article at a time in capture-time order, so memory does not grow with the
WARC. Records cut short are refused, records over the size limit skipped,
records without a date or URL skipped; all are counted.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .. import normalize, portal
from ..archive.store import Archive
from ..archive.warc_read import (PayloadReader, Problems, RecordRef, RefIndex, TooLarge, index_records,
                                 remove_stale_indexes)
from ..assemble import build_article
from ..items import ArticleItem, Capture, FailureItem
from ..settings import G60_ARCHIVE_BATCH
from .pages import Incomplete, extract_page, join_article


@dataclass
class ImportCounts:
    records: int = 0
    other_hosts: int = 0
    not_articles: int = 0
    article_urls: int = 0  # records of the portal's hosts whose URL matches an article pattern
    pages_not_articles: int = 0  # the not-articles that are web pages (HTML), not robots.txt, files or images
    problems: Problems = field(default_factory=Problems)
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    stale_indexes: list[Path] = field(default_factory=list)  # temporary index folders of killed imports, removed


def import_warc(archive: Archive, paths: list[Path], max_size: int) -> ImportCounts:
    """Add the portal's articles from WARC files to the archive, as of their capture times.

    Records of other hosts are skipped and counted; list pages, robots.txt and
    attachments are counted as not articles; a split article's later pages are
    joined with its first page (the capture nearest in time), and an article
    whose later page is missing is recorded as a failure, not stored.

    :param archive: the archive to add to (the caller holds its lock).
    :param paths: the WARC files.
    :param max_size: payloads over this many bytes are skipped and counted (0: no limit).
    """
    counts = ImportCounts(stale_indexes=remove_stale_indexes())
    run_id = archive.start_run("import-warc", {"files": [str(p) for p in paths]})
    clock = archive.clock
    try:
        with RefIndex() as index:  # first pages, later pages, redirects: on disk, not in memory
            _index(index, paths, max_size, counts)
            with PayloadReader(max_size) as reader:
                # a batch per transaction, as the crawl commits: a killed import loses at most one
                # batch, and running it again re-imports what was lost (an import is idempotent)
                for done, ref in enumerate(index.in_order("first"), 1):
                    archive.clock = lambda when=ref.date: when
                    _import_one(archive, reader, ref, index, run_id, counts)
                    if done % G60_ARCHIVE_BATCH == 0:
                        archive.commit()
                archive.commit()
    except BaseException as exc:
        archive.conn.rollback()  # the open batch: no article is left half-written
        archive.clock = clock
        _failed(archive, run_id, counts, exc)
        raise
    finally:
        archive.clock = clock
    archive.finish_run(run_id, "finished", _run_counts(counts))
    return counts


def _index(index: RefIndex, paths: list[Path], max_size: int, counts: ImportCounts) -> None:
    """Pass 1: file every record of the portal by what it is (first page, later page, redirect); count the rest."""
    site = portal.current()
    statics = {normalize.canonical_url(s.url) for s in site.sections if s.kind == "page"}
    for ref in index_records(paths, max_size, counts.problems):
        counts.records += 1
        if not site.in_scope(ref.url):
            counts.other_hosts += 1
            continue
        location = next((v for k, v in ref.headers.items() if k.lower() == "location"), None)
        if 300 <= ref.status < 400 and location:
            index.add("redirect", normalize.canonical_url(urljoin(ref.url, location)), ref)
            continue
        m = site.article_match(ref.url)
        counts.article_urls += m is not None
        if m and m.groupdict().get("page"):
            index.add("later", normalize.canonical_url(ref.url), ref)
        elif m or normalize.canonical_url(ref.url) in statics:
            index.add("first", None, ref)
        else:
            counts.not_articles += 1
            counts.pages_not_articles += _is_page(ref)
    problems = counts.problems
    counts.records += problems.too_large + problems.malformed + problems.unresolved_revisits


def _run_counts(counts: ImportCounts) -> dict[str, int]:
    return {"articles_new": counts.outcomes["new"], "articles_changed": counts.outcomes["changed"],
            "articles_unchanged": counts.outcomes["unchanged"], "duplicates": counts.outcomes["duplicate"],
            "failures": counts.outcomes["failed"] + counts.outcomes["incomplete"],
            "tombstones": counts.outcomes["gone"]}


def _failed(archive: Archive, run_id: int, counts: ImportCounts, exc: BaseException) -> None:
    """Finish the run record as failed, with what was committed and why (nothing more if the archive refuses).

    :param exc: what stopped the import.
    """
    try:
        archive.finish_run(run_id, "failed", _run_counts(counts), problems=[f"{type(exc).__name__}: {exc}"])
        archive.commit()
    except sqlite3.Error:
        archive.conn.rollback()  # the archive's own disk is full: the run stays without an end, as if killed


_PAGE_SUFFIXES = ("/", ".htm", ".html", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx", ".do", ".action")


def _is_page(ref: RecordRef) -> bool:
    """Is the record a web page (HTML, or a URL shaped like one when it says no type), not a file?"""
    kind = next((v for k, v in ref.headers.items() if k.lower() == "content-type"), "").lower()
    if kind:
        return "html" in kind
    path = urlsplit(ref.url).path or "/"
    last = path.rsplit("/", 1)[-1]
    return path.endswith(_PAGE_SUFFIXES) or "." not in last


def _capture(ref: RecordRef, body: bytes) -> Capture:
    return Capture(ref.url, ref.status, ref.headers, body, ref.date.isoformat(timespec="seconds"))


def _import_one(archive: Archive, reader: PayloadReader, ref: RecordRef, index: RefIndex, run_id: int,
                counts: ImportCounts) -> None:
    """Extract and store the article whose first page ``ref`` holds (its body read now, then dropped)."""
    try:
        body = reader.read(ref)
    except TooLarge as exc:
        counts.problems.note("too_large", f"{ref.path.name}@{ref.offset}: {exc}")
        return
    captures = [_capture(ref, body)]
    if ref.status in (404, 410):
        archive.record_failure(FailureItem(ref.url, f"http {ref.status}", captures=captures), run_id)
        counts.outcomes["gone" if archive.tombstone(ref.url) else "failed"] += 1
        return
    if ref.status != 200:
        return
    raw = extract_page(ref.url, body, ref.headers)
    hops = [r for r in index.by_key("redirect", normalize.canonical_url(ref.url)) if r.date <= ref.date]
    raw.kind = "article" if portal.current().is_article(ref.url) else "page"
    raw.aliases = [r.url for r in hops]
    raw.captures = [_capture(r, _small_body(reader, r)) for r in hops] + captures

    def page_at(url: str):
        pages = index.by_key("later", normalize.canonical_url(url))
        if not pages:
            return None
        page = min(pages, key=lambda p: abs((p.date - ref.date).total_seconds()))
        try:
            page_body = reader.read(page)
        except TooLarge as exc:
            counts.problems.note("too_large", f"{page.path.name}@{page.offset}: {exc}")
            return None
        later = extract_page(page.url, page_body, page.headers)
        later.captures = [_capture(page, page_body)]
        return later

    try:
        raw = join_article(raw, page_at)
    except Incomplete as exc:
        archive.record_failure(FailureItem(ref.url, "incomplete article", detail=f"{exc.missing} is not in the WARC",
                                           captures=raw.captures), run_id)
        counts.outcomes["incomplete"] += 1
        return
    item = build_article(raw)
    if isinstance(item, ArticleItem):
        counts.outcomes[archive.record_article(item, run_id)] += 1
    else:
        archive.record_failure(item, run_id)
        counts.outcomes["failed"] += 1


def _small_body(reader: PayloadReader, ref: RecordRef) -> bytes:
    """A redirect's body, or nothing when it is over the limit (the redirect itself is what counts)."""
    try:
        return reader.read(ref)
    except TooLarge:
        return b""
