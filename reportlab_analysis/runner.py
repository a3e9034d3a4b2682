"""Run the project's notebooks with papermill and render them as offline HTML, with an index page.

One call regenerates everything: each notebook in ``notebooks/`` (named ``NN_name.ipynb``) is executed with
the parameters from a YAML file and the command line, in a kernel started from the *current* Python (no kernel
registration needed; ``PYTHONHASHSEED=0`` and the inline matplotlib backend are set for it) with the notebooks folder as
working directory. Results land in the output folder::

    reports/notebooks/NN_name.ipynb      executed notebook (kept, partly executed, when a cell fails)
    reports/html/NN_name.html            HTML with code
    reports/html/NN_name.share.html      HTML without code, for sharing
    reports/figures/, reports/tables/    written by the notebooks (see reportlab_analysis.outputs)
    reports/*.html                       other pages the notebooks write (02_topics_viewer.html)
    reports/index.html                   links to all of the above, parameters and library versions
    reports/run_log.json                 when the run started and ended, how long each notebook took

The HTML opens offline: figures are embedded and the CDN scripts nbconvert's template references
(require.js, MathJax, mermaid) are removed.

A replication run (same project, parameters and output folder) gives the same bytes in every file but
``run_log.json``: the executed notebooks are saved without papermill's and the kernel's timestamps and durations
(:func:`make_reproducible`), the cells papermill adds get fixed ids, and ``index.html`` carries no date or run
time. Paths are passed to the notebooks, and shown in ``index.html``, relative to the notebooks folder when they
lie inside the project (``../data/raw``, ``../reports``), so the project can live anywhere; a path outside the
project (``--output-dir /tmp/run_a``) stays absolute and shows in the injected parameters cell of the pages with
code, the executed notebooks and ``index.html``.

Parameter YAML: top-level keys apply to every notebook that declares them in its ``parameters`` cell; an
optional ``notebooks:`` mapping holds per-notebook sections keyed by the notebook's number or name::

    corpus_path: ../data/raw        # relative paths are relative to this YAML file
    seed: 1
    notebooks:
      "02": {k: 8}

Before any notebook runs, every value is checked against what the notebook's ``parameters`` cell accepts
(:func:`parameter_specs`: the default's type or an annotation, and ``one of:`` comments) and each corpus path
must hold report files (:func:`check_corpus_paths`). A notebook that fails does not stop the others.

Example:
    >>> from reportlab_analysis.runner import run_notebooks
    >>> result = run_notebooks(params_file="params/default.yaml", output_dir="reports")  # doctest: +SKIP
    >>> result.ok  # doctest: +SKIP
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import html
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .plotting import WEBFONT_FAMILY, cjk_webfont_css  # the embedded font of every page

NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[\w\-]+\.ipynb$")
"""Notebook files the runner picks up: two digits, underscore, name."""

NOTEBOOK_SECTION_KEY = "notebooks"
"""YAML key of the per-notebook parameter sections."""

KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    # figures show inline in the executed notebook and the HTML (an inherited MPLBACKEND=Agg would hide them)
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    # progress bars belong to the runner's terminal, not to the shared HTML
    "TQDM_DISABLE": "1",
    "PYTHONWARNINGS": "ignore:IProgress not found",
}
"""Environment every notebook kernel starts with."""

_PATH_SUFFIXES = ("_path", "_dir", "_file")
_PATH_LIST_SUFFIXES = ("_paths", "_dirs", "_files")  # a list of paths (dictionary_paths)
_LIBRARIES = (
    "reportlab_analysis",
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "jieba",
    "rjieba",
    "gensim",
    "statsmodels",
    "papermill",
    "nbconvert",
    "ipykernel",
    "manimgx-fonts-cjk",
)


class RunnerError(Exception):
    """A problem with the runner's input (parameters, notebook names, YAML) explained for the user."""


@dataclasses.dataclass
class NotebookResult:
    """What happened to one notebook.

    Attributes:
        name: Notebook stem, e.g. ``"01_corpus_overview"``.
        status: ``"ok"`` or ``"failed"``.
        parameters: The parameters passed to it.
        defaults: The defaults of its ``parameters`` cell (what it used for anything not passed).
        executed: Executed notebook path.
        html: HTML with code (None if rendering was skipped).
        share_html: HTML without code.
        outputs: Figures and tables it wrote (paths relative to the output folder).
        pages: Other HTML pages it wrote in the output folder (relative paths), e.g. ``02_topics_viewer.html``.
        seconds: Wall time (in ``run_log.json``, not in ``index.html``).
        error: For a failed notebook: which cell and what error.
    """

    name: str
    status: str
    parameters: dict[str, Any]
    executed: Path
    defaults: dict[str, Any] = dataclasses.field(default_factory=dict)
    html: Path | None = None
    share_html: Path | None = None
    outputs: list[str] = dataclasses.field(default_factory=list)
    pages: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


