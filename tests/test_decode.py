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


# ---------------------------------------------------------------- charset lies (issue 10, defect 9)
#
# Every direction of the lie: the header (none at all as for a file, the portal's plain
# ``text/html``, an honest or lying charset) x the <meta> (utf-8, gbk, none) x what the
# bytes really are (UTF-8 or GBK). The bytes hold 珺 and 喆, so exactly one of UTF-8 and
# GB18030 decodes them cleanly: whatever the labels say, that one must be used.

META_GBK = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
HEADERS = {"no-header": None, "plain": "text/html", "header-utf8": "text/html; charset=utf-8",
           "header-gbk": "text/html; charset=GBK"}
METAS = {"meta-utf8": META_UTF8, "meta-gbk": META_GBK, "no-meta": ""}
REAL = {"bytes-utf8": ("utf-8", "utf-8"), "bytes-gbk": ("gbk", "gb18030")}

LIES = [
    pytest.param(header, meta, codec, used, id=f"{hid}-{mid}-{bid}")
    for hid, header in HEADERS.items()
    for mid, meta in METAS.items()
    for bid, (codec, used) in REAL.items()
]


@pytest.mark.parametrize(("content_type", "meta", "codec", "expected_encoding"), LIES)
def test_the_bytes_decide_when_labels_lie(content_type, meta, codec, expected_encoding):
    html = page(meta)
    text, encoding = decode_html(html.encode(codec), content_type)
    assert text == html
    assert "\ufffd" not in text
    assert encoding == expected_encoding


@pytest.mark.parametrize("content_type", list(HEADERS.values()), ids=list(HEADERS))
@pytest.mark.parametrize("meta", list(METAS.values()), ids=list(METAS))
def test_a_utf8_bom_wins_over_any_label(content_type, meta):
    html = page(meta)
    text, encoding = decode_html(BOM + html.encode("utf-8"), content_type)
    assert (text, encoding) == (html, "utf-8")


def test_a_utf16_bom_is_read():
    html = page("")
    text, encoding = decode_html(codecs.BOM_UTF16_LE + html.encode("utf-16-le"), "text/html")
    assert (text, encoding) == (html, "utf-16-le")


@pytest.mark.parametrize("content_type", [None, "text/html", "text/html; charset=utf-8"])
def test_a_damaged_gbk_page_is_read_with_the_fewest_replacements(content_type):
    """No candidate decodes cleanly (one byte cut): the one losing least is used, not the label."""
    html = page(META_UTF8)
    body = html.encode("gbk")
    cut = body.index("珺".encode("gbk"))
    body = body[:cut] + b"\xff" + body[cut:]  # 0xff is no lead byte in GBK/GB18030 nor in UTF-8
    text, encoding = decode_html(body, content_type)
    assert encoding == "gb18030"
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "", 1) == html
