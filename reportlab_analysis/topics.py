"""Topic models: LDA a researcher can defend.

Fits gensim ``LdaModel`` on tokenized documents (paragraphs by default, or sentences or whole reports), and
provides the evidence a referee asks for: a K sweep with coherence and held-out perplexity, seed stability via
Hungarian matching, topic tables with relevance-ranked terms and labels, prevalence by any corpus column with
bootstrap intervals, an ``estimateEffect``-like regression with report-clustered errors, and an offline viewer
(see :mod:`reportlab_analysis.topic_viewer`).

Input is a tidy DataFrame with a ``tokens`` column (``list[str]``, e.g. from
``reportlab_analysis.tokenize``) and any metadata columns (``doc_id``, ``section``, ``region``, ``year``...).
Topics are numbered from 0 everywhere (tables, plots, viewer).

Example:
    >>> from reportlab_analysis import topics
    >>> model = topics.fit_lda(paragraphs, k=8, seed=1)                       # doctest: +SKIP
    >>> topics.topic_table(model)                                             # doctest: +SKIP
    >>> topics.topic_prevalence(model, by="section")                          # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ._frames import as_names, query_mask

__all__ = [
    "TopicModel", "TopicModelError", "StabilityResult", "KSuggestion",
    "prepare_documents", "build_dictionary", "default_passes", "fit_lda", "coherence", "k_sweep", "suggest_k",
    "align_topics", "topic_stability",
    "top_terms", "auto_labels", "read_label_file", "topic_table", "representative_documents",
    "document_topics", "topic_prevalence", "estimate_effect",
    "plot_k_sweep", "plot_prevalence_heatmap", "plot_shares_over_years", "plot_review_vs_plan",
    "plot_stability", "save_model", "load_model", "corpus_hash",
]

#: Version of the on-disk layout written by :func:`save_model`.
MODEL_FORMAT_VERSION = 1
_TOKENS = "tokens"


class TopicModelError(ValueError):
    """Bad input to a topic-model function (names the parameter or file and the problem)."""


def _whole_number(value: Any, name: str) -> int:
    """``value`` as an int when it is a whole number (int or integral float); TopicModelError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TopicModelError(f"{name} must be a whole number (int or integral float), got {value!r}")
    if isinstance(value, (float, np.floating)) and not (np.isfinite(value) and float(value).is_integer()):
        raise TopicModelError(f"{name} must be a whole number (int or integral float), got {value!r}")
    return int(value)


def _whole_numbers(values: Any, name: str) -> list[int]:
    """A single whole number or a sequence of them, as a list of ints."""
    if isinstance(values, (int, float, np.integer, np.floating)) and not isinstance(values, (bool, np.bool_)):
        return [_whole_number(values, name)]
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TopicModelError(f"{name} must be a whole number or a list of them, got {values!r}")
    return [_whole_number(v, f"each value of {name}") for v in values]


def _topic_key(key: Any, k: int) -> int:
    """A topic id from a label key: 0, 0.0 or "T0"."""
    if isinstance(key, str):
        text = key.strip()
        text = text[1:] if text[:1] in ("T", "t") else text
        if not text.isdigit():
            raise TopicModelError(f"label key {key!r} is not a topic (use 0..{k - 1} or 'T0'..'T{k - 1}')")
        topic = int(text)
    else:
        topic = _whole_number(key, f"label key {key!r}")
    if not 0 <= topic < k:
        raise TopicModelError(f"label for topic {key!r}: the model has topics 0..{k - 1}")
    return topic


# ==================================================================================================
# Fitting
# ==================================================================================================
@dataclass
class TopicModel:
    """A fitted LDA model with the documents it was fitted on.

    Attributes:
        lda: the gensim ``LdaModel``.
        dictionary: the gensim ``Dictionary`` (after filtering).
        documents: one row per document: the input metadata columns (everything but ``tokens``) plus
            ``n_tokens`` (tokens kept by the dictionary).
        theta: document-topic shares, shape (n_documents, k); rows of documents with no kept token are NaN.
        params: fitting parameters (k, seed, passes, ... ) as recorded in the manifest.
        manifest: parameters, corpus and tokenizer hashes, library versions.
        term_frequency: corpus frequency of each dictionary term (kept tokens of the fitted documents).
        labels: one short label per topic (automatic unless overridden with :meth:`with_labels`).
    """

    lda: Any
    dictionary: Any
    documents: pd.DataFrame
    theta: np.ndarray
    params: dict[str, Any]
    manifest: dict[str, Any]
    term_frequency: np.ndarray
    labels: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        """Number of topics."""
        return int(self.lda.num_topics)

    @property
    def vocabulary(self) -> list[str]:
        """Terms in dictionary-id order."""
        return [self.dictionary[i] for i in range(len(self.dictionary))]

    @property
    def topic_word(self) -> np.ndarray:
        """Topic-word distributions, shape (k, n_terms); rows sum to 1."""
        return self.lda.get_topics()

    def with_labels(self, label_file: str | os.PathLike | Mapping[Any, str] | Sequence[str] | None) -> "TopicModel":
        """A copy of this model (sharing the fitted objects) with topic labels overridden from a label file,
        a mapping ``{topic: label}`` (keys 0, 0.0 or "T0") or a list of one label per topic.

        Topics absent from the file or mapping keep their automatic label. See :func:`read_label_file` for the
        file format. Two keys naming the same topic are an error.

        Example:
            >>> model = model.with_labels("labels.csv")     # doctest: +SKIP
            >>> model = model.with_labels({"T0": "生态"})    # doctest: +SKIP
        """
        labels = auto_labels(self)
        if label_file is None:
            return dataclasses.replace(self, labels=labels)
        if isinstance(label_file, Mapping):
            overrides: dict[int, str] = {}
            for key, label in label_file.items():
                topic = _topic_key(key, self.k)
                if topic in overrides:
                    raise TopicModelError(f"labels: topic {topic} is named by two keys (one of them {key!r})")
                overrides[topic] = str(label)
        elif isinstance(label_file, (list, tuple)):
            if len(label_file) != self.k:
                raise TopicModelError(f"labels: a list needs one label per topic ({self.k}), got {len(label_file)}")
            overrides = {topic: str(label) for topic, label in enumerate(label_file)}
        else:
            overrides = read_label_file(label_file, k=self.k)
        for topic, label in overrides.items():
            labels[topic] = label
        return dataclasses.replace(self, labels=labels)

    def __repr__(self) -> str:
        return (f"<TopicModel k={self.k} seed={self.params.get('seed')} documents={len(self.documents)} "
                f"terms={len(self.dictionary)}>")


UNITS = ("paragraph", "sentence", "report")
#: Part-of-speech tag prefixes kept in topic documents by default: nouns (``n``, ``nz`` for the protected policy
#: terms, ``vn`` verbal nouns) and verbs (``v``).
TOPIC_POS = ("n", "v")


