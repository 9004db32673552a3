"""The version diff: words are ASCII runs, single CJK characters, whitespace runs and punctuation."""

from __future__ import annotations

import pytest

from g60crawler.web.diff import DELETE, EQUAL, INSERT, diff, diff_html, tokens


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("长三角G60科创走廊", ["长", "三", "角", "G60", "科", "创", "走", "廊"]),
    ("2024年5G基站", ["2024", "年", "5G", "基", "站"]),
    ("300余人，参会", ["300", "余", "人", "，", "参", "会"]),
    ("a  b\n\nc", ["a", "  ", "b", "\n\n", "c"]),
])
def test_tokens(text, expected):
    assert tokens(text) == expected
    assert "".join(tokens(text)) == text


@pytest.mark.parametrize("old, new, expected", [
    # identical: one equal run
    ("合肥市", "合肥市", [(EQUAL, "合肥市")]),
    # a number changes as a whole word, not digit by digit (300 -> 400 shares the 00)
    ("代表300余人参会", "代表400余人参会", [(EQUAL, "代表"), (DELETE, "300"), (INSERT, "400"), (EQUAL, "余人参会")]),
    # a Chinese character is a word: one changed character is one change
    ("在金华举行", "在湖州举行", [(EQUAL, "在"), (DELETE, "金华"), (INSERT, "湖州"), (EQUAL, "举行")]),
    # an added sentence
    ("提升。", "提升。目前已集聚500余家。", [(EQUAL, "提升。"), (INSERT, "目前已集聚500余家。")]),
    # a removed clause
    ("甲，乙，丙。", "甲，丙。", [(EQUAL, "甲"), (DELETE, "，乙"), (EQUAL, "，丙。")]),
    # a stray common character (的) between two changes is folded into one change, not a comb
    ("新的政策文件", "旧的规划方案", [(DELETE, "新的政策文件"), (INSERT, "旧的规划方案")]),
    # ... but an unchanged space or paragraph break is kept as it is
    ("AI 芯片", "AR 眼镜", [(DELETE, "AI"), (INSERT, "AR"), (EQUAL, " "), (DELETE, "芯片"), (INSERT, "眼镜")]),
    # empty and missing sides
    (None, "新文章", [(INSERT, "新文章")]),
    ("旧文章", "", [(DELETE, "旧文章")]),
    ("", None, []),
])
def test_diff(old, new, expected):
    runs = diff(old, new)
    assert runs == expected
    assert "".join(t for op, t in runs if op != INSERT) == (old or "")
    assert "".join(t for op, t in runs if op != DELETE) == (new or "")


def test_diff_html_marks_changes_and_escapes_text():
    html = diff_html("<b>旧</b> & 合肥", "<b>新</b> & 合肥")
    assert html == "&lt;b&gt;<del>旧</del><ins>新</ins>&lt;/b&gt; &amp; 合肥"
    assert "<b>" not in html
