"""Extract report metadata (title, type, level, region, city, province, adcode, year, meeting date, speaker).

The clean text keeps the report's header: the title line, the meeting line ("——2017年12月10日在南岗区第十六届
人大二次会议上") and the speaker line ("南岗区人民政府区长 宋博岩"). :func:`extract_metadata` reads them with
general patterns, resolves the issuing government's region against the historical division table
(:mod:`reportlab_analysis.divisions`) and works out the *plan year* the report is presented for.
Where a field cannot be determined it is ``None`` and a :class:`Note` says why: never a guess.

Example:
    >>> text = "2019年政府工作报告\\n——2019年1月8日在哈尔滨市南岗区第十六届人民代表大会第三次会议上\\n" \\
    ...        "南岗区人民政府区长 宋博岩\\n各位代表：\\n一、2018年工作回顾\\n二、2019年重点工作"
    >>> meta, notes = extract_metadata(text)
    >>> meta["region"], meta["city"], meta["adcode"], meta["year"], meta["meeting_date"], meta["speaker"]
    ('南岗区', '哈尔滨市', '230103', 2019, '2019-01-08', '宋博岩')
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from . import divisions as dv
from .cleaning import traditional_only_characters

#: Keys of the dict returned by :func:`extract_metadata`, in this order.
METADATA_KEYS = ("title", "doc_type", "level", "region", "city", "province", "adcode", "year",
                 "meeting_date", "speaker")
#: Region and code used for national (State Council) reports. GB/T 2260 has no code for the whole
#: country; 100000 is the widely used convention (e.g. the Amap/DataV division lists) and keeps the
#: column non-null for national rows.
NATIONAL_REGION = "全国"
NATIONAL_ADCODE = "100000"
LEVEL_OF_DIVISION = {"province": "provincial", "city": "city", "county": "county"}
#: The values of the ``level`` and ``doc_type`` fields.
LEVELS = ("national", *LEVEL_OF_DIVISION.values())
DOC_TYPES = ("report", "resolution", "other")


@dataclass(frozen=True)
class Note:
    """One entry for the quality report: which ``field``, how bad (``severity``), and what (``message``)."""

    field: str
    severity: str
    message: str


# ------------------------------------------------------------------------------------------------ patterns
_HAN = r"\u4e00-\u9fff"
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,4}|[〇○零一二三四五六七八九十]{1,4})"
_MEETING_DATE = re.compile(
    rf"(?<![发布成文印日期:：])({_NUM})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*日\s*(?:在|经|于|召开的)?"
    rf"[^。；;！!]{{0,40}}?(?:人民代表大会|人大|代表大会|会议)"
)
_MEETING_DATE_AFTER = re.compile(
    rf"(?:人民代表大会|人大)[^。；;！!]{{0,24}}?会议[^。；;！!\d]{{0,8}}?({_NUM})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*日"
)
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
_TITLE_HINT = re.compile(r"政府工作报告|政府工作计划|工作报告|政府工作|关于.{0,30}的决议")
_RESOLUTION = re.compile(r"关于.{0,30}政府工作报告的决议|政府工作报告的决议")
_REPORT_HINT = re.compile(r"政府工作报告|政府工作计划|工作报告|各位代表|向大会报告|我代表")
_SPEAKER_TITLES = r"总理|省长|市长|区长|县长|旗长|州长|盟长|镇长|乡长|主席|专员|行政长官|主任"
_SPEAKER_NAME = rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,8}}·[{_HAN}·]{{1,16}}"
_SPEAKER_LINE = re.compile(
    rf"^(?:[^，。,、的在审议听取]{{0,20}}?(?:人民政府|政府|国务院|管委会|管理委员会|行政公署|办事处|省|市|区|县|旗|州|盟|镇|乡))?"
    rf"(?:代理|代|副)?(?:{_SPEAKER_TITLES})(?:[（(]代[)）])?[:：]?({_SPEAKER_NAME})$"
)
_SPEAKER_TITLE_END = re.compile(rf"(?:{_SPEAKER_TITLES})(?:[（(]代[)）])?[:：]?$")
_RESOLUTION_SPEAKER = re.compile(
    rf"总理([{_HAN}]{{2,3}})(?:同志)?(?:代表国务院)?所作|([{_HAN}]{{2,3}})(?:同志)?总理(?:代表国务院)?所作"
)
# What sits between an issuer's name and 政府工作报告 in titles: years ("2021年", "二〇二一年", "2021年度"),
# periods ("2021-2025年", "2021年至2025年") and five-year plan names ("“十四五”规划纲要暨", "第十四个五年规划和").
_YEAR_DIGITS = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})"
_PERIOD_DASH = r"[-—–－~～至到]"
_YEAR_OR_PERIOD = rf"{_YEAR_DIGITS}年?(?:{_PERIOD_DASH}{_YEAR_DIGITS})?年度?"
_PLAN_NAME = (r"[“\"「『]?(?:十[一二三四五六七八九]?五|第[一二三四五六七八九十]{1,3}个五年)[”\"」』]?"
              r"(?:时期|期间)?(?:发展规划|规划纲要|规划|计划)?(?:纲要)?[暨和与及、]?")
_TITLE_INFIX = rf"(?:{_YEAR_OR_PERIOD}|{_PLAN_NAME})*"
_PERIOD = re.compile(rf"(?<!\d)({_YEAR_DIGITS})年?{_PERIOD_DASH}({_YEAR_DIGITS})年")
#: The congress's session number: 第十六届, 十六届, 第16届.
_SESSION = r"第?[一二三四五六七八九十\d]{1,3}届"
_ZONE_SUFFIX = re.compile(r"(?:新区|经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|工业园区|示范区|试验区|管理区)"
                          rf"(?=管委会|管理委员会|人民政府|政府|第|{_SESSION}|{_YEAR_OR_PERIOD}|工作|国民经济)")
_ZONE_START = re.compile(r".*(?:[^\u4e00-\u9fff]|[在经于年日届])")
_MEETING_MONTH = re.compile(rf"(?<![发布成文印日期:：])({_NUM})\s*年\s*({_NUM})\s*月\s*(?:在|经|于|召开的)"
                            r"[^。；;！!]{0,40}?(?:人民代表大会|人大|代表大会|会议)")
_ISSUER_WORDS = (rf"人民政府|政府|管委会|管理委员会|{_SESSION}|人大|人民代表大会|国民经济|"
                 r"政府工作|工作报告|区长|县长|市长|省长|旗长|州长|主席")
#: What follows an issuer's name: words of a government or congress, after any years and plan names, or a year.
_ISSUER_AFTER = re.compile(rf"{_TITLE_INFIX}(?:{_ISSUER_WORDS})|{_YEAR_OR_PERIOD}")
#: In a file name the name may also end the stem ("2019_洛阳市.txt").
_FILE_NAME_ISSUER_AFTER = re.compile(rf"{_ISSUER_AFTER.pattern}|{_TITLE_INFIX}$")
_GENERIC_ISSUER = re.compile(
    r"(?:^|在|经|年)(" + "|".join(sorted(dv.GENERIC_COUNTY_NAMES, key=len, reverse=True)) + r")"
    rf"(?={_TITLE_INFIX}(?:人民政府|政府工作|{_SESSION}|人大|人民代表大会)|{_YEAR_OR_PERIOD})"
)
_MEETING_WORDS = re.compile(r"人民代表大会|人大|会议")
_NATIONAL = re.compile(r"国务院|全国人民代表大会第|全国人民代表大会.{0,8}次会议|全国人大.{0,8}次会议|中华人民共和国国务院")
_YEAR_IN_TITLE = re.compile(r"(?<![\d—\-－~至到])(\d{4}|[〇○零一二三四五六七八九]{4})\s*年(?!\d)")
_REVIEW_WORDS = re.compile(r"回顾|总结|成就|完成情况|过去")
_PLAN_WORDS = re.compile(r"工作安排|重点工作|主要工作|工作任务|主要任务|工作目标|主要目标|目标任务|总体要求|工作思路|"
                         r"工作部署|工作建议|政府工作|计划安排|发展目标|经济社会发展|国民经济|工作重点|主要预期目标")
_NOT_A_HEADING = re.compile(r"工作报告|工作计划|的决议|发布|来源")
_HEADING_YEAR = re.compile(r"(?<![\d—\-－~至到])(\d{4})\s*年(?!远景|\d)")
_RESOLUTION_YEAR = re.compile(r"报告提出的(\d{4})年")
_PUBLISHER = re.compile(r"发布机构|发布单位|来源|索引号|发布日期|成文日期|文件编号|当前位置|信息来源|作者")
_NOT_SPEAKER = re.compile(r"工作|报告|会议|代表|政府|人民|发展|建设|各位|所作|同志|审议")


# ------------------------------------------------------------------------------------------------ helpers
@lru_cache(maxsize=1)
def _t2s():
    """The opencc t2s converter and the set of only-traditional characters (to skip simplified text)."""
    import opencc  # opencc-python-reimplemented: traditional -> simplified, offline tables

    return opencc.OpenCC("t2s"), traditional_only_characters()


def _simplify(text: str) -> str:
    """NFKC (full-width digits, odd spaces) and traditional -> simplified, for pattern matching only."""
    text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
    converter, traditional = _t2s()
    return text if traditional.isdisjoint(text) else converter.convert(text)


def _squeeze(line: str) -> str:
    """Remove spaces inside a line ("政 府 工 作 报 告", "区  长  王铁立", "国务院总理　李　强")."""
    return re.sub(r"\s+", "", line)


def _cn_number(token: str) -> int | None:
    """Arabic or Chinese numerals (2017, 一九五七, 十二, 二十三) to int; ``None`` if not a number."""
    if token.isdigit():
        return int(token)
    if all(ch in _CN_DIGITS for ch in token):  # digit by digit: 一九五七
        return int("".join(str(_CN_DIGITS[ch]) for ch in token))
    if set(token) <= set(_CN_DIGITS) | {"十"} and token.count("十") == 1:
        tens, _, ones = token.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return None


def _arabic_years(line: str) -> str:
    """Write years in Chinese numerals with digits: "二〇一八年工作回顾" -> "2018年工作回顾"."""
    return _CN_YEAR.sub(lambda m: str(_cn_number(m.group())), line) if "年" in line else line


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _header_lines(lines: list[str], *, max_lines: int = 30) -> list[str]:
    """Lines before "各位代表" (plus the sentence after it, "我代表…人民政府"), or the first few lines."""
    for index, line in enumerate(lines[:max_lines]):
        if _squeeze(line).startswith("各位代表"):
            return lines[: index + 2]
    return lines[: min(6, len(lines))]


def _is_title_line(line: str) -> bool:
    squeezed = _squeeze(line)
    return (bool(_TITLE_HINT.search(squeezed)) and len(squeezed) <= 60 and not re.search(r"[。，,；;]", squeezed)
            and not squeezed.startswith(("——", "—", "-")) and not _MEETING_DATE.search(squeezed))


def _valid_year(year: int | None) -> int | None:
    return year if year is not None and 1949 <= year <= 2100 else None


# ------------------------------------------------------------------------------------------------ fields
def extract_title(text: str, *, raw_text: str | None = None) -> str | None:
    """The report's title line from the clean text, else from the raw text (web page title), else ``None``.

    Example:
        >>> extract_title("政 府 工 作 报 告\\n——2021年3月3日在松北区第四届人民代表大会第六次会议上")
        '政府工作报告'
    """
    for source in (text, raw_text):
        original = _lines(source)[:60]
        # only short lines can be titles: long paragraphs are not worth simplifying
        simplified = [_simplify(line) if len(line) <= 120 else line for line in original]
        header = _header_lines(simplified, max_lines=40)
        for line, kept in zip(header, original):
            if _is_title_line(line) and not _PUBLISHER.search(line):
                return _squeeze(unicodedata.normalize("NFKC", kept))  # original characters, no inner spaces
    return None


def extract_meeting_date(header: str) -> str | None:
    """YYYY-MM-DD of the people's congress session named in the header, or ``None``.

    Only dates followed by a congress/meeting (人民代表大会, 人大, 会议) count; web publication dates
    ("发布日期：2021-03-12") never do.

    Example:
        >>> extract_meeting_date("——2017年12月10日在南岗区第十六届人大二次会议上")
        '2017-12-10'
        >>> extract_meeting_date("来源：松北区人民政府 发布日期：2021-03-12") is None
        True
    """
    joined = _squeeze(_simplify(header))
    matches = list(_MEETING_DATE.finditer(joined)) + list(_MEETING_DATE_AFTER.finditer(joined))
    for match in matches:
        year, month, day = (_cn_number(g) for g in match.groups())
        if None in (year, month, day):
            continue
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def extract_speaker(header_lines: list[str], *, resolution_text: str | None = None) -> str | None:
    """The name of the official delivering the report (区长/县长/市长/省长/总理 …), or ``None``.

    Example:
        >>> extract_speaker(["南岗区人民政府区长 宋博岩", "各位代表："])
        '宋博岩'
        >>> extract_speaker(["区  长  王铁立"])
        '王铁立'
        >>> extract_speaker(["城关街道办事处主任 李明"]), extract_speaker(["镇长 陈建"])
        ('李明', '陈建')
    """
    squeezed = [_squeeze(_simplify(line)) for line in header_lines]
    probes = list(squeezed)
    # "国务院总理" and "李强" on two lines
    probes += [a + b for a, b in zip(squeezed, squeezed[1:]) if _SPEAKER_TITLE_END.search(a)]
    for line in probes:
        match = _SPEAKER_LINE.match(line)
        if match and not _NOT_SPEAKER.search(match.group(1)):
            return match.group(1)
    # a bare name on the line before "各位代表", right after the meeting line (older national reports)
    for index, line in enumerate(squeezed):
        if line.startswith("各位代表") and index >= 2:
            candidate, before = squeezed[index - 1], squeezed[index - 2]
            if (re.fullmatch(rf"[{_HAN}]{{2,3}}", candidate) and _MEETING_DATE.search(before)
                    and not _NOT_SPEAKER.search(candidate) and not dv.find_mentions(candidate)):
                return candidate
            break
    if resolution_text:
        match = _RESOLUTION_SPEAKER.search(_squeeze(_simplify(resolution_text[:600])))
        if match:
            return match.group(1) or match.group(2)
    return None


def _years_from_headings(lines: list[str]) -> tuple[list[int], list[int]]:
    """Plan years from headings such as "2018年重点工作", and review years (+1) from "2017年工作回顾"."""
    plan, review = [], []
    for line in lines:
        squeezed = _squeeze(line)
        if len(squeezed) > 40 or squeezed.endswith(("。", "；", ";")) or squeezed.startswith(("——", "—")):
            continue
        if _NOT_A_HEADING.search(squeezed) or _MEETING_DATE.search(squeezed):
            continue  # the title ("2017年某区政府工作报告") and the meeting line are signals of their own
        matches = list(_HEADING_YEAR.finditer(squeezed))
        for i, match in enumerate(matches):
            tail = squeezed[match.end(): matches[i + 1].start() if i + 1 < len(matches) else len(squeezed)]
            year = _valid_year(int(match.group(1)))
            if year is None:
                continue
            review_hit, plan_hit = _REVIEW_WORDS.search(tail), _PLAN_WORDS.search(tail)
            if review_hit:
                review.append(year + 1)
            elif plan_hit:
                plan.append(year)
    return plan, review


def _meeting_month(header: str) -> tuple[int, int] | None:
    """(year, month) of a meeting line that gives no day ("——2018年1月在…人民代表大会…"), or ``None``."""
    match = _MEETING_MONTH.search(_squeeze(_simplify(header)))
    if not match:
        return None
    year, month = (_cn_number(g) for g in match.groups())
    return (year, month) if year and month and 1 <= month <= 12 else None


def _year_from_meeting(meeting_date: str | tuple[int, int] | None) -> int | None:
    """Sessions from October to December present next year's plan; January to June this year's."""
    if not meeting_date:
        return None
    if isinstance(meeting_date, tuple):
        year, month = meeting_date
    else:
        year, month = int(meeting_date[:4]), int(meeting_date[5:7])
    if month >= 10:
        return year + 1
    if month <= 6:
        return year
    return None


def _year_from_title(title: str | None) -> int | None:
    """The one year a title names ("2019年…"); the years of a period ("2021-2025年") do not count."""
    if not title:
        return None
    match = _YEAR_IN_TITLE.search(_PERIOD.sub("", _squeeze(_simplify(title))))
    return _valid_year(_cn_number(match.group(1))) if match else None


def _title_period(title: str | None) -> tuple[int, int] | None:
    """The (first, last) years of a period named in a title ("宁波市2021-2025年…" -> (2021, 2025)), or ``None``."""
    match = _PERIOD.search(_squeeze(_simplify(title))) if title else None
    if not match:
        return None
    first, last = (_valid_year(_cn_number(year)) for year in match.groups())
    return (first, last) if first and last else None


def extract_year(text: str, *, title: str | None = None, meeting_date: str | tuple[int, int] | None = None,
                 notes: list[Note] | None = None) -> int | None:
    """The plan year the report is presented for, from headings, the meeting date and the title.

    Signals: the years of plan headings ("2018年重点工作", "2022年工作安排") and of review headings plus one
    ("2017年工作回顾" -> 2018); the meeting date or (year, month) (October-December -> next year); the
    year in the title.
    The value most signals agree on wins (ties: headings, then meeting date, then title); disagreement
    adds a warning to ``notes``.

    Example:
        >>> extract_year("2017年工作回顾\\n……\\n2018年重点工作", meeting_date="2017-12-10")
        2018
    """
    short = (_arabic_years(line) for line in _lines(text) if len(line) <= 60)
    lines = [_simplify(line) for line in short if _HEADING_YEAR.search(line)]
    plan, review = _years_from_headings(lines)
    heading_votes = Counter(plan + review)
    heading_year = None
    if heading_votes:
        best = max(heading_votes.values())
        tied = [y for y, c in heading_votes.items() if c == best]
        heading_year = next((y for y in plan if y in tied), None) or min(tied)
    if heading_year is None:
        resolution = _RESOLUTION_YEAR.search(_squeeze(_simplify(text[:600])))
        heading_year = _valid_year(int(resolution.group(1))) if resolution else None
    signals = {"headings": heading_year, "meeting date": _year_from_meeting(meeting_date),
               "title": _year_from_title(title)}
    present = {k: v for k, v in signals.items() if v is not None}
    if not present:
        return None
    counts = Counter(present.values())
    top = max(counts.values())
    chosen = next(v for v in present.values() if counts[v] == top)
    if len(counts) > 1 and notes is not None:
        detail = ", ".join(f"{k} {v}" for k, v in present.items())
        notes.append(Note("year", "warning", f"year signals disagree ({detail}); chose {chosen}"))
    return chosen


# ------------------------------------------------------------------------------------------------ region
@dataclass(frozen=True)
class _Chain:
    """Adjacent division mentions ("黑龙江省哈尔滨市南岗区") in one header line."""

    mentions: tuple[dv.Mention, ...]
    line: str
    issuer_context: bool


def _chains(line: str, issuer_after: re.Pattern[str] = _ISSUER_AFTER) -> list[_Chain]:
    line = line[:80]  # issuer names sit at the start of header lines; long paragraphs are not headers
    mentions = dv.find_mentions(line)
    chains: list[list[dv.Mention]] = []
    for mention in mentions:
        if chains and chains[-1][-1].end == mention.start:
            chains[-1].append(mention)
        else:
            chains.append([mention])
    result = []
    for chain in chains:
        after = line[chain[-1].end: chain[-1].end + 30]
        result.append(_Chain(tuple(chain), line, bool(issuer_after.match(after))))
    return result


def _specificity(mention: dv.Mention) -> int:
    """County 3, city 2, province 1: the most specific level any division of this name has had."""
    return _level_rank(mention.names)


def _most_specific(mentions: tuple[dv.Mention, ...]) -> dv.Mention:
    """The most specific mention of a chain; of equals the later one, since a chain runs from province to county
    (保定市 and 湖州市 were also county-level cities in the 1980s: in 保定市涞水县 the county is meant)."""
    return max(mentions, key=lambda mention: (_specificity(mention), mention.start))


@lru_cache(maxsize=4096)
def _level_rank(names: tuple[str, ...]) -> int:
    table = dv.load_divisions()
    levels = set(table.loc[table["name"].isin(names), "level"])
    return max(({"province": 1, "city": 2, "county": 3}[lv] for lv in levels), default=0)


def _find_zone(lines: list[str], year: int | None = None) -> str | None:
    """A development zone or new area named as the issuer ("哈尔滨新区管委会", "两江新区第…"), if not a division.

    The zone's name runs back from its suffix to the previous non-Chinese character or 在/经/于/年/日/届.
    Zones that are divisions (浦东新区, 滨海新区) in ``year`` are left to the division lookup.
    """
    for line in lines:
        line = line[:80]
        for match in _ZONE_SUFFIX.finditer(line):
            before = line[: match.start()]
            start = _ZONE_START.match(before)
            name = line[start.end() if start else 0: match.end()]
            if len(name) < 3:
                continue
            if any(m.end == len(name) and m.text not in dv.GENERIC_COUNTY_NAMES and _is_division_in(m, year)
                   for m in dv.find_mentions(name)):
                continue  # the name ends in a division: 上海市浦东新区
            return name
    return None


def _pick_issuer(chains: list[_Chain], title_lines: list[str]) -> _Chain | None:
    """The chain naming the issuing government.

    Chains followed by 人民政府/第…届/人大/年 … qualify. Lines of the meeting or the speaker come first,
    then the title, then other header lines. A province or city is replaced by a county of its own
    named with issuer context elsewhere in the header ("哈尔滨市人民政府 - 南岗区2018年政府工作报告").
    """
    def priority(chain: _Chain) -> int:
        if _MEETING_WORDS.search(chain.line) or _SPEAKER_LINE.match(chain.line):
            return 0
        return 1 if chain.line in title_lines else 2

    candidates = sorted((c for c in chains if c.issuer_context), key=priority)  # stable: keeps line order
    if not candidates:
        return None
    issuer = candidates[0]
    top = _most_specific(issuer.mentions)
    if _specificity(top) < 3:
        for other in candidates[1:]:
            target = _most_specific(other.mentions)
            if _specificity(target) == 3 and any(
                    d.city in top.names or d.province in top.names for n in target.names for d in dv.lookup(n)):
                return other
    return issuer


def _is_division_in(mention: dv.Mention, year: int | None) -> bool:
    divisions = [d for name in mention.names for d in dv.lookup(name)]
    return bool(divisions) and (year is None or any(dv.possibly_valid(d, year) for d in divisions))


def _resolve_region(header: list[str], *, titles: list[str], raw_header: list[str], body: str,
                    year: int | None, notes: list[Note],
                    issuer_after: re.Pattern[str] = _ISSUER_AFTER) -> dict[str, object]:
    """Find the issuing government in the header and resolve it to a division.

    ``issuer_after`` is what must follow a name for it to be the issuer (words such as 人民政府, or a year).
    """
    empty = {"level": None, "region": None, "city": None, "province": None, "adcode": None}
    title_lines = [_squeeze(_simplify(title)) for title in titles]
    lines = title_lines + [_squeeze(_simplify(line)) for line in header]
    lines = [line for line in lines if not _PUBLISHER.search(line)]
    chains = [c for line in lines for c in _chains(line, issuer_after)]
    issuer = _pick_issuer(chains, title_lines)
    zone = _find_zone(lines, year)
    if issuer is None and zone is None and any(_NATIONAL.search(line) for line in lines):
        return {"level": "national", "region": NATIONAL_REGION, "city": None, "province": None,
                "adcode": NATIONAL_ADCODE}
    raw_lines = [_squeeze(_simplify(line)) for line in raw_header]
    if issuer is None and zone is None:
        own_lines = [line for line in raw_lines if not _PUBLISHER.search(line)]
        raw_chains = [c for line in own_lines for c in _chains(line)]
        issuer = _pick_issuer(raw_chains, [])
        if issuer is not None:
            notes.append(Note("region", "info", f"region taken from the raw page header: {issuer.line[:40]}"))
    if issuer is None and zone is None:
        generic = _generic_issuer(lines)
        if generic is not None:
            return _resolve_name(generic, city=None, province=None, context_mentions=[], body=body,
                                 year=year, notes=notes)
        notes.append(Note("region", "warning", "no issuing government (region) found in the report header"))
        return empty

    context_mentions = [m for c in chains for m in c.mentions] + [
        m for line in raw_lines for m in dv.find_mentions(line[:80])]
    if zone is not None and (issuer is None or zone.startswith(issuer.mentions[0].text) or
                             any(m.text in zone for m in (issuer.mentions if issuer else ()))):
        return _zone_region(zone, context_mentions, year, notes)

    target = _most_specific(issuer.mentions)
    parents = [m for m in issuer.mentions if m is not target]
    parent_names = [n for m in parents for n in m.names]
    city = next((n for n in parent_names if dv.lookup(n, level="city") or n in dv.MUNICIPALITIES), None)
    province = next((n for n in parent_names if dv.lookup(n, level="province")), None)
    return _resolve_name(target.names, city=city, province=province, context_mentions=context_mentions,
                         body=body, year=year, notes=notes)


def _generic_issuer(lines: list[str]) -> str | None:
    """A generic district name (城区, 郊区, 矿区, …) used as the issuer: "在城区第十届人民代表大会"."""
    for line in lines:
        match = _GENERIC_ISSUER.search(line[:80])
        if match:
            return match.group(1)
    return None


def _resolve_name(names: str | tuple[str, ...], *, city: str | None, province: str | None,
                  context_mentions: list[dv.Mention], body: str, year: int | None,
                  notes: list[Note]) -> dict[str, object]:
    """Resolve a division name with its named parents, then header/page mentions, then the whole text."""
    resolution = None
    for name in (names,) if isinstance(names, str) else names:
        resolution = dv.resolve_division(name, city=city, province=province, year=year)
        if resolution.division is not None or resolution.candidates:
            break
    assert resolution is not None
    if resolution.division is None and len(resolution.candidates) > 1:
        header_context = " ".join(m.text for m in context_mentions)
        if header_context:
            resolution = dv.resolve_division(resolution.name, year=year, context=header_context)
        if resolution.division is None:
            resolution = dv.resolve_division(resolution.name, year=year, context=body)
    if resolution.note:
        notes.append(Note("region", resolution.severity or "warning", resolution.note))
    division = resolution.division
    if division is None:
        levels = {d.level for d in resolution.candidates}
        level = LEVEL_OF_DIVISION[levels.pop()] if len(levels) == 1 else None
        return {"level": level, "region": resolution.name, "city": None, "province": None, "adcode": None}
    return division_fields(division)


def division_fields(division: dv.Division) -> dict[str, object]:
    """The report columns (level, region, city, province, adcode) of a resolved division.

    Example:
        >>> division_fields(dv.resolve_division("江干区", city="杭州市").division)["adcode"]
        '330104'
    """
    if division.level == "province":
        city = division.name if division.name in dv.MUNICIPALITIES else None
        province = division.name
    elif division.level == "city":
        city, province = division.name, division.province
    else:
        city, province = division.city, division.province
    return {"level": LEVEL_OF_DIVISION[division.level], "region": division.name, "city": city,
            "province": province, "adcode": division.adcode}


def _zone_region(zone: str, mentions: list[dv.Mention], year: int | None, notes: list[Note]) -> dict[str, object]:
    """A 新区/开发区 is not an administrative division: keep its name, no adcode, parents if named."""
    city = province = None
    for mention in mentions:
        if mention.text in dv.GENERIC_COUNTY_NAMES:
            continue
        for name in mention.names:
            division = dv.resolve_division(name, year=year).division
            if division is None:
                continue
            if division.level == "city" and city is None:
                city, province = division.name, division.province
            elif division.level == "province" and province is None:
                province = division.name
                if division.name in dv.MUNICIPALITIES:
                    city = division.name
    notes.append(Note("adcode", "info", f"{zone} is a development zone / new area, not an administrative "
                                        "division: no adcode or level"))
    return {"level": None, "region": zone, "city": city, "province": province, "adcode": None}


# ------------------------------------------------------------------------------------------------ main
def extract_metadata(text: str, *, raw_text: str | None = None, fields: Mapping[str, object] | None = None,
                     file_name: str | None = None) -> tuple[dict[str, object], list[Note]]:
    """Extract the metadata of one report.

    Args:
        text: the clean text (title, meeting line and speaker line kept by cleaning).
        raw_text: the decoded text before cleaning (web page title, "来源：…" lines): a fallback for the
            title and the region, and context to disambiguate district names. Never used for the meeting date.
        fields: metadata from a CSV/JSONL row or a manifest (``title``, ``year``, ``region``, …), used first
            where present and not null.
        file_name: the name of the report's file ("2023年浙江省政府工作报告.txt", "2019_洛阳市.txt"). Where the
            text names no region or gives no year, they are read from it as from a title, with an info note;
            the text wins where it has them.

    Returns:
        ``(metadata, notes)``: ``metadata`` has the keys :data:`METADATA_KEYS` (``None`` where unknown);
        ``notes`` lists what could not be determined or looks doubtful.

    Example:
        >>> meta, notes = extract_metadata("北京市朝阳区2020年政府工作报告\\n各位代表：")
        >>> meta["region"], meta["adcode"], meta["level"], meta["year"]
        ('朝阳区', '110105', 'county', 2020)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    given = {k: v for k, v in (fields or {}).items() if k in METADATA_KEYS and not _is_missing(v)}
    notes: list[Note] = []
    lines = _lines(text)
    header = _header_lines(lines)
    raw_header = _header_lines(_lines(raw_text), max_lines=60) if raw_text else []

    text_title = extract_title(text, raw_text=raw_text)
    html_title = (fields or {}).get("html_title")
    html_title = None if _is_missing(html_title) else _squeeze(str(html_title))[:100]
    titles = list(dict.fromkeys(t for t in (str(given["title"]).strip() if "title" in given else None,
                                            text_title, html_title) if t))
    title = titles[0] if titles else None
    head_text = "\n".join(([title] if title else []) + header[:8])
    doc_type = given.get("doc_type") or _doc_type(title, head_text, notes)

    meeting_date = given.get("meeting_date") or extract_meeting_date("\n".join(header[:8]))
    year = _year_field(given, notes)
    meeting = meeting_date or _meeting_month("\n".join(header[:8]))
    dated_title = next((t for t in titles if _year_from_title(t) is not None), None)
    text_year = extract_year(text, title=dated_title, meeting_date=meeting,
                             notes=notes if year is None else None)
    if year is None:
        year = text_year
    elif text_year is not None and text_year != year:
        notes.append(Note("year", "warning", f"given year {year} differs from the text's plan year {text_year}"))
    name_as_title = _file_name_as_title(file_name) if file_name else None
    if year is None and name_as_title:
        year = _year_from_title(name_as_title)
        if year is not None:
            notes.append(Note("year", "info", f"year {year} taken from the file name {file_name!r}: "
                                              "the text gives no plan year"))
    period = next((p for p in map(_title_period, titles) if p), None)
    if period:
        first, last = period
        if year is None:
            notes.append(Note("year", "warning", f"plan year not found: the title names a period ({first}-{last}), "
                                                 "not one plan year"))
        else:
            notes.append(Note("year", "info", f"the title names a period ({first}-{last}); the plan year is {year}"))

    region = _region_fields(given, header=header, titles=titles, raw_header=raw_header, body=text,
                            year=year, notes=notes)
    if region["region"] is None and name_as_title and not given.keys() & {"region", "adcode"}:
        region = _region_from_file_name(name_as_title, file_name, region, body=text, year=year, notes=notes)
    speaker = given.get("speaker") or extract_speaker(
        header[:10], resolution_text=text if doc_type == "resolution" else None)

    meta: dict[str, object] = {"title": title, "doc_type": doc_type, **region, "year": year,
                               "meeting_date": meeting_date, "speaker": speaker}
    for key, severity, message in (
        ("title", "info", "no title line in the text"),
        ("year", "warning", "plan year not found (no dated headings, meeting date or title year)"),
        ("meeting_date", "info", "meeting date not in the text"),
        ("speaker", "info", "speaker not in the text"),
    ):
        if meta[key] is None and not any(n.field == key for n in notes):
            notes.append(Note(key, severity, message))
    return {k: meta[k] for k in METADATA_KEYS}, notes