def prepare_documents(corpus: Any, *, unit: str = "paragraph", tokenizer: Any = None,
                      pos: Sequence[str] | None = TOPIC_POS, metadata: bool | Sequence[str] = True,
                      include_appendix: bool = False, progress: bool = False) -> pd.DataFrame:
    """Tokenized documents of a corpus at the chosen unit, ready for :func:`fit_lda`.

    By default only nouns and verbs are kept (:data:`TOPIC_POS`): adverbs (必须, 始终), adjectives (良好),
    numerals and unknown words carry little topical content, and in a small corpus their scattered occurrences
    make topics less coherent. On the five seed reports (310 paragraphs, K=8, 10 seeds) this lifts c_npmi against
    the bundled reference from 0.018 to 0.037 (0.184 to 0.203 counting co-occurrence in whole paragraphs); on the
    52 national reports (5,861 paragraphs, K=15) NPMI is about the same (0.055 and 0.057) and c_v higher (0.552 to
    0.602). jieba tags set phrases such as 体制改革 and 对外开放 as neither noun nor verb; pass ``pos=None`` to keep
    every tag (see ``benchmarks/README.md``, "Topic models").

    Args:
        corpus: a :class:`reportlab_analysis.corpus.Corpus`.
        unit: ``"paragraph"`` (default), ``"sentence"`` or ``"report"``.
        tokenizer: a :class:`reportlab_analysis.tokenize.Tokenizer`, used as it is (``pos`` is then ignored);
            default ``Tokenizer.for_corpus(corpus, pos=pos)`` (policy lexicon, stopwords, the corpus' place
            names masked, quoted slogans kept whole).
        pos: part-of-speech tag prefixes to keep when the tokenizer is built here (``TOPIC_POS``); None keeps
            every tag, as the tokenizer does elsewhere (frequencies, keyness).
        metadata: report columns to attach (True: all).
        include_appendix: keep appendix paragraphs (glossaries and the like; off by default).
        progress: show a progress bar while tokenizing.

    Returns:
        The corpus table for the unit with a ``tokens`` column; ``attrs["tokenizer_hash"]`` holds the
        tokenizer's fingerprint (stored in the model manifest). Report units get ``section = "all"``.

    Example:
        >>> docs = prepare_documents(load_corpus("data/raw"), unit="paragraph")     # doctest: +SKIP
        >>> docs[["doc_id", "section", "tokens"]].head(2)                            # doctest: +SKIP
    """
    from .tokenize import Tokenizer, add_tokens

    if unit not in UNITS:
        raise TopicModelError(f"unit must be one of {UNITS}, got {unit!r}")
    if not hasattr(corpus, "reports") or not hasattr(corpus, "paragraphs"):
        raise TopicModelError(f"prepare_documents needs a Corpus (from load_corpus), got {type(corpus).__name__}")
    if tokenizer is None:
        tokenizer = Tokenizer.for_corpus(corpus, pos=tuple(pos) if pos is not None else None)
    if unit == "paragraph":
        frame = corpus.paragraphs(metadata=metadata, include_appendix=include_appendix)
    elif unit == "sentence":
        frame = corpus.sentences(metadata=metadata, include_appendix=include_appendix)
    else:
        reports = corpus.reports
        columns = [c for c in reports.columns if c not in ("text", "appendix")] if metadata is True else \
            ["doc_id", *[c for c in (metadata or []) if c != "doc_id"]]
        frame = reports[columns].copy()
        texts = reports["text"].fillna("")
        if include_appendix:
            texts = texts + "\n" + reports["appendix"].fillna("")
        frame["section"] = "all"
        frame["text"] = texts.to_numpy()
    documents = add_tokens(frame.reset_index(drop=True), tokenizer, progress=progress)
    documents.attrs["tokenizer_hash"] = tokenizer.fingerprint()
    documents.attrs["unit"] = unit
    return documents


def reference_texts(documents: pd.DataFrame, reference: Any = None, *, tokenizer: Any = None,
                    tokens_column: str = _TOKENS, progress: bool = False) -> list[list[str]]:
    """Token lists to measure coherence on: the documents' own plus the paragraphs of a larger reference corpus,
    tokenized with the documents' tokenizer.

    Coherence counts how often a topic's top terms share a window of text. A few hundred paragraphs are too few
    for that: two content terms that never meet in a 10-token window score about -0.8 whatever they mean, while
    function words meet everywhere and score about 0. On the bundled national corpus, the same two sets of topics
    that rank ours ahead of plain LDA on all 5,861 paragraphs rank them the other way round when the windows come
    from 310 of its paragraphs (``benchmarks/README.md``, "Topic models"). For a corpus of a few reports, measure
    coherence on a reference of reports of the same genre, as the bundled State Council corpus is for district
    reports. Reference reports that are also in ``documents`` (same ``doc_id``) and appendices are left out.

    Args:
        documents: the output of :func:`prepare_documents`.
        reference: a :class:`reportlab_analysis.corpus.Corpus`, a path that ``load_corpus`` reads, or None
            (the documents' own token lists only: right for a corpus of thousands of paragraphs).
        tokenizer: the tokenizer that made ``documents`` (checked against ``documents.attrs["tokenizer_hash"]``
            when it is there: tokens of different tokenizers would not match); needed with a reference.
        tokens_column: name of the token column.
        progress: show a progress bar while tokenizing the reference.

    Example:
        >>> tokenizer = Tokenizer.for_corpus(corpus, pos=TOPIC_POS)                      # doctest: +SKIP
        >>> docs = prepare_documents(corpus, tokenizer=tokenizer)                       # doctest: +SKIP
        >>> texts = reference_texts(docs, load_national_corpus(), tokenizer=tokenizer)  # doctest: +SKIP
        >>> k_sweep(docs, k_values=[6, 8, 10], coherence_texts=texts)                   # doctest: +SKIP
    """
    from .corpus import load_corpus
    from .tokenize import add_tokens

    _check_documents(documents, tokens_column=tokens_column)
    if reference is None:
        return _token_lists(documents, tokens_column)
    if tokenizer is None:
        raise TopicModelError("reference_texts needs the tokenizer that made the documents to tokenize a reference")
    expected = documents.attrs.get("tokenizer_hash")
    if expected is not None and hasattr(tokenizer, "fingerprint") and tokenizer.fingerprint() != expected:
        raise TopicModelError("the tokenizer given is not the one that tokenized the documents (fingerprints "
                              "differ); pass the tokenizer given to prepare_documents")
    if not hasattr(reference, "paragraphs"):
        if not isinstance(reference, (str, os.PathLike)):
            raise TopicModelError(f"reference must be a Corpus or a path to reports, got {type(reference).__name__}")
        reference = load_corpus(reference)
    own = set(documents["doc_id"]) if "doc_id" in documents.columns else set()
    paragraphs = reference.paragraphs(include_appendix=False)
    paragraphs = paragraphs[~paragraphs["doc_id"].isin(own)].reset_index(drop=True)
    texts = _token_lists(documents, tokens_column)
    if len(paragraphs):
        texts += _token_lists(add_tokens(paragraphs, tokenizer, progress=progress), _TOKENS)
    return texts


def _check_documents(documents: pd.DataFrame, *, tokens_column: str = _TOKENS) -> None:
    if not isinstance(documents, pd.DataFrame):
        raise TopicModelError(f"documents must be a pandas DataFrame, got {type(documents).__name__}")
    if tokens_column not in documents.columns:
        raise TopicModelError(
            f"documents has no {tokens_column!r} column (columns: {list(documents.columns)}); "
            "tokenize first, e.g. with reportlab_analysis.tokenize")
    bad = [i for i, t in enumerate(documents[tokens_column]) if not isinstance(t, (list, tuple, np.ndarray))]
    if bad:
        raise TopicModelError(f"documents[{tokens_column!r}] must hold lists of strings; row {bad[0]} holds "
                              f"{type(documents[tokens_column].iloc[bad[0]]).__name__}")
    if len(documents) == 0:
        raise TopicModelError("documents is empty: nothing to fit")


def _token_lists(documents: pd.DataFrame, tokens_column: str = _TOKENS) -> list[list[str]]:
    return [[str(t) for t in tokens] for tokens in documents[tokens_column]]


def build_dictionary(texts: Sequence[Sequence[str]], *, min_doc_freq: int = 5, max_doc_share: float = 0.3,
                     max_terms: int | None = None):
    """A gensim ``Dictionary`` keeping terms found in at least ``min_doc_freq`` documents and in at most
    ``max_doc_share`` of them (very common terms are report boilerplate such as 发展/推进/加强).

    Args:
        texts: token lists.
        min_doc_freq: drop terms found in fewer documents.
        max_doc_share: drop terms found in a larger share of documents (0 < share <= 1).
        max_terms: keep at most this many terms (most frequent by document frequency).

    Example:
        >>> d = build_dictionary([["生态", "环境"], ["生态", "保护"]], min_doc_freq=2, max_doc_share=1.0)
        >>> sorted(d.token2id)
        ['生态']
    """
    from gensim.corpora import Dictionary

    if int(min_doc_freq) < 1:
        raise TopicModelError(f"min_doc_freq must be >= 1, got {min_doc_freq}")
    if not 0 < float(max_doc_share) <= 1:
        raise TopicModelError(f"max_doc_share must be in (0, 1], got {max_doc_share}")
    dictionary = Dictionary(texts)
    dictionary.filter_extremes(no_below=int(min_doc_freq), no_above=float(max_doc_share), keep_n=max_terms)
    if len(dictionary) == 0:
        raise TopicModelError(
            f"no term is left after dictionary filtering (min_doc_freq={min_doc_freq}, "
            f"max_doc_share={max_doc_share}, {len(texts)} documents); lower min_doc_freq or raise max_doc_share")
    return dictionary


