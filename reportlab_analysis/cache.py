"""Content-keyed, atomically written on-disk caches that every stage may reuse.

Two stores live here, both under one cache root (see :func:`cache_root`):

* :class:`DiskCache` keeps one pickled value per key (a fitted model, a large table).
* :class:`ShardedStore` keeps very many small values (the tokens of each paragraph) in 256 shard files, so that a
  warm run reads a few hundred files instead of one file per paragraph.

Keys are built with :func:`content_key` from everything the value depends on: the content hash of the input, a
configuration fingerprint and the versions of the libraries that produced it. Every file is written to a
temporary file in the same folder and moved into place with :func:`os.replace`, so a crashed or concurrent run
never leaves a half-written file behind; at worst a concurrent writer's new entries are lost and recomputed.
Every file carries a checksum of its pickle: a damaged or foreign file is a cache miss, never a wrong value.

The cache holds pickles written by this package; only point it at folders you trust.

Example:
    >>> from reportlab_analysis.cache import DiskCache, content_key
    >>> cache = DiskCache("models", cache_dir="/tmp/ra-cache-doc")
    >>> key = content_key("corpus-hash", {"k": 10})
    >>> cache.get(key) is None or True
    True
    >>> cache.put(key, {"topics": 10})
    >>> cache.get(key)
    {'topics': 10}
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

#: Environment variable that moves the cache root (overridden by an explicit ``cache_dir`` argument).
CACHE_ENV_VAR = "REPORTLAB_ANALYSIS_CACHE"
#: Folder, relative to the project root, used when neither an argument nor the environment names one.
DEFAULT_RELATIVE_CACHE = Path(".cache") / "reportlab_analysis"
_PROJECT_MARKERS = ("pyproject.toml", ".git")
_N_SHARDS = 256


class CacheError(RuntimeError):
    """The cache folder cannot be created or written."""


def find_project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory) holding pyproject.toml or .git.

    Falls back to ``start`` itself when no marker is found, so notebooks run from ``notebooks/`` share the
    project's cache with scripts run from the project root.

    Example:
        >>> find_project_root("/").is_dir()
        True
    """
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return folder
    return here


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache root: ``cache_dir`` if given, else ``$REPORTLAB_ANALYSIS_CACHE``, else ``<project>/.cache/reportlab_analysis``.

    Example:
        >>> str(cache_root("/tmp/x"))
        '/tmp/x'
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    from_env = os.environ.get(CACHE_ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return find_project_root() / DEFAULT_RELATIVE_CACHE


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) if needed; raise :class:`CacheError` naming the folder if that fails."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheError(f"cannot create cache folder {folder}: {error.strerror or error}") from error
    if not os.access(folder, os.W_OK):
        raise CacheError(f"cache folder {folder} is not writable; pass cache_dir= or set {CACHE_ENV_VAR}")
    return folder


def hash_bytes(data: bytes) -> str:
    """Hex BLAKE2b digest (128 bit) of ``data``: the content hash used for cache keys.

    Example:
        >>> hash_bytes(b"abc")[:8]
        'cf4ab791'
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def hash_text(text: str) -> str:
    """Content hash of a string (UTF-8, with surrogates escaped so that no input can fail).

    Example:
        >>> hash_text("政府工作报告") == hash_text("政府工作报告")
        True
    """
    return hash_bytes(text.encode("utf-8", "surrogatepass"))


def hash_file(path: str | os.PathLike[str]) -> str:
    """Content hash of a file, read in blocks."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_key(*parts: Any) -> str:
    """A stable key from JSON-serialisable parts (dicts are sorted; tuples and lists are the same).

    Example:
        >>> content_key("a", {"y": 1, "x": 2}) == content_key("a", {"x": 2, "y": 1})
        True
    """
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hash_bytes(payload.encode("utf-8"))


def library_versions(*distributions: str) -> dict[str, str]:
    """Installed versions of the named distributions (``"missing"`` for those not installed), for cache keys.

    Example:
        >>> library_versions("pip")["pip"] != ""
        True
    """
    versions = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and :func:`os.replace`.

    Readers see either the old file or the complete new one, never a partial write. ``durable`` also flushes
    the data to disk (fsync) before the rename, which protects against power loss, not only against crashes.

    Example:
        >>> p = atomic_write_bytes("/tmp/ra-doc-atomic.bin", b"ok")
        >>> p.read_bytes()
        b'ok'
    """
    target = Path(path)
    ensure_dir(target.parent)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))


#: First bytes of every cache file: a format tag, then the BLAKE2b digest of the pickle that follows.
_MAGIC = b"RLA-CACHE-1\n"
_DIGEST_SIZE = 16


def _dump_checked(value: Any) -> bytes:
    """``value`` pickled, behind a format tag and a checksum of the pickle (see :func:`_load_checked`)."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload


