"""Tests for reportlab_analysis.export: Stata names, Stata round-trip with Chinese labels, CSV and Parquet."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reportlab_analysis import attention, export
from reportlab_analysis.export import ExportError

ROOT = Path(__file__).resolve().parents[1]


def _panel() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "region": ["南岗区", "松北区", None],
            "adcode": ["230103", "230109", None],
            "year": pd.array([2017, 2021, None], dtype="Int64"),
            "生态": [1.5, 2.25, np.nan],
            "per 10k": [0.1, 0.2, 0.3],
            "in": [1, 2, 3],
            "flag": [True, False, True],
            "tokens": [["生态", "文明"], [], ["创新"]],
        }
    )
    frame.attrs["variable_labels"] = {"region": "地区", "adcode": "行政区划代码", "year": "年份"}
    return frame


def test_stata_variable_names_are_valid_and_unique():
    names = export.stata_variable_names(
        ["year", "生态", "环保", "2020年", "per 10k", "per-10k", "in", "_n", "str12", "x" * 40, "a.b"]
    )
    assert names == {
        "year": "year", "生态": "v_1", "环保": "v_2", "2020年": "v2020", "per 10k": "per_10k",
        "per-10k": "per_10k_2", "in": "in_", "_n": "_n_", "str12": "str12_", "x" * 40: "x" * 32, "a.b": "a_b",
    }
    valid = r"[A-Za-z_][A-Za-z0-9_]{0,31}"
    assert all(pd.Series(list(names.values())).str.fullmatch(valid))
    assert len(set(names.values())) == len(names)
    with pytest.raises(ExportError, match="occur more than once"):
        export.stata_variable_names(["a", "a"])


def test_stata_round_trip_keeps_values_strings_and_chinese_labels(tmp_path):
    path = tmp_path / "panel.dta"
    mapping = export.to_stata(_panel(), path, variable_labels={"in": "输入"}, data_label="政策注意力面板")
    assert mapping["生态"] == "v_1"
    back = pd.read_stata(path)
    assert back.columns.tolist() == ["region", "adcode", "year", "v_1", "per_10k", "in_", "flag", "tokens"]
    assert back["region"].tolist() == ["南岗区", "松北区", ""]
    # adcode stays text, so it merges with yearbook tables as a string key
    assert back["adcode"].tolist() == ["230103", "230109", ""]
    assert back["year"].tolist()[:2] == [2017, 2021] and np.isnan(back["year"].iloc[2])
    assert back["v_1"].tolist()[:2] == [1.5, 2.25]
    assert back["flag"].tolist() == [1, 0, 1]
    assert back["tokens"].tolist() == ["生态 文明", "", "创新"]
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        assert reader.data_label == "政策注意力面板"
    assert labels["region"] == "地区" and labels["adcode"] == "行政区划代码"
    assert labels["v_1"] == "生态" and labels["per_10k"] == "per 10k" and labels["in_"] == "输入"


def test_stata_output_is_byte_identical_across_runs(tmp_path):
    first, second = tmp_path / "a.dta", tmp_path / "b.dta"
    export.to_stata(_panel(), first)
    export.to_stata(_panel(), second)
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temporary file


def test_numeric_adcode_is_written_as_text_and_long_labels_are_cut(tmp_path):
    frame = pd.DataFrame({"adcode": [230103.0, np.nan], "x": [1, 2]})
    with pytest.warns(UserWarning, match="cut to 80"):
        export.to_stata(frame, tmp_path / "t.dta", variable_labels={"x": "很长的标签" * 20})
    back = pd.read_stata(tmp_path / "t.dta")
    assert back["adcode"].tolist() == ["230103", ""]
    with pd.io.stata.StataReader(tmp_path / "t.dta") as reader:
        assert reader.variable_labels()["x"] == ("很长的标签" * 20)[:80]


def test_long_strings_go_to_strl(tmp_path):
    frame = pd.DataFrame({"doc_id": ["a"], "text": ["政府工作报告" * 600]})  # 10,800 bytes of UTF-8
    export.to_stata(frame, tmp_path / "long.dta")
    assert pd.read_stata(tmp_path / "long.dta")["text"].item() == "政府工作报告" * 600


def test_csv_and_parquet_round_trip(tmp_path):
    panel = _panel()
    csv = export.export_table(panel, tmp_path / "panel.csv")
    back = pd.read_csv(csv, dtype={"adcode": str})
    assert back.columns.tolist() == panel.columns.tolist()  # Chinese column names as they are
    assert back["adcode"].tolist()[:2] == ["230103", "230109"]
    assert back["tokens"].tolist()[0] == "生态 文明"
    parquet = export.export_table(panel, tmp_path / "panel.parquet", variable_labels={"生态": "生态环境"})
    back = pd.read_parquet(parquet)
    assert back["tokens"].iloc[0].tolist() == ["生态", "文明"] and str(back["year"].dtype) == "Int64"
    import json

    import pyarrow.parquet as pq

    labels = json.loads(pq.read_schema(parquet).metadata[b"variable_labels"].decode("utf-8"))
    assert labels == {"region": "地区", "adcode": "行政区划代码", "year": "年份", "生态": "生态环境"}


def test_bad_requests_are_named(tmp_path):
    with pytest.raises(ExportError, match="cannot tell the format"):
        export.export_table(_panel(), tmp_path / "panel.xlsx")
    with pytest.raises(ExportError, match=r"variable_labels: no column named \['missing'\]"):
        export.to_stata(_panel(), tmp_path / "x.dta", variable_labels={"missing": "x"})
    with pytest.raises(ExportError, match="data_label"):
        export.to_stata(_panel(), tmp_path / "x.dta", data_label="x" * 81)


def test_codebook_lists_names_and_labels():
    book = export.codebook(_panel())
    assert book.set_index("column").loc["生态", ["stata_name", "label"]].tolist() == ["v_1", "生态"]
    assert book.set_index("column").loc["year", "n_missing"] == 1


def test_attention_panel_of_the_seeds_exports_to_stata(tmp_path):
    from reportlab_analysis import load_corpus

    corpus = load_corpus(ROOT / "data" / "raw")
    scores = attention.attention_scores(corpus.reports, tokens_col=None)
    panel = attention.attention_panel(scores)
    path = export.export_table(panel, tmp_path / "attention_panel.dta", data_label="政策注意力")
    back = pd.read_stata(path)
    assert len(back) == len(panel)
    assert back["ecology_per10k"].to_numpy() == pytest.approx(panel["ecology_per10k"].to_numpy())
    assert back["adcode"].tolist() == panel["adcode"].fillna("").astype(str).tolist()
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
    assert labels["ecology_per10k"].startswith("生态环境 每万字词频")
    assert labels["party_governance_n"].startswith("党建与政府治理")


def test_docstring_examples_run():
    import doctest

    from reportlab_analysis import export as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta"])
def test_a_meaningful_index_is_written_as_a_column_and_adcode_as_text(tmp_path, suffix):
    similarity = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=pd.Index(["南岗区", "松北区"], name="group"),
                              columns=["南岗区", "松北区"])
    path = export.export_table(similarity, tmp_path / f"similarity{suffix}")
    back = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".dta": pd.read_stata}[suffix](path)
    assert back.columns[0] == "group" and back["group"].tolist() == ["南岗区", "松北区"]
    codes = pd.DataFrame({"adcode": [230103.0, np.nan], "year": [2018, 2019]})
    path = export.export_table(codes, tmp_path / f"codes{suffix}")
    if suffix == ".csv":
        assert path.read_text(encoding="utf-8").splitlines()[1].startswith("230103,")
    else:
        back = pd.read_parquet(path) if suffix == ".parquet" else pd.read_stata(path)
        assert back["adcode"].iloc[0] == "230103" and back.columns.tolist() == ["adcode", "year"]


def test_a_table_without_columns_is_refused_by_name(tmp_path):
    with pytest.raises(ExportError, match="empty.dta: the table has no columns"):
        export.export_table(pd.DataFrame(), tmp_path / "empty.dta")


def test_dates_reach_stata_as_dates(tmp_path):
    from reportlab_analysis import load_corpus

    reports = load_corpus(ROOT / "data" / "raw").reports.drop(columns=["text", "appendix"])
    export.export_table(reports, tmp_path / "reports.dta")
    back = pd.read_stata(tmp_path / "reports.dta")
    # meeting_date (text 2017-12-10 in the corpus) is a Stata %td date; a report without one is missing, not ""
    assert pd.api.types.is_datetime64_any_dtype(back["meeting_date"])
    expected = pd.to_datetime(reports["meeting_date"].astype(object), format="%Y-%m-%d")
    assert back["meeting_date"].tolist() == expected.tolist()
    assert back["meeting_date"].isna().sum() == reports["meeting_date"].isna().sum() > 0
    assert back["adcode"].tolist() == reports["adcode"].tolist()  # six digits are not a date
    table = pd.DataFrame({"when": pd.to_datetime(["2024-03-05 09:30", None]),
                          "not_quite": ["2024-02-30", "2024-03-01"], "note": ["2024-03-05 起", None]})
    export.to_stata(table, tmp_path / "mixed.dta")
    mixed = pd.read_stata(tmp_path / "mixed.dta")
    # a time of day is kept (%tc), not cut to the day
    assert mixed["when"].tolist()[0] == pd.Timestamp("2024-03-05 09:30") and pd.isna(mixed["when"].tolist()[1])
    # text that is not a column of valid dates stays text
    assert mixed["not_quite"].tolist() == ["2024-02-30", "2024-03-01"]
    assert mixed["note"].tolist() == ["2024-03-05 起", ""]
