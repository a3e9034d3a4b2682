"""Compare groups of reports: frequencies, keyness, keywords in context, similarity.

Every function takes a tidy DataFrame (one row per report, paragraph or sentence) with a ``tokens`` column
(lists of strings, see :func:`reportlab_analysis.tokenize.add_tokens`) and metadata columns, and groups by any of
those columns: ``region``, ``year``, ``city``, ``section`` (review against plan), ... . Results are tidy DataFrames;
the ``plot_*`` functions turn them into matplotlib figures (call
``reportlab_analysis.plotting.setup_plotting()`` first so that Chinese renders).

Measures:

* :func:`term_frequencies`: counts and frequencies per 10,000 tokens by group; :func:`top_terms`.
* :func:`fightin_words`: log-odds ratio with an informative Dirichlet prior and its z-score
  (Monroe, Colaresi & Quinn 2008, "Fightin' Words", Political Analysis 16(4), eq. 16-22).
* :func:`log_likelihood_keyness`: G² (log-likelihood ratio) or Pearson χ² on the 2×2 table of a term against
  all other tokens, with p-values and Benjamini-Hochberg adjusted p-values.
* :func:`kwic`: keyword (or regex) in context on the text, with report metadata.
* :func:`tfidf_similarity` and :func:`topic_similarity`: group × group similarity (TF-IDF cosine, or
  1 - Jensen-Shannon distance of topic mixtures), :func:`plot_similarity_heatmap`, :func:`plot_dendrogram`.

Example:
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"region": ["甲区", "乙区"], "tokens": [["生态", "生态", "创新"], ["创新", "产业"]]})
    >>> term_frequencies(docs, by="region")[["region", "term", "count"]].values.tolist()[0]
    ['乙区', '产业', 1]
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from typing import Any, Iterable, Literal, Sequence

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from scipy.special import rel_entr

from ._frames import as_names
from .cleaning import simplified

__all__ = [
    "GroupError",
    "term_frequencies",
    "top_terms",
    "choose_grouping",
    "choose_target",
    "fightin_words",
    "log_likelihood_keyness",
    "keyness",
    "distinctive_terms",
    "kwic",
    "tfidf_similarity",
    "topic_similarity",
    "jensen_shannon_distance",
    "similarity_linkage",
    "plot_keyness_scatter",
    "plot_keyness_bars",
    "plot_similarity_heatmap",
    "plot_dendrogram",
]

#: Above this many groups the quadratic similarity matrices refuse to run unless ``allow_large=True``
#: (500 groups -> 250,000 cells, well under a second; 5,000 groups -> 25 million cells, 200 MB).
MAX_SIMILARITY_GROUPS = 500

By = str | Sequence[str]


class GroupError(ValueError):
    """A grouping column is unknown, or a group named as target/reference has no rows or no tokens."""


# ------------------------------------------------------------------------------------------------------
# helpers


def _check_columns(df: pd.DataFrame, columns: Iterable[str], *, parameter: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GroupError(
            f"{parameter}: unknown column(s) {missing}; the table has columns {list(df.columns)}"
        )


def _check_tokens(df: pd.DataFrame, tokens_col: str) -> None:
    if tokens_col not in df.columns:
        raise GroupError(
            f"tokens_col={tokens_col!r} is not a column of the table (columns: {list(df.columns)}); "
            "add tokens first, e.g. with reportlab_analysis.tokenize.add_tokens(...)"
        )


def _group_mask(df: pd.DataFrame, by: list[str], value: Any, *, parameter: str) -> pd.Series:
    """Boolean mask of the rows whose ``by`` columns equal ``value`` (a scalar, tuple, or list of those)."""
    values = value if isinstance(value, list) else [value]
    mask = pd.Series(False, index=df.index)
    for one in values:
        key = one if isinstance(one, tuple) else (one,)
        if len(key) != len(by):
            raise GroupError(f"{parameter}={one!r} must give one value per grouping column {by}")
        hit = pd.Series(True, index=df.index)
        for column, wanted in zip(by, key):
            hit &= (df[column] == wanted).fillna(False).astype(bool)
        mask |= hit
    if not mask.any():
        combos = df[by].drop_duplicates().itertuples(index=False, name=None)
        available = sorted({", ".join(str(v.item() if hasattr(v, "item") else v) for v in combo)
                            for combo in combos})[:20]
        hints = [_type_hint(df[column], wanted, column, parameter if len(by) == 1 else None)
                 for one in values for column, wanted in zip(by, one if isinstance(one, tuple) else (one,))]
        hint = "".join(f"; {h}" for h in dict.fromkeys(h for h in hints if h))
        raise GroupError(
            f"{parameter}={value!r}: no rows where {by} equals it (empty group){hint}; available values: {available}"
        )
    return mask


def _type_hint(column: pd.Series, wanted: Any, name: str, parameter: str | None) -> str:
    """Why ``wanted`` may match nothing: text given for a column of numbers, or a number for a column of text."""
    values = column.dropna()
    if values.empty:
        return ""
    if pd.api.types.is_numeric_dtype(values) and isinstance(wanted, str):
        try:
            number = int(wanted.strip()) if wanted.strip().lstrip("-").isdigit() else float(wanted)
        except ValueError:
            return f"{name} holds numbers, not text"
        give = f"{parameter}={number!r}" if parameter else f"{number!r} for it"
        return f"{name} holds numbers; give {give}"
    text = values.map(lambda v: isinstance(v, str)).all()
    if text and isinstance(wanted, (int, float, np.number)) and not isinstance(wanted, bool):
        give = f"{parameter}={str(wanted)!r}" if parameter else f"{str(wanted)!r} for it"
        return f"{name} holds text; give {give}"
    return ""


def _count_tokens(token_lists: Iterable[Any]) -> Counter:
    counts: Counter = Counter()
    for tokens in token_lists:
        if isinstance(tokens, str):
            raise TypeError("the tokens column must hold lists of strings, not strings")
        if tokens is None or (isinstance(tokens, float) and math.isnan(tokens)):
            continue
        counts.update(tokens)
    return counts


def _label(value: Any) -> str:
    if isinstance(value, list):
        return "+".join(_label(v) for v in value)
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return str(value)


# ------------------------------------------------------------------------------------------------------
# frequencies


def term_frequencies(
    df: pd.DataFrame, *, by: By | None = None, tokens_col: str = "tokens", min_count: int = 1
) -> pd.DataFrame:
    """Term counts and frequencies per 10,000 tokens, by group.

    Args:
        df: tidy table with a ``tokens`` column (lists of strings).
        by: grouping column(s); ``None`` counts over the whole table.
        tokens_col: name of the tokens column.
        min_count: drop terms counted fewer times than this within a group.

    Returns:
        One row per group and term: the ``by`` columns, ``term``, ``count``, ``group_tokens`` (all tokens of the
        group) and ``per_10k`` (= count / group_tokens × 10,000); sorted by group, count (descending), term.
        Rows whose group value is missing are left out.

    Example:
        >>> docs = pd.DataFrame({"year": [2020, 2021], "tokens": [["生态", "创新"], ["创新"]]})
        >>> term_frequencies(docs, by="year")[["year", "term", "count", "per_10k"]].values.tolist()[0]
        [2020, '创新', 1, 5000.0]
    """
    columns = as_names(by)
    _check_columns(df, columns, parameter="by")
    _check_tokens(df, tokens_col)
    rows: list[tuple] = []
    if columns:
        grouped = df.dropna(subset=columns).groupby(columns, sort=True, dropna=True)[tokens_col]
        items = [((key if isinstance(key, tuple) else (key,)), series) for key, series in grouped]
    else:
        items = [((), df[tokens_col])]
    for key, series in items:
        counts = _count_tokens(series)
        total = sum(counts.values())
        for term, count in counts.items():
            if count >= min_count:
                rows.append((*key, term, count, total, count / total * 10_000))
    out = pd.DataFrame(rows, columns=[*columns, "term", "count", "group_tokens", "per_10k"])
    out["count"] = out["count"].astype("int64")
    out["group_tokens"] = out["group_tokens"].astype("int64")
    out = out.sort_values([*columns, "count", "term"], ascending=[True] * len(columns) + [False, True])
    return out.reset_index(drop=True)


def top_terms(
    df: pd.DataFrame, *, by: By | None = None, n: int = 20, tokens_col: str = "tokens", wide: bool = False
) -> pd.DataFrame:
    """The ``n`` most frequent terms of each group (ties broken by the term itself, for stable output).

    Args:
        df: tidy table with tokens, or the output of :func:`term_frequencies`.
        by: grouping column(s).
        n: terms per group.
        wide: return one column per group ("term (count)") and one row per rank instead of a long table.

    Example:
        >>> docs = pd.DataFrame({"year": [2020], "tokens": [["生态", "生态", "创新"]]})
        >>> top_terms(docs, by="year", n=1)["term"].tolist()
        ['生态']
    """
    columns = as_names(by)
    freqs = df if {"term", "count", "per_10k"} <= set(df.columns) else term_frequencies(
        df, by=by, tokens_col=tokens_col
    )
    _check_columns(freqs, columns, parameter="by")
    if columns:
        top = freqs.groupby(columns, sort=True, group_keys=False).head(n).copy()
        top["rank"] = top.groupby(columns).cumcount() + 1
    else:
        top = freqs.head(n).copy()
        top["rank"] = np.arange(1, len(top) + 1)
    top = top.reset_index(drop=True)
    if not wide:
        return top
    top["cell"] = top["term"] + " (" + top["count"].astype(str) + ")"
    if not columns:
        return top.set_index("rank")[["cell"]].rename(columns={"cell": "all"})
    group_label = top[columns].astype(str).agg(" ".join, axis=1)
    return top.assign(group=group_label).pivot(index="rank", columns="group", values="cell")


def choose_grouping(df: pd.DataFrame, *,
                    candidates: Sequence[str] = ("place", "region", "city", "year", "section")) -> str:
    """The first of ``candidates`` that splits the table into at least two groups.

    Useful for notebooks that run on district reports (group by place: the region, with its city where two
    share a name), on the national series (one region, so group by year) and on a single report (its sections)
    with the same parameters.

    Example:
        >>> choose_grouping(pd.DataFrame({"region": ["全国", "全国"], "year": [2024, 2025]}))
        'year'
    """
    for column in candidates:
        if column in df.columns and df[column].dropna().nunique() >= 2:
            return column
    raise GroupError(f"none of the columns {list(candidates)} has two or more groups to compare")


def choose_target(df: pd.DataFrame, *, by: str, target: Any = None) -> Any:
    """The target group: ``target`` if given (checked), else the latest value of a numeric column (a year),
    else the group with the most rows (ties: first in sorted order).

    Raises:
        GroupError: unknown column, fewer than two groups, or a target with no rows.

    Example:
        >>> choose_target(pd.DataFrame({"year": [2023, 2024, 2025]}), by="year")
        2025
    """
    _check_columns(df, [by], parameter="by")
    values = df[by].dropna()
    if values.nunique() < 2:
        raise GroupError(
            f"by={by!r} has {values.nunique()} group(s) {sorted(map(str, values.unique()))}; "
            "keyness needs at least two, choose another column (e.g. 'year' for the national reports)"
        )
    if target is not None:
        _group_mask(df, [by], target, parameter="target")
        return target
    if pd.api.types.is_numeric_dtype(values):
        return values.max().item() if hasattr(values.max(), "item") else values.max()
    counts = values.value_counts()
    best = counts[counts == counts.max()].index
    return sorted(best, key=str)[0]


# ------------------------------------------------------------------------------------------------------
# keyness


def _target_reference_counts(
    df: pd.DataFrame, by: By, target: Any, reference: Any, tokens_col: str
) -> tuple[Counter, Counter, str, str]:
    columns = as_names(by)
    if not columns:
        raise GroupError("by: give the grouping column(s) that define the target group")
    _check_columns(df, columns, parameter="by")
    _check_tokens(df, tokens_col)
    target_mask = _group_mask(df, columns, target, parameter="target")
    if reference is None:
        known = df[columns].notna().all(axis=1)
        reference_mask = known & ~target_mask
        reference_label = f"not {_label(target)}"
        if not reference_mask.any():
            raise GroupError(f"reference: every row belongs to target={target!r}; there is nothing to compare with")
    else:
        reference_mask = _group_mask(df, columns, reference, parameter="reference")
        reference_label = _label(reference)
        if (target_mask & reference_mask).any():
            raise GroupError(f"target={target!r} and reference={reference!r} share rows")
    target_counts = _count_tokens(df.loc[target_mask, tokens_col])
    reference_counts = _count_tokens(df.loc[reference_mask, tokens_col])
    for name, value, counts in (("target", target, target_counts), ("reference", reference, reference_counts)):
        if not counts:
            raise GroupError(f"{name}={value!r}: the group has rows but no tokens (empty group)")
    return target_counts, reference_counts, _label(target), reference_label


def _count_table(target_counts: Counter, reference_counts: Counter, min_count: int) -> pd.DataFrame:
    vocabulary = sorted(set(target_counts) | set(reference_counts))
    table = pd.DataFrame(
        {
            "term": vocabulary,
            "count_target": np.array([target_counts.get(t, 0) for t in vocabulary], dtype="int64"),
            "count_reference": np.array([reference_counts.get(t, 0) for t in vocabulary], dtype="int64"),
        }
    )
    n_target, n_reference = sum(target_counts.values()), sum(reference_counts.values())
    table["per_10k_target"] = table["count_target"] / n_target * 10_000
    table["per_10k_reference"] = table["count_reference"] / n_reference * 10_000
    keep = (table["count_target"] + table["count_reference"]) >= min_count
    return table[keep].reset_index(drop=True)


def fightin_words(
    df: pd.DataFrame,
    *,
    by: By,
    target: Any,
    reference: Any = None,
    tokens_col: str = "tokens",
    prior: pd.DataFrame | pd.Series | dict | None = None,
    prior_size: float | None = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior, and its z-score (Monroe, Colaresi & Quinn 2008).

    For term w with counts y_t (target, n_t tokens) and y_r (reference, n_r tokens) and prior pseudo-counts
    α_w summing to α_0::

        δ_w  = log((y_t + α_w) / (n_t + α_0 - y_t - α_w)) - log((y_r + α_w) / (n_r + α_0 - y_r - α_w))
        σ²_w ≈ 1 / (y_t + α_w) + 1 / (y_r + α_w)
        z_w  = δ_w / σ_w

    The prior is the term distribution of a background corpus: by default the whole table ``df`` (all rows,
    every group), with α_w equal to the background count (α_0 = background tokens), as in the common
    implementations of the method. ``prior_size`` rescales the prior to that total α_0 (smaller = weaker
    shrinkage). Terms of target/reference missing from the background get no prior mass; pass a background
    that covers them, or leave the default.

    Args:
        df: tidy table with tokens and the grouping column(s).
        by: grouping column(s), e.g. ``"region"``, ``["region", "year"]`` or ``"section"``.
        target: the group value (a tuple for several ``by`` columns, or a list of values pooled together).
        reference: the group compared with; ``None`` means all other rows with a known group value.
        tokens_col: tokens column.
        prior: background counts: a DataFrame with ``term`` and ``count``, a Series or dict term -> count.
        prior_size: total prior pseudo-count α_0; ``None`` keeps the background counts as they are.
        min_count: drop terms with fewer than this many occurrences in target + reference.

    Returns:
        One row per term, sorted by ``z`` descending (terms of the target first): ``term``, ``count_target``,
        ``count_reference``, ``per_10k_target``, ``per_10k_reference``, ``prior``, ``log_odds_ratio``,
        ``variance``, ``z``. ``df.attrs`` records target, reference, token totals and α_0.

    Example:
        >>> docs = pd.DataFrame({"g": ["a", "b"], "tokens": [["生态", "生态", "创新"], ["创新", "产业"]]})
        >>> fightin_words(docs, by="g", target="a").iloc[0]["term"]
        '生态'
    """
    target_counts, reference_counts, target_label, reference_label = _target_reference_counts(
        df, by, target, reference, tokens_col
    )
    if prior_size is not None and (isinstance(prior_size, bool) or not isinstance(prior_size, (int, float, np.number))
                                   or not math.isfinite(prior_size) or prior_size <= 0):
        raise ValueError(
            f"prior_size={prior_size!r}: give a positive number (the total prior pseudo-count α_0), "
            "or None to keep the background counts"
        )
    table = _count_table(target_counts, reference_counts, min_count)
    if prior is None:
        background = _count_tokens(df[tokens_col])
    elif isinstance(prior, pd.DataFrame):
        _check_columns(prior, ["term", "count"], parameter="prior")
        background = Counter(dict(zip(prior["term"], prior["count"])))
    else:
        background = Counter(dict(prior))
    background_total = float(sum(background.values()))
    if background_total <= 0:
        raise GroupError("prior: the background corpus has no tokens")
    scale = 1.0 if prior_size is None else float(prior_size) / background_total
    alpha = np.array([background.get(t, 0) for t in table["term"]], dtype="float64") * scale
    alpha_0 = background_total * scale
    n_target, n_reference = sum(target_counts.values()), sum(reference_counts.values())
    y_t = table["count_target"].to_numpy(dtype="float64")
    y_r = table["count_reference"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_t + alpha) / (n_target + alpha_0 - y_t - alpha)) - np.log(
            (y_r + alpha) / (n_reference + alpha_0 - y_r - alpha)
        )
        variance = 1.0 / (y_t + alpha) + 1.0 / (y_r + alpha)
        z = delta / np.sqrt(variance)
    undefined = int((np.isnan(z) & (alpha == 0)).sum())  # (a term making up every token is NaN too, rightly)
    if undefined:
        warnings.warn(
            f"fightin_words: {undefined} of {len(z)} terms are missing from the prior's background and used by "
            "only one side, so their z is undefined (NaN, sorted last); give a background that covers them, or "
            "leave prior=None (the whole table)", UserWarning, stacklevel=2)
    table["prior"] = alpha
    table["log_odds_ratio"] = delta
    table["variance"] = variance
    table["z"] = z
    table = table.sort_values(["z", "term"], ascending=[False, True], na_position="last").reset_index(drop=True)
    table.attrs.update(
        method="fightin_words", target=target_label, reference=reference_label, n_target=n_target,
        n_reference=n_reference, alpha_0=alpha_0, score="z",
    )
    return table


