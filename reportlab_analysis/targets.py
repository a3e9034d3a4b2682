"""Numeric targets: the growth, price, employment and fiscal targets a report sets, with their sentence.

Government work reports state their plan-period targets in a fixed passage ("今年发展主要预期目标是：国内生产总值
增长5%左右；城镇新增就业1200万人以上……") and report last year's results in the review section. This module
reads both, and keeps them apart:

* :func:`extract_targets` returns the targets set for the plan period (the annual targets and, where a report
  sets them, the five-year targets: ``period`` is ``"annual"`` or ``"five_year"``);
* :func:`extract_achievements` returns the figures reported for the past period, with the same columns, so
  that targets and outcomes can be compared.

Both work on a :class:`~reportlab_analysis.corpus.Corpus`. The lower-level functions work without one:
:func:`parse_sentence` reads every indicator mention in one sentence, :func:`classify_sentences` decides which
sentences set targets and which report results, and :func:`targets_from_sentences` /
:func:`achievements_from_sentences` run both on a sentences table (``doc_id``, ``section``, ``para_id``,
``sent_id``, ``text``).

How values are read:

* ``value`` is the stated point, or the midpoint of a range ("6.5-7%" gives value 6.75, low 6.5, high 7);
  ``low`` and ``high`` are the stated bounds (equal to ``value`` for a point target);
* ``qualifier`` is the word that qualifies the number: the one after it if any (左右, 以上, 以内, 以下, 上下),
  else the one before it (不低于, 不超过, 低于, 超过, 控制在, 力争 …); for qualitative targets
  ("与经济增长同步", "翻一番") ``value`` is NaN and ``qualifier`` keeps the phrase;
* ``energy_intensity_change`` is signed: "单位国内生产总值能耗降低3%左右" gives -3;
* ``new_urban_jobs`` is in 万人 (a figure in 人 is converted); job posts ("新增就业岗位1.2万个") are variant
  ``posts`` in 万个, ``grain_output`` keeps the stated unit; a price index on the previous year
  ("居民消费价格指数控制在103左右") is read as the rise it means (``cpi`` 3, with a note);
* ``variant`` separates measures of one indicator: ``surveyed``/``registered`` unemployment, ``posts`` (jobs
  created, 岗位) against people newly employed,
  ``urban``/``rural``/``per_capita`` income, ``total``/``general_budget`` fiscal revenue (``general_budget``:
  一般公共预算收入, 公共财政预算收入, 地方财政一般预算收入, one measure under the names of different years),
  ``cumulative`` for a total over the period ("地区生产总值总量增长50%", "比2010年翻一番",
  "今后五年城镇新增就业累计500万人");
* ``period`` is ``five_year`` for a plan-period target: an annual average when the phrase says 年均/平均每年, a
  total over the period when it says 总量, names a base year, or says 累计 in a sentence about several years
  (variant ``cumulative``); ``note`` says which;
* ``phrase`` is the exact words read (whitespace removed, full-width characters folded) and ``note`` says how a
  value was derived when that is not obvious (a unit conversion, a value shared by an enumeration, a 分别 list)
  and marks a figure stated as an estimate ("预计增长7.5%", 初步测算 …, usual in reports given before the
  year's statistics are out).

Which sentences hold targets: sentences of the ``plan`` section, unless they (or the sentence that opens their
paragraph, "过去一年，……") speak of the past (去年, 过去, 五年来, 增长了, 完成 …) without a target cue; in reports
whose sections are ``unknown``, only sentences with a local target cue (主要预期目标是, 力争, 拟按, 今年 …), inside
the target passage, or continuing a paragraph that has one. Within a target sentence, a clause about last year
("去年城镇登记失业率为3.2%") is still not a target. Sentences of the ``review`` section never give targets; they
are read by :func:`extract_achievements`.

Example:
    >>> parse_sentence("国内生产总值增长6.5%－7%，城镇登记失业率4.5%以内")[["indicator", "value", "low", "high"]]
               indicator  value  low  high
    0         gdp_growth   6.75  6.5   7.0
    1  unemployment_rate   4.50  4.5   4.5
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Sequence

import cn2an
import pandas as pd

from . import segment
from .cleaning import simplified

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "INDICATORS",
    "TARGET_COLUMNS",
    "extract_targets",
    "extract_achievements",
    "compare_with_achievements",
    "target_overview",
    "plot_target_series",
    "targets_from_sentences",
    "achievements_from_sentences",
    "classify_sentences",
    "parse_sentence",
    "parse_value",
    "normalize_text",
    "sentences_from_text",
]

#: Columns of the tables returned by :func:`extract_targets` and :func:`extract_achievements`.
TARGET_COLUMNS = [
    "doc_id", "section", "para_id", "sent_id", "indicator", "variant", "value", "low", "high", "qualifier",
    "unit", "period", "phrase", "note", "sentence",
]
#: Columns of :func:`parse_sentence`.
MENTION_COLUMNS = ["indicator", "variant", "value", "low", "high", "qualifier", "unit", "period", "phrase", "note"]

Period = Literal["annual", "five_year"]


# ------------------------------------------------------------------------------------------------
# Text normalization
# ------------------------------------------------------------------------------------------------
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "～": "~", "〜": "~"})


def normalize_text(text: str) -> str:
    """Fold a sentence into the form the patterns read: NFKC (full-width ％，０-９ to ASCII), simplified script,
    no spaces or line breaks.

    Example:
        >>> normalize_text("增長 6.5％－7％，\\n左右")
        '增长6.5%-7%,左右'
    """
    folded = simplified(unicodedata.normalize("NFKC", text)).translate(_DASHES)
    return re.sub(r"\s+", "", folded)


def sentences_from_text(text: str, *, doc_id: str = "doc", year: int | None = None) -> pd.DataFrame:
    """A sentences table for one clean report text (one paragraph per line), with its section labels.

    For a text at hand without building a corpus; uses the same segmentation as ``Corpus.sentences()``.

    Example:
        >>> text = "一、2017年工作回顾\\n地区生产总值增长6.9%。\\n二、2018年重点工作\\n主要预期目标是：地区生产总值增长7%左右。"
        >>> targets_from_sentences(sentences_from_text(text))[["section", "value"]]
          section  value
        0    plan    7.0
    """
    rows = [
        (doc_id, section, para_id, sent_id, sentence)
        for para_id, (section, paragraph) in enumerate(segment.segment_report(text, year=year))
        for sent_id, sentence in enumerate(segment.split_sentences(paragraph))
    ]
    return pd.DataFrame(rows, columns=["doc_id", "section", "para_id", "sent_id", "text"])


# ------------------------------------------------------------------------------------------------
# Indicators
# ------------------------------------------------------------------------------------------------
_GROWTH_WORDS = re.compile(r"增长|增速|增幅|提高|增加|上升")
_PRICE_WORDS = re.compile(r"涨幅|上涨|涨|增长|上升|价格总水平|物价|控制在")
_DOWN_WORDS = re.compile(r"降低|下降|减少|降|回落")
_UP_WORDS = re.compile(r"提高|上升|增加|增长")


def _variant_unemployment(subject: str) -> str | None:
    if "调查" in subject:
        return "surveyed"
    if "登记" in subject:
        return "registered"
    return None


def _variant_income(subject: str) -> str | None:
    if "城乡" in subject or ("居民" in subject and not re.search("城镇|农村|农民", subject)):
        return "per_capita" if "人均" in subject else "all"
    if "城镇" in subject:
        return "urban"
    if "农村" in subject or "农民" in subject:
        return "rural"
    return None


def _variant_fiscal(subject: str) -> str | None:
    return "general_budget" if "预算" in subject else "total"


@dataclass(frozen=True)
class IndicatorSpec:
    """How one indicator is named in reports and what a valid value for it looks like.

    Attributes:
        name: indicator name used in the output.
        subject: regular expression for the words that name the indicator (on normalized text).
        units: accepted units of the value ("%" for rates and growth).
        needs: a pattern the subject or the words between subject and value must contain (e.g. a growth
            verb for a growth rate), or ``None``.
        signed_by_direction: the value is a change whose sign comes from the verb (降低 gives a negative value).
        variant: function from the matched subject to the ``variant`` column.
    """

    name: str
    subject: re.Pattern[str]
    units: tuple[str, ...] = ("%",)
    needs: re.Pattern[str] | None = _GROWTH_WORDS
    signed_by_direction: bool = False
    variant: Callable[[str], str | None] = lambda subject: None


INDICATORS: dict[str, IndicatorSpec] = {
    spec.name: spec
    for spec in [
        IndicatorSpec(
            "gdp_growth",
            re.compile(
                r"(?:国内|地区|国民)生产总值(?:\(GDP\))?|GDP|生产总值"
                r"|经济(?:年均)?(?:增长|增速)(?:速度|率)?(?:的)?(?:预期)?(?:目标)?"
            ),
            variant=lambda subject: "gnp" if subject.startswith("国民") else None,
        ),
        IndicatorSpec(
            "fiscal_revenue_growth",
            # 一般预算收入 (地方财政一般预算收入, the term until 2014), 公共财政预算收入 (2011-2013) and
            # 一般公共预算收入 (since 2014) are one measure, the general budget revenue.
            re.compile(
                r"(?:地方)?(?:财政)?(?:一般)?公共(?:财政)?预算收入"
                r"|(?:地方)?(?:财政)?一般(?:公共)?(?:财政)?预算收入"
                r"|(?:地方)?财政(?:总)?收入"
            ),
            variant=_variant_fiscal,
        ),
        IndicatorSpec("fixed_asset_investment_growth", re.compile(r"(?:全社会)?固定资产投资(?:总额)?")),
        IndicatorSpec("retail_sales_growth", re.compile(r"社会(?:消费|销售)品零售总额|社消零")),
        IndicatorSpec(
            "income_growth",
            re.compile(
                r"(?:城乡|城镇|农村)?(?:常住)?居民(?:人均)?(?:可支配)?收入|农民人均纯收入|农村居民人均纯收入"
            ),
            variant=_variant_income,
        ),
        IndicatorSpec(
            "industrial_value_added_growth",
            re.compile(r"(?:规模以上|规上)工业(?:企业)?增加值|全部工业增加值|工业增加值"),
        ),
        IndicatorSpec(
            "unemployment_rate",
            re.compile(r"(?:城镇)?(?:调查|登记)?失业率"),
            needs=None,
            variant=_variant_unemployment,
        ),
        IndicatorSpec(
            "cpi",
            re.compile(r"居民消费价格(?:总水平)?(?:指数)?|消费价格指数|物价(?:总水平)?(?:指数)?|CPI"),
            needs=_PRICE_WORDS,
        ),
        IndicatorSpec(
            "energy_intensity_change",
            re.compile(r"单位(?:国内|地区)?生产总值(?:能耗|能源消耗)|单位GDP能耗|万元(?:GDP|生产总值)能耗|能耗强度"),
            needs=re.compile(r"降低|下降|减少|降|提高|上升|增加"),
            signed_by_direction=True,
        ),
        IndicatorSpec(
            "new_urban_jobs",
            # job posts (新增就业岗位1.2万个) are their own variant, in 万个: not people, never paired with them.
            re.compile(r"城镇新增就业(?:人数|岗位)?|新增城镇就业(?:人数|岗位)?|新增就业岗位"),
            units=("万人", "万人次", "人", "人次", "万个", "个"),
            needs=None,
            variant=lambda subject: "posts" if "岗位" in subject else None,
        ),
        IndicatorSpec(
            "deficit_ratio",
            re.compile(
                r"(?:财政)?赤字率"
                r"|赤字(?:合计)?(?:\d+(?:\.\d+)?(?:万亿元|亿元))?,?占国内生产总值(?:的)?比重"
            ),
            needs=None,
        ),
        IndicatorSpec(
            "trade_growth",
            re.compile(r"(?:外贸|货物)?进出口(?:贸易)?(?:总额|总值)?|对外贸易(?:总额)?"),
        ),
        IndicatorSpec(
            "grain_output",
            re.compile(r"粮食(?:总)?产量"),
            units=("万亿斤", "亿斤", "万吨", "亿吨"),
            needs=None,
        ),
    ]
}


# ------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------
_NUM = r"\d+(?:\.\d+)?"
_CN_DIGITS = "零〇一二两三四五六七八九十百点"
_UNITS = r"个百分点|万亿斤|亿斤|万吨|亿吨|万人次|万人|人次|人|万个|个|万亿元|亿元|万元|亿美元|%|年|倍"
_POST_QUALIFIER = r"左右|以上|以内|以下|上下|之内|之上"
_PRE_QUALIFIERS = ("不低于", "不少于", "不超过", "不高于", "低于", "高于", "超过", "至少", "控制在", "力争")
_SYNC = (
    r"(?:增长)?(?:要|应)?(?:与|和|同)(?:经济增长|经济发展|地区生产总值(?:增长)?|国内生产总值(?:增长)?|GDP(?:增长)?)"
    r"(?:基本)?同步(?:增长|提高)?"
)
_VALUE_RE = re.compile(
    rf"(?P<sync>{_SYNC})"
    rf"|(?P<double>翻(?:一|两|二)?番)"
    rf"|百分之(?P<cn>[{_CN_DIGITS}]+)(?:(?:-|~|至|到)(?:百分之)?(?P<cn2>[{_CN_DIGITS}]+))?"
    rf"(?P<cnpost>{_POST_QUALIFIER})?"
    rf"|(?P<low>{_NUM})(?P<lowunit>%)?(?:(?P<sep>-|~|至|到)(?P<high>{_NUM}))?(?P<more>多|余)?"
    rf"(?P<unit>{_UNITS})?(?P<post>{_POST_QUALIFIER})?"
)
_CHANGE_TO = re.compile(
    r"(?:提高|下降|降低|降|增加|调整|上升|回落|减少|扩大|缩小|调低|调高)(?:到|至)(?:去年的|上年的|今年的)?"
)


def _cn_number(text: str) -> float | None:
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def parse_value(text: str) -> dict | None:
    """Read the value expression at the start of ``text`` (normalized), or ``None``.

    Returns a dict with ``value``, ``low``, ``high``, ``unit``, ``qualifier`` (post-qualifier only) and
    ``length`` (characters read).

    Example:
        >>> parse_value("6.5-7%")["value"], parse_value("百分之七左右")["qualifier"]
        (6.75, '左右')
    """
    match = _VALUE_RE.match(text)
    if not match or not match.group(0):
        return None
    return _value_from_match(match)


def _value_from_match(match: re.Match[str]) -> dict | None:
    nan = math.nan
    if match.group("sync") or match.group("double"):
        phrase = match.group(0)
        if phrase.startswith("增长"):
            phrase = phrase[2:]
        return {"value": nan, "low": nan, "high": nan, "unit": None, "qualifier": phrase,
                "length": match.end() - match.start()}
    if match.group("cn"):
        low = _cn_number(match.group("cn"))
        high = _cn_number(match.group("cn2")) if match.group("cn2") else low
        if low is None or high is None:
            return None
        return {"value": (low + high) / 2, "low": low, "high": high, "unit": "%",
                "qualifier": match.group("cnpost"), "length": match.end() - match.start()}
    low = float(match.group("low"))
    unit = match.group("unit") or match.group("lowunit")
    if match.group("high") is not None:
        if match.group("lowunit") and match.group("unit") not in (None, "%"):
            return None
        high = float(match.group("high"))
        if match.group("sep") in ("至", "到") and not match.group("lowunit") and not match.group("unit"):
            return None
        if high < low:
            return None
    else:
        high = low
    return {"value": (low + high) / 2, "low": low, "high": high, "unit": unit,
            "qualifier": match.group("post") or match.group("more"), "length": match.end() - match.start()}


# ------------------------------------------------------------------------------------------------
# One sentence
# ------------------------------------------------------------------------------------------------
_CLAUSE_END = re.compile(r"[,;。:!?]")
#: "地区生产总值达到705亿元，五年年均增长15.6%": a period may precede 年均 ("五年", "近五年来", "“十一五”期间").
_PERIOD_BEFORE_AVERAGE = (
    r"(?:(?:过去|近|前)?[二三四五六七八九十两]年(?:来|间|中)?|[“\"]?十[一二三四五六七八九]五[”\"]?(?:时期|期间)?)"
    r"(?:年均|平均每年|每年平均)"
)
_CONTINUATION = re.compile(
    rf"(?:分别)?(?:同比|比上年|实际|年均|{_PERIOD_BEFORE_AVERAGE})?(?:分别)?(?:增长|增速|上涨|下降|降低)(?:\d|百分之)"
    r"|(?:定为|定在|为|是)(?:\d|百分之)"
)
_MAX_GAP = 26
_PAST_CLAUSE = re.compile(r"(?<!比)去年|前年|过去|增长了|完成了|实现了|达到了|已经")
_GAP_BLOCKERS = re.compile(r"占|比重|贡献|倍|人均|比例|指数|规模|余额")
_FIVE_YEAR_SENTENCE = re.compile(
    r"今后五年|未来五年|五年内|十[一二三四五六七八九]五[”\"]?(?:时期|期间)|第十?[一二三四五六七八九]个五年规划"
    r"|[“\"]十?[一二三四五六七八九]五[”\"]计划(?:草案)?(?:规定|提出|期间)"
)
_AVERAGE = re.compile(r"年均|平均每年|每年平均")
_BASE_YEAR = re.compile(r"比(?:\d{4}|[一二三四五六七八九〇○零]{4})年")
#: "城镇新增就业累计500万人": a total over the period when the sentence speaks of several years.
_ACCUMULATED = re.compile(r"累计")
_ACCUMULATED_PREFACE = re.compile(r"^[^,;。:]{0,12}累计[,:]")  # "五年累计，单位国内生产总值能耗下降19.1%"
#: "预计增长7.5%": a figure given before the year's statistics are out (reports of December or January).
_ESTIMATE = re.compile(r"(?<![于出过及])预计|初步测算|初步统计|初步核算|预估|(?<![于出过及])估计")  # not 好于预计
_WITHIN_YEAR = re.compile(r"全年|今年|当年|上半年|前三季度")
_MULTI_YEAR = re.compile(
    r"(?:过去|今后|未来)[二三四五六七八九十两几]年|[二三四五六七八九十两几多]年(?:来|以来|间|内|累计)"
    r"|十[一二三四五六七八九]五|五年规划"
)


def _find_subjects(text: str, indicators: Sequence[str]) -> list[tuple[int, int, str]]:
    """All indicator names in ``text`` as (start, end, indicator), longest first where they overlap."""
    found = []
    for name in indicators:
        for match in INDICATORS[name].subject.finditer(text):
            found.append((match.start(), match.end(), name))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, name in sorted(found, key=lambda item: (-(item[1] - item[0]), item[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, name))
    return sorted(chosen)


def _subject_is_reference(text: str, start: int, end: int, name: str) -> bool:
    """True when a subject is not itself being measured (a sync reference, a denominator, per-capita GDP, a
    price deflator)."""
    before = text[max(0, start - 3):start]
    after = text[end:end + 6]
    if re.search(r"(?:与|和|同)$", before) and re.match(r"(?:增长)?(?:基本)?同步", after):
        return True
    if name == "gdp_growth" and (before.endswith("人均") or before.endswith("单位") or re.search(r"占[^,;。]{0,2}$", before)):
        return True
    if name == "gdp_growth" and re.match(r"(?:的)?(?:比重|贡献)", after):
        return True
    if name != "deficit_ratio" and re.search(r"占$", before):
        return True
    # "扣除物价因素增长5%" measures something else; 零售物价 is the retail price index, not consumer prices.
    if name == "cpi" and (re.match(r"(?:上涨|上升|变动)?因素", after) or before.endswith("零售")):
        return True
    return False


def _read_mention(
    text: str, start: int, end: int, name: str, next_start: int
) -> dict | None:
    """The value stated for the subject text[start:end], searched up to the end of its clause."""
    spec = INDICATORS[name]
    subject = text[start:end]
    clause_stop = _CLAUSE_END.search(text, end)
    stop = clause_stop.start() if clause_stop else len(text)
    # "国内生产总值超过126万亿元，增长5.2%": a clause with no subject of its own continues the subject's clause.
    while clause_stop and clause_stop.group() == "," and _CONTINUATION.match(text, clause_stop.end()):
        clause_stop = _CLAUSE_END.search(text, clause_stop.end())
        stop = clause_stop.start() if clause_stop else len(text)
    stop = min(stop, end + _MAX_GAP + 12)
    position = end
    while position < stop:
        match = _VALUE_RE.search(text, position, stop)
        if match is None:
            return None
        if not match.group(0):
            position = match.start() + 1
            continue
        if match.start() >= next_start:
            return None
        gap = text[end:match.start()]
        value = _value_from_match(match)
        position = match.end()
        if value is None:
            continue
        qualitative = math.isnan(value["value"])
        # "居民消费价格指数控制在103左右": an index on last year = 100, read as a rise of 3% at the end.
        index = name == "cpi" and not qualitative and _is_price_index(subject, value)
        if qualitative:
            if name in ("unemployment_rate", "cpi", "deficit_ratio", "new_urban_jobs", "grain_output",
                        "energy_intensity_change"):
                return None
        elif not index:
            unit = value["unit"]
            if name == "new_urban_jobs" and unit in ("人", "人次", "万人", "万人次"):
                pass
            elif unit not in spec.units:
                continue
        if len(gap) > _MAX_GAP or (name != "deficit_ratio" and _GAP_BLOCKERS.search(gap)):
            return None
        if spec.needs is not None and not qualitative and not index and not spec.needs.search(subject + gap):
            continue
        # "从去年的2.1%提高到2.3%": the value is the one after the change verb.
        follow = _CHANGE_TO.match(text, match.end())
        if follow:
            second = _VALUE_RE.match(text, follow.end())
            if second and second.group(0):
                second_value = _value_from_match(second)
                if second_value is not None and second_value["unit"] == value["unit"]:
                    value, match = second_value, second
                    gap = text[end:match.start()]
                    notes = ["the value after 提高到/下降到; the earlier figure is the base"]
                    if index:
                        value, notes = _index_as_change(value, notes)
                    return _finish_mention(text, start, end, name, match, value, gap, notes, changed=True)
        value, notes = _index_as_change(value, []) if index else (value, [])
        return _finish_mention(text, start, end, name, match, value, gap, notes)
    return None


_QUOTE_OPENING = re.compile(r"提出[,:]")
_MODAL_YAO = re.compile(r"(?<![主重需必只])要(?:从|把|将|控制|降|减|实现|达到|保持|稳定|在|增长|提高)")


def _index_as_change(value: dict, notes: list[str]) -> tuple[dict, list[str]]:
    """A price index on the previous year (103) as the change it states (3%), with a note saying so."""
    change = {**value, **{key: round(value[key] - 100, 6) for key in ("value", "low", "high")}, "unit": "%"}
    return change, [*notes, f"price index {value['value']:g} (previous year = 100) read as a change of "
                            f"{change['value']:g}%"]


def _is_price_index(subject: str, value: dict) -> bool:
    """True for a price index stated on the previous year (90 <= index < 130), not a percentage change.

    Example:
        >>> _is_price_index("居民消费价格指数", parse_value("103左右")), _is_price_index("居民消费价格", parse_value("3%"))
        (True, False)
    """
    return "指数" in subject and value["unit"] in (None, "%") and 90 <= value["low"] <= value["high"] < 130


def _finish_mention(
    text: str, start: int, end: int, name: str, match: re.Match[str], value: dict, gap: str, notes: list[str],
    *, changed: bool = False,
) -> dict:
    """Qualifier, unit conversion, sign, period and variant of a value read for a subject (see ``_read_mention``)."""
    spec = INDICATORS[name]
    subject = text[start:end]
    row = {key: value[key] for key in ("value", "low", "high", "unit", "qualifier")}
    if row["qualifier"] is None:
        # The qualifier nearest the number wins; at one position the longer word (不低于 over 低于).
        window = re.split(r"[,;。:]", text[max(0, start - 8):start])[-1] + subject + gap
        last_digit = re.search(r".*\d", window)
        if last_digit:  # "超过126万亿元，增长5.2%": a qualifier of an earlier number is not this one's
            window = window[last_digit.end():]
        pre = [word for word in _PRE_QUALIFIERS if word in window]
        row["qualifier"] = max(pre, key=lambda word: (window.rfind(word) + len(word), len(word))) if pre else None
    if name == "new_urban_jobs" and row["unit"] in ("人", "人次", "个"):
        # people in 万人; job posts ("新增就业岗位3000个", variant posts) likewise in 万个
        row.update(value=row["value"] / 1e4, low=row["low"] / 1e4, high=row["high"] / 1e4,
                   unit="万" + row["unit"])
        notes.append(f"converted from {value['unit']} to 万{value['unit']}")
    if spec.signed_by_direction and not math.isnan(row["value"]):
        if _DOWN_WORDS.search(gap):
            row.update(value=-row["value"], low=-row["high"], high=-row["low"])
        elif not _UP_WORDS.search(gap):
            row.update(value=math.nan, low=math.nan, high=math.nan)
            notes.append("direction of the change not stated: value left empty")
    before = text[max(0, start - 10):start]
    clause_before = re.split(r"[,;。:]", before)[-1]
    five_year = bool(_AVERAGE.search(clause_before + subject + gap))
    variant = spec.variant(subject)
    if "总量" in gap or "总量" in subject or _BASE_YEAR.search(gap):
        # A total over several years ("总量增长50%", "比2010年翻一番", "1990年比1985年增长40%"): a plan-period target.
        variant = "cumulative"
        five_year = True
        notes.append("total over several years, not an annual rate")
    elif five_year:
        notes.append("annual average over the plan period")
    row.update(indicator=name, variant=variant, period="five_year" if five_year else None,
               phrase=text[start:match.end()], note="; ".join(notes) or None,
               _value_start=match.start(), _value_end=match.end())
    # "去年城镇登记失业率为3.2%，今年要控制在3.5%以内": a clause about the past is never a target.
    clause_start = max(text.rfind(mark, 0, start) for mark in ",;。:") + 1
    # ("赤字率从去年的2.1%提高到2.3%" names last year only as the base of the new value.)
    row["_past_clause"] = not changed and bool(_PAST_CLAUSE.search(text[clause_start:match.end()]))
    # "去年政府工作报告提出，物价涨幅要从14.8%降到10%左右": a review quoting last year's plan states no result.
    # (提出 must end a clause, and 要 be a modal verb: not 按照…提出的部署, not 主要/重要/需要.)
    row["_quoted_plan"] = bool(_QUOTE_OPENING.search(text[:clause_start])
                               and _MODAL_YAO.search(text[clause_start:match.start()]))
    # "今后五年累计…，今年新增城镇就业10万人": this year's figure in a sentence about five years is annual.
    row["_this_year"] = bool(_WITHIN_YEAR.search(text[clause_start:match.end()]))
    own_words = clause_before + subject + gap
    row["_accumulated"] = bool(_ACCUMULATED.search(own_words) or _ACCUMULATED_PREFACE.search(text)) and not (
        _WITHIN_YEAR.search(own_words)
    )
    return row


def parse_sentence(
    sentence: str, *, indicators: Iterable[str] | None = None, period: Period = "annual"
) -> pd.DataFrame:
    """Every indicator mention with a value in one sentence, in reading order (no target/result judgement).

    Args:
        sentence: raw sentence text; spaces, line breaks and full-width characters are tolerated.
        indicators: restrict to these indicator names (default: all of :data:`INDICATORS`).
        period: period of the passage the sentence belongs to; a mention with 年均 or a sentence that names a
            five-year period is ``five_year`` regardless.

    Returns:
        DataFrame with :data:`MENTION_COLUMNS`.

    Example:
        >>> parse_sentence("地区生产总值、固定资产投资年均增长都为7%")[["indicator", "value", "period"]]
                               indicator  value     period
        0                     gdp_growth    7.0  five_year
        1  fixed_asset_investment_growth    7.0  five_year
    """
    names = _check_indicators(indicators)
    rows = [
        {key: value for key, value in row.items() if not key.startswith("_")}
        for row in _parse_mentions(sentence, names, period)
    ]
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"value": "float64", "low": "float64", "high": "float64"})


def _parse_mentions(sentence: str, names: Sequence[str], period: Period) -> list[dict]:
    """The work of :func:`parse_sentence`, as plain dicts (fast enough to run on every sentence of a corpus)."""
    text = normalize_text(sentence)
    sentence_five_year = bool(_FIVE_YEAR_SENTENCE.search(text))
    subjects = [s for s in _find_subjects(text, list(INDICATORS)) if not _subject_is_reference(text, *s)]
    rows: list[dict | None] = [None] * len(subjects)
    for index in range(len(subjects) - 1, -1, -1):
        start, end, name = subjects[index]
        next_start = subjects[index + 1][0] if index + 1 < len(subjects) else len(text)
        # "地区生产总值、固定资产投资…年均增长都为7%": an enumerated subject shares the next one's value.
        if index + 1 < len(subjects) and re.fullmatch(r"[、和及]|以及", text[end:next_start]) and rows[index + 1]:
            shared = dict(rows[index + 1])
            spec = INDICATORS[name]
            if shared["variant"] != "cumulative":
                shared["variant"] = spec.variant(text[start:end])
            enumerated = "one value stated for the enumerated indicators"
            shared.update(indicator=name, phrase=text[start:next_start] + shared["phrase"],
                          note=shared["note"] if enumerated in (shared["note"] or "") else
                          "; ".join(filter(None, [enumerated, shared["note"]])))
            rows[index] = shared
            continue
        rows[index] = _read_mention(text, start, end, name, next_start)
    rows += _apply_respectively(text, subjects, rows)
    frame_rows = []
    for row in rows:
        if row is None or row["indicator"] not in names:
            continue
        estimate = _ESTIMATE.search(text, 0, row["_value_start"])
        if estimate:
            row["note"] = "; ".join(filter(None, [row["note"], f"an estimate ({estimate.group()}), not the final figure"]))
        several_years = sentence_five_year or period == "five_year" or bool(_MULTI_YEAR.search(text))
        if row.get("_accumulated") and row["variant"] != "cumulative" and several_years:
            row.update(variant="cumulative", period="five_year", note="; ".join(
                filter(None, [row["note"], "total over several years (累计), not an annual figure"])))
        if row["period"] is None:
            five_year = (sentence_five_year and not row.get("_this_year")) or period == "five_year"
            row["period"] = "five_year" if five_year else "annual"
        frame_rows.append(row)
    return frame_rows


_ENUMERATION = re.compile(r"[、和及]|以及")
_LIST_SEPARATOR = re.compile(r"[、和及与,]")
_TOWN_COUNTRY_WORDS = {"城镇": "urban", "城市": "urban", "农村": "rural", "农民": "rural"}
_TOWN_COUNTRY_WORD = re.compile("|".join(_TOWN_COUNTRY_WORDS))
_TOWN_COUNTRY_LIST = re.compile(rf"(?:(?:{_TOWN_COUNTRY_WORD.pattern})(?:常住)?(?:居民)?(?:[和、及与]|以及))+$")


def _town_country_order(text: str, start: int, end: int) -> tuple[tuple[str, ...] | None, int]:
    """The order in which a subject names town and country (``None`` when it names only one of them), and where
    the phrase naming them starts.

    "城乡(常住)居民…" is urban then rural; "城镇和农村居民…", "农村、城镇常住居民…" follow the words written
    before the subject.

    Example:
        >>> text = "农村和城镇居民人均可支配收入"
        >>> _town_country_order(text, 3, len(text))
        (('rural', 'urban'), 0)
    """
    subject = text[start:end]
    if subject.startswith("城乡"):
        return ("urban", "rural"), start
    own = _TOWN_COUNTRY_WORD.match(subject)
    listed = _TOWN_COUNTRY_LIST.search(text, 0, start)
    if own is None or listed is None:
        return None, start
    order = tuple(_TOWN_COUNTRY_WORDS[word] for word in _TOWN_COUNTRY_WORD.findall(listed.group()))
    order += (_TOWN_COUNTRY_WORDS[own.group()],)
    return (order, listed.start()) if sorted(order) == ["rural", "urban"] else (None, start)


def _scaled(value: dict, scale: float, qualifier: str | None) -> dict:
    """The value, low and high of one value of a 分别 list, with the first value's sign and unit conversion."""
    low, high = sorted((value["low"] * scale, value["high"] * scale))
    return {"value": value["value"] * scale, "low": low, "high": high, "qualifier": qualifier}


