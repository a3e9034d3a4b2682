"""Tests for reportlab_analysis.tokenize on the bundled seed reports, the national corpus and small made-up texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import jieba
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportlab_analysis
from reportlab_analysis import load_corpus
from reportlab_analysis import tokenize as tk
from reportlab_analysis.tokenize import (
    Tokenizer,
    TokenizerConfig,
    add_tokens,
    harvest_slogans,
    load_wordlist,
    place_name_variants,
    policy_lexicon,
    stopword_list,
    token_agreement,
)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NATIONAL = ROOT / "data" / "national" / "national_gwr.jsonl"
PLAIN = dict(general_stopwords=False, report_stopwords=False, min_len=1, numbers="keep", policy_lexicon=True)


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(RAW)


@pytest.fixture(scope="module")
def seed_paragraphs(seeds) -> list[str]:
    return seeds.paragraphs()["text"].tolist()


@pytest.fixture(scope="module")
def national_paragraphs() -> list[str]:
    """Paragraphs of the 72 national records, read straight from the jsonl (fast, independent of the loader)."""
    paragraphs = []
    with open(NATIONAL, encoding="utf-8") as handle:
        for line in handle:
            paragraphs.extend(p.strip() for p in json.loads(line)["content"].split("\n") if p.strip())
    return paragraphs


def _longest_matches(text: str, terms: set[str]) -> list[str]:
    """Independent oracle: leftmost-longest occurrences of ``terms`` in ``text`` by brute force."""
    longest = max(map(len, terms))
    found, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            if text[i : i + size] in terms:
                found.append(text[i : i + size])
                i += size
                break
        else:
            i += 1
    return found


# ----------------------------------------------------------------------------------------------------------
# Lexicon
# ----------------------------------------------------------------------------------------------------------
def test_policy_lexicon_is_large_unique_and_has_the_named_terms() -> None:
    lexicon = policy_lexicon()
    assert len(lexicon) >= 300
    assert lexicon["term"].is_unique
    named = {"供给侧结构性改革", "放管服", "营商环境", "乡村振兴", "河长制", "一带一路", "十四五", "高质量发展",
             "双随机一公开", "专精特新", "碳达峰", "碳中和"}
    assert named <= set(lexicon["term"])
    assert lexicon["category"].nunique() >= 10


@pytest.mark.parametrize("backend", ["native", "rjieba", "jieba"])
def test_lexicon_terms_are_single_tokens_where_jieba_alone_splits_them(backend: str) -> None:
    text = "坚持供给侧结构性改革，落实双随机一公开，培育专精特新企业，做好碳达峰碳中和工作。"
    plain = jieba.lcut(text)
    assert "供给侧结构性改革" not in plain and "专精特新" not in plain  # so the lexicon is what makes them whole
    tokens = Tokenizer(backend=backend, cache=False).tokenize_text(text)
    for term in ("供给侧结构性改革", "双随机一公开", "专精特新", "碳达峰碳中和"):
        assert term in tokens
    assert "碳达峰" not in tokens  # the longest term wins


@pytest.mark.parametrize("backend", ["native", "rjieba", "jieba"])
def test_every_lexicon_occurrence_in_the_seeds_is_one_token(seed_paragraphs, backend: str) -> None:
    tokenizer = Tokenizer(backend=backend, cache=False, **PLAIN)
    terms = set(policy_lexicon()["term"])
    checked = 0
    for text in seed_paragraphs:
        expected = _longest_matches(unicodedata.normalize("NFKC", text), terms)
        got = [t for t in tokenizer.tokenize_text(text) if t in terms]
        assert got == expected, text[:60]
        checked += len(expected)
    assert checked > 150


def test_fallback_matcher_finds_the_same_terms(seed_paragraphs) -> None:
    """Without ahocorasick_rs the pure-regex matcher gives the same leftmost-longest matches."""
    terms = sorted(set(policy_lexicon()["term"]) | {"南岗区", "南岗", "1356"})
    fast, fallback = tk._term_matcher(terms), tk._regex_term_matcher(terms)
    texts = seed_paragraphs + ["南岗区南岗", "乡村振兴战略乡村振兴", ""]
    assert [fast(t) for t in texts] == [fallback(t) for t in texts]
    assert fallback("全面推进乡村振兴战略") == [(terms.index("全面推进乡村振兴"), 0, 8)]


def test_user_lexicon_file_and_fingerprint_follow_its_content(tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("# my own terms\n哈尔滨新区建设 10 nz\n冰雪旅游\n", encoding="utf-8")
    text = "推进哈尔滨新区建设，发展冰雪旅游。"
    assert "冰雪旅游" not in Tokenizer(cache=False).tokenize_text(text)
    tokenizer = Tokenizer(user_lexicons=[lexicon], cache=False)
    assert tokenizer.tokenize_text(text) == ["哈尔滨新区建设", "冰雪旅游"] == tokenizer(text)
    before = tokenizer.fingerprint()
    lexicon.write_text("冰雪旅游\n", encoding="utf-8")
    assert TokenizerConfig(user_lexicons=[lexicon]).fingerprint() != before


def test_bad_lexicon_files_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"user_lexicons.*nope\.txt"):
        TokenizerConfig(user_lexicons=[tmp_path / "nope.txt"])
    # a list saved as GBK (Notepad on Chinese Windows) is read; jieba's 'word tag' form keeps its tag
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("冰雪旅游 nz\n冰雪经济 v\n".encode("gb18030"))
    assert "冰雪旅游" in Tokenizer(user_lexicons=[gbk], cache=False).tokenize_text("推进哈尔滨新区建设，发展冰雪旅游。")
    assert load_wordlist(gbk, with_tags=True) == {"冰雪旅游": "nz", "冰雪经济": "v"}
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("数字 经济\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"the line '数字 经济' is not 'word \[freq\] \[tag\]'"):
        Tokenizer(user_lexicons=[spaced], cache=False).tokenize_text("数字经济")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01abc\x80")
    with pytest.raises(ValueError, match=r"binary\.txt is neither UTF-8 .* nor GB18030"):
        Tokenizer(user_lexicons=[binary], cache=False).tokenize_text("数字经济")


def test_quoted_slogans_are_harvested_and_protected(seeds) -> None:
    slogans = harvest_slogans(seeds.reports["text"])
    assert "1356" in slogans  # 南岗区: 深入推进“1356”区域经济发展战略布局
    assert all(2 <= len(s) <= 10 for s in slogans)
    assert harvest_slogans(["“甲”“一句很长的引语，里面有逗号”“放管服”"]) == ["放管服"]
    tokenizer = Tokenizer.for_corpus(seeds, cache=False)
    assert "1356" in tokenizer.config.terms
    assert "1356" in tokenizer.tokenize_text("深入推进“1356”区域经济发展战略布局")
    assert "1356" not in Tokenizer(cache=False).tokenize_text("深入推进“1356”区域经济发展战略布局")


# ----------------------------------------------------------------------------------------------------------
# Stopwords and place names
# ----------------------------------------------------------------------------------------------------------
def test_stopword_lists_can_be_switched_off_extended_and_overridden() -> None:
    text = "各位代表，我们要进一步切实推进乡村振兴，一是抓好冰雪旅游。"
    default = Tokenizer(cache=False).tokenize_text(text)
    assert default == ["乡村振兴", "冰雪", "旅游"]
    no_report = Tokenizer(report_stopwords=False, cache=False).tokenize_text(text)
    assert {"进一步", "一是"} <= set(no_report) and "我们" not in no_report
    assert "各位" not in default  # the boilerplate phrase 各位代表 goes whole, not half
    no_general = Tokenizer(general_stopwords=False, cache=False).tokenize_text(text)
    assert "我们" in no_general and "各位代表" not in no_general
    assert "旅游" not in Tokenizer(extra_stopwords=["旅游"], cache=False).tokenize_text(text)
    assert "一是" in Tokenizer(keep_words=["一是"], cache=False).tokenize_text(text)
    assert {"各位代表", "进一步", "切实", "全力", "一是", "二是"} <= set(stopword_list("report"))
    assert len(stopword_list("general")) > 700


def test_stopword_file(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("冰雪\n", encoding="utf-8")
    assert Tokenizer(stopword_files=[path], cache=False).tokenize_text("发展冰雪旅游") == ["旅游"]


def test_place_name_variants() -> None:
    assert place_name_variants("南岗区") == ["南岗区", "南岗"]
    assert place_name_variants("黑龙江省") == ["黑龙江省", "黑龙江"]
    assert place_name_variants("东区") == ["东区"]
    assert place_name_variants("广西壮族自治区") == ["广西壮族自治区", "广西"]
    assert place_name_variants("  ") == []


def test_for_corpus_masks_the_corpus_place_names(seeds) -> None:
    masked = Tokenizer.for_corpus(seeds, cache=False)
    names = set(masked.config.place_names)
    assert {"南岗区", "南岗", "哈尔滨市", "哈尔滨", "黑龙江省", "黑龙江", "沙河口区", "沙河口", "大连"} <= names
    paragraphs = seeds.paragraphs()
    tokens = masked.tokenize(paragraphs["text"])
    assert not names & {t for doc in tokens for t in doc}
    unmasked = Tokenizer.for_corpus(seeds, mask_place_names=False, cache=False).tokenize(paragraphs["text"])
    counts = pd.Series([t for doc in unmasked for t in doc]).value_counts()
    assert counts.get("南岗区", 0) > 10 and counts.get("哈尔滨", 0) > 5
    # A place name is masked whole, however jieba would have cut it.
    assert masked.tokenize_text("南岗区和南岗新城，沙河口区沙河口街") == ["新城"]


def test_for_corpus_masks_the_speakers_and_session_numbers_of_the_header(seeds) -> None:
    header = seeds.paragraphs().query("section == 'preamble'")["text"].head(40).tolist()
    speakers = [s for s in seeds.reports["speaker"].dropna()]
    assert len(speakers) >= 2  # 宋博岩, 王铁立, 楼建忠 on the seed reports
    masked = Tokenizer.for_corpus(seeds, cache=False)
    kept = Tokenizer.for_corpus(seeds, mask_speakers=False, cache=False)
    everything = {t for doc in kept.tokenize(header) for t in doc}
    assert set(speakers) & everything  # the header names them
    assert not set(speakers) & {t for doc in masked.tokenize(header) for t in doc}
    # a name is masked whole; the session numbers of the meeting line are numbers
    line = f"——2018年1月10日在第十六届人民代表大会第二次会议上 区长 {speakers[0]}"
    assert masked.tokenize_text(line) == ["人民代表大会", "区长"]


def test_for_corpus_rejects_non_corpus() -> None:
    with pytest.raises(TypeError, match="Corpus"):
        Tokenizer.for_corpus(["not", "a", "corpus"])


# ----------------------------------------------------------------------------------------------------------
# Filters
# ----------------------------------------------------------------------------------------------------------
def test_numbers_policy_and_min_len() -> None:
    text = "地区生产总值增长15.5%，增长 3 %，PM2.5浓度下降，建成5G基站1200个，三十个项目。"
    drop = Tokenizer(cache=False).tokenize_text(text)
    assert "15.5%" not in drop and "1200" not in drop and {"PM2.5", "5G", "基站"} <= set(drop)
    keep = Tokenizer(numbers="keep", cache=False).tokenize_text(text)
    assert {"15.5%", "3", "1200"} <= set(keep)
    normalized = Tokenizer(numbers="normalize", cache=False).tokenize_text(text)
    assert normalized.count("<PCT>") == 2 and "<NUM>" in normalized and "15.5%" not in normalized
    assert {"PM2.5", "5G"} <= set(normalized)
    assert "河" in Tokenizer(min_len=1, cache=False).tokenize_text("治理河道，保护河")
    assert "河" not in Tokenizer(min_len=2, cache=False).tokenize_text("治理河道，保护河")
    assert "高质量发展" in Tokenizer(min_len=6, cache=False).tokenize_text("推动高质量发展")  # lexicon is exempt


def test_chinese_numeral_years_and_quantities_are_numbers_and_hide_no_plan_names(national_paragraphs,
                                                                                 tmp_path) -> None:
    lexicon = tmp_path / "plans.txt"
    lexicon.write_text("九五\n", encoding="utf-8")  # as harvested from “九五” in the 1990s reports
    tokenizer = Tokenizer(user_lexicons=(str(lexicon),), cache=False)
    text = "一九五五年三月间，工业总产值比一九五二年增长百分之八，第二年完成了计划的十六点七。"
    tokens = tokenizer.tokenize_text(text)
    assert not {"九五", "一九五五年", "一九五二年", "百分之八", "第二年", "十六点七", "三月"} & set(tokens)
    assert tokenizer.tokenize_text("第十四届人大、十三届三次会议") == ["人大"]
    assert {"工业", "总产值", "计划"} <= set(tokens)
    # the plan names written in numerals stay whole terms where they stand alone
    assert tokenizer.tokenize_text("“九五”时期和“十四五”规划") == ["九五", "时期", "十四五", "规划"]
    assert {"一九五五年", "一九五"} & set(Tokenizer(numbers="keep", cache=False).tokenize_text(text))
    # on the 1950s State Council reports, 九五 comes only from the 九五 plan, never from inside a year
    fifties = [p for p in national_paragraphs if "一九五" in p]
    assert len(fifties) > 100
    import re

    alone = re.compile("(?<![〇零一二三四五六七八九十百千万两0-9])九五(?![〇零一二三四五六七八九十百千万两0-9])")
    assert sum(tokens.count("九五") for tokens in tokenizer.tokenize(fifties)) == sum(
        len(alone.findall(p)) for p in fifties)


def test_pos_filter_keeps_only_the_requested_tags(seed_paragraphs) -> None:
    import jieba.posseg

    jieba.posseg.dt.tokenizer.initialize()
    tags = jieba.posseg.dt.word_tag_tab  # jieba's own reading of dict.txt's tag column
    lexicon = set(policy_lexicon()["term"])
    nouns = Tokenizer(pos=("n",), report_stopwords=False, cache=False).tokenize(seed_paragraphs[:60])
    flat = [t for doc in nouns for t in doc]
    assert len(flat) > 300
    for token in flat:
        assert token in lexicon or tags.get(token, "x").startswith("n"), token
    assert "推进" not in flat and "推进" in [t for d in Tokenizer(report_stopwords=False, cache=False).tokenize(seed_paragraphs[:60]) for t in d]
    with pytest.raises(ValueError, match="pos"):
        TokenizerConfig(pos=())


def test_phrases_merge_frequent_collocations() -> None:
    texts = ["推进冰雪 旅游 产业，发展夏季 避暑 经济"] * 30 + ["冰雪 运动", "旅游 服务"]
    plain = Tokenizer(cache=False).tokenize(texts)
    merged = Tokenizer(phrases=True, phrase_min_count=5, phrase_threshold=0.05, cache=False).tokenize(texts)
    assert "冰雪" in plain[0] and "旅游" in plain[0]
    assert "冰雪_旅游" in merged[0] or "避暑_经济" in merged[0]
    assert merged[-2] == plain[-2]  # a pair seen once is not merged


# ----------------------------------------------------------------------------------------------------------
# Backends, agreement, parallel runs
# ----------------------------------------------------------------------------------------------------------
def _assert_backends_agree(texts: list[str], *, min_tokens: int) -> None:
    fast = Tokenizer(backend="rjieba", cache=False).tokenize(texts)
    reference = Tokenizer(backend="jieba", cache=False).tokenize(texts)
    assert sum(map(len, reference)) > min_tokens
    assert token_agreement(fast, reference) >= 0.99
    assert Tokenizer(backend="native", cache=False).tokenize(texts) == reference  # jieba's tokens exactly


def test_backends_agree_on_the_seeds_and_a_national_sample(seed_paragraphs, national_paragraphs) -> None:
    _assert_backends_agree(seed_paragraphs + national_paragraphs[::8], min_tokens=40_000)


@pytest.mark.slow
def test_backends_agree_on_the_whole_bundled_corpora(seed_paragraphs, national_paragraphs) -> None:
    _assert_backends_agree(seed_paragraphs + national_paragraphs, min_tokens=250_000)


def test_backends_agree_without_filters(seed_paragraphs) -> None:
    raw_fast = Tokenizer(backend="rjieba", cache=False, **PLAIN).tokenize(seed_paragraphs)
    raw_reference = Tokenizer(backend="jieba", cache=False, **PLAIN).tokenize(seed_paragraphs)
    assert token_agreement(raw_fast, raw_reference) >= 0.99


def test_rjieba_bundled_dictionary_is_jiebas(seed_paragraphs) -> None:
    """Loading jieba's own dict.txt into rjieba word by word gives the same tokens as rjieba's embedded copy."""
    jieba_dict = str(Path(jieba.__file__).with_name("dict.txt"))
    embedded = Tokenizer(backend="rjieba", cache=False, **PLAIN).tokenize(seed_paragraphs)
    loaded = Tokenizer(backend="rjieba", dictionary=jieba_dict, cache=False, **PLAIN).tokenize(seed_paragraphs)
    assert embedded == loaded


def test_parallel_equals_serial(national_paragraphs) -> None:
    # Workers send tokens back joined by NUL and SOH: texts holding those, or nothing, must come back intact.
    texts = national_paragraphs[:6000] + ["", "乡村\x00振兴\x01营商环境", "\x01\x00", "只有一个词"] * 5
    tokenizer = Tokenizer(cache=False)
    serial = tokenizer.tokenize(texts)
    parallel = tokenizer.tokenize(texts, n_jobs=2, progress=True)
    assert parallel == serial
    pool = tokenizer._pool
    assert tokenizer.tokenize(texts[::-1], n_jobs=2) == serial[::-1]  # the worker pool is reused
    assert tokenizer._pool is pool
    tokenizer.close()
    assert tokenizer._pool is None
    with pytest.raises(ValueError, match="n_jobs"):
        tokenizer.tokenize(texts[:3], n_jobs=0)


def test_token_agreement() -> None:
    assert token_agreement([["a", "b"], ["c"]], [["a", "b"], ["c"]]) == 1.0
    assert token_agreement([["a", "b"]], [["a", "c", "d"]]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="texts"):
        token_agreement([["a"]], [])


# ----------------------------------------------------------------------------------------------------------
# Cache
# ----------------------------------------------------------------------------------------------------------
def test_warm_run_tokenizes_nothing(tmp_path: Path, seed_paragraphs, monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = Tokenizer(cache_dir=tmp_path)
    cold = tokenizer.tokenize(seed_paragraphs)
    assert tokenizer.last_stats["segmented"] == tokenizer.last_stats["unique"] > 300

    def refuse(self, texts):  # any segmentation now is a cache failure (every path goes through a batch)
        raise AssertionError("segmented on a warm run")

    monkeypatch.setattr(tk._Pipeline, "_segment_batch", refuse)
    fresh = Tokenizer(cache_dir=tmp_path)
    warm = fresh.tokenize(seed_paragraphs)
    assert warm == cold
    assert fresh.last_stats["segmented"] == 0 and fresh.last_stats["from_cache"] == fresh.last_stats["unique"]
    warm[0].append("mutated")  # callers get copies, the cache is untouched
    assert Tokenizer(cache_dir=tmp_path).tokenize(seed_paragraphs[:1])[0] == cold[0]
    # A different configuration does not read these entries.
    with pytest.raises(AssertionError, match="warm run"):
        Tokenizer(cache_dir=tmp_path, min_len=1).tokenize(seed_paragraphs[:1])


def test_cache_location_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTLAB_ANALYSIS_CACHE", str(tmp_path / "env-cache"))
    tokenizer = Tokenizer()
    tokenizer.tokenize(["推动高质量发展"])
    assert list((tmp_path / "env-cache" / "tokens").rglob("*.pkl"))
    assert not list((tmp_path / "env-cache").rglob("*.tmp"))
    # A damaged shard is recomputed, not an error.
    for shard in (tmp_path / "env-cache" / "tokens").rglob("*.pkl"):
        shard.write_bytes(b"garbage")
    again = Tokenizer()
    assert again.tokenize(["推动高质量发展"]) == [["高质量发展"]]
    assert again.last_stats["segmented"] == 1


def test_jieba_model_cache_goes_to_a_private_folder(tmp_path: Path) -> None:
    code = (
        "import jieba; from reportlab_analysis.tokenize import Tokenizer;"
        "print(Tokenizer(backend='jieba', cache=False).tokenize_text('推动高质量发展'));"
        "print(jieba.dt.tmp_dir)"
    )
    env = {**os.environ, "REPORTLAB_ANALYSIS_CACHE": str(tmp_path), "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "高质量发展" in done.stdout
    assert [p.name for p in (tmp_path / "jieba").glob("jieba*.cache")] == ["jieba.cache"]
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "jieba")  # jieba.lcut's global tokenizer too


# ----------------------------------------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------------------------------------
def test_config_is_frozen_hashable_and_normalised() -> None:
    a = TokenizerConfig(extra_stopwords=["南岗", "南岗", "哈尔滨"], pos=["v", "n"])
    b = TokenizerConfig(extra_stopwords=("哈尔滨", "南岗"), pos=("n", "v"))
    assert a == b and hash(a) == hash(b) and a.fingerprint() == b.fingerprint()
    assert {a: 1}[b] == 1
    with pytest.raises(dataclasses_frozen_error()):
        a.min_len = 3  # type: ignore[misc]
    assert TokenizerConfig(backend="jieba").fingerprint() != TokenizerConfig().fingerprint()
    assert TokenizerConfig(numbers="keep").fingerprint() != TokenizerConfig().fingerprint()


def dataclasses_frozen_error() -> type[Exception]:
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_fingerprint_is_stable_across_processes() -> None:
    code = "from reportlab_analysis.tokenize import TokenizerConfig as C; print(C(extra_stopwords=['乙','甲']).fingerprint())"
    outputs = set()
    for seed in ("0", "1", "123"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        outputs.add(done.stdout.strip())
    assert outputs == {TokenizerConfig(extra_stopwords=["甲", "乙"]).fingerprint()}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"backend": "thulac"}, "backend"),
        ({"numbers": "round"}, "numbers"),
        ({"min_len": 0}, "min_len"),
        ({"hmm": "yes"}, "hmm"),
        ({"extra_stopwords": [1, 2]}, "extra_stopwords"),
        ({"phrase_threshold": float("nan")}, "phrase_threshold"),
    ],
)
def test_bad_options_get_clear_errors(options: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        TokenizerConfig(**options)


def test_unknown_override_lists_valid_options() -> None:
    with pytest.raises(TypeError, match=r"unknown tokenizer option.*min_lenght.*valid options"):
        Tokenizer(min_lenght=2)
    assert Tokenizer(TokenizerConfig(backend="jieba"), min_len=3, cache=False).config.backend == "jieba"
    assert reportlab_analysis.Tokenizer is Tokenizer and reportlab_analysis.TokenizerConfig is TokenizerConfig


# ----------------------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["native", "rjieba", "jieba"])
def test_awkward_input_never_crashes(backend: str) -> None:
    tokenizer = Tokenizer(backend=backend, cache=False)
    long_paragraph = "推进乡村振兴和生态文明建设" * 20_000  # 260k characters, no punctuation
    texts = ["", "   \n\t", None, float("nan"), pd.NA, "Hello world 2024, GDP +5%", "控制\x00字符\x1b[31m乡村振兴\x7f",
             "坏的\udc80代理对乡村振兴", "表情😀与乡村振兴", "ｆｕｌｌ－ｗｉｄｔｈ　ＰＭ２．５", long_paragraph]
    out = tokenizer.tokenize(texts)
    assert out[:5] == [[], [], [], [], []]
    assert out[5] == ["Hello", "world", "GDP"]
    assert "乡村振兴" in out[6] and "乡村振兴" in out[7] and "乡村振兴" in out[8]
    assert "PM2.5" in out[9]
    assert out[10].count("乡村振兴") == 20_000
    for doc in out:
        assert all(t and not any(c.isspace() or unicodedata.category(c) in ("Cc", "Cs") for c in t) for t in doc)


@pytest.mark.parametrize("numbers", ["drop", "normalize"])
def test_segmenting_in_batches_equals_text_by_text(national_paragraphs, numbers: str) -> None:
    # Texts are joined into batches of ~50,000 characters; nothing may leak across a text's edges.
    sample = national_paragraphs[::5]  # every decade, traditional-script reports included
    texts = sample + ["乡村振兴", "营商环境。", "", "增长6.5%", "%", "南岗区乡村振兴南岗区"] * 3
    tokenizer = Tokenizer(cache=False, numbers=numbers, place_names=["南岗区"])
    assert sum(map(len, texts)) > 2 * tk._BATCH_CHARS
    batched = tokenizer.tokenize(texts)
    assert batched == [tokenizer.tokenize_text(text) for text in texts]
    assert any(tk.traditional_only_characters().intersection(text) for text in sample)
    assert batched[len(sample):len(sample) + 6] == [["乡村振兴"], ["营商环境"], [],
                                (["<PCT>"] if numbers == "normalize" else []), [], ["乡村振兴"]]


@pytest.mark.parametrize("backend", ["native", "jieba"])
def test_an_edited_word_list_or_dictionary_is_read_again_in_the_same_session(tmp_path: Path, backend: str) -> None:
    """Pipelines are kept per process; editing a file they read must not leave its old tokens in use, nor store
    them in the cache under the edited file's key."""
    lexicon, stop, dictionary = tmp_path / "lex.txt", tmp_path / "stop.txt", tmp_path / "dict.txt"
    lexicon.write_text("冰雪旅游\n", encoding="utf-8")
    stop.write_text("建设\n", encoding="utf-8")
    dictionary.write_text("数字 50 n\n政府 50 n\n运动 50 vn\n全民 50 n\n推进 50 v\n发展 50 v\n", encoding="utf-8")
    text = ["发展冰雪旅游和数字政府建设，推进全民运动"]
    options = dict(backend=backend, user_lexicons=[lexicon], stopword_files=[stop], dictionary=dictionary,
                   general_stopwords=False, report_stopwords=False, cache_dir=tmp_path / "cache")
    first = Tokenizer(**options)
    before = first.tokenize(text)[0]
    assert "冰雪旅游" in before and "数字政府建设" not in before and "运动" in before and "全民运动" not in before
    lexicon.write_text("冰雪旅游\n数字政府建设\n", encoding="utf-8")
    stop.write_text("建设\n运动\n", encoding="utf-8")
    dictionary.write_text(dictionary.read_text(encoding="utf-8") + "全民运动 500 n\n", encoding="utf-8")
    second = Tokenizer(**options)
    after = second.tokenize(text)[0]
    assert "数字政府建设" in after and "全民运动" in after and "运动" not in after
    assert second.last_stats["segmented"] == 1
    assert first.tokenize(text)[0] == after  # a tokenizer made before the edit follows it too
    assert Tokenizer(**options).tokenize(text)[0] == after and first.last_stats["from_cache"] == 1


