"""Export tidy tables for other software: CSV, Parquet and Stata ``.dta`` with Chinese labels.

Stata files are written with :meth:`pandas.DataFrame.to_stata`, format version 118 (Stata 14 and later), which
stores strings, variable labels and the data label as UTF-8. pandas is already a dependency and reads the file
back with :func:`pandas.read_stata`, so no extra library is needed (pyreadstat would add a compiled dependency
for features this project does not use: SPSS/SAS formats, value-label sets on strings).

What export takes care of:

* valid Stata variable names (ASCII letters, digits and ``_``, not starting with a digit, at most 32
  characters, not a reserved word, unique); a renamed column keeps its original name as its variable label,
  so ``生态`` becomes ``v_1`` labelled ``生态``;
* Chinese variable labels from ``variable_labels`` or ``df.attrs["variable_labels"]`` (as set by
  :func:`reportlab_analysis.attention.attention_panel`), shortened to Stata's 80 characters with a warning;
* ``adcode`` is always written as a string (a numeric adcode column is converted, 230103.0 -> "230103"), and
  string columns stay strings, so codes merge with yearbook data as ``merge m:1 adcode year``;
* nullable integers with missing values become Stata missing (floats); booleans become 0/1 bytes; list columns
  (tokens) are joined with spaces; strings longer than 2,045 bytes are stored as strL;
* a fixed time stamp and atomic writes (temporary file, then rename), so the same table gives the same bytes.

Example:
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"region": ["南岗区"], "adcode": ["230103"], "year": [2017], "生态": [1.5]})
    >>> stata_variable_names(panel.columns)["生态"]
    'v_1'
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Iterable, Literal, Mapping

import numpy as np
import pandas as pd

__all__ = ["ExportError", "stata_variable_names", "codebook", "to_stata", "export_table", "STATA_TIME_STAMP"]

#: Time stamp written into every .dta header (a fixed value keeps replication runs byte-identical).
STATA_TIME_STAMP = _dt.datetime(2000, 1, 1, 0, 0)

_STATA_RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N", "_pi",
    "_pred", "_rc", "_skip", "strL", "using", "with",
}
_MAX_NAME = 32
_MAX_LABEL = 80
_MAX_STR_BYTES = 2045

Format = Literal["csv", "parquet", "dta"]


class ExportError(ValueError):
    """A table cannot be exported as asked (unknown format, bad labels, unsupported column)."""


def stata_variable_names(columns: Iterable[object]) -> dict[str, str]:
    """Map each column name to a valid, unique Stata variable name (names already valid are kept).

    Invalid characters become ``_``; a name with no ASCII letter or digit left (a Chinese name) becomes
    ``v_1``, ``v_2``, ... in column order; names starting with a digit get a ``v`` prefix; names are cut to 32
    characters; reserved words and ``str1``..``str2045`` get a trailing ``_``; clashes get ``_2``, ``_3``, ...

    Example:
        >>> stata_variable_names(["year", "2020年", "per 10k", "in"])
        {'year': 'year', '2020年': 'v2020', 'per 10k': 'per_10k', 'in': 'in_'}
    """
    columns = [str(c) for c in columns]
    if len(set(columns)) != len(columns):
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        raise ExportError(f"column names {duplicates} occur more than once")
    mapping: dict[str, str] = {}
    taken = {c for c in columns if _is_valid_stata_name(c)}
    counter = 0
    for column in columns:
        if _is_valid_stata_name(column):
            mapping[column] = column
            continue
        name = re.sub(r"[^A-Za-z0-9_]", "_", column)
        name = re.sub(r"_+", "_", name)
        name = name.rstrip("_") if column.startswith("_") else name.strip("_")
        if not re.search(r"[A-Za-z0-9]", name):
            counter += 1
            name = f"v_{counter}"
        elif name[0].isdigit():
            name = "v" + name
        name = name[:_MAX_NAME]
        if name in _STATA_RESERVED or re.fullmatch(r"str\d+", name):
            name = (name + "_")[:_MAX_NAME]
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            suffix = f"_{n}"
            candidate = name[: _MAX_NAME - len(suffix)] + suffix
        taken.add(candidate)
        mapping[column] = candidate
    return mapping


def _is_valid_stata_name(name: str) -> bool:
    return (
        re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name) is not None
        and name not in _STATA_RESERVED
        and re.fullmatch(r"str\d+", name) is None
    )


def _labels_for(df: pd.DataFrame, variable_labels: Mapping[str, str] | None) -> dict[str, str]:
    labels = dict(df.attrs.get("variable_labels") or {})
    labels.update(variable_labels or {})
    unknown = sorted(set(map(str, labels)) - set(map(str, df.columns)))
    if variable_labels and unknown and set(unknown) & set(map(str, variable_labels)):
        raise ExportError(f"variable_labels: no column named {sorted(set(unknown) & set(map(str, variable_labels)))}")
    return {str(k): str(v) for k, v in labels.items() if str(k) in set(map(str, df.columns))}


def codebook(df: pd.DataFrame, *, variable_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per column: original name, Stata name, label, dtype, missing values (for a paper's appendix).

    Example:
        >>> codebook(pd.DataFrame({"生态": [1.0]}))[["column", "stata_name", "label"]].values.tolist()
        [['生态', 'v_1', '生态']]
    """
    names = stata_variable_names(df.columns)
    labels = _labels_for(df, variable_labels)
    return pd.DataFrame(
        {
            "column": [str(c) for c in df.columns],
            "stata_name": [names[str(c)] for c in df.columns],
            "label": [labels.get(str(c), str(c) if names[str(c)] != str(c) else "") for c in df.columns],
            "dtype": [str(df[c].dtype) for c in df.columns],
            "n_missing": [int(df[c].isna().sum()) for c in df.columns],
        }
    )


