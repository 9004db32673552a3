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
MAX_QUERY_CHARS = 200


def tokens(text: str | None) -> list[str]:
    """The index tokens of a text: bigrams of Chinese runs, lower-cased words otherwise."""
    if not text:
        return []
    out: list[str] = []
    # NFKC folding (Ｇ６０ -> g60, compatibility ideographs) is applied per token, not to the
    # whole text: Chinese punctuation, the bulk of what it would change, only separates tokens
    for cjk, word in _RUN.findall(text):
        if cjk:
            if _COMPAT.search(cjk):
                cjk = unicodedata.normalize("NFKC", cjk)
            out.extend(map(str.__add__, cjk, cjk[1:]) if len(cjk) > 1 else (cjk,))
        else:
            out.append(unicodedata.normalize("NFKC", word).lower() if not word.isascii() else word.lower())
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


def parse_query(text: str) -> Query:
    """Turn what a user typed into a safe FTS5 expression: every term must occur.

    Terms are separated by spaces; each becomes a quoted phrase of its tokens, so
    ``AND``, ``"``, ``*`` or ``合肥 OR`` are searched as text, never as syntax.

    :raises QueryError: if nothing searchable is left.
    """
    text = unicodedata.normalize("NFKC", text or "")[:MAX_QUERY_CHARS]
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
