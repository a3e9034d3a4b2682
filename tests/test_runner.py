"""The runner: notebook discovery, parameter files and overrides, kernels, failures, offline HTML, CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
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


def test_lists_of_paths_are_resolved_like_single_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    _, sections = runner.parse_cli_parameters([["04.dictionary_paths", "[my/green.yaml, /abs/red.yaml]"],
                                              ["03.extra_files", "one.yaml"]])
    assert sections["04"]["dictionary_paths"] == [str(tmp_path / "my" / "green.yaml"), "/abs/red.yaml"]
    assert sections["03"]["extra_files"] == str(tmp_path / "one.yaml")
    params = tmp_path / "params" / "p.yaml"
    params.parent.mkdir()
    params.write_text("notebooks:\n  '04': {dictionary_paths: [../dicts/a.yaml]}\n", encoding="utf-8")
    assert runner.load_parameter_file(params)[1]["04"]["dictionary_paths"] == [str(tmp_path / "dicts" / "a.yaml")]
    # shown in pages and the index relative to the notebooks folder when inside the project
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shown = runner._shown_path("dictionary_paths", project / "notebooks", [str(project / "dicts" / "a.yaml"), "/x.yaml"])
    assert shown == ["../dicts/a.yaml", "/x.yaml"]


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
        "pd.DataFrame({'title': ['2021年松北区人民政府工作报告'], 'n': [1]})",
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
        # tables keep each cell on one line and scroll sideways: a wide table does not squeeze a title column
        assert runner.TABLE_CSS in page and 'class="dataframe' in page
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
def test_a_failing_notebook_does_not_stop_the_others_and_is_reported_at_the_end(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "notebooks"
    write_notebook(folder / "01_before.ipynb", "x = 1", "open('ran_01.txt', 'w').write('ran')")
    write_notebook(folder / "02_broken.ipynb", "x = 1", "y = x + 1", "raise ValueError('地区 missing')", "z = 3")
    write_notebook(folder / "03_after.ipynb", "x = 1", "open('ran_03.txt', 'w').write('ran')")
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(folder), "--output-dir", str(tmp_path / "o"),
                       "--quiet"])
    assert status == 1
    assert (folder / "ran_01.txt").exists() and (folder / "ran_03.txt").exists()  # 03 ran after 02 failed
    for stem in ("01_before", "02_broken", "03_after"):
        assert (tmp_path / "o" / "html" / f"{stem}.html").is_file()
        assert (tmp_path / "o" / "html" / f"{stem}.share.html").is_file()
    err = capsys.readouterr().err
    assert "02_broken" in err and "ValueError: 地区 missing" in err and "raise ValueError" in err
    assert re.search(r"cell \d+", err)
    assert "1 of 3 notebooks failed (02_broken)" in err.splitlines()[-1]
    kept = nbformat.read(str(tmp_path / "o" / "notebooks" / "02_broken.ipynb"), as_version=4)
    outputs = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "error" for o in outputs)
    index = (tmp_path / "o" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr class='(\w+)'><td><b>(\w+)</b>", index)
    assert rows == [("ok", "01_before"), ("failed", "02_broken"), ("ok", "03_after")]


def test_run_notebooks_runs_every_notebook_when_one_fails_in_its_parameters(tmp_path: Path):
    # a bad value injected into one notebook only: the notebook fails, the other still runs and renders
    folder = tmp_path / "notebooks"
    write_notebook(folder / "01_ok.ipynb", "n = 1", "assert n == 1")
    write_notebook(folder / "02_uses_n.ipynb", "n = 1", "assert n == 1, f'n is {n}'")
    result = runner.run_notebooks(notebooks_dir=folder, cli_parameters=[["01.n", "2"]], output_dir=tmp_path / "o",
                                  progress=False)
    assert [(nb.name, nb.status) for nb in result.notebooks] == [("01_ok", "failed"), ("02_uses_n", "ok")]
    assert "AssertionError" in result.notebooks[0].error and not result.ok
    assert result.notebooks[1].html is not None and result.notebooks[1].html.is_file()


@pytest.mark.slow
def test_a_finished_notebooks_kernel_is_shut_down_without_sigint(tmp_path: Path, capfd: pytest.CaptureFixture[str]):
    """jupyter_client interrupts a kernel (SIGINT to its process group) before shutting it down, and ipykernel
    logs 'KeyboardInterrupt caught in kernel' when the signal lands in a message handler. The runner's kernel
    manager skips that interrupt: a process the notebook started, in the kernel's process group, sees no SIGINT
    (it is still ended, by SIGTERM from ipykernel's shutdown)."""
    folder = tmp_path / "notebooks"
    child = ("import signal, time\n"
             "signal.signal(signal.SIGINT, lambda *_: open('got_sigint.txt', 'w').write('SIGINT'))\n"
             "open('started.txt', 'w').write('started')\n"
             "time.sleep(30)\n")
    write_notebook(folder / "01_child.ipynb", "x = 1",
                   "import os, subprocess, sys, time\n"
                   f"subprocess.Popen([sys.executable, '-c', {child!r}])\n"
                   "while not os.path.exists('started.txt'):\n    time.sleep(0.05)")
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(folder), "--output-dir", str(tmp_path / "o"),
                       "--quiet", "--no-html"])
    assert status == 0 and (folder / "started.txt").exists()
    time.sleep(0.5)
    assert not (folder / "got_sigint.txt").exists()
    assert "KeyboardInterrupt" not in capfd.readouterr().err


