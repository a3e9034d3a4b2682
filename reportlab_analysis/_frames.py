"""Small helpers for the arguments that name table columns or select rows, shared by the analysis modules.

Example:
    >>> as_names("region"), as_names(["region", "year"]), as_names(None)
    (['region'], ['region', 'year'], [])
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd


def as_names(value: str | Sequence[str] | None) -> list[str]:
    """Column or category names as a list: one string is one name ("region", not six letters); None is none.

    Example:
        >>> as_names("place")
        ['place']
    """
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def query_mask(frame: pd.DataFrame, expression: str) -> pd.Series:
    """The rows of ``frame`` where a ``DataFrame.query`` expression holds (missing values count as false).

    Raises:
        ValueError: the expression cannot be evaluated; the message says why and lists the columns, for the
            caller to put after its own words.

    Example:
        >>> query_mask(pd.DataFrame({"year": [2018, 2021]}), "year >= 2020").tolist()
        [False, True]
    """
    try:
        return frame.eval(expression, engine="python").fillna(False).astype(bool)
    except Exception as error:  # pandas raises several types for a bad expression
        raise ValueError(f"({type(error).__name__}: {error}); columns: {list(frame.columns)}") from error