#: A bare year in a file name ("2019_洛阳市", "浙江省2023"), not part of a longer number or code ("a2019f").
_BARE_YEAR = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})(?![0-9A-Za-z年])")


def _file_name_as_title(file_name: str) -> str:
    """A file name written like a title: "2019_洛阳市.txt" -> "2019年洛阳市"; bare years get 年, separators go.

    Example:
        >>> _file_name_as_title("2019_洛阳市.txt"), _file_name_as_title("luoyang-2019.txt")
        ('2019年洛阳市', 'luoyang2019年')
    """
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", unicodedata.normalize("NFKC", file_name).strip())
    stem = _BARE_YEAR.sub(r"\1年", stem)
    return re.sub(r"[_\s.·]+|(?<![\d年])-|-(?![\d〇○零一二三四五六七八九])", "", stem)  # keeps "2021-2025年"


def _region_from_file_name(name_as_title: str, file_name: str, found: dict[str, object], *, body: str,
                           year: int | None, notes: list[Note]) -> dict[str, object]:
    """The region named by the file name where the text names none; else ``found`` (the text's empty result)."""
    name_notes: list[Note] = []
    from_name = _resolve_region([], titles=[name_as_title], raw_header=[], body=body, year=year, notes=name_notes,
                                issuer_after=_FILE_NAME_ISSUER_AFTER)
    if from_name["region"] is None:
        return found
    notes[:] = [n for n in notes if not (n.field == "region" and n.severity == "warning")]  # "no issuer found"
    notes.extend(name_notes)
    notes.append(Note("region", "info", f"region {from_name['region']} taken from the file name {file_name!r}: "
                                        "the text names no issuing government"))
    return from_name


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        if pd.isna(value):  # NaN, NA, NaT
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _doc_type(title: str | None, head_text: str, notes: list[Note]) -> str:
    probe = _squeeze(_simplify(" ".join(filter(None, [title, head_text]))))
    if _RESOLUTION.search(probe) or (title and _squeeze(title).endswith("决议")):
        return "resolution"
    if _REPORT_HINT.search(probe):
        return "report"
    notes.append(Note("doc_type", "warning", "does not look like a government work report (no title, "
                                              "no '各位代表' opening)"))
    return "other"