# ---------------------------------------------------------------------------- checking values up front


@pytest.fixture()
def typed_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "typed"
    write_notebook(
        folder / "01_typed.ipynb",
        'corpus_path = "../data/raw"\n'
        "k: int | None = None       # topics; None: from the sweep\n"
        "share = 0.3\n"
        "flag = False\n"
        "seeds = [1, 2]\n"
        'panel_index = ["region", "year"]\n'
        'value = "per_10k_chars"    # measure, one of: "per_10k_chars", "per_1k_tokens" or "count"\n'
        "units = ['a']              # one of: a, b\n"
        "share_cap = 0.5            # at most this share (> 0) (<= 1)\n"
        "label: str | None = None\n"
        "anything = None",
        "open('ran.txt', 'w').write('ran')",
    )
    write_notebook(folder / "02_other.ipynb", "seed = 1")
    return folder


def test_parameter_specs_read_types_from_annotations_and_defaults_and_choices_from_comments(typed_notebooks: Path):
    specs = runner.parameter_specs(typed_notebooks / "01_typed.ipynb")
    summary = {name: (spec.kind, spec.item_kind, spec.nullable, spec.choices) for name, spec in specs.items()}
    assert summary == {
        "corpus_path": ("str", None, False, ()),
        "k": ("int", None, True, ()),
        "share": ("float", None, False, ()),
        "flag": ("bool", None, False, ()),
        "seeds": ("list", "int", False, ()),
        "panel_index": ("list", "str", False, ()),
        "value": ("str", None, False, ("per_10k_chars", "per_1k_tokens", "count")),
        "units": ("list", "str", False, ("a", "b")),
        "share_cap": ("float", None, False, ()),
        "label": ("str", None, True, ()),
        "anything": (None, None, True, ()),
    }
    assert runner.notebook_parameters(typed_notebooks / "01_typed.ipynb")["k"] is None
    assert specs["share_cap"].bounds == ((">", 0.0), ("<=", 1.0)) and specs["k"].bounds == ()



def test_notebooks_command_lists_what_each_parameter_accepts(typed_notebooks: Path,
                                                             capsys: pytest.CaptureFixture[str]):
    assert cli.main(["notebooks", "--notebooks-dir", str(typed_notebooks)]) == 0
    out = capsys.readouterr().out
    assert "    k = None    (a whole number or None)" in out
    assert "    value = 'per_10k_chars'    (one of 'per_10k_chars', 'per_1k_tokens', 'count')" in out

