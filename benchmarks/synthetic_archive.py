"""A large synthetic archive for the search benchmark, built through the archive library.

    .venv/bin/python -m benchmarks.synthetic_archive OUT.sqlite --articles 100000 [--seed 1]

Articles are written with :meth:`g60crawler.archive.store.Archive.record_article`,
exactly as a crawl writes them: the bigram FTS index, the cities, the URLs and
the versions are the project's own (about 3% of the articles get a second,
edited version). One crawl run, a commit every 1,000 articles.

The text is composed from sentence templates whose slots are filled from
vocabularies of phrases about the G60 corridor (the nine cities and their
districts, 人才, 政策, 长三角一体化, G60科创走廊, 5G, 集成电路, 科技成果转化 ...).
Inside each vocabulary the k-th phrase is drawn with weight 1/k (Zipf), and a
few "rare" templates fire seldom, so some terms are in most articles and some
in a fraction of a percent. Bodies are 300-1500 characters, titles 10-40;
sections, editors, sources and dates (2019-01 to 2026-05) vary with the seed.

The same seed gives the same archive: the text comes from ``random.Random(seed)``
and the archive's clock is a counter, so even the timestamps are equal.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import re
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from random import Random

from g60crawler import portal
from g60crawler.archive.store import Archive
from g60crawler.cities import CITY_NAMES
from g60crawler.items import ArticleItem

COMMIT_EVERY = 1000
REVISED_SHARE = 0.03  # articles that get a second, edited version
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2026, 5, 31)


class Vocab:
    """Phrases drawn with Zipf weights: the k-th (from 1) has weight 1/k**s."""

    def __init__(self, phrases, s: float = 1.0) -> None:
        self.phrases = tuple(phrases)
        total, self.cum = 0.0, []
        for k in range(1, len(self.phrases) + 1):
            total += 1.0 / k ** s
            self.cum.append(total)
        self.total = total

    def draw(self, rng: Random) -> str:
        return self.phrases[bisect.bisect_right(self.cum, rng.random() * self.total)]


# ------------------------------------------------------------------ vocabularies (most frequent first)

CITY_ORDER = ("松江", "合肥", "杭州", "苏州", "嘉兴", "湖州", "金华", "芜湖", "宣城")
CITY = Vocab(CITY_ORDER, 0.8)
DISTRICTS = {city: Vocab(CITY_NAMES[city][1:], 1.0) for city in CITY_ORDER}
CITY_SUFFIX = {c: "市" for c in CITY_ORDER} | {"松江": "区"}

TOPIC = Vocab((
    "科技创新", "产业链", "高质量发展", "集成电路", "人工智能", "长三角一体化", "生物医药", "新能源汽车",
    "科技成果转化", "数字经济", "智能制造", "高端装备", "新材料", "营商环境", "工业互联网", "5G",
    "专精特新", "知识产权", "芯片", "创新链", "绿色低碳", "招商引资", "产教融合", "新型显示", "机器人",
    "科创金融", "大数据", "光伏", "储能", "低空经济", "商业航天", "工业软件", "智能网联汽车",
    "医疗器械", "云计算", "数据要素", "算力", "卫星互联网", "现代服务业", "跨境电商", "物联网",
    "标准化", "区块链", "质量品牌", "碳达峰碳中和", "元宇宙", "氢能",
), 1.0)
POLICY = Vocab((
    "政策", "惠企政策", "人才政策", "扶持政策", "政策措施", "若干政策", "实施意见", "行动方案",
    "政策兑现", "专项资金管理办法", "政策性融资担保", "三年行动计划", "政策汇编", "免申即享政策",
), 1.0)
TALENT = Vocab((
    "人才", "高层次人才", "人才引进", "青年人才", "人才公寓", "科技人才", "人才服务", "技能人才",
    "海外人才", "人才驿站", "博士后工作站", "人才安居", "卓越工程师", "人才飞地",
), 1.0)
ORG = Vocab((
    "企业", "高校", "科研院所", "龙头企业", "产业联盟", "中小企业", "上市公司", "创新中心", "投资机构",
    "G60科创走廊", "产业园区", "孵化器", "长三角G60科创走廊联席办", "协会", "九城市", "松江区科委",
    "中国科学技术大学", "浙江大学", "复旦大学", "上海交通大学", "合肥工业大学", "九城市场监管部门",
    "科创板上市企业", "九城人社部门",
), 1.1)
EVENT = Vocab((
    "推进会", "签约仪式", "对接会", "推介会", "座谈会", "发布会", "论坛", "峰会", "专题培训", "招聘会",
    "路演活动", "联席会议", "调研活动", "成果展", "创新大赛", "观摩会",
), 1.0)
VERB = Vocab((
    "推动", "推进", "加快", "深化", "打造", "建设", "提升", "完善", "优化", "培育", "助力", "赋能",
    "聚焦", "围绕", "服务", "引进", "共建", "对接", "启动", "落实", "拓展", "夯实",
), 1.0)
ADV = Vocab(("进一步", "持续", "积极", "全面", "加快", "不断", "着力", "切实", "大力", "深入"), 1.0)
CARRIER = Vocab(("平台", "基地", "产业园", "创新中心", "实验室", "示范区", "孵化器", "研究院", "产业集群",
                 "公共服务平台", "中试基地", "概念验证中心"), 1.0)
FIVEG = Vocab(("5G基站", "5G网络", "5G+工业互联网项目", "5G应用场景", "5G-A基站", "５Ｇ基站"), 1.2)
BATTERY = Vocab(("动力电池", "储能电池", "锂电池", "钠离子电池"), 1.0)
RARE = Vocab(("量子计算", "碳纤维", "脑机接口", "合成生物", "钙钛矿", "第三代半导体", "固态电池",
              "航空发动机"), 1.0)
PLACE = Vocab(("长三角", "沪苏浙皖", "全国各地", "上海", "长三角地区", "走廊沿线", "省内外", "九城",
               "长三角生态绿色一体化发展示范区", "虹桥国际开放枢纽"), 1.0)
POSITION = Vocab(("副区长", "副市长", "科技局局长", "发改委主任", "人社局局长", "联席办负责人", "园区负责人",
                  "企业负责人", "专家"), 1.0)
SURNAME = Vocab("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹", 0.6)
GIVEN = Vocab(("伟", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
               "秀英", "晓东", "建华", "海燕", "志强", "丽华", "文杰", "晨", "悦", "昊"), 0.5)
EDITORS = Vocab(("倪珺", "孙悦", "吴昊", "王蕾", "李晓", "张敏", "刘洋", "陈静", "杨帆", "赵倩", "周婷",
                 "徐磊", "朱琳", "胡军", "郭瑞", "何芳", "高远", "林涛", "罗佳", "梁晨"), 1.0)
SOURCES = Vocab(("中国发展网", "松江区融媒体中心", "长三角G60科创走廊联席办", "合肥日报", "杭州日报",
                 "苏州日报", "嘉兴日报", "湖州日报", "金华日报", "芜湖日报", "宣城日报"), 1.0)
SECTIONS = ("g60zx", "sjxw", "jcfc", "zcfw", "cytz", "zcnx")
SECTION_CUM = tuple(itertools.accumulate((30, 20, 20, 12, 10, 8)))

# ------------------------------------------------------------------ templates
# (tag, weight, template); a section multiplies the weight of its favoured tags.

SENTENCES = (
    ("event", 8, "{md}，{topic}{event}在{city}{district}举行，来自{place}的{n}家企业参加。"),
    ("event", 5, "此次{event}由{org}主办，{district}{carrier}承办。"),
    ("event", 4, "会上，{n}个{topic}项目集中签约，总投资{big}亿元。"),
    ("event", 2, "{md}，G60科创走廊九城市{topic}{event}在{city}召开。"),
    ("general", 10, "{city}{adv}{verb}{topic}与{topic}融合发展，{verb}{topic}{carrier}。"),
    ("general", 8, "据介绍，{district}{adv}{verb}{topic}，目前已集聚{topic}企业{n}家。"),
    ("general", 6, "近年来，{city}{verb}{topic}产业集群，{year}年实现产值{big}亿元，同比增长{pct}%。"),
    ("general", 6, "{city}{position}{person}在讲话中指出，要{adv}{verb}{topic}，{verb}{topic}。"),
    ("general", 5, "{city}与{city2}{verb}{topic}协同创新，共建{topic}{carrier}。"),
    ("general", 4, "下一步，{city}将{adv}{verb}{topic}，{adv}{verb}{topic}。"),
    ("general", 4, "{place}{topic}发展势头良好，{city}在其中发挥了重要作用。"),
    ("general", 1.5, "{org}表示，将{adv}{verb}{topic}，{verb}长三角一体化高质量发展。"),
    ("general", 3, "{org}与{org}签署战略合作协议，围绕{topic}、{topic}等领域开展合作。"),
    ("general", 2, "G60科创走廊九城市{adv}{verb}{topic}合作，{verb}{topic}{carrier}。"),
    ("general", 2, "长三角G60科创走廊已成为{place}{topic}的重要策源地。"),
    ("general", 1.5, "截至{year}年底，{city}累计建成{fiveg}{big}个，实现{district}全覆盖。"),
    ("general", 1, "{org}在{district}落地{topic}项目，项目建成后可形成年产{gwh}GWh{battery}的生产能力。"),
    ("general", 0.6, "{org}成功登陆A股市场，成为{city}第{n}家A股上市公司。"),
    ("general", 0.4, "今年以来，{district}{n}家企业登陆A股。"),
    ("policy", 6, "{city}出台{policy}，在{talent}、{topic}等方面给予支持。"),
    ("policy", 4, "根据{policy}，符合条件的{topic}企业最高可获得{n}万元补贴。"),
    ("policy", 3, "{district}{adv}推进{policy}落地，{year}年累计兑现资金{big}亿元。"),
    ("talent", 6, "{city}{adv}{verb}{talent}工作，为{topic}企业引进{talent}{n}名。"),
    ("talent", 3, "九城人社部门联合举办{topic}{talent}专场招聘会，提供岗位{big}个。"),
    ("talent", 3, "{district}{verb}{talent}，建成{talent}服务站{n}个。"),
    ("invest", 5, "{org}在{city}投资{big}亿元建设{topic}{carrier}。"),
    ("invest", 4, "{city}{topic}产业基金完成首期募资{big}亿元，重点投向{topic}领域。"),
    ("transfer", 4, "{org}推动科技成果转化，{n}项{topic}成果在{district}实现产业化。"),
    ("transfer", 2, "{city}技术合同成交额达{big}亿元，科技成果转化成效明显。"),
    # only in the few articles about a rare technology (RARE_SHARE)
    ("rare", 0, "在{rare}等前沿领域，{org}攻克了一批关键技术。"),
    ("rare", 0, "{district}{rare}项目正式投产，填补了{place}相关领域空白。"),
)
RARE_SHARE = 0.02
# What an article is mostly about, by section: its sentences are the general
# ones and those of its kind (an article about a policy, about talent ...).
KINDS = ("general", "event", "policy", "talent", "invest", "transfer")
SECTION_KINDS = {  # weights, in the order of KINDS
    "g60zx": (10, 40, 10, 10, 15, 15), "sjxw": (15, 30, 15, 15, 15, 10), "jcfc": (10, 40, 5, 5, 30, 10),
    "zcfw": (5, 5, 80, 5, 5, 0), "cytz": (10, 0, 0, 0, 50, 40), "zcnx": (10, 5, 0, 85, 0, 0),
}
TITLES = (
    (6, "{city}{adv}{verb}{topic}"),
    (5, "G60科创走廊{topic}{event}在{city}举行"),
    (4, "{city}：{topic}{event}签约{n}个项目"),
    (3, "{district}{verb}{topic}{carrier}"),
    (2, "九城市{verb}{topic}协同发展"),
    (3, "{city}出台{policy}支持{topic}"),
    (3, "{city}{verb}{talent}{event}"),
    (1, "长三角一体化｜{city}{verb}{topic}"),
    (2, "{org}{verb}{topic}科技成果转化"),
    (1, "{city}与{city2}共建{topic}{carrier}"),
)
_SLOT = re.compile(r"\{(\w+)\}")
_SENTENCE_TEXT = tuple(s for _, _, s in SENTENCES)
_RARE_SENTENCES = tuple(i for i, (tag, _, _) in enumerate(SENTENCES) if tag == "rare")
_TITLE_CUM = tuple(itertools.accumulate(w for w, _ in TITLES))
_SECTION_KIND_CUM = {section: tuple(itertools.accumulate(w)) for section, w in SECTION_KINDS.items()}
_KIND_SENTENCE_CUM = {
    kind: tuple(itertools.accumulate(w if tag == "general" else 3 * w if tag == kind else 0
                                     for tag, w, _ in SENTENCES))
    for kind in KINDS
}


def _pick(rng: Random, cum: tuple) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


class Writer:
    """Composes the text of one article around its own subject.

    An article is about one or two cities, one to three topics and (seldom) a
    rare technology, and repeats a handful of sentence patterns: so a term
    is frequent in the articles about it, not spread evenly over the archive.
    """

    def __init__(self, rng: Random, section: str, day: date) -> None:
        self.rng, self.section, self.day = rng, section, day
        first = "松江" if section == "sjxw" and rng.random() < 0.7 else CITY.draw(rng)
        self.cities = list(dict.fromkeys([first] + ([CITY.draw(rng)] if rng.random() < 0.3 else [])))
        # the other city of "X与Y共建 ...": the article's second city, or one more
        self.partner = self.cities[1] if len(self.cities) > 1 else CITY.draw(rng)
        # main topics, then two side topics for sentences that name several
        self.topics = list(dict.fromkeys(TOPIC.draw(rng) for _ in range(rng.randint(1, 3))))
        self.side_topics = [TOPIC.draw(rng) for _ in range(2)]
        self.place = PLACE.draw(rng)
        cum = _KIND_SENTENCE_CUM[KINDS[_pick(rng, _SECTION_KIND_CUM[section])]]
        self.patterns = [_pick(rng, cum) for _ in range(rng.randint(4, 8))]
        self.rare = RARE.draw(rng) if rng.random() < RARE_SHARE else None
        if self.rare:
            self.patterns.append(rng.choice(_RARE_SENTENCES))
        self.city: str | None = None
        self.used: set[str] = set()

    def _fresh(self, draw) -> str:
        """A phrase not yet used in this sentence (no "人工智能与人工智能")."""
        for _ in range(4):
            value = draw()
            if value not in self.used:
                break
        self.used.add(value)
        return value

    def slot(self, name: str) -> str:
        rng = self.rng
        if name in ("city", "city2"):
            city = rng.choice(self.cities) if name == "city" else self.partner
            if city in self.used:  # "合肥与合肥": the partner's partner
                city = next(c for c in CITY_ORDER if c not in self.used)
            self.used.add(city)
            self.city = self.city or city
            return city + (CITY_SUFFIX[city] if rng.random() < 0.35 else "")
        if name == "district":
            return DISTRICTS[self.city or rng.choice(self.cities)].draw(rng)
        if name == "topic":  # the article's topics first, then its side topics, then any
            own = ([t for t in self.topics if t not in self.used]
                   or [t for t in self.side_topics if t not in self.used])
            return self._fresh(lambda: rng.choice(own) if own else TOPIC.draw(rng))
        if name == "place":
            return self.place
        if name == "rare":
            return self.rare or RARE.draw(rng)
        if name == "n":
            return str(rng.randint(2, 120))
        if name == "big":
            return str(rng.randint(10, 900))
        if name == "pct":
            return f"{rng.uniform(1, 35):.1f}"
        if name == "gwh":
            return str(rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 50)))
        if name == "year":
            return str(self.day.year - (1 if rng.random() < 0.6 else 0))
        if name == "md":
            day = self.day - timedelta(days=rng.randint(0, 20))
            return f"{day.month}月{day.day}日"
        if name == "person":
            return SURNAME.draw(rng) + GIVEN.draw(rng)
        return self._fresh(lambda: VOCABS[name].draw(rng))

    def fill(self, template: str) -> str:
        self.city, self.used = None, set()
        return _SLOT.sub(lambda m: self.slot(m.group(1)), template)

    def sentence(self) -> str:
        return self.fill(_SENTENCE_TEXT[self.rng.choice(self.patterns)])

    def title(self) -> str:
        while True:
            title = self.fill(TITLES[_pick(self.rng, _TITLE_CUM)][1])
            if 10 <= len(title) <= 40:
                return title

    def body(self) -> str:
        rng = self.rng
        target = rng.randint(300, 1500)
        paragraphs, length = [], 0
        while True:
            paragraph = "".join(self.sentence() for _ in range(rng.randint(2, 5)))
            if length + len(paragraph) > target and length >= 300:
                break
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
            if length >= target:
                break
        return "\n\n".join(paragraphs)[:1500].rstrip()


VOCABS = {"topic": TOPIC, "policy": POLICY, "talent": TALENT, "org": ORG, "event": EVENT, "verb": VERB,
          "adv": ADV, "carrier": CARRIER, "fiveg": FIVEG, "battery": BATTERY, "rare": RARE, "place": PLACE,
          "position": POSITION}


def make_article(rng: Random, number: int) -> ArticleItem:
    """The ``number``-th synthetic article (its text from ``rng``)."""
    section = SECTIONS[_pick(rng, SECTION_CUM)]
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    w = Writer(rng, section, day)
    title = w.title()
    summary = w.sentence() if rng.random() < 0.6 else None
    body = w.body()
    roll = rng.random()
    if roll < 0.9:
        published = f"{day.isoformat()}T{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:00+08:00"
    elif roll < 0.99:
        published = day.isoformat()
    else:
        published = None
    url = f"{portal.BASE_URL}{section}/{day.year}/{day.month:02d}{day.day:02d}/{1600000 + number}.shtml"
    return ArticleItem(
        url=url, canonical_url=url, section=section, title=title, summary=summary, body=body,
        editor=EDITORS.draw(rng) if rng.random() < 0.9 else None,
        source=SOURCES.draw(rng), author=(SURNAME.draw(rng) + GIVEN.draw(rng)) if rng.random() < 0.5 else None,
        published=published,
        images=[{"src": url.replace(".shtml", f"_{i}.jpg"), "alt": None} for i in range(rng.choice((0, 0, 1, 2)))],
        extraction="template:con", encoding="utf-8",
    )


def revise(rng: Random, item: ArticleItem) -> ArticleItem:
    """An edited copy: a corrected sentence appended, sometimes a new title."""
    w = Writer(rng, item.section, date.fromisoformat(item.published[:10]) if item.published else FIRST_DAY)
    title = w.title() if rng.random() < 0.3 else item.title
    return replace(item, title=title, body=(item.body + "\n\n（更正）" + w.sentence())[:1500])


def counter_clock(start: datetime = datetime(2026, 6, 1, tzinfo=timezone.utc)):
    """A clock that moves one millisecond per reading: the same build, the same timestamps."""
    ticks = itertools.count()
    return lambda: start + timedelta(milliseconds=next(ticks))


def build(path: str | Path, articles: int, seed: int = 1, progress: bool = True) -> dict:
    """Write ``articles`` synthetic articles into a new archive at ``path``; returns timings and counts."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists: remove it first (or pass --force)")
    rng = Random(seed)
    archive = Archive.open(path, clock=counter_clock())
    run_id = archive.start_run("synthetic", {"articles": articles, "seed": seed})
    outcomes: dict[str, int] = {}
    pending: list[ArticleItem] = []  # revised at the end of the batch they were first recorded in
    started = time.perf_counter()
    for number in range(1, articles + 1):
        item = make_article(rng, number)
        outcome = archive.record_article(item, run_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if rng.random() < REVISED_SHARE:
            pending.append(item)
        if number % COMMIT_EVERY == 0 or number == articles:
            for old in pending:
                outcome = archive.record_article(revise(rng, old), run_id)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            pending.clear()
            archive.commit()
            if progress and (number % (10 * COMMIT_EVERY) == 0 or number == articles):
                elapsed = time.perf_counter() - started
                print(f"  {number:>7} articles  {elapsed:7.1f} s  {number / elapsed:6.0f} articles/s",
                      file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    archive.finish_run(run_id, "finished", {"articles_new": outcomes.get("new", 0),
                                            "articles_changed": outcomes.get("changed", 0),
                                            "items": articles})
    counts = archive.counts()
    archive.close()
    return {"path": str(path), "articles": articles, "seed": seed, "seconds": seconds,
            "articles_per_second": articles / seconds, "outcomes": outcomes,
            "versions": counts["article_versions"], "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic_archive", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the archive file to create")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (pass --force to replace it)")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(args.out) + suffix).unlink(missing_ok=True)
    result = build(args.out, args.articles, args.seed)
    print(f"{result['articles']} articles ({result['versions']} versions) in {result['seconds']:.1f} s: "
          f"{result['articles_per_second']:.0f} articles/s; {result['bytes'] / 2**20:.0f} MiB at {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
