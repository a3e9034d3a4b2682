"""The corpus: load raw reports into one tidy table, with a quality report.

``load_corpus`` runs the first stages of the pipeline (read -> clean -> metadata -> segment) and returns a
:class:`Corpus`. Everything downstream (tokenization, topics, comparisons, attention, targets) reads from it.

Example:
    >>> from reportlab_analysis import load_corpus
    >>> corpus = load_corpus("data/raw")
    >>> corpus.reports[["region", "year"]].head(2)          # doctest: +SKIP
    >>> corpus.paragraphs(metadata=["region", "year"])       # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from . import segment
from ._frames import query_mask
from .cleaning import _ZERO_WIDTH, clean_text
from .metadata import DOC_TYPES, LEVELS, extract_metadata, parse_year
from .reading import (
    SUPPORTED_SUFFIXES,
    RawDocument,
    ReadError,
    ReadNote,
    ReadWarning,
    find_report_files,
    read_documents,
    scan_folder,
    unsupported_problem,
)

OnError = Literal["raise", "warn"]

#: Columns of :attr:`Corpus.reports`, in this order; the other columns of CSV/JSONL input and of a manifest follow.
REPORT_COLUMNS = [
    "doc_id", "source", "format", "encoding", "title", "level", "region", "city", "province", "adcode", "place",
    "year", "meeting_date", "speaker", "n_chars", "text", "appendix",
]
METADATA_FIELDS = ["title", "level", "region", "city", "province", "adcode", "year", "meeting_date", "speaker"]
QUALITY_COLUMNS = ["doc_id", "source", "field", "severity", "message"]
REMOVED_COLUMNS = ["doc_id", "rule", "text"]


class CorpusWarning(UserWarning):
    """A file was skipped or a report looks doubtful; details are in ``Corpus.quality``."""


class CorpusError(ValueError):
    """No report to load: the folder holds no report file, or not one of them can be read."""


@dataclass
class Corpus:
    """A set of reports with their metadata, clean text, removed boilerplate and quality notes.

    Attributes:
        reports: one row per report (see ``REPORT_COLUMNS``).
        quality: one row per problem found: ``doc_id`` (NA for files that could not be read and for reports left
            out: resolutions, dropped duplicates), ``source``,
            ``field``, ``severity`` ("error", "warning" or "info") and ``message``.
        removed: what cleaning removed, one row per removed block: ``doc_id``, ``rule``, ``text``.
    """

    reports: pd.DataFrame
    quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUALITY_COLUMNS))
    removed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REMOVED_COLUMNS))
    raw_texts: dict[str, str] = field(default_factory=dict, repr=False)

    def original(self, doc_id: str) -> str:
        """The decoded text of a report before cleaning (boilerplate, full-width characters and all).

        Example:
            >>> corpus.original(corpus.reports.doc_id[0])[:20]  # doctest: +SKIP
        """
        try:
            return self.raw_texts[doc_id]
        except KeyError:
            raise KeyError(f"no report with doc_id {doc_id!r} in this corpus") from None

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        years = self.reports["year"].dropna()
        span = f"{int(years.min())}-{int(years.max())}" if len(years) else "no years"
        return f"<Corpus: {len(self)} reports, {span}, {len(self.quality)} quality notes>"

    # ----------------------------------------------------------------------------------------------
    def paragraphs(self, *, metadata: bool | Sequence[str] = False, include_appendix: bool = False) -> pd.DataFrame:
        """One row per paragraph: ``doc_id``, ``section``, ``para_id``, ``text`` (+ report metadata on request).

        Args:
            metadata: ``True`` adds every metadata field, a list adds the named report columns.
            include_appendix: also the paragraphs of the appendix (section ``appendix``: glossaries, notes set
                aside by cleaning). Off by default, like ``reports["text"]``, topic documents and targets, so
                that a measure is the same whichever table it is computed from.

        Example:
            >>> corpus.paragraphs(metadata=["region", "year"]).query("section == 'plan'")  # doctest: +SKIP
        """
        rows = []
        years = self.reports["year"].astype("object").where(self.reports["year"].notna(), None)
        for doc_id, text, appendix, year in zip(self.reports["doc_id"], self.reports["text"], self.reports["appendix"], years):
            for para_id, (section, para) in enumerate(segment.segment_report(text, appendix or "", year=year)):
                if section == "appendix" and not include_appendix:
                    continue
                rows.append((doc_id, section, para_id, para))
        frame = pd.DataFrame(rows, columns=["doc_id", "section", "para_id", "text"])
        return self._with_metadata(frame, metadata)

    def sentences(self, *, metadata: bool | Sequence[str] = False, include_appendix: bool = False) -> pd.DataFrame:
        """One row per sentence: ``doc_id``, ``section``, ``para_id``, ``sent_id``, ``text`` (+ metadata); the
        appendix only with ``include_appendix=True``, as for :meth:`paragraphs`.

        Example:
            >>> corpus.sentences().head()  # doctest: +SKIP
        """
        paras = self.paragraphs(include_appendix=include_appendix)
        rows = []
        for doc_id, section, para_id, text in paras.itertuples(index=False):
            for sent_id, sentence in enumerate(segment.split_sentences(text)):
                rows.append((doc_id, section, para_id, sent_id, sentence))
        frame = pd.DataFrame(rows, columns=["doc_id", "section", "para_id", "sent_id", "text"])
        return self._with_metadata(frame, metadata)

    def subset(self, mask: pd.Series | Sequence[bool] | str) -> "Corpus":
        """A new corpus with the reports selected by a boolean mask, a ``DataFrame.query`` string or a list of
        ``doc_id``. A boolean Series is matched on its index (a mask built from a sorted or filtered copy of
        ``reports`` selects the right reports); a plain list of booleans by position.

        Example:
            >>> corpus.subset("city == '哈尔滨市' and year >= 2020")  # doctest: +SKIP
            >>> corpus.subset(corpus.reports["place"] == "南岗区")    # doctest: +SKIP
        """
        reports = self.reports.loc[self._selection(mask)]
        keep = set(reports["doc_id"])
        return Corpus(
            reports=reports.reset_index(drop=True),
            quality=self.quality[self.quality["doc_id"].isin(keep) | self.quality["doc_id"].isna()].reset_index(drop=True),
            removed=self.removed[self.removed["doc_id"].isin(keep)].reset_index(drop=True),
            raw_texts={k: v for k, v in self.raw_texts.items() if k in keep},
        )

    def _selection(self, mask: pd.Series | Sequence[bool] | str) -> pd.Series:
        """The boolean selection over ``reports`` that :meth:`subset` was given, checked."""
        reports = self.reports
        if isinstance(mask, str):
            try:
                return query_mask(reports, mask)
            except ValueError as error:
                raise ValueError(f"subset: cannot evaluate {mask!r} on the reports {error}") from error
        if isinstance(mask, pd.Series) and pd.api.types.is_bool_dtype(mask):
            if not mask.index.isin(reports.index).all() or len(mask) != len(reports):
                raise ValueError("subset: the mask's index does not match corpus.reports' index; build it from "
                                 "corpus.reports (a filtered copy selects fewer rows than the corpus has)")
            return mask.reindex(reports.index).fillna(False).astype(bool)
        values = list(mask)
        if values and all(isinstance(v, (bool, np.bool_)) for v in values):
            if len(values) != len(reports):
                raise ValueError(f"subset: {len(values)} booleans for {len(reports)} reports")
            return pd.Series(values, index=reports.index)
        unknown = sorted(set(map(str, values)) - set(reports["doc_id"]))
        if unknown:
            raise ValueError(f"subset: unknown doc_id(s) {unknown[:5]}; give a boolean mask, a query string or "
                             "doc_ids of corpus.reports")
        return reports["doc_id"].isin(set(map(str, values)))

    def _with_metadata(self, frame: pd.DataFrame, metadata: bool | Sequence[str]) -> pd.DataFrame:
        if metadata is False:
            return frame
        columns = [c for c in self.reports.columns if c not in ("text", "appendix")] if metadata is True else list(metadata)
        unknown = [c for c in columns if c not in self.reports.columns]
        if unknown:
            raise KeyError(f"unknown report column(s) {unknown}; available: {list(self.reports.columns)}")
        columns = [c for c in columns if c != "doc_id"]
        return frame.merge(self.reports[["doc_id", *columns]], on="doc_id", how="left", validate="many_to_one")


# --------------------------------------------------------------------------------------------------
def make_doc_id(raw_text: str) -> str:
    """A stable report id: a hash of the decoded raw text (independent of row order and of cleaning rules).

    Example:
        >>> make_doc_id("政府工作报告")
        're66deaac6a9f'
    """
    return "r" + hashlib.sha1(raw_text.encode("utf-8")).hexdigest()[:12]


def bundled_data_path(*parts: str) -> Path:
    """Path of a corpus bundled with the repository (``data/raw``, ``data/national/national_gwr.jsonl``).

    Example:
        >>> bundled_data_path("raw").name
        'raw'
    """
    return Path(__file__).resolve().parent.parent.joinpath("data", *parts)


def load_national_corpus(**kwargs: object) -> Corpus:
    """The bundled State Council corpus (52 reports 1954-2025; NPC resolutions left out unless asked for).

    Example:
        >>> corpus = load_national_corpus()  # doctest: +SKIP
    """
    return load_corpus(bundled_data_path("national", "national_gwr.jsonl"), **kwargs)  # type: ignore[arg-type]


def load_corpus(
    path: str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    on_error: OnError = "warn",
    include_resolutions: bool = False,
    drop_duplicates: bool = False,
    text_column: str | None = None,
    title_column: str | None = None,
    encoding: str | None = None,
    progress: bool | None = None,
    n_jobs: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
) -> Corpus:
    """Load reports from a folder (recursive) or one file into a :class:`Corpus`.

    Args:
        path: a folder, or one ``.txt``/``.html``/``.htm``/``.docx``/``.pdf``/``.csv``/``.jsonl`` file. Other
            office files in the folder (.doc, WPS, ...) are not read; each gets a warning in the quality report, as
            do unreadable folders, broken links and special files. Symlinked folders are followed (see
            :func:`reportlab_analysis.reading.scan_folder`).
        manifest: optional CSV (or DataFrame) overriding any field of any report; its key column is ``doc_id``,
            ``source`` or ``file`` (a file name or path ending). Extraction works without it.
        on_error: ``"warn"`` skips an unreadable file with a warning and a quality note; ``"raise"`` stops on it.
        include_resolutions: keep NPC resolutions *about* a report (flagged by ``doc_type``); dropped by default.
        drop_duplicates: drop reports detected as duplicates of an earlier one (they are always reported).
        text_column, title_column: column names for CSV/JSONL input (auto-detected by default).
        encoding: decode every text file (.txt, .html, .csv, .jsonl) with this codec (e.g. ``"big5"``) instead of
            detecting one; a file it cannot decode is skipped with an error note.
        progress: show a progress bar (default: when there are more than 20 files).
        n_jobs: worker processes for reading, cleaning and metadata (default: one per core for more than 200
            files, else 1). The result is the same for any value.
        cache: reuse the result of an earlier load of the same files (by content), options and loader code from the
            project cache (``.cache/reportlab_analysis/corpus``, or ``cache_dir``, or ``$REPORTLAB_ANALYSIS_CACHE``).

    Returns:
        The corpus; ``corpus.quality`` lists what could not be determined or looks doubtful.

    Example:
        >>> corpus = load_corpus("data/raw")  # doctest: +SKIP
        >>> corpus.reports.loc[0, ["region", "year", "adcode"]].tolist()  # doctest: +SKIP
        ['南岗区', 2018, '230103']
    """
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error must be 'warn' or 'raise', not {on_error!r}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"corpus path {str(path)!r} does not exist")
    if path.is_dir():
        scan = scan_folder(path)
        files, unread = scan.files, scan.unread
        skipped = [_note(None, source, "file", severity, message) for source, severity, message in scan.notes]
    else:
        files, unread, skipped = find_report_files(path), [], []
    if isinstance(manifest, (str, Path)) and Path(manifest).exists():
        files = [f for f in files if not Path(f).resolve() == Path(manifest).resolve()]  # the sheet is no report
    workers = _worker_count(n_jobs, len(files))
    root = path if path.is_dir() else path.parent
    options = dict(manifest=_manifest_fingerprint(manifest), on_error=on_error, include_resolutions=include_resolutions,
                   drop_duplicates=drop_duplicates, text_column=text_column, title_column=title_column,
                   encoding=encoding, unread=[relative_source(str(f), root) for f in unread],
                   skipped=[(note["source"], note["message"]) for note in skipped])
    store, key = (_corpus_cache(files, root, options, cache_dir) if cache and files else (None, ""))
    if store is not None:
        cached = _cached_load(store, key)
        if cached is not None:
            for message in cached["warnings"]:
                warnings.warn(message, CorpusWarning, stacklevel=2)
            return cached["corpus"]
    load_warnings: list[str] = []
    quality: list[dict[str, object]] = []
    removed: list[dict[str, object]] = []
    for file in unread:  # a .doc among the reports is named, not passed over
        source = relative_source(str(file), root)
        message = unsupported_problem(file)
        quality.append(_note(None, source, "file", "warning", message))
        load_warnings.append(f"{source}: {message}")
        warnings.warn(f"{source}: {message}", CorpusWarning, stacklevel=2)
    for note in skipped:  # a folder, link or special file that cannot be read is named, not passed over
        quality.append(note)
        if note["severity"] != "info":
            load_warnings.append(f"{note['source']}: {note['message']}")
            warnings.warn(f"{note['source']}: {note['message']}", CorpusWarning, stacklevel=2)
    rows: list[dict[str, object]] = []
    if not files:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        others = [f"{note['source']}: {note['message']}" for note in quality if note["severity"] != "info"]
        raise CorpusError(f"no report files ({supported}) in {path}"
                          + (f"; not read: {'; '.join(others[:5])}" if others else ""))

    from tqdm import tqdm  # plain text bar: tqdm.auto would need ipywidgets (and CDN scripts in the HTML)

    show = progress if progress is not None else len(files) > 20
    load = partial(_load_file, root=root, text_column=text_column, title_column=title_column, encoding=encoding,
                   on_error=on_error)
    bar = tqdm(total=len(files), desc="loading reports", unit="file", **({} if show else {"disable": True}))
    with bar:
        if workers == 1:
            results: Iterable[_FileResult] = map(load, files)
        else:
            executor = ProcessPoolExecutor(max_workers=workers)
            results = executor.map(load, files, chunksize=8)  # map keeps file order: same corpus as serial
        try:
            for result in results:
                rows += result.rows
                quality += result.quality
                removed += result.removed
                for message in result.warnings:
                    warnings.warn(message, CorpusWarning, stacklevel=2)
                    load_warnings.append(message)
                bar.update(1)
        finally:
            if workers > 1:
                executor.shutdown(cancel_futures=True)

    if files and not rows:
        reasons = [f"{note['source']}: {note['message']}" for note in quality if note["severity"] == "error"]
        shown = "; ".join(reasons[:5]) + (f"; and {len(reasons) - 5} more" if len(reasons) > 5 else "")
        raise CorpusError(f"no report could be read from {path}: {len(files)} file(s) found, none readable"
                          + (f" ({shown})" if shown else ""))
    standard = [*REPORT_COLUMNS, "doc_type", "_raw"]
    extra = list(dict.fromkeys(name for row in rows for name in row if name not in standard))
    reports = pd.DataFrame(rows, columns=[*standard, *extra]) if rows else _empty_reports()
    reports = _disambiguate_ids(reports, quality, removed)
    if manifest is not None:
        reports = apply_manifest(reports, manifest, quality)
    if not include_resolutions and len(reports):
        resolution = reports["doc_type"].fillna("report") == "resolution"
        for doc_id, source in reports.loc[resolution, ["doc_id", "source"]].itertuples(index=False):
            quality.append(_note(None, source, "doc_type", "info",
                                 f"left out: a resolution about a report, not a report (doc_id {doc_id}); "
                                 "include_resolutions=True keeps it"))
        reports = reports[~resolution]
    elif len(reports):
        for doc_id, source in reports.loc[reports["doc_type"] == "resolution", ["doc_id", "source"]].itertuples(index=False):
            quality.append(_note(doc_id, source, "doc_type", "info", "a resolution about a report, not a report; kept on request"))
    reports = reports.reset_index(drop=True)
    raw_texts = dict(zip(reports["doc_id"], reports["_raw"]))
    reports = reports.drop(columns="_raw")
    reports = _finish_columns(reports)
    _check_quality(reports, quality)
    duplicates = find_duplicates(reports)
    reports["duplicate_of"] = reports["doc_id"].map(duplicates).astype("string")
    for doc_id, original in duplicates.items():
        source = reports.loc[reports["doc_id"] == doc_id, "source"].iloc[0]
        original_source = reports.loc[reports["doc_id"] == original, "source"].iloc[0]
        quality.append(_note(doc_id, source, "text", "warning", f"duplicate of {original} ({original_source})"))
    if drop_duplicates:
        for doc_id, source, original in reports.loc[reports["duplicate_of"].notna(),
                                                    ["doc_id", "source", "duplicate_of"]].itertuples(index=False):
            quality.append(_note(None, source, "text", "info",
                                 f"left out: duplicate of {original} (doc_id {doc_id}); drop_duplicates=False keeps it"))
        reports = reports[reports["duplicate_of"].isna()].reset_index(drop=True)
    keep = set(reports["doc_id"])
    quality_frame = pd.DataFrame(quality, columns=QUALITY_COLUMNS)
    quality_frame = quality_frame[quality_frame["doc_id"].isna() | quality_frame["doc_id"].isin(keep)]
    removed_frame = pd.DataFrame(removed, columns=REMOVED_COLUMNS)
    removed_frame = removed_frame[removed_frame["doc_id"].isin(keep)]
    corpus = Corpus(
        reports=reports,
        quality=quality_frame.reset_index(drop=True),
        removed=removed_frame.reset_index(drop=True),
    )
    corpus.raw_texts = {k: v for k, v in raw_texts.items() if k in keep}
    if store is not None:
        store.put(key, {"corpus": corpus, "warnings": load_warnings})
    return corpus


#: The modules and data whose code decides what a load produces: a change to any of them invalidates cached loads.
_LOADER_SOURCES = ("reading.py", "documents.py", "cleaning.py", "metadata.py", "divisions.py", "corpus.py",
                   "segment.py", "data/divisions/divisions.csv")


def _corpus_cache(files: Sequence[Path], root: Path, options: Mapping[str, object],
                  cache_dir: str | Path | None) -> tuple[object, str]:
    """The corpus cache and the key of this load: file contents, options, loader code and library versions."""
    from . import cache as _cache

    package = Path(__file__).resolve().parent
    key = _cache.content_key(
        "corpus-v1",
        [(relative_source(str(f), root), _content_or_error(f)) for f in files],
        dict(options),
        [_cache.hash_file(package / name) for name in _LOADER_SOURCES],
        _cache.library_versions("pandas", "charset-normalizer", "selectolax", "opencc-python-reimplemented"),
    )
    return _cache.DiskCache("corpus", cache_dir=cache_dir), key


def _cached_load(store: object, key: str) -> dict[str, object] | None:
    """A cached load, or None (recompute). The key covers the files, the options and the loader's code, and the
    cache drops a damaged file, so an entry found is one this code wrote for these files."""
    cached = store.get(key)  # type: ignore[attr-defined]
    return cached if isinstance(cached, dict) and isinstance(cached.get("corpus"), Corpus) else None


def _content_or_error(file: Path) -> str:
    """The content hash of a file for the cache key, or a marker naming why it cannot be read.

    An unreadable file is not fatal here: the load itself reports it ("cannot be opened (Permission denied)"),
    and the marker changes once the file becomes readable, so a stale result is never reused.
    """
    from . import cache as _cache

    try:
        return _cache.hash_file(file)
    except OSError as error:
        return f"unreadable:{error.errno}"


def _manifest_fingerprint(manifest: str | Path | pd.DataFrame | None) -> str | None:
    if manifest is None:
        return None
    if isinstance(manifest, pd.DataFrame):
        return hashlib.sha1(manifest.to_csv(index=False).encode("utf-8")).hexdigest()
    path = Path(manifest)
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else str(path)


@dataclass
class _FileResult:
    rows: list[dict[str, object]] = field(default_factory=list)
    quality: list[dict[str, object]] = field(default_factory=list)
    removed: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _worker_count(n_jobs: int | None, n_files: int) -> int:
    if n_jobs is None:
        return min(os.cpu_count() or 1, 8) if n_files > 200 else 1
    if not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive whole number, not {n_jobs!r}")
    return n_jobs


def _load_file(file: Path, *, root: Path, text_column: str | None, title_column: str | None,
               encoding: str | None, on_error: OnError) -> _FileResult:
    """Read, clean and annotate the reports of one file (run in a worker process for large corpora).

    With ``on_error="warn"``, what can be saved is: a malformed CSV/JSONL row is skipped and a few damaged UTF-8
    bytes are replaced, each with a warning note, so the rest of the file still loads."""
    result = _FileResult()
    problems: list[str] | None = [] if on_error == "warn" else None
    try:
        with warnings.catch_warnings(record=True) as caught:  # notes of a strict read (on_error="raise")
            warnings.simplefilter("always", ReadWarning)
            documents = read_documents(file, text_column=text_column, title_column=title_column, encoding=encoding,
                                       problems=problems)
        for caught_warning in caught:
            if not issubclass(caught_warning.category, ReadWarning):
                warnings.warn_explicit(caught_warning.message, caught_warning.category, caught_warning.filename,
                                       caught_warning.lineno)
        if problems is None:
            problems = [_read_note(w.message, file) for w in caught if issubclass(w.category, ReadWarning)]
    except ReadError as error:
        if on_error == "raise":
            raise
        source = relative_source(str(file), root)  # the problem alone: the note's source names the file
        problem = error.problem if Path(error.path) == Path(file) else str(error)
        result.warnings.append(f"skipped {source}: {problem}")
        result.quality.append(_note(None, source, "file", "error", problem))
        return result
    source = relative_source(str(file), root)
    doc_id = make_doc_id(documents[0].text) if len(documents) == 1 and "#" not in documents[0].source else None
    for problem in problems or []:
        severity = getattr(problem, "severity", "warning")
        if severity != "info":
            result.warnings.append(f"{source}: {problem}")
        result.quality.append(_note(doc_id, source, "file", severity, str(problem)))
    for document in documents:
        try:
            result.rows.append(_build_row(document, result.quality, result.removed, root=root))
        except Exception as error:  # one bad report never loses the rest of the corpus
            if on_error == "raise":
                raise RuntimeError(f"{document.source}: could not process the report: {error}") from error
            message = f"could not process the report ({type(error).__name__}: {error})"
            result.warnings.append(f"{relative_source(document.source, root)}: {message}")
            result.quality.append(_note(None, relative_source(document.source, root), "file", "error", message))
    return result


def _read_note(warning: Warning, file: Path) -> str:
    """The note of a ReadWarning of a strict read, as a lenient read would have listed it."""
    message = str(warning).removeprefix(f"{file}: ")
    return ReadNote(message) if getattr(warning, "severity", "warning") == "info" else message


def _note(doc_id: str | None, source: str, field_name: str, severity: str, message: str) -> dict[str, object]:
    return {"doc_id": doc_id, "source": source, "field": field_name, "severity": severity, "message": message}


def relative_source(source: str, root: Path) -> str:
    """A source relative to the corpus folder, with "/" separators, so tables carry no machine-specific paths.

    Example:
        >>> relative_source("/home/me/reports/2019/a.jsonl#row=3", Path("/home/me/reports"))
        '2019/a.jsonl#row=3'
    """
    file, hash_mark, row = source.partition("#")
    try:  # the path as found under the folder first: a symlinked file or folder keeps its name in the corpus
        file = Path(os.path.normpath(file)).relative_to(os.path.normpath(root)).as_posix()
    except ValueError:
        try:
            file = Path(file).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            file = Path(file).as_posix()
    return file + hash_mark + row


def _build_row(
    document: RawDocument, quality: list[dict[str, object]], removed: list[dict[str, object]], *, root: Path
) -> dict[str, object]:
    document = replace(document, source=relative_source(document.source, root))
    cleaned = clean_text(document.text)
    doc_id = make_doc_id(document.text)
    whole_file = document.format not in ("csv", "jsonl")  # a table's file name says nothing about one row
    metadata, notes = extract_metadata(cleaned.text, raw_text=document.text, fields=document.fields,
                                       file_name=Path(document.source).name if whole_file else None)
    for note in notes:
        quality.append(_note(doc_id, document.source, note.field, note.severity, note.message))
    for removal in cleaned.removed:
        removed.append({"doc_id": doc_id, "rule": removal.rule, "text": removal.text, "source": document.source})
    quality.extend(_text_notes(doc_id, document.source, cleaned.text))
    if metadata.get("doc_type", "report") in (None, "report") and not _has_sections(cleaned.text, metadata.get("year")):
        quality.append(_note(doc_id, document.source, "section", "warning",
                             "no section headings recognised (review, plan, government self-building): its paragraphs "
                             "are labelled 'unknown' and analyses by section leave it out"))
    if document.format == "pdf":  # paragraph breaks are inferred from the layout: say so, so they can be checked
        quality.append(_note(doc_id, document.source, "text", "info",
                             "text from the PDF's text layer; paragraphs re-assembled from its lines"))
    row: dict[str, object] = {
        "doc_id": doc_id,
        "source": document.source,
        "format": document.format,
        "encoding": document.encoding,
        **{name: metadata.get(name) for name in METADATA_FIELDS},
        "doc_type": metadata.get("doc_type") or "report",
        "n_chars": len(cleaned.text),
        "text": cleaned.text,
        "appendix": cleaned.appendix,
        "_raw": document.text,
    }
    if not whole_file:  # a table's other columns (url, category, a covariate) are kept, under their own names
        for name, value in document.fields.items():
            if name not in METADATA_FIELDS:
                taken = name in row or name in ("doc_type", *COMPUTED_COLUMNS)
                row[f"field_{name}" if taken else name] = value
    return row


def _empty_reports() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in [*REPORT_COLUMNS, "doc_type", "_raw"]})


def _disambiguate_ids(
    reports: pd.DataFrame, quality: list[dict[str, object]], removed: list[dict[str, object]]
) -> pd.DataFrame:
    """Byte-identical raw texts (the same file twice) share a hash: suffix the later ones with their position.

    The quality notes and removed blocks of a renamed report follow it (they are matched by source, which is
    unique per report: a file path, or a path plus row for table formats).
    """
    if reports.empty or reports["doc_id"].is_unique:
        return reports
    reports = reports.copy()
    counts = reports.groupby("doc_id").cumcount()
    new_ids = [d if c == 0 else f"{d}-{c + 1}" for d, c in zip(reports["doc_id"], counts)]
    renamed = {
        (source, old): new for source, old, new in zip(reports["source"], reports["doc_id"], new_ids) if old != new
    }
    for entry in [*quality, *removed]:
        new_id = renamed.get((entry.get("source"), entry["doc_id"]))
        if new_id is not None:
            entry["doc_id"] = new_id
    reports["doc_id"] = new_ids
    return reports


def _finish_columns(reports: pd.DataFrame) -> pd.DataFrame:
    """Order the columns and give them their types (year nullable integer, adcode text)."""
    reports = reports.copy()
    reports["year"] = pd.to_numeric(reports["year"], errors="coerce").astype("Int64")
    reports["n_chars"] = reports["n_chars"].astype("int64")
    for column in ("adcode", "meeting_date", "title", "level", "region", "city", "province", "speaker", "doc_type"):
        reports[column] = reports[column].astype("string")
    reports["place"] = place_labels(reports)
    extra = [c for c in reports.columns if c not in REPORT_COLUMNS]
    for column in extra:
        if column not in ("doc_type", "duplicate_of") and not _CODE_COLUMN.search(str(column)):
            reports[column] = typed_column(reports[column])
    return reports[[*REPORT_COLUMNS, *extra]]


_PLAIN_NUMBER = re.compile(r"[+-]?(?:0|[1-9]\d{0,14})(?:\.\d+)?(?:[eE][+-]?\d{1,3})?|[+-]?\.\d+")
# Columns named as codes or ids stay text whatever they hold (county_code 230103, article_id, 编号).
_CODE_COLUMN = re.compile(r"(?:^|[_\s-])(?:id|ids|code|codes|no)$|^id[_\s-]|代码|编码|编号|代号|序号", re.IGNORECASE)


def typed_column(values: pd.Series) -> pd.Series:
    """A table's own column (a covariate, a flag, a url) with the type all its values share: numbers where each
    value is a number written plainly (24.3, -5, 1e3; a code with leading zeros such as 0571, a whole number of
    more than 15 digits such as an article id, and an overflowing 1e400 stay text), True and False where each is
    true or false; otherwise unchanged. Blank cells become missing values. (Columns named like codes or ids,
    ``county_code``, ``article_id``, ``编号``, are not passed here: they stay text.)

    Example:
        >>> typed_column(pd.Series(["24.3", "", "7"])).tolist()
        [24.3, nan, 7.0]
        >>> typed_column(pd.Series(["0571", "0512"])).tolist()
        ['0571', '0512']
    """
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    stripped = values.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = stripped.isna() | (stripped == "")
    present = stripped[~blank]
    if present.empty or not present.map(lambda v: isinstance(v, str)).all():
        return values
    if present.map(lambda v: _PLAIN_NUMBER.fullmatch(v) is not None).all():
        numbers = pd.to_numeric(stripped.where(~blank), errors="coerce").astype("float64")
        if np.isinf(numbers).any():
            return values
        whole = not present.str.contains(r"[.eE]").any()
        return numbers.astype("Int64") if whole else numbers
    lowered = present.str.lower()
    if lowered.isin(["true", "false"]).all():
        return stripped.where(~blank).map(lambda v: v.lower() == "true" if isinstance(v, str) else pd.NA).astype("boolean")
    return values


def place_keys(reports: pd.DataFrame) -> pd.Series:
    """One key per row for the place a report is about: its adcode when known, else its region and city (two
    通州区 in different cities are different places). Missing columns count as empty; a row with none of them is a
    place of its own (its ``doc_id``).

    Example:
        >>> place_keys(pd.DataFrame({"region": ["通州区", "通州区"], "city": ["北京市", "南通市"],
        ...                          "adcode": [None, "320612"]})).tolist()
        ['通州区|北京市', 'adcode:320612']
    """
    region, city, adcode = (_text_column(reports, c) for c in ("region", "city", "adcode"))
    keys = (region + "|" + city).where(adcode == "", "adcode:" + adcode).astype(str)
    # A report whose place is unknown is a place of its own: two such reports are not one district's series.
    unknown = (region == "") & (city == "") & (adcode == "")
    own = ("doc:" + _text_column(reports, "doc_id")) if "doc_id" in reports.columns else \
        pd.Series([f"row:{i}" for i in range(len(reports))], index=reports.index)
    return keys.where(~unknown, own).astype(str)


def _text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column] if column in frame.columns else pd.Series(pd.NA, index=frame.index)
    return values.astype("string").fillna("").str.strip()


def place_labels(reports: pd.DataFrame) -> pd.Series:
    """A short name for each report's place that no other place of the table shares: the region, with its city
    (or province) in front where two places of the table have the same region name, and the adcode added where
    even that is not enough. Places are told apart by adcode, else by region and city.

    Group by this ``place`` column rather than ``region`` when a corpus may hold namesakes (朝阳区, 鼓楼区, 通州区).
    A report without a region is ``地区不明 unknown: <its source>``, a group of its own.

    Example:
        >>> place_labels(pd.DataFrame({"region": ["通州区", "通州区", "南岗区"], "city": ["北京市", "南通市", "哈尔滨市"],
        ...                            "province": ["北京市", "江苏省", "黑龙江省"],
        ...                            "adcode": ["110112", "320612", "230103"]})).tolist()
        ['北京市通州区', '南通市通州区', '南岗区']
    """
    region, city, province, adcode = (_text_column(reports, c) for c in ("region", "city", "province", "adcode"))
    identity = place_keys(reports)
    shared = region.map(pd.Series(identity).groupby(region).nunique()) > 1
    prefix = city.where((city != "") & (city != region), province.where(province != region, ""))
    labels = region.where(~shared, prefix + region)
    still = labels.map(pd.Series(identity).groupby(labels).nunique()) > 1
    labels = labels.where(~(shared & still & (adcode != "")), labels + "（" + adcode + "）")
    # a report of unknown place keeps a label of its own, so that groupings by place show it instead of dropping it
    own = _text_column(reports, "source") if "source" in reports.columns else _text_column(reports, "doc_id")
    return labels.where(region != "", "地区不明 unknown: " + own).astype("string")


# --------------------------------------------------------------------------------------------------
MANIFEST_KEYS = ("doc_id", "source", "file", "filename")


def read_manifest(manifest: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a metadata manifest (CSV, UTF-8 or GB18030) and check it has a key column.

    Example:
        >>> read_manifest(pd.DataFrame({"file": ["a.txt"], "year": [2019]})).columns.tolist()
        ['file', 'year']
    """
    if isinstance(manifest, pd.DataFrame):
        frame, name = manifest.copy(), "manifest DataFrame"
    else:
        name = str(manifest)
        if not Path(manifest).is_file():
            raise FileNotFoundError(f"manifest {name!r} does not exist")
        suffix = Path(manifest).suffix.lower()
        if suffix in (".xlsx", ".xls", ".json", ".jsonl", ".ndjson", ".ods"):
            raise ValueError(f"manifest {name!r} must be a CSV file (comma-separated, UTF-8 or GB18030), not {suffix}; "
                             "save it as CSV, or pass a pandas DataFrame as manifest=")
        data = Path(manifest).read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(f"manifest {name!r} is neither UTF-8 nor GB18030 text")
        _check_manifest_rows(text, name)
        try:
            with warnings.catch_warnings():  # trailing empty cells (checked above) are dropped, not an index
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise ValueError(f"manifest {name!r} is not a readable CSV: {error}") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    if not any(key in frame.columns for key in MANIFEST_KEYS):
        raise ValueError(f"manifest {name!r} needs one key column of {list(MANIFEST_KEYS)}; it has {list(frame.columns)}")
    return frame


