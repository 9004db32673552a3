"""Counts of articles by section, month, editor or city."""

from __future__ import annotations

import sqlite3

from .search import Filters

#: What `stats --by X` groups by: (SQL expression of the group, extra FROM).
_GROUPS = {
    "section": ("s.section", "JOIN article_sections s ON s.article_id = a.id"),
    "month": ("substr(a.published, 1, 7)", ""),
    "editor": ("a.editor", ""),
    "city": ("c.value", "JOIN json_each(a.cities) c"),
}
BY = tuple(_GROUPS)


def counts(conn: sqlite3.Connection, by: str, filters: Filters = Filters()) -> list[tuple[str | None, int]]:
    """(group, number of articles) pairs, largest group first; None collects articles without a value.

    An article listed in two sections counts in both; one about two cities, in both.
    """
    if by not in _GROUPS:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    expr, join = _GROUPS[by]
    where, params = filters.sql()
    order = "grp IS NULL, grp" if by == "month" else "n DESC, grp IS NULL, grp"
    return conn.execute(
        f"SELECT {expr} AS grp, COUNT(DISTINCT a.id) AS n FROM articles a {join} WHERE {where} "
        f"GROUP BY grp ORDER BY {order}", params).fetchall()
