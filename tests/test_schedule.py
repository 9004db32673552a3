"""The revisit schedule and the archive lock."""

from __future__ import annotations

from datetime import datetime

import pytest

from g60crawler.lock import ArchiveLock, Locked
from g60crawler.normalize import CST
from g60crawler.schedule import parse_days, revisit_due, stale

NOW = datetime(2024, 11, 30, 12, 0, tzinfo=CST)


@pytest.mark.parametrize("published, last_seen, days, due", [
    # published 28 May, fetched 1 Nov: the +180 point (24 Nov) passed since -> due
    ("2024-05-28T15:06:00+08:00", "2024-11-01T04:00:00+00:00", (30, 180), True),
    # the same with only a 30-day point: it passed (27 Jun) before the last fetch -> not due
    ("2024-05-28T15:06:00+08:00", "2024-11-01T04:00:00+00:00", (30,), False),
    # a point in the future (+30 of 15 Nov is 15 Dec) -> not due yet
    ("2024-11-15", "2024-11-16T00:00:00+00:00", (30,), False),
    # +1 day of a bare date is midnight CST of the next day: 29 Nov 00:00 CST has passed
    ("2024-11-28", "2024-11-28T10:00:00+00:00", (1, 7), True),
    # fetched after every point: never due again
    ("2024-01-01", "2024-11-30T00:00:00+00:00", (1, 7, 30), False),
    # no publish date or no schedule: never due
    (None, "2024-01-01T00:00:00+00:00", (1, 7, 30), False),
    ("2024-11-28", "2024-11-28T10:00:00+00:00", (), False),
])
def test_revisit_due(published, last_seen, days, due):
    assert revisit_due(published, last_seen, NOW, days) is due


@pytest.mark.parametrize("value, days", [
    ("1,7,30", (1, 7, 30)),
    ("30, 1 ,7,7", (1, 7, 30)),  # sorted, duplicates dropped, spaces allowed
    ([7, 1], (1, 7)),
    ("", ()),  # no revisits at all
    (None, ()),
])
def test_parse_days(value, days):
    assert parse_days(value) == days


@pytest.mark.parametrize("value", ["1,x", "-1", "1.5"])
def test_parse_days_rejects(value):
    with pytest.raises(ValueError):
        parse_days(value)


@pytest.mark.parametrize("last_seen, age, expected", [
    ("2024-10-31T12:00:00+08:00", 30, True),  # exactly 30 days
    ("2024-11-01T12:00:00+08:00", 30, False),
])
def test_stale(last_seen, age, expected):
    assert stale(last_seen, NOW, age) is expected


def test_lock_is_exclusive_and_released(tmp_path):
    first, second = ArchiveLock(tmp_path / "a.sqlite"), ArchiveLock(tmp_path / "a.sqlite")
    first.acquire()
    with pytest.raises(Locked, match=r"another crawl \(pid \d+\) is writing a.sqlite"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()
