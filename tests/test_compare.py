"""Tests for reportlab_analysis.compare: hand-counted toy corpus, then the seeds and the national corpus."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from reportlab_analysis import compare  # noqa: E402
from reportlab_analysis.compare import GroupError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Four small "documents", two regions, two years, two sections. Counts by region, by hand:
#   甲区: 生态 3, 创新 2, 保护 1, 产业 1                  -> 7 tokens
#   乙区: 产业 3, 投资 2, 创新 2, 项目 1, 生态 1          -> 9 tokens
#   all : 生态 4, 创新 4, 产业 4, 投资 2, 保护 1, 项目 1  -> 16 tokens
TOY = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d"],
        "region": ["甲区", "甲区", "乙区", "乙区"],
        "year": [2020, 2021, 2020, 2021],
        "section": ["review", "plan", "review", "plan"],
        "text": ["推进生态保护，生态优先。", "创新驱动产业生态", "产业投资", "项目投资，创新生态"],
        "tokens": [
            ["生态", "保护", "生态", "创新"],
            ["创新", "产业", "生态"],
            ["产业", "产业", "投资", "创新"],
            ["产业", "投资", "项目", "创新", "生态"],
        ],
    }
)


# ------------------------------------------------------------------------------------------------------
# frequencies


def test_term_frequencies_by_region_are_counted_exactly():
    freqs = compare.term_frequencies(TOY, by="region")
    jia = freqs[freqs["region"] == "甲区"].set_index("term")
    yi = freqs[freqs["region"] == "乙区"].set_index("term")
    assert jia["count"].to_dict() == {"生态": 3, "创新": 2, "保护": 1, "产业": 1}
    assert yi["count"].to_dict() == {"产业": 3, "创新": 2, "投资": 2, "项目": 1, "生态": 1}
    assert set(jia["group_tokens"]) == {7} and set(yi["group_tokens"]) == {9}
    assert jia.loc["生态", "per_10k"] == pytest.approx(3 / 7 * 10_000)
    assert yi.loc["项目", "per_10k"] == pytest.approx(1 / 9 * 10_000)
    # sorted by group, then count descending, then term: ties are broken the same way every time
    assert jia.index.tolist() == ["生态", "创新", "产业", "保护"]


def test_term_frequencies_by_two_columns_and_overall():
    by_two = compare.term_frequencies(TOY, by=["region", "year"])
    row = by_two[(by_two["region"] == "乙区") & (by_two["year"] == 2020) & (by_two["term"] == "产业")]
    assert row["count"].item() == 2 and row["group_tokens"].item() == 4
    overall = compare.term_frequencies(TOY).set_index("term")
    assert overall["count"].to_dict() == {"产业": 4, "创新": 4, "生态": 4, "投资": 2, "保护": 1, "项目": 1}


def test_top_terms_long_and_wide():
    top = compare.top_terms(TOY, by="region", n=2)
    assert top.groupby("region")["term"].apply(list).to_dict() == {"乙区": ["产业", "创新"], "甲区": ["生态", "创新"]}
    assert top["rank"].tolist() == [1, 2, 1, 2]
    wide = compare.top_terms(TOY, by="region", n=2, wide=True)
    assert wide.loc[1, "甲区"] == "生态 (3)" and wide.loc[2, "乙区"] == "创新 (2)"


def test_review_against_plan_uses_the_section_column():
    freqs = compare.term_frequencies(TOY, by="section")
    review = freqs[freqs["section"] == "review"].set_index("term")["count"].to_dict()
    assert review == {"生态": 2, "产业": 2, "保护": 1, "创新": 2, "投资": 1}


# ------------------------------------------------------------------------------------------------------
# keyness: Fightin' Words


def _fightin_words_by_hand(y_t, n_t, y_r, n_r, alpha, alpha_0):
    delta = math.log((y_t + alpha) / (n_t + alpha_0 - y_t - alpha)) - math.log(
        (y_r + alpha) / (n_r + alpha_0 - y_r - alpha)
    )
    variance = 1 / (y_t + alpha) + 1 / (y_r + alpha)
    return delta, variance, delta / math.sqrt(variance)


def test_fightin_words_matches_the_formula_with_the_corpus_prior():
    table = compare.fightin_words(TOY, by="region", target="甲区").set_index("term")
    # prior = counts of the whole table (alpha_0 = 16 tokens)
    # 生态: target 3 of 7, reference 1 of 9, alpha = 4  -> delta = ln(7/16) - ln(5/20) = ln 1.75
    delta, variance, z = _fightin_words_by_hand(3, 7, 1, 9, 4, 16)
    assert delta == pytest.approx(math.log(1.75))
    assert table.loc["生态", "log_odds_ratio"] == pytest.approx(delta)
    assert table.loc["生态", "variance"] == pytest.approx(1 / 7 + 1 / 5)
    assert table.loc["生态", "z"] == pytest.approx(math.log(1.75) / math.sqrt(1 / 7 + 1 / 5))
    # 投资: 0 of 7 against 2 of 9, alpha = 2
    assert table.loc["投资", "z"] == pytest.approx(_fightin_words_by_hand(0, 7, 2, 9, 2, 16)[2])
    assert table.loc["投资", "z"] < 0 < table.loc["生态", "z"]
    assert table.index[0] == "生态"  # the most distinctive term of 甲区 comes first
    assert table.attrs["target"] == "甲区" and table.attrs["reference"] == "not 甲区"


def test_fightin_words_with_a_rescaled_prior_and_an_explicit_reference():
    table = compare.fightin_words(TOY, by="year", target=2020, reference=2021, prior_size=8).set_index("term")
    # 2020: 生态 2, 保护 1, 创新 2, 产业 2, 投资 1 (8 tokens); 2021: 创新 2, 产业 2, 生态 2, 投资 1, 项目 1 (8)
    # prior rescaled to alpha_0 = 8: alpha(生态) = 4 / 16 * 8 = 2, alpha(保护) = 0.5
    assert table.loc["保护", "prior"] == pytest.approx(0.5)
    assert table.loc["保护", "z"] == pytest.approx(_fightin_words_by_hand(1, 8, 0, 8, 0.5, 8)[2])
    assert table.loc["生态", "z"] == pytest.approx(0.0)


# ------------------------------------------------------------------------------------------------------
# keyness: G2 and chi2


def _g2_by_hand(a, b, n_t, n_r):
    total = n_t + n_r
    observed = [a, b, n_t - a, n_r - b]
    expected = [n_t * (a + b) / total, n_r * (a + b) / total, n_t * (total - a - b) / total,
                n_r * (total - a - b) / total]
    return 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected) if o > 0), observed, expected


def test_g2_matches_the_formula_and_p_values_follow_chi2_with_one_df():
    table = compare.log_likelihood_keyness(TOY, by="region", target="甲区").set_index("term")
    # 生态: a=3 of 7, b=1 of 9; expected 1.75, 2.25, 5.25, 6.75
    g2 = 2 * (3 * math.log(3 / 1.75) + 1 * math.log(1 / 2.25) + 4 * math.log(4 / 5.25) + 8 * math.log(8 / 6.75))
    assert g2 == pytest.approx(_g2_by_hand(3, 1, 7, 9)[0])
    assert table.loc["生态", "g2"] == pytest.approx(g2)
    assert table.loc["生态", "expected_target"] == pytest.approx(1.75)
    # p-value of chi2 with 1 df: erfc(sqrt(x / 2))
    assert table.loc["生态", "p_value"] == pytest.approx(math.erfc(math.sqrt(g2 / 2)))
    # 投资 is typical of the reference: negative sign; 0 * ln 0 counts as 0
    g2_invest = 2 * (2 * math.log(2 / (9 * 2 / 16)) + 7 * math.log(7 / (7 * 14 / 16)) + 7 * math.log(7 / (9 * 14 / 16)))
    assert table.loc["投资", "g2"] == pytest.approx(-g2_invest)
    assert table["g2"].is_monotonic_decreasing


def test_benjamini_hochberg_adjustment_by_hand():
    table = compare.log_likelihood_keyness(TOY, by="region", target="甲区")
    p = table["p_value"].to_numpy()
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 1.0
    for rank in range(m, 0, -1):  # p_(i) * m / i, made monotone from the largest p down
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        adjusted[i] = running
    assert table["p_adjusted"].to_numpy() == pytest.approx(adjusted)
    assert (table["significant"] == (table["p_adjusted"] < 0.05)).all()


def test_chi2_matches_the_formula_with_and_without_yates():
    table = compare.log_likelihood_keyness(TOY, by="region", target="甲区", measure="chi2").set_index("term")
    _, observed, expected = _g2_by_hand(3, 1, 7, 9)
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected))
    assert table.loc["生态", "chi2"] == pytest.approx(chi2)
    yates = compare.log_likelihood_keyness(TOY, by="region", target="甲区", measure="chi2", yates=True)
    chi2_yates = sum((abs(o - e) - 0.5) ** 2 / e for o, e in zip(observed, expected))
    assert yates.set_index("term").loc["生态", "chi2"] == pytest.approx(chi2_yates)
    assert compare.keyness(TOY, by="region", target="甲区", method="chi2").equals(
        compare.log_likelihood_keyness(TOY, by="region", target="甲区", measure="chi2"))


def test_keyness_against_a_list_of_groups_pools_them():
    table = compare.fightin_words(TOY, by="doc_id", target="a", reference=["c", "d"]).set_index("term")
    # a: 生态 2, 保护 1, 创新 1 (4 tokens); c + d: 产业 3, 投资 2, 项目 1, 创新 2, 生态 1 (9 tokens)
    assert table.loc["创新", ["count_target", "count_reference"]].tolist() == [1, 2]
    assert table.attrs["n_target"] == 4 and table.attrs["n_reference"] == 9


# ------------------------------------------------------------------------------------------------------
# errors


def test_unknown_grouping_column_is_named():
    with pytest.raises(GroupError, match=r"by: unknown column\(s\) \['district'\]"):
        compare.term_frequencies(TOY, by="district")
    with pytest.raises(GroupError, match="district"):
        compare.fightin_words(TOY, by="district", target="甲区")


def test_empty_group_is_reported_with_the_available_values():
    with pytest.raises(GroupError, match=r"target='丙区'.*empty group.*甲区"):
        compare.fightin_words(TOY, by="region", target="丙区")
    # numbers as a reader writes them, not as numpy prints them (np.int64(2020))
    with pytest.raises(GroupError, match=re.escape("available values: ['2020', '2021']")):
        compare.fightin_words(TOY, by="year", target=1999)
    no_tokens = TOY.assign(tokens=[[], [], ["a"], ["b"]])
    with pytest.raises(GroupError, match="no tokens"):
        compare.log_likelihood_keyness(no_tokens, by="region", target="甲区")
    with pytest.raises(GroupError, match="tokens_col='words'"):
        compare.term_frequencies(TOY, by="region", tokens_col="words")
    with pytest.raises(ValueError, match="measure='t'"):
        compare.log_likelihood_keyness(TOY, by="region", target="甲区", measure="t")


# ------------------------------------------------------------------------------------------------------
# KWIC


def test_kwic_literal_and_regex_with_metadata():
    hits = compare.kwic(TOY, "生态", window=2, metadata=["doc_id", "region"])
    assert hits[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["a", "推进", "生态", "保护"],
        ["a", "护，", "生态", "优先"],
        ["b", "产业", "生态", ""],
        ["d", "创新", "生态", ""],
    ]
    assert hits["start"].tolist() == [2, 7, 6, 7]
    regex_hits = compare.kwic(TOY, r"创新\w{2}", regex=True, window=1)
    assert regex_hits["match"].tolist() == ["创新驱动", "创新生态"]
    assert {"region", "year", "section"} <= set(regex_hits.columns) and "tokens" not in regex_hits.columns
    with pytest.raises(ValueError, match="not a valid regular expression"):
        compare.kwic(TOY, "(", regex=True)
    # no match: an empty table with the columns and dtypes of a full one, ready to concatenate or export
    none = compare.kwic(TOY, "碳中和", metadata=["doc_id", "region", "year"])
    some = compare.kwic(TOY, "生态", metadata=["doc_id", "region", "year"])
    assert none.empty and none.dtypes.to_dict() == some.dtypes.to_dict()


# ------------------------------------------------------------------------------------------------------
# similarity


def test_tfidf_similarity_by_hand_on_two_documents():
    docs = pd.DataFrame({"doc_id": ["x", "y"], "tokens": [["生态", "创新"], ["生态", "产业"]]})
    sim = compare.tfidf_similarity(docs)
    # idf = ln(2/2) + 1 = 1 for 生态, ln(2/1) + 1 for the others; tf = 1 everywhere
    shared, own = 1.0, math.log(2) + 1
    expected = shared * shared / (shared**2 + own**2)
    assert sim.loc["x", "y"] == pytest.approx(expected)
    assert sim.loc["x", "x"] == 1.0 and sim.loc["y", "x"] == sim.loc["x", "y"]


def test_tfidf_similarity_refuses_large_inputs_unless_allowed(monkeypatch):
    monkeypatch.setattr(compare, "MAX_SIMILARITY_GROUPS", 3)
    with pytest.raises(ValueError, match="allow_large=True"):
        compare.tfidf_similarity(TOY)
    assert compare.tfidf_similarity(TOY, allow_large=True).shape == (4, 4)


def test_topic_similarity_is_one_minus_jensen_shannon_distance():
    mix = pd.DataFrame({"doc_id": ["a", "b", "c"], "T0": [0.9, 0.1, 0.9], "T1": [0.1, 0.9, 0.1]})
    sim = compare.topic_similarity(mix)
    # JS divergence (base 2) of (.9,.1) and (.1,.9): mean = (.5,.5); KL = .9 log2 1.8 + .1 log2 .2
    js = 0.9 * math.log2(1.8) + 0.1 * math.log2(0.2)
    assert sim.loc["a", "b"] == pytest.approx(1 - math.sqrt(js))
    assert sim.loc["a", "c"] == pytest.approx(1.0)
    long = mix.melt(id_vars="doc_id", var_name="topic", value_name="share")
    assert compare.topic_similarity(long).to_numpy() == pytest.approx(sim.to_numpy())


def test_linkage_joins_the_most_similar_pair_first():
    mix = pd.DataFrame({"doc_id": ["a", "b", "c"], "T0": [0.9, 0.1, 0.8], "T1": [0.1, 0.9, 0.2]})
    linkage = compare.similarity_linkage(compare.topic_similarity(mix))
    assert sorted(linkage[0, :2].astype(int).tolist()) == [0, 2]


# ------------------------------------------------------------------------------------------------------
# plots: Chinese renders without missing glyphs


def _setup_fonts():
    from reportlab_analysis.plotting import setup_plotting

    setup_plotting()


def _render_without_missing_glyphs(fig):
    import io

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing" in str(w.message).lower()]
    assert not missing, missing


def test_plots_render_chinese():
    _setup_fonts()
    table = compare.fightin_words(TOY, by="region", target="甲区")
    _render_without_missing_glyphs(compare.plot_keyness_scatter(table, n_labels=3))
    _render_without_missing_glyphs(compare.plot_keyness_bars(compare.log_likelihood_keyness(TOY, by="region", target="甲区")))
    sim = compare.tfidf_similarity(TOY, by="region")
    _render_without_missing_glyphs(compare.plot_similarity_heatmap(sim))
    _render_without_missing_glyphs(compare.plot_dendrogram(compare.tfidf_similarity(TOY)))


# ------------------------------------------------------------------------------------------------------
# real text: the seed reports and the national corpus


def _tokens(frame: pd.DataFrame) -> pd.DataFrame:
    from reportlab_analysis.tokenize import Tokenizer, add_tokens

    return add_tokens(frame, Tokenizer(cache=False))


# seed_corpus and national_corpus: session fixtures in conftest.py


def test_seed_reports_compare_by_region_and_section(seed_corpus):
    paragraphs = _tokens(seed_corpus.paragraphs(metadata=["region", "year"], include_appendix=False))
    freqs = compare.term_frequencies(paragraphs, by="region")
    assert freqs["region"].nunique() == seed_corpus.reports["region"].nunique()
    # counts add up to the number of tokens of each region
    totals = paragraphs.groupby("region")["tokens"].apply(lambda s: sum(map(len, s)))
    assert freqs.groupby("region")["count"].sum().to_dict() == totals.to_dict()
    region = sorted(paragraphs["region"].dropna().unique())[0]
    key = compare.fightin_words(paragraphs, by="region", target=region)
    assert key["z"].notna().all() and key["z"].is_monotonic_decreasing
    # the target's own place name or a term it uses far more than the others leads
    top = key.head(20)
    assert (top["per_10k_target"] > top["per_10k_reference"]).all()
    by_section = compare.log_likelihood_keyness(paragraphs, by="section", target="review", reference="plan")
    assert by_section["significant"].any()
    assert (by_section["count_target"] + by_section["count_reference"] > 0).all()
    hits = compare.kwic(seed_corpus.reports, "营商环境", window=10)
    assert len(hits) == sum(t.count("营商环境") for t in seed_corpus.reports["text"]) > 0
    assert (hits["match"] == "营商环境").all()
    assert {"doc_id", "region", "year", "adcode"} <= set(hits.columns) and "appendix" not in hits.columns
    for row in hits.itertuples():  # the context is the text around the match, offsets included
        text = seed_corpus.reports.set_index("doc_id").loc[row.doc_id, "text"]
        assert text[row.start: row.start + 4] == "营商环境"
        assert text[max(0, row.start - 10): row.start].replace("\n", " / ") == row.left


def test_seed_similarity_heatmap_and_dendrogram(seed_corpus):
    _setup_fonts()
    reports = _tokens(seed_corpus.reports)
    sim = compare.tfidf_similarity(reports, by="doc_id")
    n = len(reports)
    assert sim.shape == (n, n)
    assert np.allclose(np.diag(sim), 1.0) and np.allclose(sim, sim.T)
    off_diagonal = sim.to_numpy()[~np.eye(n, dtype=bool)]
    assert ((off_diagonal > 0) & (off_diagonal < 1)).all()
    _render_without_missing_glyphs(compare.plot_dendrogram(compare.tfidf_similarity(reports, by="region")))


def test_national_corpus_keyness_across_eras(national_corpus):
    reports = national_corpus.reports.dropna(subset=["year"])
    reports = reports.assign(era=np.where(reports["year"] >= 2013, "2013-", "before 2013"))
    reports = _tokens(reports)
    key = compare.fightin_words(reports, by="era", target="2013-").set_index("term")
    # slogans of the 2013- era are distinctive of it; the planned-economy vocabulary of the earlier reports
    for term in ("高质量发展", "新发展理念", "放管服"):
        assert key.loc[term, "count_reference"] == 0 and key.loc[term, "z"] > 2, term
    for term in ("计划", "社会主义"):
        assert key.loc[term, "z"] < -2, term
    g2 = compare.log_likelihood_keyness(reports, by="era", target="2013-")
    assert g2["significant"].sum() > 50
    # deterministic: same input, same table
    assert compare.log_likelihood_keyness(reports, by="era", target="2013-").equals(g2)


def test_choose_grouping_and_target_for_notebooks():
    assert compare.choose_grouping(TOY) == "region"
    one_region = TOY.assign(region="全国")
    assert compare.choose_grouping(one_region) == "year"
    assert compare.choose_target(TOY, by="year") == 2021  # the latest year
    tie = compare.choose_target(TOY, by="region")  # two rows each: first in sorted order
    assert tie == sorted(["甲区", "乙区"])[0]
    assert compare.choose_target(TOY.iloc[:3], by="region") == "甲区"  # most rows
    with pytest.raises(GroupError, match="has 1 group"):
        compare.choose_target(one_region, by="region")
    with pytest.raises(GroupError, match="empty group"):
        compare.choose_target(TOY, by="region", target="丙区")


def test_docstring_examples_run():
    import doctest

    from reportlab_analysis import compare as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_words = st.lists(st.sampled_from(["生态", "创新", "产业", "投资", "民生"]), min_size=1, max_size=30)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(left=_words, right=_words)
def test_swapping_target_and_reference_flips_the_sign(left, right):
    docs = pd.DataFrame({"g": ["x", "y"], "tokens": [left, right]})
    forward = compare.fightin_words(docs, by="g", target="x").set_index("term").sort_index()
    backward = compare.fightin_words(docs, by="g", target="y").set_index("term").sort_index()
    # NaN only where the log-odds are undefined: a term that makes up every token of both groups
    assert forward["z"].to_numpy() == pytest.approx(-backward["z"].to_numpy(), nan_ok=True)
    assert forward["z"].notna().all() or len(forward) == 1
    g2_forward = compare.log_likelihood_keyness(docs, by="g", target="x").set_index("term").sort_index()
    g2_backward = compare.log_likelihood_keyness(docs, by="g", target="y").set_index("term").sort_index()
    equal_rate = g2_forward["per_10k_target"] == g2_forward["per_10k_reference"]
    assert g2_forward.loc[~equal_rate, "g2"].to_numpy() == pytest.approx(-g2_backward.loc[~equal_rate, "g2"].to_numpy())
    assert (g2_forward["p_value"].to_numpy() == pytest.approx(g2_backward["p_value"].to_numpy()))
    assert ((g2_forward["p_adjusted"] >= g2_forward["p_value"] - 1e-12) & (g2_forward["p_adjusted"] <= 1)).all()


def test_distinctive_terms_of_every_group():
    table = compare.distinctive_terms(TOY, by="region", n=2)
    jia = table[table["region"] == "甲区"]
    # by hand (prior: whole table, alpha_0 = 16): z(生态) = ln 1.75 / sqrt(1/7 + 1/5) = 0.956,
    # z(保护) = ln((1+1)/(7+16-1-1)) - ln((0+1)/(9+16-0-1)) over sqrt(1/2 + 1/1) = 0.675, z(创新) = 0.193
    assert jia["term"].tolist() == ["生态", "保护"]
    assert jia["score"].tolist() == pytest.approx([
        _fightin_words_by_hand(3, 7, 1, 9, 4, 16)[2], _fightin_words_by_hand(1, 7, 0, 9, 1, 16)[2]])
    assert (table["score"] > 0).all() and table["rank"].tolist() == [1, 2, 1, 2]
    wide = compare.distinctive_terms(TOY, by="region", n=2, method="g2", wide=True)
    assert list(wide.columns) == ["乙区", "甲区"] and wide.loc[1, "甲区"].startswith("生态 (")
    with pytest.raises(GroupError, match="at least two"):
        compare.distinctive_terms(TOY.assign(region="全国"), by="region")


def test_a_single_report_is_compared_by_its_sections(seed_corpus):
    one = seed_corpus.subset(seed_corpus.reports["region"] == "江干区").paragraphs(metadata=["region", "year"])
    assert compare.choose_grouping(one) == "section"
    assert compare.choose_grouping(seed_corpus.paragraphs(metadata=["region", "year"])) == "region"


def test_nearly_equal_topic_mixtures_are_similar_not_nan():
    # Two mixtures equal but for the last bit of one share: scipy's jensenshannon returns NaN for this pair
    # (a divergence rounded below zero), which used to stop notebook 03 in the dendrogram.
    a = np.array([0.10636090920983897, 0.030574528788570296, 0.5328246851844209, 0.03632103133213047,
                  0.011434929592893122, 0.17839969816166668, 0.04942616323685534, 0.05465805449362419])
    b = a.copy()
    b[0] = 0.10636090920983898
    mixtures = pd.DataFrame([a, b, np.full(8, 1 / 8)], index=["2019", "2020", "flat"],
                            columns=[f"topic_{i}" for i in range(8)])
    similarity = compare.topic_similarity(mixtures)
    assert np.isfinite(similarity.to_numpy()).all()
    assert similarity.loc["2019", "2020"] == 1.0
    assert 0.0 < similarity.loc["2019", "flat"] < 1.0
    assert compare.similarity_linkage(similarity).shape == (2, 4)
    # otherwise the same distance as scipy's
    from scipy.spatial.distance import jensenshannon

    assert compare.jensen_shannon_distance(a, np.full(8, 1 / 8)) == pytest.approx(jensenshannon(a, np.full(8, 1 / 8), base=2))


def test_kwic_finds_a_simplified_keyword_in_traditional_text_and_shows_it_as_written():
    frame = pd.DataFrame({"doc_id": ["d1", "d2"], "text": ["國民經濟有了發展", "国民经济稳定增长"]})
    hits = compare.kwic(frame, "经济", window=2)
    assert hits["doc_id"].tolist() == ["d1", "d2"]
    assert hits["match"].tolist() == ["經濟", "经济"] and hits["left"].tolist() == ["國民", "国民"]
    assert hits["right"].tolist() == ["有了", "稳定"]


def test_fightin_words_warns_when_the_prior_leaves_terms_without_a_z():
    frame = pd.DataFrame({"region": ["甲", "乙"], "tokens": [["创新", "创新", "港口"], ["创新", "农业"]]})
    with pytest.warns(UserWarning, match="2 of 3 terms are missing from the prior"):
        table = compare.fightin_words(frame, by="region", target="甲", prior={"创新": 10})
    assert table["z"].isna().sum() == 2 and table["term"].iloc[0] == "创新"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default prior covers every term: no warning
        assert compare.fightin_words(frame, by="region", target="甲")["z"].notna().all()


def test_similarity_of_an_empty_table_names_the_problem():
    empty = pd.DataFrame({"region": pd.Series([], dtype=str), "tokens": pd.Series([], dtype=object)})
    with pytest.raises(GroupError, match="no groups"):
        compare.tfidf_similarity(empty, by="region")


def test_kwic_pattern_in_traditional_script_finds_the_national_reports(national_corpus):
    reports = national_corpus.reports
    written = sum(text.count("經濟") for text in reports["text"])
    assert written == 52  # the older national reports are in traditional script
    literal = compare.kwic(reports, "經濟")
    assert len(literal) == len(compare.kwic(reports, "经济")) > written
    assert (literal["match"] == "經濟").sum() == written  # shown as written in the text
    as_regex = compare.kwic(reports, "經濟|環境保護", regex=True)
    assert len(as_regex) == len(compare.kwic(reports, "经济|环境保护", regex=True))


def test_kwic_explains_a_list_pattern_and_a_bad_window(seed_corpus):
    with pytest.raises(TypeError, match=r"single string.*营商环境\|生态.*regex=True"):
        compare.kwic(seed_corpus.reports, ["营商环境", "生态"])
    for window in ("5", 2.5, -1, True):
        with pytest.raises(ValueError, match="whole number"):
            compare.kwic(seed_corpus.reports, "营商环境", window=window)
    assert len(compare.kwic(seed_corpus.reports, "营商环境", window=np.int64(3))) > 0


def test_kwic_metadata_may_be_one_column_name(seed_corpus):
    hits = compare.kwic(seed_corpus.reports, "营商环境", metadata="region")
    assert hits.columns.tolist() == ["region", "start", "left", "match", "right"] and len(hits) > 0
    pd.testing.assert_frame_equal(hits, compare.kwic(seed_corpus.reports, "营商环境", metadata=["region"]))


@pytest.fixture(scope="module")
def seed_paragraphs(seed_corpus):
    """Tokenized paragraphs of the seed reports with place and year (once for the tests below)."""
    return _tokens(seed_corpus.paragraphs(metadata=["place", "year"], include_appendix=False))


def test_distinctive_terms_by_two_columns(seed_paragraphs):
    table = compare.distinctive_terms(seed_paragraphs, by=["place", "year"], n=3)
    keys = seed_paragraphs[["place", "year"]].dropna().drop_duplicates()
    assert len(keys) >= 2
    assert table.columns.tolist()[:3] == ["place", "year", "rank"]
    assert set(table[["place", "year"]].itertuples(index=False, name=None)) <= set(
        keys.itertuples(index=False, name=None))
    place, year = table[["place", "year"]].iloc[0]
    alone = compare.fightin_words(seed_paragraphs, by=["place", "year"], target=(place, year))
    first = table[(table["place"] == place) & (table["year"] == year)]
    assert first["term"].tolist() == alone[alone["z"] > 0]["term"].head(3).tolist()
    assert table["year"].dtype == seed_paragraphs["year"].dtype
    wide = compare.distinctive_terms(seed_paragraphs, by=["place", "year"], n=3, wide=True)
    assert wide.columns.names == ["place", "year"] and wide.shape[1] == table.groupby(["place", "year"]).ngroups
    # one column in a list gives the same table as the column name
    pd.testing.assert_frame_equal(compare.distinctive_terms(seed_paragraphs, by=["place"], n=2),
                                  compare.distinctive_terms(seed_paragraphs, by="place", n=2))


def test_a_target_of_the_wrong_type_is_named(seed_paragraphs):
    year = str(sorted(seed_paragraphs["year"].dropna().unique())[0])
    with pytest.raises(GroupError, match=rf"year holds numbers; give target={year}\b"):
        compare.fightin_words(seed_paragraphs, by="year", target=year)
    with pytest.raises(GroupError, match="place holds text; give reference='2018'"):
        compare.fightin_words(seed_paragraphs, by="place", target="南岗区", reference=2018)
    with pytest.raises(GroupError, match=rf"year holds numbers; give {year} for it"):
        compare.fightin_words(seed_paragraphs, by=["place", "year"], target=("南岗区", year))
    with pytest.raises(GroupError, match="available values") as plain:
        compare.fightin_words(seed_paragraphs, by="place", target="西湖区")
    assert "holds" not in str(plain.value)  # a value of the right type that is absent: no type hint
    assert compare.fightin_words(seed_paragraphs, by="year", target=int(year))["z"].notna().all()


def test_prior_size_must_be_positive(seed_paragraphs):
    for size in (0, -10, float("nan"), "100"):
        with pytest.raises(ValueError, match="prior_size.*positive number.*None"):
            compare.fightin_words(seed_paragraphs, by="place", target="南岗区", prior_size=size)
    small = compare.fightin_words(seed_paragraphs, by="place", target="南岗区", prior_size=100)
    assert small["z"].notna().all() and small.attrs["alpha_0"] == pytest.approx(100)
