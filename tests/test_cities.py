"""Which G60 cities an article concerns."""

from __future__ import annotations

import pytest

from g60crawler.cities import cities_in


@pytest.mark.parametrize("text, cities", [
    ("长三角一体化发展成果发布会在合肥举行", ["合肥"]),
    ("合肥工业大学与合肥市签约", ["合肥"]),  # one city, however often
    ("松江区与嘉兴市南湖区签约", ["松江", "嘉兴"]),  # returned in the corridor's order
    ("合肥、芜湖、宣城、湖州、苏州、金华、杭州、嘉兴、松江九城市", ["松江", "嘉兴", "杭州", "金华", "苏州", "湖州", "宣城", "芜湖", "合肥"]),
    ("义乌小商品城", ["金华"]),  # a county-level city of 金华
    ("昆山开发区", ["苏州"]),
    ("小昆山镇", ["松江"]),  # a town of 松江, not 昆山
    ("余杭区未来科技城", ["杭州"]),
    ("巢湖之滨", ["合肥"]),
    ("无为而治", []),  # 无为 alone is a phrase, only 无为市 is a place
    ("滨江大道", []),  # 滨江 is too common; only 滨江区 counts
    ("长兴岛", []),  # Shanghai's island, not 长兴县 (湖州)
    ("G60科创走廊", []),  # the corridor is not a city
    ("", []),
])
def test_cities_in(text, cities):
    assert cities_in(text) == cities


def test_several_texts_and_none():
    assert cities_in("标题在松江", None, "正文提到芜湖") == ["松江", "芜湖"]
