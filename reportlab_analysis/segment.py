"""Split a clean report into sections, paragraphs and sentences.

A clean report (see :mod:`reportlab_analysis.cleaning`) holds one paragraph per line. Sections are found from the
report's own top-level headings, recognised by general patterns rather than by exact strings:

* ``review``: last year's or the past five years' work ("2017年工作回顾", "一、过去五年工作回顾", "…发展成就…").
* ``plan``: this year's targets and tasks and the five-year plan ("2018年重点工作", "二、未来五年主要任务和2022年工作安排",
  "…总体要求和政策取向", "…发展思路、目标任务").
* ``self_building``: the government's own improvement ("三、切实加强政府自身建设", "加强政府自身建设").
* ``preamble`` (before the first such heading), ``closing`` (the final "各位代表，…" call), ``appendix`` (set aside by
  cleaning), and ``unknown`` where a report has no recognisable headings: an honest fallback, never a guess.

Example:
    >>> [s for s, _ in segment_report("各位代表：\\n一、2017年工作回顾\\n经济平稳增长。\\n二、2018年重点工作\\n稳增长。")]
    ['preamble', 'review', 'review', 'plan', 'plan']
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from .cleaning import simplified

SECTIONS = ("preamble", "review", "plan", "self_building", "closing", "appendix", "unknown")

# A top-level heading: "一、…", "第一部分 …", or an unnumbered short line. Sub-level numbering ("（一）", "1.") never
# starts a new section: those are subheadings inside one.
_TOP_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}(?:部分|章)[、，,:：\s]?)\s*")
_SUB_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[、.．)）]|[①-⑳])")
_SENTENCE_END = re.compile(r"[。！？!?；;]$")
# The caption of a table, figure or box ("表1 2023年主要预期目标", "附表：…", "专栏2 …") names no section.
_CAPTION = re.compile(r"^(?:附?[表图]|专栏|图表)\s*[\d一二三四五六七八九十０-９]*\s*(?:[-－—.．、:：]\s*\d*)?\s")
_MAX_HEADING_CHARS = 48

_SELF_BUILDING = re.compile(
    r"政府(?:自身)?建设|自身建设|建设人民满意的政府|(?:法治|服务型|廉洁|责任)政府建设|政府作风|政风建设|转变政府职能"
)
# An unnumbered line that opens self-building even under numbered section headings (a Word list's lost number).
_SELF_BUILDING_HEADING = re.compile(r"自身建设")
_REVIEW = re.compile(r"回顾|过去(?:的)?(?:一|五|十)?年|(?:发展|主要)?成就|工作总结|(?:一|五)年来的工作")
_PLAN = re.compile(
    r"(?:重点|主要|总体|今后|下一步)(?:工作|任务)|工作(?:安排|部署|任务|重点)|目标(?:任务)?|总体要求|政策取向|发展思路"
    r"|(?:今后|未来)(?:一个时期|五年|几年)|主要任务|奋斗目标|开局工作|今年|(?:\d{4})年(?:的)?(?:工作|任务)"
)
# A paragraph that announces this year's programme ("今年工作的总体要求是：…", "今年要着重做好以下八个方面工作。") opens
# the plan when no heading does (the 2002 State Council report: an unnumbered review heading, then numbered tasks).
_PLAN_ANNOUNCEMENT = re.compile(
    r"(?:今年|本年度?|(?P<year>\d{4})年)(?:政府|全市|全区|全县|全省|全州|全旗)?(?:的)?"
    r"(?:(?:工作|经济社会发展|经济和社会发展|发展)的?(?:总体要求|指导思想|主要预期目标|主要目标|总体思路)(?:是|为)"
    r"|(?:我们)?(?:要|将)?(?:着重|重点|主要|必须)?(?:做好|抓好|突出抓好)(?:以下|下列)?.{0,6}(?:方面|项)的?(?:重点)?(?:工作|任务))"
)
_ANNOUNCEMENT_WITHIN = 20  # the announcement must start near the beginning of its paragraph
_CLOSING_START = re.compile(r"^(?:各位代表[，,:：！!]|让我们)")
_CLOSING_CALL = re.compile(r"让我们|奋斗|努力|开创|谱写|团结")

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’\"」』）)]*|$)")


def heading_section(line: str, *, year: int | None = None) -> str | None:
    """The section a heading line opens, or ``None`` when the line is not a section heading.

    Args:
        line: one paragraph of a clean report.
        year: the report's plan year, when known: "首先报告2001年的工作" in a report for 2002 is a review.

    Example:
        >>> heading_section("二、未来五年主要任务和2022年工作安排")
        'plan'
        >>> heading_section("（一）经济发展趋稳向好") is None
        True
        >>> heading_section("表1 2023年主要预期目标") is None   # a table caption
        True
    """
    text = line.strip()
    if not text or len(text) > _MAX_HEADING_CHARS or _SENTENCE_END.search(text) or _SUB_NUMBER.match(text):
        return None
    if _CAPTION.match(text + " "):
        return None
    numbered = bool(_TOP_NUMBER.match(text))
    body = _TOP_NUMBER.sub("", text)
    # An unnumbered line must be short and contain no sentence punctuation to count as a heading.
    if not numbered and (len(body) > 24 or re.search(r"[，,。：:]", body)):
        return None
    if _SELF_BUILDING.search(body):
        return "self_building"
    review = [m.end() for m in _REVIEW.finditer(body)] + _past_year_positions(body, year)
    plan = [m.end() for m in _PLAN.finditer(body)]
    if review and plan:
        # Both in one heading: whichever comes last names what follows ("…发展成就和2021年工作安排" is plan,
        # "…成就和2020年工作回顾" is review).
        return "plan" if max(plan) > max(review) else "review"
    if review:
        return "review"
    if plan:
        return "plan"
    return None


def _past_year_positions(body: str, year: int | None) -> list[int]:
    """End positions of "YYYY年…工作" mentions of a year before the plan year (a review of that year)."""
    if year is None:
        return []
    return [m.end() for m in re.finditer(r"(\d{4})年(?:的)?(?:国内)?工作", body) if int(m.group(1)) < year]


def announces_plan(paragraph: str, *, year: int | None = None) -> bool:
    """Whether a paragraph opens with the announcement of this year's programme (its requirements or tasks).

    Example:
        >>> announces_plan("根据党中央部署，今年工作的总体要求是：以邓小平理论为指导")
        True
        >>> announces_plan("2017年工作的总体要求是：稳中求进。", year=2018)  # last year's: a review
        False
    """
    head = unicodedata.normalize("NFKC", paragraph[: _ANNOUNCEMENT_WITHIN + 40])
    match = _PLAN_ANNOUNCEMENT.search(head)
    if match is None or match.start() > _ANNOUNCEMENT_WITHIN:
        return False
    return match.group("year") is None or year is None or int(match.group("year")) >= year


def label_paragraphs(paragraphs: list[str], *, year: int | None = None) -> list[str]:
    """Section label for each paragraph of a report body (one label per paragraph).

    A numbered top-level heading that names no section ("二、坚持实行扩大内需的方针") continues the current section,
    except that after a numbered review heading it opens the plan: reports go from review to tasks. A report writes
    its section headings in one style, and a heading-like line of the other style lies below them and changes
    nothing: when the section headings are unnumbered ("2017年工作回顾"), numbered lines below them are subheadings;
    when they are numbered ("二、2024年工作安排"), short unnumbered lines below them are table rows, captions or
    subheadings ("指标\t2024年预期目标", "主要预期目标", "转变政府职能"), and the next numbered heading
    ("三、加强政府自身建设") still opens its section; only an unnumbered "加强政府自身建设" (a number lost from a Word
    list) opens self-building there too. In a review, a paragraph announcing this year's programme
    (:func:`announces_plan`) opens the plan; after it headings of either style open sections (the numbered tasks it
    announces, an unnumbered "加强政府自身建设" after them).

    Traditional-script paragraphs are read in their simplified form (:func:`cleaning.simplified`).

    Example:
        >>> label_paragraphs(["各位代表：", "2017年工作回顾", "增长5%。", "加强政府自身建设", "依法行政。"])
        ['preamble', 'review', 'review', 'self_building', 'self_building']
    """
    paragraphs = [simplified(p) for p in paragraphs]
    sections = [heading_section(p, year=year) for p in paragraphs]
    numbered = [bool(_TOP_NUMBER.match(p.strip())) and _is_heading_shaped(p) for p in paragraphs]
    labels: list[str] = []
    current = "preamble"
    found_heading = False
    opened_by_numbered = False  # was the current section opened by a numbered heading ("一、…")?
    announced = False  # was it opened by an announcement (no heading style yet)?
    for paragraph, section, is_numbered in zip(paragraphs, sections, numbered):
        if section is not None:
            other_style = found_heading and not announced and is_numbered != opened_by_numbered
            if other_style and not (not is_numbered and section == "self_building" != current
                                    and _SELF_BUILDING_HEADING.search(paragraph)):
                # A heading of the other style than the current section's: below it, not a section of its own.
                # Numbered lines under unnumbered sections are subheadings; unnumbered lines under numbered
                # sections are table rows, captions or subheadings ("2024年预期目标" in the plan's targets table).
                pass
            else:
                current, found_heading, opened_by_numbered, announced = section, True, is_numbered, False
        elif is_numbered and opened_by_numbered and current == "review":
            current = "plan"
        elif current == "review" and announces_plan(paragraph, year=year):
            current, opened_by_numbered, announced = "plan", True, True
        labels.append(current)
    if not found_heading:
        # No recognisable structure: say so rather than pretend everything is preamble.
        labels = ["unknown"] * len(paragraphs)
        labels[:_preamble_length(paragraphs)] = ["preamble"] * _preamble_length(paragraphs)
    _mark_closing(paragraphs, labels)
    return labels


def _is_heading_shaped(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= _MAX_HEADING_CHARS and not _SENTENCE_END.search(text)


def _preamble_length(paragraphs: list[str]) -> int:
    """Paragraphs up to and including the opening "现在，我代表…向大会报告工作" when it comes early."""
    for i, para in enumerate(paragraphs[:8]):
        if "向大会报告" in para or "报告工作" in para:
            return i + 1
    return 0


def _mark_closing(paragraphs: list[str], labels: list[str]) -> None:
    """Label the final call ("各位代表，…让我们…奋斗！", or "各位代表！" alone before it, or "结束语") as closing."""
    n = len(paragraphs)
    for i in range(max(n - 5, 0), n):
        para = paragraphs[i]
        following = paragraphs[i + 1] if i + 1 < n else ""
        starts_call = bool(_CLOSING_START.match(para)) and (
            _CLOSING_CALL.search(para) or (len(para) <= 6 and _CLOSING_CALL.search(following))
        )
        if (starts_call or para.strip() == "结束语") and labels[i] != "preamble":
            for j in range(i, n):
                labels[j] = "closing"
            return


def segment_report(text: str, appendix: str = "", *, year: int | None = None) -> list[tuple[str, str]]:
    """``(section, paragraph)`` pairs for a clean report body and its appendix.

    Example:
        >>> segment_report("各位代表：\\n加强政府自身建设\\n依法行政。", "名词解释\\n放管服：…")[-1]
        ('appendix', '放管服：…')
    """
    body = [p for p in (line.strip() for line in text.split("\n")) if p]
    pairs = list(zip(label_paragraphs(body, year=year), body))
    pairs += [("appendix", p) for p in (line.strip() for line in appendix.split("\n")) if p]
    return pairs


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences at 。！？ (closing quotes stay with their sentence).

    Semicolons do not end a sentence: a target list "增长6.5%左右；…" stays one sentence.

    Example:
        >>> split_sentences("经济增长7%。“十三五”开局良好！继续努力")
        ['经济增长7%。', '“十三五”开局良好！', '继续努力']
    """
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def iter_sections(labels: list[str]) -> Iterator[tuple[str, int, int]]:
    """Runs of equal labels as ``(section, start, stop)``.

    Example:
        >>> list(iter_sections(["preamble", "review", "review", "plan"]))
        [('preamble', 0, 1), ('review', 1, 3), ('plan', 3, 4)]
    """
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            yield labels[start], start, i
            start = i