@pytest.mark.parametrize(
    ("name", "given", "received"),
    [
        ("k", 8, 8), ("k", 8.0, 8), ("k", None, None),
        ("share", 1, 1.0), ("share", 0.5, 0.5),
        ("flag", True, True),
        ("seeds", 3, [3]), ("seeds", [3, 4], [3, 4]),
        ("panel_index", "region", ["region"]),  # a single string where a list is expected: a one-item list
        ("value", "count", "count"), ("units", "b", ["b"]),
        ("label", "南岗区", "南岗区"), ("anything", {"a": 1}, {"a": 1}),
    ],
)
def test_good_values_are_passed_on_as_the_notebook_expects(name, given, received, typed_notebooks: Path, tmp_path):
    notebooks = runner.find_notebooks(typed_notebooks)
    plan = runner.plan_parameters(notebooks[:1], all_notebooks=notebooks, global_parameters={},
                                  sections={"01": {name: given}}, output_dir=tmp_path)
    assert plan[notebooks[0]][name] == received
    assert type(plan[notebooks[0]][name]) is type(received)


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("k", "eight", "got 'eight', expected a whole number or None"),
        ("k", 2.5, "got 2.5, expected a whole number or None"),
        ("k", True, "got True, expected a whole number or None"),
        ("share", "high", "got 'high', expected a number"),
        ("flag", "maybe", "got 'maybe', expected true or false"),
        ("flag", 1, "got 1, expected true or false"),
        ("seeds", ["a"], "got ['a'], expected a list of whole numbers (or a single one)"),
        ("panel_index", None, "got None, expected a list of strings (or a single one)"),
        ("value", "per_100", "got 'per_100', expected one of 'per_10k_chars', 'per_1k_tokens', 'count'"),
        ("units", ["a", "c"], "got ['a', 'c'], expected a list of strings (or a single one), each one of 'a', 'b'"),
        ("corpus_path", 2020, """got 2020, expected text (to pass 2020 as text, quote it: '"2020"')"""),
        ("share_cap", 0, "got 0, expected a number > 0 and <= 1"),
        ("share_cap", 1.5, "got 1.5, expected a number > 0 and <= 1"),
    ],
)
def test_bad_values_are_refused_naming_notebook_parameter_value_and_type(name, given, expected,
                                                                         typed_notebooks: Path, tmp_path: Path):
    notebooks = runner.find_notebooks(typed_notebooks)
    with pytest.raises(RunnerError) as err:
        runner.plan_parameters(notebooks, all_notebooks=notebooks, global_parameters={},
                               sections={"01": {name: given}}, output_dir=tmp_path)
    assert str(err.value) == f"notebook 01_typed, parameter {name}: {expected}"


def test_every_problem_is_listed_at_once(typed_notebooks: Path, tmp_path: Path):
    notebooks = runner.find_notebooks(typed_notebooks)
    with pytest.raises(RunnerError) as err:
        runner.plan_parameters(notebooks, all_notebooks=notebooks, global_parameters={"seed": "x"},
                               sections={"01": {"k": "eight", "nope": 1}}, output_dir=tmp_path)
    message = str(err.value)
    assert message.startswith("3 problems with the parameters:")
    assert "unknown parameter(s) nope for notebook 01_typed" in message
    assert "notebook 01_typed, parameter k: got 'eight'" in message
    assert "notebook 02_other, parameter seed: got 'x'" in message


def test_cli_refuses_a_bad_value_before_any_notebook_runs(typed_notebooks: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "a.txt").write_text("政府工作报告", encoding="utf-8")
    status = cli.main(["run", "--params", "none", "--notebooks-dir", str(typed_notebooks), "--output-dir",
                       str(tmp_path / "out"), "--quiet", "-p", "01.k", "eight"])
    assert status == 2
    err = capsys.readouterr().err
    assert "notebook 01_typed, parameter k: got 'eight', expected a whole number or None" in err
    assert "Traceback" not in err
    assert not (typed_notebooks / "ran.txt").exists() and not (tmp_path / "out").exists()


REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project_notebooks() -> list[Path]:
    return runner.find_notebooks(REPO / "notebooks")


