"""Tests for reportlab_analysis.metadata: metadata from report headers, on the seeds, the national corpus
and small made-up reports of other regions, levels and years."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportlab_analysis import cleaning
from reportlab_analysis.metadata import METADATA_KEYS, NATIONAL_ADCODE, Note, extract_metadata

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NATIONAL = ROOT / "data" / "national" / "national_gwr.jsonl"

SEED_TABLE = {
    "000": ("南岗区", "哈尔滨市", "黑龙江省", "230103", 2018, "2017-12-10", "宋博岩"),
    "001": ("松北区", "哈尔滨市", "黑龙江省", "230109", 2021, "2021-03-03", "王铁立"),
    "002": ("沙河口区", "大连市", "辽宁省", "210204", 2016, None, None),
    "003": ("江干区", "杭州市", "浙江省", "330104", 2018, "2018-01-19", "楼建忠"),
    "004": ("呼兰区", "哈尔滨市", "黑龙江省", "230111", 2022, None, None),
}
FIELDS = ("region", "city", "province", "adcode", "year", "meeting_date", "speaker")


def _clean(raw: str) -> str:
    """The cleaning helper's clean text where it is implemented, else the raw text."""
    clean_text = getattr(cleaning, "clean_text", None)
    return clean_text(raw).text if clean_text is not None else raw


def _seed(prefix: str) -> str:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _meta(text: str, **kwargs):
    meta, notes = extract_metadata(text, **kwargs)
    assert list(meta) == list(METADATA_KEYS)
    assert all(isinstance(n, Note) and n.severity in {"error", "warning", "info"} for n in notes)
    return meta, notes


# ------------------------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("prefix", sorted(SEED_TABLE))
@pytest.mark.parametrize("variant", ["raw", "clean"])
def test_seed_table(prefix, variant):
    raw = _seed(prefix)
    text = raw if variant == "raw" else _clean(raw)
    meta, notes = _meta(text, raw_text=raw)
    assert tuple(meta[f] for f in FIELDS) == SEED_TABLE[prefix]
    assert meta["level"] == "county" and meta["doc_type"] == "report"
    for field in ("meeting_date", "speaker"):
        if meta[field] is None:
            assert any(n.field == field for n in notes)


def test_seed_003_never_names_hangzhou_in_its_header():
    raw = _seed("003")
    header = raw[: raw.index("各位代表")]
    assert "杭州" not in header
    assert _meta(_clean(raw), raw_text=raw)[0]["city"] == "杭州市"


def test_seed_002_region_does_not_come_from_the_publisher():
    raw = _seed("002")
    assert "大连市政府办公室" in raw
    meta, _ = _meta(raw, raw_text=raw)
    assert meta["region"] == "沙河口区" and meta["level"] == "county"


def test_publication_date_is_not_a_meeting_date():
    text = "2021年松北区人民政府工作报告\n来源:松北区人民政府 发布日期:2021-03-12\n各位代表:\n二、2021年重点工作"
    meta, notes = _meta(text)
    assert meta["meeting_date"] is None and meta["year"] == 2021
    assert any(n.field == "meeting_date" for n in notes)


def test_deterministic():
    raw = _seed("001")
    assert extract_metadata(raw, raw_text=raw) == extract_metadata(raw, raw_text=raw)


