"""Test helper: PDFs of Chinese text laid out as a typesetter would, written byte by byte.

The text is set in STSong-Light with the UniGB-UCS2-H encoding, one of the Adobe fonts every PDF reader knows
without embedding, which pdfminer maps back to Unicode. Each page can carry a running header and carries a page
number at the bottom, so that the reader's paragraph re-assembly and page clean-up are tested on the kind of
file a government website publishes. Lines can be indented (first lines), outdented (hanging indents) and set in
two columns; :func:`make_placed_pdf` draws text at any position.
"""

from __future__ import annotations

from typing import Callable

#: A line of :func:`make_pdf`: its text and its indent, ``True``/``False`` (the first-line indent or none) or a
#: number of characters.
Line = tuple[str, "bool | float"]


def make_placed_pdf(pages: list[list[tuple[str, float, float]]], *, font_size: int = 12) -> bytes:
    """A PDF of ``pages``, each a list of ``(text, x, y)``: text drawn with its baseline starting at (x, y)."""
    objects: list[bytes | None] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               b"/DescendantFonts [ << /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
               b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
               b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> "
               b"/DW 1000 >> ] >>")
    pages_id = len(objects) + 1
    objects.append(None)  # the page tree, filled in below
    kids = []
    for items in pages:
        ops = [f"BT /F1 {font_size} Tf".encode()]
        for text, x, y in items:
            ops.append(f"1 0 0 1 {x:g} {y:g} Tm <{text.encode('utf-16-be').hex().upper()}> Tj".encode())
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)))
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def make_pdf(pages: list[list[Line]], *, font_size: int = 12, left: int = 72, indent_chars: int = 2,
             top: int = 770, leading: int = 18, header: str | None = None, footer: str | None = None,
             columns: int = 1, column_chars: int = 30, gap_chars: float = 2) -> bytes:
    """A PDF of ``pages``, each a list of ``(text, indent)`` lines drawn top to bottom, under the running ``header``
    and above the running ``footer`` and a page number ``- n -``. With ``columns=2`` a page's lines fill a left
    column of ``column_chars`` characters, then a right one ``gap_chars`` further, half of the lines (rounded up)
    in each."""
    placed = []
    for number, lines in enumerate(pages, start=1):
        items = [(header, float(left), float(top))] if header else []
        first = top - leading if header else top
        per_column = -(-len(lines) // columns) if lines else 0
        for i, (text, indent) in enumerate(lines):
            column, row = divmod(i, per_column)
            chars = (indent_chars if indent else 0) if isinstance(indent, bool) else indent
            x = left + column * (column_chars + gap_chars) * font_size + chars * font_size
            items.append((text, x, first - row * leading))
        if footer:
            items.append((footer, float(left), 58.0))
        items.append((f"- {number} -", 290.0, 40.0))
        placed.append(items)
    return make_placed_pdf(placed, font_size=font_size)


def typeset(paragraphs: list[str], *, width: int = 30, lines_per_page: int = 40,
            hanging: int | Callable[[str], int] = 0) -> list[list[Line]]:
    """Wrap paragraphs as a typesetter would, ``width`` characters to a line (every glyph of the test font is
    equally wide): the first line of each paragraph indented by two characters, the others full. A paragraph
    with a ``hanging`` indent (a number of characters, or a function of the paragraph giving it) starts at the
    margin instead and its other lines are indented by that much."""
    lines: list[Line] = []
    for paragraph in paragraphs:
        hang = hanging(paragraph) if callable(hanging) else hanging
        first: bool | float = 0.0 if hang else True
        room, line, indent = width - (0 if hang else 2), "", first
        for char in paragraph:
            if room < 1 and char != " ":  # a space at the break hangs at the end of the line
                lines.append((line, indent))
                room, line, indent = width - hang, "", (float(hang) if hang else False)
            line += char
            room -= 1
        lines.append((line, indent))
    return [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
