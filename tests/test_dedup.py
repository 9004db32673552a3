"""One rule decides whether a newly seen page is a copy of an archived article (archive/dedup.py)."""

from __future__ import annotations

import pytest

from g60crawler.archive.dedup import Evidence, same_article, substantive

A = "http://g60.chinadevelopment.com.cn/zcfw/2023/1120/1631017.shtml"
B = "http://g60.chinadevelopment.com.cn/zcfw/2023/1121/1631018.shtml"
C = "http://g60.chinadevelopment.com.cn/g60zx/2023/1122/1631019.shtml"

LONG = ("11月20日，长三角G60科创走廊联席会议办公室在松江召开科技成果转化示范项目推进会，"
        "九城市科技部门负责人参加会议，会议通报了2023年度示范项目的遴选情况，并部署了下一阶段工作。")
LONG_OTHER = ("11月21日，长三角G60科创走廊产业联盟在嘉兴举行年度大会，"
              "来自九城市的两百余家企业代表参加，大会发布了产业协同创新的十项成果，并签署了合作协议。")
PDF_1 = "http://g60.chinadevelopment.com.cn/zcfw/2023/1120/P020231120512345678901.pdf"
PDF_2 = "http://g60.chinadevelopment.com.cn/zcfw/2023/1121/P020231121599999999999.pdf"
PDF_1_ELSEWHERE = "http://g60.chinadevelopment.com.cn/g60zx/2023/1122/P020231120512345678901.pdf"


def page(title, body, urls=(), attachments=(), published=None, images=()) -> Evidence:
    return Evidence(title=title, body=body, urls=frozenset(urls), attachments=tuple(attachments),
                    published=published, images=tuple(images))


JPG_1 = "http://g60.chinadevelopment.com.cn/g60zx/2023/1120/W020231120512345678901.jpg"
JPG_2 = "http://g60.chinadevelopment.com.cn/g60zx/2023/1121/W020231121599999999999.jpg"


@pytest.mark.parametrize("new, archived, expected", [
    # a republished copy: the same text under the same headline, elsewhere on the portal
    (page("G60推进会在松江召开", LONG, [C]), page("G60推进会在松江召开", LONG, [A]), True),
    # ... with other whitespace, full-width letters and punctuation in the headline
    (page("G60 推进会在松江召开 ", LONG.replace("，", "， "), [C]), page("Ｇ60推进会在松江召开", LONG, [A]), True),
    # a redirect or alias (a URL already the archived article's) is the same article, whatever it shows now
    (page("新标题", LONG_OTHER, [B, A]), page("G60推进会在松江召开", LONG, [A]), True),
    # the page's canonical link names the archived article
    (page("G60推进会在松江召开", LONG, [C, A]), page("G60推进会在松江召开", LONG, [A]), True),
    # the same long body under another headline: two articles (a template text, an edited re-use)
    (page("G60产业联盟年度大会", LONG, [C]), page("G60推进会在松江召开", LONG, [A]), False),
    # the same headline, another body: two articles (a yearly notice)
    (page("G60推进会在松江召开", LONG_OTHER, [C]), page("G60推进会在松江召开", LONG, [A]), False),
    # 政策服务: the same attachment-only sentence under two headlines
    (page("关于申报2023年度示范项目的通知", "具体内容详见附件。", [B], [PDF_2]),
     page("关于公布2023年度示范项目名单的通知", "具体内容详见附件。", [A], [PDF_1]), False),
    (page("关于开展人才评选的通知", "详见附件", [B]), page("关于开展企业评选的通知", "详见附件", [A]), False),
    # an attachment list as the whole body, the same headline, other files: two notices
    (page("通知", "附件：1.申报书.doc\n\n2.汇总表.xlsx", [B], [PDF_2]),
     page("通知", "附件：1.申报书.doc\n\n2.汇总表.xlsx", [A], [PDF_1]), False),
    # the same headline, the same attachment-only body, other files: two notices
    (page("关于申报示范项目的通知", "具体内容详见附件。", [B], [PDF_2]),
     page("关于申报示范项目的通知", "具体内容详见附件。", [A], [PDF_1]), False),
    # ... and the same file (under another folder): a republished copy
    (page("关于申报示范项目的通知", "具体内容详见附件。", [C], [PDF_1_ELSEWHERE]),
     page("关于申报示范项目的通知", "具体内容详见附件。", [A], [PDF_1]), True),
    # no text at all, only attachments, other headlines
    (page("申报书", "", [B], [PDF_1]), page("汇总表", "", [A], [PDF_1]), False),
    # a short body and no attachment to tell them apart: the same headline on another day is another notice
    (page("会议通知", "详见附件。", [B], published="2023-11-21"),
     page("会议通知", "详见附件。", [A], published="2023-11-20"), False),
    # ... and on the same day, a copy
    (page("会议通知", "第一段。\n\n第二段。", [C], published="2023-11-20"),
     page("会议通知", "第一段。第二段。", [A], published="2023-11-20T09:00:00+08:00"), True),
    # the same file name in two years' notices: the days tell them apart
    (page("关于申报示范项目的通知", "具体内容详见附件。", [C], ["http://x/2024/06/附件1.pdf"], "2024-06-06"),
     page("关于申报示范项目的通知", "具体内容详见附件。", [A], ["http://x/2023/06/附件1.pdf"], "2023-06-06"), False),
    # photo news: the same caption and headline on the same day, other photos: two articles
    (page("图片新闻", "图为活动现场。", [B], published="2023-11-20", images=[JPG_2]),
     page("图片新闻", "图为活动现场。", [A], published="2023-11-20", images=[JPG_1]), False),
    # ... the same photo: a copy
    (page("图片新闻", "图为活动现场。", [C], published="2023-11-20", images=[JPG_1]),
     page("图片新闻", "图为活动现场。", [A], published="2023-11-20", images=[JPG_1]), True),
    # nothing known at all is never a match
    (page(None, None, [B]), page(None, None, [A]), False),
])
def test_same_article(new, archived, expected):
    assert same_article(new, archived) is expected


