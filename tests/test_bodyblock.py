"""Body of pages in unknown templates: only the article, not the page furniture around it.

Snippets of real layouts: a body block that holds the breadcrumb, the headline,
a related list with dates and the copyright line; a promotion box of short
links that outweighs a short article; 上一篇/下一篇 and share bars.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from g60crawler.pages.bodyblock import find_body, trim_paragraphs
from g60crawler.pages.generic import extract_generic

URL = "https://www.example.gov.cn/kx/2024/0611/88.html"
ARTICLE = [
    "6月11日，区政府召开专题会议，研究部署下半年重点工作。会议听取了各部门上半年工作情况汇报。",
    "会议指出，要坚持稳中求进工作总基调，聚焦产业发展、民生保障和城市治理，确保全年目标任务顺利完成。",
    "会议强调，各部门要压实责任、加强协同，以更实举措推动各项工作落地见效。",
]
HEADLINE = "区政府召开专题会议研究部署下半年重点工作"


def _paras(texts):
    return "".join(f"<p>{t}</p>" for t in texts)


RELATED = ("<p>相关新闻</p>" + "".join(
    f"<p><a href='/kx/{i}.html'>区领导调研第{i}批重点项目建设情况</a> 2024-06-0{i}</p>" for i in range(1, 6)))


def test_whole_page_body_loses_breadcrumb_related_list_and_copyright():
    # one wrapper holds everything, as on old table/div layouts: the breadcrumb first, the
    # headline and a date line, the article, a related list with dates, the copyright line
    page = ("<html><head><title>" + HEADLINE + "_快讯_某某区人民政府</title></head><body><div class='wrap'>"
            "<p>您所在的位置：<a href='/'>首页</a> &gt; <a href='/kx/'>快讯</a> &gt; 正文</p>"
            f"<p><strong>{HEADLINE}</strong></p><p>发布时间：2024-06-11 10:30 来源：区政府办公室</p>"
            + _paras(ARTICLE) + RELATED +
            "<p>版权所有：某某区人民政府 备案号：苏ICP备12345678号</p></div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert raw.paragraphs == ARTICLE
    assert raw.title == HEADLINE


@pytest.mark.parametrize("box_class", ["article-list", "content-list"])
def test_short_article_beats_promotion_box_of_teasers(box_class):
    # a box of teasers (a link and a one-line summary each) named like a body ("article", "content")
    promo = "".join(f"<li><a href='/p/{i}.html'>区领导带队开展第{i}次安全生产检查</a>"
                    f"<p>{i}月，检查组深入企业一线，查看隐患整改。</p></li>" for i in range(6))
    page = ("<html><head><title>" + HEADLINE + "</title></head><body>"
            f"<div class='detail'><h1>{HEADLINE}</h1><div class='txt'>{_paras(ARTICLE[:2])}</div></div>"
            f"<div class='zt'><ul class='{box_class}'>{promo}</ul></div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert raw.paragraphs == ARTICLE[:2]


def test_short_article_beats_box_of_short_links():
    promo = "".join(f"<li><a href='/p/{i}.html'>【专题】区领导带队开展第{i}次安全生产检查行动</a></li>" for i in range(40))
    page = ("<html><head><title>" + HEADLINE + "</title></head><body>"
            f"<div class='box'><ul>{promo}</ul></div>"
            f"<div class='detail'><h1>{HEADLINE}</h1><div class='txt'>{_paras(ARTICLE[:2])}</div></div>"
            "</body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == ARTICLE[:2]


def test_prev_next_share_bar_and_print_links_are_not_body():
    page = ("<html><head><title>" + HEADLINE + "</title></head><body><div class='con'>"
            + _paras(ARTICLE) +
            "<p>分享到：微信 微博 QQ空间</p><p>【打印本页】 【关闭窗口】</p>"
            "<p>上一篇：<a href='/1.html'>区领导调研重点项目建设</a></p>"
            "<p>下一篇：<a href='/2.html'>区召开安全生产工作会议</a></p></div></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == ARTICLE


def test_find_body_prefers_marked_article_body():
    root = lxml_html.fromstring("<html><body><div id='a'>" + _paras(ARTICLE) + "</div>"
                                "<div itemprop='articleBody' id='b'><p>短文。</p></div></body></html>")
    assert find_body(root).get("id") == "b"


def test_find_body_none_without_prose():
    assert find_body(lxml_html.fromstring("<html><body><div><a href='/'>首页</a></div></body></html>")) is None


A0, A1, A2 = ARTICLE


@pytest.mark.parametrize("paragraphs, expected", [
    # a deck of subheads before the text (a question among them)
    (["推动区域协调发展取得新突破", "在高质量发展中发挥引领作用", "区长出席", A0, A1], [A0, A1]),
    # a short line ending in a question or exclamation mark is a sentence, not a subhead
    (["出国前：政治科目会出啥考题？", "出国后：国家未来将如何发展？", A0, A1],
     ["出国前：政治科目会出啥考题？", "出国后：国家未来将如何发展？", A0, A1]),
    # an interview: the first question and its short answer are the text
    (["问：今年的重点工作是什么？", "答：三件事。", "问：有哪些支持？", A0], ["问：今年的重点工作是什么？", "答：三件事。", "问：有哪些支持？", A0]),
    (["Q：今年的重点工作是什么", "A：搭平台、育主体", A0], ["Q：今年的重点工作是什么", "A：搭平台、育主体", A0]),
    (["记者：下一步有何打算", "继续扩大开放合作！", A0], ["记者：下一步有何打算", "继续扩大开放合作！", A0]),
    (["好消息！", A0], ["好消息！", A0]),
    # a notice's salutation, a line that introduces what follows
    (["各有关单位：", A0], ["各有关单位：", A0]),
    # an opening line that trails off (…) is the text, not a heading
    (["他是一个财团继承人、他是一个现代风险投资的开拓者……", A0], ["他是一个财团继承人、他是一个现代风险投资的开拓者……", A0]),
    # photo captions before the text
    (["5月9日，某某学院毕业生就业双选会现场。某某学院供图", "学生在服务中心实习。（记者 张三 摄）", A0], [A0]),
    # a summary box that repeats the opening of the text, then a provenance line
    ([A1, "本文首发于某某公众号", A0, A1, A2], [A0, A1, A2]),
    # a byline and a dateline stay (assemble reads the byline)
    (["本网记者 王磊", "新华社北京6月11日电", A0], ["本网记者 王磊", "新华社北京6月11日电", A0]),
    # short lines with no prose after them are not trimmed to nothing
    (["学校举行开学典礼", "新生代表发言"], ["学校举行开学典礼", "新生代表发言"]),
])
def test_lines_before_the_first_sentence(paragraphs, expected):
    assert trim_paragraphs(paragraphs, HEADLINE) == expected


@pytest.mark.parametrize("paragraphs, expected", [
    (["当前位置：首页 > 新闻中心", "正文第一段，有句号。", "正文第二段。"], ["正文第一段，有句号。", "正文第二段。"]),
    ([HEADLINE, "2024-06-11 来源：新华社 浏览次数：12", "正文。"], ["正文。"]),
    (["正文。", "相关阅读", "区召开会议", "区领导调研"], ["正文。"]),
    (["正文。", "Copyright © 2024 某某网 版权所有"], ["正文。"]),
    # a closing sentence that mentions a date is prose, not a list entry
    (["正文。", "本次活动将持续至2024年6月30日。"], ["正文。", "本次活动将持续至2024年6月30日。"]),
    # a video player's label, a notice's headline set over several lines before the text
    (["Play Video", "区政府召开", "专题会议", "正文。"], ["正文。"]),
    # staff credits after the text
    (["正文。", "总监制：邹 明", "监 制：高明勇", "审 读：崔向升"], ["正文。"]),
    # an editor line stays for assemble to read
    (["正文。", "（责任编辑：王明）"], ["正文。", "（责任编辑：王明）"]),
    # credits after the text, joined by a bar or a colon; an empty editor label
    (["正文。", "原标题：他晚于阿姆斯特朗登月", "出品︱科学人栏目组 胖胖", "作者︱春春"], ["正文。"]),
    # credits before the editor line: they go, the editor line stays
    (["正文。", "出品︱科学人栏目组", "作者︱春春", "[责任编辑:肖春芳]"], ["正文。", "[责任编辑:肖春芳]"]),
    (["正文。", "新京报记者 彭冲 报道", "【编辑:刘欢】", "责任编辑："], ["正文。", "新京报记者 彭冲 报道", "【编辑:刘欢】"]),
    # reprint and rights notices
    (["正文。", "【本文为某某网独家稿件，未经授权，不得转载、摘编等。】"], ["正文。"]),
    (["正文。", "本作品为“某某栏目”原创，转载时务请注明出处。"], ["正文。"]),
    (["正文。", "（版权声明：本文版权归原作者所有，如有侵权请联系删除）"], ["正文。"]),
    # a closing sentence about copyright is prose
    (["正文。", "会上，与会代表就版权保护和转载授权问题进行了讨论。"], ["正文。", "会上，与会代表就版权保护和转载授权问题进行了讨论。"]),
    # a list heading that ends in 推荐, action links on one line
    (["正文。", "精彩视频推荐"], ["正文。"]),
    (["正文。", "发送给朋友 发表评论 打印本文", "返回页首 | 关闭窗口"], ["正文。"]),
])
def test_trim_paragraphs(paragraphs, expected):
    assert trim_paragraphs(paragraphs, HEADLINE) == expected


def _teaser_box(tag: str, label: str) -> str:
    lines = "".join(f"<tr><td>{topic}：<a href='/t/{i}a.html'>第{i}批重点项目集中开工</a> "
                    f"<a href='/t/{i}b.html'>区领导带队检查安全生产</a></td></tr>"
                    for i, topic in enumerate(["要闻", "民生", "评论"]))
    if tag == "table":
        return f"<table><tr><td>{label}</td></tr>{lines}</table>"
    items = "".join(f"<li><a href='/r/{i}.html'>区领导调研第{i}批重点项目</a> (2024-06-0{i})</li>" for i in range(1, 5))
    return f"<div><div>{label}</div><ul>{items}</ul></div>"


@pytest.mark.parametrize("before, after", [
    # a recommendation table of short link lines inside the body, before the first paragraph
    (_teaser_box("table", "今日推荐"), ""),
    # a box of links with dates after the text, then an advertisement of links
    ("", _teaser_box("div", "相关报道：") + "<table><tr><td><a href='http://ad.example.com/1'>风湿获重大突破</a> "
     "<a href='http://ad.example.com/2'>失眠抑郁症必须亮剑</a></td></tr></table>"),
])
def test_boxes_of_link_lines_inside_the_body_are_not_body(before, after):
    page = ("<html><head><title>" + HEADLINE + "</title></head><body><table><tr><td class='zw'>"
            + before + _paras(ARTICLE) + after + "</td></tr></table></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == ARTICLE


@pytest.mark.parametrize("wrapper_class", ["container int-nav", "page has-sidebar", "layout-footer-fixed"])
def test_a_layout_wrapper_named_for_its_chrome_is_not_chrome(wrapper_class):
    # the class of a wrapper around the whole page names its navigation or sidebar style
    page = ("<html><head><title>" + HEADLINE + "</title></head><body>"
            f"<div class='{wrapper_class}'><ul class='menu'><li><a href='/'>首页</a></li></ul>"
            f"<div class='story'><h1>{HEADLINE}</h1>{_paras(ARTICLE)}</div></div></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == ARTICLE


def test_lead_paragraph_beside_the_body_block_and_ad_labels_inside_it():
    # the lead (chapo) is a sibling before the body's div; an ad slot and a promotion box are inside it
    lead = "各位好，欢迎收听本台节目。今天我们先看区政府的专题会议，再看下半年的重点工作。"
    page = ("<html><head><title>" + HEADLINE + "</title></head><body><main><article>"
            f"<h1>{HEADLINE}</h1><div class='dates'>发表时间：11/06/2024</div><p class='chapo'>{lead}</p>"
            "<div class='content-body'><div class='m-interstitial__ad'>广告</div>" + _paras(ARTICLE)
            + "<div class='o-self-promo'>下载本台应用程序跟踪国际时事</div></div></article></main></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == [lead, *ARTICLE]


@pytest.mark.parametrize("notice", [
    "您所浏览的新闻已过查询时效。建议您加入本社付费会员找寻您要的新闻。",
    "下载新闻客户端，随时随地看新闻",
    "欢迎关注本报微信公众号",
    "订阅每日新闻信，头条新闻就在您的邮箱里",
], ids=["paywall", "app", "wechat", "newsletter"])
def test_reader_notices_after_the_text_are_not_body(notice):
    assert trim_paragraphs([*ARTICLE, notice], HEADLINE) == ARTICLE


def test_text_after_a_comment_inside_a_link_is_kept():
    # keyword markers around a linked word: the word is the tail of a comment inside the link
    first = ("<p><span><a href='/stock/GOOG.htm'><!--keyword-->谷歌<!--/keyword--></a></span>"
             "(<a href='/t/google'>微博</a>)<!--/keyword-->在2014年收购的人工智能公司开发出一款新计算机。</p>")
    page = ("<html><head><title>" + HEADLINE + "</title></head><body><div class='text'>"
            + first + _paras(ARTICLE) + "</div></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs[0] == "谷歌(微博)在2014年收购的人工智能公司开发出一款新计算机。"


def test_player_controls_do_not_make_a_one_paragraph_article_a_list():
    # a video player's links (javascript:, icons without text) before a one-paragraph news item;
    # teasers of other items (a heading and a summary each) elsewhere on the page
    player = ("<div class='pic-video'><a href='/video/play/1.shtml'><img src='/v.jpg'></a><a>展开</a>"
              "<div class='video-title'>《某某会客厅》之《城市影人》5月20日起电影频道22:00播出"
              "<a href='javascript:void();'>收起</a></div><div class='mplayer'><div id='playerContainer'><img src='/poster.jpg'><a href='javascript:;'>会员跳过广告</a>"
              "<a href='javascript:;'>了解详情</a><a href='javascript:;'></a><a href='#'></a>"
              "<div class='settingItem'><span>循环播放</span></div><div class='sliderTime'>00:00</div>"
              "<div class='errorInfoMsg'>很抱歉，当前视频播放失败</div></div></div></div>"
              "<div class='reminder'><span>时长：01:45</span><span>建议WIFI下打开</span></div>")
    item = "本网讯 以光影之名，探寻城市文化魅力。5月20日起，栏目将推出系列访谈节目，五位影人将讲述他们的成长故事和艺术生涯。一起期待吧！"
    teasers = "".join(f"<li><div><h3><a href='/n/{i}.shtml'>第{i}部影片曝光海报 主演重磅回归</a></h3><p>日前，第{i}部影片发布多款海报，包括IMAX、杜比等6种制式。影片延续幽默特色，...</p></div></li>"
                      for i in range(4))
    page = ("<html><head><title>" + HEADLINE + "</title></head><body>"
            f"<div class='pic-content'>{player}<p>{item}</p></div><ul class='top-news'>{teasers}</ul></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == [item]


NOTICE = ["各有关单位：", "经专家评审和会议研究，现将2024年度项目立项名单予以公布，请各单位按要求组织实施。"]


@pytest.mark.parametrize("ext", ["pdf", "doc", "docx", "xls", "xlsx", "zip", "rar", "wps", "ofd"])
def test_a_notice_with_attachment_links_is_a_body(ext):
    # two prose paragraphs, then a link per line to the attachments: not a list of teasers
    files = "".join(f"<p><a href='/f/{i}.{ext}'>{i}.2024年度第{i}批项目名单</a></p>" for i in range(1, 5))
    page = (f"<html><head><title>{HEADLINE}</title></head><body><div class='detail'><h1>{HEADLINE}</h1>"
            "<div class='info'>发布日期：2024-06-11 来源：计划处</div>"
            f"<div class='zoom'>{_paras(NOTICE)}<p>附件：</p>{files}<p>某某市科学技术局</p></div></div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert raw.paragraphs[:2] == NOTICE


@pytest.mark.parametrize("rows", [3, 6, 12])
def test_a_table_of_linked_rows_inside_prose_is_a_body(rows):
    table = "".join(f"<tr><td>{i}</td><td><a href='/e/{i}'>某某第{i}精密机械有限公司</a></td><td>杭州市</td>"
                    f"<td><a href='/d/{i}'>查看</a></td></tr>" for i in range(rows))
    first = "根据有关文件要求，经企业申报、专家评审，拟认定以下企业为省级专精特新企业，现予以公示。"
    last = "公示期为2024年6月11日至6月17日。如有异议，请在公示期内反映。"
    page = (f"<html><head><title>{HEADLINE}</title></head><body><div class='detail'><h1>{HEADLINE}</h1>"
            "<div class='info'>发布时间：2024-06-11 来源：中小企业处</div>"
            f"<div class='article-content'><p>{first}</p><table>{table}</table><p>{last}</p></div></div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert raw.paragraphs[0] == first and raw.paragraphs[-1] == last


def test_links_inside_sentences_do_not_make_an_article_a_list():
    paras = [f"据<a href='/n/{i}.html'>新华社</a>报道，第{i}项工作已经完成，效果明显。" for i in range(3)]
    page = (f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1>"
            "<div class='info'>发布时间：2024-06-11 10:30 来源：区政府办公室</div>"
            f"<div class='txt'>{_paras(paras)}</div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert len(raw.paragraphs) == 3 and raw.paragraphs[0].startswith("据新华社报道")


PROMO = ["宣城是中国重要的茶叶产区，所产绿茶品质优良，历史悠久，深受消费者喜爱，欢迎各地游客前来品鉴，畅享山水之美。",
         "本地特色农产品线上商城正式上线，涵盖茶叶、笋干、山核桃等多个品类，全场包邮，限时优惠，欢迎选购！",
         "文旅惠民消费季火热进行中，景区门票、酒店住宿等多重优惠叠加，详情请关注官方公众号，了解更多信息。"]


@pytest.mark.parametrize("box", [
    "<div class='right'><div class='box'><h3>精彩推荐</h3>{}</div></div>",
    "<div class='col-r'><div class='mod'><div class='hd'>热点推荐</div>{}</div></div>",
    "<div class='recommend'>{}</div>",
    "<div id='tuijian'>{}</div>",
    "<div class='hot-news'>{}</div>",
    "<div class='rank'>{}</div>",
    "<div class='side-box'>{}</div>",
])
def test_a_short_article_beats_a_promotion_box_of_prose(box):
    short = ["6月11日，区政府召开专题会议。", "会议研究部署了下半年重点工作。"]
    page = (f"<html><head><title>{HEADLINE}_某某区</title></head><body><div class='main'><div class='left'>"
            f"<h1>{HEADLINE}</h1><div class='info'>2024-06-11 来源：某某区</div>"
            f"<div class='txt'>{_paras(short)}</div></div>{box.format(_paras(PROMO))}</div></body></html>")
    raw = extract_generic(page, URL, "utf-8")
    assert raw.paragraphs == short


def test_the_block_near_the_headline_beats_prose_far_below_it():
    # a gallery of thumbnails between the article and a block of prose that names no promotion
    short = ["6月11日，区政府召开专题会议。", "会议研究部署了下半年重点工作。"]
    gallery = "<ul>" + "".join(f"<li><img src='/t/{i}.jpg'></li>" for i in range(60)) + "</ul>"
    page = (f"<html><head><title>{HEADLINE}_某某区</title></head><body><div class='main'>"
            f"<h1>{HEADLINE}</h1><div class='txt'>{_paras(short)}</div>{gallery}"
            f"<div class='box2'>{_paras(PROMO[:2])}</div></div></body></html>")
    assert extract_generic(page, URL, "utf-8").paragraphs == short


def test_the_extraction_label_names_the_body_finder():
    page = (f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1>"
            f"<div class='txt'>{_paras(ARTICLE)}</div></body></html>")
    assert extract_generic(page, URL, "utf-8").extraction == "generic:blocks"