def _xlogy(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """observed × ln(observed / expected), with 0 × ln 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(observed > 0, observed * np.log(observed / expected), 0.0)


def log_likelihood_keyness(
    df: pd.DataFrame,
    *,
    by: By,
    target: Any,
    reference: Any = None,
    tokens_col: str = "tokens",
    measure: Literal["g2", "chi2"] = "g2",
    yates: bool = False,
    min_count: int = 1,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """G² (log-likelihood) or χ² keyness of every term, with p-values and Benjamini-Hochberg correction.

    For term w the 2×2 table has a = count in target, b = count in reference, c = n_t - a, d = n_r - b
    (n_t, n_r: tokens of each side, N = n_t + n_r). With expected counts E = row total × column total / N::

        G² = 2 Σ O ln(O / E)              (over the four cells; 0 ln 0 = 0)
        χ² = Σ (O - E)² / E               (Yates: (|O - E| - 0.5)², if ``yates=True``)

    Both have one degree of freedom; ``p_value`` is the upper tail of χ²(1). The score is signed: positive
    when the term is relatively more frequent in the target (a / n_t > b / n_r), negative otherwise, as in
    quanteda's ``textstat_keyness``. ``p_adjusted`` is the Benjamini-Hochberg adjusted p-value over all terms
    tested, ``significant`` is ``p_adjusted < alpha``.

    Args:
        df, by, target, reference, tokens_col, min_count: as in :func:`fightin_words`.
        measure: ``"g2"`` or ``"chi2"``.
        yates: apply Yates' continuity correction (χ² only).
        alpha: false discovery rate for ``significant``.

    Returns:
        One row per term sorted by the signed score descending: ``term``, ``count_target``,
        ``count_reference``, ``per_10k_target``, ``per_10k_reference``, ``expected_target``, ``g2`` or ``chi2``,
        ``p_value``, ``p_adjusted``, ``significant``.

    Example:
        >>> docs = pd.DataFrame({"g": ["a", "b"], "tokens": [["生态"] * 9 + ["创新"], ["创新"] * 9 + ["生态"]]})
        >>> round(float(log_likelihood_keyness(docs, by="g", target="a").loc[0, "g2"]), 3)
        14.723
    """
    if measure not in ("g2", "chi2"):
        raise ValueError(f"measure={measure!r}: use 'g2' or 'chi2'")
    target_counts, reference_counts, target_label, reference_label = _target_reference_counts(
        df, by, target, reference, tokens_col
    )
    table = _count_table(target_counts, reference_counts, min_count)
    n_target, n_reference = sum(target_counts.values()), sum(reference_counts.values())
    total = n_target + n_reference
    a = table["count_target"].to_numpy(dtype="float64")
    b = table["count_reference"].to_numpy(dtype="float64")
    observed = [a, b, n_target - a, n_reference - b]
    term_total = a + b
    expected = [
        n_target * term_total / total,
        n_reference * term_total / total,
        n_target * (total - term_total) / total,
        n_reference * (total - term_total) / total,
    ]
    if measure == "g2":
        score = 2.0 * sum(_xlogy(o, e) for o, e in zip(observed, expected))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            if yates:
                score = sum(np.maximum(np.abs(o - e) - 0.5, 0.0) ** 2 / e for o, e in zip(observed, expected))
            else:
                score = sum((o - e) ** 2 / e for o, e in zip(observed, expected))
        score = np.nan_to_num(score, nan=0.0)
    score = np.maximum(score, 0.0)  # rounding can give -1e-16 for terms with equal rates
    sign = np.where(a / n_target >= b / n_reference, 1.0, -1.0)
    p_value = stats.chi2.sf(score, df=1)
    table["expected_target"] = expected[0]
    table[measure] = sign * score
    table["p_value"] = p_value
    table["p_adjusted"] = stats.false_discovery_control(p_value, method="bh") if len(p_value) else p_value
    table["significant"] = table["p_adjusted"] < alpha
    table = table.sort_values([measure, "term"], ascending=[False, True]).reset_index(drop=True)
    table.attrs.update(
        method=measure, target=target_label, reference=reference_label, n_target=n_target,
        n_reference=n_reference, score=measure,
    )
    return table


def keyness(
    df: pd.DataFrame,
    *,
    by: By,
    target: Any,
    reference: Any = None,
    method: Literal["fightin_words", "g2", "chi2"] = "fightin_words",
    **options: Any,
) -> pd.DataFrame:
    """Distinctive terms of ``target`` against ``reference`` (default: all other groups).

    ``method`` picks :func:`fightin_words` (z-score of the log-odds ratio) or :func:`log_likelihood_keyness`
    (G² or χ²); ``options`` go to that function.

    Example:
        >>> keyness(paragraphs, by="section", target="review", reference="plan")  # doctest: +SKIP
    """
    if method == "fightin_words":
        return fightin_words(df, by=by, target=target, reference=reference, **options)
    if method in ("g2", "chi2"):
        return log_likelihood_keyness(df, by=by, target=target, reference=reference, measure=method, **options)
    raise ValueError(f"method={method!r}: use 'fightin_words', 'g2' or 'chi2'")


def distinctive_terms(
    df: pd.DataFrame,
    *,
    by: By,
    n: int = 10,
    method: Literal["fightin_words", "g2", "chi2"] = "fightin_words",
    wide: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """The ``n`` most distinctive terms of every group against all the other groups (one keyness run per group).

    Only terms more frequent in the group than in the rest are listed (positive score).

    Args:
        df: tidy table with tokens and the grouping column.
        by: grouping column(s) (``"region"``, ``"year"``, ``["place", "year"]``, ...).
        n: terms per group.
        method: as in :func:`keyness`; ``options`` go to it.
        wide: one column per group ("term (score)") and one row per rank instead of a long table.

    Returns:
        Long: the ``by`` column(s), ``rank``, ``term``, ``count_target``, ``per_10k_target``, ``per_10k_reference``,
        ``score``.

    Example:
        >>> docs = pd.DataFrame({"g": ["a", "b"], "tokens": [["生态", "生态", "创新"], ["创新", "产业"]]})
        >>> distinctive_terms(docs, by="g", n=1)[["g", "term"]].values.tolist()
        [['a', '生态'], ['b', '产业']]
    """
    columns = as_names(by)
    if not columns:
        raise GroupError("by: give the grouping column(s)")
    _check_columns(df, columns, parameter="by")
    keys = df[columns].dropna().drop_duplicates().itertuples(index=False, name=None)
    groups = sorted(keys, key=lambda key: tuple((str(type(v)), v) for v in key))
    if len(groups) < 2:
        raise GroupError(f"by={by!r} has {len(groups)} group(s); distinctive terms need at least two")
    frames = []
    for key in groups:
        target = key[0] if len(columns) == 1 else key
        table = keyness(df, by=columns, target=target, method=method, **options)
        score = _score_column(table)
        top = table[table[score] > 0].head(n)
        frames.append(pd.DataFrame({
            **{column: [value] * len(top) for column, value in zip(columns, key)},
            "rank": np.arange(1, len(top) + 1), "term": top["term"].to_numpy(),
            "count_target": top["count_target"].to_numpy(), "per_10k_target": top["per_10k_target"].to_numpy(),
            "per_10k_reference": top["per_10k_reference"].to_numpy(), "score": top[score].to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    for column in columns:
        out[column] = out[column].astype(df[column].dtype)
    if not wide:
        return out
    out["cell"] = out["term"] + " (" + out["score"].map(lambda v: f"{v:.1f}") + ")"
    return out.pivot(index="rank", columns=columns[0] if len(columns) == 1 else columns, values="cell")


# ------------------------------------------------------------------------------------------------------
# keywords in context


def kwic(
    df: pd.DataFrame,
    pattern: str,
    *,
    text_col: str = "text",
    window: int = 20,
    regex: bool = False,
    metadata: str | Sequence[str] | None = None,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Keyword in context: every match of ``pattern`` in the text, with ``window`` characters either side.

    Matching is done on the text itself (not on tokens), so a phrase the tokenizer splits is still found; a
    traditional-script text is matched in its simplified form (经济 finds 經濟) and shown as written; the pattern
    is simplified the same way, so 經濟 finds both 經濟 and 经济.
    Line breaks in the context are shown as " / ".

    Args:
        df: table with a text column (``corpus.reports``, ``corpus.paragraphs(metadata=True)``, ...).
        pattern: one literal string, or a regular expression if ``regex=True`` (``营商环境|生态`` for several).
        text_col: the text column.
        window: characters of context on each side.
        regex: treat ``pattern`` as a regular expression.
        metadata: column(s) to carry into the result (a string is one column); default: every column except
            the text, ``tokens`` and ``appendix``.
        max_rows: stop after this many matches.

    Returns:
        One row per match, in table order: the metadata columns, ``start`` (character offset), ``left``,
        ``match``, ``right``.

    Example:
        >>> kwic(pd.DataFrame({"doc_id": ["d1"], "text": ["推进生态文明建设"]}), "生态", window=2)[
        ...     ["left", "match", "right"]].values.tolist()
        [['推进', '生态', '文明']]
    """
    _check_columns(df, [text_col], parameter="text_col")
    if not isinstance(pattern, str):
        raise TypeError(
            f"pattern: expected a single string, got {type(pattern).__name__} {pattern!r}; for several words "
            "give one regular expression, e.g. kwic(df, '营商环境|生态', regex=True)"
        )
    if not pattern:
        raise ValueError("pattern: give a non-empty string")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"window={window!r}: give the characters of context as a whole number, zero or more")
    # the text is read in simplified script, so the pattern is too (經濟 finds 經濟 and 经济)
    wanted = simplified(pattern)
    try:
        compiled = re.compile(wanted if regex else re.escape(wanted))
    except re.error as exc:
        raise ValueError(f"pattern={pattern!r} is not a valid regular expression: {exc}") from None
    long_text = {text_col, "tokens", "appendix"}
    keep = [c for c in df.columns if c not in long_text] if metadata is None else as_names(metadata)
    _check_columns(df, keep, parameter="metadata")
    rows: list[tuple] = []
    for values, text in zip(df[keep].itertuples(index=False, name=None), df[text_col]):
        if not isinstance(text, str):
            continue
        # matched in the simplified form (one character for one, so positions agree); shown as written
        for match in compiled.finditer(simplified(text)):
            if match.end() == match.start():
                continue
            left = text[max(0, match.start() - window): match.start()].replace("\n", " / ")
            right = text[match.end(): match.end() + window].replace("\n", " / ")
            rows.append((*values, match.start(), left, text[match.start():match.end()], right))
            if max_rows is not None and len(rows) >= max_rows:
                break
        if max_rows is not None and len(rows) >= max_rows:
            break
    out = pd.DataFrame(rows, columns=[*keep, "start", "left", "match", "right"])
    for column in keep:
        out[column] = out[column].astype(df[column].dtype)
    # the same dtypes with no match as with some (an empty result would otherwise hold object columns)
    return out.astype({"start": "int64", "left": str, "match": str, "right": str})


