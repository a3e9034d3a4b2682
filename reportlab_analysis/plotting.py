"""Figures that render Chinese everywhere and come out byte-identical on every run.

The CJK font is Noto Sans CJK SC from the pip package ``manimgx-fonts-cjk`` (SIL Open Font Licence, so it may
be redistributed, unlike SimHei). It is registered with matplotlib's font manager at run time; nothing in
site-packages or the user's font folders is changed.

The package ships one *variable* font whose default instance is weight 100 (Thin), and matplotlib can only
use a variable font's default instance, which is hard to read in a figure. :func:`build_regular_font` writes a
static Regular (weight 400) instance of the Simplified Chinese face into a user cache folder (a one-off job of
about ten minutes with ``fontTools``, written atomically). :func:`setup_plotting` uses it when it is there and
otherwise falls back to the Thin default with a note, so figures always render; build the font once with
``reportlab-analysis fonts`` for nicer figures (the runner records which font was used in ``index.html``).

Example:
    >>> from reportlab_analysis.plotting import setup_plotting
    >>> info = setup_plotting()
    >>> info.family
    'Noto Sans CJK SC'
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

FONT_FAMILY = "Noto Sans CJK SC"
"""The family name every figure is set in."""

_FONT_PACKAGE = "manimgx_fonts_cjk"
_FONT_FILE = "NotoSansCJK-VF.otf.ttc"
_SC_FACE_INDEX = 2  # faces in the collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
_REGULAR_WEIGHT = 400
_SVG_HASHSALT = "reportlab_analysis"


@dataclasses.dataclass(frozen=True)
class FontInfo:
    """Which font :func:`setup_plotting` registered.

    Attributes:
        family: Font family name used in rcParams.
        path: The font file registered with matplotlib.
        weight: ``"regular"`` for the cached static instance, ``"thin"`` for the variable font's default.
        note: Human-readable remark (e.g. how to get the regular weight), or ``""``.
    """

    family: str
    path: Path
    weight: str
    note: str = ""


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK variable font collection shipped by ``manimgx-fonts-cjk``.

    Raises:
        RuntimeError: If the package or its font file is not installed.

    Example:
        >>> cjk_font_path().name
        'NotoSansCJK-VF.otf.ttc'
    """
    try:
        path = Path(str(resources.files(_FONT_PACKAGE).joinpath(_FONT_FILE)))
    except ModuleNotFoundError as err:
        raise RuntimeError(
            "The CJK font package 'manimgx-fonts-cjk' is not installed; run `pip install manimgx-fonts-cjk` "
            "(it is a dependency of reportlab_analysis)."
        ) from err
    if not path.is_file():
        raise RuntimeError(f"The CJK font file {path} is missing; reinstall 'manimgx-fonts-cjk'.")
    return path


def font_cache_dir() -> Path:
    """Folder where the static Regular font instance is cached.

    ``$REPORTLAB_ANALYSIS_CACHE/fonts`` if that variable is set, else ``$XDG_CACHE_HOME/reportlab_analysis/fonts``
    (``~/.cache/reportlab_analysis/fonts`` by default).
    """
    root = os.environ.get("REPORTLAB_ANALYSIS_CACHE")
    if root:
        return Path(root) / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "reportlab_analysis" / "fonts"


def _source_fingerprint(path: Path) -> str:
    stat = path.stat()
    key = f"{stat.st_size}:{_SC_FACE_INDEX}:{_REGULAR_WEIGHT}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def regular_font_path() -> Path:
    """Where the cached static Regular instance lives (it may not exist yet)."""
    source = cjk_font_path()
    return font_cache_dir() / f"NotoSansCJKsc-Regular-{_source_fingerprint(source)}.otf"


