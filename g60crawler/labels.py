"""The label rules of the portal's pages: 摘要 (summary), 责任编辑 (editor), 来源 (source), 作者 (author).

One rule per label, in every form PORTAL.md lists: full- or half-width colons
and brackets (``摘要：``, ``【摘要】``, ``【责任编辑：X】``, ``（责任编辑：X）``,
``[责任编辑:X]``, ``来源：``, ``作者：``, ``记者 X``).

Every pattern here sees page text, so every one runs in linear time: a pattern
that can backtrack is only ever run on a bounded window (a label line is at
most :data:`MAX_LINE` characters; a trailing label is looked for in the last
:data:`MAX_LINE` characters), and the patterns searched across whole texts
start with a literal label and consume only what follows it.
"""

from __future__ import annotations

import re

from .normalize import clean_text

#: Longest label line (label, brackets and a name); longer text is no label line.
MAX_LINE = 200

_OPEN = r"[【\[（(〔]"
_CLOSE = r"[】\]）)〕]"
_CLOSING = "】]）)〕"
_COLON = r"\s*[:：]\s*"

# ---------------------------------------------------------------- 摘要

_SUMMARY_LABEL = re.compile(rf"\s*(?:{_OPEN}\s*摘\s*要\s*{_CLOSE}\s*[:：]?\s*|摘\s*要{_COLON})")


def is_summary_line(text: str) -> bool:
    """True if the paragraph starts with a 摘要 label in any of its forms.

    :param text: a paragraph.
    """
    return bool(_SUMMARY_LABEL.match(clean_text(text)))


def strip_summary_label(text: str | None) -> str | None:
    """The summary without its label (``摘要：``, ``摘要:``, ``【摘要】``); None if empty.

    :param text: the summary paragraph, with or without its label.
    """
    text = clean_text(text)
    m = _SUMMARY_LABEL.match(text)
    text = text[m.end():].strip() if m else text
    return text or None


# ---------------------------------------------------------------- 责任编辑

_EDITOR_WORD = r"(?:责任编辑|责编|编辑)"
_NAME = r"([^\s】\]）)〕]{1,20}(?:\s[^\s】\]）)〕]{1,20})*)"
# A whole editor line: 责任编辑：倪珺 / 【责编：张三】 / （责任编辑：X） / [责任编辑:X]
_EDITOR_LINE = re.compile(rf"{_OPEN}?\s*{_EDITOR_WORD}{_COLON}{_NAME}\s*{_CLOSE}?")
# An editor label ending a paragraph: ……出席发布会。（责任编辑：倪珺）
_TRAILING_EDITOR = re.compile(rf"\s*{_OPEN}\s*{_EDITOR_WORD}{_COLON}{_NAME}\s*{_CLOSE}\s*$")
#: An editor label anywhere in a line (``分享到 …… 责任编辑：X``): only the explicit words,
#: as a bare 编辑 inside running text is a verb or a job title.
EDITOR_IN_TEXT = re.compile(r"(?:责任编辑|责编)\s*[:：]\s*([^\s】\]）)〕|｜]+)")


def parse_editor(text: str | None) -> str | None:
    """The editor's name from a label line in any form (``【责编：张三】`` -> ``张三``).

    :param text: a line that is only an editor label.
    """
    text = clean_text(text)
    if len(text) > MAX_LINE:
        return None
    m = _EDITOR_LINE.fullmatch(text)
    return m.group(1).strip() if m else None


def split_trailing_editor(paragraph: str) -> tuple[str, str | None]:
    """Split an editor label off the end of a paragraph: (rest, editor or None).

    :param paragraph: the body's last paragraph.
    """
    text = clean_text(paragraph)
    if not text.endswith(tuple(_CLOSING)):
        return text, None
    offset = max(0, len(text) - MAX_LINE)
    m = _TRAILING_EDITOR.search(text, offset)
    if not m or m.start() == 0:
        return text, None
    return text[: m.start()].rstrip(), m.group(1).strip()


