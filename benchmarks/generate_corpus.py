"""Generate a deterministic benchmark corpus of government work reports, at any size.

The reports are *not* meant to mean anything: each one is a plausible header (title, meeting-date line,
speaker line, sometimes web-page boilerplate around it) wrapped around body paragraphs made of real sentences
resampled from the real reports bundled with the package (``data/raw`` and the State Council reports in
``data/national/national_gwr.jsonl``). Region and year vary over real districts of several cities, so
that metadata extraction, district disambiguation and cleaning have real work to do, and the files are
written in a mix of encodings (UTF-8, UTF-8 with BOM, GB18030, UTF-16) and formats (plain text, HTML).

Paragraphs are assembled from 1-6 resampled sentences rather than copied whole, so that, as in a real
corpus, almost no paragraph occurs twice (a tokenizer that de-duplicates texts, or a cache, would otherwise
look faster than it is on real data).

Report ``i`` depends only on ``(seed, i)``: the 50-report corpus is the first 50 reports of the
500-report one, and two runs write the same bytes.

Besides the report folder, the generator writes ``<folder>.truth.csv`` next to it (outside the folder, so
that a loader does not take it for a report): one row per file with the metadata and encoding it was
given.

Example:
    >>> from pathlib import Path
    >>> truth = generate_corpus(50, out_dir=Path("benchmarks/out"))   # doctest: +SKIP
    >>> (truth[0].file, truth[0].encoding, truth[0].region, truth[0].year)   # doctest: +SKIP
    ('00000.txt', 'utf-8-sig', '甘井子区', 2022)

Command line::

    python benchmarks/generate_corpus.py --sizes 50 500 5000 --out benchmarks/out
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import random
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW_DIR = REPO_ROOT / "data" / "raw"
DEFAULT_NATIONAL_PATH = REPO_ROOT / "data" / "national" / "national_gwr.jsonl"
DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_SIZES = (50, 500, 5000)

#: Bump when the output of the generator changes, so that cached corpora are rebuilt.
GENERATOR_VERSION = "2"

#: Real districts: (region, city, province, adcode). Several names repeat across cities on purpose
#: (鼓楼区, 朝阳区), and 江干区 (merged away in 2021) tests historical divisions.
DISTRICTS: tuple[tuple[str, str, str, str], ...] = (
    ("道里区", "哈尔滨市", "黑龙江省", "230102"),
    ("南岗区", "哈尔滨市", "黑龙江省", "230103"),
    ("道外区", "哈尔滨市", "黑龙江省", "230104"),
    ("平房区", "哈尔滨市", "黑龙江省", "230108"),
    ("松北区", "哈尔滨市", "黑龙江省", "230109"),
    ("香坊区", "哈尔滨市", "黑龙江省", "230110"),
    ("呼兰区", "哈尔滨市", "黑龙江省", "230111"),
    ("阿城区", "哈尔滨市", "黑龙江省", "230112"),
    ("中山区", "大连市", "辽宁省", "210202"),
    ("西岗区", "大连市", "辽宁省", "210203"),
    ("沙河口区", "大连市", "辽宁省", "210204"),
    ("甘井子区", "大连市", "辽宁省", "210211"),
    ("旅顺口区", "大连市", "辽宁省", "210212"),
    ("和平区", "沈阳市", "辽宁省", "210102"),
    ("沈河区", "沈阳市", "辽宁省", "210103"),
    ("皇姑区", "沈阳市", "辽宁省", "210105"),
    ("铁西区", "沈阳市", "辽宁省", "210106"),
    ("上城区", "杭州市", "浙江省", "330102"),
    ("江干区", "杭州市", "浙江省", "330104"),
    ("西湖区", "杭州市", "浙江省", "330106"),
    ("滨江区", "杭州市", "浙江省", "330108"),
    ("萧山区", "杭州市", "浙江省", "330109"),
    ("余杭区", "杭州市", "浙江省", "330110"),
    ("玄武区", "南京市", "江苏省", "320102"),
    ("秦淮区", "南京市", "江苏省", "320104"),
    ("鼓楼区", "南京市", "江苏省", "320106"),
    ("鼓楼区", "福州市", "福建省", "350102"),
    ("台江区", "福州市", "福建省", "350103"),
    ("朝阳区", "北京市", "北京市", "110105"),
    ("海淀区", "北京市", "北京市", "110108"),
    ("朝阳区", "长春市", "吉林省", "220104"),
    ("锦江区", "成都市", "四川省", "510104"),
    ("青羊区", "成都市", "四川省", "510105"),
    ("武侯区", "成都市", "四川省", "510107"),
    ("江岸区", "武汉市", "湖北省", "420102"),
    ("武昌区", "武汉市", "湖北省", "420106"),
    ("洪山区", "武汉市", "湖北省", "420111"),
)

#: Share of each (format, encoding) among the generated files.
FILE_KINDS: tuple[tuple[str, str, float], ...] = (
    ("txt", "utf-8", 0.35),
    ("txt", "utf-8-sig", 0.15),
    ("txt", "gb18030", 0.25),
    ("txt", "utf-16", 0.10),
    ("html", "utf-8", 0.10),
    ("html", "gb18030", 0.05),
)

YEARS = tuple(range(2010, 2026))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_CHARS = "建国伟明华军平志刚海涛新林斌强晓东文辉永波宏庆立峰鹏铁博岩忠凯德春玉成亮杰红兵俊光磊勇"
CHINESE_ORDINALS = "一二三四五六七八九十"
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class GeneratedReport:
    """What the generator put into one file (the ground truth of the benchmark corpus)."""

    file: str
    format: str
    encoding: str
    region: str
    city: str
    province: str
    adcode: str
    year: int
    meeting_date: str
    speaker: str
    header_style: str
    has_boilerplate: bool
    n_paragraphs: int  # generated body paragraphs (not counting headings, opening and closing lines)
    n_body_chars: int  # characters of the body: opening, headings, resampled paragraphs, closing


# ------------------------------------------------------------------------------------------------
def load_paragraph_pool(
    *, raw_dir: Path = DEFAULT_RAW_DIR, national_path: Path = DEFAULT_NATIONAL_PATH, min_chars: int = 40
) -> list[str]:
    """Body paragraphs of the bundled reports, in a fixed order, to resample from.

    A line counts as a body paragraph when it is at least ``min_chars`` long, is mostly Chinese and ends
    like a sentence (。！；), which leaves out headers, navigation, table cells and wrapped fragments.
    The NPC resolutions in the national file (year null) are skipped.

    Example:
        >>> pool = load_paragraph_pool()
        >>> len(pool) > 1000
        True
    """
    raw_dir, national_path = Path(raw_dir), Path(national_path)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"paragraph source folder not found: {raw_dir}")
    if not national_path.is_file():
        raise FileNotFoundError(f"national corpus not found: {national_path}")
    texts: list[str] = [path.read_text(encoding="utf-8") for path in sorted(raw_dir.glob("*.txt"))]
    with national_path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{national_path}, line {line_number}: not valid JSON ({error.msg})") from None
            if record.get("year"):
                texts.append(str(record.get("content", "")))
    pool: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            paragraph = line.strip()
            if len(paragraph) < min_chars or paragraph[-1] not in "。！；;!":
                continue
            if len(_CJK.findall(paragraph)) < 0.6 * len(paragraph) or paragraph in seen:
                continue
            seen.add(paragraph)
            pool.append(paragraph)
    if not pool:
        raise ValueError(f"no body paragraphs found in {raw_dir} and {national_path}")
    return pool


_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, each with its closing punctuation (。！？； and ASCII forms).

    Example:
        >>> split_sentences("加快发展。保障民生；推进改革！")
        ['加快发展。', '保障民生；', '推进改革！']
    """
    return [part for part in _SENTENCE_END.split(paragraph) if part.strip()]


