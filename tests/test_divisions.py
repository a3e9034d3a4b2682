"""Tests for reportlab_analysis.divisions: the historical division table, lookup and resolution."""

from __future__ import annotations

import re

import pytest

from reportlab_analysis import divisions as dv


@pytest.fixture(scope="module")
def table():
    return dv.load_divisions()


def test_table_shape_and_codes(table):
    assert {"adcode", "name", "level", "province", "city", "listed_from", "listed_to", "current"} <= set(table.columns)
    assert table["adcode"].map(lambda c: bool(re.fullmatch(r"\d{6}", c))).all()
    assert set(table["level"]) == {"province", "city", "county"}
    current = table[table["current"]]
    # 34 province-level units; roughly 2,800-2,900 county-level units today
    assert current["level"].value_counts()["province"] == 34
    assert 2800 <= current["level"].value_counts()["county"] <= 2900
    assert not current["name"].isin(["市辖区", "县", "省直辖县级行政区划"]).any()
    assert (table["listed_from"] <= table["listed_to"]).all()


def test_historical_divisions_are_known(table):
    jianggan = dv.lookup("江干区")
    assert [(d.adcode, d.city, d.province, d.current) for d in jianggan] == [("330104", "杭州市", "浙江省", False)]
    assert jianggan[0].ended == "2021-04-09" and jianggan[0].successor == "上城区"
    # 呼兰县 (230121) became 呼兰区 (230111) in 2004
    hulan_county = dv.by_adcode("230121")
    hulan_district = dv.by_adcode("230111")
    assert hulan_county.name == "呼兰县" and not hulan_county.current
    assert hulan_district.name == "呼兰区" and hulan_district.current
    assert hulan_district.listed_from.startswith("2004")
    assert dv.possibly_valid(hulan_county, 2003) and not dv.possibly_valid(hulan_county, 2010)
    assert not dv.possibly_valid(hulan_district, 1995) and dv.possibly_valid(hulan_district, 2022)


def test_divisions_created_after_2019_are_current():
    qiantang = dv.lookup("钱塘区")
    assert [(d.adcode, d.city) for d in qiantang] == [("330114", "杭州市")]
    assert dv.possibly_valid(qiantang[0], 2022)


def test_short_names():
    assert dv.short_name("黑龙江省") == "黑龙江"
    assert dv.short_name("新疆维吾尔自治区") == "新疆"
    assert dv.short_name("哈尔滨市") == "哈尔滨"
    assert dv.short_name("黔南布依族苗族自治州") == "黔南"
    assert dv.short_name("伊犁哈萨克自治州") == "伊犁"
    assert dv.short_name("阿拉善盟") == "阿拉善"
    assert dv.short_name("宾县", level="county") == "宾县"  # too short to shorten safely
    assert [d.adcode for d in dv.lookup("哈尔滨")] == ["230100"]


def test_repeated_names_resolve_with_city_or_stay_ambiguous():
    chaoyang = dv.resolve_division("朝阳区")
    assert chaoyang.division is None and chaoyang.severity == "warning"
    assert "110105" in chaoyang.note and "220104" in chaoyang.note
    assert dv.resolve_division("朝阳区", city="北京").adcode == "110105"
    assert dv.resolve_division("朝阳区", city="长春市").adcode == "220104"
    assert dv.resolve_division("朝阳区", province="吉林省").adcode == "220104"
    gulou = dv.resolve_division("鼓楼区", province="江苏省")
    assert gulou.division is None and "320106" in gulou.note and "320302" in gulou.note  # 南京 and 徐州
    assert dv.resolve_division("鼓楼区", city="徐州市").adcode == "320302"


def test_context_resolves_only_a_clear_majority():
    body = "在长春市委、市政府的领导下，全区……长春国际汽车城……长春"
    resolved = dv.resolve_division("朝阳区", context=body)
    assert resolved.adcode == "220104" and resolved.severity == "info"
    mixed = "北京冬奥会……长春……北京"
    assert dv.resolve_division("朝阳区", context=mixed).division is None


def test_year_selects_the_right_historical_row():
    # 城区 of 大同 was abolished in 2018 (平城区); the code 140202 named 城区 is not valid in 2023
    assert dv.by_adcode("140202", year=2010).name == "城区"
    chengqu = dv.by_adcode("140202")
    assert dv.possibly_valid(chengqu, 2010) and not dv.possibly_valid(chengqu, 2023)
    assert [d.adcode for d in dv.lookup("平城区") if d.city == "大同市"] == ["140213"]
    assert dv.lookup("呼兰区", year=2022)[0].adcode == "230111"
    unknown = dv.resolve_division("南岗新城")
    assert unknown.division is None and "not a known" in unknown.note


def test_find_mentions_chains_and_generic_names():
    mentions = dv.find_mentions("黑龙江省哈尔滨市南岗区人民政府")
    assert [m.text for m in mentions] == ["黑龙江省", "哈尔滨市", "南岗区"]
    assert [m.text for m in dv.find_mentions("大同市城区人民政府")] == ["大同市", "城区"]
    # 城区 alone is an ordinary word ("urban area"), not a division
    assert dv.find_mentions("老城区改造和城区绿化") == []


def test_lookup_rejects_bad_level():
    with pytest.raises(ValueError, match="level"):
        dv.lookup("南岗区", level="district")


def test_docstring_examples_hold():
    import doctest

    result = doctest.testmod(dv, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0


def test_an_autonomous_prefecture_by_its_everyday_name():
    """Reports and manifests write 延边州, 恩施州, 黔东南州 for 延边朝鲜族自治州 and the like."""
    for everyday, adcode in (("延边州", "222400"), ("恩施州", "422800"), ("黔东南州", "522600")):
        assert [d.adcode for d in dv.lookup(everyday)] == [adcode]
        assert dv.resolve_division(everyday, year=2012).division.adcode == adcode
    assert dv.lookup("延边朝鲜族自治州州") == [] and dv.lookup("南岗州") == []
    # in a report's own header too
    assert [(m.text, m.names) for m in dv.find_mentions("2020年延边州政府工作报告")] == [("延边州", ("延边朝鲜族自治州",))]
    from reportlab_analysis.metadata import extract_metadata

    for header in ("2020年延边州政府工作报告\n各位代表：", "政府工作报告\n——2020年1月在延边州第十五届人民代表大会第四次会议上\n各位代表："):
        assert extract_metadata(header)[0]["adcode"] == "222400"