# ------------------------------------------------------------------------------------------------------
# similarity


def _group_labels(df: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, list[str]]:
    keys = df[columns].drop_duplicates().dropna().sort_values(columns).reset_index(drop=True)
    if keys.empty:
        raise GroupError(f"by={columns}: no groups (the table is empty, or every value of the column is missing)")
    labels = [" ".join(map(str, key)) for key in keys.itertuples(index=False, name=None)]
    if len(set(labels)) != len(labels):
        raise GroupError(f"by={columns}: group labels are not unique once written as text")
    return keys, labels


def _check_size(n: int, allow_large: bool) -> None:
    if n > MAX_SIMILARITY_GROUPS and not allow_large:
        raise ValueError(
            f"{n} groups would give a {n}×{n} similarity matrix; the limit is {MAX_SIMILARITY_GROUPS} "
            "(memory and time grow with the square). Group more coarsely, or pass allow_large=True."
        )


def tfidf_similarity(
    df: pd.DataFrame,
    *,
    by: By = "doc_id",
    tokens_col: str = "tokens",
    min_df: int = 1,
    sublinear_tf: bool = True,
    allow_large: bool = False,
) -> pd.DataFrame:
    """Cosine similarity of TF-IDF vectors, one vector per group (by default per report).

    Weights: tf = 1 + ln(count) if ``sublinear_tf`` else count; idf = ln(N / df_w) + 1 (N groups, df_w groups
    using the term); each vector is scaled to unit length, and the similarity is their dot product, in [0, 1].
    The matrix is quadratic in the number of groups; above ``MAX_SIMILARITY_GROUPS`` (500) it refuses unless
    ``allow_large=True`` (a few thousand groups still fit in memory; beyond, compare group aggregates).

    Args:
        df: tidy table with tokens and the grouping column(s).
        by: grouping column(s): ``"doc_id"``, ``"region"``, ``["region", "year"]``, ...
        tokens_col: tokens column.
        min_df: ignore terms used by fewer groups than this.
        sublinear_tf: dampen repeated terms with 1 + ln(count).
        allow_large: allow more than ``MAX_SIMILARITY_GROUPS`` groups.

    Returns:
        A square DataFrame, index and columns the group labels (values joined by a space), sorted.

    Example:
        >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "tokens": [["生态", "创新"], ["生态", "产业"]]})
        >>> sim = tfidf_similarity(docs)
        >>> float(sim.loc["a", "a"])
        1.0
    """
    columns = as_names(by)
    _check_columns(df, columns, parameter="by")
    _check_tokens(df, tokens_col)
    keys, labels = _group_labels(df, columns)
    _check_size(len(labels), allow_large)
    if len(labels) == 0:
        raise GroupError(f"by={columns}: no groups with a known value")
    grouped = df.dropna(subset=columns).groupby(columns, sort=True)[tokens_col]
    counters = [_count_tokens(series) for _, series in grouped]
    empty = [label for label, counts in zip(labels, counters) if not counts]
    if empty:
        raise GroupError(f"by={columns}: group(s) {empty[:10]} have no tokens (empty group)")
    vocabulary: dict[str, int] = {}
    for term in sorted(set().union(*counters)):
        vocabulary[term] = len(vocabulary)
    rows, cols, vals = [], [], []
    for i, counts in enumerate(counters):
        for term, count in counts.items():
            rows.append(i)
            cols.append(vocabulary[term])
            vals.append(count)
    matrix = sparse.csr_matrix(
        (np.array(vals, dtype="float64"), (rows, cols)), shape=(len(counters), len(vocabulary))
    )
    document_frequency = np.asarray((matrix > 0).sum(axis=0)).ravel()
    keep = document_frequency >= min_df
    matrix, document_frequency = matrix[:, keep], document_frequency[keep]
    if sublinear_tf:
        matrix.data = 1.0 + np.log(matrix.data)
    idf = np.log(len(counters) / document_frequency) + 1.0
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms) @ matrix
    similarity = np.clip((matrix @ matrix.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(similarity, 1.0)
    return pd.DataFrame(similarity, index=pd.Index(labels, name="group"), columns=pd.Index(labels, name="group"))


def topic_similarity(
    topics: Any, *, by: By = "doc_id", allow_large: bool = False
) -> pd.DataFrame:
    """Similarity of topic mixtures: 1 - Jensen-Shannon distance (base 2, so in [0, 1]).

    Args:
        topics: a fitted :class:`reportlab_analysis.topics.TopicModel`; or its ``document_topics(model)`` table
            (metadata plus one ``T0``, ``T1``, ... column per topic); or a long table with ``topic`` and
            ``share`` (or ``weight``/``prob``) columns; or a plain wide table (index = labels, one column per
            topic).
        by: metadata column(s) naming the groups (reports by default). When several documents share a group
            (paragraphs of one report, reports of one region) the group mixture is the mean of their mixtures.
            Ignored for a plain wide table.
        allow_large: allow more than ``MAX_SIMILARITY_GROUPS`` groups.

    Documents without topic shares (NaN: no token kept by the model) are left out.

    Example:
        >>> mix = pd.DataFrame({"t0": [0.9, 0.1], "t1": [0.1, 0.9]}, index=["a", "b"])
        >>> round(float(topic_similarity(mix).loc["a", "b"]), 3)
        0.271
    """
    columns = as_names(by)
    if hasattr(topics, "theta") and hasattr(topics, "documents"):
        theta = np.asarray(topics.theta, dtype="float64")
        frame = topics.documents.reset_index(drop=True).copy()
        topic_columns = [f"T{k}" for k in range(theta.shape[1])]
        frame[topic_columns] = theta
    elif isinstance(topics, pd.DataFrame):
        frame = topics
        topic_columns = [c for c in frame.columns if re.fullmatch(r"T\d+", str(c))]
    else:
        raise TypeError("topics: expected a TopicModel or a DataFrame of topic shares")
    weight_col = next((c for c in ("share", "weight", "prob", "probability", "proportion") if c in frame.columns), None)
    if not topic_columns and "topic" in frame.columns and weight_col:
        _check_columns(frame, columns, parameter="by")
        frame = frame.dropna(subset=[weight_col])
        wide = frame.pivot_table(index=columns, columns="topic", values=weight_col, aggfunc="sum", fill_value=0.0)
        wide = wide.div(wide.sum(axis=1), axis=0)
    elif topic_columns:
        _check_columns(frame, columns, parameter="by")
        frame = frame.dropna(subset=topic_columns)
        wide = frame.groupby(columns, sort=True)[topic_columns].mean()
    else:
        wide = frame
    values = wide.to_numpy(dtype="float64")
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError("topics: no documents with topic shares")
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError("topics: topic shares must be non-negative numbers without NaN")
    sums = values.sum(axis=1, keepdims=True)
    if (sums == 0).any():
        raise ValueError("topics: a row has all-zero topic shares")
    _check_size(len(values), allow_large)
    values = values / sums
    n = len(values)
    distance = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            distance[i, j] = distance[j, i] = jensen_shannon_distance(values[i], values[j])
    labels = pd.Index(
        [" ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in wide.index], name="group"
    )
    return pd.DataFrame(np.clip(1.0 - distance, 0.0, 1.0), index=labels, columns=labels.copy())


def jensen_shannon_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2, in [0, 1]) of two probability vectors.

    As ``scipy.spatial.distance.jensenshannon(p, q, base=2)``, except that rounding can never make it NaN: for
    two nearly equal mixtures the divergence can come out a hair below zero, and scipy's square root of it is NaN.

    Example:
        >>> jensen_shannon_distance(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        1.0
        >>> jensen_shannon_distance(np.array([0.7, 0.3]), np.array([0.7, 0.3]))
        0.0
    """
    middle = (p + q) / 2.0
    divergence = (rel_entr(p, middle).sum() + rel_entr(q, middle).sum()) / (2.0 * np.log(2.0))
    return float(np.sqrt(min(max(divergence, 0.0), 1.0)))


def similarity_linkage(similarity: pd.DataFrame, *, method: str = "average") -> np.ndarray:
    """Hierarchical clustering (scipy linkage matrix) on the distance 1 - similarity.

    Example:
        >>> similarity_linkage(pd.DataFrame([[1, .5], [.5, 1]], index=list("ab"), columns=list("ab"))).shape
        (1, 4)
    """
    values = similarity.to_numpy(dtype="float64")
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] < 2:
        raise ValueError("similarity: need a square matrix with at least two rows")
    distance = np.clip(1.0 - (values + values.T) / 2.0, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return hierarchy.linkage(squareform(distance, checks=False), method=method)


# ------------------------------------------------------------------------------------------------------
# plots


def _score_column(table: pd.DataFrame) -> str:
    score = table.attrs.get("score")
    if score in table.columns:
        return score
    for candidate in ("z", "g2", "chi2"):
        if candidate in table.columns:
            return candidate
    raise ValueError("expected a keyness table from fightin_words() or log_likelihood_keyness()")


def plot_keyness_scatter(table: pd.DataFrame, *, n_labels: int = 10, title: str | None = None):
    """Score (z, G² or χ²) against overall frequency (log scale), the ``n_labels`` strongest terms on each side labelled.

    How to read it: each point is a term; right = frequent overall, up = typical of the target, down = typical
    of the reference. Frequent terms need a larger difference to reach a high score.

    Example:
        >>> fig = plot_keyness_scatter(fightin_words(docs, by="region", target="南岗区"))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    score = _score_column(table)
    frequency = table["count_target"] + table["count_reference"]
    fig, ax = plt.subplots(layout="constrained", figsize=(8, 6))
    positive = table[score] > 0
    ax.scatter(frequency[positive], table.loc[positive, score], s=8, alpha=0.5, color="#c0392b",
               label=table.attrs.get("target", "target"))
    ax.scatter(frequency[~positive], table.loc[~positive, score], s=8, alpha=0.5, color="#2471a3",
               label=table.attrs.get("reference", "reference"))
    ordered = table.assign(_f=frequency).sort_values([score, "term"], ascending=[False, True])
    labelled = pd.concat([ordered.head(n_labels), ordered[ordered[score] < 0].tail(n_labels)])
    for _, row in labelled.iterrows():
        ax.annotate(row["term"], (row["_f"], row[score]), fontsize=9, xytext=(3, 2), textcoords="offset points")
    ax.set_xscale("log")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("词频 (目标+参照) / term frequency (log scale)")
    ax.set_ylabel({"z": "z 值 (log-odds, Dirichlet prior)", "g2": "G² (signed)", "chi2": "χ² (signed)"}[score])
    ax.set_title(title or f"{table.attrs.get('target', 'target')} vs {table.attrs.get('reference', 'reference')}")
    ax.legend(loc="best", fontsize=9)
    return fig


def plot_keyness_bars(table: pd.DataFrame, *, n: int = 15, title: str | None = None):
    """Two-sided bar chart: the ``n`` most distinctive terms of the target (right) and of the reference (left).

    Example:
        >>> fig = plot_keyness_bars(keyness(paras, by="section", target="review", reference="plan"))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    score = _score_column(table)
    ordered = table.sort_values([score, "term"], ascending=[False, True])
    top = ordered[ordered[score] > 0].head(n)
    bottom = ordered[ordered[score] < 0].tail(n)
    shown = pd.concat([top, bottom]).sort_values(score)
    fig, ax = plt.subplots(layout="constrained", figsize=(7, max(3.0, 0.28 * len(shown) + 1)))
    colors = np.where(shown[score] > 0, "#c0392b", "#2471a3")
    ax.barh(np.arange(len(shown)), shown[score], color=colors)
    ax.set_yticks(np.arange(len(shown)), labels=shown["term"].tolist())
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel(f"{score}  ← {table.attrs.get('reference', 'reference')} | {table.attrs.get('target', 'target')} →")
    ax.set_title(title or "最具区分度的词 / most distinctive terms")
    return fig


def plot_similarity_heatmap(similarity: pd.DataFrame, *, title: str | None = None, annotate: bool | None = None):
    """Heatmap of a similarity matrix, rows and columns in dendrogram order so that clusters show as blocks.

    Example:
        >>> fig = plot_similarity_heatmap(tfidf_similarity(reports, by="doc_id"))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if len(similarity) >= 2:
        order = hierarchy.leaves_list(similarity_linkage(similarity))
        similarity = similarity.iloc[order, order]
    n = len(similarity)
    size = min(14.0, max(4.0, 0.35 * n + 2))
    fig, ax = plt.subplots(layout="constrained", figsize=(size + 1.5, size))
    image = ax.imshow(similarity.to_numpy(), cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(np.arange(n), labels=similarity.columns.tolist(), rotation=90, fontsize=8)
    ax.set_yticks(np.arange(n), labels=similarity.index.tolist(), fontsize=8)
    if annotate if annotate is not None else n <= 12:
        for i in range(n):
            for j in range(n):
                value = similarity.iat[i, j]
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if value < 0.6 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="similarity")
    ax.set_title(title or "相似度 / similarity")
    return fig


def plot_dendrogram(similarity: pd.DataFrame, *, method: str = "average", title: str | None = None):
    """Hierarchical-clustering dendrogram on 1 - similarity (average linkage by default).

    How to read it: reports joined lower down are more alike; the height of a join is their distance.

    Example:
        >>> fig = plot_dendrogram(tfidf_similarity(reports, by="doc_id"))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    linkage = similarity_linkage(similarity, method=method)
    fig, ax = plt.subplots(layout="constrained", figsize=(8, max(3.0, 0.3 * len(similarity) + 1)))
    hierarchy.dendrogram(linkage, labels=similarity.index.tolist(), orientation="right", ax=ax,
                         color_threshold=None, leaf_font_size=9)
    ax.set_xlabel("distance = 1 - similarity")
    ax.set_title(title or f"层次聚类 / hierarchical clustering ({method} linkage)")
    return fig