def sentence_pool(paragraphs: Sequence[str]) -> list[str]:
    """Every sentence of the paragraph pool (with repeats, in order), to assemble new paragraphs from.

    Example:
        >>> len(sentence_pool(load_paragraph_pool())) > 10_000
        True
    """
    return [sentence for paragraph in paragraphs for sentence in split_sentences(paragraph)]


# ------------------------------------------------------------------------------------------------
def _choose_kind(rng: random.Random) -> tuple[str, str]:
    draw, total = rng.random(), 0.0
    for file_format, encoding, share in FILE_KINDS:
        total += share
        if draw < total:
            return file_format, encoding
    return FILE_KINDS[-1][0], FILE_KINDS[-1][1]


def _speaker_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))


def _meeting_date(rng: random.Random, year: int) -> tuple[int, int, int]:
    """District congresses meet between December of the previous year and March of the plan year."""
    month = rng.choice((12, 1, 1, 1, 2, 3))
    meeting_year = year - 1 if month == 12 else year
    day = rng.randint(1, 28)
    return meeting_year, month, day


def _header(rng: random.Random, *, region: str, city: str, year: int, date: tuple[int, int, int],
            speaker: str) -> tuple[str, list[str]]:
    """Title, date and speaker lines in one of the styles found on district web sites."""
    meeting_year, month, day = date
    congress, session = rng.choice(CHINESE_ORDINALS[:9]), rng.choice(CHINESE_ORDINALS[:5])
    full_name = f"{city}{region}"
    style = rng.choice(("dash", "approved", "spaced", "plan"))
    if style == "dash":
        lines = [
            f"{year}年{full_name}人民政府工作报告",
            f"——{meeting_year}年{month}月{day}日在{region}第十{congress}届人民代表大会第{session}次会议上",
            f"{region}人民政府区长 {speaker}",
        ]
    elif style == "approved":
        lines = [
            "政府工作报告",
            f"{meeting_year}年{month}月{day}日经{full_name}第十{congress}届人民代表大会第{session}次会议审议通过",
            f"{region}人民政府区长{speaker}",
        ]
    elif style == "spaced":
        lines = [
            f"{full_name}{year}年政府工作报告",
            "政 府 工 作 报 告",
            f"——{meeting_year}年{month}月{day}日在{region}第{congress}届人民代表大会第{session}次会议上",
            f"区  长  {speaker}",
        ]
    else:  # a "work plan" title with the date only in the publication line (no meeting date in the text)
        lines = [f"{full_name}{year}年政府工作报告"]
    return style, lines