def _load_checked(data: bytes) -> tuple[bool, Any]:
    """``(True, value)`` for bytes written by :func:`_dump_checked`; ``(False, None)`` for anything else.

    A damaged file (a flipped bit, a truncated write), a file of an older format and a foreign file all fail the
    checksum or the tag, so they are never unpickled: a cache miss, never a wrong value or an exception.

    Example:
        >>> _load_checked(_dump_checked([1, 2]))
        (True, [1, 2])
        >>> _load_checked(b"not a cache file")
        (False, None)
    """
    start = len(_MAGIC) + _DIGEST_SIZE
    if not data.startswith(_MAGIC) or len(data) <= start:
        return False, None
    payload = data[start:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != data[len(_MAGIC):start]:
        return False, None
    try:
        return True, pickle.loads(payload)
    except Exception:  # a class that no longer exists, a library that changed: a miss
        return False, None


def _read_pickle(path: Path) -> Any | None:
    """The value stored in ``path``, or None if it is missing, unreadable or fails its checksum."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    ok, value = _load_checked(data)
    return value if ok else None


class DiskCache:
    """One pickled value per key under ``<root>/<namespace>/``.

    Args:
        namespace: sub-folder name, e.g. ``"lda"``.
        cache_dir: cache root; default from :func:`cache_root`.

    Example:
        >>> cache = DiskCache("doc-example", cache_dir="/tmp/ra-cache-doc")
        >>> cache.put("k1", [1, 2])
        >>> cache.get("k1"), cache.get("missing")
        ([1, 2], None)
    """

    def __init__(self, namespace: str, *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        if not namespace or any(sep in namespace for sep in ("/", "\\", "..")):
            raise ValueError(f"cache namespace must be a plain folder name, got {namespace!r}")
        self.folder = cache_root(cache_dir) / namespace

    def path_for(self, key: str) -> Path:
        """Where the value for ``key`` is (or would be) stored."""
        return self.folder / key[:2] / f"{key}.pkl"

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value, or ``default`` if there is none (or the file is unreadable)."""
        value = _read_pickle(self.path_for(key))
        return value[0] if isinstance(value, tuple) and len(value) == 1 else default

    def __contains__(self, key: str) -> bool:
        """Whether ``get`` would find a value (a damaged or old-format file does not count)."""
        return isinstance(_read_pickle(self.path_for(key)), tuple)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` atomically."""
        atomic_write_bytes(self.path_for(key), _dump_checked((value,)))


class ShardedStore:
    """Many small values keyed by content hash, grouped into 256 shard files under ``<root>/<namespace>/<version>/``.

    ``version`` is a key for everything that all values depend on (configuration fingerprint, library versions):
    changing it starts a fresh folder, so stale values are never read.

    Example:
        >>> store = ShardedStore("doc-tokens", version="v1", cache_dir="/tmp/ra-cache-doc")
        >>> store.put_many({hash_text("a"): ["a"]})
        >>> list(store.get_many([hash_text("a"), hash_text("b")]).values())
        [['a']]
    """

    def __init__(self, namespace: str, *, version: str, cache_dir: str | os.PathLike[str] | None = None) -> None:
        if not namespace or any(sep in namespace for sep in ("/", "\\", "..")):
            raise ValueError(f"cache namespace must be a plain folder name, got {namespace!r}")
        if not version or any(sep in version for sep in ("/", "\\", "..")):
            raise ValueError(f"cache version must be a plain folder name, got {version!r}")
        self.folder = cache_root(cache_dir) / namespace / version

    @staticmethod
    def _shard_of(key: str) -> str:
        return key[:2] if len(key) >= 2 else f"{key:0>2}"

    def _shard_path(self, shard: str) -> Path:
        return self.folder / f"{shard}.pkl"

    def _load_shard(self, shard: str) -> dict[str, Any]:
        content = _read_pickle(self._shard_path(shard))
        return content if isinstance(content, dict) else {}

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The stored values for those ``keys`` that are present (missing keys are simply absent)."""
        by_shard: dict[str, list[str]] = {}
        for key in keys:
            by_shard.setdefault(self._shard_of(key), []).append(key)
        found: dict[str, Any] = {}
        for shard in sorted(by_shard):
            content = self._load_shard(shard)
            if not content:
                continue
            for key in by_shard[shard]:
                if key in content:
                    found[key] = content[key]
        return found

    def put_many(self, values: Mapping[str, Any]) -> None:
        """Add ``values`` to their shards; each shard file is rewritten atomically."""
        by_shard: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            by_shard.setdefault(self._shard_of(key), {})[key] = value
        if not by_shard:
            return
        ensure_dir(self.folder)
        for shard in sorted(by_shard):
            content = self._load_shard(shard)
            content.update(by_shard[shard])
            # No fsync: a shard damaged by a power cut reads as a cache miss, and syncing 256 files is slow.
            atomic_write_bytes(self._shard_path(shard), _dump_checked(content), durable=False)

    def clear(self) -> None:
        """Delete every shard of this store (other versions and namespaces are kept)."""
        if self.folder.is_dir():
            for path in self.folder.glob("*.pkl"):
                path.unlink(missing_ok=True)
