"""Full-text search for Chinese: an FTS5 index of overlapping character bigrams.

Why bigrams (docs/search.md has the measurement): SQLite's default tokenizer
keeps a run of Chinese characters as one token, so 合肥 inside a sentence is
never a token; the trigram tokenizer cannot match terms of fewer than three
characters (合肥, 松江, 人才). Indexing every pair of adjacent characters
(长三角 -> 长三 三角) makes any Chinese string of two or more characters a
phrase of adjacent bigrams, found exactly by FTS5, with no dictionary. ASCII
words stay whole (g60, 5g), lower-cased.

The index stores the segmented text (``segment``); a user's query is turned
into an FTS5 expression of quoted phrases (``match_expression``), so no user
text is ever executed as FTS syntax. Single Chinese characters have no bigram
of their own: such terms are checked with ``instr`` on the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A run of CJK ideographs, or a run of letters and digits (ASCII and other scripts).
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUN = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
_CJK = re.compile(rf"[{_HAN}]")
_COMPAT = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]")
_PUNCT = re.compile(r"[^\s]")  # anything but white space between two runs is punctuation
MAX_QUERY_CHARS = 200


#: A token between two runs that punctuation separates, so a phrase never matches across it
#: (九城，城市 is not 九城市). It is a word no query produces: queries are split on it too.
GAP = "zzgap"


def tokens(text: str | None) -> list[str]:
    """The index tokens of a text: bigrams of Chinese runs, lower-cased words otherwise.

    Where a Chinese run touches a word (A股, 登陆A), its edge character is also a
    token of its own, so "A股" is found in 登陆A股市场; runs separated by
    punctuation get a GAP token between them.
    """
    if not text:
        return []
    out: list[str] = []
    end = None  # where the previous run ended
    previous_word = False
    for m in _RUN.finditer(text):
        cjk, word = m.group(1), m.group(2)
        touching = end == m.start()
        if end is not None and not touching and _PUNCT.search(text, end, m.start()):
            out.append(GAP)
        if cjk:
            # NFKC folding (Ｇ６０ -> g60, compatibility ideographs) is applied per token, not
            # to the whole text: Chinese punctuation, the bulk of what it changes, only separates
            if _COMPAT.search(cjk):
                cjk = unicodedata.normalize("NFKC", cjk)
            if len(cjk) == 1:
                out.append(cjk)
            else:
                if touching and previous_word:
                    out.append(cjk[0])
                out.extend(map(str.__add__, cjk, cjk[1:]))
                nxt = text[m.end():m.end() + 1]
                if nxt and (nxt.isalnum() and not _CJK.match(nxt)):
                    out.append(cjk[-1])
            previous_word = False
        else:
            out.append(unicodedata.normalize("NFKC", word).lower() if not word.isascii() else word.lower())
            previous_word = True
        end = m.end()
    return out


def segment(text: str | None) -> str:
    """The text as stored in the FTS index: its tokens separated by spaces."""
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Query:
    """A user's query, made safe: an FTS5 expression and the terms it stands for."""

    match: str | None  # FTS5 MATCH expression, or None when only single characters were asked
    terms: tuple[str, ...]  # what the user asked for, to highlight and to check single characters
    singles: tuple[str, ...]  # single Chinese characters: checked with instr(), not the index


class QueryError(ValueError):
    """A query that cannot be searched (empty, or only punctuation)."""


class QueryTooLong(QueryError):
    """A query longer than :data:`MAX_QUERY_CHARS`: refused, never cut."""