def _web_boilerplate(rng: random.Random, *, region: str, year: int) -> tuple[list[str], list[str]]:
    """Navigation and metadata lines before the report, share and footer links after it."""
    top = [
        "当前位置:",
        rng.choice(("首页-政务公开-基础信息公开-规划计划", "首页 > 政务公开 > 政府工作报告", "首页>>信息公开>>规划计划")),
        f"来源:{region}人民政府 发布日期:{year}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} 字号:[ 大 中 小 ]",
    ]
    if rng.random() < 0.5:
        top = [
            "- 索引号:",
            f"- 11{rng.randint(100000, 999999)}/{year}-0{rng.randint(1000, 9999)}",
            "- 发布机构:",
            f"- {region}人民政府办公室",
            "- 有效性:",
            "- 有效",
            *top,
        ]
    bottom = [
        "分享到:",
        "【字号:加大 还原 减小】 【打印】 【关闭】",
        "上一篇:关于印发进一步优化营商环境若干措施的通知",
        "下一篇:没有了",
        "扫一扫在手机打开当前页",
        "关于我们 网站地图 网站找错 联系我们",
    ]
    return top, bottom


OPENING = ["各位代表:", "现在,我代表区人民政府向大会报告工作,请予审议,并请区政协委员和其他列席人员提出意见。"]
CLOSING = "各位代表,新征程催人奋进,新使命重任在肩。让我们团结一心、真抓实干,为全面建设社会主义现代化强区而努力奋斗!"


