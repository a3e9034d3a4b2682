"""Every notebook in notebooks/ runs under papermill with small parameters and writes the files it promises.

Promised files are read from the notebook itself: each ``save_figure(fig, "NAME", ...)`` promises
``figures/NAME.png`` and ``.svg``, each ``save_table(df, "NAME", ...)`` promises ``tables/NAME.csv``. A new
notebook is picked up without editing this file; add small parameters for it to SMALL_PARAMETERS.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from reportlab_analysis import runner

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = runner.find_notebooks(REPO / "notebooks")

# Small, fast settings per notebook number; only the names a notebook declares are passed to it.
SMALL_PARAMETERS: dict[str, dict[str, object]] = {
    "02": {"k_values": [3, 4], "seeds": [1, 2], "passes": 2, "n_boot": 20},
    "03": {"topic_passes": 2, "kwic_rows": 5},
    "05": {"national_from_year": 2015},
}


def promised_files(path: Path) -> list[str]:
    """Files a notebook promises through literal names in save_figure/save_table calls."""
    nb = nbformat.read(str(path), as_version=4)
    files: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            label = node.args[1]
            if name in {"save_figure", "save_table"} and isinstance(label, ast.Constant) and isinstance(label.value, str):
                if name == "save_figure":
                    files += [f"figures/{label.value}.png", f"figures/{label.value}.svg"]
                else:
                    files.append(f"tables/{label.value}.csv")
    return files


def small_parameters(path: Path) -> list[list[str]]:
    number = path.name[:2]
    declared = runner.notebook_parameters(path)
    return [[f"{number}.{k}", repr(v) if not isinstance(v, str) else v]
            for k, v in SMALL_PARAMETERS.get(number, {}).items() if k in declared]


def test_there_are_notebooks_and_notebook_01_is_among_them():
    assert any(p.name == "01_corpus_overview.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_follows_the_conventions(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be tagged 'parameters'"
    declared = runner.notebook_parameters(path)
    assert {"corpus_path", "output_dir"} <= set(declared)
    assert "setup_plotting" in code[1].source, "the cell after the parameters calls plotting.setup_plotting()"
    assert promised_files(path), "a notebook should save at least one figure or table"
    assert any(c.cell_type == "markdown" for c in nb.cells)


@pytest.fixture(scope="module")
def run_one(tmp_path_factory: pytest.TempPathFactory):
    """Run a notebook once per output folder name (cached for the module)."""
    cache: dict[tuple[str, str], runner.RunResult] = {}

    def run(path: Path, label: str = "main", params_file: Path | None = REPO / "params" / "default.yaml"):
        key = (path.stem, label)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"{path.stem}_{label}")
            cache[key] = runner.run_notebooks(
                notebooks_dir=REPO / "notebooks",
                params_file=params_file,
                cli_parameters=small_parameters(path),
                select=[path.stem],
                output_dir=out,
                progress=False,
            )
        return cache[key]

    return run


def _stream_text(nb) -> str:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
    return "".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_writes_what_it_promises(path: Path, run_one):
    result = run_one(path)
    (notebook,) = result.notebooks
    assert notebook.status == "ok", notebook.error
    for name in promised_files(path):
        target = result.output_dir / name
        assert target.is_file() and target.stat().st_size > 0, f"{path.stem} promised {name}"
    executed = nbformat.read(str(notebook.executed), as_version=4)
    streams = _stream_text(executed)
    assert not re.search(r"Glyph \d+ .*missing from", streams), "a figure lacks a CJK glyph"
    for page in (notebook.html, notebook.share_html):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", text), "HTML must open offline"
        assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", text)
        if any(name.startswith("figures/") for name in promised_files(path)):
            assert "data:image/png;base64" in text or "<svg" in text, "figures are embedded"
    shared = notebook.share_html.read_text(encoding="utf-8")
    assert str(result.output_dir) not in shared and str(REPO) not in shared, "the shared page shows no machine path"
    index = (result.output_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="html/{path.stem}.share.html"' in index
    extra_pages = [p.name for p in result.output_dir.glob("*.html") if p.name != "index.html"]
    assert notebook.pages == extra_pages  # 02 writes 02_topics_viewer.html
    for name in extra_pages:
        assert f'<a href="{name}">{name}</a>' in index


@pytest.mark.slow
def test_notebook_01_outputs_are_byte_identical_across_runs(run_one):
    path = REPO / "notebooks" / "01_corpus_overview.ipynb"
    first, second = run_one(path, "main"), run_one(path, "again")
    assert first.ok and second.ok
    files = sorted(p.relative_to(first.output_dir) for sub in ("figures", "tables")
                   for p in (first.output_dir / sub).iterdir())
    assert len(files) == len(promised_files(path))
    for name in files + [Path("html/01_corpus_overview.share.html")]:
        assert (first.output_dir / name).read_bytes() == (second.output_dir / name).read_bytes(), name
    # the two runs wrote to different folders outside the project: that folder is the only difference
    for name in ("html/01_corpus_overview.html", "notebooks/01_corpus_overview.ipynb", "index.html"):
        texts = [(run.output_dir / name).read_text(encoding="utf-8") for run in (first, second)]
        assert str(second.output_dir) in texts[1], name
        assert texts[0].replace(str(first.output_dir), "OUT") == texts[1].replace(str(second.output_dir), "OUT"), name


@pytest.mark.slow
def test_notebook_01_runs_on_the_national_corpus(run_one):
    import pandas as pd

    path = REPO / "notebooks" / "01_corpus_overview.ipynb"
    result = run_one(path, "national", params_file=REPO / "params" / "national.yaml")
    assert result.ok, result.notebooks[0].error
    reports = pd.read_csv(result.output_dir / "tables" / "01_reports.csv", dtype={"adcode": str})
    assert len(reports) == 52 and set(reports["level"]) == {"national"}
    assert reports["year"].min() == 1954 and reports["year"].max() == 2025


def _screenshot(chromium: str, page: Path, shot: Path) -> None:
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=400,120", f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless chromium is not installed")
def test_embedded_font_renders_chinese_in_a_browser(tmp_path: Path):
    """Two different Chinese strings must give different screenshots: tofu boxes would look the same."""
    import matplotlib.pyplot as plt

    text = {"a": "政府工作报告", "b": "营商环境优化"}
    css = runner.cjk_webfont_css("".join(text.values()))
    images = {}
    for key, words in text.items():
        page = tmp_path / f"{key}.html"
        page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{css}</head>"
                        f"<body style='margin:0'><p style='font-size:40px;margin:10px'>{words}</p></body></html>",
                        encoding="utf-8")
        _screenshot(shutil.which("chromium"), page, tmp_path / f"{key}.png")
        images[key] = plt.imread(tmp_path / f"{key}.png")
    assert images["a"].std() > 0.01  # something was drawn
    assert (abs(images["a"] - images["b"]) > 0.2).sum() > 500
