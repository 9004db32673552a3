"""Typed items that flow from the spider through the pipelines to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The public fields of an article, in the order `g60crawler extract` prints them.
ARTICLE_FIELDS = (
    "url", "canonical_url", "section", "title", "summary", "body", "editor",
    "source", "author", "published", "images", "attachments", "extraction", "encoding",
)


@dataclass
class Capture:
    """One fetched response, as the archive keeps it (raw bytes, not decoded)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)  # logs show the item, not megabytes of page
    fetched_at: str = ""


@dataclass
class AttachmentFile:
    """An attachment linked from an article: fetched, or why not."""

    url: str
    name: str
    status: str  # "stored", "skipped" (over the size limit, another host) or "failed"
    body: bytes | None = field(default=None, repr=False)
    size: int | None = None
    mime: str | None = None
    reason: str | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    fetched_at: str | None = None


@dataclass
class ListEntry:
    """An entry of a section list page: what the list says about an article."""

    url: str
    section: str
    title: str | None = None
    date: str | None = None  # normalised (ISO date) or None
    list_url: str | None = None


@dataclass
class ListPage:
    """The entries of one list page, archived together (one item, not one per entry)."""

    url: str
    section: str
    entries: list[ListEntry] = field(default_factory=list)
    capture: Capture | None = field(default=None, repr=False)  # the list page itself, for replay


@dataclass
class RawArticle:
    """What the selectors found on an article page, before normalisation.

    Text fields still hold their labels (``摘要：``, ``【责编：X】``); the
    pipeline turns this into an :class:`ArticleItem` with
    :func:`g60crawler.assemble.build_article`.
    """

    url: str
    extraction: str
    encoding: str
    title: str | None = None
    title_tag: str | None = None
    summary: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    author: str | None = None
    # (origin, text) in order of trust: the page's own date first, then meta tags
    dates: list[tuple[str, str]] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    next_page: str | None = None
    kind: str = "article"
    # context from the crawl, not from the page
    section: str | None = None
    list_entry: ListEntry | None = None
    captures: list[Capture] = field(default_factory=list, repr=False)
    aliases: list[str] = field(default_factory=list)  # other URLs (redirects) of this page
    attachment_files: list[AttachmentFile] = field(default_factory=list)
    canonical_link: str | None = None  # the page's <link rel="canonical">, absolute


@dataclass
class ArticleItem:
    """A normalised article, ready for the archive."""

    url: str
    canonical_url: str
    section: str | None = None
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    editor: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    images: list[dict[str, str | None]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    extraction: str | None = None
    encoding: str | None = None
    kind: str = "article"
    list_entry: ListEntry | None = None
    captures: list[Capture] = field(default_factory=list, repr=False)
    aliases: list[str] = field(default_factory=list)
    attachment_files: list[AttachmentFile] = field(default_factory=list)
    canonical_link: str | None = None  # evidence for deduplication (archive/dedup.py), not stored

    def public_dict(self) -> dict[str, Any]:
        """The fields a user sees (`g60crawler extract`), in their fixed order."""
        return {name: getattr(self, name) for name in ARTICLE_FIELDS}


@dataclass
class FailureItem:
    """A page that could not be fetched or extracted: recorded, never dropped."""

    url: str
    reason: str
    detail: str | None = None
    section: str | None = None
    captures: list[Capture] = field(default_factory=list)


@dataclass
class Requisite:
    """A style sheet, script or image a page loads, kept so the page replays as it looked."""

    capture: Capture = field(repr=False)


@dataclass
class NotModified:
    """A revisit answered 304: the archived page was checked and has not changed."""

    url: str


@dataclass
class SectionSwept:
    """A section's list pages were walked to the last one in this run."""

    section: str
