"""What an incremental crawl must fetch, read from the archive (a part of Archive)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from .. import normalize
from ..items import ListEntry
from ..schedule import revisit_due, stale

#: Failure reasons that a normal run does not retry (a full run or a revisit may).
PERMANENT_REASONS = ("http 404", "http 410", "soft 404", "no body", "no title")


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

    def missing_between(self, section: str, pairs: list[tuple[str, str]]) -> list[Revisit]:
        """Archived articles last listed between two entries that a list page now shows side by side.

        Evidence of a removal: at their last sighting the three were in this order
        in the section's list (on one list page, or across the boundary of two
        consecutive pages), and the one between was seen with a neighbour; now the
        neighbours are adjacent.

        :param section: the section of the list page.
        :param pairs: (url, next url) of the entries now adjacent on the page, in its order.
        """
        found: dict[str, None] = {}
        for before, after in pairs:
            for (url,) in self.conn.execute(
                "SELECT x.url FROM listings a JOIN listings b ON b.section = a.section "
                "JOIN listings x ON x.section = a.section "
                "JOIN article_urls u ON u.url = x.url JOIN articles ar ON ar.id = u.article_id "
                "WHERE a.section = ? AND a.url = ? AND b.url = ? AND ar.removed_at IS NULL "
                "AND (a.list_page, a.position) < (x.list_page, x.position) "
                "AND (x.list_page, x.position) < (b.list_page, b.position) "
                "AND ((a.list_url = b.list_url AND a.last_seen = b.last_seen) OR b.list_page = a.list_page + 1) "
                "AND ((x.list_url = a.list_url AND x.last_seen = a.last_seen) "
                "OR (x.list_url = b.list_url AND x.last_seen = b.last_seen)) ORDER BY x.list_page, x.position",
                (section, normalize.canonical_url(before), normalize.canonical_url(after)),
            ):
                found[url] = None
        return [self._revisit(url, "article") for url in found]

    def open_entries(self, sections: list[str]) -> list[ListEntry]:
        """List entries still open: listed, but neither archived nor failed for good.

        Their request failed for a reason a normal run retries (a 503, an incomplete
        split article), or never ended: a run stopped (Ctrl-C, a CLOSESPIDER_* limit)
        after recording the list page but before the article.

        :param sections: the sections of this run.
        """
        placeholders = ",".join("?" * len(PERMANENT_REASONS))
        sections_in = ",".join("?" * len(sections))
        rows = self.conn.execute(
            "SELECT l.url, l.section, l.list_title, l.list_date, l.list_url FROM listings l "
            f"WHERE l.section IN ({sections_in}) "
            "AND NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = l.url) "
            "AND NOT EXISTS (SELECT 1 FROM failures p WHERE p.url = l.url AND p.resolved_at IS NULL "
            f"AND p.reason IN ({placeholders})) GROUP BY l.url ORDER BY l.url",
            (*sections, *PERMANENT_REASONS),
        ).fetchall()
        return [ListEntry(*row) for row in rows]

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
