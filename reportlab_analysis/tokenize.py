"""Tokenization: jieba word segmentation with a policy lexicon, stopwords, filters, a fast backend and a cache.

Every analysis reads its tokens from here. A :class:`Tokenizer` is built from a :class:`TokenizerConfig`, an
immutable, hashable value whose :meth:`~TokenizerConfig.fingerprint` keys the on-disk cache.

How a text becomes tokens:

1. Texts holding full-width letters, digits or ％ (ＰＭ２．５) are NFKC-normalised (Chinese punctuation is left
   as it is); control characters and lone surrogates become spaces, so no input can crash a backend.
2. *Protected terms* are found first, leftmost-longest, with an Aho-Corasick automaton (``ahocorasick_rs``):
   the bundled policy lexicon, the user's lexicon files, extra terms (e.g. harvested slogans) and place names.
   Each occurrence becomes exactly one token, whatever the backend would have done, so 供给侧结构性改革 is never
   split and both backends treat lexicon terms identically.
3. The text between protected terms is segmented by the backend, each on jieba's dictionary (``dict.txt`` of
   jieba 0.42.1, or a custom ``dictionary`` file) and jieba's HMM for unknown words:

   * ``native`` (default): jieba's algorithm compiled in this package's C extension (``_segment.c``), which
     also applies the filters below inside the segmenter. Its tokens are jieba's, token for token (tested on
     every paragraph of the bundled corpora), at 15-18 times the speed of jieba itself. If the package was
     installed without a C compiler, ``native`` falls back to ``jieba`` itself with a warning: same tokens, slower.
   * ``jieba``: the reference, jieba 0.42.1 itself.
   * ``rjieba``: the Rust port of jieba; its segmentation differs from jieba's in a few tokens per 100,000 (6 of
     the 6,171 paragraphs of the bundled corpora).

   For speed, texts go to the backend in batches of about 50,000 characters, joined by a private-use character,
   with each protected term replaced by one; every backend splits at such characters, so every text and every
   stretch between two terms is segmented exactly as on its own (private-use characters in the input become
   spaces).
4. Filters: stopwords (general list, government-report boilerplate, place names, your own), tokens without a
   letter or digit, numbers and percentages (drop, keep or normalise to ``<NUM>``/``<PCT>``), a minimum length,
   an optional part-of-speech filter (tags from jieba's dictionary), and optional gensim collocation merging.

Example:
    >>> from reportlab_analysis.tokenize import Tokenizer
    >>> tok = Tokenizer(cache=False, place_names=["南岗区", "南岗"])
    >>> tok.tokenize(["南岗区深化放管服改革，持续优化营商环境，发展冰雪旅游。"])
    [['放管服改革', '优化营商环境', '冰雪', '旅游']]
"""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
import os
import re
import tempfile
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, NamedTuple, Sequence

from . import cache as _cache
from .cleaning import traditional_only_characters, traditional_to_simplified_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "TokenizerConfig",
    "Tokenizer",
    "add_tokens",
    "harvest_slogans",
    "place_name_variants",
    "policy_lexicon",
    "stopword_list",
    "token_agreement",
    "load_wordlist",
    "configure_jieba_cache",
]

