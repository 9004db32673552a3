"""The difference between two versions of a text, by word, for Chinese and Latin script alike.

A *word* (token) here is: a run of ASCII letters and digits (``G60``, ``2024``, ``AI``),
one CJK character (Chinese has no spaces; a dictionary segmenter would make the diff
depend on its dictionary), one run of whitespace, or one other character (punctuation).
Tokens are compared with :class:`difflib.SequenceMatcher`; a single unchanged token
stranded between two changes (a 的 or a comma that happens to match) is folded into
the change around it, so an edited clause reads as one deletion and one insertion
rather than a comb of one-character fragments.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from html import escape

_TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.S)

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def tokens(text: str) -> list[str]:
    """The words of ``text`` as defined in the module docstring; joined, they give ``text`` back.

    :param text: any text.
    """
    return _TOKEN.findall(text)


def diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """The edit from ``old`` to ``new`` as ``(op, text)`` runs, op being equal, delete or insert.

    Deleted text comes before the inserted text that replaces it; joining the equal and
    delete runs gives ``old``, the equal and insert runs give ``new``.

    :param old: the earlier text (None is empty).
    :param new: the later text (None is empty).
    """
    a, b = tokens(old or ""), tokens(new or "")
    blocks = []  # (op, old tokens, new tokens)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            blocks.append((EQUAL, a[i1:i2], b[j1:j2]))
        else:
            blocks.append(("change", a[i1:i2], b[j1:j2]))
    blocks = _fold_stranded(blocks)
    runs: list[tuple[str, str]] = []
    for op, olds, news in blocks:
        if op == EQUAL:
            _append(runs, EQUAL, "".join(olds))
        else:
            _append(runs, DELETE, "".join(olds))
            _append(runs, INSERT, "".join(news))
    return runs


def _fold_stranded(blocks: list) -> list:
    """Merge an equal block of one token that sits between two changes into one change."""
    out: list = []
    for block in blocks:
        out.append(block)
        while (len(out) >= 3 and out[-1][0] != EQUAL and out[-3][0] != EQUAL and out[-2][0] == EQUAL
               and len(out[-2][1]) == 1 and not out[-2][1][0].isspace()):
            before, same, after = out[-3], out[-2], out[-1]
            merged = ("change", before[1] + same[1] + after[1], before[2] + same[2] + after[2])
            out[-3:] = [merged]
    return out


def _append(runs: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == op:
        runs[-1] = (op, runs[-1][1] + text)
    else:
        runs.append((op, text))


def diff_html(old: str | None, new: str | None) -> str:
    """The diff as HTML: text escaped, deletions in ``<del>``, insertions in ``<ins>``.

    :param old: the earlier text.
    :param new: the later text.
    """
    tags = {DELETE: "del", INSERT: "ins"}
    parts = []
    for op, text in diff(old, new):
        if op == EQUAL:
            parts.append(escape(text))
        else:
            parts.append(f"<{tags[op]}>{escape(text)}</{tags[op]}>")
    return "".join(parts)