def corpus_hash(documents: pd.DataFrame, *, tokens_column: str = _TOKENS) -> str:
    """SHA-256 of the documents' ids and tokens (what the model was fitted on).

    Example:
        >>> corpus_hash(pd.DataFrame({"tokens": [["生态", "环境"]]}))[:8]
        '...'  # doctest: +SKIP
    """
    digest = hashlib.sha256()
    ids = documents["doc_id"].astype(str) if "doc_id" in documents.columns else pd.Series(range(len(documents)))
    for doc_id, tokens in zip(ids, documents[tokens_column]):
        digest.update(str(doc_id).encode("utf-8") + b"\x1d")
        digest.update("\x1f".join(map(str, tokens)).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    import gensim
    import scipy

    from . import __version__

    return {"python": platform.python_version(), "gensim": gensim.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "pandas": pd.__version__, "reportlab_analysis": __version__}


def _infer_theta(lda, bows: Sequence[list[tuple[int, int]]]) -> np.ndarray:
    """Normalized variational document-topic shares; NaN rows for documents with no kept token."""
    theta = np.full((len(bows), lda.num_topics), np.nan)
    nonempty = [i for i, bow in enumerate(bows) if bow]
    for lo in range(0, len(nonempty), 20_000):
        rows = nonempty[lo:lo + 20_000]
        gamma, _ = lda.inference([bows[i] for i in rows])
        theta[rows] = gamma / gamma.sum(axis=1, keepdims=True)
    return theta


#: Document visits :func:`default_passes` aims at: passes x documents reaches about this many.
PASS_DOCUMENT_VISITS = 100_000
#: Bounds of :func:`default_passes`.
MIN_PASSES, MAX_PASSES = 1, 50


def default_passes(n_documents: int) -> int:
    """Passes :func:`fit_lda` makes when ``passes=None``: enough that the model sees about
    :data:`PASS_DOCUMENT_VISITS` (100,000) documents in all, at least 1 and at most 50 passes.

    gensim's variational Bayes blends each pass's estimate into the topics with a weight that decays with the
    number of updates, so a small corpus fitted in one batch per pass needs many passes before early, random
    estimates wash out (310 paragraphs: 50 passes), while a large corpus gets many updates per pass from its
    chunks and needs few (5,861 paragraphs: 18 passes; 100,000 or more: 1 pass), which keeps large fits fast.

    Example:
        >>> default_passes(310), default_passes(5861), default_passes(463_000)
        (50, 18, 1)
    """
    n = max(int(n_documents), 1)
    return int(min(MAX_PASSES, max(MIN_PASSES, -(-PASS_DOCUMENT_VISITS // n))))


def fit_lda(documents: pd.DataFrame, *, k: int, seed: int = 0, passes: int | None = None, iterations: int = 100,
            alpha: str | float = "auto", eta: str | float | None = None, min_doc_freq: int = 5,
            max_doc_share: float = 0.3, max_terms: int | None = None, chunksize: int = 5000,
            tokens_column: str = _TOKENS, tokenizer_hash: str | None = None, dictionary=None) -> TopicModel:
    """Fit LDA (gensim ``LdaModel``, single process) on tokenized documents.

    The same documents, parameters and seed give an identical topic-word matrix (``random_state=seed``, one
    process). Corpora up to ``chunksize`` documents are fitted in batch mode (one update per pass); larger ones
    with online variational Bayes, one update per chunk of ``chunksize`` documents.

    Args:
        documents: one row per document with a ``tokens`` column and metadata columns.
        k: number of topics (>= 2).
        seed: random seed.
        passes: passes over the corpus; None (default): :func:`default_passes` of the number of documents
            fitted (50 for a few hundred paragraphs, fewer as the corpus grows, 1 from 100,000 documents).
        iterations: maximum E-step iterations per document.
        alpha: document-topic prior (``"auto"`` learns an asymmetric prior from the data).
        eta: topic-word prior (None: symmetric 1/k).
        min_doc_freq, max_doc_share, max_terms: dictionary filtering (see :func:`build_dictionary`).
        tokens_column: name of the token column.
        tokenizer_hash: fingerprint of the tokenizer configuration, stored in the manifest
            (default: ``documents.attrs.get("tokenizer_hash")``).
        dictionary: reuse this gensim ``Dictionary`` instead of building one (used by the sweep).

    Example:
        >>> model = fit_lda(paragraphs, k=8, seed=1, passes=10)     # doctest: +SKIP
        >>> model.theta.shape                                        # doctest: +SKIP
        (1043, 8)
    """
    from gensim.models import LdaModel

    _check_documents(documents, tokens_column=tokens_column)
    k = _whole_number(k, "k")
    if k < 2:
        raise TopicModelError(f"k must be >= 2, got {k}")
    if (passes is not None and int(passes) < 1) or int(iterations) < 1:
        raise TopicModelError(f"passes and iterations must be >= 1, got passes={passes}, iterations={iterations}")
    texts = _token_lists(documents, tokens_column)
    if dictionary is None:
        dictionary = build_dictionary(texts, min_doc_freq=min_doc_freq, max_doc_share=max_doc_share,
                                      max_terms=max_terms)
    bows = [dictionary.doc2bow(t) for t in texts]
    train = [b for b in bows if b]
    if len(train) < int(k):
        raise TopicModelError(f"only {len(train)} documents keep any term after filtering; cannot fit k={k} topics")
    passes = default_passes(len(train)) if passes is None else int(passes)
    logging.getLogger("gensim").setLevel(logging.WARNING)
    lda = LdaModel(corpus=train, id2word=dictionary, num_topics=int(k), random_state=int(seed), passes=int(passes),
                   iterations=int(iterations), chunksize=min(len(train), int(chunksize)), update_every=1,
                   alpha=alpha, eta=eta, eval_every=None, dtype=np.float64)
    theta = _infer_theta(lda, bows)
    term_frequency = np.zeros(len(dictionary))
    for bow in bows:
        for term_id, count in bow:
            term_frequency[term_id] += count
    meta = documents.drop(columns=[tokens_column]).reset_index(drop=True).copy()
    meta["n_tokens"] = [sum(c for _, c in b) for b in bows]
    params = {"k": int(k), "seed": int(seed), "passes": int(passes), "iterations": int(iterations),
              "alpha": alpha if isinstance(alpha, str) else float(alpha),
              "eta": eta if (eta is None or isinstance(eta, str)) else float(eta),
              "min_doc_freq": int(min_doc_freq), "max_doc_share": float(max_doc_share), "max_terms": max_terms,
              "chunksize": int(chunksize), "tokens_column": tokens_column}
    manifest = {
        "format_version": MODEL_FORMAT_VERSION,
        "params": params,
        "corpus_hash": corpus_hash(documents, tokens_column=tokens_column),
        "tokenizer_hash": tokenizer_hash or documents.attrs.get("tokenizer_hash"),
        "unit": documents.attrs.get("unit"),
        "n_documents": len(documents), "n_documents_fitted": len(train), "n_terms": len(dictionary),
        "libraries": _library_versions(),
    }
    model = TopicModel(lda=lda, dictionary=dictionary, documents=meta, theta=theta, params=params, manifest=manifest,
                       term_frequency=term_frequency)
    model.manifest["topic_word_sha256"] = _array_hash(model.topic_word)
    model.labels = auto_labels(model)
    return model


def _array_hash(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.float64).tobytes()).hexdigest()


# ==================================================================================================
# Coherence, K sweep
# ==================================================================================================
def _topic_top_ids(model: TopicModel, n: int) -> list[list[int]]:
    return [list(np.argsort(-row, kind="stable")[:n]) for row in model.topic_word]


def coherence(model: TopicModel, texts: Sequence[Sequence[str]], *, measure: str = "c_npmi", topn: int = 10,
              per_topic: bool = False, window_size: int | None = None) -> float | list[float]:
    """Topic coherence (gensim ``CoherenceModel``, single process) of the model's top ``topn`` terms.

    ``c_npmi`` and ``c_v`` use co-occurrence in sliding windows of ``texts`` (gensim's defaults: 10 tokens for
    c_npmi, 110 for c_v; ``window_size`` changes it, and a window longer than every text counts co-occurrence
    in the same text); ``u_mass`` uses document co-occurrence in the bag-of-words corpus.

    Example:
        >>> coherence(model, texts, measure="c_npmi")     # doctest: +SKIP
        0.08
    """
    from gensim.models.coherencemodel import CoherenceModel

    if measure not in ("c_npmi", "c_v", "u_mass", "c_uci"):
        raise TopicModelError(f"unknown coherence measure {measure!r}; use c_npmi, c_v, u_mass or c_uci")
    topics = [[model.dictionary[i] for i in ids] for ids in _topic_top_ids(model, topn)]
    texts = [list(t) for t in texts]
    kwargs: dict[str, Any] = {"texts": texts} if measure != "u_mass" else \
        {"corpus": [model.dictionary.doc2bow(t) for t in texts]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if window_size is not None and measure != "u_mass":
            kwargs["window_size"] = int(window_size)
        cm = CoherenceModel(topics=topics, dictionary=model.dictionary, coherence=measure, topn=topn, processes=1,
                            **kwargs)
        values = [float(v) for v in cm.get_coherence_per_topic()]
    values = [v if np.isfinite(v) else np.nan for v in values]
    return values if per_topic else float(np.nanmean(values))


def _holdout_split(n: int, *, share: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    test = np.zeros(n, dtype=bool)
    test[rng.permutation(n)[: int(round(n * share))]] = True
    return test


def k_sweep(documents: pd.DataFrame, *, k_values: Sequence[int], seeds: Sequence[int] = (1, 2, 3),
            holdout_share: float = 0.2, split_seed: int = 0, passes: int | None = None, iterations: int = 100,
            min_doc_freq: int = 5, max_doc_share: float = 0.3, topn: int = 10,
            measures: Sequence[str] = ("c_npmi", "u_mass", "c_v"), tokens_column: str = _TOKENS,
            coherence_texts: Sequence[Sequence[str]] | None = None, progress: bool = True,
            **fit_options: Any) -> pd.DataFrame:
    """Fit one model per (K, seed) and measure it: one row per fit.

    A fixed share of documents (``holdout_share``, drawn with ``split_seed`` and the same for every fit) is held
    out; models are fitted on the rest. Held-out perplexity is ``exp(-bound)``, where ``bound`` is gensim's
    per-word variational bound on the held-out documents (lower is better). Coherence (higher is better) is
    measured with the top ``topn`` terms of each topic on all documents, or on ``coherence_texts`` (token lists,
    e.g. from :func:`reference_texts`: for a small corpus, the documents plus a larger reference). One
    dictionary, built from all documents, serves every fit, so that models of different K are measured on the
    same vocabulary.
    ``passes=None`` lets :func:`fit_lda` choose them from the number of training documents (:func:`default_passes`).

    Returns:
        DataFrame with ``k``, ``seed``, one column per measure, ``perplexity``, ``n_train``, ``n_heldout``.

    Example:
        >>> sweep = k_sweep(paragraphs, k_values=[5, 10, 15], seeds=[1, 2])   # doctest: +SKIP
        >>> suggest_k(sweep).k                                                # doctest: +SKIP
    """
    from tqdm import tqdm

    _check_documents(documents, tokens_column=tokens_column)
    k_values = _whole_numbers(k_values, "k_values")
    seeds = _whole_numbers(seeds, "seeds")
    if not k_values or not seeds:
        raise TopicModelError("k_sweep needs at least one value in k_values and one in seeds")
    if not 0 < holdout_share < 1:
        raise TopicModelError(f"holdout_share must be in (0, 1), got {holdout_share}")
    texts = _token_lists(documents, tokens_column)
    dictionary = build_dictionary(texts, min_doc_freq=min_doc_freq, max_doc_share=max_doc_share)
    measured_on = texts if coherence_texts is None else [[str(t) for t in tokens] for tokens in coherence_texts]
    test = _holdout_split(len(documents), share=holdout_share, seed=split_seed)
    train_docs = documents.loc[~test].reset_index(drop=True)
    heldout = [b for b in (dictionary.doc2bow(t) for t, is_test in zip(texts, test) if is_test) if b]
    n_fit = sum(1 for t, is_test in zip(texts, test) if not is_test and dictionary.doc2bow(t))
    too_large = sorted({k for k in k_values if k < 2 or k > n_fit})
    if too_large:  # check every K before fitting any
        raise TopicModelError(f"k_values {too_large}: each K must be between 2 and the {n_fit} training documents "
                              f"that keep any term after filtering")
    rows = []
    grid = [(k, s) for k in k_values for s in seeds]
    for k, seed in tqdm(grid, desc="K sweep", **({} if progress else {"disable": True})):  # TQDM_DISABLE still applies
        model = fit_lda(train_docs, k=k, seed=seed, passes=passes, iterations=iterations,
                        tokens_column=tokens_column, dictionary=dictionary, min_doc_freq=min_doc_freq,
                        max_doc_share=max_doc_share, **fit_options)
        row: dict[str, Any] = {"k": k, "seed": seed}
        for measure in measures:
            row[measure] = coherence(model, measured_on, measure=measure, topn=topn)
        row["perplexity"] = float(np.exp(-model.lda.log_perplexity(heldout))) if heldout else np.nan
        row["n_train"] = int((~test).sum())
        row["n_heldout"] = int(test.sum())
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class KSuggestion:
    """The K suggested by :func:`suggest_k`, with the per-K summary and the reason in words; ``at_edge`` is True
    when the best mean is at the smallest or largest K tried, so the best K may lie outside the grid."""

    k: int
    summary: pd.DataFrame
    reason: str
    at_edge: bool = False


def suggest_k(sweep: pd.DataFrame, *, measure: str = "c_npmi") -> KSuggestion:
    """Suggest K from a :func:`k_sweep` table with the one-standard-error rule.

    Rule: average ``measure`` over seeds for each K; take the K with the best mean; suggest the *smallest* K
    whose mean is within one standard error (across seeds) of that best mean. Fewer topics are easier to label
    and more stable, so extra topics must earn their place by a gain larger than the seed-to-seed noise.
    For the coherence measures higher is better. ``measure="perplexity"`` is minimised (lower is better), with
    the rule mirrored: the smallest K whose mean perplexity is at most the lowest mean plus one SE. Coherence
    is the default because held-out perplexity may fall or (in small corpora, overfitting) rise with K, and it
    agrees poorly with human judgements of topic quality (Chang et al. 2009). When the best mean is at the
    smallest or largest K tried, the reason says so and ``at_edge`` is set: extend the grid. K=2 is the
    smallest K possible, so a best mean there is not at an edge that could be extended.

    Example:
        >>> suggest_k(sweep).k        # doctest: +SKIP
        10
    """
    if measure not in sweep.columns or "k" not in sweep.columns:
        raise TopicModelError(f"sweep must have columns 'k' and {measure!r} (got {list(sweep.columns)})")
    lower_is_better = measure == "perplexity"
    grouped = sweep.groupby("k")[measure]
    summary = pd.DataFrame({"mean": grouped.mean(), "se": grouped.sem(ddof=1).fillna(0.0), "n_seeds": grouped.size()})
    if "perplexity" in sweep.columns and not lower_is_better:
        summary["perplexity"] = sweep.groupby("k")["perplexity"].mean()
    summary = summary.reset_index()
    if summary["mean"].isna().all():
        raise TopicModelError(f"every {measure} value in the sweep is NaN; cannot suggest K")
    if lower_is_better:
        best = summary.loc[summary["mean"].idxmin()]
        eligible = summary[summary["mean"] <= best["mean"] + best["se"]]
    else:
        best = summary.loc[summary["mean"].idxmax()]
        eligible = summary[summary["mean"] >= best["mean"] - best["se"]]
    chosen = int(eligible["k"].min())
    summary["suggested"] = summary["k"] == chosen
    word = "lowest" if lower_is_better else "best"
    reason = (f"{word} mean {measure} {best['mean']:.4f} at K={int(best['k'])} (SE {best['se']:.4f} over "
              f"{int(best['n_seeds'])} seeds); smallest K within one SE of it: K={chosen}")
    tried = summary["k"].dropna()
    best_k = int(best["k"])
    at_edge = len(tried) > 1 and best_k in (int(tried.min()), int(tried.max()))
    if at_edge and best_k == int(tried.min()) and best_k <= 2:
        at_edge = False
        reason += f". The {word} mean is at K={best_k}, the smallest K possible"
    elif at_edge:
        side = "smallest" if best_k == int(tried.min()) else "largest"
        reason += (f". The {word} mean is at the {side} K tried ({best_k}): the best K may lie outside "
                   f"the grid; extend k_values {'downwards' if side == 'smallest' else 'upwards'} to check")
    return KSuggestion(k=chosen, summary=summary, reason=reason, at_edge=at_edge)


# ==================================================================================================
# Stability across seeds
# ==================================================================================================
@dataclass
class StabilityResult:
    """Topics of a reference model matched across seeds.

    Attributes:
        topics: one row per reference topic: ``topic``, ``label``, ``stability`` (mean cosine similarity of
            its matched topics across the other seeds), ``min_similarity``, ``recurrence`` (share of other
            seeds where the match reaches ``threshold``), ``flagged`` (recurrence below ``min_recurrence``).
        matches: one row per (seed, reference topic): ``seed``, ``topic``, ``matched_topic``, ``similarity``.
        models: the fitted model for each seed (the reference model under ``reference_seed``).
        reference_seed: seed of the reference model.
    """

    topics: pd.DataFrame
    matches: pd.DataFrame
    models: dict[int, TopicModel]
    reference_seed: int


def _cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def align_topics(reference: TopicModel, other: TopicModel) -> pd.DataFrame:
    """Match the topics of ``other`` to those of ``reference`` (Hungarian algorithm on cosine similarity
    of topic-word distributions; both models must share a dictionary).

    Returns:
        DataFrame with ``topic`` (reference), ``matched_topic`` and ``similarity``.

    Example:
        >>> align_topics(model_a, model_b).head()     # doctest: +SKIP
    """
    if reference.vocabulary != other.vocabulary:
        raise TopicModelError("align_topics: the two models have different dictionaries; fit them on the same "
                              "documents with the same filtering")
    similarity = _cosine_matrix(reference.topic_word, other.topic_word)
    rows, cols = linear_sum_assignment(-similarity)
    return pd.DataFrame({"topic": rows, "matched_topic": cols, "similarity": similarity[rows, cols]})


def topic_stability(documents: pd.DataFrame, *, k: int, seeds: Sequence[int] = (1, 2, 3, 4, 5),
                    threshold: float = 0.5, min_recurrence: float = 0.5, progress: bool = True,
                    **fit_options: Any) -> StabilityResult:
    """Fit the model with several seeds and measure how well each topic of the first seed recurs.

    Each other seed's topics are matched one-to-one to the reference topics (Hungarian matching on cosine
    similarity of topic-word distributions). A topic is flagged when it recurs (similarity >= ``threshold``)
    in fewer than ``min_recurrence`` of the other seeds: report it with care, or not at all.

    Example:
        >>> result = topic_stability(paragraphs, k=8, seeds=[1, 2, 3])    # doctest: +SKIP
        >>> result.topics[["topic", "label", "stability", "flagged"]]      # doctest: +SKIP
    """
    from tqdm import tqdm

    seeds = [int(s) for s in seeds]
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise TopicModelError(f"topic_stability needs at least two distinct seeds, got {seeds}")
    models = {s: fit_lda(documents, k=k, seed=s, **fit_options)
              for s in tqdm(seeds, desc="stability", **({} if progress else {"disable": True}))}
    reference = models[seeds[0]]
    matches = pd.concat([align_topics(reference, models[s]).assign(seed=s) for s in seeds[1:]], ignore_index=True)
    matches = matches[["seed", "topic", "matched_topic", "similarity"]]
    per_topic = matches.groupby("topic")["similarity"]
    topics = pd.DataFrame({
        "topic": np.arange(reference.k),
        "label": reference.labels,
        "stability": per_topic.mean().to_numpy(),
        "min_similarity": per_topic.min().to_numpy(),
        "recurrence": matches.assign(ok=matches["similarity"] >= threshold).groupby("topic")["ok"].mean().to_numpy(),
    })
    topics["flagged"] = topics["recurrence"] < min_recurrence
    return StabilityResult(topics=topics, matches=matches, models=models, reference_seed=seeds[0])


# ==================================================================================================
# Topic tables and labels
# ==================================================================================================
def top_terms(model: TopicModel, *, n: int = 10, lambda_: float = 1.0) -> pd.DataFrame:
    """Top terms of every topic ranked by relevance (Sievert & Shirley 2014).

    ``relevance = lambda_ * log p(w|t) + (1 - lambda_) * log(p(w|t) / p(w))``; ``lambda_=1`` ranks by
    probability, smaller values favour terms specific to the topic (LDAvis suggests about 0.6).

    Returns:
        DataFrame with ``topic``, ``label``, ``rank``, ``term``, ``probability``, ``lift``, ``relevance``.

    Example:
        >>> top_terms(model, n=5, lambda_=0.6).query("topic == 0")    # doctest: +SKIP
    """
    if not 0 <= float(lambda_) <= 1:
        raise TopicModelError(f"lambda_ must be in [0, 1], got {lambda_}")
    phi = model.topic_word
    lift, relevance = _lift_and_relevance(model, lambda_)
    vocab = model.vocabulary
    labels = model.labels or auto_labels(model)
    rows = []
    for topic in range(model.k):
        order = np.lexsort((np.arange(phi.shape[1]), -np.nan_to_num(relevance[topic], nan=-np.inf)))[:n]
        for rank, term_id in enumerate(order, start=1):
            rows.append((topic, labels[topic], rank, vocab[term_id], float(phi[topic, term_id]),
                         float(lift[topic, term_id]), float(relevance[topic, term_id])))
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "term", "probability", "lift", "relevance"])


def _lift_and_relevance(model: TopicModel, lambda_: float) -> tuple[np.ndarray, np.ndarray]:
    """Topic x term matrices of lift ``p(w|t) / p(w)`` and relevance (see :func:`top_terms`)."""
    phi = model.topic_word
    p_w = model.term_frequency / model.term_frequency.sum()
    with np.errstate(divide="ignore"):
        lift = phi / np.where(p_w > 0, p_w, np.nan)
        relevance = lambda_ * np.log(phi) + (1 - lambda_) * np.log(lift)
    return lift, relevance


def auto_labels(model: TopicModel, *, n_terms: int = 3, lambda_: float = 0.6, pool: int = 30) -> list[str]:
    """Short automatic labels: ``"T<topic> "`` plus ``n_terms`` terms joined by ``·``.

    The terms are the topic's ``pool`` most probable terms re-ranked by relevance (``lambda_``): specific to
    the topic, but never a rare term that only relevance favours (a word seen twice, both times in this topic).

    Example:
        >>> auto_labels(model)[:2]      # doctest: +SKIP
        ['T0 生态·污染·河长', 'T1 企业·项目·投资']
    """
    phi = model.topic_word
    _, relevance = _lift_and_relevance(model, lambda_)
    vocab = model.vocabulary
    labels = []
    for topic in range(model.k):
        candidates = np.argsort(-phi[topic], kind="stable")[:pool]
        scores = np.nan_to_num(relevance[topic, candidates], nan=-np.inf)
        order = candidates[np.lexsort((candidates, -scores))][:n_terms]
        labels.append(f"T{topic} " + "·".join(vocab[i] for i in order))
    return labels


def read_label_file(path: str | os.PathLike, *, k: int | None = None) -> dict[int, str]:
    """Read user topic labels: a CSV with columns ``topic,label`` or a YAML mapping ``topic: label``.

    Raises:
        TopicModelError: the file is missing, malformed, repeats a topic or names a topic outside 0..k-1.

    Example:
        >>> read_label_file("labels.csv", k=8)      # doctest: +SKIP
        {0: '生态环境', 3: '营商环境'}
    """
    path = Path(path)
    if not path.is_file():
        raise TopicModelError(f"label file {path} does not exist")
    try:
        if path.suffix.lower() in (".yml", ".yaml"):
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise TopicModelError(
                    f"label file {path}: expected a mapping 'topic: label', got {type(data).__name__}")
            pairs = list(data.items())
        else:
            table = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
            missing = {"topic", "label"} - set(table.columns)
            if missing:
                raise TopicModelError(f"label file {path}: missing column(s) {sorted(missing)}; "
                                      f"expected 'topic,label' (found {list(table.columns)})")
            pairs = list(zip(table["topic"], table["label"]))
    except TopicModelError:
        raise
    except Exception as exc:  # parse errors from yaml / csv
        raise TopicModelError(f"label file {path} could not be read: {exc}") from exc
    labels: dict[int, str] = {}
    for topic, label in pairs:
        try:
            topic_id = int(str(topic).strip().lstrip("Tt"))
        except ValueError:
            raise TopicModelError(f"label file {path}: topic {topic!r} is not a topic number") from None
        if k is not None and not 0 <= topic_id < k:
            raise TopicModelError(f"label file {path}: topic {topic_id} is outside 0..{k - 1}")
        if topic_id in labels:
            raise TopicModelError(f"label file {path}: topic {topic_id} is labelled twice")
        if label is None or (isinstance(label, float) and np.isnan(label)) or not str(label).strip():
            raise TopicModelError(f"label file {path}: topic {topic_id} has an empty label")
        labels[topic_id] = str(label).strip()
    return labels


def document_topics(model: TopicModel, *, long: bool = False) -> pd.DataFrame:
    """Document metadata with topic shares: wide (one ``T<k>`` column per topic) or long
    (``topic``, ``label``, ``share`` rows). Documents with no kept token have NaN shares.

    Example:
        >>> document_topics(model).filter(like="T").sum(axis=1).round(6).unique()   # doctest: +SKIP
        array([1.])
    """
    wide = model.documents.copy()
    for topic in range(model.k):
        wide[f"T{topic}"] = model.theta[:, topic]
    if not long:
        return wide
    id_columns = list(model.documents.columns)
    frame = wide.melt(id_vars=id_columns, value_vars=[f"T{t}" for t in range(model.k)], var_name="topic",
                      value_name="share")
    frame["topic"] = frame["topic"].str[1:].astype(int)
    frame["label"] = frame["topic"].map(dict(enumerate(model.labels)))
    return frame


def topic_table(model: TopicModel, *, n_terms: int = 10, lambda_: float = 0.6,
                texts: Sequence[Sequence[str]] | None = None,
                stability: StabilityResult | None = None) -> pd.DataFrame:
    """One row per topic: label, overall share, top terms by probability and by relevance, and optionally
    per-topic c_npmi coherence (when ``texts`` are given) and stability.

    Example:
        >>> topic_table(model, texts=paragraphs["tokens"])       # doctest: +SKIP
    """
    by_prob = top_terms(model, n=n_terms, lambda_=1.0)
    by_rel = top_terms(model, n=n_terms, lambda_=lambda_)
    table = pd.DataFrame({"topic": np.arange(model.k), "label": model.labels})
    table["share"] = np.nanmean(model.theta, axis=0)
    table["top_terms"] = [" ".join(by_prob.loc[by_prob["topic"] == t, "term"]) for t in range(model.k)]
    table[f"relevant_terms_lambda_{lambda_:g}"] = [" ".join(by_rel.loc[by_rel["topic"] == t, "term"])
                                                   for t in range(model.k)]
    if texts is not None:
        table["c_npmi"] = coherence(model, texts, measure="c_npmi", topn=n_terms, per_topic=True)
    if stability is not None:
        table = table.merge(stability.topics[["topic", "stability", "recurrence", "flagged"]], on="topic", how="left")
    return table


def representative_documents(model: TopicModel, *, n: int = 3, min_tokens: int = 10, min_share: float = 0.3,
                             columns: Sequence[str] = ("doc_id", "section", "para_id", "text")) -> pd.DataFrame:
    """The ``n`` documents (paragraphs) with the highest share of each topic, with their report and section.

    Preferred are documents of at least ``min_tokens`` kept tokens (a three-word paragraph can be 100 % of any
    topic) where the topic has at least ``min_share``. When a topic has fewer such documents, the rest are filled
    with shorter documents where it has ``min_share``, then with the documents where it has the highest share,
    and the ``note`` column says which criterion a row misses: a topic whose best paragraph holds only 1 % of it
    is not expressed by any paragraph, and its label should not be read from them.

    Returns:
        DataFrame with ``topic``, ``label``, ``rank``, ``share``, the requested ``columns`` that exist and ``note``
        (empty for rows meeting both criteria).

    Example:
        >>> representative_documents(model, n=2)[["topic", "doc_id", "section", "share"]]   # doctest: +SKIP
    """
    keep = [c for c in columns if c in model.documents.columns]
    n_tokens = model.documents["n_tokens"].to_numpy()
    fitted = np.flatnonzero(~np.isnan(model.theta[:, 0]))
    rows = []
    for topic in range(model.k):
        shares = model.theta[fitted, topic]
        by_share = fitted[np.lexsort((fitted, -shares))]
        long_enough = n_tokens[by_share] >= min_tokens
        strong = model.theta[by_share, topic] >= min_share
        tiers = [by_share[long_enough & strong], by_share[~long_enough & strong], by_share[~strong]]
        chosen = np.concatenate(tiers)[:n]
        for rank, i in enumerate(chosen, start=1):
            problems = []
            if model.theta[i, topic] < min_share:
                problems.append(f"topic share below {min_share:g}")
            if n_tokens[i] < min_tokens:
                problems.append(f"only {int(n_tokens[i])} tokens")
            rows.append({"topic": topic, "label": model.labels[topic], "rank": rank,
                         "share": float(model.theta[i, topic]), **model.documents.iloc[i][keep].to_dict(),
                         "note": "; ".join(problems)})
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "share", *keep, "note"])


# ==================================================================================================
# Prevalence and regression
# ==================================================================================================
def topic_prevalence(model: TopicModel, *, by: str | Sequence[str] | None = None, n_boot: int = 1000,
                     level: float = 0.95, seed: int = 0, cluster: str = "doc_id",
                     resample: str = "within_reports") -> pd.DataFrame:
    """Mean topic share by group, with percentile bootstrap confidence intervals.

    ``resample="within_reports"`` (default) resamples documents (paragraphs) with replacement inside each
    report, keeping the reports fixed: the interval shows how much the share depends on which paragraphs a
    report happens to contain. ``resample="reports"`` resamples whole reports (clusters) instead, which is the
    right choice when each report is a single document or when reports are a sample of a population.

    Args:
        model: fitted model.
        by: column(s) of ``model.documents`` to group by (region, city, year, section, level...); None for
            the whole corpus. Documents whose group value is missing (e.g. no year) are left out.
        n_boot: bootstrap replicates.
        level: confidence level.
        seed: bootstrap seed.
        cluster: column naming the report of each document.
        resample: ``"within_reports"`` or ``"reports"``.

    Returns:
        DataFrame with the ``by`` columns, ``topic``, ``label``, ``share``, ``ci_low``, ``ci_high``,
        ``n_documents``, ``n_reports``, ``note``. With ``resample="reports"`` a group of one report has no
        interval (resampling it cannot vary): ``ci_low``/``ci_high`` are NaN, ``note`` says so, and a
        ``UserWarning`` lists those groups.

    Example:
        >>> topic_prevalence(model, by="section").query("section in ['review', 'plan']")   # doctest: +SKIP
    """
    by_columns = as_names(by)
    frame = model.documents
    missing = [c for c in [*by_columns, cluster] if c not in frame.columns]
    if missing:
        raise TopicModelError(f"topic_prevalence: unknown column(s) {missing}; available: {list(frame.columns)}")
    if resample not in ("within_reports", "reports"):
        raise TopicModelError(f"resample must be 'within_reports' or 'reports', got {resample!r}")
    if not 0 < level < 1 or int(n_boot) < 1:
        raise TopicModelError(f"need 0 < level < 1 and n_boot >= 1, got level={level}, n_boot={n_boot}")
    valid = ~np.isnan(model.theta[:, 0])
    data = frame.loc[valid, [*by_columns, cluster]].reset_index(drop=True)
    theta = model.theta[valid]
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    groups = data.groupby(by_columns, sort=True, dropna=True) if by_columns else [((), data)]
    rows = []
    single: list[tuple] = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        index = group.index.to_numpy()
        boots = _bootstrap_means(theta, index, group[cluster].astype(str).to_numpy(), n_boot=int(n_boot), rng=rng,
                                 resample=resample)
        share = theta[index].mean(axis=0)
        low, high = np.quantile(boots, [alpha, 1 - alpha], axis=0)
        n_reports = int(group[cluster].nunique())
        note = ""
        if resample == "reports" and n_reports < 2:
            # resampling one report always draws that report: the interval would have zero width
            low = high = np.full(model.k, np.nan)
            note = "one report: resampling reports cannot vary, so no interval"
            single.append(key)
        for topic in range(model.k):
            rows.append({**dict(zip(by_columns, key)), "topic": topic, "label": model.labels[topic],
                         "share": float(share[topic]), "ci_low": float(low[topic]), "ci_high": float(high[topic]),
                         "n_documents": len(index), "n_reports": n_reports, "note": note})
    if single:
        shown = ", ".join(str(key[0] if len(key) == 1 else key) for key in single[:10])
        warnings.warn(f"topic_prevalence: {len(single)} group(s) with one report ({shown}"
                      f"{', ...' if len(single) > 10 else ''}): resample='reports' gives no interval there "
                      f"(ci_low/ci_high NaN); use resample='within_reports' or coarser groups", UserWarning,
                      stacklevel=2)
    return pd.DataFrame(rows, columns=[*by_columns, "topic", "label", "share", "ci_low", "ci_high", "n_documents",
                                       "n_reports", "note"])


def _bootstrap_means(theta: np.ndarray, index: np.ndarray, clusters: np.ndarray, *, n_boot: int,
                     rng: np.random.Generator, resample: str) -> np.ndarray:
    """Bootstrap replicates (n_boot, k) of the mean topic share of the documents ``index``."""
    order = np.argsort(clusters, kind="stable")
    index, clusters = index[order], clusters[order]
    _, starts, sizes = np.unique(clusters, return_index=True, return_counts=True)
    out = np.empty((n_boot, theta.shape[1]))
    chunk = max(1, 2_000_000 // max(len(index), 1))
    for lo in range(0, n_boot, chunk):
        b = min(chunk, n_boot - lo)
        if resample == "within_reports":
            start_of = np.repeat(starts, sizes)
            size_of = np.repeat(sizes, sizes)
            picks = start_of + np.floor(rng.random((b, len(index))) * size_of).astype(int)
            out[lo:lo + b] = theta[index[picks]].mean(axis=1)
        else:
            cluster_sums = np.add.reduceat(theta[index], starts, axis=0)
            chosen = rng.integers(0, len(starts), size=(b, len(starts)))
            out[lo:lo + b] = cluster_sums[chosen].sum(axis=1) / sizes[chosen].sum(axis=1, keepdims=True)
    return out


def _check_full_rank(exog: np.ndarray, names: list[str], formula: str) -> None:
    """Raise TopicModelError naming the collinear terms when the design matrix is rank-deficient."""
    rank = int(np.linalg.matrix_rank(exog))
    if rank >= exog.shape[1]:
        return
    # a column is part of a collinear set when dropping it leaves the rank unchanged
    involved = [name for j, name in enumerate(names)
                if int(np.linalg.matrix_rank(np.delete(exog, j, axis=1))) == rank]
    raise TopicModelError(f"estimate_effect: formula {formula!r} gives a rank-deficient design ({exog.shape[1]} "
                          f"columns, rank {rank}): the terms {involved} are collinear (e.g. a covariate constant "
                          f"in the data next to the intercept, or one determined by another); drop one of them")


def estimate_effect(model: TopicModel, *, formula: str, topics: Sequence[int] | None = None,
                    cluster: str = "doc_id", level: float = 0.95, where: str | None = None) -> pd.DataFrame:
    """Regress each topic's document share on covariates (OLS, standard errors clustered by report).

    The analogue of stm's ``estimateEffect``: ``share ~ <formula>`` for each topic, e.g.
    ``formula="C(section) + year"``. Unlike stm it does not propagate the uncertainty of the topic shares
    themselves (no method of composition): the intervals are conditional on the fitted model. Intervals and
    p-values use the t distribution with ``n_clusters - 1`` degrees of freedom. With few reports (clusters)
    clustered errors are still unreliable; ``n_clusters`` is reported and a note is added below 20. When the
    model has as many parameters as clusters or more (e.g. ``C(place)`` with one report per place), clustered
    errors are degenerate: ``std_error``, the interval and ``p_value`` are NaN and ``note`` says why. ``where``
    (a ``DataFrame.query`` on the documents, e.g. ``"section in ['review', 'plan']"``) fits on some documents
    only, which keeps the parameters few when the reports are few.

    Raises:
        TopicModelError: the formula is unusable, or its design matrix is rank-deficient (collinear terms).

    Returns:
        DataFrame with ``topic``, ``label``, ``term``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``p_value``, ``n_obs``, ``n_clusters``, ``note``.

    Example:
        >>> estimate_effect(model, formula="C(section, Treatment('review'))")    # doctest: +SKIP
    """
    import statsmodels.formula.api as smf

    if "~" in formula:
        raise TopicModelError(f"formula gives the right-hand side only (e.g. 'C(section) + year'), got {formula!r}")
    if cluster not in model.documents.columns:
        raise TopicModelError(f"estimate_effect: cluster column {cluster!r} is not in the documents")
    topics = list(range(model.k)) if topics is None else _whole_numbers(topics, "topics")
    data = model.documents.copy()
    valid = ~np.isnan(model.theta[:, 0])
    if where is not None:
        try:
            valid &= query_mask(data, where).to_numpy(dtype=bool)
        except ValueError as exc:
            raise TopicModelError(
                f"estimate_effect: where={where!r} cannot be evaluated on the documents {exc}") from exc
    data = data.loc[valid].reset_index(drop=True)
    for column in data.columns:  # nullable integers/floats (year: Int64) -> float with NaN, which formulas understand
        if isinstance(data[column].dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Float64Dtype)):
            data[column] = data[column].astype("float64")
    theta = model.theta[valid]
    rows = []
    for topic in topics:
        if not 0 <= topic < model.k:
            raise TopicModelError(f"estimate_effect: topic {topic} is outside 0..{model.k - 1}")
        data["_share"] = theta[:, topic]
        try:
            ols = smf.ols(f"_share ~ {formula}", data=data, missing="drop")
        except Exception as exc:
            raise TopicModelError(f"estimate_effect: formula {formula!r} could not be used with the documents' "
                                  f"columns {list(model.documents.columns)}: {exc}") from exc
        groups = pd.factorize(data.loc[ols.data.row_labels, cluster].astype(str))[0]
        n_clusters = int(groups.max() + 1) if len(groups) else 0
        if n_clusters < 2:
            raise TopicModelError(f"estimate_effect: need at least two reports ({cluster!r} values), got {n_clusters}")
        # use_t: intervals and p-values from t with G - 1 degrees of freedom (G clusters), the small-sample
        # reference for clustered errors (Cameron and Miller 2015), not the normal, which overstates certainty
        if topic == topics[0]:  # the design is the same for every topic
            _check_full_rank(ols.exog, list(ols.exog_names), formula)
        n_params = ols.exog.shape[1]
        notes = [f"only {n_clusters} clusters: clustered SEs are unreliable"] if n_clusters < 20 else []
        degenerate = n_params >= n_clusters
        if degenerate:
            # G clusters give a cluster-robust covariance of rank at most G - 1: with as many parameters as
            # clusters (e.g. one dummy per report) the standard errors collapse towards zero
            notes.append(f"{n_params} parameters but only {n_clusters} clusters: clustered standard errors need "
                         f"fewer parameters than clusters, so std_error, CI and p-value are left NaN")
            fit = ols.fit()
        else:
            fit = ols.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        ci = fit.conf_int(alpha=1 - level)
        note = "; ".join(notes)
        for term in fit.params.index:
            rows.append({"topic": topic, "label": model.labels[topic], "term": term,
                         "estimate": float(fit.params[term]),
                         "std_error": np.nan if degenerate else float(fit.bse[term]),
                         "ci_low": np.nan if degenerate else float(ci.loc[term, 0]),
                         "ci_high": np.nan if degenerate else float(ci.loc[term, 1]),
                         "p_value": np.nan if degenerate else float(fit.pvalues[term]),
                         "n_obs": int(fit.nobs), "n_clusters": n_clusters, "note": note})
    return pd.DataFrame(rows)


# ==================================================================================================
# Plots
# ==================================================================================================
def _setup_plotting() -> None:
    """Configure the CJK font (``plotting.setup_plotting``) unless the caller already did."""
    import matplotlib

    from .plotting import FONT_FAMILY, setup_plotting

    if FONT_FAMILY not in matplotlib.rcParams["font.sans-serif"]:
        setup_plotting()


def plot_k_sweep(sweep: pd.DataFrame, *, suggestion: KSuggestion | None = None):
    """Coherence and held-out perplexity against K (mean over seeds, bars from min to max).

    Example:
        >>> fig = plot_k_sweep(sweep, suggestion=suggest_k(sweep))    # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _setup_plotting()
    panels = [(c, t) for c, t in [("c_npmi", "c_npmi coherence (higher is better)"),
                                  ("c_v", "c_v coherence (higher is better)"),
                                  ("u_mass", "u_mass coherence (higher is better)"),
                                  ("perplexity", "held-out perplexity (lower is better)")] if c in sweep.columns]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.2), squeeze=False, layout="constrained")
    for ax, (column, title) in zip(axes[0], panels):
        stats = sweep.groupby("k")[column].agg(["mean", "min", "max"])
        # clipped at 0: with equal values on every seed, mean - min can come out as -1e-17
        below, above = (stats["mean"] - stats["min"]).clip(lower=0), (stats["max"] - stats["mean"]).clip(lower=0)
        ax.errorbar(stats.index, stats["mean"], yerr=[below, above],
                    marker="o", capsize=3)
        if suggestion is not None:
            ax.axvline(suggestion.k, color="tab:red", linestyle="--", linewidth=1, label=f"建议 K={suggestion.k}")
            ax.legend(fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("K (主题数)")
        ax.set_xticks(list(stats.index))
    return fig


def plot_prevalence_heatmap(prevalence: pd.DataFrame, *, by: str, value: str = "share"):
    """Group × topic heatmap of mean topic share (from :func:`topic_prevalence` with one ``by`` column).

    Example:
        >>> fig = plot_prevalence_heatmap(topic_prevalence(model, by="region"), by="region")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _setup_plotting()
    if by not in prevalence.columns:
        raise TopicModelError(f"plot_prevalence_heatmap: column {by!r} not in the prevalence table")
    grid = prevalence.pivot_table(index=by, columns="label", values=value, sort=False)
    labels = prevalence.drop_duplicates("topic").sort_values("topic")["label"].tolist()
    grid = grid[labels]
    fig, ax = plt.subplots(figsize=(2.0 + 0.75 * len(labels), max(3.5, 1.8 + 0.45 * len(grid))),
                           layout="constrained")
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(grid)), [str(i) for i in grid.index], fontsize=8)
    values = grid.to_numpy()
    low, high = np.nanmin(values), np.nanmax(values)
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            dark = high > low and (v - low) / (high - low) > 0.55
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if dark else "black")
    fig.colorbar(image, ax=ax, label="平均主题占比")
    ax.set_xlabel("主题")
    ax.set_ylabel(by)
    return fig