def _body(rng: random.Random, sentences: Sequence[str], *, year: int, target_chars: int) -> tuple[list[str], int]:
    """Sections with headings, filled with paragraphs of 1-6 resampled sentences until ``target_chars`` is reached.

    Returns the lines and the number of generated paragraphs among them.
    """
    headings = [
        f"一、{year - 1}年工作回顾",
        f"二、{year}年工作安排",
        "三、全面加强政府自身建设",
    ]
    shares = (0.4, 0.45, 0.15)
    lines, n_resampled = list(OPENING), 0
    for heading, share in zip(headings, shares):
        lines.append(heading)
        budget, written = int(target_chars * share), 0
        while written < budget:
            n_sentences = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
            paragraph = "".join(sentences[rng.randrange(len(sentences))] for _ in range(n_sentences))
            lines.append(paragraph)
            written += len(paragraph)
            n_resampled += 1
    lines.append(CLOSING)
    return lines, n_resampled


def _as_html(*, title: str, lines: Sequence[str], encoding: str, top: Sequence[str], bottom: Sequence[str]) -> str:
    charset = "gb2312" if encoding == "gb18030" else "utf-8"
    nav = "".join(f"<span>{html.escape(line)}</span>" for line in top)
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    footer = "".join(f"<a href=\"#\">{html.escape(line)}</a>" for line in bottom)
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\n"
        f"<title>{html.escape(title)}_政务公开</title>\n"
        "<script>var _hmt = _hmt || [];</script>\n"
        "<style>.nav{color:#333}</style>\n</head>\n<body>\n"
        f"<div class=\"nav\">{nav}</div>\n<div class=\"article\">\n<h1>{html.escape(title)}</h1>\n{body}\n</div>\n"
        f"<div class=\"footer\">{footer}</div>\n</body>\n</html>\n"
    )


def make_report(index: int, sentences: Sequence[str], *, seed: int = 0) -> tuple[GeneratedReport, str]:
    """Build report number ``index``: its ground truth and its text (not yet encoded).

    The result depends only on ``seed``, ``index`` and ``sentences`` (see :func:`sentence_pool`).

    Example:
        >>> truth, text = make_report(0, sentence_pool(load_paragraph_pool()))
        >>> truth.region in text
        True
    """
    rng = random.Random(f"reportlab-benchmark:{seed}:{index}")
    region, city, province, adcode = rng.choice(DISTRICTS)
    year = rng.choice(YEARS)
    file_format, encoding = _choose_kind(rng)
    speaker = _speaker_name(rng)
    date = _meeting_date(rng, year)
    style, header = _header(rng, region=region, city=city, year=year, date=date, speaker=speaker)
    has_boilerplate = file_format == "html" or rng.random() < 0.3
    top, bottom = _web_boilerplate(rng, region=region, year=year) if has_boilerplate else ([], [])
    target_chars = min(20_000, max(4_000, int(rng.gauss(11_000, 3_000))))
    body, n_resampled = _body(rng, sentences, year=year, target_chars=target_chars)
    if file_format == "html":
        text = _as_html(title=header[0], lines=[*header[1:], *body], encoding=encoding, top=top, bottom=bottom)
    else:
        text = "\n".join([*top, *header, *body, *bottom]) + "\n"
    meeting_date = "" if style == "plan" else f"{date[0]:04d}-{date[1]:02d}-{date[2]:02d}"
    truth = GeneratedReport(
        file=f"{index:05d}.{file_format}",
        format=file_format,
        encoding=encoding,
        region=region,
        city=city,
        province=province,
        adcode=adcode,
        year=year,
        meeting_date=meeting_date,
        speaker="" if style == "plan" else speaker,
        header_style=style,
        has_boilerplate=has_boilerplate,
        n_paragraphs=n_resampled,
        n_body_chars=sum(len(line) for line in body),
    )
    return truth, text


# ------------------------------------------------------------------------------------------------
def corpus_dir(n_reports: int, *, out_dir: Path = DEFAULT_OUT_DIR) -> Path:
    """The folder that holds the generated corpus of ``n_reports`` reports."""
    return Path(out_dir) / f"corpus_{n_reports}"


