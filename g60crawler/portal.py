"""The portal in one place: host, sections and URL patterns.

Host and slugs are ASSUMPTIONS (see README, "What is assumed about the
portal"): correct them here, in one line each, once someone has looked at the
live site. Everything else (spider, extraction, archive) reads them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: Assumed host of the G60 channel.
HOST = "g60.chinadevelopment.com.cn"
SCHEME = "http"
BASE_URL = f"{SCHEME}://{HOST}/"

SectionKind = Literal["news", "page"]


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    kind: SectionKind

    @property
    def url(self) -> str:
        return f"{BASE_URL}{self.slug}/"


#: The seven sections of the navigation bar, in its order. Slugs are assumed.
SECTIONS: tuple[Section, ...] = (
    Section("g60zx", "G60资讯", "news"),
    Section("sjxw", "松江新闻", "news"),
    Section("jcfc", "九城风采", "news"),
    Section("zcfw", "政策服务", "news"),
    Section("cytz", "产业投资", "news"),
    Section("zcnx", "招才纳贤", "news"),
    Section("gywm", "关于我们", "page"),
)

SECTIONS_BY_SLUG = {s.slug: s for s in SECTIONS}

# /<section>/<yyyy>/<mmdd>/<digits>.shtml, older /<section>/<yyyy>/<mm>/<digits>.shtml;
# page n of a split article is <digits>_<n>.shtml.
ARTICLE_PATH = re.compile(
    r"^/(?P<section>[a-z0-9]+)/(?P<year>(?:19|20)\d\d)/(?P<md>\d{4}|\d{2})/"
    r"(?P<id>\d+)(?:_(?P<page>\d+))?\.s?html$"
)
# /<section>/, /<section>/index.shtml, /<section>/index_3.shtml
LIST_PATH = re.compile(r"^/(?P<section>[a-z0-9]+)/(?:index(?:_(?P<page>\d+))?\.s?html)?$")


def section_of_path(path: str) -> str | None:
    """The slug of a known section that a URL path lies under, or None."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in SECTIONS_BY_SLUG else None

