"""Corpus overview (notebook 01): what is in the corpus, how long each report is, how its text divides into
sections, and what the loader flagged or removed.

Example:
    >>> import reportlab_analysis as ra
    >>> from reportlab_analysis import overview
    >>> table = overview.report_table(ra.load_corpus("data/raw"))  # doctest: +SKIP
    >>> fig = overview.plot_report_lengths(table)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .segment import SECTIONS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

SECTION_ORDER = SECTIONS
"""Report sections in reading order (see reportlab_analysis.segment)."""

SECTION_LABELS = {
    "preamble": "开篇 preamble",
    "review": "回顾 review",
    "plan": "部署 plan",
    "self_building": "自身建设 self-building",
    "closing": "结语 closing",
    "appendix": "附录 appendix",
    "unknown": "未识别 unknown",
}


def report_labels(reports: "pd.DataFrame") -> "pd.Series":
    """Short readable label per report, ``"南岗区 2018"``; made unique with the doc_id when two collide.

    Example:
        >>> import pandas as pd
        >>> report_labels(pd.DataFrame({"doc_id": ["a"], "region": ["南岗区"], "year": [2018]})).tolist()
        ['南岗区 2018']
    """
    import pandas as pd

    region = reports["region"].astype("string").fillna("?") if "region" in reports else pd.Series("?", reports.index)
    year = reports["year"].astype("Int64").astype("string").fillna("?") if "year" in reports else "?"
    labels = (region + " " + year).astype(str)
    duplicated = labels.duplicated(keep=False)
    labels[duplicated] = labels[duplicated] + " (" + reports.loc[duplicated, "doc_id"].astype(str) + ")"
    return labels.rename("label")


def report_table(corpus: Any) -> "pd.DataFrame":
    """One row per report: metadata, length, paragraph count, and how many quality notes and removals.

    Args:
        corpus: A loaded :class:`reportlab_analysis.corpus.Corpus`.

    Returns:
        DataFrame with ``doc_id, label, title, level, province, city, region, adcode, year, meeting_date,
        speaker, n_chars, appendix_chars, n_paragraphs, n_quality_notes, n_removed_lines``, in corpus order.

    Example:
        >>> import reportlab_analysis as ra
        >>> report_table(ra.load_corpus("data/raw"))[["label", "n_chars"]].head(1)  # doctest: +SKIP
    """
    reports = corpus.reports
    table = reports[["doc_id"]].copy()
    table["label"] = report_labels(reports)
    for column in ("title", "level", "province", "city", "region", "adcode", "year", "meeting_date", "speaker",
                   "n_chars"):
        if column in reports:
            table[column] = reports[column]
    table["appendix_chars"] = reports["appendix"].fillna("").str.len() if "appendix" in reports else 0
    paragraphs = corpus.paragraphs(include_appendix=False)
    table["n_paragraphs"] = table["doc_id"].map(paragraphs.groupby("doc_id").size()).fillna(0).astype(int)
    table["n_quality_notes"] = table["doc_id"].map(corpus.quality.groupby("doc_id").size()).fillna(0).astype(int)
    table["n_removed_lines"] = table["doc_id"].map(corpus.removed.groupby("doc_id").size()).fillna(0).astype(int)
    return table.reset_index(drop=True)


def section_profile(corpus: Any) -> "pd.DataFrame":
    """Characters and paragraphs per report and section, with each section's share of the report.

    Returns:
        Tidy DataFrame ``doc_id, label, section, n_paragraphs, n_chars, share`` (share of the report's
        characters, appendix included), sections in reading order.
    """
    import pandas as pd

    paragraphs = corpus.paragraphs(include_appendix=True)
    paragraphs = paragraphs.assign(n_chars=paragraphs["text"].str.len())
    grouped = (
        paragraphs.groupby(["doc_id", "section"], sort=False)
        .agg(n_paragraphs=("text", "size"), n_chars=("n_chars", "sum"))
        .reset_index()
    )
    totals = grouped.groupby("doc_id")["n_chars"].transform("sum")
    grouped["share"] = (grouped["n_chars"] / totals).round(6)
    labels = dict(zip(corpus.reports["doc_id"], report_labels(corpus.reports)))
    grouped.insert(1, "label", grouped["doc_id"].map(labels))
    order = {doc_id: i for i, doc_id in enumerate(corpus.reports["doc_id"])}
    grouped["section"] = pd.Categorical(grouped["section"], categories=list(SECTION_ORDER), ordered=True)
    grouped = grouped.sort_values(["doc_id", "section"], key=lambda s: s.map(order) if s.name == "doc_id" else s)
    grouped["section"] = grouped["section"].astype(str)
    return grouped.reset_index(drop=True)


def removed_summary(corpus: Any) -> "pd.DataFrame":
    """What cleaning removed, per report and rule: line count, characters, and the first removed line.

    Returns:
        DataFrame ``doc_id, label, rule, n_lines, n_chars, example`` (the first removed line, shortened to
        one line of at most 60 characters), in corpus order then by rule.
    """
    import pandas as pd

    removed = corpus.removed
    columns = ["doc_id", "label", "rule", "n_lines", "n_chars", "example"]
    if removed.empty:
        return pd.DataFrame(columns=columns)
    summary = (
        removed.assign(n_chars=removed["text"].str.len())
        .groupby(["doc_id", "rule"], sort=True)
        .agg(n_lines=("text", "size"), n_chars=("n_chars", "sum"), example=("text", "first"))
        .reset_index()
    )
    labels = dict(zip(corpus.reports["doc_id"], report_labels(corpus.reports)))
    summary["label"] = summary["doc_id"].map(labels)
    summary["example"] = summary["example"].map(_one_line)
    order = {doc_id: i for i, doc_id in enumerate(corpus.reports["doc_id"])}
    summary = summary.sort_values(["doc_id", "rule"], key=lambda s: s.map(order) if s.name == "doc_id" else s)
    return summary[columns].reset_index(drop=True)


def _one_line(text: str, *, width: int = 60) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def quality_table(corpus: Any) -> "pd.DataFrame":
    """The loader's quality notes with a readable report label, most severe first.

    Returns:
        DataFrame ``doc_id, label, source, field, severity, message``.
    """
    quality = corpus.quality.copy()
    labels = dict(zip(corpus.reports["doc_id"], report_labels(corpus.reports)))
    quality.insert(1, "label", quality["doc_id"].map(labels))
    rank = {"error": 0, "warning": 1, "info": 2}
    quality = quality.sort_values(
        ["severity", "label", "field"], key=lambda s: s.map(rank).fillna(3) if s.name == "severity" else s.fillna(""),
        kind="stable",
    )
    return quality.reset_index(drop=True)


def _bar_height(n_rows: int) -> float:
    return min(max(2.2, 0.32 * n_rows + 1.2), 40.0)


def plot_report_lengths(table: "pd.DataFrame", *, label_column: str = "label") -> "Figure":
    """Horizontal bars of each report's length in characters, body and appendix stacked.

    Args:
        table: Output of :func:`report_table` (needs ``n_chars``, ``appendix_chars`` and the label column).
        label_column: Column naming each bar.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    missing = {label_column, "n_chars", "appendix_chars"} - set(table.columns)
    if missing:
        raise ValueError(f"plot_report_lengths: table lacks column(s) {sorted(missing)}")
    rows = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.0, _bar_height(len(rows))), layout="constrained")
    body = rows["n_chars"].astype(float)
    appendix = rows["appendix_chars"].astype(float)
    ax.barh(rows[label_column].astype(str), body, color="#3b6ea5", label="正文 body")
    ax.barh(rows[label_column].astype(str), appendix, left=body, color="#e0a93b", label="附录 appendix")
    ax.set_xlabel("字数 characters")
    ax.set_title("报告长度 Report length")
    ax.margins(y=0.01)
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize="small")
    return fig


