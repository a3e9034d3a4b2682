"""Tests for reportlab_analysis.attention: dictionaries, hand-counted matches, normalization, panel, real text."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from reportlab_analysis import attention  # noqa: E402
from reportlab_analysis.attention import AttentionCategory, DictionaryError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

REQUIRED = {"ecology", "innovation", "digital", "livelihood", "opening", "reform", "rural", "industry",
            "public_health", "party_governance"}

# 42 characters once whitespace is left out: 9 + 9 + 9 + 7 + 8
TOY_TEXT = "推进生态文明建设，加强生态环境保护。\n推动绿色低碳发展，坚持绿色发展。 优化产业生态位。"
GREEN = AttentionCategory(
    name="green", label="绿色", terms=("生态", "环境保护", "绿色*发展"), exclude=("生态位",)
)
DIGITAL = AttentionCategory(name="digital_toy", label="数字", terms=("数字 经济", "第?产业", "pm2.5"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------------
# packaged dictionaries


def test_packaged_dictionaries_cover_the_required_categories_with_sources():
    categories = attention.load_dictionaries()
    assert REQUIRED <= {c.name for c in categories}
    for category in categories:
        assert len(category.terms) >= 15, category.name
        assert category.label and re.search(r"[\u4e00-\u9fff]", category.label), category.name
        assert len(category.source) > 40 and category.note, category.name
        for term in category.terms:  # every term compiles and matches itself (wildcards filled with 低碳)
            sample = term.replace("*", "低碳").replace("?", "二").replace(" ", "")
            assert re.fullmatch(attention.term_regex(term), sample, flags=re.IGNORECASE), (category.name, term)
    table = attention.dictionary_table(categories)
    assert table["n_terms"].sum() == sum(len(c.terms) for c in categories)


# ------------------------------------------------------------------------------------------------------
# counting, by hand


def test_counts_and_normalization_on_a_hand_counted_text():
    reports = pd.DataFrame({"doc_id": ["t1"], "region": ["甲区"], "year": [2020], "text": [TOY_TEXT],
                            "tokens": [["词"] * 20]})
    scores = attention.attention_scores(reports, dictionaries=[GREEN])
    row = scores.iloc[0]
    # 生态 (生态文明) + 生态 (生态环境) + 环境保护 + 绿色低碳发展 + 绿色发展 = 5; 生态位 is excluded
    assert row["count"] == 5
    assert row["n_chars"] == 42
    assert row["n_tokens"] == 20
    assert row["per_10k_chars"] == pytest.approx(5 / 42 * 10_000)
    assert row["per_1k_tokens"] == pytest.approx(5 / 20 * 1_000)
    terms = attention.attention_terms(reports, dictionaries=[GREEN]).set_index("term")["count"].to_dict()
    assert terms == {"生态": 2, "环境保护": 1, "绿色*发展": 2}


def test_longest_term_wins_and_matches_do_not_overlap():
    text = "生态环境保护"
    both = AttentionCategory(name="a", label="a", terms=("生态", "环境保护"))
    whole = AttentionCategory(name="b", label="b", terms=("生态", "环境保护", "生态环境保护"))
    scores = attention.attention_scores(pd.DataFrame({"text": [text], "tokens": [["x"]]}), dictionaries=[both, whole])
    assert scores["count"].tolist() == [2, 1]


def test_multi_word_single_character_wildcard_and_case():
    text = "发展数字经济和数字 经济，第三产业与第二产业，PM2.5下降，pm2.5达标，第十一产业"
    scores = attention.attention_terms(pd.DataFrame({"text": [text]}), dictionaries=[DIGITAL])
    counts = scores.set_index("term")["count"].to_dict()
    # 数字经济 twice (with and without a space); 第?产业: 第三产业 and 第二产业, not 第十一产业 (two characters)
    assert counts == {"数字 经济": 2, "第?产业": 2, "pm2.5": 2}


def test_wildcard_does_not_cross_punctuation_and_respects_wildcard_max():
    category = AttentionCategory(name="w", label="w", terms=("绿色*发展",))
    frame = pd.DataFrame({"text": ["绿色，发展", "绿色甲乙丙丁戊发展", "绿色甲乙丙丁发展"], "tokens": [["x"]] * 3})
    assert attention.attention_scores(frame, dictionaries=[category])["count"].tolist() == [0, 0, 1]
    wide = attention.attention_scores(frame, dictionaries=[category], wildcard_max=5)
    assert wide["count"].tolist() == [0, 1, 1]
    leading = AttentionCategory(name="v", label="v", terms=("*保卫战", "蓝天"))  # no first-character look-ahead
    text = pd.DataFrame({"text": ["打赢蓝天保卫战，蓝天白云，保卫战"], "tokens": [["x"]]})
    assert attention.attention_terms(text, dictionaries=[leading]).set_index("term")["count"].to_dict() == {
        "*保卫战": 2, "蓝天": 1}


def test_tokens_counted_as_all_words_without_a_tokens_column():
    frame = pd.DataFrame({"text": ["推进生态文明建设。"]})
    scores = attention.attention_scores(frame, dictionaries=[GREEN])
    assert scores["n_tokens"].item() == 4  # 推进 / 生态 / 文明 / 建设, the full stop is not a word
    with_column = frame.assign(tokens=[["生态"]])
    assert attention.attention_scores(with_column, dictionaries=[GREEN])["n_tokens"].item() == 1
    assert attention.attention_scores(with_column, dictionaries=[GREEN], tokens_col=None)["n_tokens"].item() == 4
    custom = attention.attention_scores(frame, dictionaries=[GREEN], tokenizer=list)
    assert custom["n_tokens"].item() == 9 and custom["per_1k_tokens"].item() == pytest.approx(1 / 9 * 1000)


def test_empty_text_gives_nan_rates_not_zero():
    scores = attention.attention_scores(pd.DataFrame({"text": ["", None], "tokens": [[], []]}), dictionaries=[GREEN])
    assert scores["count"].tolist() == [0, 0]
    assert scores["per_10k_chars"].isna().all() and scores["per_1k_tokens"].isna().all()


# ------------------------------------------------------------------------------------------------------
# user dictionaries and malformed files


def test_user_dictionary_file_with_several_categories(tmp_path):
    path = _write(tmp_path / "mine.yaml", """
