"""Figures that render Chinese everywhere and come out byte-identical on every run.

The CJK font is Noto Sans CJK SC from the pip package ``manimgx-fonts-cjk`` (SIL Open Font Licence, so it may
be redistributed, unlike SimHei). It is registered with matplotlib's font manager at run time; nothing in
site-packages or the user's font folders is changed.

The package ships one *variable* font whose default instance is weight 100 (Thin), and matplotlib can only
use a variable font's default instance, which is hard to read in a figure. So the first :func:`setup_plotting`
on a machine writes a static Regular (weight 400) instance of the characters in common use (GB 2312: 6,763
hanzi and the symbols, plus ASCII and punctuation) into a user cache folder: about half a minute with
``fontTools``, once, written atomically (:func:`build_common_regular_font`). Figures are set in it, and a rarer
character (鄠, 犇) falls back to the variable font, in Thin. ``reportlab-analysis fonts`` builds the Regular
instance of every character instead (about ten minutes, :func:`build_regular_font`), used from then on. If the
cache folder cannot be written, figures fall back to Thin with a note, so they always render (the runner records
which font was used in ``index.html``).

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
FALLBACK_FAMILY = "Noto Sans CJK SC Variable"
"""The family of the variable font, for characters the common-character Regular font does not have."""

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
        weight: ``"regular"`` for a cached static instance, ``"thin"`` for the variable font's default.
        note: Human-readable remark (e.g. how to get the regular weight), or ``""``.
        fallback: the font drawing the characters ``path`` lacks (the variable font), or None.
    """

    family: str
    path: Path
    weight: str
    note: str = ""
    fallback: Path | None = None


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


def common_regular_font_path() -> Path:
    """Where the cached Regular instance of the characters in common use lives (it may not exist yet)."""
    return font_cache_dir() / f"NotoSansCJKsc-Regular-GB2312-v2-{_source_fingerprint(cjk_font_path())}.otf"


def _common_characters() -> set[int]:
    """Code points of the common-character font: every character of GB 2312 (hanzi, kana, Greek, Cyrillic,
    full-width forms, symbols), printable ASCII and Latin-1, general punctuation and CJK punctuation."""
    characters = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x2000, 0x2070))
    characters |= set(range(0x2100, 0x2300))  # letterlike symbols, arrows, math operators (− U+2212, ×, ≤)
    characters |= set(range(0x2460, 0x2500)) | set(range(0x25A0, 0x2600))  # ①, ■ ● △
    characters |= set(range(0x3000, 0x3040)) | set(range(0x3200, 0x3300)) | set(range(0xFF00, 0xFFF0))
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes((lead, trail)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return characters


def build_common_regular_font(*, force: bool = False) -> Path:
    """Write a static Regular (weight 400) instance of the characters in common use into the cache folder.

    About half a minute on one core (7,700 glyphs instead of 65,000), once per machine; written to a
    temporary name and renamed, so an interrupted build never leaves a broken font.

    Example:
        >>> build_common_regular_font()  # doctest: +SKIP
        PosixPath('/home/me/.cache/reportlab_analysis/fonts/NotoSansCJKsc-Regular-GB2312-….otf')
    """
    target = common_regular_font_path()
    if target.is_file() and not force:
        return target

    def keep_common(font):
        # matplotlib does no shaping: no alternate glyphs needed
        _subset(font, _common_characters(), layout_features=[], name_ids=["*"])

    return _write_static_instance(target, before=keep_common)


def _subset(font, unicodes, *, layout_features: list[str], name_ids: list[str] | None = None) -> None:
    """Keep only the glyphs of ``unicodes`` in ``font`` (fontTools), with a visible .notdef box."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = layout_features
    if name_ids is not None:
        options.name_IDs = name_ids
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _write_static_instance(target: Path, *, before=None) -> Path:
    """Instantiate the SC face at Regular weight (after ``before(font)``, if given) and save it atomically."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(cjk_font_path()), fontNumber=_SC_FACE_INDEX, recalcTimestamp=False)
    if before is not None:
        before(font)
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
    target = regular_font_path()
    if target.is_file() and not force:
        return target
    return _write_static_instance(target)


def register_cjk_font(*, prefer_regular: bool = True) -> FontInfo:
    """Register Noto Sans CJK SC with matplotlib (idempotent) and say which weight is in use.

    Args:
        prefer_regular: Use the cached static Regular instance when it exists.

    Returns:
        A :class:`FontInfo`.
    """
    from matplotlib import font_manager, ft2font

    def register(path: Path, face_index: int, family: str = FONT_FAMILY) -> None:
        # One face, entered at every weight: it is the only weight matplotlib can draw from the file, and
        # this keeps findfont from logging a fallback for every bold or light text.
        if any(entry.fname == str(path) and entry.name == family for entry in font_manager.fontManager.ttflist):
            return
        face = ft2font.FT2Font(str(path), face_index=face_index)
        entry = font_manager.ttfFontProperty(face)
        for weight in range(100, 1000, 100):
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=family, weight=weight))
        font_manager.fontManager._findfont_cached.cache_clear()

    variable = cjk_font_path()
    regular = regular_font_path()
    if prefer_regular and regular.is_file():
        register(regular, 0)
        return FontInfo(family=FONT_FAMILY, path=regular, weight="regular")
    if prefer_regular:
        try:
            common = build_common_regular_font()
        except (OSError, ValueError, RuntimeError) as error:  # an unwritable cache: Thin still renders
            reason = f"the Regular font could not be cached ({error})"
        else:
            register(common, 0)
            register(variable, _SC_FACE_INDEX, FALLBACK_FAMILY)
            note = ("Figures use a Regular weight of the characters in common use (GB 2312); rarer characters "
                    "are drawn in Thin. `reportlab-analysis fonts` caches a Regular weight of every character "
                    "(about ten minutes, once).")
            return FontInfo(family=FONT_FAMILY, path=common, weight="regular", note=note, fallback=variable)
    else:
        reason = "the Regular font was not asked for"
    register(variable, _SC_FACE_INDEX)
    note = (f"Figures use the Thin default weight of the variable Noto Sans CJK font: {reason}; run "
            "`reportlab-analysis fonts` once (about ten minutes) to cache a Regular weight.")
    return FontInfo(family=FONT_FAMILY, path=variable, weight="thin", note=note)


