"""The ``reportlab-analysis`` command (also ``python -m reportlab_analysis``).

Subcommands:
    run         execute the notebooks with papermill and render HTML into reports/
    notebooks   list the notebooks and the parameters each declares
    lab         open JupyterLab on the notebooks, kernels with PYTHONHASHSEED=0 and this package importable
    fonts       cache a Regular-weight CJK font of every character for figures (one-off, about ten minutes)

Example:
    $ reportlab-analysis run --params params/default.yaml -p 02.k 8 --notebooks 01 02
    $ reportlab-analysis run --params params/national.yaml --output-dir reports/national
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_PARAMS = Path("params") / "default.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportlab-analysis",
        description="Analyse Chinese government work reports: run the notebooks and render shareable HTML.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="execute notebooks with papermill and render HTML",
        description=(
            "Execute the notebooks in --notebooks-dir with papermill (kernel: this Python, PYTHONHASHSEED=0), "
            "write executed notebooks, HTML, figures and tables to --output-dir and an index.html linking them. "
            "A rerun writes the same bytes, except run_log.json (when it ran, how long each notebook took)."
        ),
    )
    run.add_argument(
        "--params",
        metavar="YAML",
        help=f"parameter file (default: the project's {DEFAULT_PARAMS} if it exists; 'none' for no file)",
    )
    run.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="override a parameter (VALUE is read as YAML, checked against the notebook's default); KEY may be "
        "NN.name for one notebook, e.g. -p 02.k 8",
    )
    run.add_argument("--notebooks", nargs="+", metavar="NN", help="run only these notebooks (numbers or names)")
    run.add_argument("--output-dir", metavar="DIR", help="output folder (default: the parameter file's output_dir, "
                     "the project's reports/); a folder outside the project is passed to the notebooks, and shown in "
                     "the pages with code, as an absolute path")
    run.add_argument("--notebooks-dir", metavar="DIR", help="notebook folder (default: notebooks/ of the project: the "
                     "current folder if it has one, else the checkout this package is installed from)")
    run.add_argument("--no-html", action="store_true", help="skip HTML rendering")
    run.add_argument("--timeout", type=int, metavar="SECONDS", help="per-cell timeout (default: none)")
    run.add_argument("--quiet", action="store_true", help="no progress output")

    listing = commands.add_parser("notebooks", help="list notebooks and their parameters")
    listing.add_argument("--notebooks-dir", metavar="DIR")

    lab = commands.add_parser("lab", help="open JupyterLab on the notebooks (PYTHONHASHSEED=0, package importable)")
    lab.add_argument("--notebooks-dir", metavar="DIR")
    lab.epilog = "Any further options are passed to jupyter lab, e.g. --no-browser --port 8899."

    fonts = commands.add_parser("fonts", help="cache a Regular-weight CJK font of every character for figures "
                                              "(about ten minutes, once; common characters are cached on first use)")
    fonts.add_argument("--force", action="store_true", help="rebuild even if cached")
    return parser


def project_folder() -> Path | None:
    """The project the commands work on: the current folder if its ``notebooks/`` holds numbered notebooks
    (``01_name.ipynb``), else the source checkout this package was installed from (``pip install -e .``), else None.
    Outputs go where that project's parameter file says (``../reports``: the project's ``reports/``) unless
    ``--output-dir`` says otherwise.

    Example:
        >>> (project_folder() / "notebooks").is_dir()  # doctest: +SKIP
        True
    """
    from .runner import NOTEBOOK_PATTERN

    def has_notebooks(folder: Path) -> bool:  # NN_name.ipynb, as the runner finds them
        return any(NOTEBOOK_PATTERN.match(path.name) for path in (folder / "notebooks").glob("*.ipynb"))

    here = Path.cwd()
    if has_notebooks(here):
        return here
    checkout = Path(__file__).resolve().parent.parent
    if has_notebooks(checkout) and (checkout / "pyproject.toml").is_file():
        return checkout
    return None


def _notebooks_dir(args: argparse.Namespace) -> Path:
    """``--notebooks-dir`` as given, else the project's ``notebooks/``."""
    from .runner import RunnerError

    if args.notebooks_dir is not None:
        return Path(args.notebooks_dir)
    project = project_folder()
    if project is None:
        raise RunnerError(f"no notebooks folder here ({Path.cwd()}) nor in an installed checkout: run the command in "
                          "the project folder (the one with notebooks/ and params/) or give --notebooks-dir DIR")
    return project / "notebooks"


def _run(args: argparse.Namespace) -> int:
    from .runner import run_notebooks

    args.notebooks_dir = _notebooks_dir(args)
    params: str | None
    if args.params is None:
        default = args.notebooks_dir.parent / DEFAULT_PARAMS  # the project's params/default.yaml
        params = str(default) if default.is_file() else None
    elif args.params.lower() == "none":
        params = None
    else:
        params = args.params
    result = run_notebooks(
        notebooks_dir=args.notebooks_dir,
        params_file=params,
        cli_parameters=args.param,
        select=args.notebooks,
        output_dir=args.output_dir,
        html=not args.no_html,
        progress=not args.quiet,
        timeout=args.timeout,
    )
    if not result.notebooks:
        print(f"No notebooks to run in {str(args.notebooks_dir)!r}; wrote {result.index}", file=sys.stderr)
    failed = [notebook for notebook in result.notebooks if notebook.status != "ok"]
    for notebook in failed:
        print(
            f"error: notebook {notebook.name} failed in {notebook.error}\n"
            f"       the partly executed notebook is kept at {notebook.executed}"
            + (f"\n       and rendered at {notebook.html}" if notebook.html else ""),
            file=sys.stderr,
        )
    if failed:
        print(f"{len(failed)} of {len(result.notebooks)} notebooks failed ({', '.join(nb.name for nb in failed)}); "
              f"the others ran: open {result.index}", file=sys.stderr)
        return 1
    print(f"Done: open {result.index}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from .runner import find_notebooks, parameter_specs

    for notebook in find_notebooks(_notebooks_dir(args)):
        print(notebook.stem)
        for name, spec in parameter_specs(notebook).items():
            print(f"    {name} = {spec.default!r}    ({spec.expected()})")
    return 0


def _lab(args: argparse.Namespace) -> int:
    import os

    from .runner import RunnerError, _kernel_pythonpath

    folder = _notebooks_dir(args)
    if not folder.is_dir():
        raise RunnerError(f"notebooks folder {str(folder)!r} does not exist")
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": _kernel_pythonpath()}
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={folder}", *args.lab_args]
    os.execvpe(command[0], command, env)
    return 0  # not reached


def _fonts(args: argparse.Namespace) -> int:
    from .plotting import build_regular_font, regular_font_path

    if regular_font_path().is_file() and not args.force:
        print(f"Regular CJK font already cached: {regular_font_path()}")
        return 0
    print("Building a static Regular instance of Noto Sans CJK SC (about ten minutes, once)...", file=sys.stderr)
    print(f"Cached: {build_regular_font(force=args.force)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reportlab-analysis`` command; returns the exit status.

    Example:
        >>> main(["notebooks", "--notebooks-dir", "notebooks"])  # doctest: +SKIP
        0
    """
    from .runner import RunnerError

    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.lab_args = extra
    if args.command is None:
        parser.print_help()
        return 2
    handlers = {"run": _run, "notebooks": _list, "lab": _lab, "fonts": _fonts}
    try:
        return handlers[args.command](args)
    except RunnerError as err:
        print(f"reportlab-analysis {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