def plan_project(notebooks: list[Path], pairs: list[list[str]], select: list[str] | None = None):
    global_parameters, sections = runner.parse_cli_parameters(pairs)
    chosen = runner.find_notebooks(REPO / "notebooks", select=select)
    return runner.plan_parameters(chosen, all_notebooks=notebooks, global_parameters=global_parameters,
                                  sections=sections, output_dir=REPO / "reports")


def test_the_testers_examples_on_the_project_notebooks(project_notebooks: list[Path]):
    plan = plan_project(project_notebooks, [["04.panel_index", "region"]], select=["04"])
    assert list(plan.values())[0]["panel_index"] == ["region"]
    with pytest.raises(RunnerError, match=re.escape(
            "notebook 02_topics, parameter k: got 'eight', expected a whole number >= 2 or None")):
        plan_project(project_notebooks, [["02.k", "eight"]])
    # limits written in the parameters cell, (>= 2), are checked before anything runs
    for pair, expected in [(["02.k", "1"], "parameter k: got 1, expected a whole number >= 2 or None"),
                           (["02.k_values", "[1, 4]"], "parameter k_values: got [1, 4], expected a list of whole "
                                                       "numbers >= 2 (or a single one)"),
                           (["02.max_doc_share", "0"], "parameter max_doc_share: got 0, expected a number > 0 "
                                                       "and <= 1"),
                           (["02.n_boot", "-5"], "parameter n_boot: got -5, expected a whole number >= 1")]:
        with pytest.raises(RunnerError, match=re.escape(f"notebook 02_topics, {expected}")):
            plan_project(project_notebooks, [pair])
    assert list(plan_project(project_notebooks, [["02.k", "2"]], select=["02"]).values())[0]["k"] == 2
    with pytest.raises(RunnerError, match=re.escape(
            "notebook 04_attention, parameter value: got 'per_100', expected one of 'per_10k_chars', "
            "'per_1k_tokens', 'count'")):
        plan_project(project_notebooks, [["04.value", "per_100"]])
    with pytest.raises(RunnerError, match=re.escape("notebook 02_topics, parameter unit: got 'words'")):
        plan_project(project_notebooks, [["unit", "words"]])


def test_parameters_of_unselected_notebooks_are_checked_too(project_notebooks: list[Path]):
    # notebook 04 has no parameter k: refused even when only 01 runs
    with pytest.raises(RunnerError, match=r"unknown parameter\(s\) k for notebook 04_attention; it declares: "):
        plan_project(project_notebooks, [["04.k", "8"]], select=["01"])
    with pytest.raises(RunnerError, match="notebook 02_topics, parameter k: got 'eight'"):
        plan_project(project_notebooks, [["02.k", "eight"]], select=["01"])
    # a good value for a notebook that does not run this time is accepted (a parameter file may hold sections
    # for every notebook) and not passed anywhere
    plan = plan_project(project_notebooks, [["02.k", "8"], ["k", "8"]], select=["01"])
    assert [nb.stem for nb in plan] == ["01_corpus_overview"] and "k" not in list(plan.values())[0]


def documented_examples() -> list[str]:
    """Every `-p KEY VALUE` the parameter files, the CLI, the runner and the README show."""
    texts = [path.read_text(encoding="utf-8") for path in (REPO / "params").glob("*.yaml")]
    texts += [cli.__doc__ or "", runner.__doc__ or "", (REPO / "README.md").read_text(encoding="utf-8")]
    examples = [match for text in texts for match in re.findall(r"-p \S+ \S+?(?=`|\s|$)", text)]
    return [example for example in examples if example.split(" ")[1].lower() not in {"key", "name"}]  # placeholders