def _apply_respectively(text: str, subjects: list[tuple[int, int, str]], rows: list[dict | None]) -> list[dict]:
    """"城镇和农村居民人均可支配收入分别增长8%和9%": the n-th enumerated indicator takes the n-th value.

    Where the order cannot be known (the list starts before the first indicator, "二氧化碳排放和能耗分别…") or
    there are fewer values than indicators, the rows are dropped rather than given a neighbour's value. One
    subject naming town and country together ("城乡(常住)居民人均可支配收入", "城镇和农村居民…", "农村、城镇居民…")
    with two values gives a row for each, in the order written; the second is returned (the first replaces the
    subject's row). With another number of values it gives none, not a per-capita row with the first value.
    """
    added: list[dict] = []
    index = 0
    while index < len(subjects):
        last = index
        while last + 1 < len(subjects) and _ENUMERATION.fullmatch(text[subjects[last][1]:subjects[last + 1][0]]):
            last += 1
        row = rows[last]
        if row is not None and "_value_start" in row and "分别" in text[subjects[last][1]:row["_value_start"]]:
            first = parse_value(text[row["_value_start"]:])
            values = [first] if first else []
            position = row["_value_end"]
            while True:
                separator = _LIST_SEPARATOR.match(text, position)
                following = _VALUE_RE.match(text, separator.end()) if separator else None
                if not following or not following.group(0):
                    break
                value = _value_from_match(following)
                if value is None or value["unit"] != first["unit"]:
                    break
                values.append(value)
                position = following.end()
            # The first value's sign and unit conversion ("降低", 人 -> 万人) apply to the whole list.
            usable = first and first["value"] and not math.isnan(first["value"])
            scale = row["value"] / first["value"] if usable else 1.0
            pre_qualifier = row["qualifier"] if row["qualifier"] in _PRE_QUALIFIERS else None
            order, phrase_start = None, 0
            if index == last and rows[index]["indicator"] == "income_growth":
                order, phrase_start = _town_country_order(text, *subjects[index][:2])
            if order is not None:
                # One subject naming town and country: two values give both rows, any other count neither.
                rows[index] = None
                if len(values) == 2:
                    phrase = text[phrase_start:position]
                    for k, (variant, value) in enumerate(zip(order, values)):
                        qualifier = value["qualifier"] or values[-1]["qualifier"] or pre_qualifier  # "6%和7%左右"
                        split = {**row, "variant": variant, **_scaled(value, scale, qualifier), "phrase": phrase,
                                 "note": f"{variant} value of a town-and-country 分别 pair"}
                        if k == 0:
                            rows[index] = split
                        else:
                            added.append(split)
                index = last + 1
                continue
            preceded = bool(re.search(r"[、和及与]$", text[:subjects[index][0]]))
            # "财政总收入159亿元,其中地方一般公共预算收入88亿元,分别增长11.7%、8.6%": a list read across a clause
            # break with more values than subjects also covers subjects of earlier clauses.
            crosses = bool(_CLAUSE_END.search(text, subjects[last][1], row["_value_start"]))
            preceded = preceded or (crosses and len(values) > last - index + 1)
            for k, i in enumerate(range(index, last + 1)):
                if preceded or k >= len(values) or rows[i] is None:
                    rows[i] = None
                    continue
                value = values[k]
                rows[i] = {**rows[i], **_scaled(value, scale, value["qualifier"] or pre_qualifier),
                           "phrase": text[subjects[i][0]:position], "note": f"value {k + 1} of a 分别 list"}
        index = last + 1
    return added