def parse_query(text: str) -> Query:
    """Turn what a user typed into a safe FTS5 expression: every term must occur.

    Terms are separated by spaces; each becomes a quoted phrase of its tokens, so
    ``AND``, ``"``, ``*`` or ``合肥 OR`` are searched as text, never as syntax.

    :raises QueryTooLong: if it is longer than :data:`MAX_QUERY_CHARS` (spaces around it aside).
    :raises QueryError: if nothing searchable is left.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the query is {len(text)} characters long; at most {MAX_QUERY_CHARS} are searched: "
                           "shorten it")
    phrases, terms, singles = [], [], []
    for raw in text.split():
        term_tokens = tokens(raw)
        if not term_tokens:
            continue  # punctuation only: nothing to look for
        terms.append("".join(t for t in raw if t.isalnum() or _CJK.match(t)))
        if len(term_tokens) == 1 and len(term_tokens[0]) == 1 and _CJK.match(term_tokens[0]):
            singles.append(term_tokens[0])
            continue
        phrases.append('"' + " ".join(term_tokens) + '"')
    if not terms:
        raise QueryError("nothing to search for: the query has no letters, digits or Chinese characters")
    return Query(" AND ".join(phrases) or None, tuple(terms), tuple(singles))


# ------------------------------------------------------------------ the index, kept in step with articles

#: The index holds no copy of the text (``content=''``): search() reads titles and bodies from
#: ``articles``. Its columns read as NULL; only ``rowid`` (= articles.id) and MATCH, bm25 work.
CREATE_INDEX = ("CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, content = '', "
                "tokenize = 'unicode61')")

#: Which version's text each article's index row was made from: a contentless row is deleted
#: with the very values it was indexed with, so those must be found again (article_versions has them).
CREATE_INDEXED = ("CREATE TABLE articles_fts_source (article_id INTEGER PRIMARY KEY, "
                  "version_id INTEGER NOT NULL)")


#: The titles' index: title and summary only, contentless, kept in step with ``articles_fts`` (made from
#: the same version, ``articles_fts_source``). A relevance search ranks its matches first (migration 9).
TITLE_TABLE = "articles_fts_title"
CREATE_TITLE_INDEX = (f"CREATE VIRTUAL TABLE {TITLE_TABLE} USING fts5(title, summary, content = '', "
                      "tokenize = 'unicode61')")

#: An index of articles(id, kind, published), made by migration 8: search() joins matches to it
SEARCH_INDEX = "articles_search"


def _row(title: str | None, summary: str | None, body: str | None) -> tuple:
    return segment(title), None if summary is None else segment(summary), segment(body)


def _has_titles(conn) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TITLE_TABLE,)).fetchone() is not None


def index(conn, article_id: int) -> None:
    """Index an article's current text, replacing what its row held (its previously indexed version).

    :param conn: a connection to the archive (the caller commits).
    :param article_id: the article, whose current version is in ``article_versions``.
    """
    current = conn.execute(
        "SELECT v.id, a.title, a.summary, a.body FROM articles a JOIN article_versions v "
        "ON v.article_id = a.id AND v.version = a.current_version WHERE a.id = ?", (article_id,)).fetchone()
    if current is None:
        raise ValueError(f"article {article_id} has no current version to index")
    titles = _has_titles(conn)  # an archive opened before migration 9 has none yet
    old = conn.execute(
        "SELECT v.id, v.title, v.summary, v.body FROM articles_fts_source s JOIN article_versions v "
        "ON v.id = s.version_id WHERE s.article_id = ?", (article_id,)).fetchone()
    if old is not None:
        if old[1:] == current[1:]:
            if old[0] != current[0]:
                conn.execute("UPDATE articles_fts_source SET version_id = ? WHERE article_id = ?",
                             (current[0], article_id))
            return  # the same text: its row is already right
        row = _row(*old[1:])
        conn.execute("INSERT INTO articles_fts (articles_fts, rowid, title, summary, body) "
                     "VALUES ('delete', ?, ?, ?, ?)", (article_id, *row))
        if titles:
            conn.execute(f"INSERT INTO {TITLE_TABLE} ({TITLE_TABLE}, rowid, title, summary) "
                         "VALUES ('delete', ?, ?, ?)", (article_id, *row[:2]))
    row = _row(*current[1:])
    conn.execute("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)", (article_id, *row))
    if titles:
        conn.execute(f"INSERT INTO {TITLE_TABLE} (rowid, title, summary) VALUES (?, ?, ?)", (article_id, *row[:2]))
    conn.execute("INSERT OR REPLACE INTO articles_fts_source (article_id, version_id) VALUES (?, ?)",
                 (article_id, current[0]))


def rebuild(conn) -> int:
    """Make the index again from every article's current version (a migration; the caller commits).

    :param conn: a connection to the archive, inside a transaction.
    :returns: the number of articles indexed.
    """
    conn.execute("DROP TABLE IF EXISTS articles_fts")
    conn.execute("DROP TABLE IF EXISTS articles_fts_source")
    conn.execute(f"DROP TABLE IF EXISTS {TITLE_TABLE}")
    conn.execute(CREATE_INDEX)
    conn.execute(CREATE_TITLE_INDEX)
    conn.execute(CREATE_INDEXED)
    rows = conn.execute(
        "SELECT a.id, v.id, v.title, v.summary, v.body FROM articles a JOIN article_versions v "
        "ON v.article_id = a.id AND v.version = a.current_version ORDER BY a.id")
    n = 0
    insert = "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)"
    source = "INSERT INTO articles_fts_source (article_id, version_id) VALUES (?, ?)"
    titles = f"INSERT INTO {TITLE_TABLE} (rowid, title, summary) VALUES (?, ?, ?)"
    while batch := rows.fetchmany(1000):
        made = [(a, *_row(t, s, b)) for a, _v, t, s, b in batch]
        conn.executemany(insert, made)
        conn.executemany(titles, [r[:3] for r in made])
        conn.executemany(source, [(a, v) for a, v, *_ in batch])
        n += len(batch)
    return n


def rebuild_titles(conn) -> int:
    """Make the titles' index from the versions ``articles_fts`` was made from (migration 9; the caller commits).

    :param conn: a connection to the archive, inside a transaction.
    :returns: the number of articles indexed.
    """
    conn.execute(f"DROP TABLE IF EXISTS {TITLE_TABLE}")
    conn.execute(CREATE_TITLE_INDEX)
    rows = conn.execute("SELECT s.article_id, v.title, v.summary FROM articles_fts_source s "
                        "JOIN article_versions v ON v.id = s.version_id ORDER BY s.article_id")
    n = 0
    insert = f"INSERT INTO {TITLE_TABLE} (rowid, title, summary) VALUES (?, ?, ?)"
    while batch := rows.fetchmany(1000):
        conn.executemany(insert, [(a, segment(t), None if s is None else segment(s)) for a, t, s in batch])
        n += len(batch)
    return n