#: Bump when the pipeline changes in a way that changes tokens; part of every cache key.
PIPELINE_VERSION = "1"
BACKENDS = ("native", "jieba", "rjieba")
NUMBER_POLICIES = ("drop", "keep", "normalize")
NUMBER_TOKEN = "<NUM>"
PERCENT_TOKEN = "<PCT>"
#: Part-of-speech tags given to protected terms that carry none of their own.
LEXICON_TAG = "nz"
PLACE_TAG = "ns"
#: Administrative suffixes stripped to get the short form of a place name (longest first).
PLACE_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
    "新区", "地区", "林区", "矿区", "街道", "省", "市", "区", "县", "旗", "盟", "镇", "乡",
)
_DATA = "data"
_POLICY_LEXICON = ("lexicon", "policy_terms.tsv")
_GENERAL_STOPWORDS = ("stopwords", "general_zh.txt")
_REPORT_STOPWORDS = ("stopwords", "government_report_zh.txt")

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u2028\u2029\ufeff]")
_WORDISH = re.compile(r"[^\W_]")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)*")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)*[%‰]")
_NUMERAL_CHARS = "〇零一二三四五六七八九十百千万亿两0123456789"
# A Chinese-numeral quantity or date that jieba keeps as one word: 二年, 一九四九年, 第二年, 三月, 十六点七, 百分之八,
# 第十四届.
_CHINESE_QUANTITY = re.compile(
    f"(?:百分之|第)?[{_NUMERAL_CHARS}][{_NUMERAL_CHARS}点]*[年月日号个倍次项岁届]?|百分之"
)
_SLOGAN = re.compile(r"[“「]([^“”「」\n]{1,40})[”」]")
_SLOGAN_CHARS = re.compile(r"[\w+、·\-]+")
_POS_TAG = re.compile(r"[a-z]{1,4}", re.IGNORECASE)  # jieba's part-of-speech tags: n, v, nz, vn, eng, ...
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
_PERSON_NAME = re.compile(r"[\u3400-\u9fff]{2,4}")

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------------------
def _as_tuple(value: Any, name: str, *, sort: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, os.PathLike)):
        value = (value,)
    try:
        items = [os.fspath(item) if isinstance(item, os.PathLike) else item for item in value]
    except TypeError:
        raise TypeError(f"TokenizerConfig.{name} must be a sequence of strings, got {type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"TokenizerConfig.{name} must hold strings, got {item!r} ({type(item).__name__})")
    if sort:
        return tuple(sorted({unicodedata.normalize("NFKC", item).strip() for item in items} - {""}))
    return tuple(items)


@dataclass(frozen=True)
class TokenizerConfig:
    """Everything that decides which tokens a text yields; immutable and hashable.

    Word lists given as sequences are normalised (NFKC, stripped, de-duplicated, sorted), so two configs that
    mean the same thing compare equal and share a cache.

    Attributes:
        backend: ``"native"`` (jieba's algorithm compiled, the default), ``"jieba"`` (the reference, same
            tokens, slower) or ``"rjieba"`` (the Rust port; differs from jieba in a few tokens per 100,000).
        dictionary: main dictionary file in jieba's format (``word freq [tag]`` per line, UTF-8 or GB18030, ``#``
            comments and blank lines allowed), read alike by every backend; None for jieba's bundled one.
        hmm: let the HMM join unknown characters into new words (jieba's default).
        policy_lexicon: protect the bundled policy lexicon (``data/lexicon/policy_terms.tsv``).
        user_lexicons: paths of your own lexicon files: one term per line, optionally ``term freq tag``
            as in jieba user dictionaries; ``#`` starts a comment.
        terms: extra protected terms (``Tokenizer.for_corpus`` adds the harvested slogans here).
        general_stopwords: drop the general Chinese stopword list (stopwords-iso).
        report_stopwords: drop the government-report boilerplate list (各位代表, 进一步, 一是, ...).
        stopword_files: paths of further stopword files (one word per line).
        extra_stopwords: further stopwords given directly.
        keep_words: words to keep even though a stopword list names them.
        place_names: place names to mask: each is protected (one token) and dropped. Give short forms too,
            or use :func:`place_name_variants`.
        min_len: minimum token length in characters; protected terms are exempt.
        numbers: ``"drop"`` numbers and percentages, ``"keep"`` them, or ``"normalize"`` them to ``<NUM>`` and
            ``<PCT>``. Chinese numerals (三十, 二〇一七) count as numbers; 5G or PM2.5 do not.
        pos: keep only tokens whose part-of-speech tag starts with one of these prefixes, e.g. ``("n", "v")``.
            Tags come from jieba's dictionary; unknown words get ``x`` (``m`` for numbers, ``eng`` for Latin),
            protected terms their lexicon tag (default ``nz``). None keeps every tag.
        phrases: merge frequent collocations with gensim ``Phrases`` fitted on the texts of each call.
        phrase_min_count: ``Phrases`` ``min_count``.
        phrase_threshold: ``Phrases`` ``threshold`` (default scorer).
        phrase_delimiter: string joining the parts of a merged collocation.
        simplify: convert characters written only in traditional script to simplified ones before segmenting
            (OpenCC's character table), so that 國家 in a 1954 report and 国家 in a 2024 one are one token.

    Example:
        >>> cfg = TokenizerConfig(backend="jieba", extra_stopwords=["南岗"])
        >>> cfg == TokenizerConfig(backend="jieba", extra_stopwords=("南岗",))
        True
        >>> len(cfg.fingerprint())
        32
    """

    backend: Literal["native", "jieba", "rjieba"] = "native"
    dictionary: str | None = None
    hmm: bool = True
    policy_lexicon: bool = True
    user_lexicons: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    general_stopwords: bool = True
    report_stopwords: bool = True
    stopword_files: tuple[str, ...] = ()
    extra_stopwords: tuple[str, ...] = ()
    keep_words: tuple[str, ...] = ()
    place_names: tuple[str, ...] = ()
    min_len: int = 2
    numbers: Literal["drop", "keep", "normalize"] = "drop"
    pos: tuple[str, ...] | None = None
    phrases: bool = False
    phrase_min_count: int = 5
    phrase_threshold: float = 10.0
    phrase_delimiter: str = "_"
    simplify: bool = True

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)
        if self.backend not in BACKENDS:
            raise ValueError(f"TokenizerConfig.backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.numbers not in NUMBER_POLICIES:
            raise ValueError(f"TokenizerConfig.numbers must be one of {NUMBER_POLICIES}, got {self.numbers!r}")
        if isinstance(self.min_len, bool) or not isinstance(self.min_len, int) or self.min_len < 1:
            raise ValueError(f"TokenizerConfig.min_len must be an integer >= 1, got {self.min_len!r}")
        for flag in ("hmm", "policy_lexicon", "general_stopwords", "report_stopwords", "phrases"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"TokenizerConfig.{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.dictionary is not None:
            set_("dictionary", _existing_file(self.dictionary, "dictionary"))
        set_("user_lexicons", tuple(_existing_file(p, "user_lexicons") for p in _as_tuple(self.user_lexicons, "user_lexicons", sort=False)))
        set_("stopword_files", tuple(_existing_file(p, "stopword_files") for p in _as_tuple(self.stopword_files, "stopword_files", sort=False)))
        for name in ("terms", "extra_stopwords", "keep_words", "place_names"):
            set_(name, _as_tuple(getattr(self, name), name, sort=True))
        if self.pos is not None:
            pos = _as_tuple(self.pos, "pos", sort=True)
            if not pos:
                raise ValueError("TokenizerConfig.pos must name at least one tag prefix, or be None")
            set_("pos", pos)
        if isinstance(self.phrase_min_count, bool) or not isinstance(self.phrase_min_count, int) or self.phrase_min_count < 1:
            raise ValueError(f"TokenizerConfig.phrase_min_count must be an integer >= 1, got {self.phrase_min_count!r}")
        if not isinstance(self.phrase_threshold, (int, float)) or not math.isfinite(self.phrase_threshold):
            raise ValueError(f"TokenizerConfig.phrase_threshold must be a finite number, got {self.phrase_threshold!r}")
        set_("phrase_threshold", float(self.phrase_threshold))

    def replace(self, **changes: Any) -> "TokenizerConfig":
        """A copy with some fields changed; unknown names raise a TypeError listing the valid ones.

        Example:
            >>> TokenizerConfig().replace(min_len=1).min_len
            1
        """
        valid = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - valid)
        if unknown:
            raise TypeError(f"unknown tokenizer option(s) {unknown}; valid options: {sorted(valid)}")
        return dataclasses.replace(self, **changes)

    def fingerprint(self) -> str:
        """A stable hex digest of this configuration and of the content of every file it uses.

        Editing a lexicon or stopword file changes the fingerprint even if its path stays the same.
        """
        fields = dataclasses.asdict(self)
        files = {
            "dictionary": _file_hash(self.dictionary) if self.dictionary else "jieba-bundled",
            "user_lexicons": [_file_hash(p) for p in self.user_lexicons],
            "stopword_files": [_file_hash(p) for p in self.stopword_files],
            "bundled": _bundled_data_hash(),
        }
        return _cache.content_key(PIPELINE_VERSION, fields, files)


def _existing_file(path: Any, parameter: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"TokenizerConfig.{parameter} must be a file path, got {path!r}")
    resolved = Path(path).expanduser()
    if not resolved.is_file():
        raise FileNotFoundError(f"TokenizerConfig.{parameter}: file not found: {resolved}")
    return str(resolved.resolve())


# ---------------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------------
def _data_file(parts: tuple[str, ...]) -> Any:
    return resources.files("reportlab_analysis").joinpath(_DATA, *parts)


@lru_cache(maxsize=None)
def _bundled_data_hash() -> str:
    blobs = [_data_file(parts).read_bytes() for parts in (_POLICY_LEXICON, _GENERAL_STOPWORDS, _REPORT_STOPWORDS)]
    return _cache.hash_bytes(b"\x00".join(blobs))


def _read_lines(text: str, source: str) -> list[tuple[str, ...]]:
    return [fields for _, fields in _numbered_lines(text)]


def _numbered_lines(text: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(line number, fields)`` of each line of a word list or dictionary: fields split at any whitespace, blank
    lines and ``#`` comments skipped."""
    for number, line in enumerate(text.splitlines(), start=1):
        fields = tuple(line.split())
        if fields and not fields[0].startswith("#"):
            yield number, fields


def _read_text_file(path: str | os.PathLike[str], *, what: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FileNotFoundError(f"cannot read {what} {path}: {error.strerror or error}") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:  # word lists made on Chinese Windows are often GBK
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(f"{what} {path} is neither UTF-8 (bad byte at {utf8_error.start}) nor GB18030: "
                         "save it as UTF-8") from None


def load_wordlist(path: str | os.PathLike[str], *, with_tags: bool = False) -> list[str] | dict[str, str]:
    """Read a lexicon or stopword file (UTF-8 or GB18030/GBK): one entry per line, ``#`` comments, blank lines
    ignored.

    Lines may carry jieba's columns, ``word freq tag``, ``word freq`` or ``word tag``; a first line starting with
    ``term`` is a header. With ``with_tags`` the result maps each word to its tag (``nz`` when the line has none).
    A line whose second column is neither a number nor a tag (``数字 经济``) is an error: a term has no spaces.

    Example:
        >>> p = Path(tempfile.mkdtemp()) / "lex.txt"
        >>> _ = p.write_text("# my terms\\n一网通办 10 nz\\n接诉即办\\n", encoding="utf-8")
        >>> load_wordlist(p)
        ['一网通办', '接诉即办']
    """
    rows = _read_lines(_read_text_file(path, what="word list"), str(path))
    if rows and rows[0][0].lower() == "term":
        rows = rows[1:]
    tags: dict[str, str] = {}
    for fields in rows:
        word = unicodedata.normalize("NFKC", fields[0])
        rest = list(fields[1:])
        if rest and rest[0].isdigit():
            rest = rest[1:]  # the frequency
        if len(rest) > 1 or (rest and not _POS_TAG.fullmatch(rest[0])):
            raise ValueError(f"word list {path}: the line {' '.join(fields)!r} is not 'word [freq] [tag]'; "
                             "write a term without spaces")
        tags.setdefault(word, rest[0] if rest else LEXICON_TAG)
    return tags if with_tags else list(tags)


def policy_lexicon() -> "pd.DataFrame":
    """The bundled policy lexicon as a table: ``term``, ``category`` (plan, macro, reform, innovation, ...).

    Example:
        >>> lex = policy_lexicon()
        >>> bool((lex["term"] == "营商环境").any())
        True
    """
    import pandas as pd

    rows = _read_lines(_data_file(_POLICY_LEXICON).read_text(encoding="utf-8"), "policy lexicon")
    return pd.DataFrame([r[:2] for r in rows[1:]], columns=["term", "category"])


@lru_cache(maxsize=1)
def _policy_terms() -> tuple[str, ...]:
    rows = _read_lines(_data_file(_POLICY_LEXICON).read_text(encoding="utf-8"), "policy lexicon")
    return tuple(unicodedata.normalize("NFKC", r[0]) for r in rows[1:])


def stopword_list(name: Literal["general", "report"]) -> list[str]:
    """A bundled stopword list: ``"general"`` (stopwords-iso Chinese) or ``"report"`` (report boilerplate).

    Example:
        >>> "各位代表" in stopword_list("report")
        True
    """
    parts = {"general": _GENERAL_STOPWORDS, "report": _REPORT_STOPWORDS}.get(name)
    if parts is None:
        raise ValueError(f"stopword list must be 'general' or 'report', got {name!r}")
    text = _data_file(parts).read_text(encoding="utf-8")
    return list(dict.fromkeys(unicodedata.normalize("NFKC", r[0]) for r in _read_lines(text, name)))


def place_name_variants(name: str) -> list[str]:
    """A place name with and without its administrative suffix: 南岗区 -> [南岗区, 南岗].

    The short form is kept only if it has at least two characters (东区 stays 东区).

    Example:
        >>> place_name_variants("哈尔滨市")
        ['哈尔滨市', '哈尔滨']
        >>> place_name_variants("浦东新区")
        ['浦东新区', '浦东']
    """
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        return []
    variants = [name]
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            variants.append(name[: -len(suffix)])
            break
    return variants


def harvest_slogans(
    texts: Iterable[str], *, min_len: int = 2, max_len: int = 10, min_count: int = 1
) -> list[str]:
    """Short quoted slogans (“放管服”, “1356”, “双随机、一公开”) found in ``texts``, sorted.

    A slogan is the content of a pair of Chinese quotation marks, ``min_len``..``max_len`` characters of letters,
    digits, Han characters and the joiners ``+ 、 · -``, seen at least ``min_count`` times.

    Example:
        >>> harvest_slogans(["深化“放管服”改革，实施“1356”战略，“这是一句很长的引语，不算口号”"])
        ['1356', '放管服']
    """
    counts: Counter[str] = Counter()
    for text in texts:
        if not isinstance(text, str) or "“" not in text and "「" not in text:
            continue
        for match in _SLOGAN.finditer(text):  # normalise only what is quoted, not the whole text
            slogan = _clean(match.group(1)).strip()
            if min_len <= len(slogan) <= max_len and _SLOGAN_CHARS.fullmatch(slogan):
                counts[slogan] += 1
    return sorted(s for s, n in counts.items() if n >= min_count)


# ---------------------------------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------------------------------
def _jieba_dictionary_path() -> str:
    import jieba

    return str(Path(jieba.__file__).with_name("dict.txt"))


def _private_jieba_dir(cache_dir: str | None) -> str:
    """A private writable folder for jieba's model cache: ``<cache root>/jieba``, or a fresh temp folder."""
    try:
        return str(_cache.ensure_dir(_cache.cache_root(cache_dir) / "jieba"))
    except _cache.CacheError:
        return tempfile.mkdtemp(prefix="reportlab_analysis-jieba-")


def configure_jieba_cache(*, cache_dir: str | os.PathLike[str] | None = None) -> str:
    """Point jieba's global tokenizer (``jieba.dt``, used by ``jieba.lcut`` and ``jieba.posseg``) at a private cache.

    jieba otherwise writes its prefix-dictionary cache to a shared file in the system temp folder. A folder the
    user already set (``jieba.dt.tmp_dir``) is left alone. Returns the folder in use.

    Example:
        >>> folder = configure_jieba_cache(cache_dir="/tmp/ra-cache-doc")   # doctest: +SKIP
    """
    import jieba

    if jieba.dt.tmp_dir is None:
        jieba.dt.tmp_dir = _private_jieba_dir(None if cache_dir is None else os.fspath(cache_dir))
    return str(jieba.dt.tmp_dir)


_FILE_HASHES: dict[str, tuple[tuple[int, int], str]] = {}


def _file_hash(path: str) -> str:
    """The content hash of a file, computed again only when its modification time or size changed (a
    tokenizer called text by text would otherwise hash a 5 MB dictionary on every call)."""
    stat = os.stat(path)
    signature = (stat.st_mtime_ns, stat.st_size)
    known = _FILE_HASHES.get(path)
    if known is None or known[0] != signature:
        known = _FILE_HASHES[path] = (signature, _cache.hash_file(path))
    return known[1]


def _file_hashes(*paths: str | None) -> tuple[str, ...]:
    """Content hashes of the files a configuration reads (None: a bundled file). The per-process caches below
    are keyed by them too, so that a file edited during a session is read again, as its fingerprint says."""
    return tuple(_file_hash(path) if path else "" for path in paths)


def _kept(table: dict[Any, tuple[tuple[str, ...], Any]], key: Any, files: Sequence[str | None],
          build: Callable[[], Any]) -> Any:
    """``table[key]``, built by ``build()`` once per process and again when one of ``files`` changed (their content
    hashes are kept beside it): the backends, compiled segmenters and pipelines are kept this way."""
    hashes = _file_hashes(*files)
    entry = table.get(key)
    if entry is None or entry[0] != hashes:
        entry = table[key] = (hashes, build())
    return entry[1]


_BACKENDS: dict[tuple[str, str | None], tuple[tuple[str, ...], Callable[[str, bool], list[str]]]] = {}


def _load_backend(name: str, dictionary: str | None, cache_dir: str | None) -> Callable[[str, bool], list[str]]:
    """The ``cut(text, hmm)`` function of a backend with the given main dictionary (loaded once per process and
    dictionary content)."""
    return _kept(_BACKENDS, (name, dictionary), [dictionary], lambda: _build_backend(name, dictionary, cache_dir))


def _build_backend(name: str, dictionary: str | None, cache_dir: str | None) -> Callable[[str, bool], list[str]]:
    if name == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        configure_jieba_cache(cache_dir=cache_dir)
        engine = jieba.Tokenizer()
        if dictionary:
            # Read as every backend reads it (BOM, blank lines, clear errors); jieba's prefix dictionary from it.
            engine.FREQ, engine.total = _prefix_dictionary(_read_dictionary(dictionary))
            engine.initialized = True
        else:
            # jieba would write its prefix-dict cache into the shared system temp folder; keep it private.
            engine.tmp_dir = _private_jieba_dir(cache_dir)
            engine.initialize()

        def cut(text: str, hmm: bool, _lcut: Callable[..., list[str]] = engine.lcut) -> list[str]:
            return _lcut(text, HMM=hmm)

    elif name == "native":
        segmenter = _native_segmenter(dictionary)
        if segmenter is None:
            return _load_backend("jieba", dictionary, cache_dir)
        cut = segmenter.cut
    else:
        import rjieba

        if dictionary is None:
            engine = rjieba.Jieba()  # embeds jieba 0.42.1's dict.txt unchanged
        else:
            engine = rjieba.Jieba.empty()
            for word, freq, tag in zip(*_read_dictionary(dictionary)):
                engine.add_word(word, freq, tag)
        cut = engine.cut
    return cut


_SEGMENTERS: dict[str | None, tuple[tuple[str, ...], Any]] = {}
_WARNED: set[str] = set()
_NATIVE_MISSING = (
    "reportlab_analysis was installed without its compiled segmenter (reportlab_analysis._segment: no C compiler "
    "at install time?), so backend='native' uses jieba itself: the same tokens, about 15 times slower. Reinstall "
    "with a C compiler present (e.g. `pip install --force-reinstall --no-deps -e .`) to get the speed."
)


def _native_module(*, warn: bool = True) -> Any | None:
    """The compiled segmenter module, or None (with a warning, once per process) if it was not built."""
    try:
        from . import _segment
    except ImportError:
        if warn and "native" not in _WARNED:
            _WARNED.add("native")
            warnings.warn(_NATIVE_MISSING, RuntimeWarning, stacklevel=3)
        return None
    return _segment


def _native_segmenter(dictionary: str | None) -> Any | None:
    """jieba's segmentation compiled (``_segment.Segmenter``) on jieba's HMM tables and the given dictionary
    (None: jieba's ``dict.txt``), built once per process; None where the C extension is missing."""
    return _kept(_SEGMENTERS, dictionary, [dictionary], lambda: _build_segmenter(dictionary))


def _build_segmenter(dictionary: str | None) -> Any | None:
    module = _native_module()
    if module is None:
        return None
    from jieba import finalseg

    words, freqs, _ = _read_dictionary(dictionary or _jieba_dictionary_path())
    states = "BEMS"  # the C side's order
    start = [finalseg.start_P[state] for state in states]
    trans = [finalseg.trans_P[a].get(b, finalseg.MIN_FLOAT) for a in states for b in states]
    chars = set().union(*finalseg.emit_P.values())
    emit = {char: tuple(finalseg.emit_P[state].get(char, finalseg.MIN_FLOAT) for state in states) for char in chars}
    return module.Segmenter(words, freqs, sum(freqs), start, trans, emit)


class _Dictionary(NamedTuple):
    """A dictionary's entries as columns, in file order (tag None where a line has none)."""

    words: list[str]
    freqs: list[int]
    tags: list[str | None]


def _read_dictionary(path: str) -> _Dictionary:
    """The entries (word, frequency, tag) of a dictionary in jieba's format (``word freq [tag]`` per line), read
    the same way for every backend: UTF-8 (a BOM dropped) or GB18030, fields split at any whitespace, blank lines
    and ``#`` comments skipped. A frequency that is not a whole number >= 0, or frequencies adding up to 0, are a
    ValueError naming the file (and the line). jieba's own ``dict.txt`` reads exactly as jieba reads it.

    Example:
        >>> entries = _read_dictionary(_jieba_dictionary_path())
        >>> entries.words[0], entries.freqs[0], entries.tags[0]
        ('AT&T', 3, 'nz')
    """
    text = _read_text_file(path, what="dictionary")
    entries = _read_canonical_dictionary(text)
    if entries is None:  # line by line: odd whitespace, comments, blank lines, and naming the first bad line
        entries = _Dictionary([], [], [])
        for number, fields in _numbered_lines(text):
            if len(fields) < 2 or not fields[1].isdecimal() or len(fields[1]) > 18:
                raise ValueError(f"dictionary {path}, line {number}: expected 'word frequency [tag]' with a whole "
                                 f"number below 10**18 as frequency, got {text.splitlines()[number - 1].strip()!r}")
            entries.words.append(fields[0])
            entries.freqs.append(int(fields[1]))
            entries.tags.append(fields[2] if len(fields) >= 3 else None)
    if sum(entries.freqs) <= 0:
        raise ValueError(f"dictionary {path}: the word frequencies add up to 0; jieba needs a positive total")
    return entries


def _read_canonical_dictionary(text: str) -> _Dictionary | None:
    """The entries of a dictionary written as jieba's own, every line ``word freq tag`` with single spaces (or
    every line ``word freq``), in a few passes in C; None for any other layout."""
    fields = text.split()
    body = text[:-1] if text.endswith("\n") else text
    for width in (3, 2):
        if len(fields) % width:
            continue
        columns = [fields[i::width] for i in range(width)]
        if (body == "\n".join(map(" ".join, zip(*columns)))  # the split was exactly lines of `width` fields
                and "".join(columns[1]).isdecimal() and max(map(len, columns[1]), default=0) <= 18):
            tags: list[str | None] = columns[2] if width == 3 else [None] * len(columns[0])  # type: ignore[assignment]
            return _Dictionary(columns[0], list(map(int, columns[1])), tags)
    return None


def _prefix_dictionary(entries: _Dictionary) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (``Tokenizer.gen_pfdict``): every word with its frequency (a later entry
    replacing an earlier one), every prefix of a word with 0 unless it is a word, and the total frequency."""
    freq: dict[str, int] = {}
    total = 0
    for word, count in zip(entries.words, entries.freqs):
        freq[word] = count
        total += count
        for end in range(1, len(word)):
            freq.setdefault(word[:end], 0)
    return freq, total


@lru_cache(maxsize=4)
def _tag_table(dictionary: str | None, hashes: tuple[str, ...] = ()) -> dict[str, str]:
    """Part-of-speech tags of the dictionary's words (``hashes``: its content hash, so an edit is read again)."""
    words, _, tags = _read_dictionary(dictionary or _jieba_dictionary_path())
    return {word: tag for word, tag in zip(words, tags) if tag}


def _fallback_tag(token: str) -> str:
    if token.isnumeric() or _DECIMAL.fullmatch(token) or _PERCENT.fullmatch(token):
        return "m"
    if token.isascii():
        return "eng"
    return "x"


# ---------------------------------------------------------------------------------------------------------
# The per-process pipeline
# ---------------------------------------------------------------------------------------------------------
_DROP = ""
_PERCENT_SIGN = "\x00%"

# Characters whose NFKC form segments differently: full-width letters, digits, ％ ． ＋, the ideographic space,
# Roman and circled numerals. Only texts holding one are normalised (NFKC on every paragraph would cost more than
# segmenting it); Chinese punctuation such as ，。 is left alone, as the corpus cleaner does.
_NFKC_CHARS = r"\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0b\uff0e\ufe6a\u3000\u2160-\u217f\u2460-\u24ff"
_NEEDS_NFKC = re.compile(f"[{_NFKC_CHARS}]")
# Private-use characters. The batch path below uses them as markers (text separator, protected terms); any in the
# input (glyphs of a scraped site's private font) become spaces.
_PRIVATE_USE_BMP = r"\ue000-\uf8ff"
_PRIVATE_USE = _PRIVATE_USE_BMP + r"\U000f0000-\U0010ffff"
_PRIVATE_USE_CHARS = re.compile(f"[{_PRIVATE_USE}]")
_TEXT_SEPARATOR = "\ue000"
_FIRST_TERM_MARK = 0xF0000
_MAX_TERM_MARKS = 0x10FFFE - _FIRST_TERM_MARK  # planes 15 and 16: distinct protected terms per batch
_BATCH_CHARS = 50_000


def _clean(text: str) -> str:
    if not text.isascii() and _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _CONTROL_CHARS.sub(" ", text)


def _char_class(chars: Iterable[str]) -> str:
    return "".join(re.escape(char) for char in sorted(chars))


def _term_matcher(terms: list[str]) -> Callable[[str], list[tuple[int, int, int]]]:
    """``text -> [(term index, start, end), ...]``: leftmost-longest, non-overlapping occurrences of ``terms``.

    Uses the Aho-Corasick automaton of ``ahocorasick_rs`` (Rust); without it, a regular expression shaped like a
    trie of the terms, which finds the same matches about half as fast.
    """
    try:
        import ahocorasick_rs
    except ImportError:  # pragma: no cover - exercised by test_fallback_matcher_finds_the_same_terms
        return _regex_term_matcher(terms)
    # A DFA searches about 1.5x faster than the default NFA; its memory grows with the terms, so only up to 50,000.
    implementation = ahocorasick_rs.Implementation.DFA if len(terms) <= 50_000 else None
    automaton = ahocorasick_rs.AhoCorasick(
        terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=implementation
    )
    return automaton.find_matches_as_indexes


def _regex_term_matcher(terms: list[str]) -> Callable[[str], list[tuple[int, int, int]]]:
    trie: dict[str, dict] = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer term is tried first

    regex = re.compile(pattern(trie))
    index = {term: i for i, term in enumerate(terms)}
    return lambda text: [(index[m.group()], m.start(), m.end()) for m in regex.finditer(text)]


class _Memo(dict):
    """token -> filtered token; computed on first sight, so the hot loop runs in C (``map(memo.__getitem__)``)."""

    def __init__(self, decide: Callable[[str], str]) -> None:
        super().__init__()
        self._decide = decide

    def __missing__(self, token: str) -> str:
        kept = self[token] = self._decide(token)
        return kept


class _Pipeline:
    """Segmentation and filtering for one configuration; built once per process."""

    def __init__(self, config: TokenizerConfig, cache_dir: str | None) -> None:
        self.config = config
        # The compiled segmenter filters tokens itself (cut_filtered); other backends give tokens to the memo.
        self.segmenter = _native_segmenter(config.dictionary) if config.backend == "native" else None
        self.cut = self.segmenter.cut if self.segmenter is not None else \
            _load_backend(config.backend, config.dictionary, cache_dir)
        # What each dictionary word becomes, by trie node, filled in as words are seen (the memo's answers).
        self._node_cache: list[Any] = [None] * self.segmenter.node_count if self.segmenter is not None else []
        self.tags = _tag_table(config.dictionary, _file_hashes(config.dictionary)) if config.pos is not None else {}
        self.simplify_table = traditional_to_simplified_table() if config.simplify else None
        self.traditional_chars = traditional_only_characters() if config.simplify else frozenset()
        # Texts are read in simplified script (simplify=True), so every word list is too: 臺灣 masks 台湾.
        simplified = self._simplified

        protected: dict[str, str] = {}
        if config.policy_lexicon:
            protected.update((t, LEXICON_TAG) for t in _policy_terms())
        for path in config.user_lexicons:
            protected.update(load_wordlist(path, with_tags=True))  # type: ignore[arg-type]
        protected.update((t, LEXICON_TAG) for t in config.terms)
        protected.update((t, PLACE_TAG) for t in config.place_names)
        if config.report_stopwords:
            # Boilerplate phrases (各位代表, 请予审议) are protected so that they are dropped whole, never half.
            protected.update((t, LEXICON_TAG) for t in stopword_list("report") if len(t) >= 3 and t not in protected)
        protected = {simplified(term): tag for term, tag in protected.items()}
        self.protected_tags = protected
        self.protected = sorted(protected)
        self.automaton = _term_matcher(self.protected) if self.protected else None

        stop: set[str] = set(config.extra_stopwords) | set(config.place_names)
        if config.general_stopwords:
            stop.update(stopword_list("general"))
        if config.report_stopwords:
            stop.update(stopword_list("report"))
        for path in config.stopword_files:
            stop.update(load_wordlist(path))  # type: ignore[arg-type]
        # Digits and single numerals are the numbers policy's business, not the stopword lists' (stopwords-iso
        # lists ０-９ and 一-九, so numbers="keep" would lose 二 of 二〇二三年); 万一 stays a stopword.
        stop = {simplified(word) for word in stop
                if not _DECIMAL.fullmatch(word) and not (len(word) == 1 and word in _NUMERAL_CHARS)}
        self.stopwords = frozenset(stop - {simplified(word) for word in config.keep_words})
        self._memo: dict[str, str] = _Memo(self._decide)
        # What each protected term becomes (itself, or dropped as a stopword / by the POS filter).
        self.protected_kept = [self._decide_protected(term) for term in self.protected]
        # Terms written in numerals (九五, 十四五) are not words inside a longer number (一九五五年).
        self.numeral_terms = frozenset(i for i, term in enumerate(self.protected) if term.strip(_NUMERAL_CHARS) == "")
        # One search finds the texts that need work before segmenting: NFKC, control and private-use
        # characters, (with simplify) characters written only in traditional script, and any character beyond
        # the BMP (rare; listing such characters one by one would make the search scan a list at every position).
        bmp_traditional = _char_class(char for char in self.traditional_chars if char <= "\uffff")
        special = _NFKC_CHARS + _CONTROL_CHARS.pattern[1:-1] + _PRIVATE_USE_BMP + bmp_traditional + r"\U00010000-\U0010ffff"
        self._needs_preparing = re.compile(f"[{special}]").search

    # -- filters ---------------------------------------------------------------------------------------
    def _decide(self, token: str) -> str:
        """What a backend token becomes: itself, a number placeholder, or ``_DROP``."""
        cfg = self.config
        if token.isalpha():  # most tokens: letters of some script only, so no digits, % or punctuation
            is_percent = is_number = False
        else:
            if not token.isalnum() and not _WORDISH.search(token):
                return _PERCENT_SIGN if token in ("%", "‰") and cfg.numbers == "normalize" else _DROP
            is_percent = bool(_PERCENT.fullmatch(token))
            is_number = is_percent or token.isdecimal() or bool(_DECIMAL.fullmatch(token))
        if not is_number:
            if token in self.stopwords:
                return _DROP
            # Chinese numerals (三十, 二〇一七) and quantities (二年, 一九四九年, 十六点七) are numbers, unless a
            # stopword list claims them (一是, 万一).
            is_number = token.isnumeric() or _CHINESE_QUANTITY.fullmatch(token) is not None
            is_percent = is_number and token.startswith("百分之") and len(token) > 3  # 百分之七 is <PCT>
        if cfg.pos is not None:
            tag = self.tags.get(token) or _fallback_tag(token)
            if not tag.startswith(cfg.pos):
                return _DROP
        if is_number:
            if cfg.numbers == "drop":
                return _DROP
            if cfg.numbers == "normalize":
                return PERCENT_TOKEN if is_percent else NUMBER_TOKEN
            return token
        if len(token) < cfg.min_len:
            return _DROP
        return token

    def _simplified(self, word: str) -> str:
        """A word list's entry as the texts are read: in simplified script when ``simplify`` is on."""
        return word.translate(self.simplify_table) if self.simplify_table is not None else word

    def _decide_protected(self, term: str) -> str:
        if term in self.stopwords:
            return _DROP
        if self.config.pos is not None and not self.protected_tags[term].startswith(self.config.pos):
            return _DROP
        return term

    # -- texts -----------------------------------------------------------------------------------------
    def __call__(self, text: str) -> list[str]:
        return self.many([text])[0]

    def many(self, texts: Sequence[str], *, on_batch: Callable[[int], object] | None = None) -> list[list[str]]:
        """Tokens of each text, segmented in batches of about ``_BATCH_CHARS`` characters; ``on_batch`` is
        called with the number of texts of each batch done (a progress bar's ``update``)."""
        results: list[list[str]] = []
        batch: list[str] = []
        size = 0
        for text in texts:
            batch.append(text)
            size += len(text)
            if size >= _BATCH_CHARS:
                results.extend(self._segment_batch(batch))
                if on_batch is not None:
                    on_batch(len(batch))
                batch, size = [], 0
        if batch:
            results.extend(self._segment_batch(batch))
            if on_batch is not None:
                on_batch(len(batch))
        return results

    def _prepare(self, text: str) -> str:
        text = _clean(text)
        if self.simplify_table is not None:
            text = text.translate(self.simplify_table)
        return _PRIVATE_USE_CHARS.sub(" ", text)

    def _segment_batch(self, texts: list[str]) -> list[list[str]]:
        """Segment several texts in one backend call, then filter every token through the memo.

        The texts are joined with a private-use character, and each protected term is replaced by one. Both
        backends split their input at every character outside their word-character class and emit such a
        character as a token of its own, so each text, and the text between two protected terms, is segmented
        exactly as if it were cut on its own. The memo maps the separator to itself, a term's marker to
        what the term becomes, and every other token to its filtered form.
        """
        memo = self._memo
        if len(memo) > 2_000_000:  # bound memory on endless vocabularies
            memo.clear()
        memo[_TEXT_SEPARATOR] = _TEXT_SEPARATOR
        needs_preparing = self._needs_preparing
        joined = _TEXT_SEPARATOR.join([self._prepare(t) if needs_preparing(t) else t for t in texts])
        if self.automaton is not None:
            joined = self._mark_terms(joined, memo)
        if self.segmenter is not None:
            tokens = self.segmenter.cut_filtered(joined, self.config.hmm, memo, self._node_cache, _TEXT_SEPARATOR)
            if len(tokens) != len(texts):  # pragma: no cover - the separator is removed from every text
                raise RuntimeError(f"segmented {len(texts)} texts into {len(tokens)} token lists")
        else:
            kept = list(filter(None, map(memo.__getitem__, self.cut(joined, self.config.hmm))))
            tokens = []
            find, start = kept.index, 0
            for _ in range(len(texts) - 1):
                end = find(_TEXT_SEPARATOR, start)
                tokens.append(kept[start:end])
                start = end + 1
            tokens.append(kept[start:])
        if self.config.numbers == "normalize":
            tokens = [_merge_percent(t) if _PERCENT_SIGN in t else t for t in tokens]
        return tokens

    def _mark_terms(self, text: str, memo: dict[str, str]) -> str:
        """``text`` with each protected term replaced by a private-use marker that the memo maps back."""
        kept_terms = self.protected_kept
        markers: dict[int, str] = {}
        parts: list[str] = []
        position = 0
        numeral_terms = self.numeral_terms
        for index, start, end in self.automaton(text):  # type: ignore[misc]
            if index in numeral_terms and ((start and text[start - 1] in _NUMERAL_CHARS)
                                           or (end < len(text) and text[end] in _NUMERAL_CHARS)):
                continue  # 九五 inside 一九五五年
            marker = markers.get(index)
            if marker is None:
                if len(markers) == _MAX_TERM_MARKS:  # a text of over 100,000 distinct protected terms
                    raise ValueError(f"a text holds more than {_MAX_TERM_MARKS:,} distinct protected terms")
                marker = markers[index] = chr(_FIRST_TERM_MARK + len(markers))
                memo[marker] = kept_terms[index]
            parts.append(text[position:start])
            parts.append(marker)
            position = end
        if not parts:
            return text
        parts.append(text[position:])
        return "".join(parts)


def _merge_percent(tokens: list[str]) -> list[str]:
    """``numbers="normalize"``: a number followed by ``%`` becomes ``<PCT>``; a lone ``%`` is dropped."""
    merged: list[str] = []
    for token in tokens:
        if token == _PERCENT_SIGN:
            if merged and merged[-1] == NUMBER_TOKEN:
                merged[-1] = PERCENT_TOKEN
            continue
        merged.append(token)
    return merged


_PIPELINES: dict[tuple[TokenizerConfig, str | None], tuple[tuple[str, ...], _Pipeline]] = {}


def _pipeline(config: TokenizerConfig, cache_dir: str | None) -> _Pipeline:
    """The pipeline of a configuration, built once per process and rebuilt when one of its files changes."""
    files = [config.dictionary, *config.user_lexicons, *config.stopword_files]
    return _kept(_PIPELINES, (config, cache_dir), files, lambda: _Pipeline(config, cache_dir))


# Worker-process side of the parallel run: the pool initializer builds the pipeline once per worker.
_WORKER: dict[str, Any] = {}


def _init_worker(config: TokenizerConfig, cache_dir: str | None) -> None:
    _WORKER["config"], _WORKER["cache_dir"] = config, cache_dir
    _pipeline(config, cache_dir)


def _work_chunk(texts: list[str]) -> list[list[str]]:
    return _pipeline(_WORKER["config"], _WORKER["cache_dir"]).many(texts)


# ---------------------------------------------------------------------------------------------------------
# The public tokenizer
# ---------------------------------------------------------------------------------------------------------
class Tokenizer:
    """Turns texts into token lists according to a :class:`TokenizerConfig`, with an on-disk cache.

    Args:
        config: the configuration (default ``TokenizerConfig()``).
        cache: keep tokens on disk, keyed by text hash, configuration fingerprint and library versions.
        cache_dir: cache root; default ``$REPORTLAB_ANALYSIS_CACHE`` or ``<project>/.cache/reportlab_analysis``.
        **overrides: configuration fields to change, e.g. ``backend="jieba"``, ``min_len=1``.

    Attributes:
        last_stats: counts of the last :meth:`tokenize` call: ``texts``, ``unique``, ``from_cache``, ``segmented``.

    Example:
        >>> tok = Tokenizer(backend="jieba", extra_stopwords=["旅游"], cache=False)
        >>> tok.tokenize(["发展数字经济和冰雪旅游"])
        [['数字经济', '冰雪']]
    """

    def __init__(
        self,
        config: TokenizerConfig | None = None,
        *,
        cache: bool = True,
        cache_dir: str | os.PathLike[str] | None = None,
        **overrides: Any,
    ) -> None:
        if config is not None and not isinstance(config, TokenizerConfig):
            raise TypeError(f"config must be a TokenizerConfig, got {type(config).__name__}")
        base = config or TokenizerConfig()
        self.config: TokenizerConfig = base.replace(**overrides) if overrides else base
        self.cache = bool(cache)
        self.cache_dir: str | None = None if cache_dir is None else os.fspath(cache_dir)
        self.last_stats: dict[str, int] = {}
        self._pool: Any = None
        self._pool_size = 0

    def __repr__(self) -> str:
        return f"Tokenizer(backend={self.config.backend!r}, fingerprint={self.fingerprint()[:12]!r}, cache={self.cache})"

    def fingerprint(self) -> str:
        """The configuration fingerprint (see :meth:`TokenizerConfig.fingerprint`)."""
        return self.config.fingerprint()

    def cache_version(self) -> str:
        """The cache folder name: configuration fingerprint, the versions of the libraries used and the tokenizer's
        own code (so that a changed rule never serves tokens of the old one)."""
        return _cache.content_key(self.fingerprint(), _library_versions(), PIPELINE_VERSION, _code_fingerprint())

    @property
    def _pipeline(self) -> _Pipeline:
        return _pipeline(self.config, self.cache_dir)

    def tokenize_text(self, text: str) -> list[str]:
        """Tokens of a single text, without the cache and without phrase merging.

        Example:
            >>> Tokenizer(cache=False).tokenize_text("推动高质量发展")
            ['高质量发展']
        """
        return self._pipeline(_as_text(text, 0))

    def __call__(self, text: str) -> list[str]:
        """Same as :meth:`tokenize_text`, so a Tokenizer can be passed where a ``text -> tokens`` function is expected."""
        return self.tokenize_text(text)

    def tokenize(self, texts: Iterable[str | None], *, n_jobs: int = 1, progress: bool = False) -> list[list[str]]:
        """Tokens of each text, in order. Missing texts (None, NaN) give an empty list.

        Args:
            texts: strings (a list, a pandas Series, ...).
            n_jobs: worker processes for the texts not in the cache (-1: one per CPU). Results are identical
                to the serial run.
            progress: show a tqdm progress bar.

        Example:
            >>> Tokenizer(cache=False).tokenize(["乡村振兴", "", None])
            [['乡村振兴'], [], []]
        """
        if isinstance(texts, str):
            raise TypeError("tokenize() takes a sequence of texts; wrap a single text in a list or use tokenize_text()")
        items = [_as_text(text, i) for i, text in enumerate(texts)]
        store = (
            _cache.ShardedStore("tokens", version=self.cache_version(), cache_dir=self.cache_dir) if self.cache else None
        )
        # Identical texts are segmented once; without a cache the text itself is the key (no hashing needed).
        keys = [_cache.hash_text(text) for text in items] if store is not None else items
        unique: dict[str, str] = dict(zip(keys, items))
        found: dict[str, list[str]] = store.get_many(unique) if store is not None else {}
        missing = [key for key in unique if key not in found]
        results = self._segment_many([unique[key] for key in missing], n_jobs=n_jobs, progress=progress)
        fresh = dict(zip(missing, results))
        if store is not None and fresh:
            try:
                store.put_many(fresh)
            except (OSError, _cache.CacheError) as error:
                logger.warning("token cache not written (%s); results are unaffected", error)
        found.update(fresh)
        self.last_stats = {
            "texts": len(items),
            "unique": len(unique),
            "from_cache": len(unique) - len(missing),
            "segmented": len(missing),
        }
        tokens = [list(found[key]) for key in keys]
        if self.config.phrases:
            tokens = self._merge_phrases(tokens)
        return tokens

    def _segment_many(self, texts: list[str], *, n_jobs: int, progress: bool) -> list[list[str]]:
        if not texts:
            return []
        workers = _resolve_jobs(n_jobs)
        total_chars = sum(len(t) for t in texts)
        bar = _progress_bar(len(texts), enabled=progress)
        try:
            if workers == 1 or len(texts) < 2 * workers or total_chars < 200_000:
                return self._pipeline.many(texts, on_batch=bar.update)
            chunks = _chunk_by_size(texts, n_chunks=workers * 8)
            results = []
            for chunk, chunk_tokens in zip(chunks, self._worker_pool(workers).map(_work_chunk, chunks)):
                results.extend(chunk_tokens)
                bar.update(len(chunk))
            return results
        finally:
            bar.close()

    def _worker_pool(self, workers: int) -> Any:
        """A pool of ``workers`` processes, started once (spawn: safe in notebooks and on every OS) and reused."""
        if self._pool is not None and self._pool_size != workers:
            self.close()
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.config, self.cache_dir),
            )
            self._pool_size = workers
        return self._pool

    def close(self) -> None:
        """Stop the worker processes of parallel runs (also done at exit and when the tokenizer is collected)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "Tokenizer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_pool"] = None  # processes do not travel
        return state

    def _merge_phrases(self, tokens: list[list[str]]) -> list[list[str]]:
        from gensim.models.phrases import Phrases

        model = Phrases(
            tokens,
            min_count=self.config.phrase_min_count,
            threshold=self.config.phrase_threshold,
            delimiter=self.config.phrase_delimiter,
        ).freeze()
        return [list(model[doc]) for doc in tokens]

    @classmethod
    def for_corpus(
        cls,
        corpus: Any,
        *,
        config: TokenizerConfig | None = None,
        mask_place_names: bool = True,
        mask_speakers: bool = True,
        harvest_quoted_slogans: bool = True,
        slogan_max_len: int = 10,
        slogan_min_count: int = 1,
        cache: bool = True,
        cache_dir: str | os.PathLike[str] | None = None,
        **overrides: Any,
    ) -> "Tokenizer":
        """A tokenizer fitted to a corpus: its place names and speakers masked, its quoted slogans protected.

        Place names come from ``corpus.reports`` columns ``region``, ``city`` and ``province``, with and without
        their suffix (南岗区 and 南岗); speakers' names (2-4 Chinese characters) from ``speaker``: the header
        line 省长 王伟中 would otherwise make a governor a report's most distinctive term. Slogans are harvested
        from ``corpus.reports["text"]``.

        Args:
            corpus: a :class:`~reportlab_analysis.corpus.Corpus` (anything with a ``reports`` DataFrame).
            config: base configuration; ``overrides`` change fields of it.
            mask_place_names: add the corpus' place names as stopwords (and protected terms).
            mask_speakers: add the speakers' names as stopwords (and protected terms).
            harvest_quoted_slogans: protect short quoted slogans found in the corpus (see :func:`harvest_slogans`).
            slogan_max_len: longest slogan, in characters.
            slogan_min_count: how often a slogan must occur in the corpus.

        Example:
            >>> tok = Tokenizer.for_corpus(load_corpus("data/raw"))   # doctest: +SKIP
            >>> "南岗" in tok.config.place_names                        # doctest: +SKIP
            True
        """
        reports = getattr(corpus, "reports", None)
        if reports is None or not hasattr(reports, "columns"):
            raise TypeError(f"for_corpus needs a Corpus (with a .reports DataFrame), got {type(corpus).__name__}")
        base = config or TokenizerConfig()
        if overrides:
            base = base.replace(**overrides)
        changes: dict[str, Any] = {}
        if mask_place_names:
            names: set[str] = set(base.place_names)
            for column in ("region", "city", "province"):
                if column in reports.columns:
                    for value in reports[column].dropna():
                        if isinstance(value, str):
                            names.update(place_name_variants(value))
            changes["place_names"] = tuple(names)
        if mask_speakers and "speaker" in reports.columns:
            speakers = sorted({name for name in reports["speaker"].dropna()
                               if isinstance(name, str) and _PERSON_NAME.fullmatch(name)})
            changes["terms"] = (*base.terms, *speakers)
            changes["extra_stopwords"] = (*base.extra_stopwords, *speakers)
        if harvest_quoted_slogans and "text" in reports.columns:
            slogans = harvest_slogans(
                (t for t in reports["text"] if isinstance(t, str)), max_len=slogan_max_len, min_count=slogan_min_count
            )
            changes["terms"] = (*changes.get("terms", base.terms), *slogans)
        return cls(base.replace(**changes), cache=cache, cache_dir=cache_dir)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of the modules whose rules decide the tokens (this one, cleaning's traditional-script tables and the
    compiled segmenter's source)."""
    package = Path(__file__).resolve().parent
    # The C source ships in source and editable installs; elsewhere its SEGMENT_VERSION (library versions) stands in.
    names = ["tokenize.py", "cleaning.py"] + (["_segment.c"] if (package / "_segment.c").is_file() else [])
    return _cache.content_key(*(_cache.hash_file(package / name) for name in names))


@lru_cache(maxsize=1)
def _library_versions() -> dict[str, str]:
    from . import __version__

    native = _native_module(warn=False)
    return {
        **_cache.library_versions("jieba", "rjieba", "ahocorasick_rs"),
        "reportlab_analysis": __version__,
        # The fallback gives the same tokens by design; keeping the two apart in the cache costs little.
        "reportlab_analysis._segment": native.VERSION if native is not None else "absent (jieba)",
    }


def _as_text(text: Any, index: int) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, float) and math.isnan(text):
        return ""
    if type(text).__name__ in ("NAType", "NaTType"):
        return ""
    raise TypeError(f"texts[{index}] is {type(text).__name__} ({text!r:.40}), expected a string")