# ------------------------------------------------------------------------------------------- national
@pytest.fixture(scope="module")
def national():
    rows = [json.loads(line) for line in NATIONAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row in rows:
        meta, notes = extract_metadata(row["content"], fields={"title": row["title"], "year": row["year"]})
        out.append((row, meta, notes))
    return out


def test_national_corpus_counts_and_years(national):
    assert len(national) == 72
    reports = [m for _, m, _ in national if m["doc_type"] == "report"]
    resolutions = [m for _, m, _ in national if m["doc_type"] == "resolution"]
    assert len(reports) == 52 and len(resolutions) == 20
    years = [m["year"] for m in reports]
    assert min(years) == 1954 and max(years) == 2025 and len(set(years)) == 52
    assert all(m["level"] == "national" and m["region"] == "全国" and m["adcode"] == NATIONAL_ADCODE
               and m["province"] is None and m["city"] is None for _, m, _ in national)
    # every resolution is about a 关于政府工作报告的决议 title
    assert all("决议" in r["title"] for r, m, _ in national if m["doc_type"] == "resolution")


def test_national_header_fields(national):
    by_title = {r["title"]: m for r, m, _ in national}
    r2024 = by_title["2024年中华人民共和国国务院政府工作报告"]
    assert (r2024["meeting_date"], r2024["speaker"]) == ("2024-03-05", "李强")  # "国务院总理　/李　强" over two lines
    r1957 = by_title["1957年中华人民共和国国务院政府工作报告"]  # traditional characters: 會議
    assert (r1957["meeting_date"], r1957["speaker"]) == ("1957-06-26", "周恩来")
    r2025 = by_title["2025年中华人民共和国国务院政府工作报告"]  # text starts at 各位代表: nothing to find
    assert r2025["meeting_date"] is None and r2025["speaker"] is None
    resolution = by_title["第十四届全国人民代表大会第三次会议关于政府工作报告的决议"]
    assert resolution["speaker"] == "李强" and resolution["year"] == 2025


def test_national_year_from_title_and_text_without_fields(national):
    for row, expected, _ in national:
        if expected["doc_type"] != "report" or int(row["year"]) < 2017:
            continue
        meta, _ = extract_metadata(row["content"], fields={"title": row["title"]})
        assert meta["year"] == expected["year"], row["title"]
        assert meta["level"] == "national"
    text = next(r["content"] for r, m, _ in national if m["year"] == 2024 and m["doc_type"] == "report")
    meta, _ = extract_metadata(text)  # no fields at all: title, plan headings and the meeting line
    assert (meta["level"], meta["year"], meta["doc_type"]) == ("national", 2024, "report")


# ------------------------------------------------------------------------------------------- made-up reports
def test_provincial_report():
    text = ("政府工作报告\n——2023年1月15日在浙江省第十四届人民代表大会第一次会议上\n浙江省省长 王浩\n各位代表：\n"
            "现在，我代表省人民政府向大会报告工作。\n一、过去五年工作回顾\n二、2023年主要目标和重点工作")
    meta, _ = _meta(text)
    assert (meta["level"], meta["region"], meta["province"], meta["city"], meta["adcode"]) == \
        ("provincial", "浙江省", "浙江省", None, "330000")
    assert (meta["year"], meta["meeting_date"], meta["speaker"]) == (2023, "2023-01-15", "王浩")


def test_city_report():
    text = ("2020年杭州市政府工作报告\n——2020年4月21日在杭州市第十三届人民代表大会第五次会议上\n"
            "杭州市市长 刘忻\n各位代表：\n一、2019年工作回顾\n二、2020年工作安排")
    meta, _ = _meta(text)
    assert (meta["level"], meta["region"], meta["city"], meta["province"], meta["adcode"]) == \
        ("city", "杭州市", "杭州市", "浙江省", "330100")
    assert meta["speaker"] == "刘忻"


def test_municipality_report():
    meta, _ = _meta("2022年北京市政府工作报告\n——2022年1月6日在北京市第十五届人民代表大会第五次会议上\n"
                    "北京市市长 陈吉宁\n各位代表：")
    assert (meta["level"], meta["region"], meta["city"], meta["province"], meta["adcode"]) == \
        ("provincial", "北京市", "北京市", "北京市", "110000")


def test_county_banner_and_county_level_city():
    county, _ = _meta("政府工作报告\n——2019年1月10日在宾县第十七届人民代表大会第三次会议上\n"
                      "宾县人民政府县长 李四\n各位代表：\n一、2018年工作回顾\n二、2019年工作安排")
    assert (county["region"], county["city"], county["adcode"], county["level"], county["year"]) == \
        ("宾县", "哈尔滨市", "230125", "county", 2019)
    banner, _ = _meta("2018年政府工作报告\n准格尔旗人民政府旗长 某某某\n各位代表：\n二、2018年工作安排")
    assert (banner["region"], banner["city"], banner["adcode"], banner["level"]) == \
        ("准格尔旗", "鄂尔多斯市", "150622", "county")
    wuchang, _ = _meta("五常市2019年政府工作报告\n各位代表：\n二、2019年重点工作")
    assert (wuchang["region"], wuchang["city"], wuchang["adcode"], wuchang["level"]) == \
        ("五常市", "哈尔滨市", "230184", "county")


@pytest.mark.parametrize("title, expected", [
    ("2020年河北省保定市涞水县政府工作报告", ("涞水县", "保定市", "130623")),
    ("2020年浙江省湖州市吴兴区政府工作报告", ("吴兴区", "湖州市", "330502")),
    ("2019年浙江省湖州市安吉县政府工作报告", ("安吉县", "湖州市", "330523")),
    ("2019年浙江省温州市苍南县政府工作报告", ("苍南县", "温州市", "330327")),
])
def test_a_county_after_a_city_that_was_once_county_level(title, expected):
    """保定市 and 湖州市 were also county-level cities under a prefecture in the 1980s; in a title naming province,
    city and county the county is the issuer, not the city."""
    meta, _ = _meta(f"{title}\n各位代表：\n现在，我代表县人民政府向大会报告工作。\n二、2020年工作安排")
    assert (meta["region"], meta["city"], meta["adcode"], meta["level"]) == (*expected, "county")


def test_repeated_district_name_with_city_named():
    text = ("北京市朝阳区政府工作报告\n——2021年1月6日在北京市朝阳区第十六届人民代表大会第六次会议上\n"
            "朝阳区区长 王灏\n各位代表：\n一、2020年工作回顾\n二、2021年工作安排")
    meta, notes = _meta(text)
    assert (meta["region"], meta["city"], meta["adcode"], meta["speaker"]) == ("朝阳区", "北京市", "110105", "王灏")
    assert not [n for n in notes if n.field == "region"]


def test_repeated_district_name_without_city_is_ambiguous():
    text = ("政府工作报告\n——2021年1月6日在朝阳区第十六届人民代表大会第六次会议上\n朝阳区人民政府区长 张三\n"
            "各位代表：\n一、2020年工作回顾\n二、2021年工作安排")
    meta, notes = _meta(text)
    assert meta["region"] == "朝阳区" and meta["adcode"] is None and meta["city"] is None
    assert meta["level"] == "county"  # both candidates are districts
    (note,) = [n for n in notes if n.field == "region"]
    assert note.severity == "warning" and "110105" in note.message and "220104" in note.message


def test_repeated_district_name_resolved_by_body_mentions():
    text = ("政府工作报告\n——2019年1月3日在鼓楼区第十七届人大三次会议上\n鼓楼区人民政府代区长 陈某\n各位代表：\n"
            "在福州市委、市政府的领导下……福州……\n二、2019年工作安排")
    meta, notes = _meta(text)
    assert (meta["adcode"], meta["city"], meta["speaker"]) == ("350102", "福州市", "陈某")
    assert any(n.field == "region" and n.severity == "info" and "福州" in n.message for n in notes)


def test_historical_division_and_anachronism():
    old, notes = _meta("2003年呼兰县政府工作报告\n——2003年2月20日在呼兰县第十四届人民代表大会第一次会议上\n"
                       "呼兰县人民政府县长 某某\n各位代表：\n一、2002年工作回顾")
    assert (old["region"], old["adcode"], old["year"]) == ("呼兰县", "230121", 2003)
    assert not [n for n in notes if n.severity != "info"]
    late, notes = _meta("2024年江干区政府工作报告\n各位代表：\n二、2024年工作安排")
    assert late["adcode"] == "330104"
    assert any(n.field == "region" and n.severity == "warning" and "2024" in n.message for n in notes)


def test_development_zone_has_no_adcode():
    meta, notes = _meta("哈尔滨新区管委会2020年工作报告\n各位代表：\n二、2020年重点工作")
    assert (meta["region"], meta["city"], meta["province"], meta["adcode"], meta["level"]) == \
        ("哈尔滨新区", "哈尔滨市", "黑龙江省", None, None)
    assert any(n.field == "adcode" and "not an administrative division" in n.message for n in notes)


def test_no_region_and_no_year_give_notes_not_guesses():
    meta, notes = _meta("政府工作报告\n各位代表：\n我们要继续努力。")
    assert meta["region"] is None and meta["adcode"] is None and meta["year"] is None
    assert {"region", "year"} <= {n.field for n in notes if n.severity == "warning"}


# ------------------------------------------------------------------------------------------- plan year
def test_december_meeting_presents_next_year():
    meta, notes = _meta("——2017年12月10日在南岗区第十六届人大二次会议上\n南岗区人民政府区长 宋博岩\n各位代表:")
    assert meta["year"] == 2018 and meta["meeting_date"] == "2017-12-10"
    assert meta["title"] is None and any(n.field == "title" for n in notes)


def test_conflicting_year_signals_are_noted():
    text = "2017年某某区政府工作报告\n——2017年12月20日在南岗区第十六届人大二次会议上\n各位代表:\n二、2018年重点工作"
    meta, notes = _meta(text)
    assert meta["year"] == 2018
    assert any(n.field == "year" and n.severity == "warning" and "2017" in n.message for n in notes)


def test_chinese_numeral_meeting_date():
    meta, _ = _meta("政府工作报告\n一九五四年九月二十三日在第一届全国人民代表大会第一次会议上\n各位代表：")
    assert meta["meeting_date"] == "1954-09-23" and meta["level"] == "national"


# ------------------------------------------------------------------------------------------- fields
def test_fields_come_first_and_are_checked():
    raw = _seed("000")
    meta, notes = _meta(raw, fields={"year": "2019", "speaker": "张三", "title": None})
    assert meta["year"] == 2019 and meta["speaker"] == "张三"
    assert any(n.field == "year" and "2018" in n.message for n in notes)
    meta, notes = _meta(raw, fields={"year": "twenty"})
    assert meta["year"] == 2018
    assert any(n.field == "year" and n.severity == "error" and "twenty" in n.message for n in notes)


def test_region_field_is_resolved_with_its_city():
    meta, _ = _meta("政府工作报告\n各位代表：", fields={"region": "鼓楼区", "city": "南京市", "year": 2020})
    assert (meta["adcode"], meta["province"], meta["level"]) == ("320106", "江苏省", "county")
    meta, _ = _meta("政府工作报告\n各位代表：", fields={"adcode": "230121"})
    assert (meta["region"], meta["city"]) == ("呼兰县", "哈尔滨市")


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="text must be a str"):
        extract_metadata(None)  # type: ignore[arg-type]


