"""Datasette plugin: SQL functions that make the full-text search work in Chinese.

Registered through the ``datasette`` entry point in pyproject.toml, so any
Datasette in this environment gets them:

- ``g60_match(q)``: the safe FTS5 expression for what a user typed (archive/fts.py);
  text that has nothing to search for gives an expression that matches nothing.
- ``g60_snippet(title, summary, body, q)``: a passage around the first match.
"""

from __future__ import annotations

from datasette import hookimpl

from ..archive.fts import QueryError, parse_query
from ..archive.search import snippet

NOTHING = '"g60 nothing matches this"'  # three tokens that never follow each other in the index


def g60_match(text: str | None) -> str:
    try:
        query = parse_query(text or "")
    except QueryError:
        return NOTHING
    # single characters have no bigram token: look for them as a one-token prefix instead
    parts = [query.match] if query.match else []
    parts += [f'"{c}"*' for c in query.singles]
    return " AND ".join(parts) or NOTHING


def g60_snippet(title: str | None, summary: str | None, body: str | None, text: str | None) -> str:
    try:
        terms = parse_query(text or "").terms
    except QueryError:
        terms = ()
    return snippet(terms, title, summary, body)


@hookimpl
def prepare_connection(conn):
    conn.create_function("g60_match", 1, g60_match, deterministic=True)
    conn.create_function("g60_snippet", 4, g60_snippet, deterministic=True)
