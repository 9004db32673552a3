"""Turn an article's body element into paragraphs, images and attachment links.

CMS bodies mix ``<p>`` paragraphs, bare text split by ``<br>``, images with a
centred caption paragraph after them, tables, share widgets and scripts. This
walks the element tree once and yields what a reader sees as blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from ..normalize import clean_text
from .tree import text_of

_BLOCK_TAGS = frozenset(
    "p div section article aside header footer h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "blockquote center figure figcaption pre hr address table tbody thead tfoot tr".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript iframe button form select input textarea object embed svg "
    "canvas template audio video source link meta head".split()
)
# Share widgets, related-news lists and similar chrome that CMSs put in bodies.
_WIDGET_CLASS = re.compile(
    r"share|bdshare|bshare|related|xgxw|recommend|comment|pager|page-turn|toolbar|qrcode|ewm",
    re.I,
)
_CENTERED = re.compile(r"text-align\s*:\s*center", re.I)
_CAPTION_CLASS = re.compile(r"caption|pic-?info|img-?desc|pictext|tuzhu", re.I)
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|zip|rar|7z|wps|et|pptx?|txt|ofd)$", re.I)
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*\d*\s*[:：、.]?\s*")
_MAX_CAPTION = 120
MAX_DEPTH = 200  # nesting below this is read as plain text (no recursion on hostile pages)


@dataclass
class Block:
    kind: str  # "text" or "image"
    text: str = ""
    src: str | None = None
    centered: bool = False
    caption_like: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)


@dataclass
class Body:
    paragraphs: list[str]
    images: list[dict[str, str | None]]
    attachments: list[dict[str, str]]


def is_widget(el) -> bool:
    classes = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(_WIDGET_CLASS.search(classes))


def _is_centered(el) -> bool:
    return bool(_CENTERED.search(el.get("style", ""))) or el.get("align", "").lower() == "center"


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def flush(self, buf: list[str], links: list[tuple[str, str]], owner) -> None:
        text = clean_text("".join(buf))
        if text:
            centered = owner is not None and (
                _is_centered(owner) or owner.tag == "center"
            )
            caption_like = owner is not None and (
                owner.tag == "figcaption" or bool(_CAPTION_CLASS.search(owner.get("class", "")))
            )
            self.blocks.append(Block("text", text, centered=centered, caption_like=caption_like,
                                     links=list(links)))
        buf.clear()
        links.clear()

    def inline_text(self, el, links: list[tuple[str, str]]) -> str:
        """Text of an inline element and its inline children, in order (scripts and styles left out).

        Iterative (lxml's iterwalk), so absurdly deep inline markup cannot exhaust the stack.
        """
        parts: list[str] = []
        walker = etree.iterwalk(el, events=("start", "end"))
        for event, node in walker:
            if event == "start":
                if node is not el and (not isinstance(node.tag, str) or node.tag in _SKIP_TAGS):
                    walker.skip_subtree()  # its "end" still comes: the tail is kept
                    continue
                if node.tag == "a" and node.get("href"):
                    links.append((node.get("href"), clean_text(text_of(node))))
                parts.append(node.text or "")
            elif node is not el:
                parts.append(node.tail or "")
        return "".join(parts)

    def walk(self, el, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            # absurdly deep markup (a broken or hostile page): its text, as one block, without recursing
            self.blocks.append(Block("text", clean_text(" ".join(el.itertext()))))
            return
        buf: list[str] = [el.text or ""]
        links: list[tuple[str, str]] = []
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag in _SKIP_TAGS or is_widget(child):
                buf.append(child.tail or "")
                continue
            if tag == "br":
                self.flush(buf, links, el)
            elif tag == "img":
                self.flush(buf, links, el)
                src = child.get("src") or child.get("data-src")
                if src:
                    self.blocks.append(Block("image", src=src))
            elif tag == "table":
                self.flush(buf, links, el)
                self.table(child)
            elif tag in _BLOCK_TAGS or child.find(".//img") is not None or _has_block(child):
                self.flush(buf, links, el)
                self.walk(child, depth + 1)
            else:
                buf.append(self.inline_text(child, links))
            buf.append(child.tail or "")
        self.flush(buf, links, el)

    def table(self, table) -> None:
        for row in table.iter("tr"):
            cells = [clean_text(text_of(c)) for c in row if c.tag in ("td", "th")]
            text = " ".join(c for c in cells if c)
            if text:
                self.blocks.append(Block("text", text))


def _has_block(el) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants())


def _is_caption(block: Block, after_image: bool) -> bool:
    if block.kind != "text" or len(block.text) > _MAX_CAPTION:
        return False
    return block.caption_like or (after_image and (block.centered or block.text.startswith("图")))


def _attachment_only(block: Block, base_url: str) -> list[dict[str, str]] | None:
    """The attachments of a paragraph that holds nothing but attachment links."""
    found = [
        {"url": urljoin(base_url, href), "name": text}
        for href, text in block.links
        if ATTACHMENT_EXT.search(href.split("?", 1)[0])
    ]
    if not found:
        return None
    rest = _ATTACHMENT_LABEL.sub("", block.text)
    for item in found:
        rest = rest.replace(item["name"], "")
    return found if not clean_text(rest) else None


def body_blocks(element, base_url: str) -> Body:
    """Paragraphs, images (with captions) and attachments of a body element.

    :param element: an lxml element (the body container).
    :param base_url: the page URL, to make image and attachment URLs absolute.
    """
    walker = _Walker()
    walker.walk(element)
    paragraphs: list[str] = []
    images: list[dict[str, str | None]] = []
    attachments: list[dict[str, str]] = []
    previous_image = False
    for block in walker.blocks:
        if block.kind == "image":
            images.append({"url": urljoin(base_url, block.src), "caption": None})
            previous_image = True
            continue
        if images and images[-1]["caption"] is None and _is_caption(block, previous_image):
            images[-1]["caption"] = block.text
            previous_image = False
            continue
        previous_image = False
        found = _attachment_only(block, base_url)
        if found is not None:
            attachments.extend(found)
            continue
        if _ATTACHMENT_LABEL.fullmatch(block.text):
            continue  # a lone "附件：" heading before the links
        for href, text in block.links:
            if ATTACHMENT_EXT.search(href.split("?", 1)[0]):
                attachments.append({"url": urljoin(base_url, href), "name": text})
        paragraphs.append(block.text)
    return Body(paragraphs, images, attachments)


def attachment_links(element, base_url: str) -> list[dict[str, str]]:
    """Every attachment link under an element (for attachment blocks outside the body)."""
    found = []
    for a in element.iter("a"):
        href = a.get("href")
        if href and ATTACHMENT_EXT.search(href.split("?", 1)[0]):
            found.append({"url": urljoin(base_url, href), "name": clean_text(text_of(a))})
    return found