def test_word_lists_in_traditional_script_match_the_simplified_texts() -> None:
    """Texts are read in simplified script (simplify=True), so place names, stopwords, keep words and terms
    written in traditional characters must match them."""
    tokenizer = Tokenizer(cache=False, place_names=["臺灣"], extra_stopwords=["國家安全"], keep_words=["進一步"],
                          terms=["經濟高質量發展"])
    tokens = tokenizer.tokenize_text("臺灣同胞維護國家安全，進一步推動經濟高質量發展")
    assert "台湾" not in tokens and "国家安全" not in tokens
    assert "进一步" in tokens and "经济高质量发展" in tokens
    unsimplified = Tokenizer(cache=False, simplify=False, place_names=["臺灣"]).tokenize_text("臺灣同胞")
    assert "臺灣" not in unsimplified and "同胞" in unsimplified


def test_chinese_numerals_follow_the_numbers_policy_not_the_stopword_list() -> None:
    text = "二〇二三年城镇就业增长百分之七，万一"
    kept = Tokenizer(cache=False, numbers="keep").tokenize_text(text)
    assert "".join(kept).startswith("二〇二三年") and "百分之七" in kept and "万一" not in kept
    assert Tokenizer(cache=False, numbers="normalize").tokenize_text(text)[-1] == "<PCT>"
    assert not any(set(t) & set("〇二三七") for t in Tokenizer(cache=False).tokenize_text(text))  # drop