def truth_path(n_reports: int, *, out_dir: Path = DEFAULT_OUT_DIR) -> Path:
    """The ground-truth CSV of that corpus (next to the folder, not inside it)."""
    return Path(out_dir) / f"corpus_{n_reports}.truth.csv"


def _stamp(n_reports: int, seed: int, pool: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join(pool).encode("utf-8")).hexdigest()[:16]
    return f"version={GENERATOR_VERSION} n={n_reports} seed={seed} pool={digest}\n"


def generate_corpus(
    n_reports: int,
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    seed: int = 0,
    pool: Sequence[str] | None = None,
    force: bool = False,
) -> list[GeneratedReport]:
    """Write ``n_reports`` generated reports to ``out_dir/corpus_<n>/`` and return their ground truth.

    An existing corpus built with the same size, seed, paragraph pool and generator version is kept
    as it is (unless ``force``); anything else in the folder is replaced. The folder is written under a
    temporary name and renamed at the end, so an interrupted run never leaves a half corpus behind.

    Args:
        n_reports: number of reports (at least 1).
        out_dir: parent folder of the corpus.
        seed: changes every report.
        pool: paragraphs whose sentences are resampled; default :func:`load_paragraph_pool`.
        force: rebuild even if an identical corpus is already there.

    Example:
        >>> truth = generate_corpus(50, out_dir=Path("/tmp/bench"))   # doctest: +SKIP
        >>> len(truth)                                                 # doctest: +SKIP
        50
    """
    if not isinstance(n_reports, int) or isinstance(n_reports, bool) or n_reports < 1:
        raise ValueError(f"n_reports must be a positive integer, got {n_reports!r}")
    pool = list(pool) if pool is not None else load_paragraph_pool()
    target = corpus_dir(n_reports, out_dir=out_dir)
    stamp = _stamp(n_reports, seed, pool)
    stamp_file = Path(out_dir) / f"corpus_{n_reports}.stamp"
    truth_file = truth_path(n_reports, out_dir=out_dir)
    if not force and target.is_dir() and truth_file.is_file() and stamp_file.is_file() \
            and stamp_file.read_text(encoding="utf-8") == stamp:
        return read_truth(truth_file)

    building = Path(out_dir) / f".corpus_{n_reports}.building"
    if building.exists():
        shutil.rmtree(building)
    building.mkdir(parents=True)
    sentences = sentence_pool(pool)
    truths: list[GeneratedReport] = []
    for index in range(n_reports):
        truth, text = make_report(index, sentences, seed=seed)
        (building / truth.file).write_bytes(text.encode(truth.encoding))
        truths.append(truth)
    if target.exists():
        shutil.rmtree(target)
    building.rename(target)
    _write_truth(truths, truth_file)
    stamp_file.write_text(stamp, encoding="utf-8")
    return truths


def _write_truth(truths: Sequence[GeneratedReport], path: Path) -> None:
    columns = list(GeneratedReport.__dataclass_fields__)
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for truth in truths:
            writer.writerow(asdict(truth))
    temporary.replace(path)


def read_truth(path: Path) -> list[GeneratedReport]:
    """Read a ground-truth CSV written by :func:`generate_corpus`."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        GeneratedReport(
            **{
                **row,
                "year": int(row["year"]),
                "has_boilerplate": row["has_boilerplate"] == "True",
                "n_paragraphs": int(row["n_paragraphs"]),
                "n_body_chars": int(row["n_body_chars"]),
            }
        )
        for row in rows
    ]


# ------------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of reports")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (git-ignored)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="rebuild even if the corpus is up to date")
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error(f"--sizes must be positive integers, got {args.sizes}")
    pool = load_paragraph_pool()
    for size in args.sizes:
        truths = generate_corpus(size, out_dir=args.out, seed=args.seed, pool=pool, force=args.force)
        n_bytes = sum(path.stat().st_size for path in corpus_dir(size, out_dir=args.out).iterdir())
        print(f"{corpus_dir(size, out_dir=args.out)}: {len(truths)} reports, {n_bytes / 1e6:.1f} MB on disk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