def _resolve_jobs(n_jobs: int) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all CPUs), got {n_jobs!r}")
    return max(1, os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def _chunk_by_size(texts: list[str], *, n_chunks: int) -> list[list[str]]:
    """Split ``texts`` in order into about ``n_chunks`` chunks of similar total length."""
    target = max(1, sum(len(t) for t in texts) // max(1, n_chunks))
    chunks: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size >= target and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += len(text)
    return chunks


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, *, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm import tqdm  # plain text bar: tqdm.auto wants ipywidgets in notebooks

    return tqdm(total=total, desc="tokenize", unit="text")


# ---------------------------------------------------------------------------------------------------------
# Frames and comparisons
# ---------------------------------------------------------------------------------------------------------
def add_tokens(
    frame: "pd.DataFrame",
    tokenizer: Tokenizer | None = None,
    *,
    text_column: str = "text",
    column: str = "tokens",
    n_jobs: int = 1,
    progress: bool = False,
) -> "pd.DataFrame":
    """A copy of ``frame`` with a column of token lists (works on paragraphs, sentences or reports).

    Example:
        >>> import pandas as pd
        >>> add_tokens(pd.DataFrame({"text": ["持续优化营商环境"]}), Tokenizer(cache=False))["tokens"][0]
        ['优化营商环境']
    """
    if not hasattr(frame, "columns"):
        raise TypeError(f"add_tokens needs a pandas DataFrame, got {type(frame).__name__}")
    if text_column not in frame.columns:
        raise KeyError(f"add_tokens: no column {text_column!r}; available: {list(frame.columns)}")
    tokenizer = tokenizer or Tokenizer()
    tokens = tokenizer.tokenize(frame[text_column].tolist(), n_jobs=n_jobs, progress=progress)
    result = frame.copy()
    import pandas as pd

    result[column] = pd.Series(tokens, index=frame.index, dtype=object)
    return result


def token_agreement(left: Sequence[Sequence[str]], right: Sequence[Sequence[str]]) -> float:
    """Share of tokens two tokenizations agree on: summed multiset overlap over summed longer length.

    1.0 means identical token counts in every text; NaN if both are empty.

    Example:
        >>> token_agreement([["a", "b"]], [["a", "c"]])
        0.5
    """
    if len(left) != len(right):
        raise ValueError(f"token_agreement: {len(left)} texts on the left but {len(right)} on the right")
    shared = longer = 0
    for a, b in zip(left, right):
        shared += sum((Counter(a) & Counter(b)).values())
        longer += max(len(a), len(b))
    return shared / longer if longer else float("nan")
