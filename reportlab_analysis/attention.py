"""Policy attention: dictionary counts per report and category, normalized, as a region × year panel.

A dictionary is a YAML file with a category ``name`` (a lower-case identifier, also used for Stata variable
names), a Chinese ``label``, an English ``label_en``, a ``source`` and a ``note`` (where the terms come from and
what they miss), the ``terms`` and optionally ``exclude`` (phrases whose matches are not counted, e.g. 健康发展
under public health). The package ships ten (``reportlab_analysis/data/dictionaries/*.yaml``); users pass
their own files or folders.

Terms are matched on the clean report text, not on tokens, so a phrase the tokenizer splits (绿色低碳 ->
绿色 / 低碳) is still found. Term syntax:

* ``乡村振兴``: the literal string (ASCII letters match in any case: ``pm2.5`` finds ``PM2.5``);
* ``数字 经济``: words in sequence, with or without whitespace between them;
* ``绿色*发展``: ``*`` is 0 to ``wildcard_max`` (default 4) Chinese characters, letters or digits
  (finds 绿色发展 and 绿色低碳发展, never across punctuation);
* ``第?产业``: ``?`` is exactly one such character.

Within one category the terms are matched together, longest term first, and matches never overlap, so
生态环境保护 with terms 生态 and 环境保护 counts 2, and with 生态环境保护 as a term as well it counts 1. A term may
belong to several categories; each category counts it.

Example:
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"doc_id": ["d1"], "text": ["推进生态文明建设，加强环境保护。"]})
    >>> scores = attention_scores(reports, dictionaries=load_dictionaries(categories=["ecology"]))
    >>> scores[["category", "count", "n_chars"]].values.tolist()
    [['ecology', 2, 16]]
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import yaml

from ._frames import as_names
from .cleaning import simplified

__all__ = [
    "DictionaryError",
    "AttentionCategory",
    "DICTIONARY_DIR",
    "load_dictionary",
    "load_dictionaries",
    "dictionary_table",
    "term_regex",
    "attention_scores",
    "attention_terms",
    "attention_panel",
    "plot_attention_heatmap",
    "plot_attention_trend",
]

#: Folder of the dictionaries shipped with the package.
DICTIONARY_DIR = Path(__file__).parent / "data" / "dictionaries"

#: Report columns carried into the attention tables when present.
DEFAULT_ID_COLUMNS = ("doc_id", "region", "city", "province", "adcode", "place", "level", "doc_type", "year",
                      "duplicate_of")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_WORD_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]"
_WHITESPACE = re.compile(r"\s")
_HAS_WORD_CHAR = re.compile(r"\w")


class DictionaryError(ValueError):
    """A dictionary file is missing, is not valid YAML, or does not follow the dictionary schema."""


@dataclass(frozen=True)
class AttentionCategory:
    """One attention category: identifier, labels, provenance, terms and excluded phrases."""

    name: str
    label: str
    terms: tuple[str, ...]
    label_en: str = ""
    source: str = ""
    note: str = ""
    exclude: tuple[str, ...] = ()
    path: str = field(default="", compare=False)


# ------------------------------------------------------------------------------------------------------
# dictionaries


def _string_list(value: object, *, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DictionaryError(f"{where}: '{key}' must be a list of strings, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise DictionaryError(f"{where}: '{key}' item {i + 1} must be a non-empty string, got {item!r}")
        if not re.search(_WORD_CHAR, item):
            raise DictionaryError(f"{where}: '{key}' item {item!r} has no character to match (only wildcards?)")
        out.append(item.strip())
    duplicates = sorted({t for t in out if out.count(t) > 1})
    if duplicates:
        raise DictionaryError(f"{where}: '{key}' lists {duplicates} more than once")
    return tuple(out)


def _category_from_mapping(data: object, *, where: str, path: str) -> AttentionCategory:
    if not isinstance(data, dict):
        raise DictionaryError(f"{where}: a category must be a mapping with name, label and terms")
    unknown = sorted(set(data) - {"name", "label", "label_en", "source", "note", "terms", "exclude"})
    if unknown:
        raise DictionaryError(f"{where}: unknown key(s) {unknown}; allowed: name, label, label_en, source, note, terms, exclude")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise DictionaryError(
            f"{where}: 'name' must be a lower-case identifier of at most 20 characters "
            f"(letters, digits, underscore; it becomes a Stata variable name), got {name!r}"
        )
    where = f"{where} (category {name!r})"
    terms = _string_list(data.get("terms"), key="terms", where=where)
    if not terms:
        raise DictionaryError(f"{where}: 'terms' is missing or empty")
    for key in ("label", "label_en", "source", "note"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            raise DictionaryError(f"{where}: '{key}' must be text")
    return AttentionCategory(
        name=name,
        label=(data.get("label") or name).strip(),
        terms=terms,
        label_en=(data.get("label_en") or "").strip(),
        source=" ".join((data.get("source") or "").split()),
        note=" ".join((data.get("note") or "").split()),
        exclude=_string_list(data.get("exclude"), key="exclude", where=where),
        path=path,
    )


def load_dictionary(path: str | Path) -> list[AttentionCategory]:
    """Read one dictionary file: a single category, or ``categories:`` followed by a list of categories.

    Args:
        path: a ``.yaml``/``.yml`` file.

    Raises:
        DictionaryError: the file is missing, not YAML, or breaks the schema (the message names file and problem).

    Example:
        >>> load_dictionary(DICTIONARY_DIR / "ecology.yaml")[0].label
        '生态环境'
    """
    path = Path(path)
    if not path.is_file():
        raise DictionaryError(f"{path}: dictionary file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DictionaryError(f"{path}: not valid YAML{at}: {problem}") from None
    if isinstance(data, dict) and "categories" in data:
        items = data["categories"]
        if not isinstance(items, list) or not items:
            raise DictionaryError(f"{path}: 'categories' must be a non-empty list of categories")
        categories = [
            _category_from_mapping(item, where=f"{path}: categories[{i}]", path=str(path))
            for i, item in enumerate(items)
        ]
    else:
        categories = [_category_from_mapping(data, where=str(path), path=str(path))]
    return categories


def load_dictionaries(
    paths: str | Path | Sequence[str | Path] | None = None, *, categories: str | Sequence[str] | None = None
) -> list[AttentionCategory]:
    """Load attention dictionaries: the packaged ones (``paths=None``), or files and folders of ``.yaml`` files.

    Args:
        paths: a file, a folder, or a list of them; folders are read in file-name order.
        categories: keep only these category names, in this order (a string is one name).

    Raises:
        DictionaryError: a malformed file, two categories with the same name, or an unknown category asked for.

    Example:
        >>> [c.name for c in load_dictionaries(categories=["reform", "ecology"])]
        ['reform', 'ecology']
    """
    if paths is None:
        paths = [DICTIONARY_DIR]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    loaded: list[AttentionCategory] = []
    for entry in paths:
        entry = Path(entry)
        if entry.is_dir():
            files = sorted([*entry.glob("*.yaml"), *entry.glob("*.yml")])
            if not files:
                raise DictionaryError(f"{entry}: folder holds no .yaml dictionary files")
        else:
            files = [entry]
        for file in files:
            loaded.extend(load_dictionary(file))
    seen: dict[str, str] = {}
    for category in loaded:
        if category.name in seen:
            raise DictionaryError(
                f"category name {category.name!r} is defined twice: in {seen[category.name]} and {category.path}"
            )
        seen[category.name] = category.path
    if categories is not None:
        categories = as_names(categories)
        by_name = {c.name: c for c in loaded}
        unknown = [name for name in categories if name not in by_name]
        if unknown:
            raise DictionaryError(f"categories: unknown category name(s) {unknown}; available: {sorted(by_name)}")
        loaded = [by_name[name] for name in categories]
    return loaded


def dictionary_table(dictionaries: Sequence[AttentionCategory] | None = None) -> pd.DataFrame:
    """The dictionaries as a table for the appendix of a paper: one row per category.

    Example:
        >>> dictionary_table()["name"].tolist()[:2]
        ['digital', 'ecology']
    """
    dictionaries = load_dictionaries() if dictionaries is None else dictionaries
    return pd.DataFrame(
        [
            {
                "name": c.name, "label": c.label, "label_en": c.label_en, "n_terms": len(c.terms),
                "terms": "、".join(c.terms), "exclude": "、".join(c.exclude), "source": c.source, "note": c.note,
            }
            for c in dictionaries
        ]
    )


# ------------------------------------------------------------------------------------------------------
# matching


def term_regex(term: str, *, wildcard_max: int = 4) -> str:
    """The regular expression of one dictionary term (see the module docstring for the syntax).

    Example:
        >>> bool(re.fullmatch(term_regex("绿色*发展"), "绿色低碳发展"))
        True
    """
    parts = []
    for char in term.strip():
        if char == "*":
            parts.append(f"{_WORD_CHAR}{{0,{wildcard_max}}}")
        elif char == "?":
            parts.append(_WORD_CHAR)
        elif char.isspace():
            if parts and parts[-1] != r"\s*":
                parts.append(r"\s*")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _literal_length(term: str) -> int:
    return len(re.sub(r"[\s*?]", "", term))


@dataclass(frozen=True)
class _CompiledCategory:
    category: AttentionCategory
    regex: re.Pattern
    group_terms: dict[str, str | None]  # group name -> term, None for an excluded phrase


def _compile(category: AttentionCategory, wildcard_max: int) -> _CompiledCategory:
    # the text is read in simplified script, so terms and exclusions are too (經濟 counts 經濟 and 经济);
    # the result still names each term as the dictionary writes it
    entries = [(term, True) for term in category.terms] + [(term, False) for term in category.exclude]
    # longest literal first, exclusions before terms of the same length, then the term itself: stable order
    entries.sort(key=lambda e: (-_literal_length(e[0]), e[1], e[0]))
    alternatives, group_terms, first_chars = [], {}, set()
    for i, (term, counted) in enumerate(entries):
        group, simple = f"g{i}", simplified(term)
        alternatives.append(f"(?P<{group}>{term_regex(simple, wildcard_max=wildcard_max)})")
        group_terms[group] = term if counted else None
        first_chars.add(simple.strip()[0])
    pattern = "|".join(alternatives)
    if not first_chars & {"*", "?"}:
        # a look-ahead on the possible first characters lets the engine skip most positions at once
        # (about ten times faster than trying every alternative at every character)
        pattern = "(?=[" + "".join(re.escape(c) for c in sorted(first_chars)) + "])(?:" + pattern + ")"
    return _CompiledCategory(category, re.compile(pattern, flags=re.IGNORECASE), group_terms)


def _match_terms(text: str, compiled: _CompiledCategory) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in compiled.regex.finditer(text):
        term = compiled.group_terms[match.lastgroup]
        if term is not None and match.end() > match.start():
            counts[term] = counts.get(term, 0) + 1
    return counts


def _word_tokens(text: str) -> list[str]:
    """All words of the text as jieba cuts them (the tokenizer's default segmentation, jieba's dictionary and HMM;
    punctuation and whitespace left out)."""
    from .tokenize import _load_backend

    cut = _load_backend("native", None, None)
    has_word_char = _HAS_WORD_CHAR.search
    return [token for token in cut(text, True) if token.isalnum() or has_word_char(token)]


Dictionaries = Sequence[AttentionCategory | str | Path] | str | Path | None


def _resolve_dictionaries(dictionaries: Dictionaries) -> list[AttentionCategory]:
    """Categories from ``dictionaries``: categories as given, dictionary files or folders loaded, and names of
    packaged categories (``"ecology"``) selected; ``None`` is every packaged category."""
    if dictionaries is None:
        return load_dictionaries()
    if isinstance(dictionaries, AttentionCategory):
        return [dictionaries]
    items = [dictionaries] if isinstance(dictionaries, (str, Path)) else list(dictionaries)
    out: list[AttentionCategory] = []
    packaged: dict[str, AttentionCategory] | None = None
    for item in items:
        if isinstance(item, AttentionCategory):
            out.append(item)
        elif isinstance(item, (str, Path)) and Path(item).exists():
            out.extend(load_dictionaries(item))
        elif isinstance(item, str) and _NAME.match(item):
            packaged = packaged if packaged is not None else {c.name: c for c in load_dictionaries()}
            if item not in packaged:
                raise DictionaryError(
                    f"dictionaries: {item!r} is neither a file nor a packaged category ({sorted(packaged)}); "
                    "pass load_dictionaries('path/to/file.yaml') or load_dictionaries(categories=[...])"
                )
            out.append(packaged[item])
        elif isinstance(item, (str, Path)):
            raise DictionaryError(f"dictionaries: no dictionary file or folder {str(item)!r}")
        else:
            raise TypeError(
                f"dictionaries: expected categories from load_dictionaries(...), dictionary paths or packaged "
                f"category names, got {type(item).__name__} {item!r}"
            )
    names = [c.name for c in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise DictionaryError(f"dictionaries: category name(s) {twice} given more than once")
    return out


def _prepare(
    reports: pd.DataFrame,
    *,
    dictionaries: Dictionaries,
    text_col: str,
    id_columns: str | Sequence[str] | None,
) -> tuple[list[AttentionCategory], list[str]]:
    if not isinstance(reports, pd.DataFrame):
        raise TypeError(f"reports: expected a pandas DataFrame, got {type(reports).__name__}")
    if text_col not in reports.columns:
        raise ValueError(f"text_col={text_col!r} is not a column of the table (columns: {list(reports.columns)})")
    dictionaries = _resolve_dictionaries(dictionaries)
    if not dictionaries:
        raise DictionaryError("dictionaries: no categories given")
    if id_columns is None:
        id_columns = [c for c in DEFAULT_ID_COLUMNS if c in reports.columns]
    else:
        id_columns = as_names(id_columns)
        missing = [c for c in id_columns if c not in reports.columns]
        if missing:
            raise ValueError(f"id_columns: unknown column(s) {missing}; the table has {list(reports.columns)}")
    return dictionaries, list(id_columns)


def _matching_texts(reports: pd.DataFrame, text_col: str) -> list[str]:
    """The texts as dictionaries are matched against: simplified script (國家 counts as 国家), "" for a missing one."""
    return [simplified(t) if isinstance(t, str) else "" for t in reports[text_col]]


def attention_terms(
    reports: pd.DataFrame,
    *,
    dictionaries: Dictionaries = None,
    text_col: str = "text",
    id_columns: str | Sequence[str] | None = None,
    wildcard_max: int = 4,
) -> pd.DataFrame:
    """Matches per report, category and term (only terms found at least once): for checking a dictionary.

    Returns:
        ``id_columns``, ``category``, ``term``, ``count``; the category counts of :func:`attention_scores` are
        the sums of these.

    Example:
        >>> attention_terms(pd.DataFrame({"text": ["绿色低碳发展"]}), dictionaries=[
        ...     AttentionCategory("green", "绿色", ("绿色*发展",))])[["term", "count"]].values.tolist()
        [['绿色*发展', 1]]
    """
    dictionaries, id_columns = _prepare(reports, dictionaries=dictionaries, text_col=text_col, id_columns=id_columns)
    compiled = [_compile(c, wildcard_max) for c in dictionaries]
    rows = []
    for ids, text in zip(reports[id_columns].itertuples(index=False, name=None), _matching_texts(reports, text_col)):
        for entry in compiled:
            for term, count in sorted(_match_terms(text, entry).items()):
                rows.append((*ids, entry.category.name, term, count))
    out = pd.DataFrame(rows, columns=[*id_columns, "category", "term", "count"])
    out["count"] = out["count"].astype("int64")
    for column in id_columns:
        out[column] = out[column].astype(reports[column].dtype)
    return out


def attention_scores(
    reports: pd.DataFrame,
    *,
    dictionaries: Dictionaries = None,
    text_col: str = "text",
    tokens_col: str | None = "tokens",
    tokenizer: Callable[[str], list[str]] | None = None,
    id_columns: str | Sequence[str] | None = None,
    wildcard_max: int = 4,
) -> pd.DataFrame:
    """Attention to each category in each report: counts, per 10,000 characters and per 1,000 tokens.

    Definitions: ``count`` = non-overlapping matches of the category's terms in the text, read in simplified script (see module docstring);
    ``n_chars`` = characters of the text excluding whitespace; ``n_tokens`` = length of the ``tokens`` column
    if the table has one (so it follows that tokenizer's stopword and length filters), else
    ``len(tokenizer(text))``, else every word of the text as jieba cuts it (the tokenizer's segmentation),
    punctuation and whitespace left out. Pass ``tokens_col=None`` to ignore a tokens column and count all
    words, which makes rates comparable across tokenizer settings. ``per_10k_chars`` = count / n_chars ×
    10,000, ``per_1k_tokens`` = count / n_tokens × 1,000; both are NaN for an empty text.

    Args:
        reports: one row per report (``corpus.reports``) or per paragraph/section, with a text column.
        dictionaries: categories from :func:`load_dictionaries`, or what it reads: dictionary file(s) or
            folder(s), or names of packaged categories (``"ecology"``); default: all packaged ones.
        text_col: the text column (clean text).
        tokens_col: tokens column used for ``n_tokens`` if present; ``None`` to count all words instead.
        tokenizer: function text -> tokens used for ``n_tokens`` when there is no tokens column.
        id_columns: columns carried into the result; default: those of ``DEFAULT_ID_COLUMNS`` present.
        wildcard_max: the most characters a ``*`` stands for.

    Returns:
        One row per report and category (long format), in table order and dictionary order: ``id_columns``,
        ``category``, ``label``, ``count``, ``n_chars``, ``n_tokens``, ``per_10k_chars``, ``per_1k_tokens``.

    Example:
        >>> attention_scores(corpus.reports).query("category == 'ecology'")  # doctest: +SKIP
    """
    dictionaries, id_columns = _prepare(reports, dictionaries=dictionaries, text_col=text_col, id_columns=id_columns)
    compiled = [_compile(c, wildcard_max) for c in dictionaries]
    texts = _matching_texts(reports, text_col)
    if tokens_col is not None and tokens_col in reports.columns:
        n_tokens = [len(t) if isinstance(t, (list, tuple, np.ndarray)) else 0 for t in reports[tokens_col]]
    else:
        count_tokens = tokenizer or _word_tokens
        n_tokens = [len(count_tokens(t)) if t else 0 for t in texts]
    rows = []
    for ids, text, tokens in zip(reports[id_columns].itertuples(index=False, name=None), texts, n_tokens):
        n_chars = len(_WHITESPACE.sub("", text))
        for entry in compiled:
            count = sum(_match_terms(text, entry).values())
            rows.append((
                *ids, entry.category.name, entry.category.label, count, n_chars, tokens,
                count / n_chars * 10_000 if n_chars else np.nan,
                count / tokens * 1_000 if tokens else np.nan,
            ))
    columns = [*id_columns, "category", "label", "count", "n_chars", "n_tokens", "per_10k_chars", "per_1k_tokens"]
    out = pd.DataFrame(rows, columns=columns)
    for column in ("count", "n_chars", "n_tokens"):
        out[column] = out[column].astype("int64")
    for column in id_columns:
        out[column] = out[column].astype(reports[column].dtype)
    out.attrs["categories"] = {c.name: c.label for c in dictionaries}
    return out


# ------------------------------------------------------------------------------------------------------
# panel


def attention_panel(
    scores: pd.DataFrame,
    *,
    index: str | Sequence[str] = ("region", "adcode", "year"),
    measures: str | Sequence[str] = ("per_10k_chars", "per_1k_tokens", "count"),
) -> pd.DataFrame:
    """Wide panel for regressions: one row per ``index`` value (e.g. region × year), one column per category and measure.

    The rows of ``scores`` sharing an index value (two reports of one region and year, or all paragraphs of a
    section) are pooled: counts, characters and tokens are summed over exactly those rows and the rates are
    recomputed from the sums, e.g. ``digital_per10k`` = Σ count / Σ n_chars × 10,000, as in
    :func:`plot_attention_heatmap`. Columns: ``index``, ``n_reports`` (distinct ``doc_id``, else rows),
    ``n_chars``, ``n_tokens``, then ``{category}_per10k``, ``{category}_per1k_tok`` and ``{category}_n`` for
    the requested measures. ``panel.attrs["variable_labels"]`` holds Chinese labels (used by
    :func:`reportlab_analysis.export.export_table` for Stata).

    Rows of ``scores`` are not pooled across reports on a missing key: rows whose index value is missing
    (region not found, ...) form one panel row per report, and a ``doc_id`` column (empty for the other rows)
    is added after ``index`` to tell them apart (``row``, the text's position, if ``scores`` has no ``doc_id``);
    a warning names those reports. Reports flagged as duplicates of another (a non-empty ``duplicate_of``
    column, carried by default from ``corpus.reports``) are left out with a warning; for tables without that
    column (``corpus.paragraphs()``) load the corpus with ``drop_duplicates=True``.

    Raises:
        ValueError: an unknown column or measure, or categories covering different rows of a group (filter
            ``scores`` on rows, e.g. ``section``, never on ``count``).

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "section": ["plan", "plan", "plan"],
        ...                       "text": ["生态生态", "建设家园", "生态"], "tokens": [["生态"]] * 3})
        >>> scores = attention_scores(frame, dictionaries=load_dictionaries(categories=["ecology"]),
        ...                           id_columns=["doc_id", "section"])
        >>> attention_panel(scores, index=["section"], measures=["per_10k_chars"]).values.tolist()
        [['plan', 2, 10, 3, 3000.0]]
    """
    index = as_names(index)  # index="region" is one column, not six letters
    measures = as_names(measures)
    missing = [c for c in [*index, "category", "count", "n_chars", "n_tokens"] if c not in scores.columns]
    if missing:
        raise ValueError(f"index/scores: unknown column(s) {missing}; the scores table has {list(scores.columns)}")
    allowed = {"per_10k_chars": "per10k", "per_1k_tokens": "per1k_tok", "count": "n"}
    unknown = [m for m in measures if m not in allowed]
    if unknown:
        raise ValueError(f"measures: unknown {unknown}; choose from {list(allowed)}")
    labels = scores.attrs.get("categories") or dict(zip(scores["category"], scores.get("label", scores["category"])))
    scores = _without_duplicates(scores, "attention_panel")
    categories = list(dict.fromkeys(scores["category"]))
    variable_labels = {**{c: _INDEX_LABELS[c] for c in index if c in _INDEX_LABELS},
                       "n_reports": "报告数 number of reports", "n_chars": "字数 characters (no whitespace)",
                       "n_tokens": "词数 tokens"}
    if not categories:  # no rows: an empty panel
        panel = pd.DataFrame(columns=[*index, *(c for c in variable_labels if c not in index)])
        panel.attrs["variable_labels"] = variable_labels
        return panel
    data, by, unit = _panel_units(scores, index)
    wide = _group_sums(data, by, dropna=False).unstack("category")
    for size in ("n_chars", "n_tokens", "n_rows"):
        differs = wide[size].reindex(columns=categories).nunique(axis=1, dropna=False) > 1
        if differs.any():
            raise ValueError(
                f"scores: the categories cover different rows in group(s) {differs[differs].index.tolist()[:5]} "
                f"({size} differs); pass every category for every text (filter scores on rows, not on counts)"
            )
    sizes = wide.xs(categories[0], axis=1, level="category")  # the same for every category (checked above)
    panel = pd.DataFrame({"n_reports": sizes["n_docs" if "n_docs" in sizes.columns else "n_rows"],
                          "n_chars": sizes["n_chars"], "n_tokens": sizes["n_tokens"]}).astype("int64")
    counts = wide["count"].reindex(columns=categories).astype("int64")
    chars = panel["n_chars"].where(panel["n_chars"] > 0)
    tokens = panel["n_tokens"].where(panel["n_tokens"] > 0)
    for category in categories:
        label = labels.get(category, category)
        count = counts[category]
        for measure in measures:
            column = f"{category}_{allowed[measure]}"
            if measure == "count":
                panel[column] = count
                variable_labels[column] = f"{label} 词频 (count)"
            elif measure == "per_10k_chars":
                panel[column] = count / chars * 10_000
                variable_labels[column] = f"{label} 每万字词频 (per 10,000 characters)"
            else:
                panel[column] = count / tokens * 1_000
                variable_labels[column] = f"{label} 每千词词频 (per 1,000 tokens)"
    panel = panel.reset_index()
    if unit is not None:
        panel = panel.rename(columns={"_unit": unit})
        variable_labels = {unit: f"报告编号 report id, set only where {'/'.join(index)} is missing", **variable_labels}
    panel.attrs["variable_labels"] = variable_labels
    return panel


#: Stata variable labels of the usual panel index columns.
_INDEX_LABELS = {
    "region": "地区 issuing government", "city": "地级市 city", "province": "省份 province",
    "adcode": "行政区划代码 administrative division code", "level": "行政级别 level", "year": "年份 plan year",
    "section": "报告部分 report section", "doc_id": "报告编号 report id",
}


def _group_sums(scores: pd.DataFrame, by: list[str], *, dropna: bool) -> pd.DataFrame:
    """Per group and category: summed ``count``, ``n_chars``, ``n_tokens``, the rows (``n_rows``) and reports (``n_docs``)."""
    aggregations = {"count": ("count", "sum"), "n_chars": ("n_chars", "sum"), "n_tokens": ("n_tokens", "sum"),
                    "n_rows": ("count", "size")}
    if "doc_id" in scores.columns:
        aggregations["n_docs"] = ("doc_id", "nunique")
    return scores.groupby([*by, "category"], sort=True, observed=True, dropna=dropna).agg(**aggregations)


def _without_duplicates(scores: pd.DataFrame, caller: str) -> pd.DataFrame:
    """``scores`` without the rows of reports flagged as duplicates (``duplicate_of`` set), with a warning."""
    if "duplicate_of" not in scores.columns:
        return scores
    flagged = scores["duplicate_of"].notna()
    if not flagged.any():
        return scores
    names = scores.loc[flagged, "doc_id"] if "doc_id" in scores.columns else scores.index[flagged]
    names = sorted(set(map(str, names)))
    warnings.warn(
        f"{caller}: left out {len(names)} report(s) flagged as duplicates of another report "
        f"(duplicate_of): {names}", UserWarning, stacklevel=3,
    )
    return scores[~flagged]


def _panel_units(scores: pd.DataFrame, index: list[str]) -> tuple[pd.DataFrame, list[str], str | None]:
    """The scores with a ``_unit`` column that keeps rows with a missing index value apart, one unit per report.

    Returns the scores, the grouping columns and the name of the unit column in the panel (None when no row
    has a missing index value, or ``doc_id`` is itself in the index).
    """
    missing = scores[index].isna().any(axis=1) if index else pd.Series(False, index=scores.index)
    if not missing.any() or "doc_id" in index:
        return scores, index, None
    if "doc_id" in scores.columns:
        name, unit = "doc_id", scores["doc_id"].astype(str)
    else:  # scores list every category for each text in turn, so the position within a category is the text
        name, unit = "row", scores.groupby("category", sort=False).cumcount().astype(str)
    names = sorted(set(unit[missing]))
    warnings.warn(
        f"attention_panel: {len(names)} report(s) have a missing {'/'.join(index)}, each kept as its own panel "
        f"row ({name} column) instead of being pooled with other reports: {names}", UserWarning, stacklevel=3,
    )
    return scores.assign(_unit=unit.where(missing)), [*index, "_unit"], name


# ------------------------------------------------------------------------------------------------------
# plots


def _pooled(scores: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Groups × categories table of ``value`` pooled over the rows of each group (sums, then the rate)."""
    sums = _group_sums(scores, by, dropna=True)
    if value == "count":
        pooled = sums["count"].astype(float)
    elif value == "per_10k_chars":
        pooled = sums["count"] / sums["n_chars"].where(sums["n_chars"] > 0) * 10_000
    elif value == "per_1k_tokens":
        pooled = sums["count"] / sums["n_tokens"].where(sums["n_tokens"] > 0) * 1_000
    else:
        raise ValueError(f"value={value!r}: use 'per_10k_chars', 'per_1k_tokens' or 'count'")
    table = pooled.unstack("category")
    return table[[c for c in dict.fromkeys(scores["category"]) if c in table.columns]]


def plot_attention_heatmap(
    scores: pd.DataFrame, *, by: str | Sequence[str] = "region", value: str = "per_10k_chars", title: str | None = None
):
    """Heatmap of attention, groups (rows) × categories (columns), the values written in the cells.

    Rows of a group (paragraphs of a section, reports of a region) are pooled: counts, characters and tokens
    are summed and the rate computed from the sums, so long texts weigh more than short ones. As in
    :func:`attention_panel`, reports flagged as duplicates (``duplicate_of``) are left out; rows with a
    missing group value are not drawn.

    How to read it: compare along a column (which district attends most to a category); rows differ in overall
    length and style, so compare shares within a row with care.

    Example:
        >>> fig = plot_attention_heatmap(attention_scores(corpus.reports), by="region")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    by = as_names(by)
    missing = [c for c in [*by, "category", "count", "n_chars", "n_tokens"] if c not in scores.columns]
    if missing:
        raise ValueError(f"by: unknown column(s) {missing}; the scores table has {list(scores.columns)}")
    labels = scores.attrs.get("categories") or {}
    table = _pooled(_without_duplicates(scores, "plot_attention_heatmap"), by, value)
    fig, ax = plt.subplots(layout="constrained", figsize=(1.0 * table.shape[1] + 3, 0.45 * table.shape[0] + 2))
    image = ax.imshow(table.to_numpy(dtype=float), cmap="YlOrRd", aspect="auto")
    ax.set_xticks(np.arange(table.shape[1]), labels=[labels.get(c, c) for c in table.columns], rotation=45, ha="right")
    row_labels = [" ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in table.index]
    ax.set_yticks(np.arange(table.shape[0]), labels=row_labels)
    if table.size <= 400:
        values = table.to_numpy(dtype=float)
        dark = np.nanmax(values) * 0.6 if np.isfinite(values).any() else np.inf
        for (i, j), v in np.ndenumerate(values):
            if not np.isnan(v):
                ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if v > dark else "black")
    fig.colorbar(image, ax=ax, label=value)
    ax.set_title(title or f"政策注意力 / policy attention ({value})")
    return fig


def plot_attention_trend(
    scores: pd.DataFrame,
    *,
    x: str = "year",
    value: str = "per_10k_chars",
    categories: Sequence[str] | None = None,
    title: str | None = None,
):
    """Line chart of attention by ``x`` (usually year), one line per category, pooled as in
    :func:`plot_attention_heatmap`. Two neighbouring points are joined only when at least one place (``place``,
    else ``region``) is in both: a line between two different districts' years would suggest a trend within a
    place. The title says when points are left apart.

    Example:
        >>> fig = plot_attention_trend(attention_scores(national.reports), categories=["ecology", "digital"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    missing = [c for c in [x, "category", "count", "n_chars", "n_tokens"] if c not in scores.columns]
    if missing:
        raise ValueError(f"x: unknown column(s) {missing}; the scores table has {list(scores.columns)}")
    labels = scores.attrs.get("categories") or {}
    chosen = list(dict.fromkeys(scores["category"])) if categories is None else list(categories)
    unknown = [c for c in chosen if c not in set(scores["category"])]
    if unknown:
        raise ValueError(f"categories: unknown {unknown}; available {sorted(set(scores['category']))}")
    data = scores[scores["category"].isin(chosen) & scores[x].notna()]
    table = _pooled(_without_duplicates(data, "plot_attention_trend"), [x], value)
    positions = table.index.astype(float)
    if len(positions) > 1 and np.allclose(positions, np.round(positions)):
        # whole numbers (years): a missing year is a gap in the line, not a straight stroke across it
        steps = np.arange(positions.min(), positions.max() + 1)
        table = table.set_axis(positions).reindex(steps)
    place = next((c for c in ("place", "region") if c in data.columns), None)
    xs = table.index.astype(float)
    present = [i for i in range(len(xs)) if table.iloc[i].notna().any()]
    joined = {i: True for i in present}  # does point i join the next present point?
    if place is not None:
        places = {float(key): set(group) for key, group in data.dropna(subset=[place]).groupby(x)[place]}
        for i, following in zip(present, present[1:]):
            joined[i] = bool(places.get(xs[i], set()) & places.get(xs[following], set()))
    breaks = sum(not joined[i] for i in present[:-1])
    fig, ax = plt.subplots(layout="constrained", figsize=(9, 5))
    for category in chosen:
        if category not in table.columns:
            continue
        line_x: list[float] = []
        line_y: list[float] = []
        for i, position in enumerate(xs):
            line_x.append(position)
            line_y.append(table[category].iloc[i])
            if i in joined and not joined[i]:
                line_x.append(position + 0.5)  # a gap: matplotlib does not draw across a missing value
                line_y.append(np.nan)
        ax.plot(line_x, line_y, marker="o", markersize=3 if not breaks else 5, label=labels.get(category, category))
    ax.set_xlabel(x)
    ax.set_ylabel(value)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, borderaxespad=0)  # beside, not over, points
    heading = title or f"政策注意力的变化 / attention over {x}"
    if breaks and breaks == len(present) - 1:
        heading += f"\n每个点是不同的地区 / each point is another {place}: not a trend"
    elif breaks:
        heading += f"\n只连接含同一地区的相邻年份 / lines join only {x}s sharing a {place}"
    ax.set_title(heading)
    return fig