def _check_manifest_rows(text: str, name: str) -> None:
    """Refuse a manifest row with more cells than the header: pandas would shift its values into other columns
    (the file name read as the index, the year as the file name)."""
    import csv

    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header:
        return
    for row in rows:
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            raise ValueError(f"manifest {name!r} line {rows.line_num}: {len(row)} cells, but the header has "
                             f"{len(header)} ({', '.join(header)}); quote a value that holds a comma")


def apply_manifest(reports: pd.DataFrame, manifest: str | Path | pd.DataFrame, quality: list[dict[str, object]]) -> pd.DataFrame:
    """Override report fields with the non-empty cells of a manifest; every problem goes to the quality notes.

    A row is matched by ``doc_id``, else by ``source``/``file``: the report's source equals it or ends with it.
    A file name ending two reports' sources (``a/same.txt``, ``b/same.txt``) is ambiguous: the row is not applied,
    with a warning naming both. A report matched by several rows gets a warning (the later rows win). Years may be
    written 2019, 2019年, ２０１９ or 二〇一９; a year, adcode, date, level or doc_type that is not valid is not set,
    with a warning; columns the loader computes (n_chars, format, duplicate_of, ...) are ignored, with a warning.
    A warning the extraction gave about a field the manifest sets becomes an info note saying so.

    Example:
        >>> reports = pd.DataFrame({"doc_id": ["r1"], "source": ["data/raw/a.txt"], "year": [None]})
        >>> apply_manifest(reports, pd.DataFrame({"file": ["a.txt"], "year": ["二〇一九"]}), [])["year"].tolist()
        [2019]
    """
    frame = read_manifest(manifest)
    name = "manifest" if isinstance(manifest, pd.DataFrame) else str(manifest)
    reports = reports.copy()
    # the extraction's warnings and notes ("speaker not in the text"), which a manifest value resolves, by
    # (doc_id, field)
    extraction_warnings: dict[tuple[object, object], list[dict[str, object]]] = {}
    for note in quality:
        if note["severity"] in ("warning", "info"):
            extraction_warnings.setdefault((note["doc_id"], note["field"]), []).append(note)
    settable: set[str] = set()  # columns made object dtype, ready to take any manifest value
    ignored = [c for c in frame.columns if c in COMPUTED_COLUMNS and c not in MANIFEST_KEYS]
    if ignored:
        quality.append(_note(None, name, "manifest", "warning",
                             f"column(s) {', '.join(ignored)} are computed by the loader and cannot be set from a "
                             "manifest; ignored"))
    lines_of: dict[int, list[tuple[int, dict[str, object]]]] = {}  # report index -> (line, values it set)
    for row_number, row in enumerate(frame.to_dict("records"), start=2):
        matches, by_ending = _manifest_matches(reports, row)
        key = next((f"{k}={row[k]!r}" for k in MANIFEST_KEYS if row.get(k)), "an empty key")
        if not matches:
            quality.append(_note(None, name, "manifest", "warning", f"line {row_number}: {key} matches no report"))
            continue
        if len(matches) > 1 and by_ending:
            sources = ", ".join(str(reports.at[i, "source"]) for i in matches)
            quality.append(_note(None, name, "manifest", "warning",
                                 f"line {row_number}: {key} is ambiguous, it ends the sources of {len(matches)} reports "
                                 f"({sources}); not applied: give the path (source=) or the doc_id"))
            continue
        values: dict[str, object] = {}
        for column, value in row.items():
            if column in MANIFEST_KEYS or column in COMPUTED_COLUMNS or value is None or str(value).strip() == "":
                continue
            cell, problem = _manifest_value(column, value)
            if problem is not None:
                for index in matches:
                    quality.append(_note(reports.at[index, "doc_id"], reports.at[index, "source"], column, "warning",
                                         f"{name} line {row_number}: {problem}; {column} not set"))
                continue
            values[column] = cell
        for column, cell in values.items():
            if column not in settable:
                if column not in reports.columns:
                    reports[column] = pd.Series([None] * len(reports), index=reports.index, dtype="object")
                reports[column] = reports[column].astype("object")
                settable.add(column)
            for index in matches:
                reports.at[index, column] = cell
                doc_id = reports.at[index, "doc_id"]
                _resolve_earlier_notes(extraction_warnings.pop((doc_id, column), []), row_number)
                quality.append(_note(doc_id, reports.at[index, "source"], column, "info",
                                     f"set from manifest line {row_number}"))
        for index in matches:
            lines_of.setdefault(index, []).append((row_number, values))
        overridden = set(values)
        if overridden & {"region", "city", "province"} and "adcode" not in overridden:
            for index in matches:
                _reresolve_division(reports, index, quality, keep=overridden)
    for index, lines in lines_of.items():
        if len(lines) > 1:
            numbers = [line for line, _ in lines]
            conflicts = sorted({c for _, v in lines for c in v
                                if len({str(v2[c]) for _, v2 in lines if c in v2}) > 1})
            detail = (f" and differ on {', '.join(conflicts)}: the later line's value is used" if conflicts
                      else " (with the same values)")
            quality.append(_note(reports.at[index, "doc_id"], reports.at[index, "source"], "manifest", "warning",
                                 f"{name} lines {', '.join(map(str, numbers))} all match this report{detail}"))
    return reports


