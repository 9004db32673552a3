"""An article's versions, ordered by capture time (a part of Archive).

Content captured after the current version's makes a new current version;
content captured earlier only adds history: the versions are renumbered so
that ``version`` follows ``seen_at`` (docs/schema.md).
"""

from __future__ import annotations

import json

from ..items import ArticleItem
from .published import published_date


class VersionHistory:
    """``article_versions``: a base of :class:`g60crawler.archive.Archive` (needs ``conn`` and ``_derive``)."""

    def _version_id(self, article_id: int) -> int:
        """The id of an article's current version."""
        return self.conn.execute(
            "SELECT v.id FROM article_versions v JOIN articles a ON a.id = v.article_id "
            "AND v.version = a.current_version WHERE a.id = ?", (article_id,)).fetchone()[0]

    def _place(self, article_id: int, item: ArticleItem, chash: str, bhash: str, run_id, now: str) -> tuple[str, int]:
        """Add content captured at ``now`` to an article's history; returns (outcome, its version's id)."""
        current_id, current_hash, current_seen = self.conn.execute(
            "SELECT v.id, v.content_hash, v.seen_at FROM article_versions v JOIN articles a ON a.id = v.article_id "
            "AND v.version = a.current_version WHERE a.id = ?", (article_id,)).fetchone()
        if now < current_seen:
            return self._place_older(article_id, item, chash, run_id, now)
        (url_hash,) = self.conn.execute("SELECT content_hash FROM article_urls WHERE url = ?",
                                        (item.canonical_url,)).fetchone() or (None,)
        if chash in (current_hash, url_hash):
            return "unchanged", current_id
        self._new_version(article_id, item, chash, bhash, run_id, now)
        return "changed", self._version_id(article_id)

    def _place_older(self, article_id: int, item: ArticleItem, chash: str, run_id, now: str) -> tuple[str, int]:
        """Content captured before the current version's capture: history only, the current stays.

        The capture falls in the time of some version (or before the first): the
        same content there changes nothing; the content of the next version starts
        that version earlier; other content is inserted as a version of its own,
        and the versions are renumbered in capture order.
        """
        versions = self.conn.execute(
            "SELECT id, content_hash, seen_at FROM article_versions WHERE article_id = ? ORDER BY version",
            (article_id,)).fetchall()
        before = [v for v in versions if v[2] <= now]
        previous = before[-1] if before else None
        following = versions[len(before)]
        if previous is not None and previous[1] == chash:
            return "unchanged", previous[0]
        if previous is not None:
            self.conn.execute("UPDATE article_versions SET superseded_at = ? WHERE id = ?", (now, previous[0]))
        if following[1] == chash:
            self.conn.execute("UPDATE article_versions SET seen_at = ? WHERE id = ?", (now, following[0]))
            return "unchanged", following[0]
        self.conn.execute("UPDATE article_versions SET version = -version WHERE article_id = ?", (article_id,))
        self._insert_version(article_id, 0, item, chash, run_id, now)
        (version_id,) = self.conn.execute(
            "SELECT id FROM article_versions WHERE article_id = ? AND version = 0", (article_id,)).fetchone()
        self.conn.execute("UPDATE article_versions SET superseded_at = ? WHERE id = ?", (following[2], version_id))
        self.conn.execute(
            "UPDATE article_versions SET version = (SELECT COUNT(*) FROM article_versions w "
            "WHERE w.article_id = article_versions.article_id AND (w.seen_at < article_versions.seen_at "
            "OR (w.seen_at = article_versions.seen_at AND w.id <= article_versions.id))) WHERE article_id = ?",
            (article_id,))
        self.conn.execute(
            "UPDATE articles SET current_version = (SELECT MAX(version) FROM article_versions "
            "WHERE article_id = articles.id) WHERE id = ?", (article_id,))
        return "changed", version_id

    def _insert_version(self, article_id: int, version: int, item: ArticleItem, chash: str,
                        run_id, now: str) -> None:
        self.conn.execute(
            "INSERT INTO article_versions (article_id, version, url, title, summary, body, editor, "
            "source, author, published, published_date, images, attachments, extraction, content_hash, seen_at, "
            "run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, version, item.canonical_url, item.title, item.summary, item.body, item.editor,
             item.source, item.author, item.published, published_date(item.published), _json(item.images),
             _json(item.attachments),
             item.extraction, chash, now, run_id),
        )

    def _new_version(self, article_id: int, item: ArticleItem, chash: str, bhash: str, run_id,
                     now: str) -> None:
        (version,) = self.conn.execute(
            "SELECT current_version FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        self.conn.execute(
            "UPDATE article_versions SET superseded_at = ? WHERE article_id = ? AND version = ?",
            (now, article_id, version),
        )
        self._insert_version(article_id, version + 1, item, chash, run_id, now)
        self.conn.execute(
            "UPDATE articles SET title = ?, summary = ?, body = ?, editor = ?, source = ?, author = ?, "
            "published = ?, published_date = ?, images = ?, attachments = ?, extraction = ?, encoding = ?, "
            "body_hash = ?, content_hash = ?, current_version = ?, last_changed = ? WHERE id = ?",
            (item.title, item.summary, item.body, item.editor, item.source, item.author,
             item.published, published_date(item.published), _json(item.images), _json(item.attachments), item.extraction,
             item.encoding, bhash, chash, version + 1, now, article_id),
        )
        self._derive(article_id, item)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
