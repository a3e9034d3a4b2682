"""Figures that render Chinese everywhere and come out byte-identical on every run.

The CJK font is Noto Sans CJK SC from the pip package ``manimgx-fonts-cjk`` (SIL Open Font Licence, so it may
be redistributed, unlike SimHei). It is registered with matplotlib's font manager at run time; nothing in
site-packages or the user's font folders is changed.

The package ships one *variable* font whose default instance is weight 100 (Thin), and matplotlib can only
use a variable font's default instance, which is hard to read in a figure. :func:`build_regular_font` writes a
static Regular (weight 400) instance of the Simplified Chinese face into a user cache folder (a one-off job of
about ten minutes with ``fontTools``, written atomically). :func:`setup_plotting` uses it when it is there and
otherwise falls back to the Thin default with a note, so figures always render; build the font once with
``reportlab-analysis fonts`` for nicer figures (the runner records which font was used in ``index.html``).

Example:
    >>> from reportlab_analysis.plotting import setup_plotting
    >>> info = setup_plotting()
    >>> info.family
    'Noto Sans CJK SC'
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

import matplotlib

FONT_FAMILY = "Noto Sans CJK SC"
"""The family name every figure is set in."""

_FONT_PACKAGE = "manimgx_fonts_cjk"
_FONT_FILE = "NotoSansCJK-VF.otf.ttc"
_SC_FACE_INDEX = 2  # faces in the collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
_REGULAR_WEIGHT = 400
_SVG_HASHSALT = "reportlab_analysis"


@dataclasses.dataclass(frozen=True)
class FontInfo:
    """Which font :func:`setup_plotting` registered.

    Attributes:
        family: Font family name used in rcParams.
        path: The font file registered with matplotlib.
        weight: ``"regular"`` for the cached static instance, ``"thin"`` for the variable font's default.
        note: Human-readable remark (e.g. how to get the regular weight), or ``""``.
    """

    family: str
    path: Path
    weight: str
    note: str = ""


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK variable font collection shipped by ``manimgx-fonts-cjk``.

    Raises:
        RuntimeError: If the package or its font file is not installed.

    Example:
        >>> cjk_font_path().name
        'NotoSansCJK-VF.otf.ttc'
    """
    try:
        path = Path(str(resources.files(_FONT_PACKAGE).joinpath(_FONT_FILE)))
    except ModuleNotFoundError as err:
        raise RuntimeError(
            "The CJK font package 'manimgx-fonts-cjk' is not installed; run `pip install manimgx-fonts-cjk` "
            "(it is a dependency of reportlab_analysis)."
        ) from err
    if not path.is_file():
        raise RuntimeError(f"The CJK font file {path} is missing; reinstall 'manimgx-fonts-cjk'.")
    return path


def font_cache_dir() -> Path:
    """Folder where the static Regular font instance is cached.

    ``$REPORTLAB_ANALYSIS_CACHE/fonts`` if that variable is set, else ``$XDG_CACHE_HOME/reportlab_analysis/fonts``
    (``~/.cache/reportlab_analysis/fonts`` by default).
    """
    root = os.environ.get("REPORTLAB_ANALYSIS_CACHE")
    if root:
        return Path(root) / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "reportlab_analysis" / "fonts"


def _source_fingerprint(path: Path) -> str:
    stat = path.stat()
    key = f"{stat.st_size}:{_SC_FACE_INDEX}:{_REGULAR_WEIGHT}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def regular_font_path() -> Path:
    """Where the cached static Regular instance lives (it may not exist yet)."""
    source = cjk_font_path()
    return font_cache_dir() / f"NotoSansCJKsc-Regular-{_source_fingerprint(source)}.otf"


def build_regular_font(*, force: bool = False) -> Path:
    """Write a static Regular (weight 400) instance of Noto Sans CJK SC into the cache folder.

    Slow (about ten minutes on one core: fontTools instantiates every CFF2 glyph), done once per machine.
    The file is written to a temporary name and renamed, so an interrupted build never leaves a broken font.

    Args:
        force: Rebuild even if the cached file exists.

    Returns:
        Path of the static font.

    Example:
        >>> build_regular_font()  # doctest: +SKIP
        PosixPath('/home/me/.cache/reportlab_analysis/fonts/NotoSansCJKsc-Regular-….otf')
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target = regular_font_path()
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(cjk_font_path()), fontNumber=_SC_FACE_INDEX)
    static = instancer.instantiateVariableFont(font, {"wght": _REGULAR_WEIGHT}, updateFontNames=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".otf.tmp")
    os.close(fd)
    try:
        static.save(tmp_name)
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def _registered_paths() -> set[str]:
    from matplotlib import font_manager

    return {entry.fname for entry in font_manager.fontManager.ttflist}


def register_cjk_font(*, prefer_regular: bool = True) -> FontInfo:
    """Register Noto Sans CJK SC with matplotlib (idempotent) and say which weight is in use.

    Args:
        prefer_regular: Use the cached static Regular instance when it exists.

    Returns:
        A :class:`FontInfo`.
    """
    from matplotlib import font_manager, ft2font

    def register(path: Path, face_index: int) -> None:
        # One face, entered at every weight: it is the only weight matplotlib can draw from the file, and
        # this keeps findfont from logging a fallback for every bold or light text.
        if str(path) in _registered_paths():
            return
        face = ft2font.FT2Font(str(path), face_index=face_index)
        entry = font_manager.ttfFontProperty(face)
        for weight in range(100, 1000, 100):
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=FONT_FAMILY, weight=weight))
        font_manager.fontManager._findfont_cached.cache_clear()

    regular = regular_font_path()
    if prefer_regular and regular.is_file():
        register(regular, 0)
        return FontInfo(family=FONT_FAMILY, path=regular, weight="regular")
    variable = cjk_font_path()
    register(variable, _SC_FACE_INDEX)
    note = (
        "Figures use the Thin default weight of the variable Noto Sans CJK font; run `reportlab-analysis fonts` "
        "once (about ten minutes) to cache a Regular weight."
    )
    return FontInfo(family=FONT_FAMILY, path=variable, weight="thin", note=note)


def setup_plotting(*, prefer_regular: bool = True, dpi: int = 150, style: str = "default") -> FontInfo:
    """Configure matplotlib for the project's figures: CJK font, Agg-safe, deterministic SVG/PNG.

    Call it once at the top of a notebook or script, before making figures.

    Args:
        prefer_regular: Use the cached Regular font weight when available (see :func:`build_regular_font`).
        dpi: Resolution of saved PNG files.
        style: A matplotlib style applied first (``"default"`` resets earlier changes).

    Returns:
        A :class:`FontInfo` describing the font in use.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> _ = setup_plotting()
        >>> fig, ax = plt.subplots()
        >>> _ = ax.set_title("政府工作报告")
        >>> plt.close(fig)
    """
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"setup_plotting: dpi must be a positive integer, got {dpi!r}")
    import matplotlib.pyplot as plt

    plt.style.use(style)
    info = register_cjk_font(prefer_regular=prefer_regular)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [info.family, "DejaVu Sans"],
            "axes.unicode_minus": False,  # the ASCII hyphen-minus is certain to be in every font
            "svg.hashsalt": _SVG_HASHSALT,  # stable element ids in SVG
            "svg.fonttype": "path",  # glyphs as paths: the SVG needs no installed font to render
            "savefig.dpi": dpi,
            "figure.dpi": 100,
            "figure.figsize": (8.0, 4.5),
            "figure.constrained_layout.use": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "pdf.fonttype": 42,
        }
    )
    return info
