"""Learn an article URL pattern from example URLs: generalise their numbers into named groups."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_DIGITS = re.compile(r"\d+")


def _is_year(text: str) -> bool:
    return len(text) == 4 and text[:2] in ("19", "20")


def _digit_group(run: str, before: str, after: str, seen_year: bool, is_last: bool) -> tuple[str, bool]:
    """The regex for one run of digits, and whether it was a year folder."""
    whole_segment = before.endswith("/") and (after.startswith("/") or after == "")
    if len(run) == 8 and _is_year(run[:4]) and 1 <= int(run[4:6]) <= 12:
        return r"(?P<ymd>\d{8})", False
    if len(run) == 6 and _is_year(run[:4]) and 1 <= int(run[4:6]) <= 12 and whole_segment:
        return r"(?P<ym>\d{6})", False
    if _is_year(run) and whole_segment and not seen_year and not is_last:
        return r"(?P<year>(?:19|20)\d\d)", True
    if seen_year and whole_segment and len(run) in (2, 4) and not is_last:
        return r"(?P<md>\d{2}(?:\d{2})?)", False
    if is_last:
        return r"(?P<id>\d+)", False
    return r"\d+", False


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
    out, pos, seen_year = [], 0, False
    for i, m in enumerate(runs):
        out.append(re.escape(target[pos:m.start()]))
        is_last = i == len(runs) - 1
        before = ("/" if head else "") + target[:m.start()]
        group, year = _digit_group(m.group(), before, target[m.end():], seen_year, is_last)
        seen_year = seen_year or year
        out.append(group)
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
