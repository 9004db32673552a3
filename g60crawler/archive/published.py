"""`published_date`: the day of an article's `published`, always YYYY-MM-DD, for notebooks and spreadsheets.

`published` is what the portal states: ISO 8601 with the +08:00 offset when a time is
known (`2023-06-06T10:20:00+08:00`), a bare date otherwise (`2023-06-06`), so one column
mixes two shapes and `pandas.to_datetime` refuses it. `published_date` is its first ten
characters when they are a real calendar day, NULL otherwise (no date, or only a month).
The migration that added the column fills old rows with :data:`SQL`, the same rule in SQL.
"""

from __future__ import annotations

import re
from datetime import date

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: the same rule in SQL, for a column named ``published`` (date(d, '+0 days') normalises 02-30 to 03-02,
#: so a day that is not a real one differs from it and is left NULL)
SQL = ("CASE WHEN substr(published, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
       "AND date(substr(published, 1, 10), '+0 days') = substr(published, 1, 10) THEN substr(published, 1, 10) END")


def published_date(published: str | None) -> str | None:
    """The day ``published`` falls on, YYYY-MM-DD, or None when it holds no full date.

    :param published: an article's ``published`` (a timestamp, a bare date, or None).
    """
    day = (published or "")[:10]
    if not _DAY.fullmatch(day):
        return None
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        return None