@pytest.mark.parametrize("body, expected", [
    (LONG, True),
    ("具体内容详见附件。", False),
    ("详见附件", False),
    ("", False),
    (None, False),
    ("附件：1. 2023年度长三角G60科创走廊科技成果转化示范项目申报书.doc\n\n2. 2023年度科技成果转化示范项目汇总表.xlsx", False),
    ("第一段。\n\n第二段。", False),  # too short to identify an article by itself
])
def test_substantive(body, expected):
    assert substantive(body) is expected


# ---------------------------------------------------------------- republished copies, another suffix

SUFFIXES = ["--中国发展网G60频道", "——中国发展网", " - 长三角G60科创走廊", "_G60资讯_中国发展网", "|中国发展网", ""]


@pytest.mark.parametrize("archived_suffix", SUFFIXES)
@pytest.mark.parametrize("copy_suffix", SUFFIXES)
def test_republished_copy_with_another_title_suffix_is_the_same_article(archived_suffix, copy_suffix):
    """A copy's <title> ends in another site suffix: built from pages, it is a duplicate of the article.

    The archived title may hold a suffix the extraction of its day did not know: the rule strips both.
    """
    from dataclasses import replace

    from g60crawler.archive import Archive
    from g60crawler.assemble import build_article
    from g60crawler.items import ArticleItem, RawArticle

    headline = "长三角G60科创走廊科技成果转化示范项目推进会召开"

    def built(url: str, suffix: str, title: str = headline) -> ArticleItem:
        raw = RawArticle(url=url, extraction="generic", encoding="utf-8", title_tag=title + suffix,
                         paragraphs=LONG.split("，"), dates=[("page", "2023-11-20")])
        item = build_article(raw)
        assert isinstance(item, ArticleItem)
        return item

    archive = Archive.open(":memory:")
    try:
        archive.start_run("test", {})
        first = built(A, "")
        archive.record_article(replace(first, title=headline + archived_suffix), 1)  # as an older extraction kept it
        assert archive.record_article(built(C, copy_suffix), 1) == "duplicate"
        assert archive.conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (1,)
        assert sorted(u for (u,) in archive.conn.execute("SELECT url FROM article_urls")) == sorted([A, C])
        # a different headline with the same suffix is not the same article
        assert archive.record_article(built(B, copy_suffix, "长三角G60科创走廊产业联盟年度大会"), 1) == "new"
    finally:
        archive.close()
