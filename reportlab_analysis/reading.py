"""Read raw report files: detect the encoding and the format, return decoded documents.

One file holds one report (``.txt``, ``.html``/``.htm``, ``.docx``, ``.pdf`` with a text layer) or one report per
row (``.csv``, ``.tsv``, ``.jsonl``). Other office formats (.doc, WPS, ...) are not read;
:func:`find_unread_documents` lists them so that the loader can say so.
Every document records where it came from (``source``), how it was decoded (``encoding``) and, for table rows,
the other columns of its row (``fields``). Raw files are only ever opened for reading.

:func:`decode_bytes` tries encodings in an order that suits Chinese text: a byte-order mark if there is one,
then UTF-16 without a BOM if the bytes hold NUL bytes, then strict UTF-8, then strict GB18030 (a superset of GBK
and GB2312), and only then the statistical guess of ``charset-normalizer``. UTF-8 or GB18030 text damaged by a few
invalid bytes is decoded with them replaced by U+FFFD and a note when the caller collects ``problems`` (refused
otherwise). A decoding is accepted only if the result looks like text (almost no private-use characters, at most
one control character per 500 characters: U+0085 NEL becomes a line break, the others are removed, with a note) and
is not UTF-8 mojibake (double-encoded); otherwise the file is refused with a :class:`ReadError`.

Example:
    >>> from reportlab_analysis.reading import find_report_files, read_documents
    >>> files = find_report_files("data/raw")                   # doctest: +SKIP
    >>> doc = read_documents(files[0])[0]                         # doctest: +SKIP
    >>> doc.encoding, doc.text[:10]                               # doctest: +SKIP
    ('utf-8', '——2017年12月10')
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .cleaning import Removal

__all__ = [
    "SUPPORTED_SUFFIXES",
    "UNREAD_DOCUMENT_SUFFIXES",
    "find_unread_documents",
    "TEXT_COLUMN_CANDIDATES",
    "TITLE_COLUMN_CANDIDATES",
    "RawDocument",
    "ReadError",
    "ReadNote",
    "ReadWarning",
    "decode_bytes",
    "find_report_files",
    "FolderScan",
    "scan_folder",
    "html_to_text",
    "PageText",
    "read_documents",
    "unsupported_problem",
]

#: File suffixes read, and the format each one maps to.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".docx": "docx",
    ".pdf": "pdf",
}
#: Document formats that reports are often published in but that are not read; :func:`load_corpus` notes each
#: such file in the quality report instead of passing over it in silence.
UNREAD_DOCUMENT_SUFFIXES: dict[str, str] = {
    ".doc": "Word 97-2003 (.doc)",
    ".wps": "WPS",
    ".rtf": "RTF",
    ".odt": "OpenDocument text",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".pptx": "PowerPoint",
    ".ppt": "PowerPoint",
}
#: Column names tried, in this order and ignoring case, when no ``text_column`` is given.
TEXT_COLUMN_CANDIDATES: tuple[str, ...] = ("text", "content", "body", "正文", "内容", "全文", "fulltext", "full_text")
#: Column names tried, in this order and ignoring case, when no ``title_column`` is given.
TITLE_COLUMN_CANDIDATES: tuple[str, ...] = ("title", "标题", "题目", "题名", "headline")

# File signatures of common binary formats that end up in scraped folders.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", None),  # too short to be sure; checked together with NUL bytes below
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable"),
    (b"MZ", None),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # must precede UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_LOOKS_LIKE_HTML = re.compile(r"\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>])", re.IGNORECASE | re.DOTALL)
# Names a page may declare in <meta charset>, mapped to the codec used to read it (GB18030 reads GBK/GB2312).
_DECLARED_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


class ReadWarning(UserWarning):
    """A file was read, but something in it needs a look (text hidden by broken markup, a guess was made)."""


class ReadError(ValueError):
    """A file that cannot be read as reports: names the file and the problem.

    Example:
        >>> err = ReadError("data/raw/a.pdf", "looks like a PDF document, not text")
        >>> str(err)
        'data/raw/a.pdf: looks like a PDF document, not text'
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(self.path, problem)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class RawDocument:
    """One decoded report, before cleaning.

    Attributes:
        source: the file, plus ``#row=N`` for a row of a CSV/JSONL file (N is the 1-based data row of a CSV,
            the 1-based line of a JSONL file).
        format: ``"txt"``, ``"html"``, ``"csv"`` or ``"jsonl"``.
        encoding: the codec that decoded the bytes, e.g. ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``, ``"utf-16"``.
        text: the decoded text; for HTML already turned into text, one block per line (a :class:`PageText`, which
            also carries the page furniture left out of the text).
        fields: the other columns of a CSV/JSONL row (``title`` holds the title column whatever its name);
            for HTML ``html_title`` and selected ``<meta>`` values (``html_meta_<name>``); ``{}`` for plain text.
    """

    source: str
    format: str
    encoding: str
    text: str
    fields: dict[str, object] = field(default_factory=dict)


class PageText(str):
    """The visible text of an HTML page: a ``str`` that also carries, in ``dropped``, the page furniture the reader
    left out of it, each piece as a :class:`~reportlab_analysis.cleaning.Removal` (rule ``html_nav``,
    ``html_header``, ``html_footer``, ``html_aside``, ``html_menu`` for a list of nothing but links, ``html_form``
    for form controls, ``html_hidden``), by kind (elements, then menus, then hidden ones) and in page order within
    each kind. :func:`~reportlab_analysis.cleaning.clean_text` records them with its own
    removals, so ``Corpus.removed`` lists everything of a page that is not in its clean text. Scripts, styles, the
    ``<head>`` (its title and meta values go to ``fields``) and embedded objects hold no text of the page and are not
    listed. The string itself is the text alone: its hash (the ``doc_id``) and its lines are those of the text, and
    any operation on it (``strip``, slicing, ...) gives a plain ``str``.

    Example:
        >>> text = PageText("各位代表：", [Removal("html_nav", "首页\\n政务公开")])
        >>> text == "各位代表：", text.dropped
        (True, (Removal(rule='html_nav', text='首页\\n政务公开'),))
    """

    dropped: tuple[Removal, ...]

    def __new__(cls, text: str, dropped: Iterable[Removal] = ()) -> "PageText":
        self = super().__new__(cls, text)
        self.dropped = tuple(dropped)
        return self

    def __reduce__(self) -> tuple[object, ...]:  # pickled (worker processes, caches) with what it carries
        return (PageText, (str(self), self.dropped))


# --------------------------------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------------------------------
def find_report_files(path: str | Path) -> list[Path]:
    """The report files under ``path``: the file itself, or every supported file in a folder tree.

    Folders are searched as :func:`scan_folder` does: recursively, symlinked folders followed once, hidden files
    and folders (``.name``) skipped, sorted by relative path so that every run sees the same order.

    Args:
        path: a folder or one file.

    Raises:
        ReadError: ``path`` does not exist, or is a single file with an unsupported suffix.

    Example:
        >>> [p.name for p in find_report_files("data/raw")][:1]          # doctest: +SKIP
        ['000_207fb4099e85d4c9.txt']
    """
    root = Path(path)
    if not root.exists():
        raise ReadError(root, "no such file or folder")
    if root.is_file():
        if root.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise _unsupported(root)
        return [root]
    return scan_folder(root).files