def test_generic_district_name_as_issuer():
    text = ("政府工作报告\n——2017年1月8日在城区第十届人民代表大会第三次会议上\n城区人民政府区长 某某\n各位代表：\n"
            "在大同市委、市政府领导下，大同……大同\n二、2017年工作安排")
    meta, _ = _meta(text)
    assert (meta["region"], meta["city"], meta["adcode"]) == ("城区", "大同市", "140202")
    # without the city in the text: several 城区, no adcode, a warning naming them
    meta, notes = _meta(text.replace("大同市委、市政府", "区委").replace("大同", ""))
    assert meta["region"] == "城区" and meta["adcode"] is None
    assert any(n.field == "region" and "140202" in n.message and "140502" in n.message for n in notes)


def test_numeric_year_fields_from_tables():
    meta, notes = _meta("政府工作报告\n各位代表：", fields={"year": 2018.0, "region": "南岗区"})
    assert meta["year"] == 2018 and meta["adcode"] == "230103"
    assert not [n for n in notes if n.field == "year"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("政府工作报告区县市省长年月日第届人大会议在各位代表：—\n 0123456789朝阳南岗鼓楼新区")),
               max_size=120) | st.text(max_size=80))
def test_never_raises_on_arbitrary_text(text):
    meta, notes = extract_metadata(text, raw_text=text)
    assert set(meta) == set(METADATA_KEYS)
    assert meta["year"] is None or 1949 <= meta["year"] <= 2100
    assert meta["adcode"] is None or (len(meta["adcode"]) == 6 and meta["adcode"].isdigit())