def test_documented_parameter_examples_are_accepted_by_the_project_notebooks(project_notebooks: list[Path],
                                                                                tmp_path: Path):
    examples = documented_examples()
    assert "-p 02.k 8" in examples and len(examples) >= 4
    for example in examples:
        _, key, value = example.split(" ")
        plan_project(project_notebooks, [[key, value.rstrip(",.)")]])
    # the per-notebook YAML examples: in params/default.yaml's comment, the runner docstring and error message
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebooks: [1]\n", encoding="utf-8")
    with pytest.raises(RunnerError) as err:
        runner.load_parameter_file(bad)
    sources = [str(err.value), runner.__doc__, (REPO / "params" / "default.yaml").read_text(encoding="utf-8")]
    yaml_examples = [m for text in sources for m in re.findall(r'notebooks: \{"02": \{[^}]*\}\}', text)]
    assert len(yaml_examples) == 2  # error message and default.yaml (the docstring's is a block)
    for example in yaml_examples + ["notebooks:\n  \"02\": {k: 8}"]:
        example_file = tmp_path / "example.yaml"
        example_file.write_text(example + "\n", encoding="utf-8")
        _, sections = runner.load_parameter_file(example_file)
        runner.plan_parameters(project_notebooks, all_notebooks=project_notebooks, global_parameters={},
                               sections=sections, output_dir=tmp_path)


# ---------------------------------------------------------------------------- corpus checked up front


def test_an_empty_or_missing_corpus_stops_the_run_before_any_notebook(typed_notebooks: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.md").write_text("not a report", encoding="utf-8")
    run = ["run", "--params", "none", "--notebooks-dir", str(typed_notebooks), "--output-dir", str(tmp_path / "out"),
           "--quiet"]
    assert cli.main([*run, "-p", "corpus_path", str(empty)]) == 2
    assert f"notebook 01_typed, parameter corpus_path: no report files in {empty} (looked for .csv" in \
        capsys.readouterr().err
    assert cli.main([*run, "-p", "corpus_path", str(tmp_path / "missing")]) == 2
    assert f"{tmp_path / 'missing'}: no such file or folder" in capsys.readouterr().err
    assert cli.main(run) == 2  # the notebook's own default, ../data/raw, does not exist here either
    assert f"no such file or folder" in capsys.readouterr().err
    assert not (typed_notebooks / "ran.txt").exists() and not (tmp_path / "out").exists()


def test_an_output_folder_inside_the_corpus_or_the_bundled_data_is_refused(typed_notebooks: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]):
    corpus = tmp_path / "my_reports"
    corpus.mkdir()
    shutil.copy(REPO / "data" / "raw" / "000_207fb4099e85d4c9.txt", corpus)
    run = ["run", "--params", "none", "--notebooks-dir", str(typed_notebooks), "--quiet", "-p", "corpus_path",
           str(corpus)]
    for inside in (corpus, corpus / "out"):
        assert cli.main([*run, "--output-dir", str(inside)]) == 2
        assert f"the output folder {inside} is inside the corpus folder {corpus}" in capsys.readouterr().err
    assert cli.main([*run, "--output-dir", str(REPO / "data" / "raw" / "out")]) == 2
    assert "is inside the bundled data folder" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir()) == ["000_207fb4099e85d4c9.txt"]
    assert not (REPO / "data" / "raw" / "out").exists() and not (typed_notebooks / "ran.txt").exists()
    # next to the corpus is fine
    assert cli.main([*run, "--output-dir", str(tmp_path / "out")]) == 0
    assert (typed_notebooks / "ran.txt").exists()


def test_a_corpus_reached_through_a_symlinked_folder_passes_the_check(project_notebooks: list[Path], tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(REPO / "data" / "raw" / "000_207fb4099e85d4c9.txt", real)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "linked").symlink_to(real, target_is_directory=True)
    # load_corpus reads the report in corpus/linked/, so the runner must not refuse the folder
    runner.check_corpus_paths(plan_project(project_notebooks, [["corpus_path", str(corpus)]], select=["01"]))