def _check_indicators(indicators: Iterable[str] | None) -> list[str]:
    if indicators is None:
        return list(INDICATORS)
    if isinstance(indicators, str):
        indicators = [indicators]
    names = list(indicators)
    unknown = [name for name in names if name not in INDICATORS]
    if unknown:
        raise ValueError(
            f"indicators: unknown indicator(s) {unknown}; known indicators are {sorted(INDICATORS)}"
        )
    return names


# ------------------------------------------------------------------------------------------------
# Which sentences set targets, which report results
# ------------------------------------------------------------------------------------------------
#: Cues that a sentence states the plan's targets.
TARGET_CUE = re.compile(
    r"预期目标(?:是|为|定为|定在|设定)|(?:主要|总体|奋斗|发展)目标(?:是|为)|增长目标(?:为|是|定为)|预期增长"
    r"|目标(?:定为|定在|设定为)"
)
#: Cues that the sentence speaks of the plan period: firm ones (拟, 力争 …) and ones a past cue overrides (今年 …).
PLAN_CUE = re.compile(r"拟按|拟安排|拟|力争|争取|确保|提出(?!了)|今后五年|未来五年|到20\d\d年|要(?:实现|达到|控制|保持|稳定)")
SOFT_PLAN_CUE = re.compile(r"今年|明年|本年度")
#: Cues that a sentence reports results.
PAST_CUE = re.compile(
    r"增长了|完成了|实现了|达到了|提高了|下降了|已经|去年|上年|过去|[一二三四五六七八九十两几多]年来|近年来|回顾|超额|预计"
    r"|完成率|(?:超过|达到|低于|高于|完成|实现)(?:了)?(?:全年|年初)?(?:确定)?的?[^,;。]{0,8}目标|好于预期"
)
_PASSAGE_OPENER = re.compile(r"目标(?:是|为)?:$")
_FIVE_YEAR_PASSAGE = re.compile(r"(?:今后五年|未来五年|十[一二三四五六七八九]五[”\"]?(?:时期|期间)|五年规划).*(?:目标|任务)")
_ANNUAL_PASSAGE = re.compile(
    r"今年|明年|本年度|\d{4}年(?:的)?(?:主要|重点)?(?:工作|任务)|\d{4}年.{0,24}预期目标|(?:^|[。,])\d{4}年,?是"
)