def test_docstring_examples_hold():
    import doctest

    from reportlab_analysis import metadata

    result = doctest.testmod(metadata, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0


def test_new_areas_that_are_divisions_and_that_are_not():
    pudong, notes = _meta("政府工作报告\n（2020年1月7日在上海市浦东新区第六届人民代表大会第六次会议上）\n"
                          "浦东新区区长 杭迎伟\n各位代表：")
    assert (pudong["region"], pudong["city"], pudong["adcode"], pudong["level"], pudong["speaker"]) == \
        ("浦东新区", "上海市", "310115", "county", "杭迎伟")
    assert not [n for n in notes if n.field in {"region", "adcode"}]
    # 两江新区 has a code only in the 2026 snapshot (absent from every list up to 2020-10): in 2019 it is a zone
    early, notes = _meta("2019年重庆两江新区管委会工作报告\n各位代表：\n二、2019年重点工作")
    assert (early["region"], early["city"], early["adcode"], early["level"]) == ("重庆两江新区", "重庆市", None, None)
    assert any(n.field == "adcode" and "not an administrative division" in n.message for n in notes)
    jinpu, _ = _meta("政府工作报告\n——2020年1月在大连金普新区第一届人民代表大会上\n各位代表：")
    assert (jinpu["region"], jinpu["city"], jinpu["adcode"], jinpu["year"]) == ("大连金普新区", "大连市", None, 2020)


def test_meeting_month_without_day_gives_the_year_only():
    meta, _ = _meta("政府工作报告\n——2018年1月在黑龙江省第十三届人民代表大会第一次会议上\n黑龙江省省长 王文涛\n各位代表：")
    assert (meta["region"], meta["adcode"], meta["speaker"]) == ("黑龙江省", "230000", "王文涛")
    assert meta["year"] == 2018 and meta["meeting_date"] is None


def test_web_page_titles_of_a_city_portal_do_not_win_over_the_district():
    meta, _ = _meta("政府工作报告\n——2018年1月10日在南岗区第十六届人大二次会议上\n各位代表：",
                    fields={"title": "哈尔滨市人民政府-南岗区2018年政府工作报告"})
    assert (meta["region"], meta["adcode"], meta["year"]) == ("南岗区", "230103", 2018)
    meta, _ = _meta("南岗区2018年政府工作报告\n各位代表：", fields={"title": "哈尔滨市人民政府门户网站"})
    assert (meta["title"], meta["region"], meta["year"]) == ("哈尔滨市人民政府门户网站", "南岗区", 2018)


def test_html_title_is_a_fallback_for_title_region_and_year():
    meta, _ = _meta("各位代表：\n现在，我代表区人民政府向大会报告工作",
                    fields={"html_title": "2019年南岗区政府工作报告_哈尔滨市南岗区人民政府"})
    assert (meta["region"], meta["adcode"], meta["year"]) == ("南岗区", "230103", 2019)
    assert meta["title"].startswith("2019年南岗区政府工作报告")


def test_dates_after_the_meeting_and_years_in_chinese_numerals():
    meta, _ = _meta("二〇一九年政府工作报告\n在南岗区第十六届人民代表大会第三次会议上（2019年1月8日）\n各位代表：\n"
                    "一、二〇一八年工作回顾\n二、二〇一九年重点工作")
    assert (meta["meeting_date"], meta["year"], meta["region"]) == ("2019-01-08", 2019, "南岗区")
    plain, notes = _meta("政府工作报告\n各位代表：\n一、二〇一八年工作回顾")
    assert plain["year"] == 2019 and not [n for n in notes if n.field == "year"]


@pytest.mark.parametrize(
    ("meeting", "speaker", "expected"),
    [
        ("在苏州市十七届人大三次会议上", "市长 李亚平", ("苏州市", "320500", "city")),
        ("在广东省十三届人大二次会议上", "省长 马兴瑞", ("广东省", "440000", "provincial")),
        ("在南岗区十六届人大二次会议上", "区长 宋博岩", ("南岗区", "230103", "county")),
        ("在南岗区十六届人民代表大会第二次会议上", "区长 宋博岩", ("南岗区", "230103", "county")),
        ("在苏州市第十七届人大三次会议上", "市长 李亚平", ("苏州市", "320500", "city")),
    ],
)
def test_a_meeting_line_without_di_names_the_issuer(meeting, speaker, expected):
    """'在苏州市十七届人大三次会议上' (no 第 before the session number) is as common as the long form."""
    lines = _seed("000").split("\n")
    assert lines[0].startswith("——2017年12月10日在南岗区第十六届人大二次会议上")
    body = "\n".join(lines[2:]).replace("南岗区", "本区")  # only the meeting line may name the issuer
    text = _clean(f"政府工作报告\n——2017年12月10日{meeting}\n{speaker}\n{body}")
    meta, notes = extract_metadata(text)
    assert (meta["region"], meta["adcode"], meta["level"]) == expected
    assert meta["meeting_date"] == "2017-12-10"
    assert not [n for n in notes if n.field == "region" and n.severity == "warning"]
