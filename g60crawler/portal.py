"""The portal as data: host(s), path prefix, sections and URL patterns, read from a TOML file.

The built-in file (``g60crawler/portals/default.toml``) holds what is ASSUMED
about the live portal (README, "What is assumed about the portal"); another is
selected with ``-s G60_PORTAL=FILE`` or ``g60crawler --portal FILE`` and is
written by ``g60crawler discover``. Nothing else in the code names a host, a
slug or a URL shape: it asks ``current()``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

SectionKind = Literal["news", "page"]
PAGINATION_KINDS = ("index", "query", "next")
#: How the channel's articles are read: by a known template (a rise of the generic extractor's
#: share is a template change: the run is red), or by the generic extractor (its share is expected).
EXTRACTION_MODES = ("template", "generic")
_DATE_GROUPS = frozenset({"year", "md", "month", "day", "ymd", "ym"})


class PortalError(ValueError):
    """A portal file that cannot be used."""


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    kind: SectionKind
    url: str  # the section's first list page (or the page itself, for kind "page")


@dataclass(frozen=True)
class Portal:
    name: str
    root: str
    hosts: tuple[str, ...]
    path_prefix: str
    sections: tuple[Section, ...]
    articles: tuple[re.Pattern, ...]
    pagination: str = "index"
    pagination_param: str = ""
    pagination_template: str = ""  # list page N's URL relative to the list ("index_{n}.shtml", "?page={n}")
    pagination_first: int = 0  # the number the template gives the list's first page
    extraction: str = "template"  # one of EXTRACTION_MODES
    source: str = "built-in"
    by_slug: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def host(self) -> str:
        return self.hosts[0]

    @property
    def scheme(self) -> str:
        return urlsplit(self.root).scheme or "http"

    def in_scope(self, url: str) -> bool:
        """Is the URL on one of the channel's hosts and under its path prefix?"""
        parts = urlsplit(url)
        return (parts.hostname or "").lower() in self.hosts and (parts.path or "/").startswith(self.path_prefix)

    def article_match(self, url: str, scoped: bool = True) -> re.Match | None:
        """The article pattern's match for a URL of the channel, or None (not an article URL).

        :param url: an absolute URL.
        :param scoped: only URLs of the channel (hosts, path prefix); False reads any host's URL.
        """
        if scoped and not self.in_scope(url):
            return None
        parts = urlsplit(url)
        targets = [parts.path or "/"] + ([f"{parts.path}?{parts.query}"] if parts.query else [])
        for pattern in self.articles:
            for target in targets:
                m = pattern.search(target)
                if m:
                    return m
        return None

    def is_article(self, url: str) -> bool:
        return self.article_match(url) is not None

    def section_of(self, url: str) -> str | None:
        """The slug of the section whose list URL the URL lies under (the longest), or None."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in self.hosts:
            return None
        path = parts.path or "/"
        best, length = None, 0
        for s in self.sections:
            folder = urlsplit(s.url).path or "/"
            folder = folder if folder.endswith("/") else folder.rsplit("/", 1)[0] + "/"
            if folder != "/" and path.startswith(folder) and len(folder) > length:
                best, length = s.slug, len(folder)
        return best


def url_date(m: re.Match | None) -> tuple[int | None, str | None]:
    """The (year, ISO date or None) an article pattern's match carries.

    :param m: a match of an article pattern.
    """
    if m is None:
        return None, None
    g = {k: v for k, v in m.groupdict().items() if v and k in _DATE_GROUPS}
    year = month = day = None
    if "ymd" in g:
        year, month, day = int(g["ymd"][:4]), int(g["ymd"][4:6]), int(g["ymd"][6:8])
    elif "ym" in g:
        year, month = int(g["ym"][:4]), int(g["ym"][4:6])
    if "year" in g:
        year = int(g["year"])
    if "md" in g:
        month = int(g["md"][:2])
        day = int(g["md"][2:]) if len(g["md"]) == 4 else None
    month = int(g["month"]) if "month" in g else month
    day = int(g["day"]) if "day" in g else day
    if year is None or month is None or day is None:
        return year, None
    try:
        return year, date(year, month, day).isoformat()
    except ValueError:
        return year, None


def _compile(text, where: str) -> re.Pattern:
    if not isinstance(text, str) or not text:
        raise PortalError(f"{where} must be a non-empty regex string")
    try:
        return re.compile(text)
    except re.error as exc:
        raise PortalError(f"{where} is not a valid regex: {exc}") from exc


def _text(data: dict, key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise PortalError(f"{where}{key} must be a non-empty string")
    return value


def from_dict(data: dict, source: str = "built-in") -> Portal:
    """A Portal from a parsed portal file; raises PortalError naming what is wrong.

    :param data: the TOML document as a dict.
    :param source: where it came from (for messages).
    """
    root = _text(data, "root", "")
    if urlsplit(root).scheme not in ("http", "https") or not urlsplit(root).hostname:
        raise PortalError(f"root must be an absolute http(s) URL, got {root!r}")
    hosts = data.get("hosts") or [urlsplit(root).hostname]
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise PortalError("hosts must be a list of host names")
    prefix = _text(data, "path_prefix", "", "/") or "/"
    if not prefix.startswith("/"):
        raise PortalError(f"path_prefix must start with '/', got {prefix!r}")
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        raise PortalError("articles must be a list of at least one regex")
    patterns = tuple(_compile(a, f"articles[{i}]") for i, a in enumerate(articles))
    pager = data.get("pagination", {})
    if not isinstance(pager, dict):
        raise PortalError("pagination must be a table")
    kind = pager.get("kind", "index")
    if kind not in PAGINATION_KINDS:
        raise PortalError(f"pagination.kind must be one of {', '.join(PAGINATION_KINDS)}, got {kind!r}")
    template = pager.get("template", "")
    if not isinstance(template, str) or (template and "{n}" not in template):
        raise PortalError(f'pagination.template must be a string holding {{n}} (e.g. "index_{{n}}.shtml"), got {template!r}')
    first = pager.get("first", 0 if template.startswith("index") else 1)
    if not isinstance(first, int) or isinstance(first, bool) or first < 0:
        raise PortalError(f"pagination.first must be a whole number >= 0, got {first!r}")
    extraction = data.get("extraction", "template")
    if extraction not in EXTRACTION_MODES:
        raise PortalError(f'extraction must be "template" or "generic", got {extraction!r}')
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise PortalError("sections must be a list of [[sections]] tables")
    sections = []
    for i, s in enumerate(raw_sections):
        where = f"sections[{i}]."
        if not isinstance(s, dict):
            raise PortalError(f"sections[{i}] must be a table")
        slug, name = _text(s, "slug", where), _text(s, "name", where)
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", slug):
            raise PortalError(f"{where}slug must be letters, digits, '_', '.' or '-', got {slug!r}")
        kind_s = s.get("kind", "news")
        if kind_s not in ("news", "page"):
            raise PortalError(f"{where}kind must be news or page, got {kind_s!r}")
        url = _text(s, "url", where)
        if urlsplit(url).scheme not in ("http", "https"):
            raise PortalError(f"{where}url must be an absolute http(s) URL, got {url!r}")
        sections.append(Section(slug, name, kind_s, url))
    slugs = [s.slug for s in sections]
    if len(set(slugs)) != len(slugs):
        raise PortalError(f"section slugs must be distinct: {', '.join(slugs)}")
    hosts_t = tuple(h.lower() for h in hosts)
    for s in sections:
        if (urlsplit(s.url).hostname or "").lower() not in hosts_t:
            raise PortalError(f"section {s.slug}: {s.url} is not on the portal's hosts ({', '.join(hosts_t)})")
    return Portal(name=str(data.get("name", "")), root=root, hosts=hosts_t, path_prefix=prefix,
                  sections=tuple(sections), articles=patterns, pagination=kind,
                  pagination_param=str(pager.get("param", "") or ""), pagination_template=template,
                  pagination_first=first, extraction=extraction, source=source,
                  by_slug={s.slug: s for s in sections})


#: The largest portal file read (one is a few KB).
MAX_PORTAL_BYTES = 1024 * 1024


def load(path: str | Path | None = None) -> Portal:
    """Read a portal file (the built-in one when ``path`` is None); raises PortalError.

    :param path: a TOML portal file.
    """
    if not path:
        text = resources.files("g60crawler").joinpath("portals/default.toml").read_text("utf-8")
        source = "built-in"
    else:
        from .mirror import TooLarge, Unreadable, read_file

        try:  # type and size checked before it is read: not /dev/zero, a FIFO or a huge file
            text = read_file(path, MAX_PORTAL_BYTES).decode("utf-8")
        except (Unreadable, TooLarge) as exc:
            raise PortalError(f"cannot read {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise PortalError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PortalError(f"{source} is not valid TOML: {exc}") from exc
    try:
        return from_dict(data, source)
    except PortalError as exc:
        raise PortalError(f"{source}: {exc}") from exc


_current: Portal | None = None


def current() -> Portal:
    """The portal of this process: the one activated, else the built-in one."""
    global _current
    if _current is None:
        _current = load()
    return _current


def activate(p: Portal) -> Portal:
    """Make ``p`` the portal every part of the crawler reads.

    :param p: a loaded portal.
    """
    global _current
    _current = p
    return p


def section_of_path(path: str) -> str | None:
    """The slug of the section a path of the portal's own host lies under, or None."""
    p = current()
    return p.section_of(f"{p.scheme}://{p.host}{path}")


def __getattr__(name: str):
    # Compatibility for readers of the old module constants: they now read the current portal.
    p = current()
    if name == "HOST":
        return p.host
    if name == "SCHEME":
        return p.scheme
    if name == "BASE_URL":
        return p.root
    if name == "SECTIONS":
        return p.sections
    if name == "SECTIONS_BY_SLUG":
        return p.by_slug
    if name == "ARTICLE_PATH":
        return p.articles[0]
    raise AttributeError(name)