Kind = Literal["target", "achievement"]


def _sentence_kind(section: str, text: str, in_passage: bool, paragraph_kind: Kind | None) -> tuple[Kind | None, bool]:
    """(kind, decided by the sentence's own cues)."""
    target_cue = bool(TARGET_CUE.search(text)) and not re.search(
        r"(?:超过|达到|低于|高于|完成|实现)(?:了)?[^,;。]{0,8}预期目标", text
    )
    plan_cue = bool(PLAN_CUE.search(text))
    soft_plan_cue = bool(SOFT_PLAN_CUE.search(text))
    past_cue = bool(PAST_CUE.search(text))
    if section == "review":
        return "achievement", True
    if section == "appendix":
        return None, True
    if target_cue or in_passage or plan_cue or (soft_plan_cue and (section == "plan" or not past_cue)):
        return "target", True
    if past_cue:
        return "achievement", True
    # No cue of its own: the sentence continues its paragraph ("过去一年……。国内生产总值增长10.3%……").
    if paragraph_kind is not None:
        return paragraph_kind, False
    return ("target" if section == "plan" else None), False


def classify_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """Add ``kind`` ("target", "achievement" or None) and ``period_context`` to a sentences table.

    The decision uses the section label where there is one (``review`` -> achievement, ``plan`` -> target
    unless the sentence speaks only of the past) and local cues otherwise (主要预期目标是, 力争, 今年, 拟按 …
    against 去年, 过去, 增长了, 完成 …). A paragraph ending in "目标是：" makes the next paragraph a target passage.
    ``period_context`` follows the passage: a paragraph about the coming five years ("今后五年", "“十四五”时期的
    主要目标") switches it to ``five_year`` until a paragraph about this year ("今年", "2021年重点工作").

    Args:
        sentences: DataFrame with ``doc_id``, ``para_id``, ``sent_id``, ``text`` and optionally ``section``.

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "sent_id": [0, 0],
        ...     "section": ["unknown", "unknown"],
        ...     "text": ["去年地区生产总值增长了6%。", "今年主要预期目标是：地区生产总值增长7%左右。"]})
        >>> classify_sentences(frame)["kind"].tolist()
        ['achievement', 'target']
    """
    _check_sentences(sentences)
    frame = sentences.reset_index(drop=True)
    if "section" in frame:
        sections = frame["section"].fillna("unknown").astype(str)
    else:
        sections = pd.Series("unknown", index=frame.index)
    kinds: list[Kind | None] = [None] * len(frame)
    periods: list[Period] = ["annual"] * len(frame)
    order = frame.sort_values(["doc_id", "para_id", "sent_id"], kind="stable").index
    doc_ids, para_ids, texts = frame["doc_id"].tolist(), frame["para_id"].tolist(), frame["text"].tolist()
    section_list = sections.tolist()
    state: dict[str, object] = {}
    for position in order:
        doc_id = doc_ids[position]
        para_id = para_ids[position]
        if state.get("doc") != doc_id:
            state = {"doc": doc_id, "para": None, "period": "annual", "passage": False, "para_text": "",
                     "para_kind": None}
        if state["para"] != para_id:
            # A new paragraph: the previous one may have opened a target passage ("主要预期目标是：").
            state["passage"] = bool(_PASSAGE_OPENER.search(str(state["para_text"])))
            state["para"] = para_id
            state["para_text"] = ""
            state["para_kind"] = None
        text = normalize_text(str(texts[position]))
        state["para_text"] = str(state["para_text"]) + text
        if _FIVE_YEAR_PASSAGE.search(text) and not re.search(r"今年|明年", text):
            state["period"] = "five_year"
        elif _ANNUAL_PASSAGE.search(text):
            state["period"] = "annual"
        kind, own_cue = _sentence_kind(
            section_list[position], text, bool(state["passage"]), state["para_kind"]  # type: ignore[arg-type]
        )
        kinds[position] = kind
        if own_cue:
            state["para_kind"] = kind
        if TARGET_CUE.search(text) and kinds[position] == "target":
            state["passage"] = True
        periods[position] = state["period"]  # type: ignore[assignment]
    return frame.assign(kind=kinds, period_context=periods)


