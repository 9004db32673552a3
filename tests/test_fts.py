"""The bigram segmentation and the safe query parser."""

from __future__ import annotations

import pytest

from g60crawler.archive.fts import QueryError, QueryTooLong, parse_query, segment, tokens


@pytest.mark.parametrize("text, expected", [
    ("合肥", ["合肥"]),
    ("长三角", ["长三", "三角"]),
    # ASCII words stay whole; where a Chinese run touches one, its edge character is a token too
    ("长三角G60科创走廊", ["长三", "三角", "角", "g60", "科", "科创", "创走", "走廊"]),
    ("5G基站", ["5g", "基", "基站"]),
    ("登陆A股市场", ["登陆", "陆", "a", "股", "股市", "市场"]),  # so "A股" is a phrase of the index
    # punctuation between two runs is a gap: 九城，城市 must not match 九城市
    ("九城，城市更新", ["九城", "zzgap", "城市", "市更", "更新"]),
    ("G60 科创", ["g60", "科创"]),  # white space is no gap, and no edge character
    ("hello world", ["hello", "world"]),
    ("Ｇ６０", ["g60"]),  # full-width letters and digits fold to ASCII (NFKC)
    ("合肥，松江。", ["合肥", "zzgap", "松江"]),  # punctuation separates, with a gap
    ("与", ["与"]),  # a lone character is its own token
    ("", []),
    (None, []),
])
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_segment_joins_tokens():
    assert segment("长三角一体化") == "长三 三角 角一 一体 体化"


@pytest.mark.parametrize("text, match, singles", [
    ("合肥", '"合肥"', ()),
    ("长三角一体化", '"长三 三角 角一 一体 体化"', ()),
    ("合肥 人才", '"合肥" AND "人才"', ()),
    ("G60科创走廊", '"g60 科 科创 创走 走廊"', ()),
    ("A股", '"a 股"', ()),
    # FTS syntax typed by a user is text, never syntax
    ("AND", '"and"', ()),
    ("合肥 OR", '"合肥" AND "or"', ()),
    ('"合肥', '"合肥"', ()),
    ("合肥*", '"合肥"', ()),
    ("NEAR(合肥 松江)", '"near zzgap 合肥" AND "松江"', ()),
    ("合肥 ^ - :", '"合肥"', ()),  # operators alone are dropped
    # a single character has no bigram token: checked apart
    ("肥", None, ("肥",)),
    ("合肥 肥", '"合肥"', ("肥",)),
])
def test_parse_query(text, match, singles):
    query = parse_query(text)
    assert query.match == match
    assert query.singles == singles


@pytest.mark.parametrize("text", ["", "   ", '"', "* ^ :", "“”、。"])
def test_nothing_to_search(text):
    with pytest.raises(QueryError, match="nothing to search for"):
        parse_query(text)


def test_very_long_query_is_refused_not_cut():
    with pytest.raises(QueryTooLong, match="the query is 2000 characters long; at most 200"):
        parse_query("合肥" * 1000)
