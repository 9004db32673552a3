"""The archive's schema, created and upgraded by numbered migrations.

A migration is applied once, in order, inside a transaction, and recorded in
``schema_migrations``. Never edit a released migration: add the next one.
docs/schema.md describes every table and column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

from . import fts, published

#: (number, description, SQL script or a function of the connection that does the change)
MIGRATIONS: list[tuple[int, str, str | Callable[[sqlite3.Connection], object]]] = [
    (1, "initial schema", """
CREATE TABLE sections (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('news', 'page'))
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'page')),
    section TEXT,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    editor TEXT,
    source TEXT,
    author TEXT,
    published TEXT,
    images TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    extraction TEXT NOT NULL,
    encoding TEXT,
    body_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX articles_body_hash ON articles(body_hash);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    editor TEXT,
    source TEXT,
    author TEXT,
    published TEXT,
    images TEXT NOT NULL,
    attachments TEXT NOT NULL,
    extraction TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    superseded_at TEXT,
    run_id INTEGER REFERENCES crawl_runs(id),
    UNIQUE (article_id, version)
);

CREATE TABLE article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    section TEXT,
    content_hash TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX article_urls_article ON article_urls(article_id);

CREATE TABLE listings (
    url TEXT NOT NULL,
    section TEXT NOT NULL,
    list_url TEXT,
    list_title TEXT,
    list_date TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (url, section)
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    compression TEXT NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    first_fetched TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    version_id INTEGER REFERENCES article_versions(id),
    run_id INTEGER REFERENCES crawl_runs(id),
    UNIQUE (url, sha256)
);

CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT,
    section TEXT,
    capture_id INTEGER REFERENCES captures(id),
    first_failed TEXT NOT NULL,
    last_failed TEXT NOT NULL,
    times INTEGER NOT NULL DEFAULT 1,
    last_run_id INTEGER REFERENCES crawl_runs(id),
    resolved_at TEXT,
    UNIQUE (url, reason)
);

CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    finish_reason TEXT,
    spider TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_changed INTEGER NOT NULL DEFAULT 0,
    articles_unchanged INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    stats TEXT NOT NULL DEFAULT '{}'
);

-- every section an article appeared under: its list entries and its own URL
CREATE VIEW article_sections AS
    SELECT DISTINCT u.article_id, l.section
    FROM article_urls u JOIN listings l ON l.url = u.url
    UNION
    SELECT DISTINCT u.article_id, u.section
    FROM article_urls u WHERE u.section IS NOT NULL;
"""),
    (2, "scheduled runs: run health, sweeps of section lists", """
ALTER TABLE crawl_runs ADD COLUMN pages_ok INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN generic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN with_published INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN with_editor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN with_summary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN tombstones INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN exit_code INTEGER;
ALTER TABLE crawl_runs ADD COLUMN problems TEXT NOT NULL DEFAULT '[]';

-- a section whose list pages were once walked to the last one: from then on a
-- run may stop paging at the first page that holds nothing new
CREATE TABLE section_sweeps (
    section TEXT PRIMARY KEY,
    swept_at TEXT NOT NULL
);
"""),
    (3, "research: cities, Chinese full-text index, views for common questions", """
ALTER TABLE articles ADD COLUMN cities TEXT NOT NULL DEFAULT '[]';

-- segmented text (character bigrams, see archive/fts.py), rowid = articles.id,
-- kept in step by the archive library on every insert and new version
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61');

CREATE VIEW articles_per_section_month AS
    SELECT s.section, sec.name AS section_name, substr(a.published, 1, 7) AS month, COUNT(*) AS articles
    FROM article_sections s JOIN articles a ON a.id = s.article_id
    JOIN sections sec ON sec.slug = s.section
    WHERE a.kind = 'article'
    GROUP BY s.section, month ORDER BY s.section, month;

CREATE VIEW editors_per_section AS
    SELECT a.editor, s.section, sec.name AS section_name, COUNT(*) AS articles,
           MIN(a.published) AS first_published, MAX(a.published) AS last_published
    FROM article_sections s JOIN articles a ON a.id = s.article_id
    JOIN sections sec ON sec.slug = s.section
    WHERE a.kind = 'article' AND a.editor IS NOT NULL
    GROUP BY a.editor, s.section ORDER BY articles DESC, a.editor;

