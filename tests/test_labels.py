"""Table tests of g60crawler.labels: the 摘要, 责任编辑, 来源 and 作者 label rules.

Labels come with full- or half-width colons and brackets (PORTAL.md, "Text
conventions"): 摘要：, 【摘要】, 责编:, 【责任编辑：X】, （责任编辑：X）, [责任编辑:X].
"""

from __future__ import annotations

import pytest

from g60crawler import labels as n

# ---------------------------------------------------------------- summary

SUMMARY = "6月6日上午,长三角一体化发展成果发布会在合肥举行。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # full-width colon (article-detail template)
        (f"摘要：{SUMMARY}", SUMMARY),
        # half-width colon
        (f"摘要:{SUMMARY}", SUMMARY),
        # lenticular brackets, no colon
        (f"【摘要】{SUMMARY}", SUMMARY),
        # square brackets
        (f"[摘要]{SUMMARY}", SUMMARY),
        # brackets followed by a colon as well
        (f"【摘要】：{SUMMARY}", SUMMARY),
        # spaces inside the label and before the text
        (f" 摘 要： {SUMMARY}", SUMMARY),
        # U+3000 indent and U+3000 between the two characters
        (f"\u3000\u3000摘\u3000要：{SUMMARY}", SUMMARY),
        # spaces around the colon
        (f"摘要 ： {SUMMARY}", SUMMARY),
        # no label: text unchanged
        (SUMMARY, SUMMARY),
        # 摘要 in the middle is not a label
        ("本次发布会摘要：成果丰硕", "本次发布会摘要：成果丰硕"),
        # only the label: no summary
        ("摘要：", None),
        ("【摘要】", None),
        # empty / None
        ("", None),
        (None, None),
    ],
)
def test_strip_summary_label(raw, expected):
    assert n.strip_summary_label(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the documented label forms
        (f"摘要：{SUMMARY}", True),
        (f"摘要:{SUMMARY}", True),
        (f"【摘要】{SUMMARY}", True),
        (f"[摘要]{SUMMARY}", True),
        # indented, with spaces in the label
        (f"\u3000\u3000摘 要：{SUMMARY}", True),
        # a paragraph mentioning 摘要 in its middle is not a summary line
        ("会议审议了工作报告摘要：并提出意见。", False),
        ("他宣读了报告的摘要。", False),
        # starts with the word 摘要 but has no label punctuation
        ("摘要内容如下", False),
        # an ordinary paragraph
        (SUMMARY, False),
        # empty
        ("", False),
    ],
)
def test_is_summary_line(raw, expected):
    assert n.is_summary_line(raw) is expected


# ---------------------------------------------------------------- editor


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the saved page's line
        ("责任编辑：倪珺", "倪珺"),
        # short label, half-width colon
        ("责编:张三", "张三"),
        # lenticular brackets
        ("【责任编辑：李明】", "李明"),
        # full-width parentheses
        ("（责任编辑：王芳）", "王芳"),
        # square brackets, half-width colon
        ("[责任编辑:赵六]", "赵六"),
        # half-width parentheses
        ("(责任编辑:钱七)", "钱七"),
        # "con" template: 【责编：张三】
        ("【责编：张三】", "张三"),
        # spaces around the colon
        ("责任编辑 ： 倪珺", "倪珺"),
        # U+3000 after the colon
        ("责任编辑：\u3000倪珺", "倪珺"),
        # spaces inside brackets
        ("【 责编 ： 张三 】", "张三"),
        # indented line with &nbsp;
        ("\u3000\u3000责任编辑：&nbsp;倪珺", "倪珺"),
        # plain 编辑 label is an editor label too
        ("编辑：张三", "张三"),
        # a sentence that merely contains the word 编辑
        ("本报编辑部对稿件进行了编辑整理。", None),
        # a sentence starting with 编辑 but no label
        ("编辑们连夜赶稿。", None),
        # label without a name
        ("责任编辑：", None),
        # empty / None
        ("", None),
        (None, None),
    ],
)
def test_parse_editor(raw, expected):
    assert n.parse_editor(raw) == expected


LAST = "长三角三省一市常务副省(市)长,三省一市党委、政府秘书长,媒体代表等出席发布会。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the documented case
        ("……出席发布会。（责任编辑：倪珺）", ("……出席发布会。", "倪珺")),
        # the saved page's last paragraph with an editor appended
        (f"{LAST}（责任编辑：倪珺）", (LAST, "倪珺")),
        # "con" form, with a space before it
        (f"{LAST} 【责编：张三】", (LAST, "张三")),
        # square brackets, half-width colon
        (f"{LAST}[责任编辑:张三]", (LAST, "张三")),
        # half-width parentheses with spaces around the colon
        (f"{LAST}(责任编辑 : 张三)", (LAST, "张三")),
        # the paragraph is cleaned (indent) as well
        (f"\u3000\u3000{LAST}（责任编辑：倪珺）", (LAST, "倪珺")),
        # no editor: paragraph unchanged, None
        (LAST, (LAST, None)),
        # parentheses at the end that are not an editor label
        ("合肥市有关负责同志(含县区)", ("合肥市有关负责同志(含县区)", None)),
        # mentions 编辑 but is no label
        ("他是一名新闻编辑。", ("他是一名新闻编辑。", None)),
    ],
)
def test_split_trailing_editor(raw, expected):
    assert n.split_trailing_editor(raw) == expected


