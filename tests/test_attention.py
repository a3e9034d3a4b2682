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


def test_public_health_counts_health_care_not_the_pharmaceutical_industry():
    text = "壮大生物医药产业，引进医药制造企业。深化医药卫生体制改革，发展中医药，建设区医院。"
    reports = pd.DataFrame({"doc_id": ["t1"], "text": [text], "tokens": [["词"] * 10]})
    health = attention.load_dictionaries(categories=["public_health"])
    scores = attention.attention_scores(reports, dictionaries=health)
    terms = attention.attention_terms(reports, dictionaries=health).set_index("term")["count"].to_dict()
    # 医药 and 卫生 in 医药卫生, 医药 in 中医药, and 医院; not 生物医药 or 医药制造
    assert scores["count"].iloc[0] == 4 and terms == {"医药": 2, "卫生": 1, "医院": 1}


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


def test_the_word_count_is_jiebas_words(seed_corpus):
    """Without a tokens column, n_tokens counts the words jieba cuts (the tokenizer's segmentation), less
    punctuation and whitespace: the same words a tokenizer with no filters would see."""
    import jieba

    from reportlab_analysis.cleaning import simplified

    reports = seed_corpus.reports
    scores = attention.attention_scores(reports, dictionaries=["ecology"], tokens_col=None)
    texts = [simplified(text) for text in reports["text"]]  # dictionaries and words are read in simplified script
    expected = [len([t for t in jieba.lcut(text) if re.search(r"\w", t)]) for text in texts]
    assert scores["n_tokens"].tolist() == expected and min(expected) > 4000


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


def test_panel_raises_when_categories_cover_different_rows():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "region": ["甲区", "甲区"], "text": ["生态", "数字经济"],
                          "tokens": [["x"], ["y"]]})
    scores = attention.attention_scores(frame, dictionaries=[GREEN, DIGITAL])
    with pytest.raises(ValueError, match="categories cover different rows"):
        attention.attention_panel(scores[scores["count"] > 0], index=["region"])


def test_panel_of_an_empty_selection_is_empty():
    scores = attention.attention_scores(pd.DataFrame({"region": ["甲区"], "text": ["生态"], "tokens": [["x"]]}),
                                        dictionaries=[GREEN])
    panel = attention.attention_panel(scores.iloc[:0], index=["region"])
    assert panel.empty and panel.columns.tolist() == ["region", "n_reports", "n_chars", "n_tokens"]


# ------------------------------------------------------------------------------------------------------
# panel pooling on the bundled reports: rates are pooled sums over exactly the rows of each group


@pytest.fixture(scope="module")
def seed_paragraph_scores(seed_corpus):
    """Attention per paragraph of the five seed reports (no tokens column: every word is counted)."""
    paragraphs = seed_corpus.paragraphs(metadata=["region", "adcode", "year"])
    scores = attention.attention_scores(paragraphs, id_columns=["doc_id", "section", "region", "adcode", "year"])
    return paragraphs, scores