def find_unread_documents(path: str | Path) -> list[Path]:
    """Files under a folder whose format reports come in but that are not read (.doc, WPS, ...; see
    :data:`UNREAD_DOCUMENT_SUFFIXES`), found as :func:`find_report_files` finds report files.

    Example:
        >>> find_unread_documents("data/raw")
        []
    """
    root = Path(path)
    return scan_folder(root).unread if root.is_dir() else []


@dataclass(frozen=True)
class FolderScan:
    """What :func:`scan_folder` finds: report files, unread office files (.doc, WPS) and notes, each note a
    ``(path relative to the folder, severity, message)`` triple about an entry that cannot be read."""

    files: list[Path]
    unread: list[Path]
    notes: list[tuple[str, str, str]]


def scan_folder(root: str | Path) -> FolderScan:
    """The report files and the unread office files under a folder, and a note for each entry that cannot be read.

    Hidden entries are skipped and the lists are sorted by relative path. Symlinked folders are followed once (a
    link to a folder already in the tree, or back up the tree, is not, with an info note); an unreadable folder, a
    broken link or a special file (FIFO, socket, device) with a report suffix gets a warning note instead of being
    passed over.

    Example:
        >>> scan = scan_folder("data/raw")                 # doctest: +SKIP
        >>> len(scan.files), scan.unread, scan.notes       # doctest: +SKIP
        (5, [], [])
    """
    root = Path(root)
    root_real = Path(os.path.realpath(root))
    files: list[Path] = []
    unread: list[Path] = []
    notes: list[tuple[str, str, str]] = []
    visited: dict[Path, Path] = {root_real: root}  # real folder -> where it was read

    def where(entry: Path) -> str:
        return entry.relative_to(root).as_posix()

    def walk(folder: Path) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            notes.append((where(folder), "warning",
                          f"folder not read ({error.strerror or error}): any reports in it are missing"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            if entry.is_dir():  # follows a symlink to a folder
                if entry.is_symlink():
                    real = Path(os.path.realpath(path))
                    if real == root_real or real in root_real.parents:
                        notes.append((where(path), "info",
                                      "symbolic link to a folder holding the corpus folder (a loop): not followed"))
                        continue
                    if root_real in real.parents:
                        notes.append((where(path), "info",
                                      f"symbolic link to {real.relative_to(root_real).as_posix()}, a folder of this "
                                      "corpus: not followed, its reports are read there"))
                        continue
                    if real in visited:
                        notes.append((where(path), "info", f"symbolic link to a folder already read as "
                                                           f"{where(visited[real])}: not followed again"))
                        continue
                    visited[real] = path
                walk(path)
                continue
            suffix = Path(entry.name).suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES and suffix not in UNREAD_DOCUMENT_SUFFIXES:
                continue
            if entry.is_file():  # follows a symlink to a file
                (files if suffix in SUPPORTED_SUFFIXES else unread).append(path)
            else:
                notes.append((where(path), "warning", f"not read: {_why_not_a_file(path)}"))

    walk(root)
    notes.sort()
    return FolderScan(sorted(files, key=where), sorted(unread, key=where), notes)


def _why_not_a_file(path: Path) -> str:
    """Why a directory entry with a report suffix is no regular file: a broken link, a FIFO, a socket, ..."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if os.path.islink(path):
            return f"symbolic link to {os.readlink(path)}, which cannot be reached ({error.strerror or error})"
        return f"cannot be examined ({error.strerror or error})"
    kinds = [(stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device")]
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"{kind}, not a regular file"


def _supported_list() -> str:
    return ", ".join(sorted(SUPPORTED_SUFFIXES))


def unsupported_problem(file: Path) -> str:
    """Why a file of a type that is not read is not read, with the Save As hint for office formats.

    Example:
        >>> print(unsupported_problem(Path("2020年报告.doc")))  # doctest: +NORMALIZE_WHITESPACE
        not read: Word 97-2003 (.doc) files are not supported; save the report as .docx or .txt (Save As in Word or
        WPS) and load again
    """
    kind = UNREAD_DOCUMENT_SUFFIXES.get(file.suffix.lower())
    if kind is not None:
        return (f"not read: {kind} files are not supported; save the report as .docx or .txt (Save As in Word or "
                "WPS) and load again")
    return f"unsupported file type {file.suffix!r}; supported: {_supported_list()}"


def _unsupported(file: Path) -> ReadError:
    return ReadError(file, unsupported_problem(file))


# --------------------------------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------------------------------
def read_documents(
    path: str | Path,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    encoding: str | None = None,
    problems: list[str] | None = None,
) -> list[RawDocument]:
    """Read one file into its documents: one for ``.txt``/``.html``, one per row for ``.csv``/``.jsonl``.

    Args:
        path: the file.
        text_column: CSV/JSONL column holding the report text; default: the first of
            :data:`TEXT_COLUMN_CANDIDATES` present (so ``content`` for ``national_gwr.jsonl``).
        title_column: CSV/JSONL column holding the title, stored as ``fields["title"]``; default: the first of
            :data:`TITLE_COLUMN_CANDIDATES` present, if any.
        encoding: force a codec instead of detecting one (decoded strictly).
        problems: a list to collect recoverable problems in, each as a message: a malformed CSV/JSONL row is
            skipped (one bad row does not lose the others), and a few invalid bytes in an otherwise UTF-8 file
            are replaced by U+FFFD. Default (None): raise a ReadError on the first. Notes about a file that is read
            anyway (broken HTML repaired, visible text far shorter than the page) go here too, or are issued as a
            :class:`ReadWarning` when there is no list.

    Raises:
        ReadError: the file is missing, empty, binary, undecodable, of an unsupported type, or a CSV/JSONL
            file is malformed (the message names the line or row) or has no good row at all.

    Example:
        >>> docs = read_documents("data/national/national_gwr.jsonl")   # doctest: +SKIP
        >>> docs[0].source, docs[0].fields["year"]                        # doctest: +SKIP
        ('data/national/national_gwr.jsonl#row=1', '2025')
    """
    file = Path(path)
    kind = SUPPORTED_SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise _unsupported(file)
    if not file.is_file():
        raise ReadError(file, "no such file" if not file.exists() else "not a regular file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ReadError(file, f"cannot be opened ({exc.strerror or exc})") from exc

    if kind in ("docx", "pdf"):  # binary document formats: the reader finds the text, there is no encoding
        from .documents import DOCUMENT_READERS  # imported on use, like python-docx and pdfminer themselves

        text = DOCUMENT_READERS[kind](data, source=file)
        return [RawDocument(source=str(file), format=kind, encoding=kind, text=text, fields={})]
    if kind == "html":
        text, used = decode_bytes(data, source=file, encoding=encoding or _declared_charset(data), problems=problems)
        return [_read_html(file, text, used, problems=problems, saved_as="")]

    text, used = _decode(data, source=file, encoding=encoding, problems=problems, cells=kind in ("csv", "jsonl"))
    if kind == "txt":
        if _LOOKS_LIKE_HTML.match(text):  # a scraped page saved as .txt
            return [_read_html(file, text, used, problems=problems, saved_as=" (saved as .txt)")]
        tags = _html_fragment_tags(text)
        if tags:  # a piece of a page (<div><p>…) saved as .txt
            shown = ", ".join(f"<{tag}>" for tag in tags[:4])
            _warn(file, f"looks like HTML markup ({shown} ...), not plain text; read as HTML", problems, info=True)
            return [_read_html(file, text, used, problems=problems, saved_as=" (saved as .txt)")]
        return [RawDocument(source=str(file), format="txt", encoding=used, text=text, fields={})]
    if kind == "csv":
        delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
        return _read_csv(file, text, used, delimiter=delimiter, text_column=text_column, title_column=title_column,
                         problems=problems)
    return _read_jsonl(file, text, used, text_column=text_column, title_column=title_column, problems=problems)


def _read_html(file: Path, html: str, encoding: str, *, problems: list[str] | None, saved_as: str) -> RawDocument:
    """One HTML page as a document; repairs of broken markup and a visible text far shorter than the page are
    noted (in ``problems``, or as a :class:`ReadWarning` when it is None)."""
    notes: list[str] = []
    body, fields = html_to_text(html, problems=notes)
    if not body.strip():
        raise ReadError(file, f"HTML page{saved_as} has no visible text")
    shortfall = _text_shortfall(html, body)
    for note in notes + ([shortfall] if shortfall else []):
        _warn(file, note, problems)
    return RawDocument(source=str(file), format="html", encoding=encoding, text=body, fields=fields)


# Names of the tags that text on a web page is most often marked up with (a regular-expression alternation).
_TEXT_TAG_NAMES = "p|div|br|span|font|table|tr|td|h[1-6]|li|ul|ol|strong|b|a|img|section|article"
_MARKUP_TAG = re.compile(rf"</?({_TEXT_TAG_NAMES})\b[^<>]*>", re.IGNORECASE)


def _html_fragment_tags(text: str) -> list[str]:
    """The tag names, most used first, if ``text`` is clearly a piece of HTML: five or more common tags, and little
    text outside elements (under a fifth) unless nearly every line carries a tag (text broken by ``<br>``); else []."""
    names = [match.group(1).lower() for match in _MARKUP_TAG.finditer(text[:200_000])]
    if len(names) < 5:
        return []
    lines = [line for line in text.splitlines() if line.strip()]
    if sum(1 for line in lines if _MARKUP_TAG.search(line)) < 0.8 * len(lines):
        from selectolax.lexbor import LexborHTMLParser

        body = LexborHTMLParser(text).body
        total = len("".join((body.text(deep=True) if body is not None else "").split()))
        loose, child = 0, body.child if body is not None else None
        while child is not None:
            if child.tag == "-text":
                loose += len("".join((child.text_content or "").split()))
            child = child.next
        if not total or loose > 0.2 * total:
            return []
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda name: -counts[name])


class ReadNote(str):
    """A note in a ``problems`` list that is information rather than a warning (the file was read as something
    else than its name says, and nothing was lost); other notes are plain strings.

    Example:
        >>> ReadNote("read as HTML").severity
        'info'
    """

    severity = "info"


def _warn(file: Path, message: str, problems: list[str] | None, *, info: bool = False) -> None:
    """A note about a file that was read anyway: into ``problems``, or as a warning when there is no list."""
    if problems is None:
        warning = ReadWarning(f"{file}: {message}")
        warning.severity = "info" if info else "warning"
        warnings.warn(warning, stacklevel=3)
    else:
        problems.append(ReadNote(message) if info else message)


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------
def decode_bytes(data: bytes, *, source: str | Path = "<bytes>", encoding: str | None = None,
                 problems: list[str] | None = None) -> tuple[str, str]:
    """Decode the bytes of a text file and name the codec used.

    Order: byte-order mark, UTF-16 without BOM (when NUL bytes suggest it), strict UTF-8, strict GB18030, then
    ``charset-normalizer``. A decoding counts only if the text looks like text.

    Args:
        data: the file's bytes.
        source: the file, for error messages.
        encoding: decode with this codec only (strictly) instead of detecting.
        problems: when a list is given, UTF-8 or GB18030/GBK text damaged by a few invalid bytes (at most one per
            50 good characters) is decoded with each bad byte sequence replaced by U+FFFD, and a message saying how
            many and where is appended; without it such text raises a ReadError. A few stray control characters
            (at most one per 500 characters) are repaired whether or not a list is given: U+0085 (NEL), U+2028 and
            U+2029 become line breaks, the others are removed, and a note saying how many and where goes to the
            list, or is issued as a :class:`ReadWarning`.

    Returns:
        ``(text, encoding)``; a BOM is not part of the text.

    Raises:
        ReadError: empty, binary (NUL bytes, many control characters, PDF/ZIP/image signature) or undecodable data.

    Example:
        >>> decode_bytes("政府工作报告".encode("gb18030"))
        ('政府工作报告', 'gb18030')
    """
    return _decode(data, source=source, encoding=encoding, problems=problems, cells=False)


def _decode(data: bytes, *, source: str | Path, encoding: str | None, problems: list[str] | None,
            cells: bool) -> tuple[str, str]:
    """:func:`decode_bytes`; with ``cells`` (CSV and JSONL text) U+0085, U+2028 and U+2029 are left as they are,
    since a line break put in their place would end a JSON string or an unquoted CSV cell."""
    def checked(text: str, codec: str) -> str:
        return _checked(text, source, codec, problems=problems, cells=cells)

    if not data.strip(b" \t\r\n\x0b\x0c"):
        raise ReadError(source, "file is empty" if not data else "file is empty (only blank space)")
    kind = _binary_signature(data)
    if kind:
        raise ReadError(source, f"looks like {kind}, not a text file")

    if encoding:
        codec = _codec_name(encoding, source)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ReadError(
                source, f"cannot be decoded as {encoding}: invalid bytes at offset {exc.start} ({exc.reason})"
            ) from exc
        return checked(text.removeprefix("\ufeff"), codec), codec

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ReadError(
                    source, f"starts with a {codec} byte-order mark but has invalid bytes at offset {exc.start}"
                ) from exc
            return checked(text.removeprefix("\ufeff"), codec), codec

    if b"\x00" in data:
        guess = _guess_utf16(data)
        if guess is None:
            raise ReadError(source, "contains NUL bytes and is not UTF-16 text: a binary file?")
        return checked(guess[0], guess[1]), guess[1]

    utf8_error: UnicodeDecodeError | None = None
    try:
        return checked(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _mostly_utf8(data):
        if problems is None:
            raise ReadError(
                source,
                f"is UTF-8 text with invalid bytes at offset {utf8_error.start} ({utf8_error.reason}); the file "
                "looks damaged (fix it; load_corpus keeps it with the bad bytes replaced and a warning)",
            )
        text = data.decode("utf-8", errors="replace")
        replaced = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
        problems.append(f"damaged UTF-8: {replaced} invalid byte sequence(s) replaced by U+FFFD, the first at byte "
                        f"offset {utf8_error.start}; check the text there")
        return checked(text, "utf-8"), "utf-8"

    gb_error: UnicodeDecodeError | None = None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        gb_error = exc
    else:
        if _looks_like_text(text) or _repaired_controls(text, cells=cells) is not None:
            return checked(text, "gb18030"), "gb18030"
    if gb_error is not None and _mostly_gb18030(data):
        text, bad = _decode_damaged_gb18030(data)
        if problems is None:
            raise ReadError(
                source,
                f"is GB18030/GBK text with {len(bad)} invalid byte(s), the first at offset {bad[0]}; the file looks "
                "damaged (fix it; load_corpus keeps it with the bad bytes replaced and a warning)",
            )
        problems.append(f"damaged GB18030/GBK: {len(bad)} invalid byte(s) replaced by U+FFFD, the first at byte offset "
                        f"{bad[0]}; check the text there")
        return checked(text, "gb18030"), "gb18030"

    best = _charset_normalizer_guess(data)
    if best is not None:
        return checked(best[0], best[1]), best[1]
    gb_where = f" (first bad byte at offset {gb_error.start})" if gb_error is not None else " (not text)"
    raise ReadError(
        source,
        f"cannot be decoded: not valid UTF-8 (first bad byte at offset {utf8_error.start}), GB18030{gb_where} or "
        "UTF-16; pass encoding=... if you know the codec",
    )


def _codec_name(encoding: str, source: str | Path) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ReadError(source, f"unknown encoding {encoding!r}") from exc
    return _DECLARED_CHARSET_ALIASES.get(name, name)


def _binary_signature(data: bytes) -> str | None:
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            if kind is None:
                return "a binary file" if b"\x00" in data[:1024] else None
            return kind
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 apart from a few bad bytes (so not GB18030 that happens to fail UTF-8)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good >= 20 and bad * 50 <= good


def _mostly_gb18030(data: bytes) -> bool:
    """Simplified Chinese in GB18030/GBK apart from a few bad bytes: at most one bad sequence per 50 Chinese
    characters, and nearly all of these (95%) common ones in GB2312, which text in another codec read as GBK is not."""
    text = data.decode("gb18030", errors="replace")
    bad = text.count("\ufffd")
    chinese = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if len(chinese) < 20 or bad * 50 > len(chinese) or not _looks_like_text(text):
        return False
    common = sum(1 for ch in chinese if _in_gb2312(ch))
    return common >= 0.95 * len(chinese)


def _decode_damaged_gb18030(data: bytes) -> tuple[str, list[int]]:
    """Decode GB18030 with bad bytes, each bad place replaced by one U+FFFD, and the offsets of these places.

    A bad byte in double-byte text can put every later pair out of step (an inserted byte) or stand for half a
    character; at each error the reading goes on in whichever way decodes the next bytes best: the lead byte is
    bad (skip it), a byte was inserted after it (skip that one and pair the lead with the next), or the second
    byte of the character is bad (skip both).
    """
    pieces: list[str] = []
    bad: list[int] = []
    position = 0
    while True:
        try:
            pieces.append(data[position:].decode("gb18030"))
            return "".join(pieces), bad
        except UnicodeDecodeError as exc:
            start = position + exc.start
        pieces.append(data[position:start].decode("gb18030"))
        # (bytes read next, where reading resumes, the bad byte, text for the bad place)
        options = [(data[start + 1:start + 41], start + 1, start, "\ufffd"),
                   (data[start + 2:start + 42], start + 2, start + 1, "\ufffd")]
        try:
            joined = (data[start:start + 1] + data[start + 2:start + 3]).decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            pair = data[start:start + 1] + data[start + 2:start + 42]  # read on without the byte at start + 1
            options.append((pair, start + 3, start + 1, "\ufffd" + joined))
        _, position, offset, replacement = max(options, key=lambda option: _decodes_well(option[0]))
        pieces.append(replacement)
        bad.append(min(offset, len(data) - 1))


def _decodes_well(window: bytes) -> int:
    """How well bytes read as simplified Chinese: common (GB2312) characters and ASCII count, bad bytes cost."""
    text = window.decode("gb18030", errors="replace")[:-1]  # the last character may be cut in two
    return sum(1 if ch < "\x80" or _in_gb2312(ch) else -1 for ch in text) - 5 * text.count("\ufffd")


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _guess_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: pick the byte order whose decoding looks like text."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, codec
    return None


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        return None
    text = str(match)
    if not _looks_like_text(text):
        return None
    # A statistical guess is trusted only where it cannot be mojibake: mostly Chinese, or almost all ASCII.
    visible = [ch for ch in text if not ch.isspace()]
    cjk = sum(1 for ch in visible if "\u4e00" <= ch <= "\u9fff")
    non_ascii = sum(1 for ch in visible if ord(ch) > 127)
    if visible and (cjk >= 0.3 * len(visible) or non_ascii <= 0.05 * len(visible)):
        return text, match.encoding
    return None


def _looks_like_text(text: str) -> bool:
    """No control characters (except tab/newline/CR/FF) and few private-use or unassigned characters."""
    if not text:
        return False
    bad = 0
    for ch in _UNCOMMON.findall(text):  # only characters outside the common ranges need a closer look
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\t\n\r\x0c":
            return False
        if category in ("Co", "Cn", "Cs"):
            bad += 1
    return bad <= max(2, len(text) // 200)


_UNCOMMON = re.compile("[^\t\n\r\x0c\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _checked(text: str, source: str | Path, codec: str, *, problems: list[str] | None = None,
             cells: bool = False) -> str:
    """The decoded text if it is text, with a few stray control characters repaired (and noted); else ReadError."""
    if not text.strip():
        raise ReadError(source, "file is empty (only white space)")
    misread = _double_encoded(text) if codec.startswith("utf-8") else None
    if misread is not None:
        raise ReadError(
            source,
            f"looks double-encoded: UTF-8 text that was read as {misread} and saved again as UTF-8 (it starts "
            f"{text.strip()[:12]!r}); get the original file, or repair it (e.g. with ftfy) and load it again",
        )
    if "\x00" in text:
        raise ReadError(source, f"decoded as {codec} but contains NUL characters: a binary file?")
    if not _looks_like_text(text):
        repair = _repaired_controls(text, cells=cells)
        if repair is None:
            raise ReadError(source, f"decoded as {codec} but contains control or private-use characters: a binary "
                                    "file?")
        text, note, info = repair
        if note:  # nothing to say about NEL kept in CSV/JSONL cells
            _warn(Path(source), note, problems, info=info)
    return text


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # control characters but NUL, tab, LF, FF and CR
_SEPARATORS = "\x85\u2028\u2029"  # NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR


def _repaired_controls(text: str, *, cells: bool) -> tuple[str, str, bool] | None:
    r"""Text with a few stray control characters repaired, a note saying how many and where (or ""), and whether the
    note is mere information; None if there are too many (over one per 500 characters: a binary file) or the text
    does not look like text without them.

    U+0085 (NEL), U+000B (a manual line break from Word), U+2028 and U+2029 become line breaks, the other control
    characters are removed. NEL in a text without another line break is its line break (a file from a mainframe),
    not a stray one. With ``cells`` (CSV/JSONL text, where a line break would end a JSON string or an unquoted cell)
    NEL, U+2028 and U+2029 are kept as they are and U+000B is removed.

    Example:
        >>> text, note, info = _repaired_controls("各位代表：\x07" + "现在我代表区人民政府报告工作。" * 40, cells=False)
        >>> text[:6], info
        ('各位代表：现', False)
        >>> note
        'stray control characters: 1 removed (U+0007); the first at line 1, column 6; check the text there'
    """
    kept = "\x85" if cells else ""
    breaking = "" if cells else "\x0b\x85"
    nel_is_eol = not cells and "\n" not in text and "\r" not in text
    matches = [match for match in _CONTROL.finditer(text)
               if match.group() not in kept and not (nel_is_eol and match.group() == "\x85")]
    found = [match.group() for match in matches]
    if len(found) > len(text) // 500 or not _looks_like_text(_CONTROL.sub("", text)):
        return None
    notes = []
    if found:
        done = []
        for verb, chosen in (("replaced by line breaks", [ch for ch in found if ch in breaking]),
                             ("removed", [ch for ch in found if ch not in breaking])):
            if chosen:
                done.append(f"{len(chosen)} {verb} ({', '.join(sorted({f'U+{ord(ch):04X}' for ch in chosen}))})")
        first = matches[0].start()
        ends = "\n" + ("" if cells else _SEPARATORS + "\x0b")
        line = sum(text.count(ch, 0, first) for ch in ends) + 1
        column = first - max(text.rfind(ch, 0, first) for ch in ends)
        notes.append(f"stray control characters: {', '.join(done)}; the first at line {line}, column {column}; "
                     "check the text there")
    if nel_is_eol and "\x85" in text:
        notes.append(f"uses U+0085 (NEL) as its line break: {text.count(chr(0x85))} read as line breaks")
    if not cells:
        text = re.sub(f"[{_SEPARATORS}\x0b]", "\n", text)
    return _CONTROL.sub(lambda match: match.group() if match.group() in kept else "", text), "; ".join(notes), not found


_MISREAD_AS = (("cp1252", "Windows-1252"), ("latin-1", "Latin-1"), ("gb18030", "GBK"))


def _double_encoded(text: str) -> str | None:
    """The codec UTF-8 text was wrongly read with before being saved again as UTF-8 (mojibake such as
    ``å¹´`` or ``骞``), if turning that back gives mostly Chinese with few bad bytes; else None."""
    sample = text[:5000]
    if sum(1 for ch in sample if ord(ch) > 127) < 20:
        return None
    for codec, name in _MISREAD_AS:
        back = sample.encode(codec, errors="ignore").decode("utf-8", errors="replace")
        chinese = len(_IDEOGRAPH.findall(back))
        if chinese >= 50 and back.count("\ufffd") * 2 <= chinese:
            return name
    return None


_SINGLE_BYTE_CODECS = {"latin-1", "latin_1", "ascii", "cp437", "cp850", "koi8-r"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, if Python knows it and the page decodes with it."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    name = _DECLARED_CHARSET_ALIASES.get(name, name)
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # a declaration inside the bytes cannot be trusted for these; the BOM decides
    if name in _SINGLE_BYTE_CODECS or name.startswith(("iso8859", "cp125", "mac-")):
        return None  # pages wrongly declared latin-1 are common, and latin-1 decodes anything: detect instead
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return None  # wrong declaration: fall back to detection
    return name


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------
# Elements whose content is never report text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "iframe", "svg",
    "button", "select", "textarea", "input", "object", "embed", "canvas", "map", "head",
)
# Not <form>: ASP.NET sites (many government ones) wrap the whole page in <form id="form1">; its controls go.
# The dropped elements whose text is page furniture worth recording (the rest hold code, embedded objects or the
# <head>), by the removal rule they are recorded under.
_DROP_RULES = {"nav": "html_nav", "header": "html_header", "footer": "html_footer", "aside": "html_aside",
               "button": "html_form", "select": "html_form", "textarea": "html_form"}
# Elements that start a new line.
_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr li main menu ol p pre section summary table tbody thead tfoot tr td th ul html "
    "option legend".split()
)
# Elements that show a body is laid out as a page rather than being plain text wrapped in <body>.
_PLAIN_TEXT_MARKERS = ", ".join(["br", *sorted(_BLOCK_TAGS - {"body", "html"})])
# Block elements that may hold a whole plain-text report, one paragraph a line (pre keeps its lines anyway).
_PLAIN_TEXT_BLOCKS = ", ".join(sorted(_BLOCK_TAGS - {"body", "html", "pre"}))
_META_NAMES = ("articletitle", "pubdate", "contentsource", "sitename", "columnname", "description", "keywords")
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WIDE_CHAR = re.compile(f"[{_WIDE}]")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# White space holding a source line break is marked with NUL (never in decoded text) until the text nodes are
# joined, so that a break between two inline elements follows the same rule as one inside a text node
# (see _segment_break).
_SEGMENT_BREAK = "\x00"
_SPACE_WITH_BREAK = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")
_SPACE_AROUND_BREAK = re.compile(f"[ {_SEGMENT_BREAK}]*{_SEGMENT_BREAK}[ {_SEGMENT_BREAK}]*")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
# A line that ends a paragraph: it ends with a sentence-final mark, possibly followed by closing quotes or brackets.
_PARAGRAPH_END = re.compile(r"[。！？；：…!?;:][”’」』）)】〕\"']*\s*$")


def html_to_text(html: str, *, problems: list[str] | None = None) -> tuple[PageText, dict[str, object]]:
    """Visible text of a web page, one block per line, and the page's ``<title>`` and ``<meta>`` values.

    Scripts, styles, navigation, the site's headers (not a ``<header>`` inside ``<article>`` or ``<main>``, which
    holds the report's title), footers, form controls (not the ``<form>`` itself, which on ASP.NET sites wraps the
    whole page), side bars, lists of nothing but links (menus) and hidden elements are dropped; the text is a :class:`PageText` whose ``dropped`` records each of them that held text
    (scripts, styles and embedded objects are not recorded), for cleaning to list with its removals. Broken markup is
    repaired by the HTML5 parser (``selectolax``/lexbor) the way a browser would, except that a comment,
    ``<title>``, ``<script>`` or similar element that is never closed ends before the next tag instead of
    swallowing the rest of the page (a note saying so goes to ``problems`` if given). As in CSS, a line break
    between two Chinese characters inside a paragraph disappears instead of becoming a space, also when it
    separates two inline elements (``<span>政</span>⏎<span>府</span>`` reads 政府); unlike CSS, it disappears
    next to digits and punctuation too (Word splits runs inside numbers: ``增长6.</span>⏎<span>5%`` reads 增长6.5%)
    and is a space only between two Latin letters. Plain text with one paragraph per source line, right in
    ``<body>`` or in a block element without block elements and ``<br>`` in it, keeps its lines as paragraphs;
    a ``<p>`` wrapped over several source lines is not split.

    Example:
        >>> text, fields = html_to_text("<title>报告</title><nav>首页</nav><p>各位代表：</p><p>现在</p>")
        >>> text, fields["html_title"]
        ('各位代表：\\n现在', '报告')
    """
    from selectolax.lexbor import LexborHTMLParser

    html, notes = _close_runaway_markup(html)
    if problems is not None:
        problems.extend(notes)
    tree = LexborHTMLParser(html)
    fields: dict[str, object] = {}
    title_node = tree.css_first("title")
    if title_node is not None:
        title = _HTML_SPACE.sub(" ", title_node.text(deep=True) or "").strip()
        if title:
            fields["html_title"] = title
    for meta in tree.css("meta[name][content]"):
        name = (meta.attributes.get("name") or "").strip().lower()
        content = (meta.attributes.get("content") or "").strip()
        if name in _META_NAMES and content and f"html_meta_{name}" not in fields:
            fields[f"html_meta_{name}"] = content
    dropped: list[Removal] = []
    _drop([node for node in tree.css(", ".join(_DROP_TAGS)) if not _is_article_header(node)],
          lambda node: _DROP_RULES.get(node.tag), dropped)
    # a list whose every item is a single link is a navigation menu
    _drop([node for node in tree.css("ul, ol, menu") if _is_link_menu(node)], lambda node: "html_menu", dropped)
    _drop([node for node in tree.css("[hidden], [style]") if _is_hidden(node)], lambda node: "html_hidden", dropped)
    root = tree.body or tree.root
    if root is None:
        return PageText("", dropped), fields
    return PageText(_render(root, _plain_text_blocks(root)), dropped), fields


def _is_article_header(node: object) -> bool:
    """A <header> inside <article> or <main>: the report's own title and meeting line, not the site's banner."""
    if node.tag != "header":  # type: ignore[attr-defined]
        return False
    above = node.parent  # type: ignore[attr-defined]
    while above is not None:
        if above.tag in ("article", "main"):
            return True
        above = above.parent
    return False


def _is_hidden(node: object) -> bool:
    attributes = node.attributes  # type: ignore[attr-defined]
    style = (attributes.get("style") or "").replace(" ", "").lower()
    return "hidden" in attributes or "display:none" in style or "visibility:hidden" in style


def _drop(nodes: list[object], rule_of: Callable[[object], str | None], dropped: list[Removal]) -> None:
    """Remove ``nodes`` (in document order) from the tree, each with what it holds; the text of each outermost one
    is recorded in ``dropped`` under ``rule_of(node)`` unless that is None or the node holds no text."""
    taken: set[int] = set()
    for node in nodes:
        above = node.parent  # type: ignore[attr-defined]
        while above is not None and above.mem_id not in taken:
            above = above.parent
        if above is not None:
            continue  # inside an element already taken out with everything in it
        taken.add(node.mem_id)  # type: ignore[attr-defined]
        rule = rule_of(node)
        text = _render(node, set()) if rule is not None else ""
        if text:
            dropped.append(Removal(rule, text))
    for node in nodes:
        if node.mem_id in taken:  # type: ignore[attr-defined]
            node.decompose()  # type: ignore[attr-defined]


def _render(root: object, plain: set[int]) -> str:
    """The text of an element and everything in it, one block per line (see :func:`html_to_text`); ``plain`` holds
    the elements whose source lines are paragraphs (see :func:`_plain_text_blocks`)."""
    pieces: list[str] = []
    link_bars: dict[int, bool] = {}
    # Iterative walk (deeply nested broken pages must not hit the recursion limit).
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag  # type: ignore[attr-defined]
        if tag == "a" and _in_link_bar(node, link_bars):
            pieces.append("\n")  # each link of a navigation/footer bar on its own line
        if leaving:
            if tag in _BLOCK_TAGS:
                pieces.append("\n")
            continue
        if tag == "-text":
            raw = node.text_content or ""  # type: ignore[attr-defined]
            if _inside_pre(node):
                pieces.append(raw)
            elif raw.strip() and _parent_id(node) in plain:
                pieces.append("\n".join(_text_node(line, preformatted=False) for line in _LINE_BREAK.split(raw)))
            else:
                pieces.append(_text_node(raw, preformatted=False))
            continue
        if tag == "br":
            pieces.append("\n")
            continue
        if tag.startswith("-") or tag == "_comment":
            continue
        if tag in _BLOCK_TAGS:
            pieces.append("\n")
        stack.append((node, True))
        children = []
        child = node.child  # type: ignore[attr-defined]
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    joined = _SPACE_AROUND_BREAK.sub(_segment_break, "".join(pieces))
    lines = [" ".join(line.split()) for line in joined.split("\n")]
    return "\n".join(line for line in lines if line)


def _segment_break(match: re.Match[str]) -> str:
    """What white space holding a source line break inside a paragraph becomes: a space between two Latin letters
    (``GDP⏎growth``), nothing elsewhere (``政⏎府``, ``201⏎8年``, ``6.⏎5%``, ``地位⏎,``)."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return " " if _LATIN_LETTER.match(before) and _LATIN_LETTER.match(after) else ""


def _parent_id(node: object) -> int | None:
    above = node.parent  # type: ignore[attr-defined]
    return above.mem_id if above is not None else None


def _plain_text_blocks(root: object) -> set[int]:
    """The elements (by ``mem_id``) whose own lines of text are paragraphs rather than wrapped source lines.

    ``root`` (the body) is one if it holds neither a block element nor a ``<br>`` (plain text saved as HTML). So is
    a block element with no block element and no ``<br>`` inside whose own text holds three or more lines that
    read as paragraphs (see :func:`_lines_are_paragraphs`): a whole report put in one ``<div>``. A page that breaks
    its lines with ``<br>`` has said where they end; its source line breaks only wrap the text, as inside a ``<p>``.
    """
    plain: set[int] = set()
    if root.css_first(_PLAIN_TEXT_MARKERS) is None:  # type: ignore[attr-defined]
        plain.add(root.mem_id)  # type: ignore[attr-defined]
        return plain
    for node in root.css(_PLAIN_TEXT_BLOCKS):  # type: ignore[attr-defined]
        own = []
        child = node.child
        while child is not None:
            if child.tag == "-text":
                own.append(child.text_content or "")
            child = child.next
        if sum(1 for line in _LINE_BREAK.split("".join(own)) if line.strip()) < 3:
            continue
        if any(inner.mem_id != node.mem_id for inner in node.css(_PLAIN_TEXT_MARKERS)):  # css() matches node too
            continue
        if _lines_are_paragraphs([line for line in _LINE_BREAK.split(node.text(deep=True) or "") if line.strip()]):
            plain.add(node.mem_id)
    return plain


_WRAP_WIDTH = 160  # columns: no editor wraps source text wider
_HEADING_WIDTH = 40  # columns: a line this short is a heading or a line of its own, not a wrapped piece


def _display_width(text: str) -> int:
    return len(text) + len(_WIDE_CHAR.findall(text))


def _lines_are_paragraphs(lines: list[str]) -> bool:
    """Lines of source text are paragraphs, not one paragraph wrapped at an editor's width: three or more lines,
    one of them wider than any wrap width (over 160 columns, a Chinese character taking two), and at least half
    of them (the last left out) ending a paragraph, with a sentence-final mark (。：；！？) or by being as short as
    a heading (20 Chinese characters at most). Wrapped lines are all about as wide and end mid-sentence.

    Example:
        >>> _lines_are_paragraphs(["各位代表：", "现在，我代表区人民政府报告工作。" * 6, "一、回顾", "过去一年，增长6.5%。"])
        True
        >>> _lines_are_paragraphs(["现在，我代表区人民政府向大会报", "告工作，请予审议，并请各位政协委", "员提出意见。"])
        False
    """
    if len(lines) < 3:
        return False
    widths = [_display_width(line.strip()) for line in lines]
    if max(widths) <= _WRAP_WIDTH:
        return False
    ends = sum(1 for line, width in zip(lines[:-1], widths) if width <= _HEADING_WIDTH or _PARAGRAPH_END.search(line))
    return 2 * ends >= len(lines) - 1


# Elements whose content the parser does not read as markup: left open, each swallows the rest of the page.
_RAW_TEXT_TAGS = ("script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript")
_ANY_TAG = re.compile(r"</?[A-Za-z]")
# Tags that cannot be part of a script or style: where a runaway one ends.
_PAGE_TAG = re.compile(rf"</?(?:{_TEXT_TAG_NAMES}|html|head|body|main|center|meta|link|title)[\s/>]", re.IGNORECASE)
# A complete comment: <!--> and <!---> are empty ones; --!> ends one as --> does.
_COMMENT = re.compile(r"<!--(?:>|->|.*?--!?>)", re.DOTALL)
# What the source of a page hides from view: a closed script or style (group 1 names it) or a comment.
_SOURCE_HIDDEN = re.compile(rf"<(script|style)\b[^>]*>.*?</\1\s*>|{_COMMENT.pattern}", re.IGNORECASE | re.DOTALL)


def _close_runaway_markup(html: str) -> tuple[str, list[str]]:
    """End each comment and raw-text element (title, script, ...) that is never closed before the next tag, so
    that it does not swallow the rest of the page; one note per repair."""
    notes: list[str] = []
    masked = _blanked(html, scripts=True, comments=False)  # "<!--" in a script or style opens no comment
    position = 0
    while (start := masked.find("<!--", position)) >= 0:
        closed = _COMMENT.match(html, start)
        if closed:
            position = closed.end()
            continue
        # it ends before the next tag or, if it has text on its own line, at the end of that line if that is sooner
        tag = _ANY_TAG.search(html, start + 4)
        line_end = html.find("\n", start)
        ends = [tag.start()] if tag else []
        if line_end >= 0 and html[start + 4:line_end].strip():
            ends.append(line_end)
        if not ends:
            break  # nothing after it to save
        cut_at = min(ends)
        where = "before the next tag" if tag and cut_at == tag.start() else "at the end of its line"
        notes.append(f"HTML comment opened on line {html.count(chr(10), 0, start) + 1} is never closed; ended it "
                     f"{where} to keep the text after it")
        html = html[:cut_at] + "-->" + html[cut_at:]
        masked = masked[:cut_at] + "-->" + masked[cut_at:]
        position = cut_at + 3
    for tag in _RAW_TEXT_TAGS:
        # tags inside comments (and, for the others, inside scripts and styles) do not count
        masked = _blanked(html, scripts=tag not in ("script", "style"), comments=True)
        opening = re.compile(rf"<{tag}(?:\s[^>]*)?>", re.IGNORECASE)
        closing = re.compile(rf"</{tag}\s*>", re.IGNORECASE)
        position = 0
        while (start := opening.search(masked, position)) is not None:
            end = closing.search(masked, start.end())
            if end:
                position = end.end()
                continue
            stop = (_ANY_TAG if tag in ("title", "textarea") else _PAGE_TAG).search(masked, start.end())
            if stop is None:
                break  # nothing after it to save
            line = html.count("\n", 0, start.start()) + 1
            notes.append(f"<{tag}> on line {line} is never closed; ended it before the next tag to keep the text "
                         "after it")
            html = html[: stop.start()] + f"</{tag}>" + html[stop.start():]
            masked = masked[: stop.start()] + f"</{tag}>" + masked[stop.start():]
            position = stop.start()
    return html, notes


def _blanked(html: str, *, scripts: bool, comments: bool) -> str:
    """``html`` with its closed ``<script>``/``<style>`` elements and/or its comments turned into spaces (so that
    offsets stay the same). Both are found in one pass from the start, as a browser reads them: a ``<!--`` inside a
    script is not a comment, nor is a ``<script>`` inside a comment a script."""
    def blank(match: re.Match[str]) -> str:
        wanted = scripts if match.group(1) else comments
        return " " * len(match.group()) if wanted else match.group()

    return _SOURCE_HIDDEN.sub(blank, html)


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _text_shortfall(html: str, text: str) -> str | None:
    """A note when the visible text holds less than half of the Chinese characters of the page's markup (scripts,
    styles and comments left out): text hidden or swallowed by broken markup. None when nothing is missing."""
    in_page = len(_IDEOGRAPH.findall(_SOURCE_HIDDEN.sub(" ", html)))
    visible = len(_IDEOGRAPH.findall(text))
    if in_page - visible < 500 or visible * 2 >= in_page:
        return None
    return (f"visible text holds only {visible} of the {in_page} Chinese characters in the page's markup; the rest "
            "is hidden, navigation, or swallowed by broken markup: check the file")


def _is_link_menu(node: object) -> bool:
    """Every item of the list is exactly one link (its whole text is the link's text)."""
    items = node.css("li")  # type: ignore[attr-defined]
    if not items:
        return False
    for item in items:
        links = item.css("a")
        if len(links) != 1 or (item.text(deep=True) or "").strip() != (links[0].text(deep=True) or "").strip():
            return False
    return True


def _in_link_bar(link: object, cache: dict[int, bool]) -> bool:
    """The link's parent holds nothing but two or more links (and separators): a navigation or footer bar."""
    parent = link.parent  # type: ignore[attr-defined]
    if parent is None:
        return False
    key = parent.mem_id
    if key not in cache:
        links = 0
        child = parent.child
        bar = True
        while child is not None:
            if child.tag == "a":
                links += 1
            elif child.tag == "-text":
                bar = not (child.text_content or "").strip(" \t\r\n\f|｜·/•-—\u00a0\u3000")
            elif not child.tag.startswith("-") and child.tag != "_comment" and child.tag != "br":
                bar = False
            if not bar:
                break
            child = child.next
        cache[key] = bar and links >= 2
    return cache[key]


def _text_node(text: str, *, preformatted: bool) -> str:
    if preformatted:
        return text
    return _HTML_SPACE.sub(" ", _SPACE_WITH_BREAK.sub(_SEGMENT_BREAK, text.replace(_SEGMENT_BREAK, "")))


def _inside_pre(node: object) -> bool:
    parent = node.parent  # type: ignore[attr-defined]
    while parent is not None:
        if parent.tag == "pre":
            return True
        parent = parent.parent
    return False


# --------------------------------------------------------------------------------------------------
# CSV and JSONL
# --------------------------------------------------------------------------------------------------
def _pick_column(
    available: Sequence[str], wanted: str | None, candidates: Iterable[str], *, role: str, file: Path
) -> str | None:
    if wanted is not None:
        if wanted not in available:
            raise ReadError(file, f"{role} column {wanted!r} not found; columns are {list(available)}")
        return wanted
    lowered = {name.strip().lower(): name for name in reversed(list(available))}
    for candidate in candidates:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    return None


def _row_fields(row: dict[str, object], text_col: str, title_col: str | None) -> dict[str, object]:
    fields = {key: value for key, value in row.items() if key != text_col}
    if title_col is not None and title_col != "title":
        fields["title"] = row.get(title_col)
    return fields


def _skip_or_raise(file: Path, message: str, problems: list[str] | None) -> None:
    """Record a malformed row in ``problems`` (the caller skips it), or raise when the caller wants no skipping."""
    if problems is None:
        raise ReadError(file, message)
    problems.append(message)


_ESCAPED_BREAK = re.compile(r"\\r\\n|\\n|\\r")


def _unescaped_line_breaks(text: str) -> str:
    r"""A cell whose paragraphs were joined by literal ``\n`` escapes (no real line break, two or more escapes) gets
    real line breaks back, so its report is split into paragraphs and sections like any other.

    Example:
        >>> _unescaped_line_breaks(r"各位代表：\n一、回顾\n增长5%。")
        '各位代表：\n一、回顾\n增长5%。'
    """
    if "\n" in text or "\r" in text or len(_ESCAPED_BREAK.findall(text)) < 2:
        return text
    return _ESCAPED_BREAK.sub("\n", text)


def _no_rows(file: Path, kind: str, empty: str, problems: list[str]) -> ReadError:
    """The error for a CSV/JSONL file none of whose rows could be read, given the notes made while reading its rows;
    information notes (:class:`ReadNote`, such as "is a JSON array") are not reasons a row was skipped."""
    skipped = [problem for problem in problems if not isinstance(problem, ReadNote)]
    if not skipped:
        return ReadError(file, empty)
    more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
    return ReadError(file, f"no {kind} row could be read: {skipped[0]}{more}")


class _Lines:
    """The physical lines of a text, handed to :func:`csv.reader` one at a time; ``position`` (the number of lines
    handed out so far) can be moved to restart reading at another line after a malformed row."""

    def __init__(self, text: str) -> None:
        self.lines = list(io.StringIO(text, newline=""))  # splits at \n, \r\n and \r, keeping them
        self.position = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _record_at(lines: _Lines, index: int, delimiter: str) -> tuple[list[str] | None, int, int]:
    """The record that starts at 0-based line ``index`` or at the first non-blank line after it, that line's
    index and the index of the line after the record; the record is None if it is malformed or the file ends."""
    while index < len(lines.lines) and not lines.lines[index].strip():
        index += 1
    probe = _Lines("")
    probe.lines, probe.position = lines.lines, index
    try:
        return next(csv.reader(probe, delimiter=delimiter, strict=True), None), index, probe.position
    except csv.Error:
        return None, index, probe.position


def _starts_rows(lines: _Lines, index: int, n_fields: int, delimiter: str) -> bool:
    """A row of the right width starts at line ``index`` and is believable as a row rather than a stray line of
    text: it spans several lines (a quoted report) or the record after it is also of the right width (or absent)."""
    record, start, after = _record_at(lines, index, delimiter)
    if record is None or len(record) != n_fields:
        return False
    if after - start > 1 or after >= len(lines.lines):
        return True
    following, _, end = _record_at(lines, after, delimiter)
    return len(following) == n_fields if following is not None else end >= len(lines.lines)


def _read_csv(
    file: Path, text: str, encoding: str, *, delimiter: str, text_column: str | None, title_column: str | None,
    problems: list[str] | None = None,
) -> list[RawDocument]:
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # a whole report fits in one cell
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(file, "CSV file is empty") from None
    except csv.Error as exc:
        raise ReadError(file, f"malformed CSV header on line {lines.position}: {exc}") from exc
    header = [name.strip() for name in header]
    if not any(header):
        raise ReadError(file, "CSV header (line 1) is empty")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ReadError(file, f"CSV header (line 1) repeats column name(s) {duplicates}")
    text_col = _pick_column(header, text_column, TEXT_COLUMN_CANDIDATES, role="text", file=file)
    if text_col is None:
        raise ReadError(
            file, f"no text column: none of {list(TEXT_COLUMN_CANDIDATES)} in the header {header}; pass text_column=..."
        )
    title_col = _pick_column(header, title_column, TITLE_COLUMN_CANDIDATES, role="title", file=file)

    documents = []
    already = len(problems or [])  # problems found before the rows (damaged bytes)
    row_number = 0
    while True:
        start_line = lines.position + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            message = f"malformed CSV at line {start_line} (row {row_number}): "
            if problems is None:
                raise ReadError(file, message + str(exc)) from exc
            problems.append(message + _skip_bad_quoting(lines, start_line, exc, len(header), delimiter))
            continue
        if not values or all(not v.strip() for v in values):
            continue  # blank line
        row_number += 1
        if len(values) != len(header):
            _skip_or_raise(file, f"malformed CSV at line {start_line} (row {row_number}): {len(values)} fields, "
                                 f"header has {len(header)}", problems)
            continue
        row: dict[str, object] = {name: (value if value != "" else None) for name, value in zip(header, values)}
        body = row.get(text_col) or ""
        if not str(body).strip():  # like a JSONL record whose text is null
            _skip_or_raise(file, f"line {start_line} (row {row_number}): text column {text_col!r} is empty", problems)
            continue
        documents.append(
            RawDocument(
                source=f"{file}#row={row_number}",
                format="csv",
                encoding=encoding,
                text=_unescaped_line_breaks(str(body)),
                fields=_row_fields(row, text_col, title_col),
            )
        )
    if not documents:
        raise _no_rows(file, "CSV", "CSV file has a header but no rows", (problems or [])[already:])
    return documents


def _skip_bad_quoting(lines: _Lines, start_line: int, error: csv.Error, n_fields: int, delimiter: str) -> str:
    """Move ``lines`` past a row whose quoting is broken and describe what was skipped.

    A quote never closed runs to the end of the file, which is skipped. Otherwise reading restarts at the first
    line that starts a believable row of the header's width (see :func:`_starts_rows`): often the line the error
    was found on, whose opening quote had closed the stray one; lines of text between are the broken row's.
    """
    error_line = lines.position  # the line the parser was on when it gave up
    if error_line >= len(lines.lines) and "end of data" in str(error):
        problem = f"a quoted field is never closed ({error})"
    else:
        problem = str(error)
        # the rest of the broken row: the lines up to the first that starts a believable row (it may be the line
        # the error was found on, whose opening quote closed the stray one)
        resume = error_line - 1 if error_line > start_line else error_line
        while resume < len(lines.lines) and not _starts_rows(lines, resume, n_fields, delimiter):
            resume += 1
        lines.position = resume
    last = lines.position
    span = f"line {start_line} skipped" if last == start_line else f"lines {start_line}-{last} skipped"
    return f"{problem}; {span}"


def _json_records(file: Path, text: str, problems: list[str] | None) -> Iterable[tuple[str, int, object]]:
    """``(where, number, value or JSONDecodeError)`` for each non-blank line of JSON Lines text; a whole file that
    is one JSON array of objects (saved as .jsonl) gives its items instead, with a note."""
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            items = None
        if isinstance(items, list) and any(isinstance(item, dict) for item in items):
            _warn(file, f"is a JSON array, not JSON Lines (one object per line); read its {len(items)} item(s) as "
                        "records", problems, info=True)
            yield from ((f"item {number}", number, item) for number, item in enumerate(items, start=1))
            return
    # Split on "\n" only: JSON strings may legally hold U+2028 and other characters str.splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            yield f"line {number}", number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", number, exc


def _read_jsonl(
    file: Path, text: str, encoding: str, *, text_column: str | None, title_column: str | None,
    problems: list[str] | None = None,
) -> list[RawDocument]:
    documents = []
    already = len(problems or [])  # problems found before the rows (damaged bytes)
    text_col: str | None = None
    title_col: str | None = None
    for where, number, row in _json_records(file, text, problems):
        if isinstance(row, json.JSONDecodeError):
            _skip_or_raise(file, f"{where} is not valid JSON: {row.msg} (column {row.colno})", problems)
            continue
        if not isinstance(row, dict):
            _skip_or_raise(file, f"{where} is a JSON {type(row).__name__}, expected an object", problems)
            continue
        if text_col is None:
            keys = list(row)
            text_col = _pick_column(keys, text_column, TEXT_COLUMN_CANDIDATES, role="text", file=file)
            if text_col is None:
                raise ReadError(
                    file,
                    f"{where}: no text field, none of {list(TEXT_COLUMN_CANDIDATES)} in {keys}; pass text_column=...",
                )
            title_col = title_column or _pick_column(keys, None, TITLE_COLUMN_CANDIDATES, role="title", file=file)
        body = row.get(text_col)
        if not isinstance(body, str):
            problem = "is missing" if text_col not in row else f"is {type(body).__name__}, not text"
            _skip_or_raise(file, f"{where}: text field {text_col!r} {problem}", problems)
            continue
        if not body.strip():
            _skip_or_raise(file, f"{where}: text field {text_col!r} is empty", problems)
            continue
        documents.append(
            RawDocument(
                source=f"{file}#row={number}",
                format="jsonl",
                encoding=encoding,
                text=_unescaped_line_breaks(body),
                fields=_row_fields(row, text_col, title_col),
            )
        )
    if not documents:
        raise _no_rows(file, "JSONL", "JSONL file has no records", (problems or [])[already:])
    return documents