# ---------------------------------------------------------------- source


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # full-width colon
        ("来源：中国发展网", "中国发展网"),
        # half-width colon and a -中国发展网 suffix on another outlet
        ("来源:嘉兴日报-中国发展网", "嘉兴日报"),
        # a local outlet
        ("来源：湖州发布", "湖州发布"),
        # the bare name without label
        ("中国发展网", "中国发展网"),
        # space after the colon
        ("来源： 湖州发布", "湖州发布"),
        # bracketed label
        ("【来源：湖州发布】", "湖州发布"),
        # label only
        ("来源：", None),
        # empty / None
        ("", None),
        (None, None),
    ],
)
def test_parse_source(raw, expected):
    assert n.parse_source(raw) == expected


# ---------------------------------------------------------------- author


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # full-width colon
        ("作者：张三", "张三"),
        # half-width colon
        ("作者:张三", "张三"),
        # reporter byline with a space
        ("记者 王磊", "王磊"),
        # "this site's reporter"
        ("本网记者 王磊", "王磊"),
        # the network's name before 记者
        ("中国发展网记者 王磊", "王磊"),
        # 文/X
        ("文/李四", "李四"),
        # a bare name
        ("李四", "李四"),
        # reporter with a colon
        ("记者：王磊", "王磊"),
        # U+3000 between label and name
        ("本网记者\u3000王磊", "王磊"),
        # a long sentence starting with 记者 is not an author
        ("记者从长三角G60科创走廊联席办获悉，今年一季度九城市新签约重大产业项目超过一百个。", None),
        # a label without a name is not a name
        ("作者：", None),
        # empty / None
        ("", None),
        (None, None),
    ],
)
def test_parse_author(raw, expected):
    assert n.parse_author(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the documented form
        ("本网记者 王磊", True),
        ("记者 王磊", True),
        ("中国发展网记者 王磊", True),
        # no space
        ("记者王磊", True),
        # colon
        ("记者：王磊", True),
        # indented with U+3000
        ("\u3000\u3000本网记者\u3000王磊", True),
        # two reporters
        ("本网记者 王磊 李明", True),
        # a long sentence starting with 记者 is not a byline
        ("记者从长三角G60科创走廊联席办获悉，今年一季度九城市新签约重大产业项目超过一百个。", False),
        # short sentence starting with 记者, with punctuation
        ("记者了解到，项目已开工。", False),
        # an ordinary paragraph
        (LAST, False),
        # empty
        ("", False),
    ],
)
def test_is_byline(raw, expected):
    assert n.is_byline(raw) is expected


# ---------------------------------------------------------------- labels inside longer lines


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a whole label line in any form
        ("【责任编辑：李明】", "李明"),
        ("[责任编辑:赵六]", "赵六"),
        # a label after share buttons (the element holds more than the label)
        ("分享到： 微信 微博 责任编辑：倪珺", "倪珺"),
        ("分享到 （责编：张三）", "张三"),
        ("打印 | 责任编辑：王芳|关闭", "王芳"),
        # a bare 编辑 inside a line is not a label
        ("本文由编辑部整理 分享到：微信", None),
        ("", None),
        (None, None),
    ],
)
def test_editor_of(raw, expected):
    assert n.editor_of(raw) == expected


@pytest.mark.parametrize(
    ("function", "raw", "expected"),
    [
        (n.find_source, "2023-06-06 10:20 来源：湖州发布 作者：张三", "湖州发布"),
        (n.find_source, "来源 ： 嘉兴日报|责任编辑：X", "嘉兴日报"),
        (n.find_source, "2023-06-06 中国发展网", None),
        (n.find_author, "2023-06-06 10:20 来源：湖州发布 作者：张三", "张三"),
        (n.find_author, "记者：王磊｜来源：X", "王磊"),
        (n.find_author, "2023-06-06 来源：湖州发布", None),
        (n.find_editor, "……全文完。责编：张三", "张三"),
        (n.find_editor, "他做了三年编辑：很辛苦", None),
    ],
)
def test_labels_found_inside_a_line(function, raw, expected):
    assert function(raw) == expected
