"""Searching and filtering the archive: the library behind `search`, `export` and `stats`."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from ..cities import CITIES
from .fts import SEARCH_INDEX, TITLE_TABLE, QueryError, QueryTooLong, parse_query

_DATE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")

#: The sections of article ``{a}.id``, from the base tables and their indexes. The
#: ``article_sections`` view gives the same rows, but SQLite rebuilds a UNION view each
#: time it is used in a correlated subquery: tens of milliseconds per row at 100,000 articles.
SECTIONS_OF = ("SELECT l.section FROM article_urls u JOIN listings l ON l.url = u.url WHERE u.article_id = {a}.id "
               "UNION SELECT u.section FROM article_urls u WHERE u.article_id = {a}.id AND u.section IS NOT NULL")
SNIPPET_CHARS = 40


class SearchError(ValueError):
    """A search the user must change: a bad filter, an empty or invalid query."""


class SearchQueryTooLong(SearchError):
    """A query longer than the longest searched (``fts.MAX_QUERY_CHARS``): a usage error."""


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
_TITLE_TEXT = "a.title || ' ' || COALESCE(a.summary, '')"
_FTS_SOURCE = "articles_fts JOIN articles a{indexed} ON a.id = articles_fts.rowid"


@dataclass
class _Matching:
    """A query made into SQL: the FTS expression (or None) and the rest of the WHERE clause."""

    match: str | None
    terms: tuple[str, ...]
    where: str
    params: list

    covered: bool = False  # the WHERE reads only a.id, a.kind and a.published
    singles: tuple[str, ...] = ()  # single characters (the WHERE checks them in the whole text)

    def in_titles(self) -> tuple[str, list]:
        """(SQL, parameters): every single character is in the title or the summary (TRUE without any)."""
        if not self.singles:
            return "1", []
        return " AND ".join([f"instr({_TITLE_TEXT}, ?) > 0"] * len(self.singles)), list(self.singles)

    def source(self, conn: sqlite3.Connection | None = None) -> tuple[str, str, list]:
        """(FROM, WHERE, parameters): the full-text index joined to articles when there is an FTS match.

        :param conn: given when only ids are selected: matches are then joined to the small index of
            (id, kind, published) when the WHERE needs nothing else, not to the articles' wide rows.
        """
        if self.match:
            small = conn is not None and self.covered and _has_search_index(conn)
            indexed = f" INDEXED BY {SEARCH_INDEX}" if small else ""
            return (_FTS_SOURCE.format(indexed=indexed), f"articles_fts MATCH ? AND {self.where}",
                    [self.match, *self.params])
        return "articles a", self.where, list(self.params)


def _has_search_index(conn: sqlite3.Connection) -> bool:
    """Whether the archive has migration 8's index (a read-only archive may be older)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        (SEARCH_INDEX,)).fetchone() is not None


def _matching(query: str | None, filters: Filters, raw: bool = False) -> _Matching:
    """Filters and a query as SQL; single characters (no bigram of their own) are scanned with instr.

    :param query: None for no query; any text (an empty one is an error) is parsed safely.
    """
    where, params = filters.sql()
    covered = filters.editor is None and filters.city is None
    if query is None:
        return _Matching(None, (), where, params, covered)
    if raw:
        return _Matching(query, tuple(query.split()), where, params, covered)
    try:
        parsed = parse_query(query)
    except QueryTooLong as exc:
        raise SearchQueryTooLong(str(exc)) from exc
    except QueryError as exc:
        raise SearchError(str(exc)) from exc
    for char in parsed.singles:
        where += " AND instr(a.title || ' ' || COALESCE(a.summary, '') || ' ' || a.body, ?) > 0"
        params.append(char)
    return _Matching(parsed.match, parsed.terms, where, params, covered and not parsed.singles, parsed.singles)


_DATE_ORDER = "a.published IS NULL, a.published DESC, a.id DESC"
_SCORE = "bm25(articles_fts, 10.0, 5.0, 1.0)"
#: a date-sorted search of a frequent term walks the articles newest first and asks the index about
#: each; a rarer term's matches are all read from the index and sorted. Asking about one article costs
#: about as much as reading PROBE_COST matches: for a page of ``limit`` among ``n`` articles, walking
#: (limit / density questions) is cheaper when density > sqrt(limit * PROBE_COST / n): 12% of 100,000
PROBE_COST = 70
DATE_WALK = 400
DATE_WALK_LIMIT = 100
#: above this many hits (a CLI listing, up to SQLite's largest integer) one query sorts every match
PAGE_LIMIT = 10_000
#: a relevance-sorted search takes this many best rows from the index before the filters (doubled
#: until enough pass them): the articles table is read for those, not for every match
RELEVANCE_FIRST = 64


def _check_sort(sort: str) -> None:
    if sort not in ("relevance", "date"):
        raise SearchError(f"--sort must be relevance or date, got {sort!r}")