def _flatten_lists(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[column] = out[column].map(
                lambda v: " ".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
            )
    return out


def _as_text(value: object) -> str:
    """A cell as Stata text: missing -> "", 230103.0 -> "230103", anything else -> str(value)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _stata_ready(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Convert dtypes Stata cannot hold; return the frame, the string columns that need strL and the date
    columns (datetimes, and text columns holding only ISO dates such as ``meeting_date``) to write as Stata
    dates."""
    out = _flatten_lists(df.reset_index(drop=True))
    strl: list[str] = []
    dates: list[str] = []
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object).where(series.notna(), None)
        if column != "adcode" and _holds_iso_dates(series):
            series = pd.to_datetime(series.astype(object).where(series.notna(), None), format="%Y-%m-%d")
        if pd.api.types.is_datetime64_any_dtype(series):
            if getattr(series.dt, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            if series.notna().any():
                dates.append(column)
            else:  # Stata cannot hold a date column without a single date
                series = pd.Series([""] * len(series), index=series.index, dtype=object)
        elif column == "adcode" or pd.api.types.is_string_dtype(series) or series.dtype == object:
            series = series.astype(object).map(_as_text)
            if max((len(v.encode("utf-8")) for v in series), default=0) > _MAX_STR_BYTES:
                strl.append(column)
        elif pd.api.types.is_bool_dtype(series):
            series = series.astype("float64") if series.isna().any() else series.astype("int8")
        elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(series):
            series = series.astype("float64") if series.isna().any() else series.to_numpy(dtype=series.dtype.numpy_dtype)
        elif not pd.api.types.is_numeric_dtype(series):
            raise ExportError(f"column {column!r}: dtype {series.dtype} cannot be written to Stata")
        out[column] = series
    return out, strl, dates


def _stata_date_format(series: pd.Series) -> str:
    """``td`` (a day) for dates, ``tc`` (milliseconds) for datetimes that carry a time of day."""
    values = series.dropna()
    return "td" if (values == values.dt.normalize()).all() else "tc"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _holds_iso_dates(series: pd.Series) -> bool:
    """Whether a text column holds dates written YYYY-MM-DD and nothing else (missing values aside)."""
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return False
    values = series.dropna()
    if values.empty or not all(isinstance(v, str) and _ISO_DATE.fullmatch(v) for v in values):
        return False
    return bool(pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").notna().all())


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return path


def to_stata(
    df: pd.DataFrame,
    path: str | Path,
    *,
    variable_labels: Mapping[str, str] | None = None,
    data_label: str | None = None,
) -> dict[str, str]:
    """Write ``df`` as a Stata 14+ ``.dta`` file (format 118, UTF-8) with valid names and Chinese labels.

    Datetime columns, and text columns holding nothing but dates written YYYY-MM-DD (``meeting_date``), become
    Stata dates (``%td``, or ``%tc`` when a value has a time of day); a missing date is Stata's missing value. A
    text column with one value that is not such a date stays text.

    Args:
        df: the table (the index is not written; reset it first if it holds data).
        path: output file.
        variable_labels: column -> label; added to ``df.attrs["variable_labels"]``. Renamed columns without a
            label get their original name as label.
        data_label: the dataset label (at most 80 characters).

    Returns:
        The mapping from column names to Stata variable names.

    Example:
        >>> to_stata(panel, "reports/tables/attention_panel.dta")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise ExportError(f"expected a pandas DataFrame, got {type(df).__name__}")
    names = stata_variable_names(df.columns)
    labels = _labels_for(df, variable_labels)
    frame, strl, dates = _stata_ready(df.rename(columns=lambda c: str(c)))
    stata_labels: dict[str, str] = {}
    for column in frame.columns:
        label = labels.get(column) or (column if names[column] != column else "")
        if len(label) > _MAX_LABEL:
            warnings.warn(f"variable label of {column!r} cut to {_MAX_LABEL} characters for Stata", stacklevel=2)
            label = label[:_MAX_LABEL]
        if label:
            stata_labels[names[column]] = label
    if data_label is not None and len(data_label) > _MAX_LABEL:
        raise ExportError(f"data_label: at most {_MAX_LABEL} characters for Stata, got {len(data_label)}")
    frame = frame.rename(columns=names)
    _atomic_write(
        Path(path),
        lambda target: frame.to_stata(
            target, write_index=False, version=118, variable_labels=stata_labels, data_label=data_label,
            time_stamp=STATA_TIME_STAMP, convert_strl=[names[c] for c in strl] or None,
            convert_dates={names[c]: _stata_date_format(frame[names[c]]) for c in dates} or None,
        ),
    )
    return names


def _with_index_and_text_codes(df: pd.DataFrame) -> pd.DataFrame:
    """The table as every format writes it: a meaningful index (named, or not the default 0..n-1, such as the
    group labels of a similarity matrix) becomes leading column(s), and ``adcode`` becomes text (230103.0 ->
    "230103")."""
    named = any(name is not None for name in df.index.names)
    if named or not isinstance(df.index, pd.RangeIndex) or not df.index.equals(pd.RangeIndex(len(df))):
        names = [name if name is not None else ("index" if df.index.nlevels == 1 else f"index_{i}")
                 for i, name in enumerate(df.index.names)]
        taken = set(map(str, df.columns))
        names = [name if str(name) not in taken else f"{name}_index" for name in names]
        df = df.rename_axis(names).reset_index()
    if "adcode" in df.columns and not pd.api.types.is_string_dtype(df["adcode"]):
        df = df.assign(adcode=df["adcode"].astype(object).map(_as_text).where(df["adcode"].notna(), None))
    return df


def export_table(
    df: pd.DataFrame,
    path: str | Path,
    *,
    format: Format | None = None,
    variable_labels: Mapping[str, str] | None = None,
    data_label: str | None = None,
) -> Path:
    """Write a table as CSV (UTF-8), Parquet or Stata, chosen by ``format`` or the file suffix.

    In every format a meaningful index (named, or other than 0..n-1: the group labels of a similarity matrix)
    is written as leading column(s), and ``adcode`` as text. CSV keeps the column names as they are (Chinese
    included) and writes list columns joined by spaces;
    Parquet keeps every dtype and stores the variable labels as JSON in the file's schema metadata
    (key ``variable_labels``); Stata: see :func:`to_stata`.

    Example:
        >>> export_table(panel, "reports/tables/attention_panel.dta")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise ExportError(f"expected a pandas DataFrame, got {type(df).__name__}")
    path = Path(path)
    chosen = format or {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".dta": "dta"}.get(path.suffix.lower())
    if chosen not in ("csv", "parquet", "dta"):
        raise ExportError(f"{path}: cannot tell the format; use a .csv, .parquet or .dta suffix or format=...")
    if df.shape[1] == 0:
        raise ExportError(f"{path}: the table has no columns; nothing to export")
    df = _with_index_and_text_codes(df)
    if chosen == "dta":
        to_stata(df, path, variable_labels=variable_labels, data_label=data_label)
    elif chosen == "csv":
        frame = _flatten_lists(df)
        _atomic_write(path, lambda target: frame.to_csv(target, index=False, encoding="utf-8", lineterminator="\n"))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        labels = _labels_for(df, variable_labels)
        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[b"variable_labels"] = json.dumps(labels, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if data_label:
            metadata[b"data_label"] = data_label.encode("utf-8")
        table = table.replace_schema_metadata(metadata)
        _atomic_write(path, lambda target: pq.write_table(table, target))
    return path
