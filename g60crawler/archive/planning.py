"""What an incremental crawl must fetch, read from the archive (a part of Archive)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from .. import normalize
from ..items import ListEntry
from ..schedule import revisit_due, stale

#: Failure reasons that a normal run does not retry (a full run or a revisit may).
PERMANENT_REASONS = ("http 404", "http 410", "no body", "no title")


@dataclass
class Revisit:
    """An archived page due to be fetched again, with what makes the request conditional."""

    url: str
    kind: str
    entry: ListEntry | None
    etag: str | None
    last_modified: str | None


class FetchPlanning:
    """Known URLs, due revisits, swept sections: a base of :class:`g60crawler.archive.Archive`."""

    def is_known(self, url: str) -> bool:
        """True if a normal run need not fetch this URL: archived, or failed for good."""
        url = normalize.canonical_url(url)
        placeholders = ",".join("?" * len(PERMANENT_REASONS))
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM article_urls WHERE url = ?) OR EXISTS (SELECT 1 FROM failures "
            f"WHERE url = ? AND resolved_at IS NULL AND reason IN ({placeholders}))",
            (url, url, *PERMANENT_REASONS),
        ).fetchone()[0] == 1

    def due_revisits(self, now: datetime, days: tuple[int, ...], page_max_age: float) -> list[Revisit]:
        """Articles due for a revisit by the schedule, and static pages gone stale.

        :param now: the time of this run.
        :param days: revisit points in days after publication (``G60_REVISIT_DAYS``).
        :param page_max_age: days after which a static page is fetched again.
        """
        due = []
        # only an article whose last revisit point lies after its last fetch can be due;
        # SQLite narrows the scan (a day of slack for time zones), revisit_due decides
        for url, kind, published, last_seen in self.conn.execute(
            "SELECT canonical_url, kind, published, last_seen FROM articles WHERE removed_at IS NULL "
            "AND ((kind = 'article' AND julianday(published) + ? + 1 > julianday(last_seen)) OR kind = 'page')",
            (max(days, default=0),),
        ):
            if (kind == "page" and stale(last_seen, now, page_max_age)) or (
                kind == "article" and revisit_due(published, last_seen, now, days)
            ):
                due.append(self._revisit(url, kind))
        return due

    def listed_between(self, section: str, newer: str, older: str) -> list[Revisit]:
        """Archived articles a section listed with a date strictly between two dates.

        A list page whose entries span these dates should still show them: one
        that is missing was probably removed, and is worth a revisit.
        """
        rows = self.conn.execute(
            "SELECT DISTINCT l.url FROM listings l JOIN article_urls u ON u.url = l.url "
            "JOIN articles a ON a.id = u.article_id WHERE l.section = ? AND l.list_date > ? "
            "AND l.list_date < ? AND a.removed_at IS NULL ORDER BY l.url",
            (section, older, newer),
        ).fetchall()
        return [self._revisit(url, "article") for (url,) in rows]

    def _revisit(self, url: str, kind: str) -> Revisit:
        entry = None
        row = self.conn.execute(
            "SELECT section, list_title, list_date, list_url FROM listings WHERE url = ? "
            "ORDER BY first_seen LIMIT 1", (url,)).fetchone()
        if row:
            entry = ListEntry(url, row[0], row[1], row[2], row[3])
        headers = self.conn.execute(
            "SELECT headers FROM captures WHERE url = ? AND status = 200 ORDER BY last_fetched DESC LIMIT 1",
            (url,)).fetchone()
        found = {k.lower(): v for k, v in json.loads(headers[0]).items()} if headers else {}
        return Revisit(url, kind, entry, found.get("etag"), found.get("last-modified"))

    def mark_swept(self, section: str) -> None:
        """Remember that a section's list pages were walked to the last one."""
        self.conn.execute(
            "INSERT INTO section_sweeps (section, swept_at) VALUES (?, ?) "
            "ON CONFLICT(section) DO UPDATE SET swept_at = excluded.swept_at", (section, self.now()))

    def swept_sections(self) -> set[str]:
        return {s for (s,) in self.conn.execute("SELECT section FROM section_sweeps")}

    def record_not_modified(self, url: str) -> None:
        """A revisit answered 304 Not Modified: the article was checked, nothing changed."""
        url = normalize.canonical_url(url)
        self.conn.execute(
            "UPDATE articles SET last_seen = ?, removed_at = NULL WHERE id = "
            "(SELECT article_id FROM article_urls WHERE url = ?)", (self.now(), url))
        self.conn.execute(
            "UPDATE captures SET last_fetched = ? WHERE id = (SELECT id FROM captures WHERE url = ? "
            "ORDER BY last_fetched DESC LIMIT 1)", (self.now(), url))