def plot_shares_over_years(prevalence: pd.DataFrame, *, year: str = "year", topics: Sequence[int] | None = None,
                           ncols: int = 4):
    """Topic share over years with confidence bands, one small panel per topic.

    Example:
        >>> fig = plot_shares_over_years(topic_prevalence(model, by="year"))   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _setup_plotting()
    if year not in prevalence.columns:
        raise TopicModelError(f"plot_shares_over_years: column {year!r} not in the prevalence table")
    topics = sorted(prevalence["topic"].unique()) if topics is None else list(topics)
    nrows = int(np.ceil(len(topics) / ncols))
    fig, axes = plt.subplots(nrows, min(ncols, len(topics)), figsize=(3.2 * min(ncols, len(topics)), 2.4 * nrows),
                             squeeze=False, sharex=True, layout="constrained")
    for ax, topic in zip(axes.flat, topics):
        part = prevalence[prevalence["topic"] == topic].sort_values(year)
        x = part[year].astype(float)
        ax.fill_between(x, part["ci_low"], part["ci_high"], alpha=0.3, color="tab:blue", linewidth=0)
        ax.plot(x, part["share"], marker=".", color="tab:blue")
        ax.set_title(part["label"].iloc[0], fontsize=8)
    for ax in list(axes.flat)[len(topics):]:
        ax.set_visible(False)
    fig.supylabel("主题占比")
    return fig


def plot_review_vs_plan(prevalence: pd.DataFrame, *, section: str = "section",
                        groups: Sequence[str] = ("review", "plan")):
    """Dot plot of each topic's share in the review and the plan part of the reports, with intervals.

    Example:
        >>> fig = plot_review_vs_plan(topic_prevalence(model, by="section"))   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _setup_plotting()
    part = prevalence[prevalence[section].isin(groups)]
    present = [g for g in groups if g in set(part[section])]
    if not present:
        raise TopicModelError(f"plot_review_vs_plan: none of the sections {list(groups)} is in the table")
    labels = prevalence.drop_duplicates("topic").sort_values("topic")["label"].tolist()
    fig, ax = plt.subplots(figsize=(6.5, 0.9 + 0.35 * len(labels)), layout="constrained")
    names = {"review": "回顾 review", "plan": "计划 plan"}
    for offset, group in zip(np.linspace(-0.15, 0.15, len(present)), present):
        rows = part[part[section] == group].sort_values("topic")
        y = rows["topic"].to_numpy() + offset
        ax.errorbar(rows["share"], y, xerr=[rows["share"] - rows["ci_low"], rows["ci_high"] - rows["share"]],
                    fmt="o", capsize=2, label=names.get(group, group))
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("平均主题占比 (95% 区间)")
    ax.legend(fontsize=8)
    return fig


