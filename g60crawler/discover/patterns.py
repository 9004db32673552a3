"""Learn an article URL pattern from example URLs: generalise their numbers into named groups."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_DIGITS = re.compile(r"\d+")


def _is_year(text: str) -> bool:
    return len(text) == 4 and text[:2] in ("19", "20")


def _digit_group(run: str, before: str, after: str, date: set[str], is_last: bool) -> str:
    """The regex for one run of digits; ``date`` holds the date parts already given a group (updated).

    A date is read from folders or dash-separated parts (``/2023/0606/``, ``/2023/6/9/``,
    ``/2023-06/06/``, ``/202306/t20230606_1``); the last run is the article's id.
    """
    delimited = before.endswith(("/", "-")) and (after.startswith(("/", "-")) or after == "")
    if "day" not in date and len(run) == 8 and _is_year(run[:4]) and 1 <= int(run[4:6]) <= 12:
        date.update(("year", "month", "day"))
        return r"(?P<ymd>\d{8})"
    if "year" not in date and len(run) == 6 and _is_year(run[:4]) and 1 <= int(run[4:6]) <= 12 and delimited:
        date.update(("year", "month"))
        return r"(?P<ym>\d{6})"
    if is_last:
        return r"(?P<id>\d+)"
    if "year" not in date and _is_year(run) and delimited:
        date.add("year")
        return r"(?P<year>(?:19|20)\d\d)"
    if date == {"year"} and delimited and len(run) in (1, 2, 4) and 1 <= int(run[:2] if len(run) == 4 else run) <= 12:
        # mmdd, mm or m (unpadded): one group, so padded and unpadded months are one pattern
        date.add("month")
        return r"(?P<md>\d{2}(?:\d{2})?|\d)"
    if date == {"year", "month"} and delimited and len(run) <= 2 and 1 <= int(run) <= 31:
        date.add("day")
        return r"(?P<day>\d{1,2})"
    return r"\d+"


def generalise(target: str, folders: tuple[str, ...] = ()) -> str:
    """A regex for one URL target (path, plus ``?query``), its numbers made groups.

    :param target: e.g. ``/g60/g60zx/2023/0606/1630012.shtml`` or ``/content.html?id=123``.
    :param folders: section folders (``/g60/g60zx/``): a target under one of them is made to
        accept any of them.
    """
    head = ""
    for folder in sorted(folders, key=len, reverse=True):
        if target.startswith(folder):
            common = _common_prefix(folders)
            alternation = "|".join(re.escape(f[len(common):].rstrip("/")) for f in sorted(set(folders)))
            head = f"{re.escape(common)}(?:{alternation})/"
            target = target[len(folder):]
            break
    runs = [m for m in _DIGITS.finditer(target)
            if not (m.start() > 0 and target[m.start() - 1].isalpha() and m.end() < len(target)
                    and target[m.end()].isalpha() and target[m.start() - 1] != "t")]
    out, pos, date = [], 0, set()
    for i, m in enumerate(runs):
        out.append(re.escape(target[pos:m.start()]))
        is_last = i == len(runs) - 1
        before = ("/" if head else "") + target[:m.start()]
        out.append(_digit_group(m.group(), before, target[m.end():], date, is_last))
        if is_last and re.match(r"\.s?html?$", target[m.end():]):
            out.append(r"(?:_(?P<page>\d+))?")
        pos = m.end()
    out.append(re.escape(target[pos:]))
    body = "".join(out)
    return f"^{head}{body}$"


def _common_prefix(folders: tuple[str, ...]) -> str:
    """The longest common leading folder path ("/g60/") of section folders."""
    parts = [f.strip("/").split("/") for f in folders]
    common = []
    for segs in zip(*parts):
        if len(set(segs)) != 1:
            break
        common.append(segs[0])
    if parts and all(len(p) == len(common) for p in parts) and common:
        common = common[:-1]  # one folder only: keep its own name out of the shared head
    return "/" + "".join(f"{c}/" for c in common)


def learn(urls: list[str], folders: tuple[str, ...]) -> list[str]:
    """Article URL regexes that together match every example URL, the most common first.

    :param urls: absolute article URLs seen in the lists.
    :param folders: the section folders (paths ending in ``/``).
    """
    counts: dict[str, int] = {}
    for url in urls:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        pattern = generalise(target, folders)
        counts[pattern] = counts.get(pattern, 0) + 1
    return sorted(counts, key=lambda p: -counts[p])
