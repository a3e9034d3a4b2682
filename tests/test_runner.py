"""The runner: notebook discovery, parameter files and overrides, kernels, failures, offline HTML, CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from reportlab_analysis import cli, runner
from reportlab_analysis.runner import RunnerError


def write_notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = new_notebook(
        cells=[new_markdown_cell("# 测试 notebook"), new_code_cell(parameters, metadata={"tags": ["parameters"]})]
        + [new_code_cell(source) for source in cells]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture()
def notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    write_notebook(folder / "01_first.ipynb", 'corpus_path = "../data/raw"\nn_top = 5\noutput_dir = "../reports"')
    write_notebook(folder / "02_second.ipynb", "k = None          # topics; None = the K from the sweep\nseeds = [1, 2]")
    (folder / "notes.ipynb").write_text("{}", encoding="utf-8")  # not NN_name: ignored
    return folder


# ---------------------------------------------------------------------------- discovery and parameters


def test_find_notebooks_orders_selects_and_explains(notebooks: Path):
    assert [p.name for p in runner.find_notebooks(notebooks)] == ["01_first.ipynb", "02_second.ipynb"]
    assert [p.stem for p in runner.find_notebooks(notebooks, select=["2", "01_first"])] == ["01_first", "02_second"]
    with pytest.raises(RunnerError, match=r"'07' matches no notebook .*available: 01_first, 02_second"):
        runner.find_notebooks(notebooks, select=["07"])
    with pytest.raises(RunnerError, match="does not exist"):
        runner.find_notebooks(notebooks / "missing")


def test_notebook_parameters_reads_the_tagged_cell_including_commented_values(notebooks: Path):
    assert runner.notebook_parameters(notebooks / "01_first.ipynb") == {
        "corpus_path": "../data/raw", "n_top": 5, "output_dir": "../reports"}
    # papermill's own parser drops `k = None  # ... = ...`; ours keeps it
    assert runner.notebook_parameters(notebooks / "02_second.ipynb") == {"k": None, "seeds": [1, 2]}


def test_parameter_file_resolves_paths_and_sections(tmp_path: Path):
    params = tmp_path / "params" / "p.yaml"
    params.parent.mkdir()
    params.write_text('corpus_path: ../data/raw\nn_top: 3\nnotebooks:\n  "2": {seeds: [7]}\n  01_first: {n_top: 4}\n',
                      encoding="utf-8")
    global_parameters, sections = runner.load_parameter_file(params)
    assert global_parameters == {"corpus_path": str(tmp_path / "data" / "raw"), "n_top": 3}
    assert sections == {"02": {"seeds": [7]}, "01_first": {"n_top": 4}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("corpus_path: [unclosed\n", "is not valid YAML"),
        ("- a\n- b\n", "must be a mapping of parameter names"),
        ("notebooks: [1, 2]\n", "'notebooks' must map notebook numbers"),
        ("1bad: 3\n", "is not a valid parameter name"),
    ],
)
def test_malformed_parameter_files_get_a_clear_error(tmp_path: Path, content: str, message: str):
    params = tmp_path / "bad.yaml"
    params.write_text(content, encoding="utf-8")
    with pytest.raises(RunnerError, match=re.escape(message)) as err:
        runner.load_parameter_file(params)
    assert "bad.yaml" in str(err.value)


def test_cli_parameters_are_read_as_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    global_parameters, sections = runner.parse_cli_parameters(
        [["n_top", "8"], ["02.seeds", "[1, 2]"], ["corpus_path", "data/x"], ["label", "南岗区"], ["flag", "null"]])
    assert global_parameters == {"n_top": 8, "corpus_path": str(tmp_path / "data" / "x"), "label": "南岗区",
                                 "flag": None}
    assert sections == {"02": {"seeds": [1, 2]}}
    with pytest.raises(RunnerError, match="not a valid parameter name"):
        runner.parse_cli_parameters([["n-top", "1"]])


def test_plan_passes_each_notebook_only_what_it_declares(notebooks: Path, tmp_path: Path):
    all_notebooks = runner.find_notebooks(notebooks)
    plan = runner.plan_parameters(
        all_notebooks,
        all_notebooks=all_notebooks,
        global_parameters={"corpus_path": str(tmp_path / "data" / "raw"), "seeds": [3]},
        sections={"01": {"n_top": 9}},
        output_dir=tmp_path / "out",
    )
    first, second = (plan[nb] for nb in all_notebooks)
    assert first == {"corpus_path": os.path.join("..", "data", "raw"), "n_top": 9, "output_dir": os.path.join("..", "out")}
    assert second == {"seeds": [3]}


def test_plan_rejects_unknown_parameters(notebooks: Path, tmp_path: Path):
    all_notebooks = runner.find_notebooks(notebooks)
    kwargs = {"all_notebooks": all_notebooks, "output_dir": tmp_path}
    with pytest.raises(RunnerError, match=r"unknown parameter\(s\) n_topicz: no notebook declares them.*Known"):
        runner.plan_parameters(all_notebooks, global_parameters={"n_topicz": 3}, sections={}, **kwargs)
    with pytest.raises(RunnerError, match=r"unknown parameter\(s\) n_top for notebook 02_second; it declares: k, seeds"):
        runner.plan_parameters(all_notebooks, global_parameters={}, sections={"02": {"n_top": 1}}, **kwargs)
    with pytest.raises(RunnerError, match="notebook '09'"):
        runner.plan_parameters(all_notebooks, global_parameters={}, sections={"09": {"k": 1}}, **kwargs)
    # a parameter of notebook 02 is fine when only 01 is run
    runner.plan_parameters(all_notebooks[:1], global_parameters={"seeds": [1]}, sections={}, **kwargs)


# ---------------------------------------------------------------------------- HTML


def test_make_offline_removes_every_remote_script_from_nbconvert_output(tmp_path: Path):
    from nbconvert import HTMLExporter

    nb = new_notebook(cells=[new_markdown_cell("# 标题 $x^2$"), new_code_cell("1")])
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert re.search(r"<script[^>]+src=\"https://", page)  # the default template does reference CDNs
    offline = runner.make_offline(page)
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", offline)
    assert "mermaid.esm" not in offline and "require.min.js" not in offline
    assert "标题" in offline
    assert runner.make_offline('<link rel="stylesheet" href="https://x.org/a.css"><p>留下</p>') == "<p>留下</p>"


def test_cjk_webfont_is_a_real_font_with_the_page_characters():
    import base64
    import io

    from fontTools.ttLib import TTFont

    css = runner.cjk_webfont_css("政府工作报告 report")
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "政府工作报告")
    assert ord("r") not in cmap  # only CJK characters are embedded; Latin text uses the reader's fonts
    assert len(data) < 200_000
    assert runner.cjk_webfont_css("only latin") == ""


# ---------------------------------------------------------------------------- running notebooks


def test_run_with_no_notebooks_writes_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "nb").mkdir()
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(tmp_path / "nb"),
                       "--output-dir", str(tmp_path / "out"), "--quiet"])
    assert status == 0
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "No notebooks were found" in index and "pandas" in index


def test_cli_reports_bad_parameters_without_a_traceback(notebooks: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.yaml"
    bad.write_text("corpus_path: [\n", encoding="utf-8")
    assert cli.main(["run", "--params", str(bad), "--notebooks-dir", str(notebooks)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "not valid YAML" in err and "Traceback" not in err
    assert cli.main(["run", "--params", "none", "--notebooks-dir", str(notebooks), "-p", "n_topicz", "3"]) == 2
    assert "n_topicz" in capsys.readouterr().err
    assert cli.main(["run", "--params", str(tmp_path / "nope.yaml"), "--notebooks-dir", str(notebooks)]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory: pytest.TempPathFactory):
    """Run a tiny notebook that records its environment, with a -p override, through the CLI."""
    root = tmp_path_factory.mktemp("probe")
    folder = root / "notebooks"
    write_notebook(
        folder / "01_probe.ipynb",
        'label = "默认"\nn = 1\noutput_dir = "../reports"',
        "import os, sys, pandas as pd\n"
        "from reportlab_analysis.outputs import save_table\n"
        "row = {'label': label, 'n': n, 'hashseed': os.environ.get('PYTHONHASHSEED'), 'cwd': os.getcwd(),\n"
        "       'python': sys.executable, 'hash': hash('政府')}\n"
        "save_table(pd.DataFrame([row]), '01_probe', output_dir=output_dir)",
        "import matplotlib.pyplot as plt\nfrom reportlab_analysis.plotting import setup_plotting\n"
        "setup_plotting()\nfig, ax = plt.subplots()\nax.set_title('报告')",
    )
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(folder), "--output-dir",
                       str(root / "out"), "-p", "label", "南岗区", "-p", "01.n", "3", "--quiet"])
    return root, status


@pytest.mark.slow
def test_run_passes_overrides_into_a_kernel_of_this_python(probe_run):
    import sys

    import pandas as pd

    root, status = probe_run
    assert status == 0
    table = pd.read_csv(root / "out" / "tables" / "01_probe.csv")
    row = table.iloc[0]
    assert row["label"] == "南岗区" and row["n"] == 3
    assert str(row["hashseed"]) == "0"
    assert Path(row["cwd"]).resolve() == (root / "notebooks").resolve()
    assert Path(row["python"]).resolve() == Path(sys.executable).resolve()
    executed = nbformat.read(str(root / "out" / "notebooks" / "01_probe.ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'label = "南岗区"' in injected[0].source


@pytest.mark.slow
def test_run_renders_offline_html_and_an_index(probe_run):
    root, _ = probe_run
    out = root / "out"
    with_code = (out / "html" / "01_probe.html").read_text(encoding="utf-8")
    shared = (out / "html" / "01_probe.share.html").read_text(encoding="utf-8")
    for page in (with_code, shared):
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", page)
        assert "data:image/png;base64" in page  # the figure is embedded
        assert "@font-face" in page
    assert "save_table" in with_code and "save_table" not in shared
    index = (out / "index.html").read_text(encoding="utf-8")
    for link in ("html/01_probe.html", "html/01_probe.share.html", "notebooks/01_probe.ipynb", "tables/01_probe.csv"):
        assert f'href="{link}"' in index
    assert "南岗区" in index and "papermill" in index and "matplotlib" in index


@pytest.mark.slow
def test_html_does_not_change_with_papermills_random_cell_id(probe_run, tmp_path: Path):
    from reportlab_analysis.runner import render_html

    root, _ = probe_run
    executed = nbformat.read(str(root / "out" / "notebooks" / "01_probe.ipynb"), as_version=4)
    pages = []
    for run_id in ("a1b2c3d4", "e5f6a7b8"):  # what papermill would draw on two runs
        injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1
        injected[0]["id"] = run_id
        nbformat.write(executed, str(tmp_path / f"{run_id}.ipynb"))
        pages.append(render_html(tmp_path / f"{run_id}.ipynb", tmp_path / f"{run_id}.html", include_code=True).read_bytes())
    assert pages[0] == pages[1] and b"injected-parameters" in pages[0]


@pytest.mark.slow
def test_failing_notebook_stops_the_run_names_the_cell_and_keeps_the_partial_notebook(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "notebooks"
    write_notebook(folder / "01_broken.ipynb", "x = 1", "y = x + 1", "raise ValueError('地区 missing')", "z = 3")
    write_notebook(folder / "02_after.ipynb", "x = 1", "open('ran.txt', 'w').write('ran')")
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(folder), "--output-dir", str(tmp_path / "o"),
                       "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    assert "01_broken" in err and "ValueError: 地区 missing" in err and "raise ValueError" in err
    assert re.search(r"cell \d+", err)
    kept = nbformat.read(str(tmp_path / "o" / "notebooks" / "01_broken.ipynb"), as_version=4)
    outputs = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "error" for o in outputs)
    assert not (folder / "ran.txt").exists()  # the run stopped before notebook 02
    index = (tmp_path / "o" / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "02_after" in index and "not run" in index
