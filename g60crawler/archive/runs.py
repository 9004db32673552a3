"""The archive's record of crawl runs: start, end, counts, health (a part of Archive)."""

from __future__ import annotations

import json

from ..health import RunMetrics


class RunLog:
    """``crawl_runs``: used as a base of :class:`g60crawler.archive.Archive` (needs ``conn``, ``db`` and ``now``)."""

    def start_run(self, spider: str, settings: dict) -> int:
        """Record the start of a crawl; returns its run id (committed at once)."""
        cur = self.conn.execute(
            "INSERT INTO crawl_runs (started_at, spider, settings) VALUES (?, ?, ?)",
            (self.now(), spider, json.dumps(settings, ensure_ascii=False, sort_keys=True)),
        )
        self.conn.commit()
        return cur.lastrowid

    def finish_run(self, run_id: int, reason: str, counts: dict[str, int], stats: dict | None = None,
                   exit_code: int | None = None, problems: list[str] | None = None) -> None:
        """Record the end of a crawl: its counts, health, exit status and the crawler's stats."""
        columns = ("pages_fetched", "pages_ok", "articles_new", "articles_changed", "articles_unchanged",
                   "duplicates", "failures", "items", "generic", "with_published", "with_editor",
                   "with_summary", "not_modified", "tombstones")
        assignments = ", ".join(f"{c} = ?" for c in columns)
        self.conn.execute(
            f"UPDATE crawl_runs SET finished_at = ?, finish_reason = ?, {assignments}, stats = ?, "
            "exit_code = ?, problems = ? WHERE id = ?",
            (self.now(), reason, *(int(counts.get(c, 0)) for c in columns),
             json.dumps(stats or {}, default=str, sort_keys=True), exit_code,
             json.dumps(problems or [], ensure_ascii=False), run_id),
        )
        self.conn.commit()

    def recent_metrics(self, limit: int, before_run: int | None = None) -> list[RunMetrics]:
        """Metrics of the latest healthy runs that finished normally, newest first (the health baseline).

        A red run is left out, so a broken template never becomes what is normal; so is
        a run stopped early (Ctrl-C, a CLOSESPIDER_* limit: finish reason not
        ``finished``), whose few articles are no measure of a whole run.
        """
        rows = self.conn.execute(
            "SELECT pages_ok, items, failures, generic, with_published, with_editor, with_summary "
            "FROM crawl_runs WHERE finished_at IS NOT NULL AND finish_reason = 'finished' AND exit_code = 0 AND id < ? "
            "ORDER BY id DESC LIMIT ?",
            (before_run if before_run is not None else 2**62, limit),
        ).fetchall()
        return [RunMetrics(*row) for row in rows]

    def runs(self, limit: int = 20) -> list[dict]:
        """The latest runs, newest first, as dicts (for `g60crawler runs`)."""
        return list(self.db.query(
            "SELECT id, started_at, finished_at, finish_reason, exit_code, pages_fetched, articles_new, "
            "articles_changed, articles_unchanged, not_modified, duplicates, failures, tombstones, problems "
            "FROM crawl_runs ORDER BY id DESC LIMIT ?", (limit,)))
