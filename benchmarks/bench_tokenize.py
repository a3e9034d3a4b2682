"""Tokenization benchmark: throughput, cache and peak memory of the tokenizer against plain jieba.

The text is every paragraph of the bundled corpora (the 5 seed district reports and the 52 national State
Council reports, via ``load_corpus``), replicated 1x, 10x and 100x. Replica ``k`` rotates every paragraph by
``k`` characters, so that replicas are distinct texts of the same size and character mix: neither the token
cache nor the tokenizer's de-duplication of identical texts can skip the work. Large runs are streamed in
batches of one replica, so memory stays that of one replica.

Each case runs in its own fresh process (peak RSS is that process's, imports and dictionary loading included
in the RSS but not in the timing; the dictionary is loaded before the clock starts). Besides wall time, the
table gives MB per CPU second (this process plus its worker processes), which a busy machine distorts less:

* ``jieba.lcut``: plain jieba, the reference speed, no lexicon, no filters.
* ``rjieba.cut``: plain rjieba (the Rust port), no lexicon, no filters.
* ``ours/jieba``: our tokenizer on the jieba backend (lexicon, stopwords, filters), cache off.
* ``ours/native``: our tokenizer on the default ``native`` backend (jieba's algorithm compiled, filtering inside
  the segmenter), cache off, one process: the fast path.
* ``ours/native xN``: the same with ``n_jobs`` = number of CPUs (worker start-up included).
* ``ours/rjieba``: our tokenizer on the rjieba backend, cache off, one process.
* ``cache cold`` / ``cache warm``: the default tokenizer with the cache on, first on an empty cache folder,
  then again in a new process (a warm run must segment nothing).
* ``interleaved``: bare ``rjieba.cut``, ours/native and ours/rjieba on each replica in turn in one process, at
  the largest size: ratios of their speeds, which drift less than any speed alone on a shared machine.

Results: ``benchmarks/out/tokenize/bench_tokenize.csv`` and ``.md`` (the table printed at the end).

Example::

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bench_tokenize.py                 # sizes 1 10 100
    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bench_tokenize.py --sizes 1 10    # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
OUT = REPO_ROOT / "benchmarks" / "out" / "tokenize"
CORPORA = [REPO_ROOT / "data" / "raw", REPO_ROOT / "data" / "national" / "national_gwr.jsonl"]


def load_paragraphs() -> list[str]:
    """Every paragraph (appendix included) of the bundled corpora, in a fixed order."""
    from reportlab_analysis import load_corpus

    texts: list[str] = []
    for path in CORPORA:
        texts.extend(load_corpus(path).paragraphs(include_appendix=True)["text"].tolist())
    return texts


def replica(texts: list[str], k: int) -> list[str]:
    """Replica ``k``: each paragraph rotated by ``k`` characters (replica 0 is the original)."""
    if k == 0:
        return texts
    return [t[k % len(t):] + t[: k % len(t)] if t else t for t in texts]


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_case(case: str, size: int, cache_dir: str | None) -> dict:
    """Run one case in this process and return its measurements."""
    from reportlab_analysis.tokenize import Tokenizer

    texts = load_paragraphs()
    n_jobs = os.cpu_count() or 1
    if case == "jieba.lcut":
        import jieba

        jieba.setLogLevel(60)
        engine = jieba.Tokenizer()
        engine.tmp_dir = tempfile.mkdtemp(prefix="bench-jieba-")
        engine.initialize()

        def work(batch: list[str]) -> int:
            return sum(len([w for w in engine.lcut(t) if w.strip()]) for t in batch)

    elif case == "rjieba.cut":
        import rjieba

        engine = rjieba.Jieba()

        def work(batch: list[str]) -> int:
            return sum(len([w for w in engine.cut(t) if w.strip()]) for t in batch)

    else:
        backend = {"ours/jieba": "jieba", "ours/rjieba": "rjieba"}.get(case, "native")
        use_cache = case.startswith("cache")
        tokenizer = Tokenizer(backend=backend, cache=use_cache, cache_dir=cache_dir)
        tokenizer.tokenize_text("加载词典")  # load the dictionary before the clock starts
        jobs = n_jobs if case.endswith("xN") else 1

        def work(batch: list[str]) -> int:
            return sum(map(len, tokenizer.tokenize(batch, n_jobs=jobs)))

    n_bytes = n_tokens = 0
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    for k in range(size):
        batch = replica(texts, k)
        n_bytes += sum(len(t.encode("utf-8")) for t in batch)
        n_tokens += work(batch)
    if case not in ("jieba.lcut", "rjieba.cut"):
        tokenizer.close()  # reap the workers so that their CPU time is counted
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    result = {"case": case, "size": size, "MB": n_bytes / 1e6, "tokens": n_tokens, "seconds": seconds,
              "MB/s": n_bytes / 1e6 / seconds, "tokens/s": n_tokens / seconds, "peak RSS MB": _peak_rss_mb(),
              "processes": n_jobs if case.endswith("xN") else 1, "CPU s": cpu, "MB per CPU s": n_bytes / 1e6 / cpu}
    if case.startswith("cache"):
        result["segmented"] = tokenizer.last_stats.get("segmented", -1)
    return result


def run_interleaved(size: int) -> dict:
    """Bare ``rjieba.cut``, ours/native and ours/rjieba on each replica in turn, in one process.

    On a shared virtual machine the CPU speed drifts by up to 2x within a minute, so ratios measured side by
    side on the same replicas are steadier than any speed alone.
    """
    import rjieba

    from reportlab_analysis.tokenize import Tokenizer

    texts = load_paragraphs()
    engine = rjieba.Jieba()
    native = Tokenizer(cache=False)
    via_rjieba = Tokenizer(backend="rjieba", cache=False)
    for tokenizer in (native, via_rjieba):
        tokenizer.tokenize_text("加载词典")
    seconds = {"bare": 0.0, "native": 0.0, "rjieba": 0.0}
    mb = 0.0
    for k in range(size):
        batch = replica(texts, k)
        mb += sum(len(t.encode("utf-8")) for t in batch) / 1e6
        for name, work in (("bare", lambda b: [[w for w in engine.cut(t) if w.strip()] for t in b]),
                           ("native", native.tokenize), ("rjieba", via_rjieba.tokenize)):
            start = time.process_time()
            tokens = work(batch)
            seconds[name] += time.process_time() - start
            del tokens
    return {"size": size, "MB": mb, **{f"{name} MB per CPU s": mb / s for name, s in seconds.items()},
            "native / bare": seconds["bare"] / seconds["native"], "rjieba / bare": seconds["bare"] / seconds["rjieba"]}


def in_subprocess(case: str, size: int, cache_dir: str | None) -> dict:
    command = [sys.executable, __file__, "--one", case, "--size", str(size)]
    if cache_dir:
        command += ["--cache-dir", cache_dir]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"case {case} x{size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def plan(sizes: list[int]) -> list[tuple[str, int]]:
    cases = [("jieba.lcut", 1), ("rjieba.cut", 1), ("ours/jieba", 1)]
    for size in sizes:
        cases += [("ours/native", size), ("ours/native xN", size), ("ours/rjieba", size)]
    return cases


def format_table(rows: list[dict]) -> str:
    header = ("| case | size | MB | tokens | seconds | MB/s | processes | MB per CPU second | tokens/s "
              "| peak RSS MB |")
    lines = [header, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['size']}x | {r['MB']:.1f} | {r['tokens']:,} | {r['seconds']:.2f} | {r['MB/s']:.2f} "
            f"| {r['processes']} | {r.get('MB per CPU s', float('nan')):.2f} | {r['tokens/s']:,.0f} "
            f"| {r['peak RSS MB']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="replication factors")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_interleaved(args.size) if args.one == "interleaved" else run_case(args.one, args.size, args.cache_dir)
        print(json.dumps(result))
        return

    rows = []
    for case, size in plan(args.sizes):
        rows.append(in_subprocess(case, size, None))
        print(f"{case:>16} x{size:<4} {rows[-1]['MB/s']:6.2f} MB/s  {rows[-1]['seconds']:7.2f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-tokenize-cache-") as cache_dir:
        for case in ("cache cold", "cache warm"):
            rows.append(in_subprocess(case, 1, cache_dir))
            print(f"{case:>16} x1    {rows[-1]['seconds']:7.2f} s, segmented {rows[-1]['segmented']}", flush=True)
    side_by_side = in_subprocess("interleaved", max(args.sizes), None)
    print(f"     interleaved x{side_by_side['size']:<4} native / bare rjieba = {side_by_side['native / bare']:.2f}", flush=True)
    load = os.getloadavg()
    table = format_table(rows) + (
        f"\n\nSide by side, one process, {side_by_side['size']} replicas ({side_by_side['MB']:.0f} MB), MB per CPU "
        f"second: bare `rjieba.cut` {side_by_side['bare MB per CPU s']:.2f}, ours/native "
        f"{side_by_side['native MB per CPU s']:.2f} ({side_by_side['native / bare']:.2f}x bare rjieba), ours/rjieba "
        f"{side_by_side['rjieba MB per CPU s']:.2f} ({side_by_side['rjieba / bare']:.2f}x)."
    )
    note = (f"\n\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}; load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}. "
            f"Warm run segmented {rows[-1]['segmented']} texts.")
    OUT.mkdir(parents=True, exist_ok=True)
    import csv

    with open(OUT / "bench_tokenize.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)
    (OUT / "bench_tokenize.md").write_text(table + note + "\n", encoding="utf-8")
    print()
    print(table + note)


if __name__ == "__main__":
    main()
