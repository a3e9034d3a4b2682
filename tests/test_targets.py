"""Tests for reportlab_analysis.targets: value parsing, target/result separation, the seeds and the national gold.

The gold table tests/data/national_targets_gold.csv was written by reading the State Council reports 2000-2025
(2020 is not in the corpus): every numeric target of the annual "主要预期目标" passage for GDP growth, CPI, new urban
jobs, unemployment (surveyed and registered), energy intensity, grain output and foreign trade, the deficit ratio
from the fiscal-policy paragraph, and the five-year (年均) GDP growth targets. 2000 and 2002 state no numeric target
in the text and have no rows. Each row keeps the sentence the value came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportlab_analysis as ra
from reportlab_analysis.targets import (
    INDICATORS,
    TARGET_COLUMNS,
    achievements_from_sentences,
    classify_sentences,
    compare_with_achievements,
    extract_achievements,
    extract_targets,
    parse_sentence,
    parse_value,
    sentences_from_text,
    target_overview,
    targets_from_sentences,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "national_targets_gold.csv"


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _one(sentence: str, indicator: str) -> pd.Series:
    found = parse_sentence(sentence, indicators=[indicator])
    assert len(found) == 1, f"expected one {indicator} in {sentence!r}, got\n{found}"
    return found.iloc[0]


def _sentences(*rows: tuple[str, str]) -> pd.DataFrame:
    """A sentences table for one document: (section, text) per paragraph."""
    return pd.DataFrame(
        [{"doc_id": "d", "section": section, "para_id": i, "sent_id": 0, "text": text}
         for i, (section, text) in enumerate(rows)]
    )


# ------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "value", "low", "high", "qualifier"),
    [
        ("地区生产总值增长6.5-7%", 6.75, 6.5, 7.0, None),
        ("国内生产总值增长6%－6.5%", 6.25, 6.0, 6.5, None),
        ("地区生产总值增长7.5%左右", 7.5, 7.5, 7.5, "左右"),
        ("地区生产总值增长10%以上", 10.0, 10.0, 10.0, "以上"),
        ("国内生产总值增长８％左右", 8.0, 8.0, 8.0, "左右"),
        ("地区生产总值增长百分之七", 7.0, 7.0, 7.0, None),
        ("地区生产总值增长百分之六点五左右", 6.5, 6.5, 6.5, "左右"),
        ("地区生产总值\n增长 7.5 %\n左右", 7.5, 7.5, 7.5, "左右"),
        ("力争实现地区生产总值同比增长10%左右", 10.0, 10.0, 10.0, "左右"),
        ("今年经济增长预期目标为7%左右", 7.0, 7.0, 7.0, "左右"),
    ],
)
def test_gdp_values_in_their_written_forms(sentence, value, low, high, qualifier):
    row = _one(sentence, "gdp_growth")
    assert (row["value"], row["low"], row["high"]) == (value, low, high)
    assert row["qualifier"] == qualifier
    assert row["unit"] == "%"


def test_qualitative_targets_keep_the_phrase_and_have_no_value():
    synced = _one("城乡居民人均收入与经济增长基本同步", "income_growth")
    assert math.isnan(synced["value"]) and synced["qualifier"] == "与经济增长基本同步"
    assert synced["variant"] == "per_capita"
    doubled = _one("今后五年，一般公共财政预算收入翻一番", "fiscal_revenue_growth")
    assert math.isnan(doubled["value"]) and doubled["qualifier"] == "翻一番"
    assert doubled["period"] == "five_year"


def test_sentences_from_text_labels_sections():
    text = "一、2017年工作回顾\n地区生产总值增长6.9%。\n二、2018年重点工作\n主要预期目标是：地区生产总值增长7%左右。"
    sentences = sentences_from_text(text, doc_id="x")
    assert targets_from_sentences(sentences)["value"].tolist() == [7.0]
    assert achievements_from_sentences(sentences)["value"].tolist() == [6.9]


def test_five_year_against_annual():
    assert _one("地区生产总值年均增长7%", "gdp_growth")["period"] == "five_year"
    assert _one("“十五”期间年均经济增长速度预期目标为7％左右", "gdp_growth")["period"] == "five_year"
    assert _one("地区生产总值增长7%", "gdp_growth")["period"] == "annual"
    # A sentence that only refers to the five-year plan ("与“十四五”规划相衔接") stays annual.
    assert _one("经济增长预期目标为5%左右，并与“十四五”规划目标相衔接", "gdp_growth")["period"] == "annual"
    total = _one("今后五年，地区生产总值总量增长50%", "gdp_growth")
    assert (total["value"], total["variant"], total["period"]) == (50.0, "cumulative", "five_year")
    base = _one("进出口贸易总额一九九○年比一九八五年增长百分之四十", "trade_growth")
    assert (base["value"], base["variant"], base["period"]) == (40.0, "cumulative", "five_year")


def test_accumulated_totals_over_several_years_are_cumulative():
    sentence = ("今后五年政府工作的主要目标是：全省生产总值年均增长7%左右；城镇新增就业累计500万人；"
                "粮食总产量稳定在1200亿斤以上。")
    found = parse_sentence(sentence).set_index("indicator")
    assert found.loc["new_urban_jobs", ["value", "variant", "period"]].tolist() == [500.0, "cumulative", "five_year"]
    assert "累计" in found.loc["new_urban_jobs", "note"]
    assert pd.isna(found.loc["gdp_growth", "variant"])  # 年均 is an annual average, not a total
    # A preface "五年累计，" covers the figures of its sentence.
    energy = _one("五年累计，单位国内生产总值能耗下降19.1%", "energy_intensity_change")
    assert (energy["value"], energy["variant"], energy["period"]) == (-19.1, "cumulative", "five_year")
    # Within one year 累计 is no multi-year total.
    for annual in ("全年累计城镇新增就业1.2万人", "城镇新增就业累计1.2万人"):
        row = _one(annual, "new_urban_jobs")
        assert (row["variant"], row["period"]) == (None, "annual")
    # This year's figure in a sentence about the next five years is annual.
    both = parse_sentence("今后五年累计新增城镇就业50万人，今年新增城镇就业10万人")
    assert both[["value", "variant", "period"]].astype(object).where(both.notna(), None).values.tolist() == [
        [50.0, "cumulative", "five_year"], [10.0, None, "annual"]]


def test_enumerated_indicators_share_the_stated_value():
    found = parse_sentence("地区生产总值、固定资产投资、一般公共预算收入年均增长都为7%,社会销售品零售总额年均增长8%")
    assert found[["indicator", "value"]].values.tolist() == [
        ["gdp_growth", 7.0], ["fixed_asset_investment_growth", 7.0], ["fiscal_revenue_growth", 7.0],
        ["retail_sales_growth", 8.0],
    ]
    assert found["note"].str.count("one value stated for the enumerated indicators").tolist() == [1, 1, 0, 0]


def test_other_indicators_units_signs_and_variants():
    found = parse_sentence(
        "今年发展主要预期目标是：国内生产总值增长5%左右；城镇调查失业率5.5%左右，城镇新增就业1200万人以上；"
        "居民消费价格涨幅2%左右；粮食产量1.4万亿斤左右；单位国内生产总值能耗降低3%左右。"
    ).set_index("indicator")
    assert found.loc["unemployment_rate", "variant"] == "surveyed"
    assert found.loc["new_urban_jobs", ["value", "unit", "qualifier"]].tolist() == [1200.0, "万人", "以上"]
    assert found.loc["cpi", "value"] == 2.0
    assert found.loc["grain_output", ["value", "unit"]].tolist() == [1.4, "万亿斤"]
    assert found.loc["energy_intensity_change", "value"] == -3.0  # a reduction is a negative change
    assert found.loc["gdp_growth", "value"] == 5.0  # "单位国内生产总值能耗" is not a GDP mention
    jobs = _one("全年城镇新增就业2000人以上", "new_urban_jobs")
    assert (jobs["value"], jobs["unit"]) == (0.2, "万人")
    assert "人" in jobs["note"]
    assert _one("城镇新增就业人数不低于900万人", "new_urban_jobs")["qualifier"] == "不低于"


def test_respectively_lists_give_each_indicator_its_own_value():
    found = parse_sentence("城镇居民人均可支配收入和农村居民人均可支配收入分别增长8%和9%")
    assert found[["variant", "value"]].values.tolist() == [["urban", 8.0], ["rural", 9.0]]
    assert found["note"].str.contains("分别").all()
    found = parse_sentence("固定资产投资、社会消费品零售总额和一般公共预算收入分别增长10%、8%")
    assert found["indicator"].tolist() == ["fixed_asset_investment_growth", "retail_sales_growth"]  # no third value
    assert found["value"].tolist() == [10.0, 8.0]
    assert _one("单位国内生产总值能耗和二氧化碳排放分别降低16%和17%", "energy_intensity_change")["value"] == -16.0
    # The indicator's place in the list is unknown: no value rather than a neighbour's.
    assert parse_sentence("二氧化碳排放和单位国内生产总值能耗分别降低17%和16%").empty


@pytest.mark.parametrize(
    ("sentence", "value", "qualifier", "index"),
    [
        ("物价涨幅控制在3%左右", 3.0, "左右", False),
        ("居民消费价格涨幅3%左右", 3.0, "左右", False),
        ("居民消费价格总水平涨幅控制在3.5%以内", 3.5, "以内", False),
        ("居民消费价格指数控制在103左右", 3.0, "左右", True),
        ("居民消费价格指数控制在103%以内", 3.0, "以内", True),
        ("全年居民消费价格指数为99.3", -0.7, None, True),
        ("居民消费价格指数上涨2%", 2.0, None, False),
        ("居民消费价格指数从105.9回落到102.5", 2.5, None, True),  # the index after the change, as a change
    ],
)
def test_price_wordings_and_price_indices(sentence, value, qualifier, index):
    row = _one(sentence, "cpi")
    assert row["value"] == pytest.approx(value) and row["qualifier"] == qualifier
    assert ("previous year = 100" in (row["note"] or "")) == index


def test_price_deflators_retail_prices_and_quoted_plans_are_not_consumer_prices():
    assert parse_sentence("农村居民人均纯收入达到1220元，扣除物价因素比上年增长百分之五", indicators=["cpi"]).empty
    assert parse_sentence("全年零售物价上涨百分之二点九", indicators=["cpi"]).empty
    quoted = _sentences(("review", "去年政府工作报告提出，物价涨幅要从14.8%降到10%左右，实际回落到6.1%。"))
    assert achievements_from_sentences(quoted, indicators=["cpi"]).empty
    # 提出 inside a phrase and 要 inside 主要 quote nothing: the outcome stands
    stated = _sentences(("review", "按照市委提出的部署，全区主要经济指标地区生产总值增长8.5%。"))
    assert achievements_from_sentences(stated, indicators=["gdp_growth"])["value"].tolist() == [8.5]


def test_deficit_ratio_reads_the_new_value_not_last_years():
    assert _one("今年拟安排财政赤字1.62万亿元，赤字率从去年的2.1%提高到2.3%。", "deficit_ratio")["value"] == 2.3
    row = _one("全国财政赤字合计9500亿元，占国内生产总值比重在3%以内，累计国债余额占国内生产总值比重20%左右", "deficit_ratio")
    assert (row["value"], row["qualifier"]) == (3.0, "以内")


def test_shares_of_gdp_and_levels_are_not_growth_rates():
    assert parse_sentence("数字经济核心产业增加值占国内生产总值比重达到10%左右", indicators=["gdp_growth"]).empty
    assert parse_sentence("人均国内生产总值增长6%", indicators=["gdp_growth"]).empty
    assert parse_sentence("地区生产总值达到595亿元", indicators=["gdp_growth"]).empty
    row = _one("国内生产总值超过126万亿元，增长5.2%", "gdp_growth")
    assert (row["value"], row["qualifier"]) == (5.2, None)


def test_parse_value_rejects_what_is_not_a_value():
    assert parse_value("增长") is None
    assert parse_value("6.5至") is not None and parse_value("6.5至")["value"] == 6.5
    assert parse_value("6.5%-7%")["high"] == 7.0


@settings(max_examples=60, deadline=None)
@given(
    tenths=st.integers(min_value=5, max_value=150),
    qualifier=st.sampled_from(["", "左右", "以上", "以内"]),
    full_width=st.booleans(),
    spaces=st.booleans(),
)
def test_any_written_target_reads_back(tenths, qualifier, full_width, spaces):
    number = f"{tenths / 10:g}"
    text = f"地区生产总值增长{number}%{qualifier}"
    if full_width:
        text = text.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    if spaces:
        text = text.replace("增长", "增长 \n")
    row = _one(text, "gdp_growth")
    assert row["value"] == pytest.approx(tenths / 10)
    assert row["qualifier"] == (qualifier or None)


# ------------------------------------------------------------------------------------------------
# Targets against results
# ------------------------------------------------------------------------------------------------
def test_review_figures_are_achievements_never_targets():
    sentences = _sentences(
        ("review", "全年地区生产总值增长6.9%，城镇登记失业率控制在3.1%以内。"),
        ("plan", "今年主要预期目标是：地区生产总值增长7%左右，城镇登记失业率控制在4%以内。"),
    )
    targets = targets_from_sentences(sentences)
    assert targets[["indicator", "value"]].values.tolist() == [["gdp_growth", 7.0], ["unemployment_rate", 4.0]]
    assert set(targets["section"]) == {"plan"}
    achieved = achievements_from_sentences(sentences)
    assert achieved[["indicator", "value"]].values.tolist() == [["gdp_growth", 6.9], ["unemployment_rate", 3.1]]


def test_unknown_sections_rely_on_local_cues():
    sentences = _sentences(
        ("unknown", "去年地区生产总值增长了6.8%。"),
        ("unknown", "一年来，我们攻坚克难。地区生产总值增长6.5%。"),
        ("unknown", "今年经济社会发展的主要预期目标是："),
        ("unknown", "地区生产总值增长7%左右；居民消费价格涨幅3%左右。"),
        ("unknown", "力争固定资产投资增长10%以上。"),
    )
    kinds = classify_sentences(sentences)["kind"].tolist()
    assert kinds[0] == "achievement" and kinds[1] == "achievement"
    targets = targets_from_sentences(sentences)
    assert targets[["indicator", "value"]].values.tolist() == [
        ["gdp_growth", 7.0], ["cpi", 3.0], ["fixed_asset_investment_growth", 10.0]
    ]
    assert 6.8 not in targets["value"].tolist() and 6.5 not in targets["value"].tolist()


def test_a_restated_target_is_kept_once():
    sentences = _sentences(
        ("plan", "今年发展主要预期目标是：国内生产总值增长5%左右。"),
        ("plan", "经济增长预期目标为5%左右，既是稳就业的需要，也有条件支撑。"),
    )
    targets = targets_from_sentences(sentences, indicators=["gdp_growth"])
    assert len(targets) == 1 and targets["para_id"].iat[0] == 0


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="indicators: unknown indicator"):
        parse_sentence("地区生产总值增长7%", indicators=["gdp"])
    with pytest.raises(ValueError, match="missing column"):
        targets_from_sentences(pd.DataFrame({"text": ["地区生产总值增长7%"]}))
    with pytest.raises(TypeError, match="corpus: expected a reportlab_analysis Corpus"):
        extract_targets(pd.DataFrame())


# ------------------------------------------------------------------------------------------------
# The seeds
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds():
    return ra.load_corpus(ROOT / "data" / "raw")


@pytest.fixture(scope="module")
def seed_targets(seeds):
    return extract_targets(seeds)


def _gdp(targets: pd.DataFrame, region: str, period: str) -> pd.DataFrame:
    chosen = (targets["region"] == region) & (targets["indicator"] == "gdp_growth") & (targets["period"] == period)
    return targets[chosen]


def test_seed_gdp_targets(seed_targets):
    assert list(seed_targets.columns[:3]) == ["doc_id", "region", "city"]
    assert set(TARGET_COLUMNS) <= set(seed_targets.columns)
    songbei = _gdp(seed_targets, "松北区", "annual")  # 2021
    assert songbei[["value", "qualifier"]].values.tolist() == [[10.0, "左右"]]
    shahekou = _gdp(seed_targets, "沙河口区", "annual")  # 2016
    assert shahekou[["value", "low", "high"]].values.tolist() == [[6.75, 6.5, 7.0]]
    assert _gdp(seed_targets, "沙河口区", "five_year")["value"].tolist() == [7.0]
    jianggan = _gdp(seed_targets, "江干区", "annual")  # 2018
    assert jianggan[["value", "qualifier"]].values.tolist() == [[7.5, "左右"]]
    # 南岗区 (2018) and 呼兰区 (2022) set no annual GDP growth target; 呼兰区 states a five-year total of 50%.
    assert _gdp(seed_targets, "南岗区", "annual").empty
    assert _gdp(seed_targets, "呼兰区", "annual").empty
    hulan = _gdp(seed_targets, "呼兰区", "five_year")
    assert hulan[["value", "variant"]].values.tolist() == [[50.0, "cumulative"]]


def test_seed_targets_come_from_the_plan_and_quote_their_sentence(seeds, seed_targets):
    assert (seed_targets["section"] != "review").all()
    for phrase, sentence in zip(seed_targets["phrase"], seed_targets["sentence"]):
        assert phrase in _fold(sentence)
    # 沙河口区 reports 2015 results (失业率控制在2.7%以内) in its review: an achievement, not a target.
    achieved = extract_achievements(seeds)
    shahekou_unemployment = achieved[(achieved["region"] == "沙河口区") & (achieved["indicator"] == "unemployment_rate")]
    assert 2.7 in shahekou_unemployment["value"].tolist()
    assert 2.7 not in seed_targets.loc[seed_targets["indicator"] == "unemployment_rate", "value"].tolist()


def test_extraction_is_deterministic(seeds, seed_targets):
    pd.testing.assert_frame_equal(extract_targets(seeds), seed_targets)


# ------------------------------------------------------------------------------------------------
# The national gold table
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def national():
    return ra.load_national_corpus()


@pytest.fixture(scope="module")
def national_targets(national):
    return extract_targets(national)


def _key(frame: pd.DataFrame) -> pd.Series:
    columns = ["year", "indicator", "variant", "period", "value", "low", "high", "qualifier"]
    frame = frame.astype({"variant": object, "qualifier": object})
    frame = frame.assign(variant=frame["variant"].where(frame["variant"].notna(), ""),
                         qualifier=frame["qualifier"].where(frame["qualifier"].notna(), ""))
    keys = [
        f"{int(year)}|{indicator}|{variant}|{period}|{value:.3f}|{low:.3f}|{high:.3f}|{qualifier}"
        for year, indicator, variant, period, value, low, high, qualifier in frame[columns].itertuples(index=False)
    ]
    return pd.Series(keys, index=frame.index)


def test_national_gold_table_is_matched(national_targets):
    gold = pd.read_csv(GOLD, dtype={"variant": str, "qualifier": str})
    assert len(gold) >= 100 and set(gold["indicator"]) >= {
        "gdp_growth", "cpi", "new_urban_jobs", "unemployment_rate", "deficit_ratio"
    }
    assert set(gold["indicator"]) <= set(INDICATORS)
    extracted = national_targets.assign(key=_key(national_targets))
    matched = 0
    for key, sentence in zip(_key(gold), gold["sentence"]):
        hits = extracted[extracted["key"] == key]
        # The row must come from the gold sentence (the splitter may cut it shorter, never elsewhere).
        if any(_fold(s) in _fold(sentence) or _fold(sentence) in _fold(s) for s in hits["sentence"]):
            matched += 1
    assert matched / len(gold) >= 0.95, f"matched {matched} of {len(gold)} gold rows"


def test_national_targets_never_come_from_the_review(national_targets):
    assert (national_targets["section"] != "review").all()
    chosen = (national_targets["indicator"] == "gdp_growth") & (national_targets["period"] == "annual")
    annual_gdp = national_targets[chosen]
    recent = annual_gdp[annual_gdp["year"] >= 2000]
    # One annual GDP target per report at most, and every one inside the range China has ever set (5-8%).
    assert not recent.duplicated("doc_id").any()
    assert recent["value"].between(5, 8).all()
    assert set(recent["year"]) >= set(range(2003, 2026)) - {2020}


def test_targets_against_next_years_outcome(national, national_targets):
    outcomes = extract_achievements(national, indicators=["gdp_growth"])
    assert (outcomes["section"] != "plan").sum() >= len(outcomes) * 0.8  # results come from the reviews
    comparison = compare_with_achievements(national_targets, outcomes).set_index("year")
    # 2016: target 6.5-7%, the 2017 report states 6.7%; 2022: 5.5% 左右, the 2023 report states 3%.
    assert comparison.loc[2016, ["target_low", "target_high", "achieved"]].tolist() == [6.5, 7.0, 6.7]
    assert comparison.loc[2022, "gap"] == pytest.approx(-2.5)
    assert "3%" in comparison.loc[2022, "achieved_sentence"]
    # No 2020 report in the corpus: the 2019 target has no outcome, and nothing is made up.
    assert math.isnan(comparison.loc[2019, "achieved"])
    overview = target_overview(national_targets[national_targets["period"] == "annual"])
    assert overview.loc[("全国", "", 2016), "gdp_growth"] == "6.5-7"
    assert overview.loc[("全国", "", 2024), "unemployment_rate (surveyed)"] == "5.5 左右"


def test_a_clause_about_last_year_is_not_a_target_even_in_the_plan():
    sentences = _sentences(
        ("plan", "去年城镇登记失业率为3.2%，今年要控制在3.5%以内。"),
        ("plan", "今年地区生产总值比去年增长7%左右。"),
    )
    targets = targets_from_sentences(sentences)
    assert targets[["indicator", "value"]].values.tolist() == [["gdp_growth", 7.0]]


def test_without_section_labels_local_cues_still_find_the_gold(national):
    """Reports whose headings are not recognised (every section "unknown") rely on local cues alone."""
    sentences = national.sentences(metadata=["year"], include_appendix=False).assign(section="unknown")
    targets = targets_from_sentences(sentences).merge(sentences[["doc_id", "year"]].drop_duplicates(), on="doc_id")
    gold = pd.read_csv(GOLD, dtype={"variant": str, "qualifier": str})
    matched = _key(gold).isin(set(_key(targets))).mean()
    assert matched >= 0.95, f"matched {matched:.0%} of the gold rows"
    chosen = (targets["indicator"] == "gdp_growth") & (targets["period"] == "annual") & (targets["year"] >= 2000)
    recent_gdp = targets[chosen]
    assert recent_gdp["value"].between(5, 8).all(), recent_gdp[["year", "value", "phrase"]]


def test_a_traditional_script_report_gives_the_same_targets_and_sections_as_its_simplified_text(tmp_path):
    import opencc

    simple = (ROOT / "data" / "raw" / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(simple)
    assert traditional != simple and "加強政府自身建設" in traditional
    (tmp_path / "simplified").mkdir()
    (tmp_path / "traditional").mkdir()
    (tmp_path / "simplified" / "r.txt").write_text(simple, encoding="utf-8")
    (tmp_path / "traditional" / "r.txt").write_bytes(traditional.encode("big5", errors="replace"))
    both = {name: ra.load_corpus(tmp_path / name, cache=False) for name in ("simplified", "traditional")}
    found = {name: extract_targets(corpus) for name, corpus in both.items()}
    assert len(found["simplified"]) >= 3
    columns = ["indicator", "section", "value", "low", "high"]
    pd.testing.assert_frame_equal(found["traditional"][columns], found["simplified"][columns])
    sections = {name: corpus.paragraphs()["section"].value_counts() for name, corpus in both.items()}
    assert sections["traditional"]["self_building"] == sections["simplified"]["self_building"] > 0
    assert sections["traditional"]["review"] == sections["simplified"]["review"]


@pytest.mark.parametrize(
    ("sentence", "urban", "rural", "qualifier"),
    [
        ("城乡居民人均可支配收入分别增长5.8%和7.2%。", 5.8, 7.2, None),
        ("城乡居民收入分别增长6%和7%左右。", 6.0, 7.0, "左右"),
        ("城镇和农村居民人均可支配收入分别增长8%和9%。", 8.0, 9.0, None),
        ("城镇居民和农村居民人均可支配收入分别增长8%、9%。", 8.0, 9.0, None),
    ],
)
def test_town_and_country_income_pairs_give_an_urban_and_a_rural_target(sentence, urban, rural, qualifier):
    found = parse_sentence(sentence, indicators=["income_growth"])
    assert found["variant"].tolist() == ["urban", "rural"]
    assert found["value"].tolist() == [urban, rural]
    assert [q if isinstance(q, str) else None for q in found["qualifier"]] == [qualifier, qualifier]
    assert found["phrase"].iloc[0].startswith(("城乡", "城镇"))


@pytest.mark.parametrize(
    ("sentence", "variants", "values"),
    [
        ("城乡常住居民人均可支配收入分别增长7%和8%", ["urban", "rural"], [7.0, 8.0]),
        ("城乡居民人均收入分别增长6.5%和7.5%", ["urban", "rural"], [6.5, 7.5]),
        ("城镇和农村常住居民人均可支配收入分别增长7.5%和8.5%", ["urban", "rural"], [7.5, 8.5]),
        ("农村和城镇居民人均可支配收入分别增长9%和8%", ["rural", "urban"], [9.0, 8.0]),
        ("城镇和农村常住居民人均可支配收入分别达到52000元和28000元，分别增长5%和7%", ["urban", "rural"], [5.0, 7.0]),
    ],
)
def test_town_and_country_pairs_in_other_wordings(sentence, variants, values):
    found = parse_sentence(sentence, indicators=["income_growth"])
    assert found["variant"].tolist() == variants
    assert found["value"].tolist() == values
    # The same sentence in a review gives the same pair as achievements.
    achieved = achievements_from_sentences(_sentences(("review", f"去年{sentence}。")))
    assert achieved["value"].tolist() == values


def test_a_town_and_country_subject_with_one_value_gives_no_per_capita_row():
    assert parse_sentence("城乡常住居民人均可支配收入分别增长7%", indicators=["income_growth"]).empty
    single = _one("城乡常住居民人均可支配收入增长7%", "income_growth")
    assert (single["variant"], single["value"]) == ("per_capita", 7.0)


def test_a_respectively_list_across_clauses_is_not_given_to_its_last_subject_alone():
    # 11.7% belongs to 财政总收入, named in the clause before: neither value may go to 地方一般公共预算收入.
    found = parse_sentence("财政总收入159亿元,其中地方一般公共预算收入88亿元,分别增长11.7%、8.6%")
    assert found.empty
    listed = parse_sentence("财政总收入和一般公共预算收入分别增长6%和5%")
    assert listed["value"].tolist() == [6.0, 5.0]
    assert listed["phrase"].iloc[1] == "一般公共预算收入分别增长6%和5%"


def test_figure_year_is_the_plan_year_for_targets_and_the_year_before_for_achievements(seeds):
    found = {"targets": extract_targets(seeds), "achievements": extract_achievements(seeds)}
    for kind, shift in (("targets", 0), ("achievements", 1)):
        table = found[kind]
        annual = table[table["period"] == "annual"]
        assert len(annual) > 0 and (annual["figure_year"] == annual["year"] - shift).all()
        assert table.loc[table["period"] == "five_year", "figure_year"].isna().all()
        assert table.columns.tolist().index("figure_year") == table.columns.tolist().index("year") + 1


# ------------------------------------------------------------------------------------------------
# Reports across years: measures and places
# ------------------------------------------------------------------------------------------------
_REPORT = """政府工作报告
——{year}年1月8日在{place}第三届人民代表大会第{session}次会议上
区长 某某
各位代表：
现在，我代表区人民政府向大会报告工作，请予审议。
一、{last}年工作回顾
{last}年，{review}
我们坚持稳中求进，营商环境持续优化，民生保障有力有效。
二、{year}年主要目标任务
今年全区经济社会发展的主要预期目标是：{plan}
重点抓好以下工作：推进产业转型升级；扩大有效投资；保障和改善民生。
三、加强政府自身建设
坚持依法行政，加强廉洁政府建设。
"""


def _write_report(folder: Path, name: str, place: str, year: int, review: str, plan: str) -> None:
    folder.mkdir(exist_ok=True)
    text = _REPORT.format(place=place, year=year, last=year - 1, session=year - 2020, review=review, plan=plan)
    (folder / name).write_text(text, encoding="utf-8")


def test_targets_are_compared_with_outcomes_of_the_same_variant(tmp_path):
    _write_report(tmp_path, "nt2023.txt", "南通市通州区", 2023, "全区地区生产总值增长3%，城镇登记失业率1.9%。",
                  "地区生产总值增长6%；城乡居民人均可支配收入分别增长6%和7%；城镇调查失业率控制在5%以内。")
    _write_report(tmp_path, "nt2024.txt", "南通市通州区", 2024,
                  "全区地区生产总值增长5.5%，城镇居民人均可支配收入增长5.1%，全体居民人均可支配收入增长5.8%，"
                  "城镇登记失业率1.8%。",
                  "地区生产总值增长5.5%左右；城镇调查失业率控制在5%以内。")
    corpus = ra.load_corpus(tmp_path, cache=False)
    targets, outcomes = extract_targets(corpus), extract_achievements(corpus)
    jobs = compare_with_achievements(targets, outcomes, indicator="unemployment_rate")
    # The surveyed target is not met by the registered rate: no outcome rather than a wrong one.
    assert jobs["variant"].tolist() == ["surveyed", "surveyed"]
    assert jobs["achieved"].isna().all()
    income = compare_with_achievements(targets, outcomes, indicator="income_growth")
    assert income[["year", "variant", "target"]].values.tolist() == [[2023, "urban", 6.0], [2023, "rural", 7.0]]
    # The urban target meets the urban figure, not the per-capita one stated after it; no rural figure is given.
    assert income["achieved"].iloc[0] == 5.1 and math.isnan(income["achieved"].iloc[1])
    gdp = compare_with_achievements(targets, outcomes)
    assert gdp.loc[gdp["year"] == 2023, "achieved"].tolist() == [5.5]


def test_places_of_one_name_in_different_cities_are_kept_apart(tmp_path):
    for place, adcode_city, values in (("北京市通州区", "北京市", ("7%左右", "4%", "6%左右")),
                                       ("南通市通州区", "南通市", ("6%", "5.5%", "5.5%左右"))):
        first, achieved, second = values
        _write_report(tmp_path, f"{adcode_city}2023.txt", place, 2023, "全区地区生产总值增长3%。",
                      f"地区生产总值增长{first}。")
        _write_report(tmp_path, f"{adcode_city}2024.txt", place, 2024, f"全区地区生产总值增长{achieved}。",
                      f"地区生产总值增长{second}。")
    corpus = ra.load_corpus(tmp_path, cache=False)
    assert corpus.reports["adcode"].nunique() == 2 and corpus.reports["region"].nunique() == 1
    targets, outcomes = extract_targets(corpus), extract_achievements(corpus)
    comparison = compare_with_achievements(targets, outcomes)
    assert len(comparison) == 4
    by_city = comparison[comparison["year"] == 2023].set_index("city")
    # Each district's 2023 target meets its own 2024 review, not the other district's.
    assert by_city.loc["北京市", ["target", "achieved"]].tolist() == [7.0, 4.0]
    assert by_city.loc["南通市", ["target", "achieved"]].tolist() == [6.0, 5.5]
    overview = target_overview(targets)
    assert overview.loc[("通州区", "北京市", 2024), "gdp_growth"] == "6 左右"
    assert overview.loc[("通州区", "南通市", 2024), "gdp_growth"] == "5.5 左右"
    assert set(comparison["place"]) == {"北京市通州区", "南通市通州区"}
    figure = ra.targets.plot_target_series(comparison)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert "北京市通州区 目标 target" in labels and "南通市通州区 目标 target" in labels


def test_a_series_with_two_variants_draws_one_line_per_variant(national_targets, national):
    # registered and surveyed unemployment targets of the same years: two lines, named, and no crash on the
    # repeated years (the plot reindexed each place's years and failed on duplicates)
    comparison = compare_with_achievements(national_targets, extract_achievements(national),
                                           indicator="unemployment_rate")
    assert {"registered", "surveyed"} <= set(comparison["variant"])
    figure = ra.targets.plot_target_series(comparison)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert {"全国 (registered) 目标 target", "全国 (surveyed) 目标 target"} <= set(labels)
    for line in figure.axes[0].get_lines():
        years = list(line.get_xdata())
        assert years == sorted(set(years))  # one point per year on every line


def test_the_overview_keeps_plan_period_targets_apart_from_the_years(seed_targets):
    overview = target_overview(seed_targets)
    shahekou = overview.xs(("沙河口区", "大连市", 2016))
    # the annual target (6.5-7) and the five-year one (7) in their own columns, not whichever came first
    assert shahekou["gdp_growth"] == "6.5-7" and shahekou["gdp_growth [five_year]"] == "7"
    annual_only = target_overview(seed_targets[seed_targets["period"] == "annual"])
    assert not any("[five_year]" in column for column in annual_only.columns)
    assert annual_only.xs(("沙河口区", "大连市", 2016))["gdp_growth"] == "6.5-7"


def test_review_figures_stated_as_estimates_are_marked():
    sentences = _sentences(
        ("review", "今年以来，全县地区生产总值预计增长7.5%，财政总收入增长12%，城镇新增就业6500人。"),
        ("review", "经初步测算，城乡居民人均可支配收入分别增长7%和8%。"),
        ("review", "全年社会消费品零售总额增长9%。"),
    )
    achieved = achievements_from_sentences(sentences)
    estimated = achieved["note"].fillna("").str.contains("estimate")
    # 预计 covers the figures after it in its sentence, and each row of a 分别 pair.
    assert achieved.loc[estimated, "value"].tolist() == [7.5, 12.0, 0.65, 7.0, 8.0]
    assert achieved.loc[~estimated, "indicator"].tolist() == ["retail_sales_growth"]
    assert achieved.loc[achieved["indicator"] == "income_growth", "note"].str.contains("分别").all()
    # better or worse than expected (好于预计, 超出预计) is a final figure compared with an estimate
    for sentence in ("全年经济运行好于预计，地区生产总值增长7.2%。", "财政收入超出预计，增长12%。"):
        row = achievements_from_sentences(_sentences(("review", sentence))).iloc[0]
        assert "estimate" not in (row["note"] or "")


def test_reports_of_unknown_place_are_not_paired_with_each_other(tmp_path):
    _write_report(tmp_path, "x2023.txt", "南通市通州区", 2023, "全区地区生产总值增长3%。", "地区生产总值增长6.5%左右。")
    _write_report(tmp_path, "x2024.txt", "南通市通州区", 2024, "全区地区生产总值增长7%。", "地区生产总值增长6%左右。")
    for name in ("x2023.txt", "x2024.txt"):  # the same reports with the place taken out of their headers
        path = tmp_path / name
        path.write_text(path.read_text(encoding="utf-8").replace("南通市通州区", ""), encoding="utf-8")
    corpus = ra.load_corpus(tmp_path, cache=False)
    assert corpus.reports["region"].isna().all()
    comparison = compare_with_achievements(extract_targets(corpus), extract_achievements(corpus))
    assert comparison["target"].tolist() == [6.5, 6.0] and comparison["achieved"].isna().all()


def test_the_comparison_says_when_an_outcome_is_an_estimate(tmp_path):
    _write_report(tmp_path, "a2023.txt", "湖州市安吉县", 2023, "全县地区生产总值增长3%。", "地区生产总值增长7%左右。")
    _write_report(tmp_path, "a2024.txt", "湖州市安吉县", 2024, "全县地区生产总值预计增长7.5%。", "地区生产总值增长6%左右。")
    corpus = ra.load_corpus(tmp_path, cache=False)
    comparison = compare_with_achievements(extract_targets(corpus), extract_achievements(corpus)).set_index("year")
    assert comparison.loc[2023, "achieved"] == 7.5
    assert "预计" in comparison.loc[2023, "achieved_note"]


# ------------------------------------------------------------------------------------------------
# Wordings of older and local reports
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "value", "qualifier"),
    [
        ("地方财政一般预算收入增长11%以上", 11.0, "以上"),  # the usual term until 2014
        ("全县一般预算收入增长10%", 10.0, None),
        ("财政一般预算收入力争增长9.5%", 9.5, "力争"),
        ("地方一般预算收入完成18.6亿元，增长14.2%", 14.2, None),
        ("地方一般公共预算收入增长7%左右", 7.0, "左右"),
        ("一般公共财政预算收入增长8%", 8.0, None),
        ("地方財政一般預算收入增長13%", 13.0, None),  # traditional script
    ],
)
def test_general_budget_revenue_under_its_older_names(sentence, value, qualifier):
    row = _one(sentence, "fiscal_revenue_growth")
    assert (row["variant"], row["value"], row["qualifier"]) == ("general_budget", value, qualifier)


def test_total_fiscal_revenue_is_not_read_as_general_budget_revenue():
    found = parse_sentence("财政总收入增长9%，其中地方财政一般预算收入增长10%", indicators=["fiscal_revenue_growth"])
    assert found[["variant", "value"]].values.tolist() == [["total", 9.0], ["general_budget", 10.0]]


@pytest.mark.parametrize(
    ("sentence", "value", "qualifier"),
    [
        ("新增就业岗位2.5万个", 2.5, None),
        ("新增就業崗位3萬個以上", 3.0, "以上"),  # traditional script
        ("新增城镇就业岗位8000个", 0.8, None),
        ("全年新增就业岗位不少于1.6万个", 1.6, "不少于"),
    ],
)
def test_new_jobs_counted_in_posts_are_their_own_variant(sentence, value, qualifier):
    """Job posts (岗位) are not people newly employed: variant posts, in 万个, never paired with a 万人 figure."""
    row = _one(sentence, "new_urban_jobs")
    assert (row["variant"], row["value"], row["unit"], row["qualifier"]) == ("posts", pytest.approx(value), "万个",
                                                                             qualifier)
    both = parse_sentence("城镇新增就业1.2万人，新增就业岗位2万个", indicators=["new_urban_jobs"])
    assert [v if isinstance(v, str) else None for v in both["variant"]] == [None, "posts"]
    assert both[["value", "unit"]].values.tolist() == [[1.2, "万人"], [2.0, "万个"]]


def test_jobs_developed_or_offered_are_not_new_urban_jobs():
    # 开发/提供就业岗位 counts vacancies offered, not new employment
    for sentence in ("全年开发就业岗位2万个以上", "开展招聘活动20场，提供就业岗位6000余个"):
        assert parse_sentence(sentence, indicators=["new_urban_jobs"]).empty


def test_a_five_year_average_after_the_level_reached_is_an_achievement():
    text = "\n".join([
        "一、过去五年工作回顾",
        "2015年全县生产总值达到312亿元，五年年均增长11.8%；地方财政一般预算收入达到21亿元，年均增长17%。",
        "全市生产总值突破千亿元，“十二五”期间年均增长10.2%。",
        "二、2016年主要目标任务",
        "主要预期目标是：全县生产总值增长9%左右；地方财政一般预算收入增长10%；新增就业岗位1.1万个。",
    ])
    sentences = sentences_from_text(text)
    achieved = achievements_from_sentences(sentences)
    columns = ["indicator", "variant", "value", "period"]
    assert achieved[columns].astype(object).where(achieved[columns].notna(), None).values.tolist() == [
        ["gdp_growth", None, 11.8, "five_year"],
        ["fiscal_revenue_growth", "general_budget", 17.0, "five_year"],
        ["gdp_growth", None, 10.2, "five_year"],
    ]
    planned = targets_from_sentences(sentences)
    assert planned[["indicator", "value"]].values.tolist() == [
        ["gdp_growth", 9.0], ["fiscal_revenue_growth", 10.0], ["new_urban_jobs", 1.1]]


def test_a_level_followed_by_growth_over_several_years_is_not_read_as_an_annual_rate():
    # "五年增长60%" without 年均 is a total over the period, not an average; the clause is not continued
    assert parse_sentence("地区生产总值达到705亿元，五年增长60%", indicators=["gdp_growth"]).empty


def test_a_big5_report_with_the_older_wordings_gives_its_targets_and_achievements(tmp_path):
    text = """湛江市政府工作報告
——2009年1月10日在湛江市第十二屆人民代表大會第四次會議上
市長 某某
各位代表：
一、2008年工作回顧
2008年，全市生產總值增長12.1%；地方財政一般預算收入28.4億元，增長15.3%；新增就業崗位3.6萬個。
二、2009年主要目標任務
今年全市經濟社會發展的主要預期目標是：全市生產總值增長10%左右；地方財政一般預算收入增長11%；新增就業崗位3萬個。
"""
    (tmp_path / "zj2009.txt").write_bytes(text.encode("big5"))
    corpus = ra.load_corpus(tmp_path, cache=False)
    columns = ["indicator", "variant", "value", "unit"]
    planned = extract_targets(corpus)
    assert planned[columns].values.tolist()[1:] == [
        ["fiscal_revenue_growth", "general_budget", 11.0, "%"], ["new_urban_jobs", "posts", 3.0, "万个"]]
    achieved = extract_achievements(corpus)
    assert achieved[columns].values.tolist()[1:] == [
        ["fiscal_revenue_growth", "general_budget", 15.3, "%"], ["new_urban_jobs", "posts", 3.6, "万个"]]
