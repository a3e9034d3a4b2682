"""Topic-model benchmark: coherence of our pipeline against plain LDA, and fit time against tomotopy.

On each bundled corpus (the seed district reports and the national State Council reports, paragraph level):

* **Coherence.** ``ours``: the package's default pipeline, ``topics.prepare_documents`` (policy lexicon,
  stopwords, place names masked, nouns and verbs kept: ``topics.TOPIC_POS``) and ``topics.fit_lda`` defaults
  (``min_doc_freq=5``, ``max_doc_share=0.3``, passes from ``topics.default_passes``). ``ours_all_pos``: the same
  with every part of speech kept (``pos=None``), to show what the part-of-speech filter does. ``naive``:
  ``jieba.lcut`` with no lexicon and no stopwords (only whitespace and punctuation tokens dropped, so that the
  baseline is not a straw man) and no maximum document share. All fit gensim ``LdaModel`` with the same K, seeds
  and passes rule (``--passes N`` fixes the passes of every fit); c_npmi (top 10 terms) is averaged over seeds,
  measured the same way for every pipeline on its own tokens: in windows of 10 tokens of the corpus together with
  the other bundled corpus, tokenized by the pipeline's tokenizer for this corpus (``c_npmi_reference``, the
  headline: what notebook 02 does with ``reference_path``), in windows of the corpus alone (``c_npmi``), and in
  whole paragraphs (``c_npmi_paragraph``, which does not depend on how many tokens a pipeline drops between two
  words). ``--reference-size`` shows why the headline needs the reference: national topics scored on subsets of
  the national paragraphs the size of the seed corpus rank plain LDA's function-word topics first.
  ``c_v`` (gensim's default windows of 110 tokens, NPMI-based context vectors compared by cosine) is the measure
  Röder, Both and Hinneburg (2015) found closest to human judgements of topic quality.
  We also count the boilerplate terms (发展, 建设, 推进, ... ) among the topics' top 10 terms, and compare ours
  with naive seed by seed (the same K and seed): the mean difference of each measure and on how many seeds ours
  scores higher. Seeds 1-10 on both corpora (gensim's topics of the national corpus differ from seed to seed:
  three seeds gave 0.059 ± 0.005 in one run and 0.046 ± 0.026 in another).
* **Fit time.** ``fit_lda`` (gensim variational Bayes, one process) against tomotopy ``LDAModel`` (collapsed Gibbs
  sampling, one worker) on the same token lists and K; the tomotopy topics are scored with the same c_npmi.

Results: ``benchmarks/out/topics/bench_topics.csv`` and ``bench_topics.md`` (the table printed at the end).

Example::

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bench_topics.py            # both corpora, default seeds
    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bench_topics.py --corpora seeds --seeds 1
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from reportlab_analysis import topics  # noqa: E402

CORPORA = {"seeds": REPO_ROOT / "data" / "raw", "national": REPO_ROOT / "data" / "national" / "national_gwr.jsonl"}
K = {"seeds": 8, "national": 15}
DEFAULT_SEEDS = {"seeds": list(range(1, 11)), "national": list(range(1, 11))}
PIPELINES = ("ours", "ours_all_pos", "naive")
#: a window longer than any paragraph: NPMI of co-occurrence in the same paragraph
PARAGRAPH_WINDOW = 1_000_000
BOILERPLATE = ["发展", "建设", "推进", "加强", "推动", "实施", "工作", "全面", "坚持", "加快", "提高", "进一步"]
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]")


def load_paragraphs(path: Path, *, pos=topics.TOPIC_POS):
    """Paragraphs (appendix excluded) of a bundled corpus, tokenized as ``topics.prepare_documents`` does by
    default (``Tokenizer.for_corpus`` with ``pos``: lexicon, stopwords, the corpus' place names and speakers
    masked, nouns and verbs kept), without the token cache so that the tokenizing time is real; and the tokenizer,
    which tokenizes the reference texts of coherence the same way (``topics.reference_texts``)."""
    from reportlab_analysis import load_corpus
    from reportlab_analysis.tokenize import Tokenizer

    corpus = load_corpus(path)
    tokenizer = Tokenizer.for_corpus(corpus, cache=False, pos=pos)
    paragraphs = topics.prepare_documents(corpus, unit="paragraph", metadata=["region", "year"], tokenizer=tokenizer)
    return paragraphs, tokenizer


def _body_paragraphs(path: Path) -> list[str]:
    from reportlab_analysis import load_corpus

    return load_corpus(path).paragraphs(include_appendix=False)["text"].tolist()


def naive_tokens(texts: list[str]) -> list[list[str]]:
    """Plain ``jieba.lcut``: no lexicon, no stopwords; whitespace and punctuation dropped."""
    import jieba

    jieba.setLogLevel(60)
    return [[w for w in jieba.lcut(text) if _WORDLIKE.search(w)] for text in texts]


def boilerplate_in_top_terms(model: topics.TopicModel) -> int:
    terms = topics.top_terms(model, n=10, lambda_=1.0)
    return int(terms["term"].isin(BOILERPLATE).sum())


def tomotopy_fit(texts: list[list[str]], *, k: int, seed: int, iterations: int):
    import tomotopy

    model = tomotopy.LDAModel(k=k, seed=seed)
    for tokens in texts:
        if tokens:
            model.add_doc(tokens)
    model.train(iterations, workers=1)
    return model


def tomotopy_npmi(model, texts: list[list[str]], dictionary, window_size: int | None = None,
                  measure: str = "c_npmi") -> float:
    from gensim.models.coherencemodel import CoherenceModel

    top = [[w for w, _ in model.get_topic_words(t, top_n=10)] for t in range(model.k)]
    cm = CoherenceModel(topics=top, texts=texts, dictionary=dictionary, coherence=measure, topn=10, processes=1,
                        window_size=window_size)
    return float(np.nanmean(cm.get_coherence_per_topic()))


def run(corpora: list[str], seeds: dict[str, list[int]], passes: int | None, tomotopy_iterations: int) -> pd.DataFrame:
    # Tokenize every bundled corpus with every pipeline first, and each corpus' reference texts for coherence
    # ("c_npmi_reference" below).
    prepared, reference = {}, {}
    for name in CORPORA:
        other = next(path for other_name, path in CORPORA.items() if other_name != name)
        started = time.perf_counter()
        paragraphs, ours_tokenizer = load_paragraphs(CORPORA[name])
        tokenize_ours = time.perf_counter() - started  # includes loading the corpus
        started = time.perf_counter()
        all_pos_paragraphs, all_pos_tokenizer = load_paragraphs(CORPORA[name], pos=None)
        all_pos = all_pos_paragraphs["tokens"].tolist()
        tokenize_all_pos = time.perf_counter() - started
        started = time.perf_counter()
        naive = naive_tokens(paragraphs["text"].tolist())
        tokenize_naive = time.perf_counter() - started
        prepared[name] = (paragraphs, {"ours": (paragraphs["tokens"].tolist(), tokenize_ours),
                                       "ours_all_pos": (all_pos, tokenize_all_pos),
                                       "naive": (naive, tokenize_naive)})
        # the reference: this corpus plus the other bundled one, tokenized by each pipeline's own tokenizer for
        # this corpus (what notebook 02 does with reference_path)
        reference[name] = {"ours": topics.reference_texts(paragraphs, other, tokenizer=ours_tokenizer),
                           "ours_all_pos": topics.reference_texts(all_pos_paragraphs, other,
                                                                  tokenizer=all_pos_tokenizer),
                           "naive": naive + naive_tokens(_body_paragraphs(other))}
    # fit_lda's defaults (min_doc_freq=5, max_doc_share=0.3, adaptive passes) unless said otherwise
    filters = {"ours": {}, "ours_all_pos": {}, "naive": {"max_doc_share": 1.0}}
    rows = []
    for name in corpora:
        paragraphs, tokenized = prepared[name]
        k = K[name]
        for pipeline, (tokens, tokenize_seconds) in tokenized.items():
            docs = paragraphs[["doc_id", "section", "para_id"]].assign(tokens=tokens)
            for seed in seeds[name]:
                started = time.perf_counter()
                model = topics.fit_lda(docs, k=k, seed=seed, passes=passes, **filters[pipeline])
                fit_seconds = time.perf_counter() - started
                rows.append({
                    "corpus": name, "pipeline": pipeline, "engine": "gensim", "seed": seed, "k": k,
                    "documents": len(docs), "terms": len(model.dictionary), "passes": model.params["passes"],
                    "tokenize_s": tokenize_seconds, "fit_s": fit_seconds,
                    "c_npmi": topics.coherence(model, tokens, measure="c_npmi"),
                    "c_npmi_paragraph": topics.coherence(model, tokens, measure="c_npmi",
                                                         window_size=PARAGRAPH_WINDOW),
                    "c_npmi_reference": topics.coherence(model, reference[name][pipeline], measure="c_npmi"),
                    "c_v": topics.coherence(model, tokens, measure="c_v"),
                    "boilerplate_in_top10": boilerplate_in_top_terms(model),
                    "example_topic": " ".join(topics.top_terms(model, n=6).query("topic == 0")["term"]),
                })
                print(f"{name:9} {pipeline:12} gensim   seed {seed}: c_npmi {rows[-1]['c_npmi']:.4f} "
                      f"(paragraph {rows[-1]['c_npmi_paragraph']:.4f}, reference "
                      f"{rows[-1]['c_npmi_reference']:.4f}), passes {model.params['passes']}, fit {fit_seconds:.1f}s, "
                      f"boilerplate {rows[-1]['boilerplate_in_top10']}", flush=True)
                if pipeline == "ours":
                    # tomotopy on exactly the token lists gensim saw (terms kept by the same dictionary)
                    kept = [[t for t in doc if t in model.dictionary.token2id] for doc in tokens]
                    started = time.perf_counter()
                    tm = tomotopy_fit(kept, k=k, seed=seed, iterations=tomotopy_iterations)
                    tm_seconds = time.perf_counter() - started
                    rows.append({
                        "corpus": name, "pipeline": pipeline, "engine": "tomotopy", "seed": seed, "k": k,
                        "documents": len(docs), "terms": len(model.dictionary), "passes": np.nan,
                        "tokenize_s": tokenize_seconds, "fit_s": tm_seconds,
                        "c_npmi": tomotopy_npmi(tm, tokens, model.dictionary),
                        "c_npmi_paragraph": tomotopy_npmi(tm, tokens, model.dictionary, window_size=PARAGRAPH_WINDOW),
                        "c_npmi_reference": tomotopy_npmi(tm, reference[name][pipeline], model.dictionary),
                        "c_v": tomotopy_npmi(tm, tokens, model.dictionary, measure="c_v"),
                        "boilerplate_in_top10": int(sum(w in BOILERPLATE for t in range(k)
                                                        for w, _ in tm.get_topic_words(t, top_n=10))),
                        "example_topic": " ".join(w for w, _ in tm.get_topic_words(0, top_n=6)),
                    })
                    print(f"{name:9} {pipeline:12} tomotopy seed {seed}: c_npmi {rows[-1]['c_npmi']:.4f}, "
                          f"fit {tm_seconds:.1f}s", flush=True)
    return pd.DataFrame(rows)


def reference_size(seeds: list[int], sizes: list[int], repeats: int, k: int = 15) -> pd.DataFrame:
    """How many paragraphs window coherence needs to rank two sets of topics: ours and naive are fitted on all
    national paragraphs, then scored on random subsets of ``sizes`` paragraphs (``repeats`` each), and on five
    random whole reports, about the size of the seed corpus."""
    paragraphs, _ = load_paragraphs(CORPORA["national"])
    ours = paragraphs["tokens"].tolist()
    naive = naive_tokens(paragraphs["text"].tolist())
    base = paragraphs[["doc_id", "section", "para_id"]]
    rng = np.random.default_rng(0)
    reports = paragraphs["doc_id"].unique()
    rows = []
    for seed in seeds:
        fitted = {"ours": topics.fit_lda(base.assign(tokens=ours), k=k, seed=seed),
                  "naive": topics.fit_lda(base.assign(tokens=naive), k=k, seed=seed, max_doc_share=1.0)}
        subsets = [("all paragraphs", np.arange(len(ours)))]
        subsets += [(f"{size} random paragraphs", rng.choice(len(ours), size=size, replace=False))
                    for size in sizes for _ in range(repeats)]
        subsets += [("5 random reports",
                     np.flatnonzero(paragraphs["doc_id"].isin(rng.choice(reports, 5, replace=False))))
                    for _ in range(repeats)]
        for subset, rows_taken in subsets:
            scores = {name: topics.coherence(model, [texts[i] for i in rows_taken], measure="c_npmi")
                      for (name, model), texts in zip(fitted.items(), (ours, naive))}
            rows.append({"seed": seed, "subset": subset, "paragraphs": len(rows_taken), **scores,
                         "difference": scores["ours"] - scores["naive"]})
        print(f"reference size, seed {seed} done", flush=True)
    return pd.DataFrame(rows)


def summarize_reference_size(results: pd.DataFrame) -> pd.DataFrame:
    return (results.groupby("subset", sort=False)
            .agg(paragraphs=("paragraphs", "mean"), scored=("seed", "size"), ours=("ours", "mean"),
                 naive=("naive", "mean"), difference=("difference", "mean"), difference_sd=("difference", "std"),
                 ours_higher=("difference", lambda d: f"{int((d > 0).sum())} of {len(d)}"))
            .reset_index())


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    return (results.groupby(["corpus", "pipeline", "engine"], sort=False)
            .agg(k=("k", "first"), documents=("documents", "first"), terms=("terms", "first"),
                 passes=("passes", "first"), seeds=("seed", "size"), c_npmi_mean=("c_npmi", "mean"),
                 c_npmi_sd=("c_npmi", "std"), c_npmi_paragraph=("c_npmi_paragraph", "mean"),
                 c_npmi_paragraph_sd=("c_npmi_paragraph", "std"), c_npmi_reference=("c_npmi_reference", "mean"),
                 c_npmi_reference_sd=("c_npmi_reference", "std"), c_v=("c_v", "mean"), c_v_sd=("c_v", "std"),
                 fit_s_mean=("fit_s", "mean"), boilerplate_in_top10=("boilerplate_in_top10", "mean"))
            .reset_index())


MEASURES = ("c_npmi_reference", "c_npmi", "c_npmi_paragraph", "c_v")


def paired(results: pd.DataFrame) -> pd.DataFrame:
    """Ours against naive seed by seed (same corpus, K and seed; gensim): the mean difference of each measure, its
    sd, and on how many seeds ours scores higher."""
    gensim_rows = results[results["engine"] == "gensim"]
    rows = []
    for corpus, group in gensim_rows.groupby("corpus", sort=False):
        wide = group.pivot(index="seed", columns="pipeline", values=list(MEASURES))
        for measure in MEASURES:
            difference = wide[measure]["ours"] - wide[measure]["naive"]
            rows.append({"corpus": corpus, "measure": measure, "ours": wide[measure]["ours"].mean(),
                         "naive": wide[measure]["naive"].mean(), "difference": difference.mean(),
                         "difference_sd": difference.std(), "ours_higher": f"{int((difference > 0).sum())} of {len(difference)}"})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="random seeds of every fit (default: 1-10 on both corpora)")
    parser.add_argument("--passes", type=int, default=None,
                        help="passes of every gensim fit (default: fit_lda's adaptive topics.default_passes)")
    parser.add_argument("--tomotopy-iterations", type=int, default=500)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "out" / "topics")
    parser.add_argument("--reference-size", action="store_true",
                        help="instead: score national topics on subsets of the national paragraphs (sizes "
                             "--subset-sizes, 10 draws each, seeds --seeds or 1 2)")
    parser.add_argument("--subset-sizes", nargs="+", type=int, default=[310, 1000, 2500])
    args = parser.parse_args(argv)
    import gensim
    import tomotopy

    if args.reference_size:
        results = reference_size(args.seeds or [1, 2], args.subset_sizes, repeats=10)
        args.out.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.out / "bench_topics_reference_size.csv", index=False)
        summary = summarize_reference_size(results)
        table = summary.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else summary.to_string(index=False)
        header = (f"National topics (K=15, seeds {args.seeds or [1, 2]}, gensim {gensim.__version__}) scored by "
                  "c_npmi in 10-token windows of subsets of the national paragraphs\n\n")
        (args.out / "bench_topics_reference_size.md").write_text(header + table + "\n", encoding="utf-8")
        print()
        print(header + table)
        return 0

    seeds = {name: args.seeds or DEFAULT_SEEDS[name] for name in CORPORA}
    results = run(args.corpora, seeds, args.passes, args.tomotopy_iterations)
    summary = summarize(results)
    comparison = paired(results)
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "bench_topics.csv", index=False)
    passes = "adaptive (topics.default_passes)" if args.passes is None else args.passes
    header = (f"gensim {gensim.__version__} (passes={passes}), tomotopy {tomotopy.__version__} "
              f"({args.tomotopy_iterations} Gibbs iterations, 1 worker), Python {platform.python_version()}, "
              f"seeds {seeds}\n\n")
    table = summary.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else summary.to_string(index=False)
    table += "\n\nOurs against naive, seed by seed (gensim):\n\n" + (
        comparison.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else comparison.to_string(index=False))
    (args.out / "bench_topics.md").write_text(header + table + "\n", encoding="utf-8")
    print()
    print(header + table)
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
