"""The text of Word (``.docx``) and PDF report files, for :func:`reportlab_analysis.reading.read_documents`.

A ``.docx`` file is read with python-docx: paragraphs, table rows (cells joined by a tab) and text boxes in
document order; headers and footers are left out. A PDF is read from its text layer with pdfminer.six: the lines
of each page in reading order (column by column on a page set in two columns), without page numbers and running
headers or footers, re-joined into paragraphs by indentation (first-line or hanging), short lines and heading
numbers. A scanned PDF has no text layer and is refused with a :class:`~reportlab_analysis.reading.ReadError`.

Example:
    >>> from reportlab_analysis.documents import docx_to_text, pdf_to_text
    >>> pdf_to_text(open("report.pdf", "rb").read())[:6]         # doctest: +SKIP
    '政府工作报告'
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .reading import ReadError, _binary_signature

__all__ = ["DOCUMENT_READERS", "docx_to_text", "pdf_to_text"]


def docx_to_text(data: bytes, *, source: str | Path = "<bytes>") -> str:
    """The text of a Word ``.docx`` file: one line per paragraph, and one per table row (cells joined by a tab),
    in document order (python-docx). The paragraphs of a text box (a sidebar such as ``专栏1 …``) follow the
    paragraph it is anchored in; headers and footers are left out.

    Raises:
        ReadError: the bytes are not a readable .docx file (an old .doc renamed, a damaged archive), or it holds
            no text.

    Example:
        >>> import io, docx
        >>> document = docx.Document(); _ = document.add_paragraph("政府工作报告")
        >>> buffer = io.BytesIO(); document.save(buffer)
        >>> docx_to_text(buffer.getvalue())
        '政府工作报告'
    """
    import docx
    from docx.table import Table

    if not data:
        raise ReadError(source, "file is empty")
    if not data.startswith(b"PK"):
        kind = _binary_signature(data)
        raise ReadError(source, f"not a .docx file (it looks like {kind or 'something else'}); save it as .docx or .txt")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zipfile, lxml and python-docx each raise their own errors
        raise ReadError(source, f"not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
        else:
            lines.append(block.text)
        lines.extend(_docx_text_box_lines(block._element))
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(source, "the .docx file holds no text")
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# a text box inside these is read elsewhere (a box in a box) or is a copy (the VML fallback of a DrawingML shape)
_NOT_AGAIN = (f"{_W}txbxContent", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")


def _docx_table_lines(table: object) -> list[str]:
    """One line per row of a python-docx table, its non-empty cells joined by a tab."""
    lines = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells = [cell.text.strip() for cell in row.cells]
        lines.append("\t".join(dict.fromkeys(c for c in cells if c)))  # merged cells repeat their text
    return lines


def _docx_text_box_lines(element: object) -> list[str]:
    """The lines of the text boxes (``w:txbxContent``, VML or DrawingML) inside a paragraph or table element, in
    document order; python-docx does not see them. The VML fallback copy Word saves beside a DrawingML shape is
    skipped, and a box inside a box is read with its outer box."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for box in element.iter(f"{_W}txbxContent"):  # type: ignore[attr-defined]
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not element and ancestor.tag not in _NOT_AGAIN:
            ancestor = ancestor.getparent()
        if ancestor is not None and ancestor is not element:
            continue  # a fallback copy, or a box nested in another box
        for child in box:
            if child.tag == f"{_W}p":
                lines.append(Paragraph(child, None).text)
            elif child.tag == f"{_W}tbl":
                lines.extend(_docx_table_lines(Table(child, None)))
            else:
                continue
            lines.extend(_docx_text_box_lines(child))
    return lines


_PAGE_NUMBER = re.compile(r"^[\s\-—–－·]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?[\s\-—–－·]*$")
_PARAGRAPH_END = "。！？!?；;：:”’」』）)"
_SENTENCE_END = "。！？!?；;"
_NUMBERED_START = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}[部章节])")