CREATE VIEW articles_per_city_month AS
    SELECT c.value AS city, substr(a.published, 1, 7) AS month, COUNT(*) AS articles
    FROM articles a, json_each(a.cities) c
    WHERE a.kind = 'article'
    GROUP BY city, month ORDER BY city, month;
"""),
    (4, "attachments: files stored once by content hash, linked to article versions", """
CREATE TABLE attachment_files (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT,
    path TEXT NOT NULL,
    first_stored TEXT NOT NULL
);

CREATE TABLE article_attachments (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES article_versions(id),
    url TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('stored', 'skipped', 'failed')),
    sha256 TEXT REFERENCES attachment_files(sha256),
    size INTEGER,
    mime TEXT,
    reason TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    fetched_at TEXT,
    UNIQUE (version_id, url)
);
"""),
    (5, "index for list entries by section and date (vanished-from-list checks)", """
CREATE INDEX listings_section_date ON listings(section, list_date);
"""),
    (6, "place of a list entry in its section's list: page and position (removals inferred from neighbours)", """
ALTER TABLE listings ADD COLUMN list_page INTEGER;
ALTER TABLE listings ADD COLUMN position INTEGER;
"""),
    (7, "published_date: the day of published, always YYYY-MM-DD (NULL when no full date is known)", f"""
ALTER TABLE articles ADD COLUMN published_date TEXT;
ALTER TABLE article_versions ADD COLUMN published_date TEXT;
UPDATE articles SET published_date = {published.SQL};
UPDATE article_versions SET published_date = {published.SQL};
"""),
    # the index kept a second, segmented copy of every text (a third of the archive); it is made
    # again without it, and every article is indexed from its current version (archive/fts.py)
    (8, "contentless full-text index: articles_fts without a stored copy of the text; an index for searches",
     lambda conn: _migration_8(conn)),
    # relevance ranks title (and summary) matches first, from an index of those two columns alone
    (9, "titles' full-text index: articles_fts_title (title, summary), ranked first by relevance searches",
     lambda conn: fts.rebuild_titles(conn)),
]


def _migration_8(conn: sqlite3.Connection) -> None:
    """The index made again without its copy of the text, and the covering index searches join to."""
    fts.rebuild(conn)
    # what a search checks of each match (its kind, its date), 4 MB at 100,000 articles where the
    # articles table's rows (their bodies) are 900 MB: a frequent term's matches are read from here
    conn.execute(f"CREATE INDEX {fts.SEARCH_INDEX} ON articles(id, kind, published)")


#: The newest schema this code knows; an archive above it is refused (it was written by a newer g60crawler).
LATEST_VERSION = MIGRATIONS[-1][0]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def current_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied, 0 for an empty database."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def _statements(sql: str):
    """The SQL statements of a migration script, one by one (triggers kept whole)."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""
    if statement.strip():
        yield statement


def is_archive(conn: sqlite3.Connection) -> bool:
    """Whether the database holds g60crawler's migration record (read only)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone() is not None


def archive_version(conn: sqlite3.Connection) -> int:
    """The archive's schema version: the higher of its migration record and ``PRAGMA user_version``."""
    return max(current_version(conn), conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations not yet applied; return their numbers.

    :param conn: an open connection (its pending transaction is committed first).
    """
    conn.commit()
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    conn.commit()
    done = current_version(conn)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= done:
            continue
        # The DDL and its record commit together, or not at all; the write lock is taken first, so
        # two processes opening a new archive at once (a crawl and a reader) cannot apply it twice.
        try:
            conn.execute("BEGIN IMMEDIATE")
            if current_version(conn) >= version:
                conn.rollback()
                continue
            if callable(sql):
                sql(conn)
            else:
                for statement in _statements(sql):
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (version, description, _now()),
            )
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        applied.append(version)
    version = current_version(conn)
    if conn.execute("PRAGMA user_version").fetchone()[0] != version:
        # also in the file header, where any SQLite tool (and an older g60crawler) can see it
        conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.commit()
    return applied
