"""Pure normalisation functions: text, titles, dates and URLs (labels are in labels.py).

Every function here takes plain values and returns plain values (no Scrapy,
no I/O), so each is tested with a table of cases in tests/test_normalize.py.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import portal

CST = timezone(timedelta(hours=8), "CST")

# ---------------------------------------------------------------- text

# U+3000 ideographic space, NBSP, the other Unicode spaces, tabs and newlines.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Zero-width characters, the BOM, NUL and other control characters carry no text.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str | None) -> str:
    """Unescape HTML entities, drop invisible characters, collapse whitespace.

    :param text: raw text, possibly with ``&nbsp;``, U+3000 indents, newlines.
    """
    if not text:
        return ""
    if "&" in text:  # text from a parser is unescaped already: only raw strings need this
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Clean each paragraph and drop the empty ones."""
    cleaned = (clean_text(p) for p in paragraphs)
    return [p for p in cleaned if p]


def join_paragraphs(paragraphs: list[str]) -> str | None:
    """Paragraphs joined by a blank line; None when there is no text."""
    kept = clean_paragraphs(paragraphs)
    return "\n\n".join(kept) if kept else None


# ---------------------------------------------------------------- titles

#: Words that name the site or the channel: a trailing title segment needs one of these
#: (or a section name of the portal) to be a suffix ...
_SITE_WORDS = ("中国发展网", "chinadevelopment.com.cn", "g60", "频道")
#: ... and may hold nothing else but these and the section names.
_FILLER_WORDS = ("长三角", "科创走廊", "资讯", "新闻", "官网", "首页", "网站", "网", "www.")
_SUFFIX_SEPARATORS = "-_|｜—–－―·•丨"
# a run of separators and the spaces around them: "_", " - ", "--", "——", " | "
_SEPARATOR_RUN = re.compile(r"((?:\s*[" + re.escape(_SUFFIX_SEPARATORS) + r"])+\s*)")
_WORD_CHAR = re.compile(r"[^\W_]")
#: A site suffix is short: a longer trailing segment is part of the headline.
MAX_SUFFIX = 40
#: A title is never cut to fewer letters or digits than this.
MIN_HEADLINE = 2


class _SuffixRule:
    """Which title segments name the site or channel, for one portal's section names."""

    def __init__(self, sections: tuple[str, ...]) -> None:
        names = {unicodedata.normalize("NFKC", n).casefold() for n in sections if n}
        strong = sorted(set(_SITE_WORDS) | names, key=len, reverse=True)
        every = sorted(set(strong) | set(_FILLER_WORDS), key=len, reverse=True)
        self.strong = re.compile("|".join(map(re.escape, strong)))
        self.every = re.compile("|".join(map(re.escape, every)))
        self.seen: dict[str, bool] = {}

    def names_site(self, segment: str) -> bool:
        """True if a segment holds a site or channel word and nothing but such words."""
        if len(segment) > MAX_SUFFIX:
            return False
        if segment not in self.seen:
            if len(self.seen) > 4096:
                self.seen.clear()
            folded = unicodedata.normalize("NFKC", segment).casefold()
            self.seen[segment] = bool(self.strong.search(folded)) and not _WORD_CHAR.search(self.every.sub("", folded))
        return self.seen[segment]


_SUFFIX_RULES: dict[tuple[str, ...], _SuffixRule] = {}


def _suffix_rule() -> _SuffixRule:
    """The suffix rule for the current portal's sections."""
    sections = tuple(s.name for s in portal.current().sections)
    if sections not in _SUFFIX_RULES:
        _SUFFIX_RULES[sections] = _SuffixRule(sections)
    return _SUFFIX_RULES[sections]


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link; None for ``javascript:``, ``data:`` and the like."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def strip_title_suffix(title: str | None) -> str | None:
    """The headline without the site and channel suffixes (``标题_G60资讯_中国发展网``, ``标题——中国发展网``).

    A suffix is a trailing segment after a separator (``_ - -- — —— | ｜ ·``) made only of
    words naming the site or the channel (中国发展网, G60, 频道, a section name, with
    长三角, 科创走廊 ...), with at least one of the first kind. The title is split at its
    separators once and segments are taken off the end one at a time, in time linear in
    the title (a regular expression for "one or more suffixes at the end" is quadratic on
    repeated suffixes); a cut that would leave fewer than :data:`MIN_HEADLINE` letters or
    digits is not made.

    :param title: the headline or ``<title>`` text.
    """
    title = clean_text(title)
    if not title:
        return None
    rule = _suffix_rule()
    parts = _SEPARATOR_RUN.split(title)  # [segment, separators, segment, ...]
    keep = len(parts)
    while keep >= 3 and rule.names_site(parts[keep - 1]) and _long_enough(parts, keep - 2):
        keep -= 2
    return title if keep == len(parts) else "".join(parts[:keep])


def _long_enough(parts: list[str], separator: int) -> bool:
    """True if the segments before ``parts[separator]`` hold :data:`MIN_HEADLINE` letters or digits."""
    found = 0
    for i in range(separator - 1, -1, -2):
        for _ in _WORD_CHAR.finditer(parts[i]):
            found += 1
            if found >= MIN_HEADLINE:
                return True
    return False