def test_corpus_check_accepts_the_project_defaults_and_skips_unused_corpora(project_notebooks: list[Path],
                                                                            tmp_path: Path):
    runner.check_corpus_paths(plan_project(project_notebooks, []))
    runner.check_corpus_paths(plan_project(project_notebooks, [["05.national_path", "null"]], select=["05"]))
    with pytest.raises(RunnerError, match=r"notebook 05_targets, parameter national_path: no report files in"):
        runner.check_corpus_paths(plan_project(project_notebooks, [["05.national_path", str(tmp_path)]]))
    # only the notebooks that run are checked
    runner.check_corpus_paths(plan_project(project_notebooks, [["05.national_path", str(tmp_path)]], select=["01"]))
    # notebook 02's coherence reference is a corpus too
    with pytest.raises(RunnerError, match=r"notebook 02_topics, parameter reference_path: .*no such file or folder"):
        runner.check_corpus_paths(plan_project(project_notebooks, [["02.reference_path", str(tmp_path / "nope")]]))
    runner.check_corpus_paths(plan_project(project_notebooks, [["02.reference_path", "null"]]))


def test_every_notebook_reading_the_corpus_takes_the_manifest(project_notebooks: list[Path], tmp_path: Path):
    """A metadata sheet given to the run reaches every notebook that loads the corpus (a trial found notebook 01
    using it and 02-05 not: their tables contradicted 01's), and a missing sheet stops the run up front."""
    for nb in project_notebooks:
        parameters = runner.notebook_parameters(nb)
        if "corpus_path" in parameters:
            assert parameters.get("manifest_path", "absent") is None, nb.stem
            source = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
            assert "manifest=manifest_path" in source, nb.stem
    sheet = tmp_path / "metadata.csv"
    sheet.write_text("file,region\n000_207fb4099e85d4c9.txt,南岗区\n", encoding="utf-8")
    runner.check_corpus_paths(plan_project(project_notebooks, [["manifest_path", str(sheet)]]))
    with pytest.raises(RunnerError, match=r"notebook 0\d_\w+, parameter manifest_path: no such file: .*nope\.csv"):
        runner.check_corpus_paths(plan_project(project_notebooks, [["manifest_path", str(tmp_path / "nope.csv")]]))
    with pytest.raises(RunnerError, match=r"parameter manifest_path: is a folder, not a file"):
        runner.check_corpus_paths(plan_project(project_notebooks, [["manifest_path", str(tmp_path)]]))


