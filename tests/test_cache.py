"""Tests for reportlab_analysis.cache: atomic writes, content keys, cache location, the two stores."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from reportlab_analysis import cache
from reportlab_analysis.cache import (
    CACHE_ENV_VAR,
    CacheError,
    DiskCache,
    ShardedStore,
    atomic_write_bytes,
    cache_root,
    content_key,
    find_project_root,
    hash_text,
)


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_atomic_write_replaces_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "value.bin"
    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert _leftovers(tmp_path) == []


def test_failed_atomic_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "value.bin"
    atomic_write_bytes(target, b"good")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"half-written")
    monkeypatch.undo()
    assert target.read_bytes() == b"good"
    assert _leftovers(tmp_path) == []


def test_content_key_is_stable_and_sensitive() -> None:
    assert content_key("tokens", {"a": 1, "b": [1, 2]}) == content_key("tokens", {"b": [1, 2], "a": 1})
    assert content_key("tokens", {"a": 1}) != content_key("tokens", {"a": 2})
    assert content_key("a", "b") != content_key("ab")
    assert hash_text("南岗区") != hash_text("南岗")
    # A lone surrogate (possible in badly decoded text) must hash, not crash.
    assert len(hash_text("bad \udc80 text")) == 32


def test_cache_root_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    monkeypatch.chdir(project / "notebooks")
    monkeypatch.delenv(CACHE_ENV_VAR, raising=False)
    assert find_project_root() == project.resolve()
    assert cache_root() == project.resolve() / ".cache" / "reportlab_analysis"
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "from-env"))
    assert cache_root() == tmp_path / "from-env"
    assert cache_root(tmp_path / "explicit") == tmp_path / "explicit"


def test_disk_cache_round_trip_and_corrupt_file(tmp_path: Path) -> None:
    store = DiskCache("models", cache_dir=tmp_path)
    key = content_key("corpus", {"k": 5})
    assert store.get(key) is None and key not in store
    store.put(key, {"topics": ["生态", "创新"]})
    assert DiskCache("models", cache_dir=tmp_path).get(key) == {"topics": ["生态", "创新"]}
    store.put(key, None)  # None is a value, not "missing"
    assert key in store and store.get(key, "default") is None
    store.path_for(key).write_bytes(b"\x80not a pickle")
    assert store.get(key, "default") == "default"


def test_sharded_store_round_trip_versions_and_corruption(tmp_path: Path) -> None:
    values = {hash_text(f"段落{i}"): [f"词{i}", "营商环境"] for i in range(600)}
    store = ShardedStore("tokens", version="v1", cache_dir=tmp_path)
    store.put_many(values)
    shards = sorted((tmp_path / "tokens" / "v1").glob("*.pkl"))
    assert 200 < len(shards) <= 256  # 600 keys spread over the 256 shards
    reread = ShardedStore("tokens", version="v1", cache_dir=tmp_path)
    assert reread.get_many(list(values) + ["ffffffffmissing"]) == values
    assert ShardedStore("tokens", version="v2", cache_dir=tmp_path).get_many(values) == {}
    # Adding to a shard keeps what it held.
    extra = {hash_text("另一段"): ["乡村振兴"]}
    reread.put_many(extra)
    assert reread.get_many(list(values) + list(extra)) == {**values, **extra}
    # A damaged shard is a cache miss, never an error.
    shards[0].write_bytes(pickle.dumps("not a dict")[:5])
    survived = reread.get_many(values)
    assert 0 < len(survived) < len(values)
    assert _leftovers(tmp_path) == []


def test_bad_names_and_unwritable_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="namespace"):
        DiskCache("../escape", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="version"):
        ShardedStore("tokens", version="a/b", cache_dir=tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    store = DiskCache("models", cache_dir=blocker)  # the root is a file: cannot hold folders
    with pytest.raises(CacheError, match=str(blocker)):
        store.put("k" * 32, 1)


def test_library_versions_reports_missing() -> None:
    versions = cache.library_versions("jieba", "surely-not-installed-dist")
    assert versions["jieba"] == "0.42.1"
    assert versions["surely-not-installed-dist"] == "missing"
    assert os.fspath(cache.DEFAULT_RELATIVE_CACHE) == os.path.join(".cache", "reportlab_analysis")


def test_every_flipped_bit_of_a_cache_file_is_a_miss_never_a_wrong_value(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parent.parent / "data" / "raw" / "000_207fb4099e85d4c9.txt").read_text("utf-8")
    value = {"paragraphs": text.split("\n")}
    store = DiskCache("models", cache_dir=tmp_path)
    store.put("k", value)
    path = store.path_for("k")
    original = path.read_bytes()
    for position in range(0, len(original), max(1, len(original) // 300)):
        damaged = bytearray(original)
        damaged[position] ^= 1 << (position % 8)
        path.write_bytes(bytes(damaged))
        assert store.get("k", "miss") == "miss", position
    path.write_bytes(pickle.dumps((value,)))  # a pickle of the old format (no checksum) is not trusted either
    assert store.get("k", "miss") == "miss"
    path.write_bytes(cache._dump_checked(["not", "a", "1-tuple"]))  # a checked file of another shape
    assert store.get("k", "miss") == "miss"
    store.put("k", value)  # rewritten, it is read again
    assert store.get("k") == value


def test_a_damaged_token_shard_is_a_miss_and_is_rewritten_whole(tmp_path: Path) -> None:
    values = {hash_text(line): list(line) for line in ("加快建设现代化经济体系", "深化供给侧结构性改革")}
    store = ShardedStore("tokens", version="v1", cache_dir=tmp_path)
    store.put_many(values)
    for shard in (tmp_path / "tokens" / "v1").glob("*.pkl"):
        data = bytearray(shard.read_bytes())
        data[-3] ^= 0x10  # inside the pickled tokens: unpickled, this would silently change a token
        shard.write_bytes(bytes(data))
    assert store.get_many(values) == {}
    store.put_many(values)
    assert store.get_many(values) == values