def _check_sentences(sentences: pd.DataFrame) -> None:
    if not isinstance(sentences, pd.DataFrame):
        raise TypeError(f"sentences: expected a pandas DataFrame, got {type(sentences).__name__}")
    missing = [c for c in ("doc_id", "para_id", "sent_id", "text") if c not in sentences.columns]
    if missing:
        raise ValueError(
            f"sentences: missing column(s) {missing}; expected doc_id, section, para_id, sent_id, text "
            "(as returned by Corpus.sentences())"
        )


def _mentions(sentences: pd.DataFrame, kind: Kind, indicators: Iterable[str] | None) -> pd.DataFrame:
    names = _check_indicators(indicators)
    classified = classify_sentences(sentences)
    chosen = classified[classified["kind"] == kind]
    sections = chosen["section"] if "section" in chosen else pd.Series("unknown", index=chosen.index)
    rows = []
    for doc_id, section, para_id, sent_id, text, period in zip(
        chosen["doc_id"], sections, chosen["para_id"], chosen["sent_id"], chosen["text"], chosen["period_context"]
    ):
        for mention in _parse_mentions(str(text), names, period):
            if kind == "target" and mention.get("_past_clause"):
                continue
            if kind == "achievement" and mention.get("_quoted_plan"):
                continue
            mention = {key: value for key, value in mention.items() if not key.startswith("_")}
            rows.append({"doc_id": doc_id, "section": section, "para_id": para_id, "sent_id": sent_id,
                         **mention, "sentence": text})
    table = pd.DataFrame(rows, columns=TARGET_COLUMNS).astype({"value": "float64", "low": "float64", "high": "float64"})
    if table.empty:
        return table
    for column in ("variant", "qualifier", "unit", "note"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    # A target restated later in the passage ("经济增长预期目标为5%左右，……") is kept once, at its first mention.
    key = table["value"].astype(str).where(table["value"].notna(), table["qualifier"].astype(str))
    duplicate = pd.DataFrame({
        "doc_id": table["doc_id"], "indicator": table["indicator"], "variant": table["variant"].astype(str),
        "period": table["period"], "key": key, "low": table["low"].astype(str), "high": table["high"].astype(str),
    }).duplicated()
    return table[~duplicate].reset_index(drop=True)


def targets_from_sentences(sentences: pd.DataFrame, *, indicators: Iterable[str] | None = None) -> pd.DataFrame:
    """Targets set for the plan period, read from a sentences table (see :func:`classify_sentences`).

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["a"], "section": ["plan"], "para_id": [3], "sent_id": [0],
        ...     "text": ["今年主要预期目标是：地区生产总值增长7.5%左右，城镇登记失业率控制在4%以内。"]})
        >>> targets_from_sentences(frame)[["indicator", "value", "qualifier"]]
                   indicator  value qualifier
        0         gdp_growth    7.5        左右
        1  unemployment_rate    4.0        以内
    """
    return _mentions(sentences, "target", indicators)


def achievements_from_sentences(sentences: pd.DataFrame, *, indicators: Iterable[str] | None = None) -> pd.DataFrame:
    """Results reported for the past period (review section, or past-tense sentences), same columns as targets.

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["a"], "section": ["review"], "para_id": [3], "sent_id": [0],
        ...     "text": ["全年地区生产总值增长6.9%。"]})
        >>> achievements_from_sentences(frame)[["indicator", "value"]]
            indicator  value
        0  gdp_growth    6.9
    """
    return _mentions(sentences, "achievement", indicators)


# ------------------------------------------------------------------------------------------------
# Corpus level
# ------------------------------------------------------------------------------------------------
_REPORT_FIELDS = ["region", "city", "province", "adcode", "place", "level", "year"]
#: Columns that together name a place; ``adcode`` alone when it is known (two 通州区 are different places).
_PLACE_FIELDS = ("region", "city", "adcode")


def _place_key(frame: pd.DataFrame, fields: Sequence[str] = _PLACE_FIELDS) -> pd.Series:
    """:func:`reportlab_analysis.corpus.place_keys` of the ``fields`` only (those both tables of a comparison have)."""
    from .corpus import place_keys

    return place_keys(frame[[c for c in fields if c in frame.columns]])


def _from_corpus(corpus: object, kind: Kind, indicators: Iterable[str] | None) -> pd.DataFrame:
    if not hasattr(corpus, "sentences") or not hasattr(corpus, "reports"):
        raise TypeError(
            f"corpus: expected a reportlab_analysis Corpus (from load_corpus), got {type(corpus).__name__}; "
            "for a sentences DataFrame use targets_from_sentences / achievements_from_sentences"
        )
    names = _check_indicators(indicators)
    sentences = corpus.sentences(include_appendix=False)  # type: ignore[attr-defined]
    table = _mentions(sentences, kind, names)
    reports = corpus.reports  # type: ignore[attr-defined]
    fields = [f for f in _REPORT_FIELDS if f in reports.columns]
    table = table.merge(reports[["doc_id", *fields]], on="doc_id", how="left")
    columns = ["doc_id", *fields, *TARGET_COLUMNS[1:]]
    if "year" in fields:
        # The year a figure is about: the plan year for a target, the year before it for an achievement (a
        # report for 2018 reviews 2017); none for a five-year figure, which covers a period.
        shift = 0 if kind == "target" else 1
        table["figure_year"] = (table["year"] - shift).where(table["period"] == "annual").astype("Int64")
        columns.insert(columns.index("year") + 1, "figure_year")
    return table[columns]


def extract_targets(corpus: object, *, indicators: Iterable[str] | None = None) -> pd.DataFrame:
    """The numeric targets each report sets for its plan period, one row per indicator and period.

    Args:
        corpus: a :class:`~reportlab_analysis.corpus.Corpus`.
        indicators: restrict to these names of :data:`INDICATORS` (default: all).

    Returns:
        DataFrame: ``doc_id``, report metadata (``region``, ``city``, ``province``, ``adcode``, ``level``,
        ``year``),
        ``figure_year`` (the year an annual figure is about: the plan year here, the year before it in
        :func:`extract_achievements`; empty for five-year figures), then ``section``, ``para_id``, ``sent_id``, ``indicator``, ``variant``, ``value``, ``low``, ``high``,
        ``qualifier``, ``unit``, ``period`` ("annual" or "five_year"), ``phrase`` and ``sentence``.
        A report that sets no target for an indicator has no row for it.

    Example:
        >>> from reportlab_analysis import load_corpus
        >>> targets = extract_targets(load_corpus("data/raw"), indicators=["gdp_growth"])  # doctest: +SKIP
        >>> targets[["region", "year", "value", "low", "high", "qualifier", "period"]]        # doctest: +SKIP
    """
    return _from_corpus(corpus, "target", indicators)


def extract_achievements(corpus: object, *, indicators: Iterable[str] | None = None) -> pd.DataFrame:
    """The figures each report gives for the past period (its review section), with the columns of targets;
    ``figure_year`` is the reviewed year (``year`` - 1) for annual figures.

    Example:
        >>> from reportlab_analysis import load_corpus
        >>> extract_achievements(load_corpus("data/raw"), indicators=["gdp_growth"])  # doctest: +SKIP
    """
    return _from_corpus(corpus, "achievement", indicators)


# ------------------------------------------------------------------------------------------------
# Targets against outcomes, and a picture of them
# ------------------------------------------------------------------------------------------------
def compare_with_achievements(
    targets: pd.DataFrame, achievements: pd.DataFrame, *, indicator: str = "gdp_growth"
) -> pd.DataFrame:
    """Each annual target next to the outcome the next year's report gives for that year, measure by measure.

    A report for year *Y* sets the target for *Y*; the review of the next report for the same place (same
    ``adcode``, or same ``region`` and ``city`` where there is no adcode) reports the outcome. A
    target and an outcome are paired only when they measure the same thing: the same indicator and the same
    ``variant`` (a surveyed unemployment target is not met by a registered rate, an urban income target not by
    a per-capita figure; "居民收入" (``all``) and "居民人均可支配收入" (``per_capita``) are one measure). The outcome is the first annual figure of that variant in the review (its headline,
    e.g. "国内生产总值增长5.2%"). Where there is no next-year report, or it states no figure of that variant,
    ``achieved`` is NaN. Every annual target row is kept.

    Args:
        targets: output of :func:`extract_targets` (needs ``region``, ``year`` and ``variant``).
        achievements: output of :func:`extract_achievements` for the same corpus.
        indicator: the indicator to compare.

    Returns:
        DataFrame: ``region``, ``city`` and ``adcode`` (those the inputs have), ``year``, ``indicator``,
        ``variant``, ``target`` (value), ``target_low``,
        ``target_high``, ``qualifier``, ``achieved``, ``gap`` (achieved minus target; whether "7.4 against 7.5左右"
        counts as met is left to the reader), ``achieved_note`` (the outcome's note, e.g. that it is an estimate),
        ``target_sentence``, ``achieved_sentence``.

    Example:
        >>> targets, outcomes = extract_targets(corpus), extract_achievements(corpus)  # doctest: +SKIP
        >>> compare_with_achievements(targets, outcomes, indicator="unemployment_rate")  # doctest: +SKIP
    """
    _check_indicators([indicator])
    for name, frame in (("targets", targets), ("achievements", achievements)):
        missing = [c for c in ("region", "year", "indicator", "variant", "period", "value") if c not in frame.columns]
        if missing:
            raise ValueError(
                f"{name}: missing column(s) {missing}; pass the output of extract_targets / extract_achievements"
            )
    # The place is matched on the identity columns both tables have; None and NaN variants are one measure
    # ("no variant"): text keys make them equal in the merge.
    place_fields = [c for c in _PLACE_FIELDS if c in targets.columns and c in achievements.columns]
    shown_fields = [*place_fields, *(["place"] if "place" in targets.columns else [])]
    annual_targets = targets[(targets["indicator"] == indicator) & (targets["period"] == "annual")]
    annual_targets = annual_targets.dropna(subset=["year"])
    annual_targets = annual_targets.assign(
        _place=_place_key(annual_targets, place_fields), _variant=_variant_key(annual_targets["variant"])
    ).sort_values(["_place", "year", "para_id", "sent_id"], kind="stable")
    outcomes = achievements[(achievements["indicator"] == indicator) & (achievements["period"] == "annual")]
    outcomes = outcomes.dropna(subset=["year", "value"])
    # The review's headline figure first; a past-tense figure elsewhere only when the review has none.
    outside_review = outcomes["section"].ne("review") if "section" in outcomes.columns else False
    outcomes = outcomes.assign(_outside=outside_review, _place=_place_key(outcomes, place_fields),
                               _variant=_variant_key(outcomes["variant"]))
    outcomes = outcomes.sort_values(["_place", "year", "_outside", "para_id", "sent_id"], kind="stable")
    outcomes = outcomes.drop_duplicates(["_place", "year", "_variant"])
    note = outcomes["note"] if "note" in outcomes.columns else pd.Series(None, index=outcomes.index, dtype=object)
    outcomes = outcomes.assign(year=outcomes["year"] - 1, achieved_note=note)
    outcomes = outcomes[["_place", "year", "_variant", "value", "achieved_note", "sentence"]]
    outcomes = outcomes.rename(columns={"value": "achieved", "sentence": "achieved_sentence"})
    table = annual_targets[
        [*shown_fields, "_place", "year", "indicator", "variant", "_variant", "value", "low", "high", "qualifier",
         "sentence"]
    ].rename(columns={"value": "target", "low": "target_low", "high": "target_high", "sentence": "target_sentence"})
    table = table.merge(outcomes, on=["_place", "year", "_variant"], how="left")
    table["gap"] = (table["achieved"] - table["target"]).round(6)
    columns = [*shown_fields, "year", "indicator", "variant", "target", "target_low", "target_high", "qualifier",
               "achieved", "gap", "achieved_note", "target_sentence", "achieved_sentence"]
    return table.sort_values(["region", "_place", "year"], kind="stable")[columns].reset_index(drop=True)


#: Variants that are one statistic written two ways: "居民收入增长…" is the per-capita disposable income.
_SAME_MEASURE = {"all": "per_capita"}


def _variant_key(variant: pd.Series) -> pd.Series:
    """The variant as the measure it names, as text for matching ("" for no variant).

    Example:
        >>> _variant_key(pd.Series(["surveyed", None, "all"])).tolist()
        ['surveyed', '', 'per_capita']
    """
    key = variant.astype(object).where(variant.notna(), "").astype(str)
    return key.replace(_SAME_MEASURE)


def target_overview(targets: pd.DataFrame) -> pd.DataFrame:
    """A report × indicator table of targets as written ("6.5-7", "7.5 左右", "1100万人 以上"); empty where none.

    Args:
        targets: output of :func:`extract_targets`.

    Returns:
        DataFrame indexed by ``region``, ``city`` ("" where a report has none) and ``year``, one column per
        indicator (and variant, in brackets; a plan-period target in a column of its own, ``gdp_growth
        [five_year]``). Reports are told apart by place (adcode, else region and city), so two districts of one
        name in different cities keep their own rows.

    Example:
        >>> target_overview(extract_targets(corpus).query("period == 'annual'"))  # doctest: +SKIP
    """
    needed = ("region", "year", "indicator", "variant", "value", "low", "high", "qualifier", "unit")
    missing = [c for c in needed if c not in targets]
    if missing:
        raise ValueError(f"targets: missing column(s) {missing}; pass the output of extract_targets")
    index = ["region", "city", "year"]
    if targets.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], [], []], names=index))

    def written(row: pd.Series) -> str:
        if pd.isna(row["value"]):
            return str(row["qualifier"] or "")
        number = f"{row['low']:g}-{row['high']:g}" if row["high"] > row["low"] else f"{row['value']:g}"
        if row["unit"] and row["unit"] != "%":
            number += row["unit"]
        return f"{number} {row['qualifier']}" if row["qualifier"] else number

    city = targets["city"].astype(object) if "city" in targets else pd.Series(None, index=targets.index)
    periods = targets["period"] if "period" in targets else pd.Series("annual", index=targets.index)
    # a five-year target gets a column of its own: one cell never mixes it with the year's target
    frame = targets.assign(
        column=[(f"{i} ({v})" if isinstance(v, str) and v else i) + (f" [{p}]" if p != "annual" else "")
                for i, v, p in zip(targets["indicator"], targets["variant"], periods)],
        written=targets.apply(written, axis=1),
        city=city.where(city.notna(), "").astype(str),
        _place=_place_key(targets),
    )
    frame = frame.drop_duplicates(["_place", "year", "column"])
    rank = {name: position for position, name in enumerate(INDICATORS)}
    columns = frame.drop_duplicates("column").sort_values(
        ["indicator", "column"], key=lambda c: c.map(rank) if c.name == "indicator" else c
    )
    order = columns["column"].tolist()
    table = frame.pivot(index=["_place", "year"], columns="column", values="written").reindex(columns=order)
    labels = frame.drop_duplicates(["_place", "year"]).set_index(["_place", "year"])[["region", "city"]]
    table = table.join(labels).reset_index().set_index(index).drop(columns="_place").sort_index()
    table.columns.name = "column"
    return table.fillna("")