def _select(conn: sqlite3.Connection, m: _Matching, sort: str, limit: int) -> tuple[str, list]:
    """One SELECT of the ids of every match newest first (ties by id), without a score."""
    source, where, params = m.source(conn)  # relevance with an FTS query is _best_first's
    return f"SELECT a.id, NULL AS score FROM {source} WHERE {where} ORDER BY {_DATE_ORDER} LIMIT ?", [*params, limit]


def _singles_first(conn: sqlite3.Connection, m: _Matching, limit: int) -> list[tuple]:
    """(id, score) of a query of single characters only, best first: those all in the title or summary
    (tier 1, score -1), then the others (tier 2, score 0), each tier newest first (no bm25: no index token).

    :param limit: at most this many rows (-1: all).
    """
    titles, titles_params = m.in_titles()
    return conn.execute(f"SELECT a.id, CASE WHEN {titles} THEN -1.0 ELSE 0.0 END AS score FROM articles a "
                        f"WHERE {m.where} ORDER BY score, {_DATE_ORDER} LIMIT ?",
                        [*titles_params, *m.params, limit]).fetchall()


#: bm25 in the titles' index: title 10, summary 5 (as in the main index)
_TITLE_SCORE = f"bm25({TITLE_TABLE}, 10.0, 5.0)"
#: tier-2 matches are those the titles' index does not find
_NOT_TITLE = f"rowid NOT IN (SELECT rowid FROM {TITLE_TABLE} WHERE {TITLE_TABLE} MATCH ?)"