def plot_stability(stability: StabilityResult):
    """Bar chart of per-topic stability, flagged topics in red.

    Example:
        >>> fig = plot_stability(topic_stability(paragraphs, k=8))     # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _setup_plotting()
    t = stability.topics
    fig, ax = plt.subplots(figsize=(6.5, 0.9 + 0.32 * len(t)), layout="constrained")
    ax.barh(t["label"], t["stability"], color=np.where(t["flagged"], "tab:red", "tab:blue"))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("跨种子平均余弦相似度 (红色: 不稳定)")
    ax.tick_params(axis="y", labelsize=8)
    return fig


# ==================================================================================================
# Save / load
# ==================================================================================================
def save_model(model: TopicModel, directory: str | os.PathLike) -> Path:
    """Save a model to ``directory`` (written atomically): ``lda.gensim*``, ``dictionary.gensim``,
    ``documents.parquet`` (metadata and topic shares), ``labels.json`` and ``manifest.json``.

    Example:
        >>> save_model(model, "models/topics_k8")      # doctest: +SKIP
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    # Byte-identical files: gensim stamps a date into each saved object's "lifecycle events", and its save()
    # leaves bookkeeping attributes (__numpys, __scipys, ...) on the object that a later pickle would include.
    for obj in (model.lda, getattr(model.lda, "state", None), model.lda.id2word, model.dictionary):
        if obj is not None:
            obj.lifecycle_events = None
            for key in ("__numpys", "__scipys", "__ignoreds", "__recursive_saveloads"):
                vars(obj).pop(key, None)
    try:
        model.lda.save(str(tmp / "lda.gensim"))
        model.dictionary.save(str(tmp / "dictionary.gensim"))
        document_topics(model).to_parquet(tmp / "documents.parquet", index=False)
        np.save(tmp / "term_frequency.npy", model.term_frequency)
        (tmp / "labels.json").write_text(json.dumps(model.labels, ensure_ascii=False, indent=1), encoding="utf-8")
        manifest = {k: v for k, v in model.manifest.items() if not k.startswith("_")}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
                                           encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory


