"""Attachments: an article's linked files, fetched one after the other and capped (G60_ATTACHMENTS)."""

from __future__ import annotations

import re

import scrapy

from .. import normalize
from ..failures import failure_reason
from ..httpheaders import headers_dict
from ..items import AttachmentFile, RawArticle
from .responses import content_type
from .scope import on_host

#: Why an attachment link was not fetched when the article links more than the limit.
OVER_LIMIT = "over the G60_MAX_ATTACHMENTS limit"


class ArticleAttachments:
    """Spider mixin: fetches an article's attachments, then hands the article on.

    Expects the spider's ``config``, ``crawler``, ``logger``, ``max_attachments`` and
    ``attachment_maxsize``.
    """

    def _attachment_plan(self, raw: RawArticle) -> list[dict]:
        """The article's attachment links to fetch: each URL once, at most G60_MAX_ATTACHMENTS on the portal.

        The links over the limit are recorded on the article as skipped, with the reason.

        :param raw: the article, its pages joined.
        """
        unique: dict[str, dict] = {}
        for link in raw.attachments:
            unique.setdefault(normalize.canonical_url(link["url"]), link)  # the first link of each URL
        pending, fetched = [], 0
        for link in unique.values():
            if on_host(link["url"]) and fetched >= self.max_attachments:
                raw.attachment_files.append(AttachmentFile(link["url"], link["name"], "skipped", reason=OVER_LIMIT))
                self.crawler.stats.inc_value("g60/attachments/over_limit")
                continue
            fetched += on_host(link["url"])
            pending.append(link)
        return pending

    def _attachments(self, raw: RawArticle, pending: list[dict]):
        """Fetch the article's attachments one after the other, then hand the article on.

        :param raw: the article the files are recorded on.
        :param pending: the links still to fetch (consumed).
        """
        while pending:
            link = pending.pop(0)
            if not on_host(link["url"]):
                raw.attachment_files.append(AttachmentFile(link["url"], link["name"], "skipped",
                                                           reason="not on the portal's host"))
                continue
            # dont_filter: two articles may link the same file, and each must get it
            yield scrapy.Request(link["url"], callback=self.parse_attachment, errback=self.attachment_failed,
                                 dont_filter=True, meta={"download_maxsize": self.attachment_maxsize},
                                 cb_kwargs={"raw": raw, "link": link, "pending": pending})
            return
        yield raw

    def parse_attachment(self, response, raw: RawArticle, link: dict, pending: list[dict]):
        raw.attachment_files.append(AttachmentFile(
            link["url"], link["name"], "stored", body=response.body, size=len(response.body),
            mime=content_type(response), headers=headers_dict(response.headers),
            fetched_at=self.config.clock().isoformat(timespec="seconds")))
        yield from self._attachments(raw, pending)

    def attachment_failed(self, failure):
        """An attachment that failed is recorded on the article (``skipped`` when too large), and the next one fetched."""
        kwargs = failure.request.cb_kwargs
        reason, detail = failure_reason(failure)
        size = None
        if reason == "too large":
            m = re.search(r"\((\d+)\)", detail)
            size = int(m.group(1)) if m else None
        status = "skipped" if reason == "too large" else "failed"
        self.logger.warning("attachment %s %s: %s", kwargs["link"]["url"], status, reason)
        kwargs["raw"].attachment_files.append(AttachmentFile(
            kwargs["link"]["url"], kwargs["link"]["name"], status, size=size, reason=reason))
        yield from self._attachments(kwargs["raw"], kwargs["pending"])