def parse_year(value: object) -> int | None:
    """A year given in a table cell, or ``None`` if the cell holds no year between 1949 and 2100.

    Accepts digits (2021, "2021.0", full-width "２０２１"), Chinese numerals ("二〇二一", "二零二一") and a
    trailing 年 or 年度.

    Example:
        >>> parse_year("二〇二一"), parse_year("２０２１年"), parse_year(2021.0), parse_year("21")
        (2021, 2021, 2021, None)
    """
    if _is_missing(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("年度").removesuffix("年").strip()
    if re.fullmatch(r"\d{4}(?:\.0*)?", text):
        return _valid_year(int(text.split(".")[0]))
    if re.fullmatch(r"[〇○零一二三四五六七八九]{4}", text):
        return _valid_year(_cn_number(text))
    return None


def _year_field(given: Mapping[str, object], notes: list[Note]) -> int | None:
    if "year" not in given:
        return None
    year = parse_year(given["year"])
    if year is None:
        notes.append(Note("year", "error", f"given year {given['year']!r} is not a year between 1949 and 2100"))
    return year


def _region_fields(given: Mapping[str, object], *, header: list[str], titles: list[str],
                   raw_header: list[str], body: str, year: int | None, notes: list[Note]) -> dict[str, object]:
    keys = ("level", "region", "city", "province", "adcode")
    if "adcode" in given and "region" not in given:
        division = dv.by_adcode(str(given["adcode"]), year=year)
        if division is None:
            notes.append(Note("adcode", "warning", f"given adcode {given['adcode']!r} is not a known division code"))
        else:
            return {**division_fields(division), **{k: given[k] for k in keys if k in given}}
    if "region" in given:
        region = str(given["region"])
        if region in (NATIONAL_REGION, "全国", "中国", "国务院", "中华人民共和国"):
            out = {"level": "national", "region": NATIONAL_REGION, "city": None, "province": None,
                   "adcode": NATIONAL_ADCODE}
        else:
            resolution = dv.resolve_division(region, city=_opt(given.get("city")),
                                              province=_opt(given.get("province")), year=year, context=body)
            if resolution.division is not None:
                out = division_fields(resolution.division)
            else:
                if resolution.note:
                    notes.append(Note("region", resolution.severity or "warning", resolution.note))
                out = {"level": None, "region": region, "city": None, "province": None, "adcode": None}
        return {**out, **{k: given[k] for k in keys if k in given}}
    found = _resolve_region(header, titles=titles, raw_header=raw_header, body=body, year=year, notes=notes)
    return {**found, **{k: given[k] for k in keys if k in given}}


def _opt(value: object) -> str | None:
    return None if _is_missing(value) else str(value)