def test_the_command_works_outside_the_project_folder(tmp_path: Path, monkeypatch, capsys):
    """Run from another folder, the command finds the project's notebooks (and params/default.yaml) in the
    checkout it is installed from; with no project anywhere it says how to name the folder."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["notebooks"]) == 0
    listed = capsys.readouterr().out
    assert "01_corpus_overview" in listed and "manifest_path" in listed
    assert cli.project_folder() == REPO
    monkeypatch.setattr(cli, "project_folder", lambda: None)
    with pytest.raises(RunnerError, match=r"no notebooks folder here .*give --notebooks-dir"):
        cli._notebooks_dir(cli._parser().parse_args(["notebooks"]))


# ---------------------------------------------------------------------------- the same bytes on a replication run


def test_make_reproducible_drops_timings_and_gives_papermills_cells_fixed_ids():
    nb = new_notebook(cells=[
        new_markdown_cell("error", metadata={"tags": ["papermill-error-cell-tag"]}),
        new_code_cell("k = 6", metadata={"tags": ["injected-parameters"], "execution": {
            "iopub.status.busy": "2026-11-23T02:31:05.1Z"}, "papermill": {
            "start_time": "2026-11-23T02:31:05", "end_time": "2026-11-23T02:31:06", "duration": 1.0,
            "status": "completed", "exception": False}}),
        new_markdown_cell("anchor", metadata={"tags": ["papermill-error-cell-tag"]}),
    ])
    nb.metadata["papermill"] = {"start_time": "2026-11-23T02:31:05", "end_time": "2026-11-23T02:31:09",
                                "duration": 4.0, "input_path": "/home/me/project/notebooks/01_a.ipynb",
                                "output_path": "/tmp/run_a/notebooks/01_a.ipynb", "parameters": {"k": 6}}
    runner.make_reproducible(nb, input_path="notebooks/01_a.ipynb", output_path="notebooks/01_a.ipynb")
    assert nb.metadata["papermill"] == {"input_path": "notebooks/01_a.ipynb", "output_path": "notebooks/01_a.ipynb",
                                        "parameters": {"k": 6}}
    assert nb.cells[1].metadata == {"tags": ["injected-parameters"],
                                    "papermill": {"status": "completed", "exception": False}}
    assert [cell.id for cell in nb.cells] == ["papermill-error", "injected-parameters", "papermill-error-2"]
    nbformat.validate(nb)


def test_make_reproducible_joins_printed_text_the_kernel_sent_in_pieces():
    """The kernel flushes printed text on a timer: one run sends 'a' and 'b' apart, another together."""
    from nbformat.v4 import new_output

    pieces = [new_output("stream", name="stdout", text="CorpusWarning: skipped empty.txt\n"),
              new_output("stream", name="stdout", text="12 reports\n"),
              new_output("stream", name="stderr", text="a note\n"),
              new_output("stream", name="stdout", text="done\n")]
    apart = new_notebook(cells=[new_code_cell("x", outputs=pieces)])
    together = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("stream", name="stdout", text="CorpusWarning: skipped empty.txt\n12 reports\n"), *pieces[2:]])])
    for nb in (apart, together):
        runner.make_reproducible(nb, input_path="a.ipynb", output_path="a.ipynb")
    assert apart.cells[0].outputs == together.cells[0].outputs
    assert [o["name"] for o in apart.cells[0].outputs] == ["stdout", "stderr", "stdout"]
    nbformat.validate(apart)


def make_small_project(root: Path) -> Path:
    """A project folder with one report, a parameter file and a notebook that writes a figure and an extra page."""
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "report.txt").write_bytes(
        next(p for p in sorted((REPO / "data" / "raw").iterdir()) if p.suffix == ".txt").read_bytes())
    (root / "params").mkdir()
    (root / "params" / "small.yaml").write_text("corpus_path: ../data/raw\noutput_dir: ../reports\n", encoding="utf-8")
    write_notebook(
        root / "notebooks" / "01_small.ipynb",
        'corpus_path = "../data/raw"\n'
        "k: int | None = None     # topics; None = the K the sweep suggests\n"
        'output_dir = "../reports"',
        "from pathlib import Path\nimport matplotlib.pyplot as plt\n"
        "from reportlab_analysis.outputs import save_figure\nfrom reportlab_analysis.plotting import setup_plotting\n"
        "setup_plotting()\nfig, ax = plt.subplots()\nax.plot([1, 2, k])\nax.set_title('主题数')\n"
        "saved = save_figure(fig, '01_small', output_dir=output_dir)",
        "page = Path(output_dir) / '01_small_viewer.html'\n"
        "page.write_text('<p>主题浏览器</p>', encoding='utf-8')\n"
        "print(page.relative_to(output_dir), corpus_path)",
        # a warning between two prints: on stderr it would carry the kernel's temporary path and arrive out of order
        "import warnings\nprint('before')\nwarnings.warn('skipped metadata.csv: no text column', UserWarning)\n"
        "print('after')",
    )
    return root


def output_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def replication(tmp_path_factory: pytest.TempPathFactory):
    """The small project run twice into its reports folder, once as a copy elsewhere, once into a folder outside
    the project; every run with ``-p k 6``. Also the warnings papermill logged."""
    import logging

    root = tmp_path_factory.mktemp("replication")
    project = make_small_project(root / "project")
    moved = shutil.copytree(project, root / "somewhere" / "else" / "project")
    for folder in (project, moved):
        (folder / "reports").mkdir()
        (folder / "reports" / "left_from_before.html").write_text("<p>old</p>", encoding="utf-8")
    logged: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("papermill").addHandler(handler)
    runs = {}
    try:
        for label, folder, output_dir in [("first", project, None), ("again", project, None),
                                          ("moved", moved, None), ("outside", project, root / "outside")]:
            result = runner.run_notebooks(notebooks_dir=folder / "notebooks", params_file=folder / "params" / "small.yaml",
                                          cli_parameters=[["k", "6"]], output_dir=output_dir, progress=False)
            assert result.ok, result.notebooks[0].error
            runs[label] = (result, output_bytes(result.output_dir))
    finally:
        logging.getLogger("papermill").removeHandler(handler)
    return project, runs, logged


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    assert set(a) == set(b)
    return sorted(name for name in a if a[name] != b[name])


@pytest.mark.slow
def test_a_replication_run_writes_the_same_bytes_except_the_run_log(replication):
    project, runs, _ = replication
    (first, before), (_, again) = runs["first"], runs["again"]
    assert {"index.html", "run_log.json", "html/01_small.html", "html/01_small.share.html",
            "notebooks/01_small.ipynb", "figures/01_small.png", "01_small_viewer.html"} <= set(before)
    assert differing(before, again) in ([], ["run_log.json"])
    log = json.loads(before["run_log.json"])
    assert set(log) == {"started", "finished", "notebooks"}
    assert log["notebooks"][0]["name"] == "01_small" and log["notebooks"][0]["status"] == "ok"
    index = before["index.html"].decode("utf-8")
    assert "Generated 2" not in index and " s</small>" not in index and 'href="run_log.json"' in index
    executed = before["notebooks/01_small.ipynb"].decode("utf-8")
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", executed), "no timestamps in the executed notebook"
    # warnings are printed in place, as "Category: message", without the kernel's temporary file
    streams = [(out["name"], "".join(out["text"])) for cell in json.loads(executed)["cells"]
               for out in cell.get("outputs", []) if out["output_type"] == "stream"]
    assert ("stdout", "before\nUserWarning: skipped metadata.csv: no text column\nafter\n") in streams
    assert "ipykernel_" not in executed
    assert '"duration"' not in executed and '"id": "injected-parameters"' in executed


@pytest.mark.slow
def test_the_project_can_move_without_changing_a_byte(replication):
    project, runs, _ = replication
    assert differing(runs["first"][1], runs["moved"][1]) in ([], ["run_log.json"])
    for name, data in runs["first"][1].items():
        assert str(project).encode() not in data, f"{name} holds the project's path"
    index = runs["first"][1]["index.html"].decode("utf-8")
    assert "<code>corpus_path</code></td><td><code>&#x27;../data/raw&#x27;" in index
    assert "<code>output_dir</code></td><td><code>&#x27;../reports&#x27;" in index


@pytest.mark.slow
def test_an_output_folder_outside_the_project_shows_only_in_the_injected_parameters(replication):
    project, runs, _ = replication
    (_, inside), (outside_result, outside) = runs["first"], runs["outside"]
    outside_dir = str(outside_result.output_dir)
    assert outside["html/01_small.share.html"] == inside["html/01_small.share.html"]
    assert outside["figures/01_small.png"] == inside["figures/01_small.png"]
    for name in ("html/01_small.html", "notebooks/01_small.ipynb", "index.html"):
        assert outside_dir in outside[name].decode("utf-8"), name
        assert outside[name].decode("utf-8").replace(outside_dir, "../reports") == inside[name].decode("utf-8"), name
    assert "01_small_viewer.html ../data/raw" in outside["html/01_small.share.html"].decode("utf-8")


@pytest.mark.slow
def test_an_annotated_parameter_is_passed_without_papermills_unknown_parameter_warning(replication):
    _, runs, logged = replication
    assert logged == []  # before: "Unable to parse line 2 'k: int | None = None ...'", "Passed unknown parameter: k"
    executed = nbformat.reads(runs["first"][1]["notebooks/01_small.ipynb"].decode("utf-8"), as_version=4)
    (injected,) = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "k = 6" in injected.source


@pytest.mark.slow
def test_the_index_links_the_extra_pages_a_notebook_wrote(replication):
    _, runs, _ = replication
    index = runs["first"][1]["index.html"].decode("utf-8")
    assert '<a href="01_small_viewer.html">01_small_viewer.html</a>' in index
    assert "left_from_before.html" not in index  # in the folder, but no notebook of this run wrote it
    assert runs["first"][0].notebooks[0].pages == ["01_small_viewer.html"]
