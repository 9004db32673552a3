"""Datasette plugin: Chinese full-text search in SQL, and the researcher's pages under ``/-/g60/``.

Registered through the ``datasette`` entry point in pyproject.toml, so any
Datasette in this environment gets them:

- ``g60_match(q)``: the safe FTS5 expression for what a user typed (archive/fts.py);
  text that has nothing to search for gives an expression that matches nothing.
- ``g60_search(q, kind)``: the ids of the articles ``g60crawler search`` finds (archive/search.py's
  ``matching_ids``, the same function the CLI and the web view's search page use), a JSON array in
  relevance order; the canned ``search`` query joins ``json_each`` of it, so all three agree.
- ``g60_snippet(title, summary, body, q)``: a passage around the first match, plain text;
  on an HTML page of a query with a ``q`` parameter (the canned ``search``), render_cell
  escapes it and marks the words of ``q`` with ``<mark>``. JSON and CSV keep the plain text.
"""

from __future__ import annotations

import contextvars
import json
from html import escape
from urllib.parse import parse_qs

from datasette import hookimpl
from markupsafe import Markup

from ..archive.fts import QueryError, QueryTooLong, parse_query
from ..archive.search import Filters, SearchError, SearchQueryTooLong, kind_filter, matching_ids, passage
from .highlight import highlight

#: the query string of the request being answered (render_cell is not given the request in Datasette 0.65)
_QUERY_STRING: contextvars.ContextVar[bytes] = contextvars.ContextVar("g60_query_string", default=b"")

NOTHING = '"g60 nothing matches this"'  # three tokens that never follow each other in the index


def g60_match(text: str | None) -> str:
    try:
        query = parse_query(text or "")
    except QueryTooLong:
        raise  # Datasette shows the query's error: never the matches of a cut query, nor none
    except QueryError:
        return NOTHING
    # single characters have no bigram token: look for them as a one-token prefix instead
    parts = [query.match] if query.match else []
    parts += [f'"{c}"*' for c in query.singles]
    return " AND ".join(parts) or NOTHING


def search_ids(conn, text: str | None, kind: str | None) -> str:
    """The ids ``g60crawler search TEXT --kind KIND --limit 0`` finds, as a JSON array (``[]``: nothing to search).

    :param conn: the connection the SQL function runs on (Datasette's read-only one).
    :param text: what the user typed.
    :param kind: article (also '' or None), page or all.
    :raises SearchError: for a kind that is none of these (Datasette shows the query's error).
    """
    filters = Filters(kind=kind_filter(kind))
    try:
        return json.dumps(matching_ids(conn, text or "", filters))
    except SearchQueryTooLong:
        raise
    except SearchError:
        if not (text or "").strip() or _terms(text) == ():
            return "[]"  # an empty form, or only punctuation: nothing to look for
        raise


def _terms(text: str | None) -> tuple[str, ...]:
    try:
        return parse_query(text or "").terms
    except QueryError:
        return ()


def g60_snippet(title: str | None, summary: str | None, body: str | None, text: str | None) -> str:
    """The plain passage around the first match (HTML pages mark the matches: see render_cell)."""
    return passage(_terms(text), title, summary, body)


@hookimpl
def prepare_connection(conn):
    conn.create_function("g60_match", 1, g60_match, deterministic=True)
    conn.create_function("g60_snippet", 4, g60_snippet, deterministic=True)
    # reads the archive on the same connection: not deterministic
    conn.create_function("g60_search", 2, lambda text, kind: search_ids(conn, text, kind))


@hookimpl
def register_routes():
    from . import views

    return [
        (r"^/-/g60/?$", views.index_view),
        (r"^/-/g60/search$", views.search_view),
        (r"^/-/g60/charts$", views.charts_view),
        (r"^/-/g60/article/(?P<id>\d{1,18})$", views.article_view),
        (r"^/-/g60/article/(?P<id>\d{1,18})/diff$", views.diff_view),
        (r"^/-/g60/capture/(?P<id>\d{1,18})$", views.capture_view),
        (r"^/-/g60/attachment/(?P<sha256>[^/]+)$", views.attachment_view),
    ]


@hookimpl
def extra_template_vars(template, database, datasette):
    """``g60_home`` everywhere; on the home page and the archive's database page, ``g60_links``
    (recently changed and removed articles: templates/_g60_links.html shows them)."""
    home = {"g60_home": datasette.urls.path("/-/g60/")}
    if template not in ("index.html", "database.html"):
        return home

    async def with_links():
        from . import views

        links = await views.researcher_links(datasette, database if template == "database.html" else None)
        return {**home, "g60_links": links}
    return with_links


@hookimpl
def asgi_wrapper(datasette):
    """Keep each HTTP request's query string where render_cell can read it."""
    def wrap(app):
        async def with_query_string(scope, receive, send):
            token = _QUERY_STRING.set(scope.get("query_string", b"") if scope.get("type") == "http" else b"")
            try:
                await app(scope, receive, send)
            finally:
                _QUERY_STRING.reset(token)
        return with_query_string
    return wrap


def _requested_q() -> str:
    values = parse_qs(_QUERY_STRING.get().decode("latin-1"), encoding="utf-8", errors="replace").get("q")
    return values[0] if values else ""


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """In ``articles`` and in queries (the canned search), an article's title links to its page; in a
    query's ``snippet`` column the words searched for (``q``) are marked with ``<mark>``, the text escaped."""
    if table is None and column == "snippet" and isinstance(value, str):
        terms = _terms(_requested_q())
        return highlight(value, terms) if terms else None
    keys = row.keys() if hasattr(row, "keys") else ()
    if table not in (None, "articles") or column != "title" or "id" not in keys or "title" not in keys or value is None:
        return None
    article_id = row["id"]
    if not isinstance(article_id, int):
        return None
    href = datasette.urls.path(f"/-/g60/article/{article_id}")
    return Markup(f'<a href="{escape(href)}">{escape(str(value))}</a>')


@hookimpl
def canned_queries(datasette, database):
    """The archive's canned queries (metadata.QUERIES) on the archive's database, whether or not
    Datasette was started with the package's metadata (plain ``datasette archive/g60.sqlite``)."""
    async def for_archive():
        from .metadata import QUERIES

        db = datasette.databases.get(database)
        if db is None or not (await db.table_exists("articles") and await db.table_exists("article_versions")):
            return {}
        return {name: dict(query) for name, query in QUERIES.items()}
    return for_archive


@hookimpl
def extra_css_urls(datasette):
    """Column widths for Datasette's own tables (a title is not squeezed one character per line)."""
    return [datasette.urls.static_plugins("g60crawler", "tables.css")]
