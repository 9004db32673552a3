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


_FREE_RUN = re.compile(r"(?<!>)\\d\+")  # a number generalise left unnamed (not an id, a date part or a page)


def narrowed(pattern: str, targets: list[str], groups: list[list[str]]) -> str:
    """The pattern with each unnamed number the channel's URLs hold per section (a column id, as in
    ``art_1229_N``) made an alternation of the values seen, so another channel's URLs of the same
    scheme on the same host do not match.

    A number is narrowed only when every section with two or more of the URLs shows one value for it,
    and there are no more values than sections: evidence of a column, not of an article.

    :param pattern: a regex made by generalise.
    :param targets: the URL targets (path, plus ``?query``) it was made from.
    :param groups: the same targets, one list per section.
    """
    runs = list(_FREE_RUN.finditer(pattern))
    if not runs:
        return pattern
    probe = pattern
    for i, m in reversed(list(enumerate(runs))):
        probe = probe[:m.start()] + f"(?P<free{i}>\\d+)" + probe[m.end():]
    probe_re = re.compile(probe)

    def values(t: str) -> dict | None:
        m = probe_re.search(t)
        return m.groupdict() if m else None

    mine = set(targets)
    out = pattern
    for i, m in reversed(list(enumerate(runs))):
        key = f"free{i}"
        seen = {v[key] for v in map(values, targets) if v}
        per_section = [{v[key] for v in map(values, [t for t in g if t in mine]) if v} for g in groups]
        sampled = [vs for g, vs in zip(groups, per_section) if sum(t in mine for t in g) >= 2]
        if not seen or not sampled or any(len(vs) != 1 for vs in sampled) or \
                len(seen) > max(1, sum(bool(vs) for vs in per_section)):
            continue
        out = out[:m.start()] + "(?:" + "|".join(sorted(seen)) + ")" + out[m.end():]
    return out


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def learn(urls: list[str], folders: tuple[str, ...], sections: list[list[str]] | None = None) -> list[str]:
    """Article URL regexes that together match every example URL, the most common first: as specific as
    the examples allow (a number each section's URLs share, such as a column id, is kept literal).

    :param urls: absolute article URLs seen in the lists.
    :param folders: the section folders (paths ending in ``/``).
    :param sections: the same URLs, one list per section (None: numbers are not narrowed).
    """
    made: dict[str, list[str]] = {}
    for url in urls:
        target = _target(url)
        made.setdefault(generalise(target, folders), []).append(target)
    groups = [[_target(u) for u in g] for g in (sections or [])]
    ranked = sorted(made, key=lambda p: -len(made[p]))
    return [narrowed(p, made[p], groups) if groups else p for p in ranked]
