"""The README's Python tour runs as written, on the bundled reports, in a scratch folder."""

import re
import shutil
from pathlib import Path

import warnings

import pytest

from reportlab_analysis.corpus import CorpusWarning

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_readme_python_tour_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "my_reports").mkdir()
    shutil.copy(ROOT / "data" / "raw" / "002_72858070d2a0e224.txt", tmp_path / "my_reports")
    (tmp_path / "my_reports" / "metadata.csv").write_text("file,speaker\n002_72858070d2a0e224.txt,张三\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the manifest beside the reports is not read as a report
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["mine"].reports["speaker"].tolist() == ["张三"]
    assert (tmp_path / "attention_panel.dta").is_file()
    assert len(namespace["sweep"]) > 0