def plot_section_shares(profile: "pd.DataFrame") -> "Figure":
    """Stacked horizontal bars: the share of each report's characters in each section.

    Args:
        profile: Output of :func:`section_profile`.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    missing = {"label", "section", "share"} - set(profile.columns)
    if missing:
        raise ValueError(f"plot_section_shares: profile lacks column(s) {sorted(missing)}")
    wide = profile.pivot_table(index="label", columns="section", values="share", aggfunc="sum", fill_value=0.0,
                               sort=False)
    wide = wide[[s for s in SECTION_ORDER if s in wide.columns]].iloc[::-1]
    colors = dict(zip(SECTION_ORDER, ["#9e9e9e", "#3b6ea5", "#5aa469", "#c0504d", "#8064a2", "#e0a93b", "#d9d9d9"]))
    fig, ax = plt.subplots(figsize=(8.0, _bar_height(len(wide))), layout="constrained")
    left = None
    for section in wide.columns:
        values = wide[section].to_numpy()
        ax.barh(wide.index.astype(str), values, left=left, color=colors[section], label=SECTION_LABELS[section])
        left = values if left is None else left + values
    ax.set_xlim(0, 1)
    ax.set_xlabel("占全文字数比例 share of characters")
    ax.set_title("报告结构 Sections of each report")
    ax.margins(y=0.01)
    fig.legend(loc="outside lower center", ncol=4, frameon=False, fontsize="small")
    return fig