def load_model(directory: str | os.PathLike) -> TopicModel:
    """Load a model written by :func:`save_model`, checking its manifest and topic-word matrix.

    Raises:
        TopicModelError: a file is missing, the format is unknown or the stored matrix does not match the manifest.

    Example:
        >>> model = load_model("models/topics_k8")     # doctest: +SKIP
    """
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    directory = Path(directory)
    needed = ["manifest.json", "lda.gensim", "dictionary.gensim", "documents.parquet", "labels.json",
              "term_frequency.npy"]
    missing = [name for name in needed if not (directory / name).is_file()]
    if missing:
        raise TopicModelError(f"{directory} is not a saved topic model: missing {missing}")
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format_version") != MODEL_FORMAT_VERSION:
        raise TopicModelError(f"{directory}/manifest.json: unknown format_version {manifest.get('format_version')!r}")
    now = _library_versions()
    if manifest.get("libraries", {}).get("gensim") != now["gensim"]:
        warnings.warn(f"{directory}: saved with gensim {manifest['libraries'].get('gensim')}, loading with "
                      f"{now['gensim']}", stacklevel=2)
    lda = LdaModel.load(str(directory / "lda.gensim"))
    dictionary = Dictionary.load(str(directory / "dictionary.gensim"))
    wide = pd.read_parquet(directory / "documents.parquet")
    k = int(manifest["params"]["k"])
    topic_columns = [f"T{t}" for t in range(k)]
    model = TopicModel(lda=lda, dictionary=dictionary, documents=wide.drop(columns=topic_columns),
                       theta=wide[topic_columns].to_numpy(dtype=float), params=manifest["params"], manifest=manifest,
                       term_frequency=np.load(directory / "term_frequency.npy"),
                       labels=json.loads((directory / "labels.json").read_text(encoding="utf-8")))
    if _array_hash(model.topic_word) != manifest.get("topic_word_sha256"):
        raise TopicModelError(f"{directory}: the stored model's topic-word matrix does not match its manifest "
                              "(files changed or corrupt)")
    return model


TopicModel.save = save_model  # type: ignore[attr-defined]
TopicModel.load = staticmethod(load_model)  # type: ignore[attr-defined]
