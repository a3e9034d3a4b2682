"""Chinese administrative divisions: names, 6-digit codes (adcodes), levels and validity over time.

The table (``data/divisions/divisions.csv``, see ``SOURCES.md`` there) holds province, city (prefecture) and
county-level divisions from 1980 to 2026, including divisions that were merged away (江干区 330104, 2021) or
renamed (呼兰县 230121 became 呼兰区 230111 in 2004). Nothing here touches the network.

Example:
    >>> from reportlab_analysis.divisions import resolve_division
    >>> resolve_division("朝阳区", city="长春市").adcode
    '220104'
    >>> resolve_division("朝阳区").adcode is None      # 北京 or 长春: ambiguous without context
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions" / "divisions.csv"
LEVELS = ("province", "city", "county")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

#: Ethnic group names used in names of autonomous prefectures/counties (黔南布依族苗族自治州 -> 黔南).
_ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
    "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
_ETHNIC = "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True))
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族?)+自治(?:州|县|旗|区)$")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(?:市|地区|盟|州)$")

#: County names that are also common words; matched in text only right after a city or province name.
GENERIC_COUNTY_NAMES = frozenset({"城区", "郊区", "矿区", "市中区", "新区", "东区", "西区", "南区", "北区", "中区",
                                  "新城区", "老城区", "市区", "城中区", "城东区", "城西区", "城南区", "城北区"})


@dataclass(frozen=True)
class Division:
    """One administrative division as named at some time.

    Attributes:
        adcode: 6-digit code as text. name: full name. level: "province", "city" or "county".
        province, city: parent names (``None`` where there is none). listed_from, listed_to: first and last
        revision (YYYY-MM) listing it. ended: end date where known. current: listed in the 2026 snapshot.
    """

    adcode: str
    name: str
    level: str
    province: str | None
    city: str | None
    listed_from: str
    listed_to: str
    ended: str | None = None
    successor: str | None = None
    current: bool = True
    unlisted_before: str | None = None
    unlisted_after: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The result of :func:`resolve_division`: a division or ``None``, the candidates and an explanation.

    ``note`` is ``None`` when the name resolved without doubt; ``severity`` is "info" (resolved, but worth
    knowing how) or "warning" (unresolved or doubtful).
    """

    name: str
    division: Division | None
    candidates: tuple[Division, ...] = field(default_factory=tuple)
    note: str | None = None
    severity: str | None = None

    @property
    def adcode(self) -> str | None:
        return self.division.adcode if self.division else None


@dataclass(frozen=True)
class Mention:
    """A division name found in text: ``start``/``end`` offsets, the matched ``text`` and the full ``names``."""

    start: int
    end: int
    text: str
    names: tuple[str, ...]


# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def load_divisions() -> pd.DataFrame:
    """The division table as a DataFrame (one row per code, name and parents; see ``SOURCES.md``).

    Example:
        >>> df = load_divisions()
        >>> df.query("name == '江干区'")[["adcode", "city", "listed_to", "ended"]].iloc[0].tolist()
        ['330104', '杭州市', '2019-04', '2021-04-09']
    """
    frame = pd.read_csv(DIVISIONS_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    frame["current"] = frame["current"] == "1"
    frame["short_name"] = [short_name(n, level=lv) for n, lv in zip(frame["name"], frame["level"])]
    return frame


def short_name(name: str, *, level: str | None = None) -> str:
    """The short form of a province or city name (黑龙江省 -> 黑龙江, 延边朝鲜族自治州 -> 延边).

    County names are returned unchanged except autonomous counties (白沙黎族自治县 -> 白沙), because short
    county names (宾县 -> 宾) are too often ordinary words.

    Example:
        >>> short_name("广西壮族自治区"), short_name("哈尔滨市"), short_name("南岗区", level="county")
        ('广西', '哈尔滨', '南岗区')
    """
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        return autonomous.group(1)
    if level == "county":
        return name
    if level == "province" or (level is None and _PROVINCE_SUFFIX.search(name)):
        short = _PROVINCE_SUFFIX.sub("", name)
    else:
        short = _CITY_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def _row_to_division(row: Mapping[str, object]) -> Division:
    return Division(
        adcode=row["adcode"], name=row["name"], level=row["level"],
        province=row["province"] or None, city=row["city"] or None,
        listed_from=row["listed_from"], listed_to=row["listed_to"],
        ended=row["ended"] or None, successor=row["successor"] or None, current=bool(row["current"]),
        unlisted_before=row["unlisted_before"] or None, unlisted_after=row["unlisted_after"] or None,
    )


def _other_forms(name: str, short: str, level: str) -> set[str]:
    """The names a division goes by besides its full one: a province's or city's short name (黑龙江, 哈尔滨), and an
    autonomous prefecture's everyday one (延边州, 恩施州, 黔东南州)."""
    forms = {short} if level != "county" and len(short) >= 2 and short != name else set()
    if name.endswith("自治州") and short != name:
        forms.add(short + "州")
    return forms


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[Division, ...]], dict[str, tuple[Division, ...]]]:
    """Divisions by name (full name, short name of provinces and cities, 延边州 for an autonomous prefecture) and
    by code, each sorted by (adcode, listed_from): built once, so that a lookup is a dictionary access."""
    table = load_divisions().sort_values(["adcode", "listed_from"], kind="stable")
    by_name: dict[str, list[Division]] = {}
    by_code: dict[str, list[Division]] = {}
    for row in table.to_dict("records"):
        division = _row_to_division(row)
        names = {row["name"]} | _other_forms(row["name"], row["short_name"], row["level"])
        for name in names:
            by_name.setdefault(name, []).append(division)
        by_code.setdefault(division.adcode, []).append(division)
    return ({k: tuple(v) for k, v in by_name.items()}, {k: tuple(v) for k, v in by_code.items()})


