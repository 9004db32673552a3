"""Search terms marked in text as HTML ``<mark>``, everything else escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from markupsafe import Markup


def highlight(text: str | None, terms: Iterable[str]) -> Markup:
    """``text`` as safe HTML with every occurrence of a term (case-insensitive) in ``<mark>``.

    :param text: plain text (article text: never trusted as HTML).
    :param terms: the words searched for; longer ones win where two overlap.
    """
    text = text or ""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.I)
    parts, last = [], 0
    for m in pattern.finditer(text):
        parts.append(escape(text[last:m.start()]))
        parts.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    parts.append(escape(text[last:]))
    return Markup("".join(parts))
