"""Notebook 01's overview tables and figures on the seed reports."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from reportlab_analysis import overview, plotting


@pytest.fixture(scope="module", autouse=True)
def _plotting():
    return plotting.setup_plotting()


def test_report_table_matches_the_corpus(seed_corpus):
    table = overview.report_table(seed_corpus)
    reports = seed_corpus.reports
    assert list(table["doc_id"]) == list(reports["doc_id"])
    assert list(table["n_chars"]) == list(reports["n_chars"])
    assert table["label"].is_unique and table["label"].str.match(r"^\S+ (\d{4}|\?)").all()
    paragraphs = seed_corpus.paragraphs(include_appendix=False)
    assert table["n_paragraphs"].sum() == len(paragraphs)
    assert table["n_quality_notes"].sum() == len(seed_corpus.quality)
    assert table["n_removed_lines"].sum() == len(seed_corpus.removed)
    with_appendix = reports["appendix"].fillna("").str.len() > 0
    assert (table.loc[with_appendix.to_numpy(), "appendix_chars"] > 0).all()


def test_report_labels_stay_unique_when_region_and_year_repeat():
    reports = pd.DataFrame({"doc_id": ["a", "b", "c"], "region": ["全国", "全国", pd.NA],
                            "year": pd.array([2020, 2020, pd.NA], dtype="Int64")})
    assert overview.report_labels(reports).tolist() == ["全国 2020 (a)", "全国 2020 (b)", "? ?"]


def test_section_profile_shares_add_up_and_follow_reading_order(seed_corpus):
    profile = overview.section_profile(seed_corpus)
    assert set(profile["section"]) <= set(overview.SECTION_ORDER)
    sums = profile.groupby("doc_id")["share"].sum()
    assert ((sums - 1).abs() < 1e-4).all()
    paragraphs = seed_corpus.paragraphs(include_appendix=True)
    assert profile["n_paragraphs"].sum() == len(paragraphs)
    for _, group in profile.groupby("doc_id", sort=False):
        order = [overview.SECTION_ORDER.index(s) for s in group["section"]]
        assert order == sorted(order)


def test_removed_summary_accounts_for_every_removed_line(seed_corpus):
    summary = overview.removed_summary(seed_corpus)
    assert summary["n_lines"].sum() == len(seed_corpus.removed)
    assert summary["n_chars"].sum() == seed_corpus.removed["text"].str.len().sum()
    assert (summary["example"].str.len() <= 60).all() and not summary["example"].str.contains("\n").any()


def test_quality_table_puts_most_severe_first(seed_corpus):
    table = overview.quality_table(seed_corpus)
    assert len(table) == len(seed_corpus.quality)
    rank = table["severity"].map({"error": 0, "warning": 1, "info": 2}).fillna(3)
    assert rank.is_monotonic_increasing


def test_overview_plots_draw_one_bar_per_report(seed_corpus):
    table = overview.report_table(seed_corpus)
    fig = overview.plot_report_lengths(table)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(table["label"])
    plt.close(fig)
    profile = overview.section_profile(seed_corpus)
    fig = overview.plot_section_shares(profile)
    widths = {}
    for patch in fig.axes[0].patches:
        widths.setdefault(round(patch.get_y(), 3), 0.0)
        widths[round(patch.get_y(), 3)] += patch.get_width()
    assert len(widths) == len(table) and all(abs(w - 1) < 1e-4 for w in widths.values())
    plt.close(fig)
    with pytest.raises(ValueError, match="lacks column"):
        overview.plot_report_lengths(table.drop(columns=["n_chars"]))
