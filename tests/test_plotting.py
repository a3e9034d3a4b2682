"""Figures: CJK font from the pip package, no missing glyphs, byte-identical PNG/SVG; overview tables."""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager

from reportlab_analysis import plotting
from reportlab_analysis.outputs import save_figure, save_table


@pytest.fixture(scope="module", autouse=True)
def _plotting():
    return plotting.setup_plotting()


def _png_text_chunks(data: bytes) -> dict[str, str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind in (b"zTXt", b"iTXt", b"tIME"):
            chunks[kind.decode()] = "present"
        pos += 12 + length
    return chunks


def test_font_comes_from_the_pip_package_and_is_found_by_matplotlib(_plotting):
    info = _plotting
    assert info.family == "Noto Sans CJK SC"
    assert info.path.is_file() and info.weight in {"thin", "regular"}
    assert "site-packages" in str(plotting.cjk_font_path()) or "manimgx_fonts_cjk" in str(plotting.cjk_font_path())
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert Path(found) == info.path
    # bold text resolves to the same face instead of a fallback font without Chinese
    bold = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"], weight="bold"))
    assert Path(bold) == info.path


def test_every_character_of_the_seed_reports_has_a_glyph(seed_corpus, tmp_path):
    """Draw every distinct character of the five seed reports; any 'Glyph ... missing' warning fails."""
    text = "".join(seed_corpus.reports["text"]) + "".join(seed_corpus.reports["title"].dropna())
    characters = sorted({ch for ch in text if not ch.isspace() and ord(ch) >= 0x80})
    assert len(characters) > 1500  # real reports use a couple of thousand distinct characters
    lines = ["".join(characters[i : i + 80]) for i in range(0, len(characters), 80)]
    fig, ax = plt.subplots(figsize=(12, 0.25 * len(lines) + 1))
    for row, line in enumerate(lines):
        ax.text(0, row, line, fontsize=6)
        ax.text(0, row + 0.5, line, fontsize=6, fontweight="bold")
    ax.set_ylim(-1, len(lines) + 1)
    ax.set_title("政府工作报告 —（“十四五”）规划 · 负数 −3.5%")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = save_figure(fig, "all_glyphs", output_dir=tmp_path)
    plt.close(fig)
    assert [p.suffix for p in paths] == [".png", ".svg"]


def _sample_figure():
    fig, ax = plt.subplots()
    ax.bar(["南岗区", "松北区", "沙河口区"], [13429, 12943, 12467])
    ax.set_title("报告长度（字）")
    return fig


def test_figures_are_byte_identical_and_carry_no_date_or_version(tmp_path):
    first = save_figure(_sample_figure(), "lengths", output_dir=tmp_path / "a")
    second = save_figure(_sample_figure(), "lengths", output_dir=tmp_path / "b")
    plt.close("all")
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes(), one.name
    png = first[0].read_bytes()
    chunks = _png_text_chunks(png)
    assert "Software" not in chunks and "tIME" not in chunks, chunks
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert "<text" not in svg  # glyphs are paths: the SVG renders without the font installed
    assert first[0].parent == tmp_path / "a" / "figures"
    assert not list((tmp_path / "a" / "figures").glob(".*tmp"))  # atomic writes leave no temporary files


def test_png_is_actually_drawn_with_cjk_glyphs(tmp_path):
    """A title in Chinese must change the pixels in the title area (tofu boxes would, too, so compare two
    different strings: distinct glyphs give distinct images)."""
    images = []
    for title in ("政府", "报告"):
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_axis_off()
        ax.set_title(title, fontsize=20)
        png = save_figure(fig, f"t{len(images)}", output_dir=tmp_path, formats=["png"])[0]
        plt.close(fig)
        images.append(plt.imread(png))
    assert images[0].shape == images[1].shape
    assert (abs(images[0] - images[1]) > 0.1).sum() > 50


def test_save_figure_and_save_table_reject_bad_input(tmp_path):
    fig = _sample_figure()
    with pytest.raises(ValueError, match="save_figure: name"):
        save_figure(fig, "../escape", output_dir=tmp_path)
    with pytest.raises(ValueError, match="formats"):
        save_figure(fig, "ok", output_dir=tmp_path, formats=["gif"])
    with pytest.raises(TypeError, match="Figure"):
        save_figure("not a figure", "ok", output_dir=tmp_path)
    plt.close(fig)
    with pytest.raises(TypeError, match="DataFrame"):
        save_table([1, 2], "ok", output_dir=tmp_path)
    with pytest.raises(ValueError, match="save_table: name"):
        save_table(pd.DataFrame({"a": [1]}), "a/b", output_dir=tmp_path)


def test_save_table_round_trips_chinese_and_is_stable(tmp_path):
    df = pd.DataFrame({"地区": ["南岗区", "松北区"], "年份": [2018, 2021], "份额": [0.1, 1 / 3]})
    path = save_table(df, "t", output_dir=tmp_path)
    assert path == tmp_path / "tables" / "t.csv"
    raw = path.read_bytes()
    assert b"\r\n" not in raw and raw.startswith("地区,年份,份额\n".encode())
    pd.testing.assert_frame_equal(pd.read_csv(path), df)
    assert save_table(df, "t", output_dir=tmp_path).read_bytes() == raw


@pytest.mark.parametrize("module", ["reportlab_analysis.plotting", "reportlab_analysis.outputs", "reportlab_analysis.overview"])
def test_docstring_examples_run(module, tmp_path, monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_figures_are_set_in_a_regular_weight_and_rare_characters_fall_back(_plotting):
    from fontTools.ttLib import TTFont

    info = _plotting
    assert info.weight == "regular"  # the common-character Regular font is built on first use
    font = TTFont(str(info.path))
    assert font["OS/2"].usWeightClass == 400 and "fvar" not in font  # a static instance, not the variable font
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "政府工作报告南岗区−％（）")
    if info.fallback is not None:  # the common-character font: 鄠 (鄠邑区) is outside GB 2312
        assert ord("鄠") not in cmap and ord("鄠") in TTFont(str(info.fallback), fontNumber=2).getBestCmap()
    fig, ax = plt.subplots()
    ax.set_title("西安市鄠邑区 犇 埇桥区 −3.5%")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns
        fig.canvas.draw()
        fig.savefig(io.BytesIO(), format="svg")
    plt.close(fig)


def test_an_unwritable_font_cache_falls_back_to_thin_with_a_note(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("REPORTLAB_ANALYSIS_CACHE", str(blocker))
    # register into a copy of matplotlib's font list, so that later figures are not affected
    monkeypatch.setattr(font_manager.fontManager, "ttflist", list(font_manager.fontManager.ttflist))
    info = plotting.register_cjk_font()
    font_manager.fontManager._findfont_cached.cache_clear()
    assert info.weight == "thin" and info.path == plotting.cjk_font_path()
    assert "could not be cached" in info.note and "reportlab-analysis fonts" in info.note
