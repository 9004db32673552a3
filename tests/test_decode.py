"""Table-driven tests of g60crawler.pages.decode.decode_html.

Each case gives the page as text, how it is encoded into bytes, and the
Content-Type header; the expected result is the original text (a correct
decoding) and the encoding a careful reader of PORTAL.md ("a page's <meta
charset> and its HTTP header can disagree"; GB2312 read as GB18030, as
browsers do) and of decode_html's docstring would name.
"""

from __future__ import annotations

import codecs

import pytest

from g60crawler.pages.decode import decode_html

# 珺 and 喆 are not in GB2312 (they are in GBK/GB18030); · and — are the
# characters whose GB2312 and GBK mappings browsers and Python disagree on.
TEXT = "长三角一体化发展成果发布会在合肥举行 · 责任编辑：倪珺 — 张喆"

META_UTF8 = '<meta charset="utf-8">'
META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


def page(meta: str, text: str = TEXT) -> str:
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{text}</title></head>"
        f"<body><h1>{text}</h1><p>{text}</p></body></html>"
    )


BOM = codecs.BOM_UTF8

CASES = [
    # (html text, bytes encoding, BOM prefix, Content-Type, expected encoding)
    # UTF-8 page, honest meta, no header (a file)
    pytest.param(page(META_UTF8), "utf-8", False, None, "utf-8", id="utf8-meta-utf8"),
    # GBK bytes with a gb2312 meta: chars outside GB2312 still decode (gb18030)
    pytest.param(page(META_GB2312), "gbk", False, None, "gb18030", id="gbk-meta-gb2312"),
    # same with an honest header too
    pytest.param(
        page(META_GB2312), "gbk", False, "text/html; charset=gb2312", "gb18030", id="gbk-header-gb2312"
    ),
    # header says gbk: read as gb18030, as browsers do
    pytest.param(page(""), "gbk", False, "text/html; charset=GBK", "gb18030", id="gbk-header-gbk-no-meta"),
    # GB18030 bytes declared gb2312
    pytest.param(page(META_GB2312), "gb18030", False, None, "gb18030", id="gb18030-meta-gb2312"),
    # UTF-8 bytes under a lying gb2312 meta, no header: must not be mojibake
    pytest.param(page(META_GB2312), "utf-8", False, None, "utf-8", id="utf8-meta-gb2312"),
    # UTF-8 bytes under a lying gb2312 header and meta
    pytest.param(
        page(META_GB2312), "utf-8", False, "text/html; charset=gb2312", "utf-8", id="utf8-header-gb2312"
    ),
    # honest utf-8 header wins over a stale gb2312 meta
    pytest.param(
        page(META_GB2312), "utf-8", False, "text/html; charset=utf-8", "utf-8", id="utf8-header-utf8-meta-gb2312"
    ),
    # a server's default latin-1 header over GBK bytes: latin-1 decodes anything,
    # so only the CJK <meta> can say what the bytes are
    pytest.param(
        page(META_GB2312), "gbk", False, "text/html; charset=iso-8859-1", "gb18030", id="gbk-header-latin1"
    ),
    # lying utf-8 header over GBK bytes, meta gb2312 right: decode as gb18030
    pytest.param(
        page(META_GB2312), "gbk", False, "text/html; charset=utf-8", "gb18030", id="gbk-header-utf8-meta-gb2312"
    ),
    # header charset in other spelling/case
    pytest.param(
        page(META_GB2312), "gbk", False, 'text/html;charset="UTF-8"', "gb18030", id="gbk-header-UTF8-quoted"
    ),
    # UTF-8 BOM: utf-8, and the BOM is not part of the text
    pytest.param(page(META_UTF8), "utf-8", True, None, "utf-8", id="bom-meta-utf8"),
    # BOM with a stale gb2312 meta: the BOM is the stronger signal
    pytest.param(page(META_GB2312), "utf-8", True, None, "utf-8", id="bom-meta-gb2312"),
    # BOM with a lying gb2312 header
    pytest.param(page(META_GB2312), "utf-8", True, "text/html; charset=gb2312", "utf-8", id="bom-header-gb2312"),
    # pure ASCII declared gb2312: gb18030 is harmless for ASCII, keep it
    pytest.param(page(META_GB2312, "G60 news"), "ascii", False, None, "gb18030", id="ascii-meta-gb2312"),
    # pure ASCII with a gb2312 header
    pytest.param(
        page(META_GB2312, "G60 news"), "ascii", False, "text/html; charset=gb2312", "gb18030", id="ascii-header-gb2312"
    ),
    # pure ASCII declared utf-8
    pytest.param(page(META_UTF8, "G60 news"), "ascii", False, None, "utf-8", id="ascii-meta-utf8"),
]


@pytest.mark.parametrize(("html", "codec", "bom", "content_type", "expected_encoding"), CASES)
def test_decode_html(html, codec, bom, content_type, expected_encoding):
    body = (BOM if bom else b"") + html.encode(codec)
    text, encoding = decode_html(body, content_type)
    assert text == html
    assert encoding == expected_encoding


def test_text_is_really_outside_gb2312():
    """Guard for the fixture: TEXT must need GBK, or the gb18030 cases prove nothing."""
    with pytest.raises(UnicodeEncodeError):
        "珺喆".encode("gb2312")
    body = page(META_GB2312).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
