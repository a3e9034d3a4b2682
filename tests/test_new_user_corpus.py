"""A new user's folder: other regions, levels, years, encodings and formats than the seeds, loaded end to end.

The report bodies are real paragraphs of the 2019 State Council report; the headers, page chrome and encodings are
those of district, county and provincial government web sites.
"""

import csv
import json
from pathlib import Path

import pytest

from reportlab_analysis import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def _national_paragraphs(year: str) -> tuple[list[str], list[str]]:
    for line in (ROOT / "data" / "national" / "national_gwr.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["year"] == year:
            paragraphs = [p.strip() for p in record["content"].split("\n") if len(p.strip()) > 60]
            return paragraphs[1:9], paragraphs[30:38]
    raise LookupError(year)


def _body(review_year: int) -> str:
    review, plan = _national_paragraphs("2019")
    return "\n".join([
        "各位代表：",
        "现在，我代表人民政府向大会报告工作，请予审议，并请政协委员和其他列席人员提出意见。",
        f"一、{review_year}年工作回顾", *review,
        f"二、{review_year + 1}年工作安排", *plan,
        "三、全面加强政府自身建设", "坚持依法行政，建设人民满意的服务型政府。",
        "各位代表，让我们紧密团结，开拓进取，为实现今年目标任务而努力奋斗！",
    ])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("new_user")
    html = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2019年北京市朝阳区政府工作报告_北京市朝阳区人民政府</title></head><body>
<div class="nav">首页 &gt; 政务公开 &gt; 政府工作报告</div>
<div class="article"><h1>政府工作报告</h1>
<p>——2019年1月8日在北京市朝阳区第十六届人民代表大会第四次会议上</p><p>北京市朝阳区区长 王灏</p>
{''.join(f'<p>{p}</p>' for p in _body(2018).split(chr(10)))}
</div><div class="share">分享到：微信 微博</div><div class="footer">关于我们 | 网站地图 | 联系我们</div>
<script>var x = "<p>不是正文</p>";</script></body></html>"""
    (root / "beijing").mkdir()
    (root / "beijing" / "chaoyang_2019.html").write_bytes(html.encode("gb18030"))
    county = "安吉县人民政府工作报告\n——2020年5月12日在安吉县第十七届人民代表大会第五次会议上\n县长 李明\n" + _body(2019)
    (root / "anji_2020.txt").write_bytes(county.encode("utf-16"))
    with (root / "provinces.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text", "url"])
        writer.writerow(["2023年浙江省政府工作报告",
                         "政府工作报告\n——2023年1月16日在浙江省第十四届人民代表大会第一次会议上\n浙江省省长 王浩\n" + _body(2022),
                         "https://example.invalid/zj2023"])
    return root


def test_other_regions_levels_years_and_encodings(folder):
    corpus = load_corpus(folder)
    reports = corpus.reports.set_index("region")
    assert sorted(reports.index) == ["安吉县", "朝阳区", "浙江省"]
    chaoyang, anji, zhejiang = reports.loc["朝阳区"], reports.loc["安吉县"], reports.loc["浙江省"]

    assert (chaoyang["city"], chaoyang["province"], chaoyang["adcode"]) == ("北京市", "北京市", "110105")
    assert (chaoyang["year"], chaoyang["meeting_date"], chaoyang["speaker"]) == (2019, "2019-01-08", "王灏")
    assert chaoyang["format"] == "html" and chaoyang["encoding"].lower().replace("_", "") in {"gb18030", "gb2312", "gbk"}
    assert "分享到" not in chaoyang["text"] and "不是正文" not in chaoyang["text"] and "网站地图" not in chaoyang["text"]

    assert (anji["city"], anji["province"], anji["adcode"], anji["level"]) == ("湖州市", "浙江省", "330523", "county")
    assert (anji["year"], anji["meeting_date"], anji["speaker"]) == (2020, "2020-05-12", "李明")
    assert anji["encoding"].lower().startswith("utf-16")

    assert (zhejiang["level"], zhejiang["adcode"], zhejiang["year"], zhejiang["speaker"]) == ("provincial", "330000", 2023, "王浩")
    assert zhejiang["source"] == "provinces.csv#row=1" and zhejiang["format"] == "csv"


def test_sections_of_the_new_reports(folder):
    paragraphs = load_corpus(folder).paragraphs(metadata=["region"])
    for region, group in paragraphs.groupby("region"):
        sections = group["section"].tolist()
        assert {"preamble", "review", "plan", "self_building", "closing"} <= set(sections), region
        assert sections.index("review") < sections.index("plan") < sections.index("self_building"), region
