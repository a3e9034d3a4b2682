"""Test helper: PDFs of Chinese text laid out as a typesetter would, written byte by byte.

The text is set in STSong-Light with the UniGB-UCS2-H encoding, one of the Adobe fonts every PDF reader knows
without embedding, which pdfminer maps back to Unicode. Each page can carry a running header and carries a page
number at the bottom, so that the reader's paragraph re-assembly and page clean-up are tested on the kind of
file a government website publishes.
"""

from __future__ import annotations


def make_pdf(pages: list[list[tuple[str, bool]]], *, font_size: int = 12, left: int = 72, indent_chars: int = 2,
             top: int = 770, leading: int = 18, header: str | None = None) -> bytes:
    """A PDF of ``pages``, each a list of ``(text, indented)`` lines drawn top to bottom."""
    objects = []

    def add(body):
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
    for number, lines in enumerate(pages, start=1):
        ops = [f"BT /F1 {font_size} Tf".encode()]
        y = top
        drawn = ([(header, False)] if header else []) + list(lines)
        for text, indented in drawn:
            x = left + (indent_chars * font_size if indented else 0)
            ops.append(f"1 0 0 1 {x} {y} Tm <{text.encode('utf-16-be').hex().upper()}> Tj".encode())
            y -= leading
        ops.append(f"1 0 0 1 290 40 Tm <{f'- {number} -'.encode('utf-16-be').hex().upper()}> Tj".encode())
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


def typeset(paragraphs: list[str], *, width: int = 30, lines_per_page: int = 40) -> list[list[tuple[str, bool]]]:
    """Wrap paragraphs as a typesetter would, by width (ASCII is half as wide): the first line of each paragraph
    indented by two characters, the others full."""
    lines = []
    for paragraph in paragraphs:
        room, line, indented = width - 2, "", True
        for char in paragraph:
            w = 1.0  # the test font gives every glyph the same width
            if room - w < 0:
                lines.append((line, indented))
                room, line, indented = width, "", False
            line += char
            room -= w
        lines.append((line, indented))
    return [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