def build_regular_font(*, force: bool = False) -> Path:
    """Write a static Regular (weight 400) instance of Noto Sans CJK SC into the cache folder.

    Slow (about ten minutes on one core: fontTools instantiates every CFF2 glyph), done once per machine.
    The file is written to a temporary name and renamed, so an interrupted build never leaves a broken font.

    Args:
        force: Rebuild even if the cached file exists.

    Returns:
        Path of the static font.

    Example:
        >>> build_regular_font()  # doctest: +SKIP
        PosixPath('/home/me/.cache/reportlab_analysis/fonts/NotoSansCJKsc-Regular-….otf')
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target = regular_font_path()
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(cjk_font_path()), fontNumber=_SC_FACE_INDEX)
    static = instancer.instantiateVariableFont(font, {"wght": _REGULAR_WEIGHT}, updateFontNames=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".otf.tmp")
    os.close(fd)
    try:
        static.save(tmp_name)
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def _registered_paths() -> set[str]:
    from matplotlib import font_manager

    return {entry.fname for entry in font_manager.fontManager.ttflist}


def register_cjk_font(*, prefer_regular: bool = True) -> FontInfo:
    """Register Noto Sans CJK SC with matplotlib (idempotent) and say which weight is in use.

    Args:
        prefer_regular: Use the cached static Regular instance when it exists.

    Returns:
        A :class:`FontInfo`.
    """
    from matplotlib import font_manager, ft2font

    def register(path: Path, face_index: int) -> None:
        # One face, entered at every weight: it is the only weight matplotlib can draw from the file, and
        # this keeps findfont from logging a fallback for every bold or light text.
        if str(path) in _registered_paths():
            return
        face = ft2font.FT2Font(str(path), face_index=face_index)
        entry = font_manager.ttfFontProperty(face)
        for weight in range(100, 1000, 100):
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=FONT_FAMILY, weight=weight))
        font_manager.fontManager._findfont_cached.cache_clear()

    regular = regular_font_path()
    if prefer_regular and regular.is_file():
        register(regular, 0)
        return FontInfo(family=FONT_FAMILY, path=regular, weight="regular")
    variable = cjk_font_path()
    register(variable, _SC_FACE_INDEX)
    note = (
        "Figures use the Thin default weight of the variable Noto Sans CJK font; run `reportlab-analysis fonts` "
        "once (about ten minutes) to cache a Regular weight."
    )
    return FontInfo(family=FONT_FAMILY, path=variable, weight="thin", note=note)


def setup_plotting(*, prefer_regular: bool = True, dpi: int = 150, style: str = "default") -> FontInfo:
    """Configure matplotlib for the project's figures: CJK font, Agg-safe, deterministic SVG/PNG.

    Call it once at the top of a notebook or script, before making figures.

    Args:
        prefer_regular: Use the cached Regular font weight when available (see :func:`build_regular_font`).
        dpi: Resolution of saved PNG files.
        style: A matplotlib style applied first (``"default"`` resets earlier changes).

    Returns:
        A :class:`FontInfo` describing the font in use.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> _ = setup_plotting()
        >>> fig, ax = plt.subplots()
        >>> _ = ax.set_title("政府工作报告")
        >>> plt.close(fig)
    """
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"setup_plotting: dpi must be a positive integer, got {dpi!r}")
    import matplotlib.pyplot as plt

    plt.style.use(style)
    info = register_cjk_font(prefer_regular=prefer_regular)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [info.family, "DejaVu Sans"],
            "axes.unicode_minus": False,  # the ASCII hyphen-minus is certain to be in every font
            "svg.hashsalt": _SVG_HASHSALT,  # stable element ids in SVG
            "svg.fonttype": "path",  # glyphs as paths: the SVG needs no installed font to render
            "savefig.dpi": dpi,
            "figure.dpi": 100,
            "figure.figsize": (8.0, 4.5),
            "figure.constrained_layout.use": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "pdf.fonttype": 42,
        }
    )
    return info


# --------------------------------------------------------------------------------------------- corpus overview
# Tables and figures of notebook 01: what is in the corpus, how long each report is, how its text divides
# into sections, and what the loader flagged or removed.

SECTION_ORDER = ("preamble", "review", "plan", "self_building", "closing", "appendix", "unknown")
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
