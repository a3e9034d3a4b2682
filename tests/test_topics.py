"""Tests for reportlab_analysis.topics and topic_viewer on the seed reports (paragraph level).

The national corpus runs in a @pytest.mark.slow test.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reportlab_analysis import topic_viewer, topics
from reportlab_analysis.topics import TopicModelError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NATIONAL = ROOT / "data" / "national" / "national_gwr.jsonl"
BOILERPLATE = {"发展", "建设", "推进", "加强", "工作", "推动"}


# --------------------------------------------------------------------------------------------------
# Documents: seed paragraphs with tokens
# --------------------------------------------------------------------------------------------------
def _tokenized_paragraphs(path: Path) -> pd.DataFrame:
    from reportlab_analysis import load_corpus

    corpus = load_corpus(path)
    return topics.prepare_documents(corpus, unit="paragraph", metadata=["region", "city", "year", "level"])


@pytest.fixture(scope="module")
def paragraphs() -> pd.DataFrame:
    return _tokenized_paragraphs(RAW)


@pytest.fixture(scope="module")
def model(paragraphs):
    return topics.fit_lda(paragraphs, k=6, seed=1, passes=5, min_doc_freq=3)


def test_prepare_documents_units_and_tokenizer_fingerprint(paragraphs, model):
    from reportlab_analysis import load_corpus

    corpus = load_corpus(RAW)
    assert paragraphs.attrs["unit"] == "paragraph" and len(paragraphs.attrs["tokenizer_hash"]) >= 16
    assert model.manifest["tokenizer_hash"] == paragraphs.attrs["tokenizer_hash"]
    assert model.manifest["unit"] == "paragraph"
    assert "appendix" not in set(paragraphs["section"])
    reports = topics.prepare_documents(corpus, unit="report", metadata=["region", "year"])
    assert list(reports["doc_id"]) == list(corpus.reports["doc_id"]) and set(reports["section"]) == {"all"}
    # the report's tokens are (nearly) its paragraphs' tokens: same tokenizer, same text
    per_report = paragraphs.groupby("doc_id")["tokens"].agg(lambda t: sum(map(len, t)))
    for doc_id, tokens in zip(reports["doc_id"], reports["tokens"]):
        assert len(tokens) == pytest.approx(per_report[doc_id], rel=0.03)
    with pytest.raises(TopicModelError, match="unit must be one of"):
        topics.prepare_documents(corpus, unit="chapter")
    with pytest.raises(TopicModelError, match="needs a Corpus"):
        topics.prepare_documents(paragraphs)


def test_topic_documents_keep_nouns_and_verbs_by_default(paragraphs):
    from collections import Counter

    from reportlab_analysis import load_corpus

    every_tag = topics.prepare_documents(load_corpus(RAW), unit="paragraph", pos=None)
    assert list(every_tag["para_id"]) == list(paragraphs["para_id"])
    kept = Counter(t for tokens in paragraphs["tokens"] for t in tokens)
    everything = Counter(t for tokens in every_tag["tokens"] for t in tokens)
    # the default is a filter of the full token stream: nothing added, order kept within each paragraph
    for filtered, full in zip(paragraphs["tokens"], every_tag["tokens"]):
        it = iter(full)
        assert all(token in it for token in filtered)
    assert 0.7 < sum(kept.values()) / sum(everything.values()) < 0.95
    # adverbs and adjectives go; nouns, verbs, verbal nouns and the protected policy terms (tag nz) stay
    assert everything["必须"] > 5 and everything["始终"] > 5 and kept["必须"] == kept["始终"] == 0
    for term in ("企业", "改造", "服务", "营商环境", "高质量发展"):
        assert kept[term] == everything[term] > 0, term
    assert paragraphs.attrs["tokenizer_hash"] != every_tag.attrs["tokenizer_hash"]


# --------------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------------
def test_same_seed_gives_identical_topic_word_matrix(paragraphs, model):
    again = topics.fit_lda(paragraphs, k=6, seed=1, passes=5, min_doc_freq=3)
    assert np.array_equal(model.topic_word, again.topic_word)
    assert np.array_equal(model.theta, again.theta, equal_nan=True)
    other = topics.fit_lda(paragraphs, k=6, seed=2, passes=5, min_doc_freq=3)
    assert not np.allclose(model.topic_word, other.topic_word)


def test_model_shapes_and_shares(paragraphs, model):
    assert model.k == 6
    assert model.topic_word.shape == (6, len(model.dictionary))
    np.testing.assert_allclose(model.topic_word.sum(axis=1), 1.0, rtol=1e-6)
    assert model.theta.shape == (len(paragraphs), 6)
    fitted = ~np.isnan(model.theta[:, 0])
    np.testing.assert_allclose(model.theta[fitted].sum(axis=1), 1.0, rtol=1e-9)
    # documents without any kept token are the only NaN rows
    assert (model.documents.loc[~fitted, "n_tokens"] == 0).all()
    assert (model.documents.loc[fitted, "n_tokens"] > 0).all()
    assert "tokens" not in model.documents.columns
    assert {"doc_id", "section", "region"} <= set(model.documents.columns)


def test_default_passes_scale_down_as_the_corpus_grows():
    sizes = [1, 100, 310, 2_000, 5_861, 20_000, 100_000, 463_000]
    passes = [topics.default_passes(n) for n in sizes]
    assert passes == [50, 50, 50, 50, 18, 5, 1, 1]
    assert all(a >= b for a, b in zip(passes, passes[1:]))
    # between the bounds, passes x documents reaches the target of document visits without a spare pass
    for n, p in zip(sizes, passes):
        if 1 < p < 50:
            assert p * n >= topics.PASS_DOCUMENT_VISITS > (p - 1) * n


def test_default_passes_fit_small_corpora_further(paragraphs, model):
    adaptive = topics.fit_lda(paragraphs, k=6, seed=1, min_doc_freq=3)
    n_fitted = adaptive.manifest["n_documents_fitted"]
    assert 250 < n_fitted < 400 and adaptive.params["passes"] == topics.default_passes(n_fitted) == 50
    assert np.array_equal(adaptive.topic_word, topics.fit_lda(paragraphs, k=6, seed=1, min_doc_freq=3).topic_word)
    # more passes, a better fit: the per-word variational bound on the fitted paragraphs rises over 5 passes'
    bows = [b for b in (adaptive.dictionary.doc2bow(t) for t in paragraphs["tokens"]) if b]
    assert adaptive.lda.log_perplexity(bows) > model.lda.log_perplexity(bows) + 0.05


def test_dictionary_filtering_follows_document_frequencies(paragraphs, model):
    n_docs = len(paragraphs)
    doc_freq: dict[str, int] = {}
    for tokens in paragraphs["tokens"]:
        for term in set(tokens):
            doc_freq[term] = doc_freq.get(term, 0) + 1
    expected = {t for t, df in doc_freq.items() if df >= 3 and df <= 0.3 * n_docs}
    assert set(model.vocabulary) == expected
    # a term in more than 30 % of the paragraphs is filtered out even when it is not a stopword
    common = [t for t, df in doc_freq.items() if df > 0.3 * n_docs]
    assert all(t not in model.dictionary.token2id for t in common)


def test_topics_are_not_boilerplate(model):
    terms = topics.top_terms(model, n=10, lambda_=1.0)
    assert not set(terms["term"]) & BOILERPLATE, terms[terms["term"].isin(BOILERPLATE)]


@pytest.mark.parametrize(
    "kwargs, message",
    [({"k": 1}, "k must be >= 2"), ({"k": 3, "max_doc_share": 1.5}, "max_doc_share"),
     ({"k": 3, "min_doc_freq": 100000}, "no term is left")],
)
def test_bad_parameters_raise_clear_errors(paragraphs, kwargs, message):
    with pytest.raises(TopicModelError, match=message):
        topics.fit_lda(paragraphs, **kwargs)


def test_bad_documents_raise_clear_errors(paragraphs):
    with pytest.raises(TopicModelError, match="no 'tokens' column"):
        topics.fit_lda(paragraphs.drop(columns=["tokens"]), k=3)
    with pytest.raises(TopicModelError, match="empty"):
        topics.fit_lda(paragraphs.iloc[:0], k=3)
    with pytest.raises(TopicModelError, match="lists of strings; row 0"):
        topics.fit_lda(paragraphs.assign(tokens=paragraphs["text"]), k=3)


# --------------------------------------------------------------------------------------------------
# K sweep and stability
# --------------------------------------------------------------------------------------------------
def test_reference_texts_add_a_larger_corpus_tokenized_the_same_way():
    from reportlab_analysis import load_corpus
    from reportlab_analysis.tokenize import Tokenizer

    corpus = load_corpus(RAW)
    tokenizer = Tokenizer.for_corpus(corpus, pos=topics.TOPIC_POS)
    documents = topics.prepare_documents(corpus, tokenizer=tokenizer, metadata=["region"])
    national = load_corpus(NATIONAL)
    texts = topics.reference_texts(documents, national, tokenizer=tokenizer)
    body = national.paragraphs(include_appendix=False)
    # the documents' own token lists first, in order, then one list per reference paragraph (no appendix)
    assert len(texts) == len(documents) + len(body)
    assert texts[: len(documents)] == [list(t) for t in documents["tokens"]]
    reference = texts[len(documents):]
    sample = [0, len(body) // 2, len(body) - 1]
    assert [reference[i] for i in sample] == tokenizer.tokenize([body["text"].iloc[i] for i in sample])
    # the documents' tokenizer, not the reference's own: seed place names are masked in the State Council text too
    assert not {"南岗", "南岗区", "道里"} & {t for tokens in reference for t in tokens}
    assert any("供给侧结构性改革" in tokens for tokens in reference)
    # a path is read like a corpus; reports that are in the documents already are not counted twice
    assert topics.reference_texts(documents, NATIONAL, tokenizer=tokenizer) == texts
    assert topics.reference_texts(documents, corpus, tokenizer=tokenizer) == texts[: len(documents)]
    with pytest.raises(TopicModelError, match="not the one that tokenized"):
        topics.reference_texts(documents, national, tokenizer=Tokenizer.for_corpus(corpus))
    with pytest.raises(TopicModelError, match="Corpus or a path"):
        topics.reference_texts(documents, 42, tokenizer=tokenizer)
    # no reference: the documents' own token lists
    assert topics.reference_texts(documents) == texts[: len(documents)]
    with pytest.raises(TopicModelError, match="needs the tokenizer"):
        topics.reference_texts(documents, national)


def test_k_sweep_measures_coherence_on_the_texts_given(paragraphs):
    own = paragraphs["tokens"].tolist()
    options = {"k_values": [4], "seeds": [1], "passes": 2, "progress": False}
    default = topics.k_sweep(paragraphs, **options)
    pd.testing.assert_frame_equal(default, topics.k_sweep(paragraphs, coherence_texts=own, **options))
    # the seed paragraphs twice over: every count doubles and the measures, ratios of counts, stay as they are
    doubled = topics.k_sweep(paragraphs, coherence_texts=own + own, **options)
    for measure in ("c_npmi", "u_mass", "c_v"):
        assert doubled[measure].iloc[0] == pytest.approx(default[measure].iloc[0], abs=1e-9)
    # the first 100 paragraphs only: other counts, other coherence; the fit and its perplexity are the same
    part = topics.k_sweep(paragraphs, coherence_texts=own[:100], **options)
    for measure in ("c_npmi", "u_mass", "c_v"):
        assert part[measure].iloc[0] != pytest.approx(default[measure].iloc[0], abs=1e-4)
    assert part["perplexity"].iloc[0] == default["perplexity"].iloc[0]


def test_k_sweep_measures_every_fit(paragraphs):
    sweep = topics.k_sweep(paragraphs, k_values=[3, 6], seeds=[1, 2], passes=3, min_doc_freq=3, progress=False)
    assert list(sweep[["k", "seed"]].itertuples(index=False, name=None)) == [(3, 1), (3, 2), (6, 1), (6, 2)]
    assert sweep[["c_npmi", "u_mass", "c_v", "perplexity"]].notna().all().all()
    assert sweep["c_npmi"].between(-1, 1).all() and sweep["c_v"].between(0, 1).all()
    assert (sweep["u_mass"] <= 0).all()
    # perplexity is a per-word quantity larger than 1 and below the vocabulary size
    assert (sweep["perplexity"] > 1).all()
    assert (sweep["n_heldout"] == round(0.2 * len(paragraphs))).all()
    suggestion = topics.suggest_k(sweep)
    assert suggestion.k in (3, 6) and "K=" in suggestion.reason
    fig = topics.plot_k_sweep(sweep, suggestion=suggestion)
    assert len(fig.axes) == 4


def test_the_k_sweep_plot_takes_seeds_that_agree_to_the_last_digit():
    # the mean of three equal values can differ from them by 1e-18, which made matplotlib refuse a negative bar
    same = -0.09180529521276107
    assert pd.Series([same] * 3).mean() - same < 0
    sweep = pd.DataFrame({"k": [4] * 3 + [6] * 3, "seed": [1, 2, 3] * 2, "c_npmi": [same] * 3 + [0.01, 0.02, 0.03],
                          "u_mass": [-2.0] * 6, "c_v": [0.5] * 6, "perplexity": [900.0] * 6})
    fig = topics.plot_k_sweep(sweep, suggestion=topics.suggest_k(sweep))
    assert len(fig.axes) == 4


def test_suggest_k_prefers_smaller_k_within_one_standard_error():
    # K=10 has the best mean; K=5 is within one SE of it, K=15 is not better -> 5
    noisy = pd.DataFrame({"k": [5, 5, 10, 10, 15, 15], "c_npmi": [0.05, 0.07, 0.04, 0.10, 0.02, 0.03]})
    assert topics.suggest_k(noisy).k == 5
    # with tight seeds the gain of K=10 is real -> 10
    tight = pd.DataFrame({"k": [5, 5, 10, 10, 15, 15], "c_npmi": [0.05, 0.051, 0.09, 0.091, 0.02, 0.03]})
    result = topics.suggest_k(tight)
    assert result.k == 10
    assert result.summary.loc[result.summary["suggested"], "k"].tolist() == [10]
    assert not result.at_edge and "outside the grid" not in result.reason
    # the best mean at the largest K tried: the grid may stop too early, and the reason says so
    rising = pd.DataFrame({"k": [5, 5, 10, 10, 15, 15], "c_npmi": [0.01, 0.011, 0.05, 0.051, 0.09, 0.091]})
    edge = topics.suggest_k(rising)
    assert edge.k == 15 and edge.at_edge and "largest K tried (15)" in edge.reason and "upwards" in edge.reason
    falling = rising.assign(c_npmi=rising["c_npmi"][::-1].to_numpy())
    assert topics.suggest_k(falling).at_edge and "downwards" in topics.suggest_k(falling).reason
    with pytest.raises(TopicModelError, match="c_v"):
        topics.suggest_k(tight, measure="c_v")


def test_suggest_k_minimises_perplexity_and_knows_k_cannot_go_below_two():
    # perplexity: lower is better; K=10 is lowest, K=5 within one SE of it -> 5; tight seeds -> 10
    noisy = pd.DataFrame({"k": [5, 5, 10, 10, 15, 15], "perplexity": [900, 1000, 850, 1000, 1500, 1600]})
    assert topics.suggest_k(noisy, measure="perplexity").k == 5
    tight = pd.DataFrame({"k": [5, 5, 10, 10, 15, 15], "perplexity": [900, 901, 800, 801, 1500, 1501]})
    result = topics.suggest_k(tight, measure="perplexity")
    assert result.k == 10 and not result.at_edge and "lowest mean perplexity" in result.reason
    rising = pd.DataFrame({"k": [5, 5, 10, 10], "perplexity": [500, 501, 900, 901]})
    assert topics.suggest_k(rising, measure="perplexity").k == 5
    assert "downwards" in topics.suggest_k(rising, measure="perplexity").reason
    # the best coherence at K=2: there is no smaller K to try
    at_two = pd.DataFrame({"k": [2, 2, 4, 4], "c_npmi": [0.09, 0.091, 0.02, 0.021]})
    suggestion = topics.suggest_k(at_two)
    assert suggestion.k == 2 and not suggestion.at_edge
    assert "downwards" not in suggestion.reason and "smallest K possible" in suggestion.reason


def test_single_values_and_whole_numbers_are_checked_before_fitting(paragraphs, model, monkeypatch):
    one = topics.estimate_effect(model, formula="year", topics=0)
    pd.testing.assert_frame_equal(one, topics.estimate_effect(model, formula="year", topics=[0]))
    for k in (2.5, "8", True):
        with pytest.raises(TopicModelError, match="whole number"):
            topics.fit_lda(paragraphs, k=k, seed=1, passes=1, min_doc_freq=3)
    assert topics.fit_lda(paragraphs, k=3.0, seed=1, passes=1, min_doc_freq=3).k == 3
    # every K is checked against the documents before any model is fitted
    fitted = []
    real_fit = topics.fit_lda
    monkeypatch.setattr(topics, "fit_lda", lambda *a, **kw: fitted.append(kw["k"]) or real_fit(*a, **kw))
    with pytest.raises(TopicModelError, match=r"k_values \[400\]"):
        topics.k_sweep(paragraphs, k_values=[2, 400], seeds=[1], passes=1, min_doc_freq=3, progress=False)
    assert fitted == []
    single = topics.k_sweep(paragraphs, k_values=3, seeds=1, passes=1, min_doc_freq=3, measures=["u_mass"],
                            progress=False)
    assert single["k"].tolist() == [3] and fitted == [3]


def test_with_labels_takes_lists_and_t_keys_and_rejects_duplicate_keys(model):
    names = [f"主题{t}" for t in range(model.k)]
    assert model.with_labels(names).labels == names
    with pytest.raises(TopicModelError, match="one label per topic"):
        model.with_labels(names[:-1])
    relabelled = model.with_labels({"T0": "生态", 2.0: "民生", "t3": "产业"})
    assert relabelled.labels[0] == "生态" and relabelled.labels[2] == "民生" and relabelled.labels[3] == "产业"
    assert relabelled.labels[1] == model.labels[1]
    # ({0: "a", 0.0: "b"} is one key already: Python merges equal keys when building the dict)
    for duplicated in ({0: "a", "0": "b"}, {0: "a", "T0": "b"}, {1.0: "a", "t1": "b"}):
        with pytest.raises(TopicModelError, match="two keys"):
            model.with_labels(duplicated)
    for bad in ({"X1": "a"}, {0.5: "a"}, {model.k: "a"}):
        with pytest.raises(TopicModelError):
            model.with_labels(bad)


def test_align_topics_recovers_a_permutation(model):
    permutation = np.array([3, 0, 5, 1, 4, 2])
    shuffled = dataclasses.replace(
        model, lda=types.SimpleNamespace(get_topics=lambda: model.topic_word[permutation], num_topics=model.k))
    aligned = topics.align_topics(model, shuffled)
    # reference topic t is found at the position where the permutation put it
    assert aligned.set_index("topic")["matched_topic"].to_dict() == {int(t): int(i) for i, t in enumerate(permutation)}
    np.testing.assert_allclose(aligned["similarity"], 1.0)


def test_topic_stability_flags_topics_that_do_not_recur(paragraphs):
    result = topics.topic_stability(paragraphs, k=5, seeds=[1, 2, 3], passes=3, min_doc_freq=3, progress=False)
    assert list(result.topics["topic"]) == list(range(5))
    assert result.topics["stability"].between(0, 1).all()
    assert (result.topics["min_similarity"] <= result.topics["stability"] + 1e-12).all()
    # every other seed's topics are matched one-to-one
    for _, part in result.matches.groupby("seed"):
        assert sorted(part["matched_topic"]) == list(range(5))
    expected_flags = result.matches.assign(ok=result.matches["similarity"] >= 0.5).groupby("topic")["ok"].mean() < 0.5
    assert result.topics["flagged"].tolist() == expected_flags.tolist()
    with pytest.raises(TopicModelError, match="two distinct seeds"):
        topics.topic_stability(paragraphs, k=5, seeds=[1, 1])
    topics.plot_stability(result)


# --------------------------------------------------------------------------------------------------
# Tables and labels
# --------------------------------------------------------------------------------------------------
def test_top_terms_rank_by_probability_and_relevance(model):
    by_probability = topics.top_terms(model, n=10, lambda_=1.0)
    for topic, part in by_probability.groupby("topic"):
        assert part["probability"].is_monotonic_decreasing
        assert part["probability"].iloc[0] == pytest.approx(model.topic_word[topic].max())
    by_relevance = topics.top_terms(model, n=10, lambda_=0.6)
    p_w = model.term_frequency / model.term_frequency.sum()
    row = by_relevance.iloc[0]
    term_id = model.dictionary.token2id[row["term"]]
    phi = model.topic_word[row["topic"], term_id]
    assert row["relevance"] == pytest.approx(0.6 * np.log(phi) + 0.4 * np.log(phi / p_w[term_id]))
    assert row["lift"] == pytest.approx(phi / p_w[term_id])
    by_lift = topics.top_terms(model, n=5, lambda_=0.0)
    assert all(part["lift"].is_monotonic_decreasing for _, part in by_lift.groupby("topic"))


def test_auto_labels_and_label_file_override(model, tmp_path):
    labels = topics.auto_labels(model)
    assert len(set(labels)) == model.k
    for topic, label in enumerate(labels):
        assert re.fullmatch(rf"T{topic} \S+·\S+·\S+", label)
    csv = tmp_path / "labels.csv"
    csv.write_text("topic,label\n0,生态环境\n2,营商环境\n", encoding="utf-8")
    relabelled = dataclasses.replace(model).with_labels(csv)
    assert relabelled.labels[0] == "生态环境" and relabelled.labels[2] == "营商环境"
    assert relabelled.labels[1] == labels[1]
    table = topics.topic_table(relabelled, n_terms=5)
    assert table.loc[0, "label"] == "生态环境"
    yaml_file = tmp_path / "labels.yaml"
    yaml_file.write_text("1: 城市更新\n", encoding="utf-8")
    assert topics.read_label_file(yaml_file, k=6) == {1: "城市更新"}


@pytest.mark.parametrize(
    "content, message",
    [("topic,label\n9,太大\n", "outside 0..5"), ("topic,label\n1,a\n1,b\n", "labelled twice"),
     ("topic,name\n1,a\n", "missing column"), ("topic,label\nx,a\n", "not a topic number")],
)
def test_bad_label_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TopicModelError, match=message) as error:
        topics.read_label_file(path, k=6)
    assert "bad.csv" in str(error.value)
    with pytest.raises(TopicModelError, match="does not exist"):
        topics.read_label_file(tmp_path / "missing.csv")


def test_topic_table_has_terms_coherence_and_shares(paragraphs, model):
    table = topics.topic_table(model, n_terms=8, texts=paragraphs["tokens"])
    assert list(table["topic"]) == list(range(model.k))
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["c_npmi"].between(-1, 1).all()
    assert all(len(terms.split()) == 8 for terms in table["top_terms"])


def test_representative_documents_are_the_top_paragraphs(model):
    reps = topics.representative_documents(model, n=2, min_tokens=10)
    assert {"doc_id", "section", "para_id", "text"} <= set(reps.columns)
    eligible = (model.documents["n_tokens"] >= 10).to_numpy()
    for topic in range(model.k):
        best = np.nanmax(model.theta[eligible, topic])
        top = reps[(reps["topic"] == topic) & (reps["rank"] == 1)]
        assert top["share"].iloc[0] == pytest.approx(best)
    assert (reps["text"].str.len() > 0).all()
    assert (reps["note"] == "").all()  # on the seed reports every topic has long paragraphs it dominates


def test_representative_documents_say_when_no_paragraph_expresses_a_topic(model):
    n_tokens = model.documents.set_index(["doc_id", "para_id"])["n_tokens"]
    # no paragraph is long enough: the strongest short ones are taken, and marked
    short = topics.representative_documents(model, n=2, min_tokens=10_000, min_share=0.3)
    for row in short.itertuples():
        assert row.note == f"only {n_tokens[(row.doc_id, row.para_id)]} tokens" and row.share >= 0.3
    # a share no paragraph reaches: the best paragraphs by share, each marked
    weak = topics.representative_documents(model, n=2, min_share=1.01)
    assert weak["note"].str.contains("topic share below 1.01").all()
    for topic in range(model.k):
        assert weak.loc[weak["topic"] == topic, "share"].iloc[0] == pytest.approx(np.nanmax(model.theta[:, topic]))
    # long paragraphs where the topic is strong come before strong short ones, and those before weak ones
    mixed = topics.representative_documents(model, n=40, min_tokens=30, min_share=0.5)
    for topic, rows in mixed.groupby("topic"):
        tier = [0 if not note else 1 if note.startswith("only") else 2 for note in rows["note"]]
        assert tier == sorted(tier)


# --------------------------------------------------------------------------------------------------
# Prevalence and regression
# --------------------------------------------------------------------------------------------------
def test_prevalence_is_the_group_mean_with_bootstrap_intervals(model):
    prevalence = topics.topic_prevalence(model, by="section", n_boot=300, seed=0)
    shares = topics.document_topics(model).dropna(subset=["T0"]).groupby("section")[[f"T{t}" for t in range(6)]].mean()
    for row in prevalence.itertuples():
        assert row.share == pytest.approx(shares.loc[row.section, f"T{row.topic}"])
        assert row.ci_low <= row.share + 1e-9 and row.share - 1e-9 <= row.ci_high
    assert (prevalence["ci_high"] > prevalence["ci_low"]).any()
    again = topics.topic_prevalence(model, by="section", n_boot=300, seed=0)
    pd.testing.assert_frame_equal(prevalence, again)
    overall = topics.topic_prevalence(model, n_boot=50)
    assert overall["share"].sum() == pytest.approx(1.0)
    with pytest.raises(TopicModelError, match="unknown column"):
        topics.topic_prevalence(model, by="province_code")


def test_within_report_bootstrap_holds_reports_fixed(model):
    # make every paragraph of a report identical: resampling within reports cannot move the mean,
    # resampling whole reports can
    frame = model.documents
    theta = model.theta.copy()
    valid = ~np.isnan(theta[:, 0])
    for doc_id, index in frame[valid].groupby("doc_id").groups.items():
        theta[index] = theta[index].mean(axis=0)
    flat = dataclasses.replace(model, theta=theta)
    within = topics.topic_prevalence(flat, by="section", n_boot=200)
    np.testing.assert_allclose(within["ci_high"] - within["ci_low"], 0, atol=1e-12)
    across = topics.topic_prevalence(flat, by="section", n_boot=200, resample="reports")
    assert (across["ci_high"] - across["ci_low"] > 1e-6).all()


def test_resampling_reports_gives_no_interval_for_a_group_of_one_report(model):
    n_reports = model.documents.groupby("region")["doc_id"].nunique()
    assert (n_reports == 1).all()
    with pytest.warns(UserWarning, match="one report"):
        by_region = topics.topic_prevalence(model, by="region", n_boot=100, resample="reports")
    assert by_region[["ci_low", "ci_high"]].isna().all().all() and by_region["share"].notna().all()
    assert by_region["note"].str.contains("one report").all()
    # groups of several reports keep their intervals and an empty note
    with pytest.warns(UserWarning, match="2 group"):
        by_city = topics.topic_prevalence(model, by="city", n_boot=100, resample="reports")
    several = by_city["n_reports"] > 1
    assert several.any() and (by_city.loc[several, "ci_high"] > by_city.loc[several, "ci_low"]).any()
    assert (by_city.loc[several, "note"] == "").all()
    assert by_city.loc[~several, "ci_low"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        overall = topics.topic_prevalence(model, n_boot=100, resample="reports")
    assert (overall["ci_high"] > overall["ci_low"]).all() and (overall["note"] == "").all()


def test_estimate_effect_matches_difference_of_means_with_clustered_errors(model):
    # review and plan paragraphs only: two parameters for five reports, so clustered errors are defined
    keep = model.documents["section"].isin(["review", "plan"]).to_numpy()
    two_sections = dataclasses.replace(model, documents=model.documents[keep].reset_index(drop=True),
                                       theta=model.theta[keep])
    effects = topics.estimate_effect(two_sections, formula="C(section, Treatment('review'))", topics=[0, 1])
    frame = topics.document_topics(two_sections).dropna(subset=["T0"])
    n_reports = frame["doc_id"].nunique()
    for topic in (0, 1):
        means = frame.groupby("section")[f"T{topic}"].mean()
        part = effects[effects["topic"] == topic].set_index("term")
        assert part.loc["Intercept", "estimate"] == pytest.approx(means["review"])
        assert part.loc["C(section, Treatment('review'))[T.plan]", "estimate"] == pytest.approx(
            means["plan"] - means["review"])
        assert (part["n_clusters"] == n_reports).all() and (part["std_error"] > 0).all()
        # intervals and p-values from t with (clusters - 1) degrees of freedom, not the normal
        from scipy import stats

        t = stats.t(df=n_reports - 1)
        half = part["ci_high"] - part["estimate"]
        assert half.to_numpy() == pytest.approx(t.ppf(0.975) * part["std_error"].to_numpy())
        assert part["p_value"].to_numpy() == pytest.approx(
            2 * t.sf((part["estimate"] / part["std_error"]).abs().to_numpy()))
    assert (effects["note"].str.contains("clusters") == (n_reports < 20)).all()
    # where= selects the same documents from the whole model
    pd.testing.assert_frame_equal(
        effects, topics.estimate_effect(model, formula="C(section, Treatment('review'))", topics=[0, 1],
                                        where="section in ['review', 'plan']"))
    with pytest.raises(TopicModelError, match=r"where='secton == 1' cannot be evaluated"):
        topics.estimate_effect(model, formula="year", where="secton == 1")
    with pytest.raises(TopicModelError, match="right-hand side"):
        topics.estimate_effect(model, formula="share ~ year")
    with pytest.raises(TopicModelError, match="could not be used"):
        topics.estimate_effect(model, formula="C(no_such_column)")


def test_estimate_effect_rejects_collinear_terms_and_degenerate_clustered_errors(model):
    documents = model.documents.copy()
    documents["const"] = 1.0
    documents["place"] = documents["region"]
    extended = dataclasses.replace(model, documents=documents)
    n_reports = documents["doc_id"].nunique()
    assert documents.groupby("doc_id")["place"].nunique().eq(1).all() and documents["place"].nunique() == n_reports
    # one dummy per report: as many parameters as clusters, so no clustered standard errors
    by_place = topics.estimate_effect(extended, formula="C(place)", topics=[0])
    assert len(by_place) == n_reports and by_place["estimate"].notna().all()
    assert by_place[["std_error", "ci_low", "ci_high", "p_value"]].isna().all().all()
    assert by_place["note"].str.contains("fewer parameters than clusters").all()
    # the intercept is still the mean share of the reference place
    frame = topics.document_topics(model).dropna(subset=["T0"])
    reference = sorted(documents["place"].unique())[0]
    assert by_place.set_index("term").loc["Intercept", "estimate"] == pytest.approx(
        frame.loc[frame["region"] == reference, "T0"].mean())
    for formula in ("year + const", "year + C(place)"):
        with pytest.raises(TopicModelError, match=r"collinear") as error:
            topics.estimate_effect(extended, formula=formula, topics=[0])
        assert formula in str(error.value)
    fine = topics.estimate_effect(extended, formula="year", topics=[0])
    assert (fine["std_error"] > 0).all() and not fine["note"].str.contains("fewer parameters").any()


def test_plots_render_chinese_without_missing_glyphs(model, tmp_path):
    by_section = topics.topic_prevalence(model, by="section", n_boot=50)
    by_year = topics.topic_prevalence(model, by="year", n_boot=50)
    by_region = topics.topic_prevalence(model, by="region", n_boot=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        for name, fig in {
            "heatmap": topics.plot_prevalence_heatmap(by_region, by="region"),
            "years": topics.plot_shares_over_years(by_year),
            "review_plan": topics.plot_review_vs_plan(by_section),
        }.items():
            fig.savefig(tmp_path / f"{name}.png")
            assert (tmp_path / f"{name}.png").stat().st_size > 5000


# --------------------------------------------------------------------------------------------------
# Save / load and viewer
# --------------------------------------------------------------------------------------------------
def test_save_and_load_round_trip_with_manifest(model, tmp_path):
    path = topics.save_model(model, tmp_path / "model")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["params"]["k"] == 6 and manifest["params"]["seed"] == 1
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["corpus_hash"])
    assert {"gensim", "numpy", "pandas", "python"} <= set(manifest["libraries"])
    loaded = topics.load_model(path)
    assert np.array_equal(loaded.topic_word, model.topic_word)
    assert np.array_equal(loaded.theta, model.theta, equal_nan=True)
    assert loaded.labels == model.labels and loaded.vocabulary == model.vocabulary
    pd.testing.assert_frame_equal(loaded.documents, model.documents, check_dtype=False)
    # saving again gives byte-identical files (no timestamps anywhere, gensim's included)
    second = topics.save_model(model, tmp_path / "model2")
    names = sorted(p.name for p in path.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) >= 6
    for name in names:
        assert (second / name).read_bytes() == (path / name).read_bytes(), name
    (path / "labels.json").unlink()
    with pytest.raises(TopicModelError, match="missing"):
        topics.load_model(path)


def test_corpus_hash_changes_with_tokens(paragraphs):
    base = topics.corpus_hash(paragraphs)
    assert base == topics.corpus_hash(paragraphs.copy())
    changed = paragraphs.copy()
    changed.at[changed.index[0], "tokens"] = [*changed.at[changed.index[0], "tokens"], "额外"]
    assert topics.corpus_hash(changed) != base


@pytest.fixture(scope="module")
def viewer_path(model, tmp_path_factory):
    return topic_viewer.save_viewer(model, tmp_path_factory.mktemp("viewer") / "viewer.html")


def test_viewer_html_is_self_contained(model, viewer_path):
    html = viewer_path.read_text(encoding="utf-8")
    # nothing is fetched: no external script, stylesheet, import or CSS url (links in licence comments and
    # the LDAvis footnotes are text, not loads)
    assert not re.search(r"<script[^>]*\ssrc=|<link\b|@import|url\(\s*['\"]?https?:", html)
    assert "cdn.jsdelivr" not in html
    for label in model.labels:
        assert label in html
    assert topic_viewer.viewer_html(model) == html  # deterministic


def test_viewer_embeds_a_font_with_every_chinese_character_it_shows(model, viewer_path):
    import base64
    import io

    from fontTools.ttLib import TTFont

    page = viewer_path.read_text(encoding="utf-8")
    embedded = re.search(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", page)
    assert embedded, "no embedded font: a reader without a Chinese system font would see boxes"
    cmap = TTFont(io.BytesIO(base64.b64decode(embedded.group(1)))).getBestCmap()
    shown = page.replace(embedded.group(0), "")
    chinese = {ch for ch in shown if "\u4e00" <= ch <= "\u9fff"}
    assert len(chinese) > 100 and all(ord(ch) in cmap for ch in chinese)
    assert "svg text{font-family:'RA Noto Sans CJK SC'" in page  # the chart's own text uses it too


@pytest.mark.skipif(topic_viewer.find_chromium() is None, reason="chromium is not installed")
def test_viewer_renders_offline_in_headless_chromium(model, viewer_path):
    counts = topic_viewer.render_check(viewer_path)
    assert counts["svg"] >= 1
    assert counts["circles"] >= model.k  # one circle per topic (plus the legend circles)
    assert counts["bars"] >= 10


# --------------------------------------------------------------------------------------------------
# National corpus
# --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_national_corpus_end_to_end(tmp_path):
    paragraphs = _tokenized_paragraphs(NATIONAL)
    assert paragraphs["year"].notna().all() and paragraphs["doc_id"].nunique() >= 50
    sweep = topics.k_sweep(paragraphs, k_values=[8, 12], seeds=[1, 2], passes=2, progress=False)
    suggestion = topics.suggest_k(sweep)
    assert suggestion.k in (8, 12) and sweep["c_npmi"].notna().all()
    stability = topics.topic_stability(paragraphs, k=suggestion.k, seeds=[1, 2], passes=3, progress=False)
    model = stability.models[1]
    assert len(stability.topics) == suggestion.k
    terms = topics.top_terms(model, n=10)
    assert not set(terms["term"]) & BOILERPLATE
    table = topics.topic_table(model, texts=paragraphs["tokens"], stability=stability)
    assert table["stability"].notna().all()
    by_year = topics.topic_prevalence(model, by="year", n_boot=100)
    assert by_year["year"].nunique() == paragraphs["year"].nunique()
    assert (by_year["ci_low"] <= by_year["ci_high"]).all()
    effects = topics.estimate_effect(model, formula="year", topics=[0])
    assert effects["n_clusters"].iloc[0] == paragraphs["doc_id"].nunique()
    path = topic_viewer.save_viewer(model, tmp_path / "national.html")
    if topic_viewer.find_chromium() is not None:
        assert topic_viewer.render_check(path)["circles"] >= model.k
