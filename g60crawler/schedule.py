"""When to fetch an archived page again: pure functions of dates, tested with tables."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil import parser as dateparser

from .normalize import CST

def parse_days(value) -> tuple[int, ...]:
    """Revisit days from a setting: ``"1,7,30"``, ``[1, 7, 30]`` or empty for none.

    :raises ValueError: for a value that is not a list of non-negative integers.
    """
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    texts = [str(d).strip() for d in items]
    if not all(t.isascii() and t.isdigit() or t.startswith("-") and t[1:].isascii() and t[1:].isdigit()
               for t in texts):
        raise ValueError(f"not a list of whole numbers of days: {value!r}")  # also an empty item: 1,,7
    days = tuple(sorted({int(t) for t in texts}))
    if any(d < 0 for d in days):
        raise ValueError("revisit days must not be negative")
    return days


def moment(value: str) -> datetime:
    """A timestamp or a date as an aware datetime (a bare date is midnight in China)."""
    parsed = dateparser.isoparse(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CST)
    return parsed


def revisit_due(published: str | None, last_seen: str, now: datetime, days: tuple[int, ...]) -> bool:
    """True if a revisit point passed since the article was last fetched.

    An article published on day P is due at P+d for each d in ``days``, once:
    when it was last fetched before P+d and P+d is not in the future.

    :param published: the article's publish time or date (None: never due).
    :param last_seen: when the archive last fetched it.
    :param now: the time of this run.
    :param days: revisit points, in days after publication.
    """
    if not published or not days:
        return False
    start, seen = moment(published), moment(last_seen)
    return any(seen < start + timedelta(days=d) <= now for d in days)


def stale(last_seen: str, now: datetime, max_age_days: float) -> bool:
    """True if a page (a static page such as 关于我们) was last fetched too long ago."""
    return moment(last_seen) + timedelta(days=max_age_days) <= now
