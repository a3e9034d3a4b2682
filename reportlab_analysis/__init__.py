"""reportlab_analysis: Chinese government work reports (政府工作报告) as research data.

Example:
    >>> import reportlab_analysis as ra
    >>> corpus = ra.load_corpus("data/raw")          # doctest: +SKIP
    >>> corpus.reports[["region", "year"]]            # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public names and the module that defines each; imported on first use so that `import reportlab_analysis`
# stays fast and a notebook pays only for the stages it uses.
_EXPORTS = {
    "load_corpus": "corpus",
    "Corpus": "corpus",
    "load_national_corpus": "corpus",
    "Tokenizer": "tokenize",
    "TokenizerConfig": "tokenize",
    "extract_targets": "targets",
    "extract_achievements": "targets",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'reportlab_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