def _year(stamp: str) -> int | None:
    return int(stamp[:4]) if stamp else None


def possibly_valid(division: Division, year: int) -> bool:
    """Whether a division may have existed under this name in ``year``.

    The bounds are loose: a division first listed in revision R may have started any time after the
    previous revision that did not list it, and likewise at the end (or on its known end date).

    Example:
        >>> d = lookup("江干区")[0]
        >>> possibly_valid(d, 2018), possibly_valid(d, 2023)
        (True, False)
    """
    if division.unlisted_before:
        lower = _year(division.unlisted_before)
    else:
        lower = -10_000  # listed in the first revision (1980): may be much older
    if division.ended:
        upper = _year(division.ended)
    elif division.unlisted_after:
        upper = _year(division.unlisted_after)
    else:
        upper = 10_000
    return lower <= year <= upper


def lookup(name: str, *, level: str | None = None, year: int | None = None) -> list[Division]:
    """All divisions ever named ``name`` (full name, or short name of a province/city).

    One entry per code: where a code has several rows (parents renamed), the row that fits ``year``
    (or the latest) is kept. With ``year``, divisions that cannot have existed then are dropped, unless
    that would drop all of them.

    Example:
        >>> [(d.adcode, d.city) for d in lookup("朝阳区")]
        [('110105', '北京市'), ('220104', '长春市')]
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    by_code: dict[str, list[Division]] = {}
    for division in _index()[0].get(name, ()):
        if level is None or division.level == level:
            by_code.setdefault(division.adcode, []).append(division)
    divisions: dict[str, Division] = {}
    for code, versions in by_code.items():
        fitting = [d for d in versions if year is not None and possibly_valid(d, year)]
        divisions[code] = (fitting or versions)[-1]
    found = list(divisions.values())
    if year is not None:
        valid = [d for d in found if possibly_valid(d, year)]
        if valid:
            found = valid
    return found


def by_adcode(adcode: str, *, year: int | None = None) -> Division | None:
    """The division with this code (the row valid in ``year`` if given, else the latest), or ``None``.

    Example:
        >>> by_adcode("230121").name, by_adcode("230111").name
        ('呼兰县', '呼兰区')
    """
    candidates = list(_index()[1].get(str(adcode), ()))
    if not candidates:
        return None
    if year is not None:
        valid = [d for d in candidates if possibly_valid(d, year)]
        if valid:
            return valid[-1]
    return candidates[-1]


def _matches(name: str | None, division_field: str | None) -> bool:
    if not name or not division_field:
        return False
    return name == division_field or short_name(name) == short_name(division_field)


def resolve_division(name: str, *, city: str | None = None, province: str | None = None,
                     year: int | None = None, context: str | None = None,
                     level: str | None = None) -> Resolution:
    """Resolve a division name to one division, using the city/province named with it, the year and context.

    Args:
        name: full name as written (南岗区, 哈尔滨市, 黑龙江省) or short province/city name (哈尔滨).
        city, province: the city/province the text names with it (full or short form).
        year: the year of the text; divisions that cannot have existed then are dropped.
        context: more text (e.g. the whole report); used only when the above leave several candidates, by
            counting mentions of each candidate's city and province.
        level: restrict to "province", "city" or "county".

    Returns:
        A :class:`Resolution`; ``division`` is ``None`` when the name is unknown or stays ambiguous, and
        ``note`` then names the candidates.

    Example:
        >>> resolve_division("鼓楼区", city="南京").division.adcode
        '320106'
    """
    candidates = lookup(name, level=level, year=year)
    if not candidates:
        return Resolution(name, None, (), f"{name} is not a known administrative division", "warning")
    if len(candidates) == 1:
        return _resolved(name, candidates[0], tuple(candidates), year)
    narrowed = candidates
    if city:
        by_city = [d for d in narrowed if _matches(city, d.city) or (d.level == "city" and _matches(city, d.name))]
        narrowed = by_city or narrowed
    if province and len(narrowed) > 1:
        by_province = [d for d in narrowed if _matches(province, d.province)]
        narrowed = by_province or narrowed
    if len(narrowed) == 1:
        return _resolved(name, narrowed[0], tuple(candidates), year)
    if context:
        counts = {d.adcode: _context_count(d, context) for d in narrowed}
        ranked = sorted(narrowed, key=lambda d: counts[d.adcode], reverse=True)
        best, runner_up = counts[ranked[0].adcode], counts[ranked[1].adcode]
        if best >= 3 and best >= 3 * max(runner_up, 1) or (best >= 1 and runner_up == 0):
            chosen = ranked[0]
            note = (f"{name} resolved to {chosen.adcode} ({_describe(chosen)}) from mentions in the text "
                    f"({', '.join(f'{_describe(d)}: {counts[d.adcode]}' for d in ranked)})")
            return Resolution(name, chosen, tuple(candidates), note, "info")
    listed = "; ".join(f"{d.adcode} {_describe(d)}" for d in narrowed)
    return Resolution(name, None, tuple(candidates),
                      f"{name} is ambiguous: candidates {listed}; name the city in a manifest", "warning")


def _resolved(name: str, division: Division, candidates: tuple[Division, ...], year: int | None) -> Resolution:
    if year is not None and not possibly_valid(division, year):
        span = f"{division.listed_from}..{division.ended or division.listed_to}"
        return Resolution(name, division, candidates,
                          f"{name} ({division.adcode}) is listed {span}, which does not cover {year}", "warning")
    return Resolution(name, division, candidates)


def _describe(division: Division) -> str:
    parents = [p for p in (division.province, division.city) if p and p != division.name]
    parents = list(dict.fromkeys(parents))
    return "".join(parents) + division.name


def _context_count(division: Division, text: str) -> int:
    names = set()
    for parent in (division.city, division.province):
        if parent:
            names.update({parent, short_name(parent)})
    names = {n for n in names if len(n) >= 2}
    # count each position once: prefer the longest form
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return len(re.findall(pattern, text)) if pattern else 0


# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _name_index() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    table = load_divisions()
    forms: dict[str, set[str]] = {}
    for name, short, level in zip(table["name"], table["short_name"], table["level"]):
        if name in GENERIC_COUNTY_NAMES:
            continue
        for form in {name} | _other_forms(name, short, level):
            forms.setdefault(form, set()).add(name)
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))))
    return pattern, {form: tuple(sorted(names)) for form, names in forms.items()}


def find_mentions(text: str) -> list[Mention]:
    """Every division name (full name, or short province/city name) in ``text``, longest match first.

    Generic county names (城区, 郊区, 矿区, …) are found only right after a city or province name.

    Example:
        >>> [m.text for m in find_mentions("哈尔滨市南岗区人民政府")]
        ['哈尔滨市', '南岗区']
    """
    pattern, forms = _name_index()
    mentions = [Mention(m.start(), m.end(), m.group(), forms[m.group()]) for m in pattern.finditer(text)]
    generic = re.compile("|".join(sorted(GENERIC_COUNTY_NAMES, key=len, reverse=True)))
    extra = []
    for mention in mentions:
        follow = generic.match(text, mention.end)
        if follow and not any(m.start == mention.end for m in mentions):
            extra.append(Mention(follow.start(), follow.end(), follow.group(), (follow.group(),)))
    return sorted(mentions + extra, key=lambda m: m.start)
