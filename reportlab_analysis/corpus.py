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
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Mapping, Sequence

import pandas as pd

from . import segment
from .cleaning import clean_text
from .metadata import extract_metadata
from .reading import RawDocument, ReadError, find_report_files, read_documents

OnError = Literal["raise", "warn"]

#: Columns of :attr:`Corpus.reports`, in this order (manifest or CSV columns may add more).
REPORT_COLUMNS = [
    "doc_id", "source", "format", "encoding", "title", "level", "region", "city", "province", "adcode",
    "year", "meeting_date", "speaker", "n_chars", "text", "appendix",
]
METADATA_FIELDS = ["title", "level", "region", "city", "province", "adcode", "year", "meeting_date", "speaker"]
QUALITY_COLUMNS = ["doc_id", "source", "field", "severity", "message"]
REMOVED_COLUMNS = ["doc_id", "rule", "text"]


class CorpusWarning(UserWarning):
    """A file was skipped or a report looks doubtful; details are in ``Corpus.quality``."""


@dataclass
class Corpus:
    """A set of reports with their metadata, clean text, removed boilerplate and quality notes.

    Attributes:
        reports: one row per report (see ``REPORT_COLUMNS``).
        quality: one row per problem found: ``doc_id`` (NA for files that could not be read), ``source``,
            ``field``, ``severity`` ("error", "warning" or "info") and ``message``.
        removed: what cleaning removed, one row per removed block: ``doc_id``, ``rule``, ``text``.
    """

    reports: pd.DataFrame
    quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUALITY_COLUMNS))
    removed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REMOVED_COLUMNS))

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        years = self.reports["year"].dropna()
        span = f"{int(years.min())}-{int(years.max())}" if len(years) else "no years"
        return f"<Corpus: {len(self)} reports, {span}, {len(self.quality)} quality notes>"

    # ----------------------------------------------------------------------------------------------
    def paragraphs(self, *, metadata: bool | Sequence[str] = False, include_appendix: bool = True) -> pd.DataFrame:
        """One row per paragraph: ``doc_id``, ``section``, ``para_id``, ``text`` (+ report metadata on request).

        Args:
            metadata: ``True`` adds every metadata field, a list adds the named report columns.
            include_appendix: keep the paragraphs of the appendix (section ``appendix``).

        Example:
            >>> corpus.paragraphs(metadata=["region", "year"]).query("section == 'plan'")  # doctest: +SKIP
        """
        rows = []
        for doc_id, text, appendix in zip(self.reports["doc_id"], self.reports["text"], self.reports["appendix"]):
            for para_id, (section, para) in enumerate(segment.segment_report(text, appendix or "")):
                if section == "appendix" and not include_appendix:
                    continue
                rows.append((doc_id, section, para_id, para))
        frame = pd.DataFrame(rows, columns=["doc_id", "section", "para_id", "text"])
        return self._with_metadata(frame, metadata)

    def sentences(self, *, metadata: bool | Sequence[str] = False, include_appendix: bool = True) -> pd.DataFrame:
        """One row per sentence: ``doc_id``, ``section``, ``para_id``, ``sent_id``, ``text`` (+ metadata).

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
        """A new corpus with the reports selected by a boolean mask or a ``DataFrame.query`` string.

        Example:
            >>> corpus.subset("city == '哈尔滨市' and year >= 2020")  # doctest: +SKIP
        """
        reports = self.reports.query(mask) if isinstance(mask, str) else self.reports[list(mask)]
        keep = set(reports["doc_id"])
        return Corpus(
            reports=reports.reset_index(drop=True),
            quality=self.quality[self.quality["doc_id"].isin(keep) | self.quality["doc_id"].isna()].reset_index(drop=True),
            removed=self.removed[self.removed["doc_id"].isin(keep)].reset_index(drop=True),
        )

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
def make_doc_id(source_key: str, text: str) -> str:
    """A stable id from the report's source key and clean text (not from row order).

    Example:
        >>> make_doc_id("a.txt", "政府工作报告")
        'r-...'  # doctest: +SKIP
    """
    digest = hashlib.sha1(f"{source_key}\x00{text}".encode("utf-8")).hexdigest()
    return f"r{digest[:12]}"
