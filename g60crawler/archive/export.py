"""Exports that stream: JSON Lines and CSV, one article at a time, never the whole archive in memory."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .search import Filters, iter_articles

#: Exported columns, in order (``sections`` is added from the article's list entries).
EXPORT_COLUMNS = ("id", "canonical_url", "kind", "title", "summary", "body", "editor", "source", "author",
                  "published", "published_date", "cities", "images", "attachments", "extraction", "first_seen", "last_changed",
                  "current_version", "removed_at")
_JSON_COLUMNS = ("cities", "images", "attachments")

#: What a spreadsheet takes as the start of a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet shows as text: a leading ``'`` before ``= + - @``, tab or CR.

    The sign counts after leading white space (spaces, NBSP, the ideographic space, line
    breaks) and in its full-width or small forms (＝ ＋ － ＠ ﹦), which spreadsheets in CJK
    locales also evaluate.

    :param value: the cell (anything not a string is returned as it is).
    """
    if isinstance(value, str) and (value.startswith(FORMULA_START) or _sign_first(value)):
        return "'" + value
    return value


def _sign_first(value: str) -> bool:
    """Whether the first character after white space is a formula sign in any width.

    :param value: the cell.
    """
    first = value.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first) in FORMULA_START


@contextlib.contextmanager
def written_atomically(path: Path, encoding: str) -> Iterator[TextIO]:
    """A text file that appears at ``path`` only when complete: written beside it, then renamed.

    On any error (a full disk, an interruption) the partial file is removed and ``path``
    is left as it was.

    A path that is not a regular file (a FIFO, ``/dev/stdout``, a device) is written into
    directly: renaming over it would replace the pipe or the device with a regular file.

    :param path: the file to write.
    :param encoding: its text encoding.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "w", encoding=encoding, newline="") as stream:
            yield stream
        return
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the user's umask applies
    try:
        with open(fd, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


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
    attachments as JSON text. A cell a spreadsheet would run as a formula gets a
    leading ``'`` (:func:`spreadsheet_safe`). Returns the number of articles.
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
        writer.writerow([spreadsheet_safe(row[c]) for c in columns])
        n += 1
    return n