@dataclasses.dataclass
class RunResult:
    """Outcome of :func:`run_notebooks`.

    Attributes:
        output_dir: The output folder.
        index: Path of ``index.html``.
        notebooks: One :class:`NotebookResult` per notebook run, failed or not.
        run_log: Path of ``run_log.json``, the one file that changes from run to run.
    """

    output_dir: Path
    index: Path
    notebooks: list[NotebookResult]
    run_log: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every notebook ran without error."""
        return all(nb.status == "ok" for nb in self.notebooks)


# --------------------------------------------------------------------------------------------- discovery


def find_notebooks(notebooks_dir: str | os.PathLike[str], *, select: Sequence[str] | None = None) -> list[Path]:
    """The runnable notebooks in a folder, in number order, optionally restricted to a selection.

    Args:
        notebooks_dir: Folder of ``NN_name.ipynb`` files.
        select: Numbers (``"01"``, ``"3"``) or names (``"01_corpus_overview"``); None for all.

    Returns:
        Notebook paths, sorted by file name.

    Raises:
        RunnerError: If the folder does not exist or a selection matches no notebook.

    Example:
        >>> [p.name for p in find_notebooks("notebooks", select=["01"])]  # doctest: +SKIP
        ['01_corpus_overview.ipynb']
    """
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        raise RunnerError(f"notebooks folder {str(folder)!r} does not exist")
    notebooks = sorted(p for p in folder.iterdir() if p.is_file() and NOTEBOOK_PATTERN.match(p.name))
    if select is None:
        return notebooks
    chosen: list[Path] = []
    for wanted in select:
        matches = [p for p in notebooks if _matches(p, str(wanted))]
        if not matches:
            available = ", ".join(p.stem for p in notebooks) or "none"
            raise RunnerError(f"--notebooks {wanted!r} matches no notebook in {str(folder)!r} (available: {available})")
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


def _matches(path: Path, wanted: str) -> bool:
    wanted = wanted.strip().removesuffix(".ipynb")
    number = NOTEBOOK_PATTERN.match(path.name).group(1)  # type: ignore[union-attr]
    if wanted.isdigit():
        return int(wanted) == int(number)
    return path.stem == wanted


def notebook_parameters(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parameters a notebook declares in its cell tagged ``parameters``, with their default values.

    Every top-level assignment in that cell is a parameter; its default is the literal value (``None``
    when the value is an expression rather than a literal). A notebook without such a cell declares nothing.
    :func:`parameter_specs` says which values each one accepts.

    Raises:
        RunnerError: If the notebook cannot be read or its parameters cell is not valid Python.

    Example:
        >>> notebook_parameters("notebooks/01_corpus_overview.ipynb")  # doctest: +SKIP
        {'corpus_path': '../data/raw', 'output_dir': '../reports', ...}
    """
    return {name: spec.default for name, spec in parameter_specs(path).items()}


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a notebook's ``parameters`` cell and the values it accepts.

    Attributes:
        name: The variable name.
        default: Its literal default (None when the value is an expression).
        kind: ``"int"``, ``"float"``, ``"bool"``, ``"str"`` or ``"list"``: from the annotation (``k: int | None =
            None``), else from the default's type; None accepts anything (a None default without annotation).
        item_kind: For a list, the kind of its items (``list[int]``, or the type all the default's items share).
        nullable: Whether None is accepted: the default is None or the annotation says ``| None``.
        choices: The allowed values, from a comment ``# ..., one of: "a", "b" or "c"`` on the assignment's line.
        bounds: Limits for a number (or each number of a list), from ``(>= 2)``, ``(<= 1)`` or ``(> 0)`` in that
            comment: pairs of operator and limit.
    """

    name: str
    default: Any
    kind: str | None = None
    item_kind: str | None = None
    nullable: bool = True
    choices: tuple[str, ...] = ()
    bounds: tuple[tuple[str, float], ...] = ()

    def expected(self) -> str:
        """What the parameter accepts, in words, e.g. ``"a whole number or None"``."""
        limits = "".join(f" {'and ' if i else ''}{op} {limit:g}" for i, (op, limit) in enumerate(self.bounds))
        if self.kind == "list":
            items = _KIND_WORDS.get(self.item_kind, ("", "values"))[1]
            text = f"a list of {items}{limits} (or a single one)"
            if self.choices:
                text += ", each one of " + ", ".join(repr(c) for c in self.choices)
        elif self.choices:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        else:
            text = _KIND_WORDS.get(self.kind, ("any value", ""))[0] + limits
        return text + (" or None" if self.nullable and self.kind else "")

    def within_bounds(self, value: Any) -> bool:
        """Whether a number (every number of a list) respects :attr:`bounds`."""
        values = value if isinstance(value, list) else [value]
        return all(_BOUND_TESTS[op](v, limit) for v in values if isinstance(v, (int, float))
                   for op, limit in self.bounds)


_KINDS: dict[str, type] = {"bool": bool, "int": int, "float": float, "str": str, "list": list}
_KIND_WORDS = {"int": ("a whole number", "whole numbers"), "float": ("a number", "numbers"),
               "bool": ("true or false", "true/false values"), "str": ("text", "strings")}
_ONE_OF = re.compile(r"\bone of:?\s*(.+)$")
_BOUND = re.compile(r"\((>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\)")
_BOUND_TESTS = {">=": lambda v, b: v >= b, "<=": lambda v, b: v <= b, ">": lambda v, b: v > b,
                "<": lambda v, b: v < b}
_INVALID = object()


def parameter_specs(path: str | os.PathLike[str]) -> dict[str, ParameterSpec]:
    """The parameters a notebook declares (see :func:`notebook_parameters`) with the values each accepts.

    The accepted type comes from an annotation if there is one (``k: int | None = None``; understood: ``int``,
    ``float``, ``bool``, ``str``, ``list``, ``list[X]``, ``X | None``), else from the default's type. A comment
    ``one of: "a", "b" or "c"`` (or ``one of: a, b, c``) on the assignment's line restricts the values, and
    ``(>= 2)``, ``(<= 1)``, ``(> 0)`` in it bound a number (each number of a list).

    Raises:
        RunnerError: If the notebook cannot be read or its parameters cell is not valid Python.

    Example:
        >>> parameter_specs("notebooks/02_topics.ipynb")["k"].expected()  # doctest: +SKIP
        'a whole number or None'
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as err:  # nbformat raises several types for unreadable files
        raise RunnerError(f"cannot read notebook {str(path)!r}: {err}") from err
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    return _specs_from_source(cells[0].source, where=f"the parameters cell of {str(path)!r}")


def _specs_from_source(source: str, *, where: str) -> dict[str, ParameterSpec]:
    """The parameters declared by the source of a ``parameters`` cell (see :func:`parameter_specs`)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise RunnerError(f"{where} is not valid Python: {err}") from err
    comments = _comments_by_line(source)
    specs: dict[str, ParameterSpec] = {}
    for statement in tree.body:
        annotation = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value, annotation = [statement.target], statement.value, statement.annotation
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = None
        if annotation is not None:
            kind, item_kind, nullable = _annotation_kind(annotation)
        else:
            kind, item_kind = _value_kind(default)
            nullable = False
        comment = " ".join(comments.get(line, "") for line in range(statement.lineno, statement.end_lineno + 1))
        match = _ONE_OF.search(comment)
        choices = tuple(c.strip(" '\"") for c in re.split(r",|\bor\b", match.group(1))) if match else ()
        bounds = tuple((op, float(limit)) for op, limit in _BOUND.findall(comment))
        for target in targets:
            if isinstance(target, ast.Name):
                specs[target.id] = ParameterSpec(target.id, default, kind, item_kind,
                                                 nullable=nullable or default is None, choices=choices,
                                                 bounds=bounds)
    return specs


def _comments_by_line(source: str) -> dict[int, str]:
    import io
    import tokenize

    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    return comments


def _value_kind(value: Any) -> tuple[str | None, str | None]:
    """``(kind, item_kind)`` of a default value."""
    for kind in ("bool", "int", "float", "str"):  # bool first: True is also an int
        if isinstance(value, _KINDS[kind]):
            return kind, None
    if isinstance(value, list):
        item_kinds = {_value_kind(item)[0] for item in value}
        return "list", item_kinds.pop() if len(item_kinds) == 1 else None
    return None, None


def _annotation_kind(node: Any) -> tuple[str | None, str | None, bool]:
    """``(kind, item_kind, nullable)`` of an annotation; an annotation not understood accepts anything."""
    import ast

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [node.left, node.right]
        if any(isinstance(p, ast.Constant) and p.value is None for p in parts):
            other = next(p for p in parts if not (isinstance(p, ast.Constant) and p.value is None))
            kind, item_kind, _ = _annotation_kind(other)
            return kind, item_kind, True
        return None, None, True
    if isinstance(node, ast.Name) and node.id in _KINDS:
        return node.id, None, False
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "list":
        item = node.slice
        return "list", item.id if isinstance(item, ast.Name) and item.id in _KINDS else None, False
    return None, None, True


def check_parameter_value(spec: ParameterSpec, value: Any) -> Any:
    """The value as the notebook should receive it, or ValueError saying what the parameter accepts.

    Whole numbers given as ``8.0`` become ``8`` for a whole-number parameter, ``1`` becomes ``1.0`` for a
    number, and a single value where a list is expected becomes a one-item list (``region`` → ``["region"]``).

    Example:
        >>> check_parameter_value(ParameterSpec("panel_index", ["region", "year"], "list", "str"), "region")
        ['region']
        >>> check_parameter_value(ParameterSpec("k", None, "int"), "eight")
        Traceback (most recent call last):
        ...
        ValueError: got 'eight', expected a whole number or None
    """
    checked = _converted(spec, value)
    if checked is not _INVALID and checked is not None and not spec.within_bounds(checked):
        checked = _INVALID
    if checked is _INVALID:
        hint = ""
        if spec.kind == "str" and isinstance(value, (int, float)):
            hint = f" (to pass {value!r} as text, quote it: '\"{value}\"')"
        raise ValueError(f"got {value!r}, expected {spec.expected()}{hint}")
    return checked


def _converted(spec: ParameterSpec, value: Any) -> Any:
    if value is None:
        return None if spec.nullable else _INVALID
    if spec.kind == "list":
        items = [_as_kind(item, spec.item_kind) for item in (value if isinstance(value, list) else [value])]
        allowed = all(item is not _INVALID and (not spec.choices or item in spec.choices) for item in items)
        return items if allowed else _INVALID
    checked = _as_kind(value, spec.kind)
    return checked if not spec.choices or checked in spec.choices else _INVALID


def _as_kind(value: Any, kind: str | None) -> Any:
    """The value as ``kind`` where converting loses nothing (8.0 → 8 for int, 1 → 1.0 for float), else _INVALID."""
    if kind is None:
        return value
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) != (kind == "bool") or not isinstance(value, _KINDS[kind]):
        return _INVALID
    return value


# --------------------------------------------------------------------------------------------- parameters


def load_parameter_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read a parameter YAML into global parameters and per-notebook sections.

    Relative strings for parameters named ``*_path``, ``*_dir`` or ``*_file`` are taken relative to the
    YAML file's folder and returned as absolute paths.

    Returns:
        ``(global_parameters, {notebook_key: parameters})``.

    Raises:
        RunnerError: If the file is missing, is not valid YAML, or is not a mapping of parameter names.

    Example:
        >>> load_parameter_file("params/default.yaml")  # doctest: +SKIP
        ({'corpus_path': '/…/data/raw', ...}, {'02': {'k': 8}})
    """
    path = Path(path)
    if not path.is_file():
        raise RunnerError(f"parameter file {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise RunnerError(f"parameter file {str(path)!r} is not valid YAML: {err}") from err
    except UnicodeDecodeError as err:
        raise RunnerError(f"parameter file {str(path)!r} is not UTF-8 text: {err}") from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RunnerError(
            f"parameter file {str(path)!r} must be a mapping of parameter names to values, got {type(data).__name__}"
        )
    sections = data.pop(NOTEBOOK_SECTION_KEY, None) or {}
    if not isinstance(sections, dict) or not all(isinstance(v, dict) or v is None for v in sections.values()):
        raise RunnerError(
            f"parameter file {str(path)!r}: '{NOTEBOOK_SECTION_KEY}' must map notebook numbers or names "
            "to mappings of parameters, e.g. notebooks: {\"02\": {k: 8}}"
        )
    base = path.parent.resolve()
    _check_names(data, where=f"parameter file {str(path)!r}")
    global_parameters = _resolve_paths(data, base)
    per_notebook = {}
    for key, values in sections.items():
        values = values or {}
        _check_names(values, where=f"parameter file {str(path)!r}, section {key!r}")
        per_notebook[str(key).zfill(2) if str(key).isdigit() else str(key)] = _resolve_paths(values, base)
    return global_parameters, per_notebook


def _check_names(values: Mapping[Any, Any], *, where: str) -> None:
    for name in values:
        if not isinstance(name, str) or not name.isidentifier():
            raise RunnerError(f"{where}: {name!r} is not a valid parameter name")


def _is_path_parameter(name: str) -> bool:
    return name.endswith(_PATH_SUFFIXES)


def _resolve_paths(values: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths of ``*_path``/``*_dir``/``*_file`` parameters, and of each entry of a ``*_paths``
    (``_dirs``, ``_files``) list or a single string given for one, made absolute against ``base``."""
    def absolute(value: Any) -> Any:
        if isinstance(value, str) and value and not os.path.isabs(value):
            return os.path.normpath(str(base / value))
        return value

    resolved = {}
    for name, value in values.items():
        if _is_path_parameter(name):
            value = absolute(value)
        elif name.endswith(_PATH_LIST_SUFFIXES):
            value = [absolute(v) for v in value] if isinstance(value, (list, tuple)) else absolute(value)
        resolved[name] = value
    return resolved


def parse_cli_parameters(pairs: Sequence[Sequence[str]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Turn ``-p key value`` pairs into global and per-notebook parameters.

    Values are parsed as YAML (``8`` is an int, ``[a, b]`` a list, ``null`` None). ``key`` may be
    ``02.k`` to address one notebook. Relative path values are taken relative to the current folder.
    Values are checked against the notebooks later, by :func:`plan_parameters`.

    Example:
        >>> parse_cli_parameters([["seed", "8"], ["02.k", "3"]])
        ({'seed': 8}, {'02': {'k': 3}})
    """
    global_parameters: dict[str, Any] = {}
    per_notebook: dict[str, dict[str, Any]] = {}
    cwd = Path.cwd()
    for pair in pairs:
        key, raw = pair
        try:
            value = yaml.safe_load(raw) if raw != "" else ""
        except yaml.YAMLError:
            value = raw
        notebook, _, name = key.rpartition(".")
        if not name.isidentifier():
            raise RunnerError(f"-p {key} {raw}: {name!r} is not a valid parameter name")
        target = global_parameters
        if notebook:
            notebook = notebook.zfill(2) if notebook.isdigit() else notebook
            target = per_notebook.setdefault(notebook, {})
        target.update(_resolve_paths({name: value}, cwd))
    return global_parameters, per_notebook


def _section_for(notebook: Path, sections: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key, values in sections.items():
        if _matches(notebook, key):
            merged.update(values)
    return merged


def plan_parameters(
    notebooks: Sequence[Path],
    *,
    all_notebooks: Sequence[Path],
    global_parameters: Mapping[str, Any],
    sections: Mapping[str, dict[str, Any]],
    output_dir: Path,
) -> dict[Path, dict[str, Any]]:
    """The parameters each notebook receives: only those its ``parameters`` cell declares, checked.

    Every value is checked against what the notebook accepts (:func:`check_parameter_value`), for all notebooks
    in ``all_notebooks``, so that a mistake is reported before anything runs, including a per-notebook value
    for a notebook not selected this time. Path parameters are passed relative to the notebooks folder (the
    kernel's working directory) when possible.

    Raises:
        RunnerError: Listing every problem: a global parameter no notebook declares, a section that matches no
            notebook, a per-notebook parameter the notebook does not declare, a value of the wrong type or not
            among the documented choices (naming the notebook, parameter, value and what it accepts).
    """
    specs = {nb: parameter_specs(nb) for nb in all_notebooks}
    known = sorted({name for declared in specs.values() for name in declared})
    problems = []
    unknown = sorted(set(global_parameters) - set(known) - {"output_dir"})
    if unknown and all_notebooks:
        problems.append(f"unknown parameter(s) {', '.join(unknown)}: no notebook declares them. "
                        f"Known parameters: {', '.join(known) or 'none'}")
    for key in sections:
        if not any(_matches(nb, key) for nb in all_notebooks):
            problems.append(f"parameters given for notebook {key!r}, but there is no such notebook")
    plan: dict[Path, dict[str, Any]] = {}
    for nb in all_notebooks:
        declared = specs[nb]
        own = _section_for(nb, sections)
        undeclared = sorted(set(own) - set(declared))
        if undeclared:
            problems.append(f"unknown parameter(s) {', '.join(undeclared)} for notebook {nb.stem}; "
                            f"it declares: {', '.join(declared) or 'nothing'}")
        values = {name: value for name, value in global_parameters.items() if name in declared}
        values.update((name, value) for name, value in own.items() if name in declared)
        if "output_dir" in declared:
            values["output_dir"] = str(output_dir)
        for name, value in values.items():
            try:
                values[name] = check_parameter_value(declared[name], value)
            except ValueError as err:
                problems.append(f"notebook {nb.stem}, parameter {name}: {err}")
        if nb in notebooks:
            plan[nb] = {name: _shown_path(name, nb.parent, value) for name, value in values.items()}
    if len(problems) == 1:
        raise RunnerError(problems[0])
    if problems:
        raise RunnerError(f"{len(problems)} problems with the parameters:\n  " + "\n  ".join(problems))
    return plan


def _shown_path(name: str, folder: Path, value: Any) -> Any:
    """A path parameter's value relative to ``folder`` where it lies inside the project (each entry of a list of
    paths too); other parameters as they are."""
    if _is_path_parameter(name):
        return _relative_to(folder, value)
    if name.endswith(_PATH_LIST_SUFFIXES) and isinstance(value, (list, tuple)):
        return [_relative_to(folder, v) for v in value]
    return value


def _relative_to(folder: Path, value: Any) -> Any:
    if not isinstance(value, str) or not os.path.isabs(value):
        return value
    # Relative (portable, readable in the HTML) when the path lies inside the project, else absolute.
    project = folder.resolve().parent
    if not Path(value).resolve().is_relative_to(project):
        return value
    return os.path.relpath(value, folder.resolve())


CORPUS_PARAMETERS = ("corpus_path", "national_path", "reference_path")
"""Parameters naming a corpus (folder or file of reports): checked before any notebook runs."""

FILE_PARAMETERS = ("manifest_path",)
"""Parameters naming a file every notebook that declares them reads (the metadata sheet): it must exist."""


def check_corpus_paths(plan: Mapping[Path, Mapping[str, Any]], *, output_dir: Path | None = None) -> None:
    """Stop early when a notebook about to run would read a missing or empty corpus, or write into one.

    For each notebook, the value it will use (passed, else its default; None means the notebook skips it) of
    each parameter in :data:`CORPUS_PARAMETERS` must be a report file or a folder holding at least one, as
    :func:`reportlab_analysis.corpus.load_corpus` finds them, and each of :data:`FILE_PARAMETERS` an existing
    file. ``output_dir`` must not be such a folder or
    lie inside one (its pages and tables would be read as reports next time), nor inside the bundled ``data``.

    Raises:
        RunnerError: Naming the notebook, the parameter and the path: ``no report files in …``, ``no such file
            or folder``, an unsupported file type, or an output folder inside the corpus.
    """
    from .corpus import bundled_data_path
    from .reading import SUPPORTED_SUFFIXES, ReadError, find_report_files

    if output_dir is not None and _is_within(output_dir, bundled_data_path()):
        raise RunnerError(f"output folder {output_dir} is inside the bundled data folder {bundled_data_path()}, "
                          "which is never written to; choose another --output-dir")
    checked: set[Path] = set()
    for nb, parameters in plan.items():
        defaults = notebook_parameters(nb)
        for name in FILE_PARAMETERS:
            value = parameters.get(name, defaults.get(name))
            if isinstance(value, str) and not (nb.parent / value).is_file():
                problem = "is a folder, not a file" if (nb.parent / value).is_dir() else "no such file"
                raise RunnerError(f"notebook {nb.stem}, parameter {name}: {problem}: "
                                  f"{os.path.normpath(nb.parent / value)}")
        for name in CORPUS_PARAMETERS:
            value = parameters.get(name, defaults.get(name))
            if not isinstance(value, str):
                continue
            path = Path(os.path.normpath(nb.parent / value))  # the kernel runs in the notebook's folder
            if output_dir is not None and path.is_dir() and _is_within(output_dir, path):
                raise RunnerError(f"notebook {nb.stem}, parameter {name}: the output folder {output_dir} is inside "
                                  f"the corpus folder {path}; the pages and tables written there would be read "
                                  "as reports next time. Choose an --output-dir outside it")
            if path in checked:
                continue
            try:
                found = find_report_files(path)
            except ReadError as err:
                raise RunnerError(f"notebook {nb.stem}, parameter {name}: {err}") from err
            if not found:
                raise RunnerError(
                    f"notebook {nb.stem}, parameter {name}: no report files in {path} (looked for "
                    f"{', '.join(sorted(SUPPORTED_SUFFIXES))} files in the folder and its subfolders)"
                )
            checked.add(path)


def _is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (symbolic links resolved)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


# --------------------------------------------------------------------------------------------- kernel


def _kernel_pythonpath() -> str:
    # The kernel imports the same reportlab_analysis as the runner, installed or not.
    package_parent = str(Path(__file__).resolve().parent.parent)
    existing = os.environ.get("PYTHONPATH")
    return package_parent + (os.pathsep + existing if existing else "")


def plain_warnings() -> None:
    """Show warnings as ``CorpusWarning: message`` on standard output (run at the start of the runner's kernel).

    Python prints a warning to standard error as ``/tmp/ipykernel_3573/1234.py:1: CorpusWarning: …``: the path
    changes with every kernel, and standard error reaches the notebook out of order with what cells print, so a
    replication run would not give the same bytes. On standard output a warning keeps its place in the output.

    Example:
        >>> import warnings
        >>> previous = warnings.showwarning
        >>> plain_warnings()
        >>> warnings.warn("skipped metadata.csv: no text column", UserWarning)  # doctest: +SKIP
        UserWarning: skipped metadata.csv: no text column
        >>> warnings.showwarning = previous
    """
    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        print(f"{category.__name__}: {message}", file=sys.stdout)

    warnings.showwarning = show


_KERNEL_START = "import reportlab_analysis.runner; reportlab_analysis.runner.plain_warnings()"


@contextlib.contextmanager
def current_python_kernel() -> Iterator[str]:
    """A kernelspec for the running Python, made on the fly in a private folder (no registration).

    Yields the kernel name; papermill finds the spec through ``JUPYTER_PATH`` for the duration.
    """
    name = "reportlab-analysis-current-python"
    with tempfile.TemporaryDirectory(prefix="ra-kernel-") as tmp:
        spec_dir = Path(tmp) / "kernels" / name
        spec_dir.mkdir(parents=True)
        spec = {
            # log_level=ERROR: keeps the kernel's own start-up chatter (transport notices) off the terminal;
            # warnings raised by notebook code still show in the notebook.
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--IPKernelApp.log_level=ERROR",
                     f"--InteractiveShellApp.exec_lines={_KERNEL_START}"],
            "display_name": f"Python {platform.python_version()} ({sys.prefix})",
            "language": "python",
            "env": {**KERNEL_ENV, "PYTHONPATH": _kernel_pythonpath()},
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        previous = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = tmp + (os.pathsep + previous if previous else "")
        try:
            yield name
        finally:
            if previous is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = previous


def quiet_shutdown_kernel_manager() -> type:
    """A jupyter_client kernel manager that shuts a finished notebook's kernel down without interrupting it.

    jupyter_client's ``shutdown_kernel`` first sends SIGINT to the kernel's whole process group, then asks it to
    shut down. When the notebook has finished the kernel is idle, so the signal does nothing useful: it makes
    ipykernel log ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel`` when it lands while the kernel is
    still handling a message (a race, seen after successful notebooks), and it interrupts any worker process the
    notebook left running. This manager skips that interrupt; a kernel that does not exit on the shutdown request
    is still killed after ``shutdown_wait_time``, and interrupting at other times (a cell timeout) is unchanged.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietShutdownKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:  # set by shutdown_kernel just before it interrupts
                return
            await super()._async_interrupt_kernel()

    return QuietShutdownKernelManager


# --------------------------------------------------------------------------------------------- executed notebooks

_TIMING_KEYS = ("start_time", "end_time", "duration")
_PAPERMILL_CELLS = {"injected-parameters": "injected-parameters", "papermill-error-cell-tag": "papermill-error"}
"""Tags of the cells papermill adds (with a random id) and the fixed id the runner gives them."""


def stable_cell_ids(nb: Any) -> Any:
    """Give the cells papermill adds fixed ids, in place: ``injected-parameters``; ``papermill-error``, ``-2`` for
    the two cells marking a failure. papermill draws random ones, which would change the notebook and its HTML on
    every run. Returns the notebook.
    """
    seen: dict[str, int] = {}
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        for tag, stem in _PAPERMILL_CELLS.items():
            if tag in tags and "id" in cell:  # nbformat < 4.5 has no cell ids
                seen[stem] = seen.get(stem, 0) + 1
                cell["id"] = stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"
    return nb


def make_reproducible(nb: Any, *, input_path: str, output_path: str) -> Any:
    """Remove from an executed notebook, in place, what changes on every run; returns the notebook.

    Drops papermill's start and end times and durations (notebook and cells) and the kernel's message
    timestamps (``metadata.execution`` of each cell), gives papermill's cells fixed ids (:func:`stable_cell_ids`)
    and replaces papermill's record of the input and output files by the given paths (the runner passes the
    notebook relative to the project and the executed notebook relative to the output folder), and joins
    adjacent stream outputs of the same stream (the kernel sends printed text in pieces timed by its flush
    interval, so the same text came as one output in one run and two in another). Outputs, execution counts,
    the parameters and each cell's status and exception flag are kept. When and how long the notebooks ran goes
    to ``run_log.json`` instead.

    Example:
        >>> from nbformat.v4 import new_notebook, new_code_cell
        >>> nb = new_notebook(cells=[new_code_cell("1", metadata={"execution": {"iopub.status.idle": "2026-…"}})])
        >>> nb.metadata["papermill"] = {"duration": 1.5, "input_path": "/home/me/nb.ipynb", "parameters": {}}
        >>> make_reproducible(nb, input_path="nb.ipynb", output_path="notebooks/nb.ipynb").metadata["papermill"]
        {'input_path': 'nb.ipynb', 'parameters': {}, 'output_path': 'notebooks/nb.ipynb'}
        >>> nb.cells[0].metadata
        {}
    """
    record = nb.metadata.get("papermill")
    if record is not None:
        for key in _TIMING_KEYS:
            record.pop(key, None)
        record["input_path"] = input_path
        record["output_path"] = output_path
    for cell in nb.cells:
        metadata = cell.get("metadata", {})
        metadata.pop("execution", None)
        for key in _TIMING_KEYS:
            metadata.get("papermill", {}).pop(key, None)
        if cell.get("outputs"):
            cell["outputs"] = _joined_streams(cell["outputs"])
    return stable_cell_ids(nb)


def _joined_streams(outputs: list[Any]) -> list[Any]:
    """Outputs with each run of stream outputs of the same name (stdout, stderr) joined into one."""
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            joined.append(output)
    return joined


def _save_reproducible(executed: Path, *, notebook: Path, output_dir: Path) -> None:
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    project = notebook.resolve().parent.parent
    make_reproducible(nb, input_path=notebook.resolve().relative_to(project).as_posix(),
                      output_path=executed.relative_to(output_dir).as_posix())
    nbformat.write(nb, str(executed))


# --------------------------------------------------------------------------------------------- HTML

_EXTERNAL_JS = re.compile(r"""["'](?:https?:)?//[^"']+\.m?js\b""")
_SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_LINK = re.compile(r"""<link\b[^>]*\bhref=["'](?:https?:)?//[^>]*>""", re.IGNORECASE)


def make_offline(page: str) -> str:
    """Remove every script or stylesheet an HTML page would fetch from the network.

    Drops ``<script src="http…">`` tags, inline scripts that import a remote ``.js`` file (nbconvert's mermaid
    loader) and ``<link href="http…">`` tags. Maths in markdown then shows as TeX source.

    Example:
        >>> make_offline('<script src="https://cdn.x/require.js"></script><p>报告</p>')
        '<p>报告</p>'
    """

    def keep(match: re.Match[str]) -> str:
        attributes, body = match.group(1), match.group(2)
        if re.search(r"""\bsrc=["']?(?:https?:)?//""", attributes, re.IGNORECASE):
            return ""
        if _EXTERNAL_JS.search(body):
            return ""
        return match.group(0)

    page = _SCRIPT_BLOCK.sub(keep, page)
    return _EXTERNAL_LINK.sub("", page)


def render_html(notebook: str | os.PathLike[str], target: str | os.PathLike[str], *, include_code: bool) -> Path:
    """Render an executed notebook as a self-contained, offline HTML page with an embedded CJK font subset.

    Args:
        notebook: The ``.ipynb`` file.
        target: The ``.html`` file to write.
        include_code: False hides code cells and prompts (the version for sharing).

    Returns:
        The written path.
    """
    import nbformat

    body = _html_body(stable_cell_ids(nbformat.read(str(notebook), as_version=4)), include_code=include_code)
    return _write_page(body, cjk_webfont_css(body), Path(target))


def render_notebook_pages(notebook: str | os.PathLike[str], folder: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Render an executed notebook as ``<stem>.html`` (with code) and ``<stem>.share.html`` (without) in ``folder``.

    Both pages embed one CJK font subset, made for the characters of both, so the 30 MB font collection is
    subset once per notebook, and each page depends on this notebook only (see :func:`render_html`).

    Returns:
        ``(page with code, page without code)``.
    """
    import nbformat

    nb = stable_cell_ids(nbformat.read(str(notebook), as_version=4))
    with_code, without_code = _html_body(nb, include_code=True), _html_body(nb, include_code=False)
    font_css = cjk_webfont_css(with_code + without_code)
    stem = Path(notebook).stem
    return (_write_page(with_code, font_css, Path(folder) / f"{stem}.html"),
            _write_page(without_code, font_css, Path(folder) / f"{stem}.share.html"))


def _html_body(nb: Any, *, include_code: bool) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,
        exclude_input=not include_code,
        exclude_input_prompt=not include_code,
        exclude_output_prompt=not include_code,
    )
    body, _ = exporter.from_notebook_node(nb)
    return make_offline(body)


# Table cells stay on one line and wide tables scroll sideways (pandas cuts long cells at max_colwidth): in a
# table of many columns the browser otherwise squeezes a title column to a character or two per line.
TABLE_CSS = ("<style>.jp-RenderedHTMLCommon table.dataframe td{white-space:nowrap}"
             ".jp-OutputArea-output{overflow-x:auto}</style>")


def _write_page(body: str, font_css: str, target: Path) -> Path:
    body = body.replace("</head>", font_css + TABLE_CSS + "</head>", 1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------- run


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the results."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Files notebooks write, by path relative to the output folder, with what changes when one is written.

    Figures and tables, and HTML pages in the output folder or one folder below it (``02_topics_viewer.html``),
    but not the runner's own pages (``html/``, ``index.html``).
    """
    paths = [path for sub in ("figures", "tables") if (folder / sub).is_dir() for path in (folder / sub).rglob("*")]
    paths += [path for pattern in ("*.html", "*/*.html") for path in folder.glob(pattern)
              if not _is_runner_page(path.relative_to(folder).as_posix())]
    files = {}
    for path in sorted(paths):
        if path.is_file():
            stat = path.stat()  # the inode changes on an atomic replace even within one mtime tick
            files[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return files


def _is_runner_page(name: str) -> bool:
    return name == "index.html" or name.startswith("html/")


def _is_page(name: str) -> bool:
    return name.endswith(".html") and not name.startswith(("figures/", "tables/"))


def _register_python_translator() -> None:
    """Make papermill read and write parameters cells the way the runner does.

    * Chinese strings in the injected parameters cell are written as Chinese, not ``\\uXXXX``.
    * papermill finds a notebook's parameters with :func:`parameter_specs`, not with its own line-by-line pattern,
      which misses annotations such as ``k: int | None = None`` (and lines with a second ``=`` in a comment) and
      then warns ``Passed unknown parameter: k`` although the value is applied.
    """
    from papermill.models import Parameter
    from papermill.translators import PythonTranslator, papermill_translators

    class RunnerPythonTranslator(PythonTranslator):
        @classmethod
        def translate_str(cls, val: str) -> str:
            # a JSON string literal is also a valid Python string literal
            return json.dumps(val, ensure_ascii=False)

        @classmethod
        def inspect(cls, parameters_cell: Any) -> list[Any]:
            try:
                specs = _specs_from_source(parameters_cell.source, where="the parameters cell")
            except RunnerError:
                return []  # papermill's contract: ignore what cannot be inspected
            return [Parameter(name=spec.name, inferred_type_name=str(spec.kind), default=repr(spec.default),
                              help=spec.expected()) for spec in specs.values()]

    papermill_translators.register("python", RunnerPythonTranslator)


def _describe_failure(err: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        first_line = next((line for line in err.source.splitlines() if line.strip()), "")
        return (
            f"cell {err.cell_index} (execution count {err.exec_count}, starting {first_line.strip()!r}) "
            f"raised {err.ename}: {err.evalue}"
        )
    return f"{type(err).__name__}: {err}"


def run_notebooks(
    *,
    notebooks_dir: str | os.PathLike[str] = "notebooks",
    params_file: str | os.PathLike[str] | None = None,
    cli_parameters: Sequence[Sequence[str]] = (),
    select: Sequence[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    html: bool = True,
    progress: bool = True,
    timeout: int | None = None,
) -> RunResult:
    """Execute notebooks with papermill, render HTML and write ``index.html``.

    Args:
        notebooks_dir: Folder of ``NN_name.ipynb`` notebooks.
        params_file: Parameter YAML (see the module docstring), or None.
        cli_parameters: ``(key, value)`` pairs from ``-p``; they override the YAML.
        select: Notebook numbers or names to run; None runs all.
        output_dir: Output folder (created); default: the parameters' ``output_dir``, else ``reports``.
        html: Render HTML pages.
        progress: Show progress (notebook lines and a per-cell bar).
        timeout: Per-cell timeout in seconds, None for no limit.

    Returns:
        A :class:`RunResult` with every selected notebook: a failing notebook does not stop the others;
        ``result.ok`` is False when any failed.

    Raises:
        RunnerError: For bad parameters, YAML, notebook selections or a missing or empty corpus (before anything
            runs).
    """
    notebooks_dir = Path(notebooks_dir)
    all_notebooks = find_notebooks(notebooks_dir)
    chosen = find_notebooks(notebooks_dir, select=select)
    global_parameters: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    if params_file is not None:
        global_parameters, sections = load_parameter_file(params_file)
    cli_global, cli_sections = parse_cli_parameters(cli_parameters)
    global_parameters.update(cli_global)
    for key, values in cli_sections.items():
        sections.setdefault(key, {}).update(values)
    if output_dir is None:
        output_dir = global_parameters.get("output_dir") or "reports"
    output_dir = Path(output_dir).resolve()
    global_parameters["output_dir"] = str(output_dir)
    plan = plan_parameters(
        chosen,
        all_notebooks=all_notebooks,
        global_parameters=global_parameters,
        sections=sections,
        output_dir=output_dir,
    )
    check_corpus_paths(plan, output_dir=output_dir)

    import papermill

    _register_python_translator()
    for sub in ("notebooks", "html", "figures", "tables"):
        (output_dir / sub).mkdir(parents=True, exist_ok=True)
    results: list[NotebookResult] = []
    started = _dt.datetime.now(_dt.timezone.utc)
    with current_python_kernel() as kernel_name:
        for number, (notebook, parameters) in enumerate(plan.items(), start=1):
            executed = output_dir / "notebooks" / notebook.name
            result = NotebookResult(name=notebook.stem, status="ok", parameters=parameters, executed=executed,
                                    defaults=notebook_parameters(notebook))
            if progress:
                print(f"[{number}/{len(plan)}] {notebook.stem} ...", file=sys.stderr, flush=True)
            before = _snapshot(output_dir)
            start = time.perf_counter()
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters=parameters,
                    kernel_name=kernel_name,
                    cwd=str(notebook.parent),
                    progress_bar=progress,
                    log_output=False,
                    execution_timeout=timeout,
                    kernel_manager_class=quiet_shutdown_kernel_manager(),
                )
            except Exception as err:  # noqa: BLE001 - any failure is reported with the notebook's name
                result.status = "failed"
                result.error = _describe_failure(err)
            result.seconds = time.perf_counter() - start
            written = sorted(name for name, stamp in _snapshot(output_dir).items() if before.get(name) != stamp)
            result.pages = [name for name in written if _is_page(name)]
            result.outputs = [name for name in written if not _is_page(name)]
            if executed.is_file():
                _save_reproducible(executed, notebook=notebook, output_dir=output_dir)
            if html and executed.is_file():
                result.html, result.share_html = render_notebook_pages(executed, output_dir / "html")
            results.append(result)
            if progress:
                state = "done" if result.status == "ok" else f"FAILED ({result.error})"
                print(f"    {state} in {result.seconds:.1f} s", file=sys.stderr, flush=True)
    shown_parameters = {name: _shown_path(name, notebooks_dir, value) for name, value in global_parameters.items()}
    index = write_index(output_dir, results, global_parameters=shown_parameters)
    run_log = write_run_log(output_dir, results, started=started)
    return RunResult(output_dir=output_dir, index=index, notebooks=results, run_log=run_log)


# --------------------------------------------------------------------------------------------- index


def _link(path: Path | None, base: Path, label: str) -> str:
    if path is None:
        return ""
    return f'<a href="{html.escape(path.relative_to(base).as_posix())}">{html.escape(label)}</a>'


def _font_note() -> str:
    try:
        from .plotting import font_in_use

        weight = font_in_use()
    except RuntimeError as err:
        weight = f"unavailable: {err}"
    return f"Noto Sans CJK SC, {weight}"


def write_index(
    output_dir: Path,
    results: Sequence[NotebookResult],
    *,
    global_parameters: Mapping[str, Any],
) -> Path:
    """Write ``index.html``: one row per notebook with links, outputs, parameters; library versions below.

    The page has no date and no run times (those are in ``run_log.json``), so a replication run writes the same
    bytes. ``global_parameters`` are shown as given: the runner passes paths as the notebooks receive them.
    """
    esc = html.escape
    rows = []
    for result in results:
        links = " · ".join(
            filter(
                None,
                [
                    _link(result.share_html, output_dir, "report"),
                    _link(result.html, output_dir, "with code"),
                    _link(result.executed if result.executed.is_file() else None, output_dir, "notebook"),
                ],
            )
        )
        links += "".join(f'<br><a href="{esc(name)}">{esc(name)}</a>' for name in result.pages)
        outputs = "<br>".join(
            f'<a href="{esc(name)}">{esc(name)}</a>' for name in result.outputs
        ) or "<em>none</em>"
        effective = {**result.defaults, **result.parameters}
        params = "<br>".join(
            f"<code>{'<b>' if k in result.parameters else ''}{esc(k)} = {esc(repr(v))}"
            f"{'</b>' if k in result.parameters else ''}</code>"
            for k, v in effective.items()
        )
        status = esc(result.status) if not result.error else f"{esc(result.status)}: {esc(result.error)}"
        rows.append(
            f"<tr class='{esc(result.status)}'><td><b>{esc(result.name)}</b><br>{links}</td><td>{status}</td>"
            f"<td>{outputs}</td><td>{params}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan='4'><em>No notebooks were found or selected.</em></td></tr>")
    versions = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in library_versions().items())
    versions += f"<tr><td>figure font</td><td>{esc(_font_note())}</td></tr>"
    globals_html = "".join(
        f"<tr><td><code>{esc(k)}</code></td><td><code>{esc(repr(v))}</code></td></tr>"
        for k, v in global_parameters.items()
    ) or "<tr><td colspan='2'><em>none</em></td></tr>"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>reportlab_analysis reports</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 2em; }}
td, th {{ border: 1px solid #ccc; padding: 0.4em 0.6em; vertical-align: top; text-align: left; }}
tr.failed td {{ background: #fde8e8; }}
code {{ font-size: 0.9em; }}
</style></head><body>
<h1>政府工作报告分析 · reportlab_analysis reports</h1>
<p>Generated by <code>reportlab-analysis run</code>. "report" opens the HTML without code for sharing;
"with code" shows every cell; other pages a notebook wrote are listed below its links. Figures are PNG and SVG,
tables UTF-8 CSV. When the run took place and how long each notebook took is in <a href="run_log.json">run_log.json</a>,
the one file that changes from run to run.</p>
<h2>Notebooks</h2>
<table><tr><th>Notebook</th><th>Status</th><th>Figures and tables written</th>
<th>Parameters used (<b>bold</b>: passed by the runner; others: the notebook's defaults)</th></tr>
{"".join(rows)}
</table>
<h2>Run parameters</h2>
<p>Paths inside the project are relative to the notebooks folder, as the notebooks receive them.</p>
<table><tr><th>Parameter</th><th>Value</th></tr>{globals_html}</table>
<h2>Software</h2>
<table><tr><th>Library</th><th>Version</th></tr>{versions}</table>
</body></html>
"""
    page = page.replace("</head>", cjk_webfont_css(page) + "</head>", 1)
    index = output_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def write_run_log(output_dir: Path, results: Sequence[NotebookResult], *, started: _dt.datetime) -> Path:
    """Write ``run_log.json``: when the run started and finished (UTC) and each notebook's status and wall time.

    This is the one output file that changes from run to run; ``index.html`` links to it.
    """
    finished = _dt.datetime.now(_dt.timezone.utc)
    log = {
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "notebooks": [{"name": nb.name, "status": nb.status, "seconds": round(nb.seconds, 1)} for nb in results],
    }
    path = output_dir / "run_log.json"
    path.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def remove_outputs(output_dir: str | os.PathLike[str]) -> None:
    """Delete the runner's output folders (notebooks, html, figures, tables), index.html and run_log.json."""
    root = Path(output_dir)
    for sub in ("notebooks", "html", "figures", "tables"):
        shutil.rmtree(root / sub, ignore_errors=True)
    (root / "index.html").unlink(missing_ok=True)
    (root / "run_log.json").unlink(missing_ok=True)