def _pooled_by_hand(scores: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    """Sums and pooled rates per group and category, written out with plain loops."""
    rows = []
    for (*keys, category), group in scores.groupby([*index, "category"]):
        count, chars, tokens = group["count"].sum(), group["n_chars"].sum(), group["n_tokens"].sum()
        rows.append({**dict(zip(index, keys)), "category": category, "count": count, "n_chars": chars,
                     "n_tokens": tokens, "n_reports": group["doc_id"].nunique(),
                     "per10k": count / chars * 10_000, "per1k_tok": count / tokens * 1_000})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("index", [["section"], ["region", "year"], ["region", "adcode", "year"]],
                         ids=["section", "region-year", "default"])
def test_panel_of_paragraphs_pools_every_row_of_the_seed_reports(seed_paragraph_scores, index):
    paragraphs, scores = seed_paragraph_scores
    panel = (attention.attention_panel(scores) if index == ["region", "adcode", "year"]
             else attention.attention_panel(scores, index=index))
    assert len(panel) == len(scores[index].drop_duplicates())
    # characters straight from the paragraph texts: every paragraph of the group, not one per report
    texts = paragraphs.assign(n=paragraphs["text"].str.replace(r"\s", "", regex=True).str.len())
    chars = texts.groupby(index)["n"].sum()
    assert panel.set_index(index)["n_chars"].sort_index().tolist() == chars.sort_index().tolist()
    expected = _pooled_by_hand(scores, index)
    merged = expected.merge(panel, on=index, how="left", validate="many_to_one", suffixes=("_hand", ""))
    assert (merged["n_chars_hand"] == merged["n_chars"]).all()
    assert (merged["n_tokens_hand"] == merged["n_tokens"]).all()
    assert (merged["n_reports_hand"] == merged["n_reports"]).all()
    for category, rows in merged.groupby("category"):
        assert rows["count"].tolist() == rows[f"{category}_n"].tolist(), category
        assert rows["per10k"].to_numpy() == pytest.approx(rows[f"{category}_per10k"].to_numpy()), category
        assert rows["per1k_tok"].to_numpy() == pytest.approx(rows[f"{category}_per1k_tok"].to_numpy()), category


def test_review_and_plan_table_matches_the_heatmap(seed_paragraph_scores):
    _, scores = seed_paragraph_scores
    chosen = scores[scores["section"].isin(["review", "plan"])]
    table = attention.attention_panel(chosen, index=["section"], measures=["per_10k_chars"]).set_index("section")
    plan = chosen[(chosen["section"] == "plan") & (chosen["category"] == "digital")]
    assert table.loc["plan", "n_chars"] == plan["n_chars"].sum() > 20_000  # once a whole section, not a paragraph
    assert table.loc["plan", "digital_per10k"] == pytest.approx(plan["count"].sum() / plan["n_chars"].sum() * 10_000)
    assert table.loc["plan", "digital_per10k"] < 100  # matches per 10,000 characters, not per paragraph
    _setup_fonts()
    fig = attention.plot_attention_heatmap(chosen, by="section", value="per_10k_chars")
    ax = fig.axes[0]
    drawn = np.asarray(ax.images[0].get_array(), dtype=float)
    rows = [label.get_text() for label in ax.get_yticklabels()]
    categories = list(dict.fromkeys(chosen["category"]))
    expected = table.loc[rows, [f"{c}_per10k" for c in categories]].to_numpy(dtype=float)
    plt.close(fig)
    assert drawn == pytest.approx(expected)


# ------------------------------------------------------------------------------------------------------
# panel units: reports without a region, duplicate copies


@pytest.fixture(scope="module")
def odd_corpus(tmp_path_factory):
    """Two seed reports with their district's name removed (region not found, both 2018) and one seed twice,
    as UTF-8 and as GBK (flagged as a duplicate by the corpus)."""
    from reportlab_analysis import load_corpus

    folder = tmp_path_factory.mktemp("odd_reports")
    raw = ROOT / "data" / "raw"
    for name, district in [("000_207fb4099e85d4c9.txt", "南岗"), ("003_c7f94249779b73e0.txt", "江干")]:
        text = (raw / name).read_text(encoding="utf-8").replace(district + "区", "本区").replace(district, "本")
        (folder / f"anon_{name}").write_text(text, encoding="utf-8")
    text = (raw / "002_72858070d2a0e224.txt").read_text(encoding="utf-8")
    (folder / "copy_utf8.txt").write_text(text, encoding="utf-8")
    (folder / "copy_gbk.txt").write_bytes(text.encode("gbk", errors="replace"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, cache=False)


def test_reports_without_region_are_not_pooled_together(odd_corpus):
    reports = odd_corpus.reports.set_index("source")
    anonymous = reports.loc[["anon_000_207fb4099e85d4c9.txt", "anon_003_c7f94249779b73e0.txt"]]
    assert anonymous["region"].isna().all() and anonymous["year"].tolist() == [2018, 2018]  # the trap is set
    scores = attention.attention_scores(odd_corpus.reports, tokens_col=None)
    scores = scores[scores["duplicate_of"].isna()]  # the copies: next test
    with pytest.warns(UserWarning, match="missing region/adcode/year") as caught:
        panel = attention.attention_panel(scores)
    message = " ".join(str(w.message) for w in caught)
    assert all(doc_id in message for doc_id in anonymous["doc_id"])
    unnamed = panel[panel["region"].isna()].set_index("doc_id")
    assert sorted(unnamed.index) == sorted(anonymous["doc_id"]) and (unnamed["n_reports"] == 1).all()
    for doc_id in anonymous["doc_id"]:  # each row is that report alone
        own = scores[(scores["doc_id"] == doc_id) & (scores["category"] == "ecology")].iloc[0]
        assert unnamed.loc[doc_id, "n_chars"] == own["n_chars"]
        assert unnamed.loc[doc_id, "ecology_per10k"] == pytest.approx(own["per_10k_chars"])
    assert panel.loc[panel["region"].notna(), "doc_id"].isna().all()  # reports with a region pool as before
    assert "doc_id" in panel.attrs["variable_labels"]
    # the same with a region blanked by hand in the scores of the seed reports
    with pytest.warns(UserWarning, match="missing region/year"):
        by_year = attention.attention_panel(scores.assign(region=None), index=["region", "year"])
    assert by_year["n_reports"].eq(1).all() and len(by_year) == scores["doc_id"].nunique()


def test_duplicate_copies_are_left_out_of_the_panel(odd_corpus):
    reports = odd_corpus.reports.set_index("source").loc[["copy_utf8.txt", "copy_gbk.txt"]]
    flagged = reports["duplicate_of"].notna()
    assert flagged.sum() == 1  # the corpus flags one copy as a duplicate of the other
    copy, kept = reports[flagged].iloc[0], reports[~flagged].iloc[0]
    assert copy["duplicate_of"] == kept["doc_id"] and copy["region"] == kept["region"]
    scores = attention.attention_scores(odd_corpus.reports, tokens_col=None)
    assert "duplicate_of" in scores.columns  # carried by default, so the panel can see the flag
    with pytest.warns(UserWarning) as caught:
        panel = attention.attention_panel(scores)
    assert any("duplicate" in str(w.message) and copy["doc_id"] in str(w.message) for w in caught)
    shahekou = panel[panel["region"] == kept["region"]]
    original = scores[(scores["doc_id"] == kept["doc_id"]) & (scores["category"] == "digital")]
    assert shahekou["n_reports"].tolist() == [1]
    assert shahekou["n_chars"].tolist() == original["n_chars"].tolist()
    assert shahekou["digital_per10k"].to_numpy() == pytest.approx(original["per_10k_chars"].to_numpy())
    _setup_fonts()
    with pytest.warns(UserWarning, match="plot_attention_heatmap: left out 1 report"):  # the figure agrees
        plt.close(attention.plot_attention_heatmap(scores, by="region"))


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


def test_a_traditional_script_text_scores_like_its_simplified_form():
    import opencc

    simple = (Path(__file__).resolve().parents[1] / "data" / "raw" / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    frame = pd.DataFrame({"doc_id": ["s", "t"], "text": [simple, opencc.OpenCC("s2t").convert(simple)]})
    assert frame["text"][0] != frame["text"][1]
    scores = attention.attention_scores(frame).pivot(index="category", columns="doc_id", values="count")
    assert scores["s"].sum() > 50
    assert scores["t"].tolist() == scores["s"].tolist()


def test_a_single_column_name_is_one_index_column():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "region": ["甲区", "乙区"], "text": ["生态环境保护", "数字经济"]})
    scores = attention.attention_scores(frame)
    as_string = attention.attention_panel(scores, index="region", measures="count")
    as_list = attention.attention_panel(scores, index=["region"], measures=["count"])
    pd.testing.assert_frame_equal(as_string, as_list)
    assert as_string["region"].tolist() == ["乙区", "甲区"] and "ecology_n" in as_string.columns


def test_the_trend_line_breaks_at_a_missing_year():
    _setup_fonts()
    frame = pd.DataFrame({"year": [2018, 2019, 2021, 2022], "text": ["生态", "生态保护", "生态环境", "生态生态"]})
    scores = attention.attention_scores(frame, dictionaries=[GREEN], id_columns=["year"], tokenizer=list)
    fig = attention.plot_attention_trend(scores, x="year")
    [line] = fig.axes[0].get_lines()
    x, y = line.get_data()
    assert list(x) == [2018, 2019, 2020, 2021, 2022]
    assert np.isnan(y[2]) and not np.isnan(y[[0, 1, 3, 4]]).any()  # no stroke drawn across 2020
    plt.close(fig)


def test_points_of_different_places_are_not_joined_into_a_trend():
    """Neighbouring years are joined only when a place reports in both: three districts in three years give three
    loose points; one district over the years a line; a district in 2018-2019 and another in 2020 a line and a
    point."""
    _setup_fonts()

    def drawn(places):
        frame = pd.DataFrame({"place": places, "year": [2018, 2019, 2020], "text": ["生态", "生态保护", "生态环境"]})
        scores = attention.attention_scores(frame, dictionaries=[GREEN], id_columns=["place", "year"], tokenizer=list)
        fig = attention.plot_attention_trend(scores, x="year")
        [line] = fig.axes[0].get_lines()
        x, y = line.get_data()
        gaps = [float(a) for a, b in zip(x, y) if np.isnan(b)]
        title = fig.axes[0].get_title()
        plt.close(fig)
        return gaps, title

    gaps, title = drawn(["甲区", "乙区", "丙区"])
    assert gaps == [2018.5, 2019.5] and "not a trend" in title
    gaps, title = drawn(["甲区", "甲区", "甲区"])
    assert gaps == [] and "not a trend" not in title and "sharing" not in title
    gaps, title = drawn(["甲区", "甲区", "乙区"])
    assert gaps == [2019.5] and "lines join only years sharing a place" in title


def test_the_panel_index_columns_carry_stata_labels(tmp_path):
    from reportlab_analysis import export

    frame = pd.DataFrame({"doc_id": ["a", "b"], "region": ["南岗区", "松北区"], "adcode": ["230103", "230109"],
                          "year": [2018, 2021], "text": ["生态环境保护", "数字经济"]})
    panel = attention.attention_panel(attention.attention_scores(frame, tokenizer=list))
    path = export.export_table(panel, tmp_path / "panel.dta")
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
    assert labels["region"].startswith("地区") and labels["adcode"].startswith("行政区划代码")
    assert labels["year"].startswith("年份")


def test_dictionary_terms_in_traditional_script_count_like_simplified_ones(tmp_path, national_corpus):
    reports = national_corpus.reports
    traditional = _write(tmp_path / "trad.yaml", "name: econ\nlabel: 經濟\nterms: [經濟, 環境保護]\nexclude: [經濟體]\n")
    simple = _write(tmp_path / "simple.yaml", "name: econ\nlabel: 经济\nterms: [经济, 环境保护]\nexclude: [经济体]\n")
    counts = attention.attention_scores(reports, dictionaries=attention.load_dictionaries(traditional),
                                        tokenizer=list)["count"]
    expected = attention.attention_scores(reports, dictionaries=attention.load_dictionaries(simple),
                                          tokenizer=list)["count"]
    assert counts.sum() > 1000 and counts.tolist() == expected.tolist()
    terms = attention.attention_terms(reports, dictionaries=attention.load_dictionaries(traditional))
    assert set(terms["term"]) == {"經濟", "環境保護"}  # named as the dictionary writes them


def test_a_single_category_name_or_id_column_is_one_name_not_letters(seed_corpus):
    reports = seed_corpus.reports
    assert attention.load_dictionaries(categories="ecology") == attention.load_dictionaries(categories=["ecology"])
    ecology = attention.load_dictionaries(categories="ecology")
    as_string = attention.attention_scores(reports, dictionaries=ecology, id_columns="region", tokenizer=list)
    as_list = attention.attention_scores(reports, dictionaries=ecology, id_columns=["region"], tokenizer=list)
    pd.testing.assert_frame_equal(as_string, as_list)
    assert as_string.columns[0] == "region" and len(as_string) == len(reports)
    terms = attention.attention_terms(reports, dictionaries=ecology, id_columns="doc_id")
    assert terms.columns.tolist() == ["doc_id", "category", "term", "count"]


def test_dictionaries_given_as_paths_or_packaged_names(tmp_path, seed_corpus):
    reports = seed_corpus.reports
    mine = _write(tmp_path / "my.yaml", "name: biz\nlabel: 营商环境\nterms: [营商环境]\n")
    from_path = attention.attention_scores(reports, dictionaries=str(mine), tokenizer=list)
    loaded = attention.attention_scores(reports, dictionaries=attention.load_dictionaries(mine), tokenizer=list)
    pd.testing.assert_frame_equal(from_path, loaded)
    assert from_path["count"].sum() == sum(text.count("营商环境") for text in reports["text"]) > 0
    by_name = attention.attention_scores(reports, dictionaries=["ecology", mine], tokenizer=list)
    expected = attention.load_dictionaries(categories=["ecology"]) + attention.load_dictionaries(mine)
    pd.testing.assert_frame_equal(by_name, attention.attention_scores(reports, dictionaries=expected, tokenizer=list))
    terms = attention.attention_terms(reports, dictionaries="ecology")
    assert set(terms["category"]) == {"ecology"} and terms["count"].sum() > 0
    with pytest.raises(DictionaryError, match=r"neither a file nor a packaged category.*load_dictionaries"):
        attention.attention_scores(reports, dictionaries=["ecologi"])
    with pytest.raises(DictionaryError, match="no dictionary file"):
        attention.attention_scores(reports, dictionaries=str(tmp_path / "missing.yaml"))
    with pytest.raises(TypeError, match=r"load_dictionaries\(\.\.\.\)"):
        attention.attention_scores(reports, dictionaries=[3])
