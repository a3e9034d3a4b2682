"""The examples in the docstrings of the corpus stages run as written."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["reportlab_analysis.corpus", "reportlab_analysis.segment",
                                    "reportlab_analysis.documents", "reportlab_analysis._frames"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