def _tiers(conn: sqlite3.Connection) -> bool:
    """Whether the archive has migration 9's titles' index (a read-only archive may be older)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TITLE_TABLE,)).fetchone() is not None


def _tier(conn: sqlite3.Connection, m: _Matching, tier: int, limit: int) -> list[tuple]:
    """(id, bm25) of the ``limit`` (-1: all) best matches of one tier that pass the filters, best first.

    Tier 1: the matches of the titles' index, by its bm25; tier 2: the other matches of the main index,
    by the main bm25 (tier 0: every match by the main bm25, for raw queries and older archives). The
    index ranks first; the filters apply to its best rows, more of them each round when they keep too few.

    :param tier: 0, 1 or 2.
    :param limit: at most this many rows (-1: all).
    """
    table, score = (TITLE_TABLE, _TITLE_SCORE) if tier == 1 else ("articles_fts", _SCORE)
    titles, titles_params = m.in_titles()
    extra, extra_params = "", []
    where, params = m.where, list(m.params)
    if tier == 1 and m.singles:  # every term in the title or summary: the single characters too
        where, params = f"{where} AND {titles}", [*params, *titles_params]
    elif tier == 2 and m.singles:  # the other matches: not both in the titles' index and singles in titles
        where = f"{where} AND NOT (a.id IN (SELECT rowid FROM {TITLE_TABLE} WHERE {TITLE_TABLE} MATCH ?) AND {titles})"
        params = [*params, m.match, *titles_params]
    elif tier == 2:
        extra, extra_params = f" AND {_NOT_TITLE}", [m.match]
    inner = f"SELECT rowid, {score} AS score FROM {table} WHERE {table} MATCH ?{extra} ORDER BY score, rowid"
    args = [m.match, *extra_params]
    if limit < 0 or limit > PAGE_LIMIT:
        return conn.execute(f"SELECT a.id, f.score FROM ({inner}) f JOIN articles a ON a.id = f.rowid "
                            f"WHERE {where} ORDER BY f.score, a.id LIMIT ?", [*args, *params, limit]).fetchall()
    first = max(RELEVANCE_FIRST, 2 * limit)
    while True:
        rows = conn.execute(f"SELECT a.id, f.score FROM ({inner} LIMIT ?) f JOIN articles a ON a.id = f.rowid "
                            f"WHERE {where} ORDER BY f.score, a.id LIMIT ?",
                            [*args, first, *params, limit]).fetchall()
        if len(rows) == limit:
            return rows
        (ranked,) = conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ?{extra} "
                                 f"LIMIT ?)", [*args, first]).fetchone()
        if ranked < first:
            return rows  # every match of the tier was ranked: these are all
        if first >= 64 * max(RELEVANCE_FIRST, 2 * limit):
            return _tier(conn, m, tier, -1)[:limit]  # the filters keep few: rank every match that passes
        first *= 4


def _shown(bm25: float, tier: int) -> float:
    """The score a hit shows: increasing with bm25 (<= 0, best lowest), every tier-1 score below tier 2's.

    s / (1 - s) maps bm25's (-inf, 0] onto (-1, 0] in the same order; tier 1 is moved to (-2, -1].
    """
    return bm25 / (1.0 - bm25) - (1.0 if tier == 1 else 0.0)


def _best_first(conn: sqlite3.Connection, m: _Matching, limit: int, raw: bool) -> list[tuple]:
    """The ``limit`` (-1: all) best (id, score): title matches first, then the others (docs/search.md).

    Both tiers are ranked inside their index and stop at the page: the body's index is asked only
    when the title matches run out. The full ranking is (tier, bm25, id), so a page is its start.
    """
    if raw or not _tiers(conn):
        return [(i, _shown(s, 0)) for i, s in _tier(conn, m, 0, limit)]
    rows = [(i, _shown(s, 1)) for i, s in _tier(conn, m, 1, limit)]
    if limit < 0 or len(rows) < limit:
        rest = _tier(conn, m, 2, limit - len(rows) if limit >= 0 else -1)
        rows += [(i, _shown(s, 2)) for i, s in rest]
    return rows


def _density(conn: sqlite3.Connection, match: str) -> tuple[float, int]:
    """(About the share of articles a parsed query's expression matches, how many articles there are).

    The share comes from its tokens' article counts: counting one token's articles reads no
    positions (~1 ms for one in most of 100,000 articles)."""
    phrases = [set(phrase.split()) for phrase in re.findall(r'"([^"]*)"', match)]
    (total,) = conn.execute("SELECT MAX(id) FROM articles").fetchone()
    if not phrases or not total:
        return 0.0, total or 0
    one = "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?"
    counts = {t: conn.execute(one, (f'"{t}"',)).fetchone()[0] for t in set().union(*phrases)}
    # a phrase is at most as frequent as its rarest token; several terms as if independent
    return math.prod(min(counts[t] for t in phrase) / total for phrase in phrases if phrase), total


def _newest_first(conn: sqlite3.Connection, m: _Matching, limit: int) -> list[tuple] | None:
    """The ``limit`` newest matches (id, None) of a frequent term: the articles walked newest first, the
    index asked about each (~0.1 ms); None when it would take more than DATE_WALK questions."""
    if limit > DATE_WALK_LIMIT:
        return None
    density, total = _density(conn, m.match)
    if density < math.sqrt(limit * PROBE_COST / max(total, 1)):
        return None  # rarer: reading every match from the index is faster
    budget = min(DATE_WALK, math.ceil(3 * limit / density))
    probe = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?"
    found, walked = [], 0
    for tail in ("a.published IS NOT NULL ORDER BY a.published DESC, a.id DESC",
                 "a.published IS NULL ORDER BY a.id DESC"):
        cursor = conn.execute(f"SELECT a.id FROM articles a WHERE {m.where} AND {tail}", m.params)
        try:
            while batch := cursor.fetchmany(50):
                for (article_id,) in batch:
                    walked += 1
                    if conn.execute(probe, (m.match, article_id)).fetchone():
                        found.append((article_id, None))
                        if len(found) == limit:
                            return found
                    if walked >= budget:
                        return None
        finally:
            cursor.close()
    return found


def _ranked(conn: sqlite3.Connection, query: str, filters: Filters, sort: str, limit: int,
            raw: bool) -> tuple[list[tuple], tuple]:
    """(id, score) of the first ``limit`` (-1: all) matches in the order of ``sort``, and the query's terms."""
    _check_sort(sort)
    m = _matching(query, filters, raw)
    rows = None
    if sort == "relevance" and m.match:
        rows = _run_ranked(conn, m, limit, query, raw)
    elif sort == "relevance" and m.singles:
        rows = _singles_first(conn, m, limit)
    elif m.match and 0 < limit <= PAGE_LIMIT and not raw:
        rows = _newest_first(conn, m, limit)
    if rows is None:
        sql, args = _select(conn, m, sort, limit)
        rows = _run(conn, sql, args, query, raw)
    return rows, m.terms


def _run_ranked(conn: sqlite3.Connection, m: _Matching, limit: int, query: str, raw: bool) -> list:
    try:
        return _best_first(conn, m, limit, raw)
    except sqlite3.OperationalError as exc:
        if raw:
            raise SearchError(f"invalid FTS5 query {query!r}: {exc}") from exc
        raise


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
    (through :func:`matching_ids`) all find articles here, so they find the same ones. The hits
    are found first (ids only), then only their rows are read.

    :param conn: a connection to the archive.
    :param query: what the user typed; searched as text unless ``raw``.
    :param filters: section, dates, editor, city, kind (articles only by default).
    :param sort: ``relevance`` (bm25, title counting most) or ``date`` (newest first).
    :param limit: at most this many hits (-1: all).
    :param raw: pass ``query`` to FTS5 as it is (its syntax over the bigram index).
    :raises SearchError: for an empty query, a bad filter or invalid raw syntax.
    """
    ranked, terms = _ranked(conn, query, filters, sort, limit, raw)
    rows: dict[int, tuple] = {}
    ids = [r[0] for r in ranked]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in conn.execute(f"SELECT {_COLUMNS} FROM articles a WHERE a.id IN ({','.join('?' * len(chunk))})",
                              chunk):
            rows[r[0]] = r
    hits = []
    for article_id, score in ranked:
        r = rows[article_id]
        hits.append(Hit(r[0], r[1], r[2], r[3], (r[8] or "").split(",") if r[8] else [], r[4], json.loads(r[5]),
                        snippet(terms, r[2], r[6], r[7]), score, r[9]))
    return hits


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
    return [r[0] for r in _ranked(conn, query, filters, sort, -1, raw)[0]]


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
    source, where, params = _matching(query or None, filters, raw).source(conn)
    return conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
