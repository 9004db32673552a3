"""Searching and filtering the archive: the library behind `search`, `export` and `stats`."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from ..cities import CITIES
from .fts import QueryError, parse_query

_DATE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")

#: The sections of article ``{a}.id``, from the base tables and their indexes. The
#: ``article_sections`` view gives the same rows, but SQLite rebuilds a UNION view each
#: time it is used in a correlated subquery: tens of milliseconds per row at 100,000 articles.
SECTIONS_OF = ("SELECT l.section FROM article_urls u JOIN listings l ON l.url = u.url WHERE u.article_id = {a}.id "
               "UNION SELECT u.section FROM article_urls u WHERE u.article_id = {a}.id AND u.section IS NOT NULL")
SNIPPET_CHARS = 40


class SearchError(ValueError):
    """A search the user must change: a bad filter, an empty or invalid query."""


_DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}

#: what ``--kind`` (CLI), ``kind`` (web page, canned query) may say, and the ``articles.kind`` it keeps
#: (None: every kind). The default everywhere is ``article``: the static pages (关于我们 ...) are left out.
KINDS = {"article": "article", "page": "page", "all": None}


def kind_filter(value: str | None) -> str | None:
    """The ``articles.kind`` a kind choice keeps: '' and None are ``article``, ``all`` is None (every kind).

    :param value: article, page or all.
    :raises SearchError: for anything else.
    """
    if not value:
        return "article"
    if value not in KINDS:
        raise SearchError(f"--kind must be one of {', '.join(KINDS)}, got {value!r}")
    return KINDS[value]


def check_date(value: str, name: str = "date") -> str:
    """A ``--since``/``--until`` value, if it is a real year, month or day (2023-02-30 is not).

    :param value: YYYY, YYYY-MM or YYYY-MM-DD.
    :param name: the option, for the message.
    :raises SearchError: for anything else.
    """
    try:
        if not _DATE.match(value):
            raise ValueError
        datetime.strptime(value, _DATE_FORMATS[len(value)])
    except ValueError:
        raise SearchError(f"--{name} must be a date like 2023, 2023-06 or 2023-06-06, got {value!r}") from None
    return value


@dataclass(frozen=True)
class Filters:
    """Restrictions shared by search, export and stats; every value is a bound parameter."""

    section: str | None = None
    since: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None  # inclusive
    editor: str | None = None
    city: str | None = None
    kind: str | None = "article"

    def check(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                check_date(value, name)
        if self.kind not in (None, *KINDS.values()):
            raise SearchError(f"kind must be article or page, got {self.kind!r}")
        if self.city is not None and self.city not in CITIES:
            raise SearchError(f"--city must be one of {' '.join(CITIES)}, got {self.city!r}")

    def sql(self, alias: str = "a") -> tuple[str, list]:
        """A WHERE fragment (``1`` when no filter) and its parameters."""
        self.check()
        clauses, params = ["1"], []
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.section:
            clauses.append(f"? IN ({SECTIONS_OF.format(a=alias)})")
            params.append(self.section)
        if self.since:
            clauses.append(f"{alias}.published >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"substr({alias}.published, 1, ?) <= ?")
            params += [len(self.until), self.until]
        if self.editor:
            clauses.append(f"{alias}.editor = ?")
            params.append(self.editor)
        if self.city:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each({alias}.cities) c WHERE c.value = ?)")
            params.append(self.city)
        return " AND ".join(clauses), params


@dataclass
class Hit:
    id: int
    url: str
    title: str
    published: str | None
    sections: list[str]
    editor: str | None
    cities: list[str]
    snippet: str
    score: float | None
    published_date: str | None = None  # YYYY-MM-DD when the day is known (archive/published.py)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


_SECTIONS = f"(SELECT group_concat(section, ',') FROM ({SECTIONS_OF.format(a='a')} ORDER BY 1)) AS sections"
_COLUMNS = (f"a.id, a.canonical_url, a.title, a.published, a.editor, a.cities, a.summary, a.body, {_SECTIONS}, "
            "a.published_date")
_FTS_SOURCE = "articles_fts JOIN articles a ON a.id = articles_fts.rowid"


@dataclass
class _Matching:
    """A query made into SQL: the FTS expression (or None) and the rest of the WHERE clause."""

    match: str | None
    terms: tuple[str, ...]
    where: str
    params: list

    def source(self) -> tuple[str, str, list]:
        """(FROM, WHERE, parameters): the full-text index joined to articles when there is an FTS match."""
        if self.match:
            return _FTS_SOURCE, f"articles_fts MATCH ? AND {self.where}", [self.match, *self.params]
        return "articles a", self.where, list(self.params)


def _matching(query: str | None, filters: Filters, raw: bool = False) -> _Matching:
    """Filters and a query as SQL; single characters (no bigram of their own) are scanned with instr.

    :param query: None for no query; any text (an empty one is an error) is parsed safely.
    """
    where, params = filters.sql()
    if query is None:
        return _Matching(None, (), where, params)
    if raw:
        return _Matching(query, tuple(query.split()), where, params)
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise SearchError(str(exc)) from exc
    for char in parsed.singles:
        where += " AND instr(a.title || ' ' || COALESCE(a.summary, '') || ' ' || a.body, ?) > 0"
        params.append(char)
    return _Matching(parsed.match, parsed.terms, where, params)


def _select(columns: str, query: str, filters: Filters, sort: str, limit: int, raw: bool) -> tuple[str, list, tuple]:
    """The SELECT of :func:`search` and :func:`matching_ids`: the same matching, filters and order."""
    if sort not in ("relevance", "date"):
        raise SearchError(f"--sort must be relevance or date, got {sort!r}")
    m = _matching(query, filters, raw)
    order = "score" if sort == "relevance" and m.match else "a.published IS NULL, a.published DESC, a.id DESC"
    score = "bm25(articles_fts, 10.0, 5.0, 1.0)" if m.match else "NULL"
    source, where, params = m.source()
    sql = f"SELECT {columns}, {score} AS score FROM {source} WHERE {where} ORDER BY {order} LIMIT ?"
    return sql, [*params, limit], m.terms


def _run(conn: sqlite3.Connection, sql: str, args: list, query: str, raw: bool) -> list:
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        if raw:
            raise SearchError(f"invalid FTS5 query {query!r}: {exc}") from exc
        raise


def search(conn: sqlite3.Connection, query: str, filters: Filters = Filters(), sort: str = "relevance",
           limit: int = 20, raw: bool = False) -> list[Hit]:
    """Articles matching a query, best first (or newest first), with a highlighted snippet.

    The CLI's ``search``, the web view's search page and Datasette's canned ``search`` query
    (through :func:`matching_ids`) all find articles here, so they find the same ones.

    :param conn: a connection to the archive.
    :param query: what the user typed; searched as text unless ``raw``.
    :param filters: section, dates, editor, city, kind (articles only by default).
    :param sort: ``relevance`` (bm25, title counting most) or ``date`` (newest first).
    :param limit: at most this many hits (-1: all).
    :param raw: pass ``query`` to FTS5 as it is (its syntax over the bigram index).
    :raises SearchError: for an empty query, a bad filter or invalid raw syntax.
    """
    sql, args, terms = _select(_COLUMNS, query, filters, sort, limit, raw)
    rows = _run(conn, sql, args, query, raw)
    return [Hit(r[0], r[1], r[2], r[3], (r[8] or "").split(",") if r[8] else [], r[4], json.loads(r[5]),
                snippet(terms, r[2], r[6], r[7]), r[10], r[9]) for r in rows]


def matching_ids(conn: sqlite3.Connection, query: str, filters: Filters = Filters(), sort: str = "relevance",
                 raw: bool = False) -> list[int]:
    """The ids of every article :func:`search` finds, in its order, without reading their text.

    :param conn: a connection to the archive.
    :param query: as for :func:`search`.
    :param filters: as for :func:`search`.
    :param sort: as for :func:`search`.
    :param raw: as for :func:`search`.
    :raises SearchError: as :func:`search`.
    """
    sql, args, _ = _select("a.id", query, filters, sort, -1, raw)
    return [r[0] for r in _run(conn, sql, args, query, raw)]


def also_matching_pages(conn: sqlite3.Connection, query: str, filters: Filters, raw: bool = False) -> int:
    """How many static pages (kind ``page``) also match when only articles were searched (else 0).

    :param query: as for :func:`search`.
    :param filters: the filters searched with; only ``kind='article'`` leaves pages out.
    :param raw: as for :func:`search`.
    """
    if filters.kind != "article":
        return 0
    return count(conn, query, replace(filters, kind="page"), raw)


def snippet(terms: tuple[str, ...], title: str | None, summary: str | None, body: str | None,
            width: int = SNIPPET_CHARS) -> str:
    """A passage around the first term found (body first), each term marked ``**like this**``."""
    text = passage(terms, title, summary, body, width)
    lowered = [t.lower() for t in terms if t]
    if not lowered:
        return text
    pattern = "|".join(re.escape(t) for t in sorted(set(lowered), key=len, reverse=True))
    return re.sub(pattern, lambda m: f"**{m.group(0)}**", text, flags=re.I)


def passage(terms: tuple[str, ...], title: str | None, summary: str | None, body: str | None,
            width: int = SNIPPET_CHARS) -> str:
    """The plain text around the first term found (body first), ``…`` where it is cut.

    :param terms: the words searched for.
    :param width: characters kept on each side of the term.
    """
    lowered = [t.lower() for t in terms if t]
    for text in (body, summary, title):
        if not text:
            continue
        low = text.lower()
        hits = [(low.find(t), t) for t in lowered if t in low]
        if not hits:
            continue
        pos, term = min(hits)
        start, end = max(0, pos - width), min(len(text), pos + len(term) + width)
        cut = text[start:end].replace("\n\n", " ")
        return ("…" if start else "") + cut + ("…" if end < len(text) else "")
    return (body or "")[: 2 * width].replace("\n\n", " ")


def iter_articles(conn: sqlite3.Connection, filters: Filters = Filters(), query: str | None = None,
                  columns: tuple[str, ...] = ()) -> Iterator[dict]:
    """Every article matching the filters (and a query), one row at a time, oldest first (undated first).

    Rows are read from a cursor as they are needed: an export of the whole archive
    never holds it in memory.
    """
    source, where, params = _matching(query or None, filters).source()
    selected = ", ".join(f"a.{c}" for c in columns)
    # oldest first by the published index (articles without a date first): no sort of the
    # whole archive in temporary files before the first row comes out
    cur = conn.execute(
        f"SELECT {selected}, {_SECTIONS} FROM {source} WHERE {where} ORDER BY a.published, a.id", params)
    names = [*columns, "sections"]
    for row in cur:
        yield dict(zip(names, row))


def count(conn: sqlite3.Connection, query: str | None = None, filters: Filters = Filters(), raw: bool = False) -> int:
    """How many articles :func:`search` (or :func:`iter_articles`) finds without a limit, counted by SQLite.

    :param query: as for :func:`search` (None: every article the filters keep).
    :param filters: as for :func:`search`.
    :param raw: as for :func:`search`.
    :raises SearchError: for an empty query or a bad filter.
    """
    source, where, params = _matching(query or None, filters, raw).source()
    return conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
