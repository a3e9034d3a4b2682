"""Region and year from titles with periods and plan names, and from file names when the text has neither.

Each report is a bundled seed (data/raw/004, 呼兰区 2022) with its title line replaced, loaded with load_corpus.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from reportlab_analysis import load_corpus

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED_004 = RAW / "004_2d83ae9706601383.txt"  # title "呼兰区2022年政府工作计划"; plan headings of 2022
SEED_000 = RAW / "000_207fb4099e85d4c9.txt"  # 南岗区, plan year 2018, no title line


def _body() -> str:
    """Seed 004 without its title line (its headings still give the plan year 2022)."""
    return SEED_004.read_text(encoding="utf-8").split("\n", 1)[1]


def _undated_body() -> str:
    """Seed 004 without its title line and with 2022 written as 今年: no region and no year in the text."""
    return _body().replace("2022年", "今年")


def _load(folder: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, cache=False)


def _one_report(tmp_path: Path, file_name: str, text: str) -> tuple[pd.Series, pd.DataFrame]:
    (tmp_path / file_name).write_text(text, encoding="utf-8")
    corpus = _load(tmp_path)
    assert len(corpus.reports) == 1
    return corpus.reports.iloc[0], corpus.quality


def _value(row: pd.Series, column: str) -> object:
    return None if pd.isna(row[column]) else row[column]


# ------------------------------------------------------------------------------ titles
@pytest.mark.parametrize("title", [
    "宁波市2021-2025年政府工作报告",
    "宁波市2021—2025年政府工作报告",
    "宁波市2021–2025年政府工作报告",
    "宁波市2021年至2025年政府工作报告",
    "宁波市2021~2025年政府工作报告",
    "宁波市“十四五”规划纲要暨政府工作报告",
    "宁波市十四五规划和2022年政府工作报告",
    "宁波市第十四个五年规划纲要暨政府工作报告",
    "宁波市二〇二二年政府工作报告",
    "宁波市２０２２年政府工作报告",
    "宁波市2022年度政府工作报告",
    "宁波市人民政府2022年工作报告",
    "2021—2025年宁波市政府工作报告",
])
def test_region_before_a_year_period_or_plan_name_is_the_issuer(tmp_path, title):
    row, quality = _one_report(tmp_path, "report.txt", f"{title}\n{_body()}")
    assert (row["region"], row["level"], row["adcode"], row["city"]) == ("宁波市", "city", "330200", "宁波市")
    assert row["year"] == 2022  # from the plan headings; the period's years are no plan year
    region_notes = quality[quality["field"] == "region"]
    assert not region_notes["message"].str.contains("no issuing government").any()


def test_county_before_a_plan_name_and_chinese_year(tmp_path):
    row, _ = _one_report(tmp_path, "report.txt", f"安吉县“十四五”规划纲要暨二〇二二年政府工作报告\n{_body()}")
    assert (row["region"], row["city"], row["level"], row["adcode"], row["year"]) == (
        "安吉县", "湖州市", "county", "330523", 2022)


def test_title_period_is_no_plan_year_and_says_so(tmp_path):
    row, quality = _one_report(tmp_path, "report.txt", f"宁波市2021-2025年政府工作报告\n{_undated_body()}")
    assert row["region"] == "宁波市" and pd.isna(row["year"])
    year_notes = quality[quality["field"] == "year"]
    assert year_notes["severity"].tolist() == ["warning"]
    assert "period (2021-2025)" in year_notes["message"].item()


def test_title_period_beside_dated_headings_is_an_info_note(tmp_path):
    row, quality = _one_report(tmp_path, "report.txt", f"宁波市2021年至2025年政府工作报告\n{_body()}")
    assert row["year"] == 2022
    year_notes = quality[quality["field"] == "year"]
    assert year_notes["severity"].tolist() == ["info"]
    assert "period (2021-2025)" in year_notes["message"].item()


# ------------------------------------------------------------------------------ file names
@pytest.mark.parametrize("file_name, region, year, level, adcode", [
    ("2023年浙江省政府工作报告.txt", "浙江省", 2023, "provincial", "330000"),
    ("2019_洛阳市.txt", "洛阳市", 2019, "city", "410300"),
    ("浙江省2023.txt", "浙江省", 2023, "provincial", "330000"),
    ("二〇二一年 安吉县.txt", "安吉县", 2021, "county", "330523"),
    ("luoyang-2019.txt", None, 2019, None, None),  # no Chinese name: no region invented
    ("ab2019cd.txt", None, None, None, None),  # digits inside a code are no year
])
def test_region_and_year_from_the_file_name_when_the_text_has_none(tmp_path, file_name, region, year, level, adcode):
    row, quality = _one_report(tmp_path, file_name, f"政府工作报告\n{_undated_body()}")
    assert (_value(row, "region"), _value(row, "year"), _value(row, "level"), _value(row, "adcode")) == (
        region, year, level, adcode)
    notes = quality.set_index("field")["message"]
    for field, value in (("region", region), ("year", year)):
        messages = notes[notes.index == field].tolist()
        if value is None:
            assert messages and not any("file name" in m for m in messages)
        else:
            assert messages == [f"{field} {value} taken from the file name {file_name!r}: "
                                + ("the text names no issuing government" if field == "region"
                                   else "the text gives no plan year")]


def test_text_wins_over_the_file_name(tmp_path):
    row, quality = _one_report(tmp_path, "2023年浙江省政府工作报告.txt", SEED_000.read_text(encoding="utf-8"))
    assert (row["region"], row["year"], row["adcode"]) == ("南岗区", 2018, "230103")
    assert not quality["message"].str.contains("file name").any()


def test_file_name_fills_only_what_the_text_lacks(tmp_path):
    row, quality = _one_report(tmp_path, "2023年浙江省政府工作报告.txt", f"宁波市政府工作报告\n{_undated_body()}")
    assert (row["region"], row["adcode"], row["year"]) == ("宁波市", "330200", 2023)
    from_name = quality[quality["message"].str.contains("file name")]
    assert from_name["field"].tolist() == ["year"]


def test_a_tables_file_name_is_not_read_for_its_rows(tmp_path):
    pd.DataFrame({"title": ["政府工作报告"], "text": [_undated_body()]}).to_csv(
        tmp_path / "2023年浙江省.csv", index=False)
    row = _load(tmp_path).reports.iloc[0]
    assert pd.isna(row["region"]) and pd.isna(row["year"])