categories:
  - name: water
    label: 治水
    source: test
    terms: [河长制, 治水]
  - name: air
    label: 大气
    terms: [蓝天*保卫战]
""")
    categories = attention.load_dictionaries(path)
    assert [c.name for c in categories] == ["water", "air"]
    frame = pd.DataFrame({"text": ["全面推行河长制，打赢蓝天保卫战，打好蓝天碧水保卫战"], "tokens": [["x"]]})
    assert attention.attention_scores(frame, dictionaries=categories)["count"].tolist() == [1, 2]
    both = attention.load_dictionaries([attention.DICTIONARY_DIR, path], categories=["water", "ecology"])
    assert [c.name for c in both] == ["water", "ecology"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("name: x\nterms: [a, b\n", r"not valid YAML at line \d+"),
        ("name: x\nlabel: y\n", "'terms' is missing or empty"),
        ("name: Bad Name\nterms: [生态]\n", "'name' must be a lower-case identifier"),
        ("name: x\nterms: 生态\n", "'terms' must be a list"),
        ("name: x\nterms: [生态, '']\n", "item 2 must be a non-empty string"),
        ("name: x\nterms: [生态, 生态]\n", r"lists \['生态'\] more than once"),
        ("name: x\nterms: ['**']\n", "no character to match"),
        ("name: x\nwords: [生态]\nterms: [生态]\n", r"unknown key\(s\) \['words'\]"),
        ("- 生态\n- 环保\n", "must be a mapping"),
    ],
)
def test_malformed_dictionary_gives_a_clear_message_naming_the_file(tmp_path, content, message):
    path = _write(tmp_path / "broken.yaml", content)
    with pytest.raises(DictionaryError, match=message) as error:
        attention.load_dictionary(path)
    assert "broken.yaml" in str(error.value)


def test_missing_file_duplicate_names_and_unknown_categories(tmp_path):
    with pytest.raises(DictionaryError, match="not found"):
        attention.load_dictionary(tmp_path / "nope.yaml")
    _write(tmp_path / "a.yaml", "name: ecology\nterms: [生态]\n")
    with pytest.raises(DictionaryError, match="'ecology' is defined twice"):
        attention.load_dictionaries([attention.DICTIONARY_DIR, tmp_path / "a.yaml"])
    with pytest.raises(DictionaryError, match=r"unknown category name\(s\) \['ecolgy'\]"):
        attention.load_dictionaries(categories=["ecolgy"])
    with pytest.raises(ValueError, match="text_col='body'"):
        attention.attention_scores(pd.DataFrame({"text": ["x"]}), text_col="body")


# ------------------------------------------------------------------------------------------------------
# panel


def test_panel_pools_reports_of_the_same_region_and_year():
    reports = pd.DataFrame(
        {
            "doc_id": ["r1", "r2", "r3"],
            "region": ["甲区", "甲区", "乙区"],
            "adcode": ["230103", "230103", "230104"],
            "year": pd.array([2020, 2020, 2021], dtype="Int64"),
            "text": ["生态生态", "环境保护工作", "招商"],
            "tokens": [["生态", "生态"], ["环境保护", "工作"], ["招商"]],
        }
    )
    scores = attention.attention_scores(reports, dictionaries=[GREEN])
    panel = attention.attention_panel(scores)
    assert panel.columns.tolist() == ["region", "adcode", "year", "n_reports", "n_chars", "n_tokens",
                                      "green_per10k", "green_per1k_tok", "green_n"]
    assert panel["region"].tolist() == ["乙区", "甲区"]  # sorted by the index columns (code point order)
    jia, yi = panel.set_index("region").loc["甲区"], panel.set_index("region").loc["乙区"]
    # 甲区 2020: counts 2 + 1 = 3, characters 4 + 6 = 10, tokens 2 + 2 = 4
    assert (jia["n_reports"], jia["green_n"], jia["n_chars"], jia["n_tokens"]) == (2, 3, 10, 4)
    assert jia["green_per10k"] == pytest.approx(3 / 10 * 10_000)
    assert jia["green_per1k_tok"] == pytest.approx(3 / 4 * 1_000)
    assert yi["green_n"] == 0 and yi["green_per10k"] == 0 and yi["adcode"] == "230104"
    assert panel.attrs["variable_labels"]["green_per10k"].startswith("绿色 每万字词频")


# ------------------------------------------------------------------------------------------------------
# real text


def _setup_fonts():
    from reportlab_analysis.plotting import setup_plotting

    setup_plotting()


def _render_without_missing_glyphs(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    assert not [w for w in caught if "missing" in str(w.message).lower()]


# seed_corpus and national_corpus: session fixtures in conftest.py


def test_seed_reports_attention_matches_plain_counting(seed_corpus):
    reports = seed_corpus.reports
    only = AttentionCategory(name="biz", label="营商环境", terms=("营商环境",))
    scores = attention.attention_scores(reports, dictionaries=[only], tokenizer=list)
    assert scores["count"].tolist() == [t.count("营商环境") for t in reports["text"]]
    assert scores["n_chars"].tolist() == [len(re.sub(r"\s", "", t)) for t in reports["text"]]
    full = attention.attention_scores(reports)
    assert len(full) == len(reports) * len(attention.load_dictionaries())
    assert {"doc_id", "region", "adcode", "year"} <= set(full.columns)
    # every district report talks about industry and livelihoods
    for category in ("industry", "livelihood", "reform"):
        assert (full.loc[full["category"] == category, "count"] > 0).all(), category
    panel = attention.attention_panel(full)
    assert len(panel) == len(reports[["region", "adcode", "year"]].drop_duplicates())
    _setup_fonts()
    _render_without_missing_glyphs(attention.plot_attention_heatmap(full, by="region"))


def test_national_corpus_epidemic_and_digital_attention_over_time(national_corpus):
    reports = national_corpus.reports.dropna(subset=["year"])
    dictionaries = attention.load_dictionaries(categories=["public_health", "digital", "ecology"])
    scores = attention.attention_scores(reports, dictionaries=dictionaries, tokenizer=list)
    by_year = scores.pivot_table(index="year", columns="category", values="per_10k_chars")
    # the epidemic years stand out for public health (the corpus has no 2020 report); digital attention grows
    epidemic = by_year.loc[[2021, 2022], "public_health"].mean()
    assert epidemic > by_year.loc[2010:2019, "public_health"].mean()
    assert by_year.loc[2016:, "digital"].mean() > by_year.loc[:2005, "digital"].mean()
    assert (by_year["ecology"] >= 0).all()
    _setup_fonts()
    _render_without_missing_glyphs(attention.plot_attention_trend(scores))


def test_plots_pool_counts_within_groups():
    _setup_fonts()
    frame = pd.DataFrame({"section": ["review", "review", "plan"], "year": [2020, 2020, 2021],
                          "text": ["生态", "建设美丽家园", "生态生态"], "tokens": [["生态"], ["建设"], ["生态", "生态"]]})
    scores = attention.attention_scores(frame, dictionaries=[GREEN], id_columns=["section", "year"])
    # review pooled: 1 match in 2 + 6 characters -> 1250 per 10,000 (the mean of rates would be 2500)
    table = attention._pooled(scores, ["section"], "per_10k_chars")
    assert table.loc["review", "green"] == pytest.approx(1 / 8 * 10_000)
    assert table.loc["plan", "green"] == pytest.approx(2 / 4 * 10_000)
    _render_without_missing_glyphs(attention.plot_attention_heatmap(scores, by="section"))
    _render_without_missing_glyphs(attention.plot_attention_trend(scores, x="year", value="per_1k_tokens"))
    with pytest.raises(ValueError, match="value='share'"):
        attention.plot_attention_heatmap(scores, by="section", value="share")


def test_docstring_examples_run():
    import doctest

    from reportlab_analysis import attention as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
