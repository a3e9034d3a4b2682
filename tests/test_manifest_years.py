"""Manifest years: Chinese numerals, full-width digits and 年 are read; a cell that is no year is not set."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from reportlab_analysis import load_corpus
from reportlab_analysis.metadata import parse_year

SEED_004 = Path(__file__).resolve().parents[1] / "data" / "raw" / "004_2d83ae9706601383.txt"


def _load_with_manifest(tmp_path: Path, year_cell: str):
    """One report without region or year in its text (seed 004, title dropped, 2022 as 今年) and a manifest."""
    folder = tmp_path / "reports"
    folder.mkdir()
    body = SEED_004.read_text(encoding="utf-8").split("\n", 1)[1].replace("2022年", "今年")
    (folder / "r2.txt").write_text(f"政府工作报告\n{body}", encoding="utf-8")
    manifest = tmp_path / "metadata.csv"
    manifest.write_text(f"file,region,year\nr2.txt,安吉县,{year_cell}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, manifest=manifest, cache=False), manifest


@pytest.mark.parametrize("year_cell", ["2021", "2021年", "二〇二一", "二零二一", "二〇二一年", "２０２１"])
def test_manifest_year_is_read_and_resolves_the_region(tmp_path, year_cell):
    corpus, _ = _load_with_manifest(tmp_path, year_cell)
    row = corpus.reports.iloc[0]
    assert (row["region"], row["year"], row["city"], row["level"], row["adcode"]) == (
        "安吉县", 2021, "湖州市", "county", "330523")
    year_notes = corpus.quality[corpus.quality["field"] == "year"]
    assert "set from manifest line 2" in year_notes["message"].tolist()


@pytest.mark.parametrize("year_cell", ["明年", "二〇二", "21"])
def test_unreadable_manifest_year_is_a_warning_not_a_claim(tmp_path, year_cell):
    corpus, manifest = _load_with_manifest(tmp_path, year_cell)
    assert pd.isna(corpus.reports.iloc[0]["year"])
    year_notes = corpus.quality[corpus.quality["field"] == "year"]
    assert not year_notes["message"].str.contains("set from manifest").any()
    warning = year_notes[year_notes["message"].str.contains(str(manifest), regex=False)]
    assert warning["severity"].tolist() == ["warning"]
    assert "line 2" in warning["message"].item() and repr(year_cell) in warning["message"].item()


def test_parse_year():
    assert [parse_year(v) for v in (2021, 2021.0, "2021.0", " 2021年度 ", "一九九八", "○二一")] == [
        2021, 2021, 2021, 2021, 1998, None]
    assert parse_year(None) is None and parse_year(float("nan")) is None and parse_year("1800") is None
