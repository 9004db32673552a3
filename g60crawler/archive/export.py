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


def _rows(conn: sqlite3.Connection, filters: Filters, query: str | None):
    for row in iter_articles(conn, filters, query, EXPORT_COLUMNS):
        row["sections"] = row["sections"].split(",") if row["sections"] else []
        yield row


def write_jsonl(conn: sqlite3.Connection, out: TextIO, filters: Filters = Filters(),
                query: str | None = None) -> int:
    """Write one JSON object per line (UTF-8, not escaped); returns the number of articles."""
    n = 0
    for row in _rows(conn, filters, query):
        for key in _JSON_COLUMNS:
            row[key] = json.loads(row[key])
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(conn: sqlite3.Connection, out: TextIO, filters: Filters = Filters(),
              query: str | None = None) -> int:
    """Write CSV (the caller opens ``out`` as ``utf-8-sig`` so spreadsheets read it as UTF-8).

    List columns are joined: sections and cities by ``;``, images and
    attachments as JSON text. Returns the number of articles.
    """
    writer = csv.writer(out)
    writer.writerow([*EXPORT_COLUMNS, "sections"])
    n = 0
    for row in _rows(conn, filters, query):
        row["cities"] = ";".join(json.loads(row["cities"]))
        row["sections"] = ";".join(row["sections"])
        writer.writerow([row[c] for c in (*EXPORT_COLUMNS, "sections")])
        n += 1
    return n
