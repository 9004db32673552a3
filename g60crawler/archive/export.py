"""Exports that stream: JSON Lines and CSV, one article at a time, never the whole archive in memory."""

from __future__ import annotations

import csv
import json
import sqlite3
from typing import TextIO

from .search import Filters, iter_articles

#: Exported columns, in order (``sections`` is added from the article's list entries).
EXPORT_COLUMNS = ("id", "canonical_url", "kind", "title", "summary", "body", "editor", "source", "author",
                  "published", "cities", "images", "attachments", "extraction", "first_seen", "last_changed",
                  "current_version", "removed_at")
_JSON_COLUMNS = ("cities", "images", "attachments")


_ATTACHMENT_PATHS = (
    "SELECT f.path FROM article_attachments t JOIN attachment_files f ON f.sha256 = t.sha256 "
    "JOIN article_versions v ON v.id = t.version_id JOIN articles a ON a.id = v.article_id "
    "AND v.version = a.current_version WHERE a.id = ? ORDER BY t.id")


def _rows(conn: sqlite3.Connection, filters: Filters, query: str | None, with_attachments: bool = False):
    for row in iter_articles(conn, filters, query, EXPORT_COLUMNS):
        row["sections"] = row["sections"].split(",") if row["sections"] else []
        if with_attachments:
            row["attachment_paths"] = [p for (p,) in conn.execute(_ATTACHMENT_PATHS, (row["id"],))]
        yield row


def write_jsonl(conn: sqlite3.Connection, out: TextIO, filters: Filters = Filters(),
                query: str | None = None, with_attachments: bool = False) -> int:
    """Write one JSON object per line (UTF-8, not escaped); returns the number of articles."""
    n = 0
    for row in _rows(conn, filters, query, with_attachments):
        for key in _JSON_COLUMNS:
            row[key] = json.loads(row[key])
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(conn: sqlite3.Connection, out: TextIO, filters: Filters = Filters(),
              query: str | None = None, with_attachments: bool = False) -> int:
    """Write CSV (the caller opens ``out`` as ``utf-8-sig`` so spreadsheets read it as UTF-8).

    List columns are joined: sections and cities by ``;``, images and
    attachments as JSON text. Returns the number of articles.
    """
    columns = (*EXPORT_COLUMNS, "sections", *(("attachment_paths",) if with_attachments else ()))
    writer = csv.writer(out)
    writer.writerow(columns)
    n = 0
    for row in _rows(conn, filters, query, with_attachments):
        row["cities"] = ";".join(json.loads(row["cities"]))
        row["sections"] = ";".join(row["sections"])
        if with_attachments:
            row["attachment_paths"] = ";".join(row["attachment_paths"])
        writer.writerow([row[c] for c in columns])
        n += 1
    return n