#: A glyph of a PDF line: left and right edge and text; pdfminer's inserted spaces have no edges (None).
_Glyph = tuple["float | None", "float | None", str]


@dataclass
class _PdfLine:
    page: int
    x0: float
    x1: float
    y0: float
    text: str
    spaced: bool = False  # the line ended with a space (a word break in Latin text)
    column: int = 0  # 1 or 2: left or right column of a two-column page; 0: a page's only column, or across both
    size: float = 0.0  # the line's height
    glyphs: tuple[_Glyph, ...] = field(default=(), repr=False)


def pdf_to_text(data: bytes, *, source: str | Path = "<bytes>") -> str:
    """The text of a PDF with a text layer (pdfminer.six), one line per paragraph.

    A page set in two columns is read column by column, left first (lines across both columns, such as a title,
    in their place between them). PDF stores lines, not paragraphs, so lines are joined back into paragraphs: a
    line starts a new paragraph when it is indented from the left margin of its column, when the line before it
    stops short of the right margin (the end of a paragraph, or a heading), or when the line before it ends a
    sentence and it opens with a heading number (一、, （二）, 第三部分; not the inline (55) or 1. of a list).
    Paragraphs set with a hanging indent (the first line out at the margin, the others indented) are recognised
    too. Page numbers (``- 3 -``, ``第3页``, ``3/12``) and running headers or footers (the same line at the same
    height at the top or bottom of most pages, two or more) are dropped.

    Raises:
        ReadError: the file is not a readable PDF, is encrypted, or has no text layer (a scan needs OCR first).
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if not data:
        raise ReadError(source, "file is empty")
    if not data.lstrip()[:5] == b"%PDF-":
        kind = _binary_signature(data)
        raise ReadError(source, f"not a PDF file (it looks like {kind or 'something else'})")
    pages: list[list[_PdfLine]] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            page_lines: list[_PdfLine] = []
            for box in page:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    raw = line.get_text().rstrip("\n") if isinstance(line, LTTextLine) else ""
                    if raw.strip():
                        glyphs = tuple((g.x0, g.x1, g.get_text()) if isinstance(g, LTChar)
                                       else (None, None, g.get_text()) for g in line)
                        page_lines.append(_PdfLine(len(pages) + 1, line.x0, line.x1, line.y0, raw.strip(),
                                                   raw.endswith(" "), size=line.height, glyphs=glyphs))
            pages.append(page_lines)
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise ReadError(source, "the PDF is encrypted; save an unprotected copy or its text") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on damaged files
        raise ReadError(source, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise ReadError(source, "the PDF has no pages (a damaged or truncated file?)")
    lines = _drop_page_furniture(_in_reading_order(pages), len(pages))
    if not lines:
        raise ReadError(source, "the PDF has no text layer (a scanned document?); run OCR on it first")
    return "\n".join(_join_pdf_lines(lines))


def _in_reading_order(pages: list[list[_PdfLine]]) -> list[_PdfLine]:
    """The lines of the pages in reading order: as pdfminer gives them, or on a page set in two columns the left
    column top to bottom, then the right one; a line across both columns (a title) ends the columns above it.
    Lines that pdfminer ran together across the gap between the columns are cut in two. A page is read as two
    columns if its lines look like it (:func:`_look_like_columns`), or if it has a gap at the same place as such a
    page, hardly a line across it, and its right-hand lines start where that page's right column does (the short
    last page of a two-column report)."""
    found = []
    for lines in pages:
        gutter = _find_gutter(lines)
        pieces = [] if gutter is None else [piece for line in lines for piece in _cut_at(line, gutter)]
        found.append((gutter, pieces, bool(pieces) and _look_like_columns(pieces)))
    sure = [(gutter, _median([p.x0 for p in pieces if p.column == 2])) for gutter, pieces, two in found if two]
    ordered: list[_PdfLine] = []
    for lines, (gutter, pieces, columns) in zip(pages, found):
        if gutter is not None and not columns:
            em = _median([line.size for line in lines])
            right = _median([p.x0 for p in pieces if p.column == 2])
            columns = sum(p.column == 0 for p in pieces) <= max(2, len(pieces) / 10) and any(
                abs(gutter - other) <= 2 * em and abs(right - start) <= em for other, start in sure)
        ordered.extend(_by_columns(pieces) if columns else lines)
    return ordered


def _median(values: list[float]) -> float:
    """The middle value (the upper one of an even count); 0 for no values."""
    return sorted(values)[len(values) // 2] if values else 0.0


def _by_columns(pieces: list[_PdfLine]) -> list[_PdfLine]:
    """The lines of a two-column page in reading order: band by band (the bands separated by lines across both
    columns), the left column of a band top to bottom, then its right column, then the line below it."""
    across = [piece.y0 for piece in pieces if piece.column == 0]

    def order(piece: _PdfLine) -> tuple[int, int, float, float]:
        band = sum(y > piece.y0 for y in across)  # how many lines across both columns stand above it
        return band, piece.column or 3, -piece.y0, piece.x0

    return sorted(pieces, key=order)


def _ink(glyphs: Iterable[_Glyph]) -> list[tuple[float, float]]:
    """The left and right edges of the glyphs that put ink on the page (not spaces)."""
    return [(x0, x1) for x0, x1, text in glyphs if x0 is not None and x1 is not None and text.strip()]


def _find_gutter(lines: list[_PdfLine]) -> float | None:
    """The middle of the widest vertical strip in the middle half of a page that (almost) no text crosses, at
    least a character wide and with text on both sides, or None."""
    if len(lines) < 3:
        return None
    em = _median([line.size for line in lines]) or 10.0
    segments = []  # runs of glyphs without a gap of half a character: a line cut where pdfminer ran columns together
    for line in lines:
        boxes = _ink(line.glyphs)
        if not boxes:
            continue
        start, end = boxes[0]
        for x0, x1 in boxes[1:]:
            if x0 - end > em / 2:
                segments.append((start, end))
                start = x0
            end = max(end, x1)
        segments.append((start, end))
    if not segments:
        return None
    lo, hi = int(min(s for s, _ in segments)), int(max(e for _, e in segments)) + 1
    change = [0] * (hi - lo + 2)
    for start, end in segments:  # a segment covers the whole points strictly inside it
        change[int(start) + 1 - lo] += 1
        change[max(int(start) + 1, int(end - 1e-9)) + 1 - lo] -= 1
    allowed = len(segments) // 10  # a few lines may run across (a title, a centred page number)
    best: tuple[int, int] | None = None  # (width, start) of the widest strip
    covered, start = 0, None
    for x in range(lo, hi + 1):
        covered += change[x - lo]
        if covered <= allowed and x < hi:
            start = x if start is None else start
            continue
        if start is not None:
            width, middle = x - start, (start + x) / 2
            if width >= em and start > lo and lo + (hi - lo) / 4 <= middle <= hi - (hi - lo) / 4:
                best = max(best or (0, 0), (width, start))
            start = None
    return None if best is None else best[1] + best[0] / 2


def _cut_at(line: _PdfLine, gutter: float) -> list[_PdfLine]:
    """``line`` as a line of the left column (1), of the right one (2), as both if it crosses the gutter in a gap
    between glyphs, or as a line across the page (0) if a glyph stands in the gutter."""
    from dataclasses import replace

    boxes = _ink(line.glyphs)
    if not boxes or any(x0 < gutter < x1 for x0, x1 in boxes):
        return [replace(line, column=0)]
    if all(x1 <= gutter for _, x1 in boxes):
        return [replace(line, column=1)]
    if all(x0 >= gutter for x0, _ in boxes):
        return [replace(line, column=2)]
    cut = next(i for i, (x0, _, text) in enumerate(line.glyphs) if x0 is not None and x0 >= gutter and text.strip())
    left, right = line.glyphs[:cut], line.glyphs[cut:]
    placed = max(i for i, (x0, _, _) in enumerate(left) if x0 is not None)  # what follows was put in by pdfminer
    pieces = []
    for column, glyphs, raw in ((1, left, "".join(g[2] for g in left[:placed + 1])),
                                (2, right, "".join(g[2] for g in right).rstrip("\n"))):
        ink = _ink(glyphs)
        pieces.append(_PdfLine(line.page, min(x0 for x0, _ in ink), max(x1 for _, x1 in ink), line.y0,
                               raw.strip(), raw.endswith(" "), column, line.size, tuple(glyphs)))
    return pieces


def _look_like_columns(pieces: list[_PdfLine]) -> bool:
    """Whether the lines either side of a gutter are two columns of running text, not a table: enough lines on
    both sides, side by side, few across, lines of some length, and the left column's lines mostly filling it."""
    left = [piece for piece in pieces if piece.column == 1]
    right = [piece for piece in pieces if piece.column == 2]
    across = len(pieces) - len(left) - len(right)
    if len(left) < 3 or len(right) < 2 or len(left) + len(right) < 8 or across > (len(left) + len(right)) / 5:
        return False
    if _median([len(line.text) for line in left + right]) < 6:
        return False
    em = _median([line.size for line in left])
    edge = sorted(line.x1 for line in left)[(len(left) * 9) // 10]
    if sum(line.x1 >= edge - 2 * em for line in left) < len(left) / 2:
        return False
    top = min(max(line.y0 for line in left), max(line.y0 for line in right))
    bottom = max(min(line.y0 for line in left), min(line.y0 for line in right))
    return top >= bottom


def _drop_page_furniture(lines: list[_PdfLine], n_pages: int) -> list[_PdfLine]:
    """Lines without page numbers and running headers or footers, which stand at the top or bottom of pages: a
    page number such as ``- 3 -``, ``第3页`` or ``3/12``; a bare number at the same height on two or more pages (or
    on the only page); the same line (not a sentence) at the same height on two or more pages, more than half of
    them, every copy, the first page's too. An edge is looked at again after a line came off it (a footer above
    the page number), where page numbers too must repeat at the same height."""
    kept = list(lines)
    peeled: set[tuple[int, str]] | None = None  # the page edges looked at; None: every page's top and bottom
    for _ in range(3):  # the edge line, and at most two lines under (over) it
        top: dict[int, float] = {}
        bottom: dict[int, float] = {}
        for line in kept:
            top[line.page] = max(top.get(line.page, line.y0), line.y0)
            bottom[line.page] = min(bottom.get(line.page, line.y0), line.y0)

        def edge(line: _PdfLine) -> str | None:
            return "top" if line.y0 == top[line.page] else "bottom" if line.y0 == bottom[line.page] else None

        drop: set[int] = set()
        alike: dict[str | None, list[int]] = {}  # the lines at the edges by text (None: page numbers)
        for i, line in enumerate(kept):
            side = edge(line)
            if side is None or (peeled is not None and (line.page, side) not in peeled):
                continue
            if _PAGE_NUMBER.match(line.text):
                if peeled is None and not line.text.isdigit():
                    drop.add(i)  # - 3 -, 第3页: a page number even where it does not repeat
                else:
                    alike.setdefault(None, []).append(i)
            elif not line.text.endswith(tuple(_SENTENCE_END)):
                alike.setdefault(line.text, []).append(i)
        for text, same in alike.items():
            heights = sorted(kept[i].y0 for i in same)
            at_height = [i for i in same if abs(kept[i].y0 - heights[len(heights) // 2]) <= 2]
            pages = len({kept[i].page for i in at_height})
            if (text is None and (pages >= 2 or n_pages == 1)) or (pages >= 2 and pages > n_pages / 2):
                drop.update(at_height)
        if not drop:
            break
        peeled = {(kept[i].page, edge(kept[i]) or "") for i in drop}
        kept = [line for i, line in enumerate(kept) if i not in drop]
    return kept


def _join_pdf_lines(lines: list[_PdfLine]) -> list[str]:
    """Join wrapped lines into paragraphs (see :func:`pdf_to_text`)."""
    margins: dict[int, tuple[float, float]] = {}
    for column in {line.column for line in lines}:
        x0s = sorted(line.x0 for line in lines if line.column == column)
        x1s = sorted(line.x1 for line in lines if line.column == column)
        margins[column] = x0s[len(x0s) // 10], x1s[(len(x1s) * 9) // 10]  # robust to indented and short lines
    widths = sorted((line.x1 - line.x0) / len(line.text) for line in lines if len(line.text) >= 4)
    char = widths[len(widths) // 2] if widths else 10.0
    full = [line.x1 >= margins[line.column][1] - 1.5 * char for line in lines]
    hanging = _hanging_indent_starts(lines, full, [line.x0 - margins[line.column][0] for line in lines], char)
    paragraphs: list[str] = []
    previous: _PdfLine | None = None
    for i, line in enumerate(lines):
        left = margins[line.column][0]
        ended = previous is not None and previous.text.endswith(tuple(_PARAGRAPH_END))
        new_paragraph = hanging[i] if i in hanging else (
            previous is None
            or line.x0 > left + 1.5 * char  # indented first line
            or not full[i - 1]  # the line before stopped short
            or (ended and (line.x0 > left + 0.5 * char or _NUMBERED_START.match(line.text) is not None))
        )
        if new_paragraph:
            paragraphs.append(line.text)
        else:  # Chinese wraps anywhere, even inside a number; only a line that ended with a space broke a word gap
            paragraphs[-1] += (" " if previous is not None and previous.spaced else "") + line.text
        previous = line
    return paragraphs


def _hanging_indent_starts(lines: list[_PdfLine], full: list[bool], indent: list[float],
                           char: float) -> dict[int, bool]:
    """Whether each line set with a hanging indent starts a paragraph; lines not in such paragraphs are left out.

    A paragraph that opens a block of full lines (after a short line) with its second line further right (by
    half a character to eight) is set with a hanging indent: lines at that indent continue it, a line back at the
    first line's position starts the next such paragraph. A line at the indent followed by two full lines at the
    first line's position, or by a short one there after a sentence ended, was the indented first line of an
    ordinary paragraph after all (the one before ended exactly at the margin)."""
    def near(a: float, b: float) -> bool:
        return abs(a - b) <= char / 2

    starts: dict[int, bool] = {}
    first = rest = None  # the indents of the first and the other lines of the hanging paragraphs being read
    for i in range(len(lines)):
        if i == 0 or not full[i - 1]:  # a block of lines starts: only it can open a hanging paragraph
            opens = full[i] and i + 1 < len(lines) and char / 2 < indent[i + 1] - indent[i] <= 8 * char
            first, rest = (indent[i], indent[i + 1]) if opens else (None, None)
        elif first is None or rest is None:
            continue
        elif near(indent[i], rest):
            starts[i] = False
        elif near(indent[i], first):
            ordinary = near(indent[i - 1], rest) and (
                (full[i] and i + 1 < len(lines) and near(indent[i + 1], first))
                or (not full[i] and lines[i - 2].text.endswith(tuple(_PARAGRAPH_END))))
            if ordinary:
                starts[i - 1], starts[i] = True, False
                first = rest = None
            else:
                starts[i] = True
        else:
            first = rest = None
    return starts


#: The reader of each binary document format, by the format name of :data:`reading.SUPPORTED_SUFFIXES`.
DOCUMENT_READERS = {"docx": docx_to_text, "pdf": pdf_to_text}
