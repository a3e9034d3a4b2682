"""Sections, paragraphs and sentences: general heading patterns, honest fallbacks."""

import json
from pathlib import Path

import pytest

from reportlab_analysis.segment import heading_section, label_paragraphs, segment_report, split_sentences

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("2017年工作回顾", "review"),
        ("一、2017年政府工作回顾", "review"),
        ("一、过去五年工作回顾", "review"),
        ("一、“十三五”时期发展成就和2020年工作回顾", "review"),
        ("二、未来五年主要任务和2022年工作安排", "plan"),
        ("2018年重点工作", "plan"),
        ("三、2016年主要工作", "plan"),
        ("二、“十三五”时期的发展思路、目标任务", "plan"),
        ("二、2019年经济社会发展总体要求和政策取向", "plan"),
        ("二、对今年政府工作的建议", "plan"),
        ("三、切实加强政府自身建设", "self_building"),
        ("加强政府自身建设", "self_building"),
        ("八、从严治政，加强政府自身建设", "self_building"),
    ],
)
def test_headings_written_in_different_ways_are_recognised(heading, section):
    assert heading_section(heading) == section


@pytest.mark.parametrize(
    "line",
    [
        "（一）经济发展趋稳向好",  # a subheading, not a section
        "一年来，我们坚持稳中求进工作总基调，全面完成年度目标任务。",  # a sentence
        "各位代表：",
        "",
    ],
)
def test_non_headings_open_no_section(line):
    assert heading_section(line) is None


def test_a_past_year_heading_is_review_when_the_plan_year_is_known():
    assert heading_section("首先报告2001年的工作", year=2002) == "review"
    assert heading_section("2002年的工作", year=2002) == "plan"


def test_numbered_topic_headings_after_a_numbered_review_open_the_plan():
    paragraphs = ["各位代表：", "一、1999年国内工作回顾", "增长7.1%。", "二、坚持实行扩大内需的方针", "扩大投资。",
                  "三、加强政府自身建设", "依法行政。"]
    assert label_paragraphs(paragraphs) == ["preamble", "review", "review", "plan", "plan", "self_building", "self_building"]


def test_numbered_subheadings_under_unnumbered_sections_change_nothing():
    paragraphs = ["各位代表:", "2017年工作回顾", "一、贯彻新发展理念,经济发展实力持续增强", "项目48个。",
                  "五、狠抓政风建设,提升政府执行力", "作风整顿。",
                  "2018年重点工作", "一、推进产业建设升级", "新增长。", "加强政府自身建设", "依法行政。"]
    assert label_paragraphs(paragraphs) == ["preamble", "review", "review", "review", "review", "review",
                                            "plan", "plan", "plan", "self_building", "self_building"]


def test_a_paragraph_announcing_this_years_programme_opens_the_plan():
    # The 2002 State Council report: an unnumbered review heading, then the announcement, then numbered tasks.
    record = next(json.loads(line) for line in (DATA / "national" / "national_gwr.jsonl").read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["year"] and int(json.loads(line)["year"]) == 2002)
    pairs = segment_report(record["content"], year=2002)
    sections = [s for s, _ in pairs]
    first_plan = sections.index("plan")
    assert set(sections[2:first_plan]) == {"review"} and "今年工作的总体要求是" in pairs[first_plan][1]
    assert pairs[sections.index("self_building")][1].startswith("七、")  # the numbered tasks are top-level again
    # Made-up reports: the announcement opens the plan only in its own year and near the start of a paragraph.
    body = ["各位代表：", "2017年工作回顾", "增长。", "今年政府工作的总体要求是：稳中求进。", "一、推进产业升级", "新增长。"]
    assert label_paragraphs(body, year=2018) == ["preamble", "review", "review", "plan", "plan", "plan"]
    past = ["各位代表：", "2017年工作回顾", "2017年工作的总体要求是：稳中求进。", "增长。"]
    assert label_paragraphs(past, year=2018) == ["preamble", "review", "review", "review"]
    late = ["各位代表：", "2017年工作回顾", "我们认真落实上级部署，按照省委、市委确定的各项要求和既定的工作思路，今年要着重做好以下八个方面工作的精神扎实推进。"]
    assert label_paragraphs(late, year=2018)[-1] == "review"