def find_editor(text: str | None) -> str | None:
    """The name after the first 责任编辑/责编 label inside a longer line.

    :param text: any text (an editor element holding share buttons, a page's text).
    """
    m = EDITOR_IN_TEXT.search(clean_text(text))
    return m.group(1) if m else None


def editor_of(text: str | None) -> str | None:
    """The editor of an editor field: a whole label line, else a label inside the line.

    :param text: the text of the element a template names as the editor's.
    """
    return parse_editor(text) or find_editor(text)


# ---------------------------------------------------------------- 来源

_SOURCE_LABEL = re.compile(rf"\s*{_OPEN}?\s*(?:来源|来自|稿源){_COLON}")
_SITE_SUFFIX = "中国发展网"
_SEPARATORS = "-_—–|"
#: A source label inside a line (``2023-06-06 来源：湖州发布 作者：X``).
SOURCE_IN_TEXT = re.compile(r"来源\s*[:：]\s*([^\s|｜]+)")


def parse_source(text: str | None) -> str | None:
    """The outlet name alone: no ``来源：`` label, no ``-中国发展网`` suffix.

    :param text: the source field (``来源：嘉兴日报-中国发展网``).
    """
    text = clean_text(text)
    if len(text) > MAX_LINE:
        return None
    m = _SOURCE_LABEL.match(text)
    if m:
        text = text[m.end():]
    text = text.rstrip()
    if text.endswith(tuple(_CLOSING)):
        text = text[:-1].rstrip()
    if text.endswith(_SITE_SUFFIX):
        before = text[: -len(_SITE_SUFFIX)].rstrip()
        if before.endswith(tuple(_SEPARATORS)):
            text = before[:-1].rstrip()
    return text or None


def find_source(text: str | None) -> str | None:
    """The outlet after the first ``来源：`` label inside a longer line.

    :param text: any text (an info line, a page's text).
    """
    m = SOURCE_IN_TEXT.search(clean_text(text))
    return m.group(1) if m else None


# ---------------------------------------------------------------- 作者 / 记者

_PERSON = r"([^\s:：】\]）)〕]{1,20}(?:\s[^\s:：】\]）)〕]{1,20})*)"
_AUTHOR = re.compile(rf"\s*{_OPEN}?\s*(?:(?:作者|撰稿){_COLON}|文\s*[/:：]\s*)?{_PERSON}\s*{_CLOSE}?\s*")
_BYLINE = re.compile(
    r"\s*(?:中国发展网|本网)?\s*(?:首席)?记者\s*[:：]?\s*"
    r"([\u4e00-\u9fff·]{2,5}(?:[ 、，,][\u4e00-\u9fff·]{2,5})*)\s*"
)
#: An author label inside a line (``作者：X``, ``记者：X``).
AUTHOR_IN_TEXT = re.compile(r"(?:作者|记者)\s*[:：]\s*([^\s|｜]+)")


def parse_author(text: str | None) -> str | None:
    """The author's name from ``作者：X``, ``文/X``, ``记者 X``, ``本网记者 X`` or the bare name.

    :param text: the author field or a byline paragraph.
    """
    text = clean_text(text)
    if not text or len(text) > MAX_LINE:
        return None
    m = _BYLINE.fullmatch(text)
    if m:
        return m.group(1)
    m = _AUTHOR.fullmatch(text)
    if m:
        return m.group(1).strip()
    return None


def is_byline(text: str) -> bool:
    """True for a paragraph that is only a reporter byline (``本网记者 王磊``).

    :param text: a paragraph.
    """
    text = clean_text(text)
    return len(text) <= MAX_LINE and bool(_BYLINE.fullmatch(text))


def find_author(text: str | None) -> str | None:
    """The name after the first ``作者：``/``记者：`` label inside a longer line.

    :param text: any text (an info line, a page's text).
    """
    m = AUTHOR_IN_TEXT.search(clean_text(text))
    return m.group(1) if m else None
