"""Save figures and tables where the runner and the HTML index expect them, byte-identical on every run.

Figures go to ``<output_dir>/figures/<name>.png`` and ``.svg``; tables to ``<output_dir>/tables/<name>.csv``.
Files are written to a temporary name and renamed, so a crash never leaves half a file. PNG and SVG carry no
date and no software version, and SVG element ids use a fixed salt (set by
:func:`reportlab_analysis.plotting.setup_plotting`), so the same figure gives the same bytes.

Example:
    >>> import pandas as pd
    >>> from reportlab_analysis.outputs import save_table
    >>> save_table(pd.DataFrame({"地区": ["海淀区"], "n": [1]}), "demo", output_dir="reports")
    PosixPath('reports/tables/demo.csv')
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_NAME_PATTERN = re.compile(r"^[\w][\w.\-]*$")
_FIGURE_FORMATS = ("png", "svg")
# What matplotlib would otherwise stamp into the files (dates, software versions).
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def _check_name(name: str, *, what: str) -> str:
    if not isinstance(name, str) or not _NAME_PATTERN.match(name) or name.startswith("."):
        raise ValueError(
            f"{what}: name must be a plain file name of letters, digits, '_', '-' or '.', "
            f"without folders or an extension; got {name!r}"
        )
    return name


def _atomic_write(target: Path, write: callable) -> Path:  # type: ignore[valid-type]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp_name)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def save_figure(
    fig: Figure,
    name: str,
    *,
    output_dir: str | os.PathLike[str] = "reports",
    formats: Iterable[str] = _FIGURE_FORMATS,
    dpi: int | None = None,
) -> list[Path]:
    """Save a matplotlib figure as PNG and SVG under ``<output_dir>/figures/``.

    Args:
        fig: The figure.
        name: File name without extension, e.g. ``"01_report_lengths"``.
        output_dir: Root output folder (the runner's ``reports/``).
        formats: Any of ``"png"``, ``"svg"``, ``"pdf"``.
        dpi: PNG resolution; defaults to ``rcParams["savefig.dpi"]`` (150 after ``setup_plotting``).

    Returns:
        The written paths, in the order of ``formats``.

    Raises:
        ValueError: For a bad name or an unknown format.
        TypeError: If ``fig`` is not a matplotlib figure.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> fig, ax = plt.subplots()
        >>> _ = ax.bar(["东城区", "西城区"], [3, 4])
        >>> [p.name for p in save_figure(fig, "demo", output_dir="reports")]
        ['demo.png', 'demo.svg']
    """
    from matplotlib.figure import Figure

    _check_name(name, what="save_figure")
    if not isinstance(fig, Figure):
        raise TypeError(f"save_figure: expected a matplotlib Figure for {name!r}, got {type(fig).__name__}")
    formats = list(formats)
    unknown = [fmt for fmt in formats if fmt not in _METADATA]
    if unknown or not formats:
        raise ValueError(f"save_figure: formats must be among {sorted(_METADATA)}, got {formats!r}")
    folder = Path(output_dir) / "figures"
    written = []
    for fmt in formats:
        target = folder / f"{name}.{fmt}"

        def write(tmp_name: str, fmt: str = fmt) -> None:
            fig.savefig(tmp_name, format=fmt, dpi=dpi, metadata=_METADATA[fmt])

        written.append(_atomic_write(target, write))
    return written


def save_table(
    df: pd.DataFrame,
    name: str,
    *,
    output_dir: str | os.PathLike[str] = "reports",
    index: bool = False,
) -> Path:
    """Save a DataFrame as UTF-8 CSV under ``<output_dir>/tables/<name>.csv``.

    Line endings are ``\\n`` and floats are written with Python's shortest round-trip repr, so the same
    table gives the same bytes on every platform.

    Args:
        df: The table (tidy: one row per unit).
        name: File name without extension.
        output_dir: Root output folder.
        index: Also write the index (useful for a named, meaningful index).

    Returns:
        Path of the CSV file.

    Raises:
        ValueError: For a bad name.
        TypeError: If ``df`` is not a DataFrame.

    Example:
        >>> import pandas as pd
        >>> save_table(pd.DataFrame({"a": [1]}), "demo", output_dir="reports").name
        'demo.csv'
    """
    _check_name(name, what="save_table")
    if isinstance(df, pd.Series):
        df = df.to_frame()
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"save_table: expected a pandas DataFrame for {name!r}, got {type(df).__name__}")
    target = Path(output_dir) / "tables" / f"{name}.csv"

    def write(tmp_name: str) -> None:
        df.to_csv(tmp_name, index=index, encoding="utf-8", lineterminator="\n")

    return _atomic_write(target, write)


def blank_missing(df: pd.DataFrame) -> pd.DataFrame:
    """The table for reading on a page: missing values (None, NaN, <NA>) shown as empty cells instead of the
    words ``None`` and ``NaN``. Numbers keep their values; saved tables (:func:`save_table`) are not affected.

    Example:
        >>> blank_missing(pd.DataFrame({"qualifier": ["左右", None], "value": [6.5, float("nan")]})).values.tolist()
        [['左右', 6.5], ['', '']]
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"blank_missing: expected a pandas DataFrame, got {type(df).__name__}")
    missing = df.isna()
    if not missing.to_numpy().any():
        return df
    return df.astype(object).mask(missing, "")