def test_private_use_characters_in_the_input_are_spaces() -> None:
    # The batch path marks text edges and protected terms with private-use characters; input ones must not
    # pass for markers (U+F0000 is the first term marker) nor glue words together.
    tokenizer = Tokenizer(cache=False)
    texts = ["\U000f0000科技\ue000改革\U000f0001", "营商环境\ue000", "\ue001\uf8ff"]
    assert tokenizer.tokenize(texts) == tokenizer.tokenize(["科技 改革", "营商环境", ""]) == [["科技", "改革"], ["营商环境"], []]


def test_non_text_input_names_the_position() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        Tokenizer(cache=False).tokenize(["乡村振兴", 42])
    with pytest.raises(TypeError, match="sequence of texts"):
        Tokenizer(cache=False).tokenize("乡村振兴")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list("乡村振兴营商环境南岗区“”，。%0123")), max_size=80))
def test_any_text_gives_clean_tokens_on_both_backends(text: str) -> None:
    fast = Tokenizer(backend="rjieba", cache=False).tokenize_text(text)
    reference = Tokenizer(backend="jieba", cache=False).tokenize_text(text)
    native = Tokenizer(backend="native", cache=False).tokenize_text(text)
    assert native == reference
    for tokens in (fast, reference):
        assert all(isinstance(t, str) and t and t == t.strip() for t in tokens)