# ---------------------------------------------------------------- dates

_DATE_TIME = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:T|\s)?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?!\d)(?:\s*[:：分]\s*(?P<S>\d{1,2})(?!\d))?)?"
)
_MONTH_DAY = re.compile(r"(?<![\d-])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})(?![\d-])\s*日?")
# 23-06-06, 23.6.6, 23/06/06: a two-digit year, one separator throughout.
_SHORT_YEAR = re.compile(r"(?<![\d./-])(?P<y>\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d./-])")
_CLOCK = re.compile(r"\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?!\d)(?:\s*[:：分]\s*(?P<S>\d{1,2})(?!\d))?")
#: A date field longer than this is not a date field: only its beginning is read.
MAX_DATE_TEXT = 500
_ISO_TZ = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)")


# Full-width digits and date punctuation (２０２３－０６－０６ １０：２０) as ASCII, one character for
# one, so positions found in the translated text hold in the original.
_HALFWIDTH = str.maketrans("０１２３４５６７８９－／．：［］", "0123456789-/.:[]")


def halfwidth_digits(text: str) -> str:
    """The text with full-width digits and date punctuation as ASCII (same length)."""
    return text.translate(_HALFWIDTH)


def parse_published(text: str | None, default_year: int | None = None) -> str | None:
    """A publish time as ISO 8601 in China Standard Time, or a bare date.

    ``2023-06-06 10:20`` -> ``2023-06-06T10:20:00+08:00``; ``2023年06月06日`` ->
    ``2023-06-06``; a time is never invented. Impossible dates give None.

    :param text: text holding a date (a label around it is ignored).
    :param default_year: year for a month-day date (``06-06`` on list pages, ``6月6日上午``);
        its century completes a two-digit year (``23-06-06``).
    """
    text = halfwidth_digits(clean_text(text)[:MAX_DATE_TEXT])
    if not text:
        return None
    iso = _ISO_TZ.search(text)
    if iso:
        try:
            from dateutil import parser as dateparser

            moment = dateparser.isoparse(iso.group(0).replace("Z", "+00:00"))
            return moment.astimezone(CST).isoformat(timespec="seconds")
        except (ValueError, OverflowError):
            pass
    m = _DATE_TIME.search(text)
    if m:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        try:
            if m["H"] is None:
                return date(y, mo, d).isoformat()
            moment = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=CST)
            return moment.isoformat(timespec="seconds")
        except ValueError:
            return None
    if default_year is not None:
        m = _SHORT_YEAR.search(text)
        year = default_year // 100 * 100 + int(m["y"]) if m else default_year
        m = m or _MONTH_DAY.search(text)
        if m:
            try:
                day = date(year, int(m["m"]), int(m["d"]))
                clock = _CLOCK.match(text, m.end())
                if not clock:
                    return day.isoformat()
                moment = datetime(day.year, day.month, day.day, int(clock["H"]), int(clock["M"]),
                                  int(clock["S"] or 0), tzinfo=CST)
                return moment.isoformat(timespec="seconds")
            except ValueError:
                return None
    return None


def url_date_range(url: str) -> tuple[date, date] | None:
    """The days an article URL's date folders allow: one day (``/2023/0606/``), a month (``/2021/09/``) or a year.

    :param url: an article URL; None for other URLs and impossible folders.
    """
    m = portal.current().article_match(url, scoped=False)
    year, day = portal.url_date(m)
    if day:
        return date.fromisoformat(day), date.fromisoformat(day)
    if year is None:
        return None
    groups = {k: v for k, v in m.groupdict().items() if v}
    month = groups.get("month") or groups.get("ym", "")[4:6] or (groups.get("md") if len(groups.get("md", "")) == 2 else None)
    try:
        if not month:
            return date(year, 1, 1), date(year, 12, 31)
        first = date(year, int(month), 1)
    except ValueError:
        return None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


#: The portal's lifetime: no article is older, none is dated after now + a day.
PORTAL_START = date(2000, 1, 1)
FUTURE_SLACK = timedelta(days=1)
#: How far a date may lie from the days the URL's folder allows. A page's own date
#: is strong evidence (it may differ from the CMS folder by months, an edit, a
#: republication): only a typo or another article's date is further than a year.
#: A list date is weak (text beside a link): it must agree with the URL within days.
PAGE_TOLERANCE = timedelta(days=366)
LIST_TOLERANCE = timedelta(days=3)


def plausible_date(value: str, url_days: tuple[date, date] | None, tolerance: timedelta,
                   now: datetime) -> bool:
    """True if a parsed date lies in the portal's lifetime and near the URL's date.

    :param value: an ISO date or datetime (from :func:`parse_published`).
    :param url_days: (first, last) day the URL's folder allows, or None.
    :param tolerance: how far outside those days the date may lie.
    :param now: the current time (CST).
    """
    day = date.fromisoformat(value[:10])
    if not PORTAL_START <= day <= (now + FUTURE_SLACK).date():
        return False
    return url_days is None or url_days[0] - tolerance <= day <= url_days[1] + tolerance