#: Report columns a manifest cannot set: they are computed from the file itself.
#: Columns the loader computes: a table's or a manifest's column of the same name does not set them.
COMPUTED_COLUMNS = frozenset({"doc_id", "text", "appendix", "_raw", "n_chars", "format", "encoding", "duplicate_of",
                              "place"})


def _manifest_value(column: str, value: object) -> tuple[object, str | None]:
    """A manifest cell as the report column holds it, or a problem if it is not a valid value for that column."""
    import datetime as dt

    from . import divisions as dv
    from .metadata import NATIONAL_ADCODE

    text = unicodedata.normalize("NFKC", str(value)).strip()
    if column == "year":
        year = parse_year(value)
        return (year, None) if year is not None else (None, f"{value!r} is not a year")
    if column == "adcode":
        if not re.fullmatch(r"\d{6}", text):
            return None, f"{value!r} is not an administrative division code (six digits)"
        if text != NATIONAL_ADCODE and dv.by_adcode(text) is None:
            return None, f"{value!r} is not a known administrative division code"
        return text, None
    if column == "meeting_date":
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, f"{value!r} is not a date written YYYY-MM-DD"
    if column == "level" and text not in LEVELS:
        return None, f"{value!r} is not a level ({', '.join(LEVELS)})"
    if column == "doc_type" and text not in DOC_TYPES:
        return None, f"{value!r} is not a document type ({', '.join(DOC_TYPES)})"
    return str(value).strip(), None