def plot_target_series(
    comparison: pd.DataFrame, *, title: str | None = None, unit_label: str = "增长率 growth (%)"
) -> "Figure":
    """Targets over the years (point and stated range) with the outcomes, one line per place and variant.

    Args:
        comparison: output of :func:`compare_with_achievements`; one line per place (labelled by its ``place``:
            a region name shared by places in different cities comes with its city) and variant (named when a
            place has several, e.g. registered and surveyed unemployment).
        title: figure title (default: the indicator name).
        unit_label: y-axis label.

    Example:
        >>> fig = plot_target_series(compare_with_achievements(targets, achievements))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if comparison.empty:
        raise ValueError("comparison: no rows to plot (no annual targets for this indicator in the corpus)")
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    from .corpus import place_labels

    labels = comparison["place"] if "place" in comparison.columns else place_labels(comparison)
    variants = comparison["variant"] if "variant" in comparison.columns else pd.Series(pd.NA, index=comparison.index)
    lines = comparison.assign(_place=_place_key(comparison), _label=labels.astype(str),
                              _variant=variants.astype(object).where(variants.notna(), ""))
    several_variants = lines.groupby("_place")["_variant"].nunique() > 1
    for (place, variant), rows in lines.groupby(["_place", "_variant"], sort=True):
        region = rows["_label"].iat[0] + (f" ({variant})" if several_variants[place] and variant else "")
        # One row per calendar year, so that a year without a report (2020) breaks the line instead of bridging it.
        rows = rows.assign(year=rows["year"].astype(int)).set_index("year")
        rows = rows.reindex(range(rows.index.min(), rows.index.max() + 1)).reset_index()
        years = rows["year"]
        line, = ax.plot(years, rows["target"], marker="o", label=f"{region} 目标 target")
        spread = rows["target_high"] > rows["target_low"]
        if spread.any():
            ax.vlines(years[spread], rows["target_low"][spread], rows["target_high"][spread], color=line.get_color(),
                      linewidth=4, alpha=0.35)
        if rows["achieved"].notna().any():
            ax.plot(years, rows["achieved"], marker="s", linestyle="--", color=line.get_color(), alpha=0.7,
                    label=f"{region} 实际 outcome")
    ax.set_xlabel("计划年份 plan year")
    ax.set_ylabel(unit_label)
    ax.set_title(title or f"{comparison['indicator'].iat[0]}: 目标与实际 target and outcome")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return fig