# ----------------------------------------------------------------------------------------------------------
# Frames
# ----------------------------------------------------------------------------------------------------------
def test_add_tokens_on_paragraphs_sentences_and_reports(seeds, tmp_path: Path) -> None:
    tokenizer = Tokenizer.for_corpus(seeds, cache_dir=tmp_path)
    for frame in (seeds.paragraphs(metadata=["region"]), seeds.sentences(), seeds.reports):
        shuffled = frame.sample(frac=1.0, random_state=0)
        result = add_tokens(shuffled, tokenizer)
        assert "tokens" not in shuffled.columns and list(result.index) == list(shuffled.index)
        assert result["tokens"].tolist() == tokenizer.tokenize(shuffled["text"].tolist())
        assert result["tokens"].map(len).sum() > 1000
    paragraphs = add_tokens(seeds.paragraphs(), tokenizer, column="words")
    assert "words" in paragraphs.columns
    with pytest.raises(KeyError, match="no column 'body'"):
        add_tokens(seeds.reports, tokenizer, text_column="body")


def test_traditional_characters_are_simplified_unless_switched_off(national_corpus):
    text_1954 = national_corpus.reports.loc[national_corpus.reports["year"] == 1954, "text"].item()
    paragraphs = [p for p in text_1954.split("\n") if "國家" in p][:20]
    assert paragraphs
    simplified = Tokenizer(cache=False).tokenize(paragraphs)
    kept = Tokenizer(simplify=False, cache=False).tokenize(paragraphs)
    flat_simplified, flat_kept = [t for ts in simplified for t in ts], [t for ts in kept for t in ts]
    assert "国家" in flat_simplified and "國家" not in flat_simplified
    assert "國家" in flat_kept
    # simplified text is untouched: the same tokens with the option on or off
    modern = national_corpus.reports.loc[national_corpus.reports["year"] == 2024, "text"].item().split("\n")[:30]
    assert Tokenizer(cache=False).tokenize(modern) == Tokenizer(simplify=False, cache=False).tokenize(modern)