def _resolve_earlier_notes(notes: list[dict[str, object]], row_number: int) -> None:
    """Mark the extraction's warnings and notes about a field of a report resolved now that a manifest sets it."""
    for note in notes:
        note["severity"] = "info"
        note["message"] = f"{note['message']} (resolved: set from manifest line {row_number})"


def _reresolve_division(reports: pd.DataFrame, index: int, quality: list[dict[str, object]], *, keep: set[str]) -> None:
    """After a manifest changed region/city/province, look the adcode (and the unset parents) up again."""
    from .divisions import resolve_division
    from .metadata import division_fields

    row = reports.loc[index]
    year = pd.to_numeric(row.get("year"), errors="coerce")
    resolution = resolve_division(
        str(row["region"]), city=_text_or_none(row.get("city")), province=_text_or_none(row.get("province")),
        year=None if pd.isna(year) else int(year),
    )
    fields = division_fields(resolution.division) if resolution.division else {"adcode": None}
    for column, value in fields.items():
        if column not in keep and column in reports.columns:
            reports.at[index, column] = value
    if resolution.note:
        quality.append(_note(row["doc_id"], row["source"], "adcode", resolution.severity or "warning",
                             f"after manifest override: {resolution.note}"))


def _text_or_none(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _manifest_matches(reports: pd.DataFrame, row: Mapping[str, object]) -> tuple[list[int], bool]:
    """The reports a manifest row names, and whether only by the ending of their source (then several are
    ambiguous): by ``doc_id``, else by the first of ``source``/``file``/``filename`` given, exactly or as the
    ending of a source."""
    if row.get("doc_id"):
        return reports.index[reports["doc_id"] == str(row["doc_id"]).strip()].tolist(), False
    for key in ("source", "file", "filename"):
        value = str(row.get(key) or "").strip().replace("\\", "/")
        if value:
            sources = reports["source"].astype(str).str.replace("\\", "/", regex=False)
            exact = reports.index[sources == value].tolist()
            if exact:
                return exact, False
            return reports.index[sources.str.endswith("/" + value)].tolist(), True
    return [], False


# --------------------------------------------------------------------------------------------------
_CJK_PATTERN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN_PATTERN = re.compile(r"[A-Za-z]")
_MIN_CHARS = 2000


def _check_quality(reports: pd.DataFrame, quality: list[dict[str, object]]) -> None:
    """Fields still missing once metadata and manifest have had their say (year, region)."""
    noted = {(q["doc_id"], q["field"]) for q in quality}
    for row in reports.itertuples(index=False):
        for name in ("year", "region"):
            if pd.isna(getattr(row, name)) and (row.doc_id, name) not in noted:
                quality.append(_note(row.doc_id, row.source, name, "warning", f"{name} could not be determined"))


def _has_sections(text: str, year: int | None) -> bool:
    """Whether segmentation finds any section heading in a clean report text (else all is preamble/unknown)."""
    labels = {section for section, _ in segment.segment_report(text, year=year)}
    return not labels <= {"preamble", "unknown", "closing"}


def _text_notes(doc_id: str, source: str, text: str) -> list[dict[str, object]]:
    """Checks of one report's clean text (run in the worker): very short, mostly non-Chinese, traditional script."""
    notes = []
    if len(text) < _MIN_CHARS:
        notes.append(_note(doc_id, source, "text", "warning", f"very short text ({len(text)} characters)"))
    cjk, latin = len(_CJK_PATTERN.findall(text)), len(_LATIN_PATTERN.findall(text))
    if cjk + latin and cjk / (cjk + latin) < 0.5:
        notes.append(_note(doc_id, source, "text", "warning", f"mostly non-Chinese text ({cjk / (cjk + latin):.0%} Chinese)"))
    share = traditional_share(text)
    if share >= 0.005:
        notes.append(_note(doc_id, source, "text", "info",
                           f"traditional characters ({share:.1%} of Chinese characters are traditional-only)"))
    return notes


def traditional_share(text: str) -> float:
    """Share of the Chinese characters of a text that are written only in traditional script.

    Example:
        >>> round(traditional_share("政府工作報告"), 2)
        0.17
    """
    from .cleaning import traditional_only_characters

    counts = Counter(text)
    total = sum(n for ch, n in counts.items() if "\u4e00" <= ch <= "\u9fff")
    traditional = traditional_only_characters()
    return sum(n for ch, n in counts.items() if ch in traditional) / total if total else 0.0


_INVISIBLE = re.compile(rf"(?:\s|{_ZERO_WIDTH.pattern})+")  # cleaning's zero-width set, and white space


def _comparable(text: str) -> str:
    """The text as duplicate detection sees it: NFKC (full and half width alike), simplified characters, and no
    spaces or invisible characters inside a line (line breaks are kept: they separate paragraphs).

    Example:
        >>> _comparable("加強 政府（自身）建設\\n\\u3000第二段")
        '加强政府(自身)建设\\n第二段'
    """
    from .cleaning import simplified

    lines = simplified(unicodedata.normalize("NFKC", text)).splitlines()
    return "\n".join(_INVISIBLE.sub("", line) for line in lines)


def find_duplicates(reports: pd.DataFrame, *, threshold: float = 0.8, min_chars: int = 20) -> dict[str, str]:
    """Reports whose paragraphs are mostly (``threshold``) those of an earlier report: ``{doc_id: original_doc_id}``.

    Compares paragraph fingerprints, so the same report scraped twice with different web boilerplate is still found.
    Fingerprints are taken on a normalised text (:func:`_comparable`): a copy with full-width punctuation, in
    traditional characters, or with spaces inside words is the same report.
    Paragraphs shared by many reports (formulae like "各位代表：") are ignored. Runs in time linear in the corpus size.

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["第一段很长的内容呀呀呀呀呀呀呀呀呀呀呀呀\\n第二段", "第一段很长的内容呀呀呀呀呀呀呀呀呀呀呀呀"]})
        >>> find_duplicates(frame)
        {'b': 'a'}
    """
    fingerprints: list[set[str]] = []
    postings: dict[str, list[int]] = {}
    for i, text in enumerate(reports["text"]):
        prints = {
            hashlib.blake2b(p.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            for p in _comparable(text).split("\n") if len(p) >= min_chars
        }
        fingerprints.append(prints)
        for fp in prints:
            postings.setdefault(fp, []).append(i)
    common = max(50, len(reports) // 10)
    duplicates: dict[str, str] = {}
    doc_ids = list(reports["doc_id"])
    for i, prints in enumerate(fingerprints):
        if not prints:
            continue
        shared: dict[int, int] = {}
        for fp in prints:
            docs = postings[fp]
            if len(docs) > common:
                continue
            for j in docs:
                if j < i:
                    shared[j] = shared.get(j, 0) + 1
        for j in sorted(shared, key=lambda j: (-shared[j], j)):
            if shared[j] / min(len(prints), len(fingerprints[j]) or 1) >= threshold:
                duplicates[doc_ids[i]] = duplicates.get(doc_ids[j], doc_ids[j])
                break
    return duplicates