def font_in_use() -> str:
    """Which weight figures are set in on this machine, in words, from the cached fonts (nothing is built); the
    same order as :func:`register_cjk_font`: full Regular, Regular for GB 2312 characters, else Thin.

    Example:
        >>> font_in_use().startswith(("Regular", "Thin"))
        True
    """
    if regular_font_path().is_file():
        return "Regular (cached static instance)"
    if common_regular_font_path().is_file():
        return "Regular for the characters of GB 2312 (cached static instance), Thin for rarer ones"
    return "Thin (variable default)"


def setup_plotting(*, prefer_regular: bool = True, dpi: int = 150, style: str = "default") -> FontInfo:
    """Configure matplotlib for the project's figures: CJK font, Agg-safe, deterministic SVG/PNG.

    Call it once at the top of a notebook or script, before making figures.

    Args:
        prefer_regular: Use a Regular font weight: the full one when cached (:func:`build_regular_font`), else
            the common-character one, built on first use (:func:`build_common_regular_font`).
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
            # Named families, not the "sans-serif" alias, so that matplotlib falls back glyph by glyph: a character
            # missing from the common-character font is drawn from the variable one.
            "font.family": [info.family, *([FALLBACK_FAMILY] if info.fallback else []), "sans-serif"],
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


WEBFONT_FAMILY = "RA Noto Sans CJK SC"
"""CSS family name of the CJK font subset embedded in every HTML page."""


def cjk_webfont_css(text: str) -> str:
    """A ``<style>`` block embedding Noto Sans CJK SC, subset to the CJK characters of ``text``.

    Readers without a Chinese system font (many Linux machines, headless browsers) then still see Chinese,
    not boxes. Only the characters the page uses are kept, so the font adds tens of kilobytes, not 30 MB. The
    subset keeps the weight axis, so bold headings render bold. Empty string when ``text`` has no CJK characters.

    Example:
        >>> "@font-face" in cjk_webfont_css("政府工作报告")
        True
    """
    import base64
    import io

    from fontTools.ttLib import TTFont

    characters = sorted({ch for ch in text if ord(ch) >= 0x2E80})
    if not characters:
        return ""
    font = TTFont(str(cjk_font_path()), fontNumber=_SC_FACE_INDEX, recalcTimestamp=False)
    _subset(font, [ord(ch) for ch in characters], layout_features=["*"])
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    family = WEBFONT_FAMILY
    css = (
        "<style>\n"
        f'@font-face {{ font-family: "{family}"; font-weight: 100 900; font-style: normal;\n'
        f'  src: url(data:font/otf;base64,{data}) format("opentype"); }}\n'
        ":root {\n"
        f'  --jp-content-font-family: "{family}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;\n'
        f'  --jp-ui-font-family: "{family}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;\n'
        f'  --jp-code-font-family: Menlo, Consolas, "DejaVu Sans Mono", "{family}", monospace;\n'
        "}\n"
        f'body {{ font-family: var(--jp-content-font-family); }}\n'
        f'pre, code {{ font-family: var(--jp-code-font-family); }}\n'
        "</style>\n"
    )
    return css
