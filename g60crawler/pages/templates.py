"""The selector sets of the article templates known on the portal.

Each template is data: CSS selectors for its fields. A page belongs to the
first template whose ``title`` and ``body`` selectors both match. When the
portal is redesigned, a new Template here is the whole fix (check it with
``g60crawler extract PAGE --url URL``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    author: str | None = None
    #: one element holding date, source and author together (``con_time``)
    infos: str | None = None
    editor: str | None = None
    attachments: str | None = None


ARTICLE_DETAIL = Template(
    name="article-detail",
    title="h1#article-content-title",
    body="div.article-detail-inner",
    date="div.article-infos span.date",
    source="div.article-infos span.source",
    author="div.article-infos span.author",
    editor=".article-editor, .editor, .zrbj",
    attachments="div.attachments",
)

CON = Template(
    name="con",
    title="div.con_title h1",
    body="div.content.article-content",
    infos="div.con_time",
    editor=".zrbj, .article-editor, .editor",
    attachments="div.attachments",
)

TEMPLATES: tuple[Template, ...] = (ARTICLE_DETAIL, CON)