def test_report_without_headings_is_unknown_not_guessed():
    paragraphs = ["各位代表：", "现在，我代表国务院向大会报告政府工作。", "一年来经济发展。", "今后要继续努力。"]
    labels = label_paragraphs(paragraphs)
    assert labels[:2] == ["preamble", "preamble"]
    assert set(labels[2:]) == {"unknown"}


def test_closing_call_and_appendix():
    text = "各位代表：\n一、2020年工作回顾\n增长。\n二、2021年工作安排\n稳增长。\n各位代表，让我们团结奋斗，再创佳绩！"
    pairs = segment_report(text, "名词解释\n1.放管服：简政放权。")
    assert [s for s, _ in pairs] == ["preamble", "review", "review", "plan", "plan", "closing", "appendix", "appendix"]


def test_national_reports_of_the_2000s_have_review_then_plan():
    for line in (DATA / "national" / "national_gwr.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not record["year"] or not 2004 <= int(record["year"]) <= 2025:
            continue
        sections = [s for s, _ in segment_report(record["content"], year=int(record["year"]))]
        assert "review" in sections and "plan" in sections, record["title"]
        assert sections.index("review") < sections.index("plan"), record["title"]


def test_sentences_split_at_end_punctuation_and_keep_quotes():
    assert split_sentences("全年增长7%左右；物价涨幅3%。“十三五”开局良好！还要努力") == [
        "全年增长7%左右；物价涨幅3%。", "“十三五”开局良好！", "还要努力"]
    assert split_sentences("") == []


def test_closing_after_a_lone_salutation_or_a_closing_heading():
    body = ["各位代表：", "一、2018年工作回顾", "增长6.6%。", "二、2019年政府工作任务", "稳就业。", "各位代表！",
            "奋斗创造历史，实干成就未来。让我们更加紧密地团结在一起，努力奋斗！"]
    assert label_paragraphs(body)[-2:] == ["closing", "closing"]
    assert label_paragraphs(body[:-2] + ["结束语", "各位代表!", "让我们共同努力！"])[-3:] == ["closing"] * 3


def test_traditional_script_headings_and_closing_are_recognised():
    import opencc

    paragraphs = ["各位代表：", "一、2017年工作回顾", "增长5%。", "二、2018年重点工作", "加快发展。",
                  "三、加强政府自身建设", "依法行政。", "各位代表，让我们团结奋斗！"]
    traditional = [opencc.OpenCC("s2t").convert(p) for p in paragraphs]
    assert traditional[5] == "三、加強政府自身建設"
    assert label_paragraphs(traditional) == label_paragraphs(paragraphs) == [
        "preamble", "review", "review", "plan", "plan", "self_building", "self_building", "closing"]


@pytest.mark.parametrize("caption", ["表1 2023年主要预期目标", "附表 2023年主要目标任务", "专栏2 今年重点工作"])
def test_a_table_caption_naming_targets_opens_no_section(caption):
    paragraphs = ["各位代表：", "一、2022年工作回顾", "增长6%。", "二、2023年工作安排", caption, "地区生产总值增长6%。",
                  "三、加强政府自身建设", "坚持依法行政。"]
    assert label_paragraphs(paragraphs, year=2023) == [
        "preamble", "review", "review", "plan", "plan", "plan", "self_building", "self_building"]


def _numbered_report(plan_lines):
    return (["各位代表：", "一、2023年工作回顾", "全年地区生产总值增长6.2%。", "二、2024年工作安排",
             "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。"] + plan_lines
            + ["（一）建设现代化产业体系。推进三大产业集群。", "三、加强政府自身建设", "坚持依法行政，持续过紧日子。",
               "各位代表，让我们团结奋斗，再创佳绩！"])


@pytest.mark.parametrize(
    "plan_lines",
    [
        ["2024年预期目标"],                                    # a targets table's title alone on a line (.txt)
        ["指标\t2024年预期目标", "地区生产总值增长\t6%左右"],    # the table's header row as a .docx gives it
        ["主要预期目标"],
        ["2024年主要目标任务"],
        ["今年重点工作"],
        ["深化改革 转变政府职能"],                              # a short task line naming the government itself
    ],
)
def test_short_unnumbered_lines_in_a_numbered_plan_do_not_hide_the_next_heading(plan_lines):
    labels = label_paragraphs(_numbered_report(plan_lines), year=2024)
    n = len(plan_lines)
    assert labels == (["preamble", "review", "review", "plan", "plan"] + ["plan"] * n
                      + ["plan", "self_building", "self_building", "closing"])


def test_a_short_unnumbered_line_in_a_numbered_review_opens_no_section():
    paragraphs = ["各位代表：", "一、2023年工作回顾", "2023年主要目标完成情况", "地区生产总值增长6.2%。",
                  "二、2024年工作安排", "稳增长。", "三、加强政府自身建设", "依法行政。"]
    assert label_paragraphs(paragraphs, year=2024) == [
        "preamble", "review", "review", "review", "plan", "plan", "self_building", "self_building"]


def test_unnumbered_section_headings_still_open_sections_after_plan_internal_lines():
    paragraphs = ["各位代表：", "2023年工作回顾", "增长6.2%。", "2024年工作安排", "主要预期目标", "指标\t2024年预期目标",
                  "一、建设现代化产业体系", "新增长。", "加强政府自身建设", "依法行政。"]
    assert label_paragraphs(paragraphs, year=2024) == [
        "preamble", "review", "review", "plan", "plan", "plan", "plan", "plan", "self_building", "self_building"]


def test_a_targets_table_title_in_a_loaded_report_leaves_self_building_its_own(tmp_path):
    from reportlab_analysis import load_corpus

    text = "\n".join(["政府工作报告", "——2024年1月10日在某某区第三届人民代表大会第四次会议上",
                      "各位代表：", "现在，我代表区人民政府向大会报告工作，请予审议。"] + _numbered_report(["2024年预期目标"])[1:])
    (tmp_path / "某某区_2024.txt").write_text(text, encoding="utf-8")
    paras = load_corpus(tmp_path, cache=False).paragraphs()
    sections = dict(zip(paras.text, paras.section))
    assert sections["2024年预期目标"] == "plan"
    assert sections["三、加强政府自身建设"] == sections["坚持依法行政，持续过紧日子。"] == "self_building"


def test_an_unnumbered_self_building_heading_still_opens_its_section():
    """Under numbered section headings an unnumbered "加强政府自身建设" (a Word list's number lost) opens
    self-building, and after a plan opened by an announcement headings of either style open sections; other
    unnumbered lines under numbered headings stay where they are."""
    mixed = ["各位代表：", "一、2023年工作回顾", "增长6%。", "二、2024年工作安排", "稳增长。", "2024年预期目标",
             "扩大内需。", "加强政府自身建设", "依法行政。"]
    assert label_paragraphs(mixed, year=2024) == [
        "preamble", "review", "review", "plan", "plan", "plan", "plan", "self_building", "self_building"]
    announced = ["各位代表：", "2001年工作回顾", "增长7%。", "今年工作的总体要求是：稳中求进。", "一、扩大内需",
                 "消费增长。", "加强政府自身建设", "依法行政。"]
    assert label_paragraphs(announced, year=2002) == [
        "preamble", "review", "review", "plan", "plan", "plan", "self_building", "self_building"]
