"""Which of the nine G60 cities an article concerns, from its text.

Each city is found by its own name and by the names of its districts, counties
and (for 松江) towns, where a name is unambiguous in this corpus. Longer names
are matched first and blanked out, so 小昆山 (a town of 松江) is not read as
昆山 (苏州), and 合肥工业大学 still counts for 合肥.
"""

from __future__ import annotations

import re

#: The nine cities in the corridor's usual order, with the names that point to them.
CITY_NAMES: dict[str, tuple[str, ...]] = {
    "松江": ("松江", "泗泾", "九亭", "洞泾", "佘山", "车墩", "叶榭", "小昆山", "石湖荡", "泖港", "新浜",
             "广富林", "永丰街道", "方松街道", "中山街道", "岳阳街道"),
    "嘉兴": ("嘉兴", "南湖区", "秀洲", "嘉善", "平湖", "海盐", "海宁", "桐乡"),
    "杭州": ("杭州", "余杭", "萧山", "临平区", "富阳", "临安", "桐庐", "淳安", "建德", "拱墅", "西湖区",
             "上城区", "滨江区", "钱塘区"),
    "金华": ("金华", "婺城", "金东区", "兰溪", "义乌", "东阳", "永康", "武义", "浦江县", "磐安"),
    "苏州": ("苏州", "姑苏", "吴中", "相城", "吴江", "虎丘区", "常熟", "张家港", "昆山", "太仓"),
    "湖州": ("湖州", "吴兴", "南浔", "德清", "长兴县", "安吉", "南太湖"),
    "宣城": ("宣城", "宣州", "郎溪", "广德", "宁国", "泾县", "绩溪", "旌德"),
    "芜湖": ("芜湖", "镜湖区", "鸠江", "弋江", "湾沚", "繁昌", "南陵", "无为市"),
    "合肥": ("合肥", "蜀山区", "包河", "庐阳", "瑶海", "肥东", "肥西", "长丰", "庐江", "巢湖"),
}
CITIES = tuple(CITY_NAMES)

_NAME_TO_CITY = {name: city for city, names in CITY_NAMES.items() for name in names}
_PATTERN = re.compile("|".join(re.escape(n) for n in sorted(_NAME_TO_CITY, key=len, reverse=True)))


def cities_in(*texts: str | None) -> list[str]:
    """The G60 cities the texts mention, in the corridor's order (松江 … 合肥).

    :param texts: title, summary, body … (None is skipped).
    """
    found = {_NAME_TO_CITY[m.group(0)] for text in texts if text for m in _PATTERN.finditer(text)}
    return [city for city in CITIES if city in found]