def parse_yearless(text: str | None, around: tuple[date, date]) -> str | None:
    """A date written without its year (``6月6日上午``, ``06-06``, ``23-06-06``), in the year that puts it nearest ``around``.

    The year is ``around``'s, or the one before or after when the date lies closer
    there (``12月31日`` on a page filed under 2024/0102 is 2023-12-31).

    :param text: text holding a date; a date with a full year gives None (use :func:`parse_published`).
    :param around: (first, last) day the date should lie near: the URL's folder or the list date.
    """
    if parse_published(text):
        return None
    best, best_gap = None, None
    for year in (around[0].year, around[0].year - 1, around[1].year + 1):
        value = parse_published(text, default_year=year)
        if not value:
            continue
        day = date.fromisoformat(value[:10])
        gap = max(around[0] - day, day - around[1], timedelta(0))
        if best_gap is None or gap < best_gap:
            best, best_gap = value, gap
    return best


def date_from_url(url: str) -> str | None:
    """The publish date in an article URL (``/g60zx/2023/0606/1.shtml`` -> ``2023-06-06``).

    Older URLs carry only a month (``/2021/09/``): that is no date, so None.
    """
    return portal.url_date(portal.current().article_match(url, scoped=False))[1]


def year_from_url(url: str) -> int | None:
    """The year folder of an article URL, for month-day dates on list pages."""
    return portal.url_date(portal.current().article_match(url, scoped=False))[0]


# ---------------------------------------------------------------- URLs

_TRACKING_PARAMS = frozenset(
    {"spm", "from", "source", "share", "sharefrom", "isappinstalled", "scene", "clicktime",
     "enterid", "wfr", "ref", "referer", "fbclid", "gclid", "timestamp", "t", "_"}
)
_INDEX_PAGE = re.compile(r"/index\.s?html?$")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _normal_escape(m: re.Match) -> str:
    char = chr(int(m.group(1), 16))
    return char if char in _UNRESERVED else f"%{m.group(1).upper()}"


def _normal_path(path: str) -> str:
    """RFC 3986 normalisation of a path: escaped unreserved characters decoded, escapes in upper case,
    dot segments removed (never above the root)."""
    path = _ESCAPE.sub(_normal_escape, path)
    if "/." not in path:
        return path
    kept: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments[1:], 1):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                kept.append("")
        elif segment == "..":
            if kept:
                kept.pop()
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept)


def canonical_url(url: str) -> str:
    """The URL an article is keyed by in the archive.

    Lower-case host without a trailing dot, ``http`` scheme for the portal's host, no default port,
    no fragment, no tracking parameters (``utm_*``, ``spm``, ``from`` ...), no ``index.shtml``; the
    path without dot segments, escaped unreserved characters decoded (one file, one key).
    """
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    site = portal.current()
    if host in site.hosts:
        scheme = site.scheme
    port = parts.port
    default_port = {"http": 80, "https": 443}.get(scheme)
    if host in site.hosts and port == 443 and (parts.scheme or "").lower() == "https":
        port = None  # https://portal:443 becomes http://portal
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    path = _normal_path(parts.path or "/")
    path = _INDEX_PAGE.sub("/", path)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith("utm_")
    ]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _page_match(url: str) -> re.Match | None:
    """The portal's article-pattern match of a URL when it names a page (its group ``page``), else None."""
    m = portal.current().article_match(url, scoped=False)
    return m if m is not None and "page" in m.re.groupindex and m.group("page") else None


def article_page(url: str) -> int | None:
    """The page number a split article's URL carries (the portal pattern's group ``page``), or None (page 1).

    :param url: an absolute URL.
    """
    m = _page_match(url)
    return int(m.group("page")) if m is not None and m.group("page").isdigit() else None


def first_page_url(url: str) -> str:
    """The first page of a split article (``123_2.shtml`` -> ``123.shtml``), by the portal's article pattern.

    The page is the pattern's group ``page``; it goes with what separates it from
    the group before it (``_``, ``-``, ``&page=``). A URL whose match has no page
    (or no match at all) is a first page and comes back as it is.

    :param url: an absolute URL.
    """
    m = _page_match(url)
    if m is None:
        return url
    start, end = m.span("page")
    before = [m.end(g) for g in m.re.groupindex if g != "page" and m.group(g) is not None and m.end(g) <= start]
    if before:
        start = max(before)
    else:  # no group before it: drop the separator characters just before the number
        while start > 0 and not m.string[start - 1].isalnum() and m.string[start - 1] not in "/?":
            start -= 1
    target = m.string[:start] + m.string[end:]
    parts = urlsplit(url)
    path, _, query = target.partition("?")
    if "?" not in m.string:
        query = parts.query
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def body_hash(body: str | None) -> str | None:
    """Hash of a body with all whitespace removed: equal for the same text."""
    squeezed = _SPACES.sub("", body or "")
    if not squeezed:
        return None
    return hashlib.sha256(squeezed.encode("utf-8")).hexdigest()
