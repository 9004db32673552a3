"""The archive as a library: articles (deduplicated, versioned), captures, failures, runs.

All SQL here is parameterised. Writes are not committed one by one: the
caller commits in batches (:meth:`Archive.commit`), so a killed crawl loses
at most its last uncommitted batch, and SQLite's journal keeps the file whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .. import normalize, portal
from ..cities import cities_in
from ..items import ArticleItem, Capture, FailureItem, ListEntry
from .attachments import AttachmentStore
from .dedup import Evidence, same_article
from .errors import ArchiveError
from . import fts
from .published import published_date
from .planning import PERMANENT_REASONS, FetchPlanning, Revisit  # noqa: F401 (re-exported)
from .runs import RunLog
from .connection import open_connection
from .versions import VersionHistory

#: The fields whose change makes a new version of an article.
VERSIONED_FIELDS = ("title", "summary", "body", "editor", "source", "author", "published",
                    "images", "attachments")


def _system_clock() -> datetime:
    return datetime.now(timezone.utc)


def content_hash(item: ArticleItem) -> str:
    """Hash of the versioned fields: equal content, equal hash."""
    content = {name: getattr(item, name) for name in VERSIONED_FIELDS}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class Archive(RunLog, FetchPlanning, AttachmentStore, VersionHistory):
    """A SQLite archive of the portal.

    Writes go through ``conn`` (parameterised SQL, batched commits); reads that
    return rows as dicts use sqlite-utils (``db.query``, ``db[table].count``).

    :param db: a sqlite-utils Database whose schema is migrated.
    """

    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.clock = clock or _system_clock
        self.files_dir: Path | None = None  # where attachment files go: <archive folder>/attachments
        self.read_only = False  # opened with read_only=True: nothing is committed
        self.immutable = False  # read-only media: opened with immutable=1

    def now(self) -> str:
        """The current time as the archive writes it (UTC, ISO 8601)."""
        return self.clock().astimezone(timezone.utc).isoformat(timespec="microseconds")

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = True,
             clock: Callable[[], datetime] | None = None, read_only: bool = False,
             check: bool = False) -> Archive:
        """Open an archive file: created or upgraded, or (``read_only``) only read.

        :param path: the database file, or ``:memory:``.
        :param create: False to refuse a path that does not exist yet.
        :param clock: what "now" is (default the system clock; tests and replays freeze it).
        :param read_only: never write to the file or beside it (search, show, export, serve).
        :param check: refuse a damaged file (``PRAGMA quick_check``), as a crawl does before it starts.
        """
        conn, immutable = open_connection(path, create=create, read_only=read_only, check=check)
        archive = cls(sqlite_utils.Database(conn), clock)
        archive.read_only, archive.immutable = read_only, immutable
        if str(path) != ":memory:":
            archive.files_dir = Path(path).resolve().parent / "attachments"
        if not read_only:
            archive._seed_sections()
        return archive

    def _seed_sections(self) -> None:
        sections = portal.current().sections
        wanted = {(s.slug, s.name, s.kind) for s in sections}
        if set(self.conn.execute("SELECT slug, name, kind FROM sections")) >= wanted:
            return  # nothing to write: readers (search, the web view) never take the write lock
        self.conn.executemany(
            "INSERT INTO sections (slug, name, kind) VALUES (?, ?, ?) "
            "ON CONFLICT(slug) DO UPDATE SET name = excluded.name, kind = excluded.kind",
            [(s.slug, s.name, s.kind) for s in sections],
        )
        self.conn.commit()

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        if not self.read_only:
            self.conn.commit()
        self.conn.close()

    # ------------------------------------------------------------ captures

    def store_capture(self, capture: Capture, run_id: int | None, version_id: int | None = None) -> int:
        """Keep a fetched response: its bytes once per content, a row per (URL, content)."""
        digest = hashlib.sha256(capture.body).hexdigest()
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, compression, data) VALUES (?, ?, 'zlib', ?)",
            (digest, len(capture.body), zlib.compress(capture.body, 6)),
        )
        url = normalize.canonical_url(capture.url)
        self.conn.execute(
            "INSERT INTO captures (url, status, headers, sha256, first_fetched, last_fetched, "
            "version_id, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url, sha256) DO UPDATE SET first_fetched = MIN(captures.first_fetched, excluded.first_fetched), "
            "last_fetched = MAX(captures.last_fetched, excluded.last_fetched), "
            "version_id = COALESCE(captures.version_id, excluded.version_id)",
            (url, capture.status, json.dumps(capture.headers, ensure_ascii=False), digest,
             capture.fetched_at, capture.fetched_at, version_id, run_id),
        )
        return self.conn.execute(
            "SELECT id FROM captures WHERE url = ? AND sha256 = ?", (url, digest)
        ).fetchone()[0]

    def find_capture(self, url_or_id: str) -> tuple[int, str, int, dict] | None:
        """(id, url, status, headers) of a capture by id, or the latest capture of a URL."""
        if str(url_or_id).isdigit():
            row = self.conn.execute("SELECT id, url, status, headers FROM captures WHERE id = ?",
                                    (int(url_or_id),)).fetchone()
        else:
            row = self.conn.execute(
                "SELECT id, url, status, headers FROM captures WHERE url = ? ORDER BY last_fetched DESC LIMIT 1",
                (normalize.canonical_url(url_or_id),)).fetchone()
        return (row[0], row[1], row[2], json.loads(row[3])) if row else None

    def has_capture(self, url: str) -> bool:
        """True if any response of this URL is stored."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM captures WHERE url = ?)",
                                 (normalize.canonical_url(url),)).fetchone()[0] == 1

    def capture_body(self, capture_id: int) -> bytes:
        """The raw bytes of a stored capture."""
        row = self.conn.execute(
            "SELECT b.data, b.compression FROM captures c JOIN blobs b ON b.sha256 = c.sha256 "
            "WHERE c.id = ?", (capture_id,)
        ).fetchone()
        if row is None:
            raise KeyError(capture_id)
        data, compression = row
        return zlib.decompress(data) if compression == "zlib" else data

    # ------------------------------------------------------------ listings, failures

    def record_listings(self, entries: list[ListEntry], list_page: int | None = None) -> None:
        """Remember that a section's list page showed these entries, in this order.

        :param entries: the entries, in the page's order (their positions).
        :param list_page: the page's number in the section's list (0 for the first), if known.
        """
        now = self.now()
        self.conn.executemany(
            "INSERT INTO listings (url, section, list_url, list_title, list_date, first_seen, last_seen, "
            "list_page, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url, section) DO UPDATE SET "
            "list_url = excluded.list_url, list_title = excluded.list_title, list_date = excluded.list_date, "
            "last_seen = excluded.last_seen, list_page = excluded.list_page, position = excluded.position",
            [(normalize.canonical_url(e.url), e.section, e.list_url, e.title, e.date, now, now,
              list_page, i) for i, e in enumerate(entries)],
        )

    def record_listing(self, entry: ListEntry) -> None:
        """Remember one list entry (see record_listings)."""
        self.record_listings([entry])

    def record_failure(self, failure: FailureItem, run_id: int | None) -> int:
        """Record a page that could not be fetched or extracted, with its capture."""
        capture_id = None
        for capture in failure.captures:
            capture_id = self.store_capture(capture, run_id)
        now = self.now()
        url = normalize.canonical_url(failure.url)
        # a failure older than the URL's last good sighting (an old capture imported) is history:
        # recorded resolved; only a failure newer than what the row holds updates it and counts
        (seen,) = self.conn.execute("SELECT MAX(last_seen) FROM article_urls WHERE url = ?", (url,)).fetchone()
        resolved = seen if seen is not None and seen > now else None
        self.conn.execute(
            "INSERT INTO failures (url, reason, detail, section, capture_id, first_failed, "
            "last_failed, last_run_id, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url, reason) DO UPDATE SET first_failed = MIN(failures.first_failed, excluded.first_failed), "
            "detail = CASE WHEN excluded.last_failed > failures.last_failed THEN excluded.detail ELSE failures.detail END, "
            "capture_id = CASE WHEN excluded.last_failed > failures.last_failed OR failures.capture_id IS NULL "
            "THEN COALESCE(excluded.capture_id, failures.capture_id) ELSE failures.capture_id END, "
            "times = failures.times + (excluded.last_failed > failures.last_failed), "
            "last_run_id = CASE WHEN excluded.last_failed > failures.last_failed THEN excluded.last_run_id "
            "ELSE failures.last_run_id END, "
            "resolved_at = CASE WHEN excluded.last_failed > failures.last_failed THEN excluded.resolved_at "
            "ELSE failures.resolved_at END, "
            "last_failed = MAX(failures.last_failed, excluded.last_failed)",
            (url, failure.reason, failure.detail, failure.section, capture_id, now, now, run_id, resolved),
        )
        return self.conn.execute(
            "SELECT id FROM failures WHERE url = ? AND reason = ?", (url, failure.reason)
        ).fetchone()[0]

    def tombstone(self, url: str) -> bool:
        """Mark the archived article at this URL as gone from the site (never deleted).

        Gone as of ``now()``: not when the article was seen after that (an old capture
        imported), and an earlier gone time than the one marked moves the mark earlier.
        Returns True if an article was newly marked, False if none, already marked or seen since.
        """
        now = self.now()
        row = self.conn.execute(
            "SELECT a.id, a.removed_at FROM articles a JOIN article_urls u ON u.article_id = a.id "
            "WHERE u.url = ? AND a.last_seen <= ?", (normalize.canonical_url(url), now)).fetchone()
        if row is None or (row[1] is not None and row[1] <= now):
            return False
        self.conn.execute("UPDATE articles SET removed_at = ? WHERE id = ?", (now, row[0]))
        return row[1] is None

    # ------------------------------------------------------------ articles

    def record_article(self, item: ArticleItem, run_id: int | None) -> str:
        """Store an article as captured at ``now()``; returns ``new``, ``changed``, ``unchanged`` or ``duplicate``.

        Whether the page is an archived article is decided by one rule,
        :func:`g60crawler.archive.dedup.same_article`; a copy found under another
        URL is one more URL of it. Versions follow capture time: content captured
        after the current version's makes a new current version; content captured
        earlier only adds history (:meth:`_place_older`), never changes the current.
        """
        now = self.now()
        chash = content_hash(item)
        bhash = normalize.body_hash(item.body)
        urls = _unique([item.canonical_url] + [normalize.canonical_url(u) for u in [item.url, *item.aliases]])
        article_id = self._archived_copy(item, urls, bhash)
        if article_id is None:
            article_id, outcome = self._insert_article(item, chash, bhash, run_id, now), "new"
            version_id = self._version_id(article_id)
        else:
            (primary,) = self.conn.execute("SELECT canonical_url FROM articles WHERE id = ?", (article_id,)).fetchone()
            if primary not in urls:
                # another copy of an article archived under its first URL: only the
                # first URL makes versions, so two copies cannot flip-flop
                outcome, version_id = "duplicate", self._version_id(article_id)
            else:
                outcome, version_id = self._place(article_id, item, chash, bhash, run_id, now)
        self.conn.execute(
            "UPDATE articles SET last_seen = MAX(last_seen, ?), first_seen = MIN(first_seen, ?), "
            "removed_at = CASE WHEN removed_at > ? THEN removed_at END WHERE id = ?",  # an older capture keeps a tombstone
            (now, now, now, article_id))
        for url in urls:
            self.conn.execute(
                "INSERT INTO article_urls (url, article_id, section, content_hash, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                "content_hash = CASE WHEN excluded.last_seen >= article_urls.last_seen "
                "THEN excluded.content_hash ELSE article_urls.content_hash END, "
                "first_seen = MIN(article_urls.first_seen, excluded.first_seen), "
                "last_seen = MAX(article_urls.last_seen, excluded.last_seen)",
                (url, article_id, item.section, chash, now, now),
            )
        for capture in item.captures:
            self.store_capture(capture, run_id, version_id)
        for attachment in item.attachment_files:
            self.store_attachment(version_id, attachment)
        placeholders = ",".join("?" * len(urls))
        self.conn.execute(
            f"UPDATE failures SET resolved_at = ? WHERE resolved_at IS NULL AND last_failed <= ? "
            f"AND url IN ({placeholders})",  # an older capture does not resolve a newer failure
            (now, now, *urls),
        )
        return outcome

    def _archived_copy(self, item: ArticleItem, urls: list[str], bhash: str | None) -> int | None:
        """The id of the archived article this page is (by :func:`same_article`), or None.

        Candidates are the articles known under one of the page's URLs (or its
        canonical link), then those with the same normalised body; the rule decides.
        """
        known = _unique(urls + _canonical_link(item))
        placeholders = ",".join("?" * len(known))
        candidates = [row[0] for row in self.conn.execute(
            f"SELECT article_id FROM article_urls WHERE url IN ({placeholders}) ORDER BY url = ? DESC",
            (*known, item.canonical_url))]
        candidates += [row[0] for row in self.conn.execute(
            "SELECT id FROM articles WHERE body_hash = ? AND kind = ? ORDER BY id", (bhash, item.kind))]
        page = Evidence(item.title, item.body, frozenset(known), tuple(a.get("url") for a in item.attachments),
                        item.published, tuple(i.get("url") for i in item.images))
        for article_id in _unique(candidates):
            if same_article(page, self._evidence(article_id, known)):
                return article_id
        return None

    def _evidence(self, article_id: int, among: list[str]) -> Evidence:
        """What the archive knows of an article, for :func:`same_article`.

        :param article_id: the archived article.
        :param among: the page's URLs: only the article's URLs among them are read (all that
            :func:`same_article` compares), so an article with thousands of aliases costs no more.
        """
        title, body, attachments, published, images = self.conn.execute(
            "SELECT title, body, attachments, published, images FROM articles WHERE id = ?", (article_id,)).fetchone()
        placeholders = ",".join("?" * len(among))
        urls = frozenset(u for (u,) in self.conn.execute(
            f"SELECT url FROM article_urls WHERE article_id = ? AND url IN ({placeholders})", (article_id, *among)))
        return Evidence(title, body, urls, tuple(a.get("url") for a in json.loads(attachments)), published,
                        tuple(i.get("url") for i in json.loads(images or "[]")))

    def _insert_article(self, item: ArticleItem, chash: str, bhash: str, run_id, now: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO articles (canonical_url, kind, section, title, summary, body, editor, source, "
            "author, published, published_date, images, attachments, extraction, encoding, body_hash, "
            "content_hash, current_version, first_seen, last_seen, last_changed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (item.canonical_url, item.kind, item.section, item.title, item.summary, item.body,
             item.editor, item.source, item.author, item.published, published_date(item.published),
             _json(item.images),
             _json(item.attachments), item.extraction, item.encoding, bhash, chash, now, now, now),
        )
        self._insert_version(cur.lastrowid, 1, item, chash, run_id, now)
        self._derive(cur.lastrowid, item)
        return cur.lastrowid

    def _derive(self, article_id: int, item: ArticleItem) -> None:
        """Fields computed from the content: the cities and the full-text index."""
        self.conn.execute("UPDATE articles SET cities = ? WHERE id = ?",
                          (_json(cities_in(item.title, item.summary, item.body)), article_id))
        fts.index(self.conn, article_id)

    # ------------------------------------------------------------ reparse

    def list_entry(self, url: str) -> ListEntry | None:
        """The first list entry seen for a URL (its title and date are evidence for the article)."""
        row = self.conn.execute(
            "SELECT url, section, list_title, list_date, list_url FROM listings WHERE url = ? "
            "ORDER BY first_seen LIMIT 1", (normalize.canonical_url(url),)).fetchone()
        return ListEntry(*row) if row else None

    def reparsed(self, article_id: int, item: ArticleItem) -> bool:
        """Apply a re-extraction: a new version if the content changed; derived fields always.

        Returns True if a new version was made.
        """
        chash = content_hash(item)
        (current,) = self.conn.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        if current != chash:
            self._new_version(article_id, item, chash, normalize.body_hash(item.body), None, self.now())
            self.conn.execute("UPDATE article_urls SET content_hash = ? WHERE url = ?", (chash, item.canonical_url))
            return True
        self._derive(article_id, item)
        return False

    def link_capture(self, capture_id: int, canonical_url: str) -> None:
        """Link a stored capture to the current version of the article at a URL."""
        self.conn.execute(
            "UPDATE captures SET version_id = (SELECT v.id FROM article_versions v JOIN articles a "
            "ON a.id = v.article_id AND v.version = a.current_version JOIN article_urls u "
            "ON u.article_id = a.id WHERE u.url = ?) WHERE id = ?", (canonical_url, capture_id))

    # ------------------------------------------------------------ reading

    def article(self, id_or_url: str | int) -> dict | None:
        """One article in full: fields, sections, URLs and every version (None if unknown).

        :param id_or_url: the article's id, or any URL it was found under.
        """
        if str(id_or_url).isdigit():
            where, key = "a.id = ?", int(id_or_url)
        else:
            where, key = "a.id = (SELECT article_id FROM article_urls WHERE url = ?)", normalize.canonical_url(
                str(id_or_url))
        article = next(self.db.query(f"SELECT a.* FROM articles a WHERE {where}", (key,)), None)
        if article is None:
            return None
        for name in ("images", "attachments", "cities"):
            article[name] = json.loads(article[name])
        article_id = article["id"]
        article["sections"] = [s for (s,) in self.conn.execute(
            "SELECT DISTINCT section FROM article_sections WHERE article_id = ? ORDER BY section", (article_id,))]
        article["urls"] = [u for (u,) in self.conn.execute(
            "SELECT url FROM article_urls WHERE article_id = ? ORDER BY first_seen, url", (article_id,))]
        article["versions"] = list(self.db.query(
            "SELECT version, url, title, summary, body, editor, source, author, published, published_date, seen_at, "
            "superseded_at, "
            "extraction FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)))
        (current_id,) = self.conn.execute(
            "SELECT id FROM article_versions WHERE article_id = ? AND version = ?",
            (article_id, article["current_version"])).fetchone()
        article["attachment_files"] = self.attachments(current_id)
        for name in ("body_hash", "content_hash"):
            article.pop(name)
        return article

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for tests, reports and `runs`)."""
        tables = ("articles", "article_versions", "article_urls", "listings", "captures", "blobs",
                  "failures", "crawl_runs")
        return {t: self.db[t].count for t in tables}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _canonical_link(item: ArticleItem) -> list[str]:
    """The page's canonical link as evidence, when it names an article on the portal (not a section or home page)."""
    if not item.canonical_link:
        return []
    url = normalize.canonical_url(item.canonical_link)
    return [url] if portal.current().is_article(url) else []


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
