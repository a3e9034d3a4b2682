"""cleaning: normalization, boilerplate rules (each one, with its audit), appendix, seeds and national corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportlab_analysis.cleaning import RULES, CleanResult, Removal, clean_text, normalize_text
from reportlab_analysis.reading import read_documents

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
NATIONAL = ROOT / "data" / "national" / "national_gwr.jsonl"


def seed(prefix: str) -> str:
    [path] = RAW.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, CleanResult]]:
    return {p: (seed(p), clean_text(seed(p))) for p in ("000", "001", "002", "003", "004")}


@pytest.fixture(scope="module")
def national() -> dict[str, CleanResult]:
    rows = [json.loads(line) for line in NATIONAL.read_text(encoding="utf-8").splitlines()]
    return {row["year"]: clean_text(row["content"]) for row in rows if row["year"]}


# A small made-up report around which boilerplate is placed.
BODY = "\n".join(
    [
        "2019年某某区政府工作报告",
        "政府工作报告",
        "——2019年1月8日在某某区第五届人民代表大会第三次会议上",
        "区长 张三",
        "各位代表：",
        "现在，我代表区人民政府向大会报告工作，请予审议。",
        "一、2018年工作回顾",
        "过去一年，地区生产总值增长6.5%，一般公共预算收入增长8%。",
        "分享经济、平台经济加快发展，推广二维码支付，首页经济持续活跃。",
        "让我们在区委的坚强领导下，为建设美丽某某而努力奋斗！",
    ]
)


# ---------------------------------------------------------------------------------------------- normalize_text
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第一行\r\n第二行\r第三行\u2028第四行", "第一行\n第二行\n第三行\n第四行"),
        ("\u3000\u3000现在，我代表\u00a0区政府\t ", "现在，我代表 区政府"),
        ("增长\u200b７．５％，ＧＤＰ达到１２３亿元", "增长7.5%，GDP达到123亿元"),
        ("各位代表：（一）“十四五”时期；《纲要》！？", "各位代表：（一）“十四五”时期；《纲要》！？"),
        ("政 府 工 作 报 告", "政府工作报告"),
        ("区  长  王铁立", "区长 王铁立"),
        ("国务院总理\u3000李\u3000强", "国务院总理 李强"),
        ("南岗区人民政府区长 宋博岩", "南岗区人民政府区长 宋博岩"),
        ("本届政府从1 9 9 3 年3 月就职", "本届政府从1993年3月就职"),
        ("战略” , 圆满完成", "战略”,圆满完成"),
        ("Public   domain", "Public domain"),
        ("\x00控\x07制\ufeff字符\u00ad", "控制字符"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_keeps_blank_lines_and_rejects_non_text():
    assert normalize_text("甲\n\n乙") == "甲\n\n乙"
    with pytest.raises(TypeError, match="expects a str"):
        normalize_text(b"bytes")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- rules
RULE_EXAMPLES = [
    ("breadcrumb", "您现在的位置：首页 > 新闻中心 > 政府文件"),
    ("breadcrumb", "首页 » 信息公开 » 规划计划"),
    ("breadcrumb", "您当前的位置：首页 > 政务公开 > 政府工作报告"),
    ("metadata_block", "索引号：11410100/2019-00123  发布机构：某市人民政府办公室"),
    ("metadata_block", "- 主题分类:\n- 综合政务\n- 成文日期:\n- 2019-02-01\n- 有效性:\n- 有效"),
    ("source_line", "来源：某某区政府办  作者：办公室  发布时间：2019-02-20 10:12"),
    ("source_line", "文章来源:某某日报"),
    ("source_line", "信息来源：某某区人民政府"),
    ("source_line", "日期：2019-02-20"),
    ("source_line", "日期:2019年2月20日 编辑:李四"),
    ("share", "分享到：微信 微博 QQ空间"),
    ("page_controls", "【字号：加大 还原 减小】"),
    ("page_controls", "下载 打印 全屏 收藏"),
    ("page_controls", "【打印本页】 【关闭窗口】"),
    ("prev_next", "上一篇：2018年某区政府工作报告"),
    ("prev_next", "较旧一篇:2017年某区政府工作报告较新一篇:2019年某区政府工作报告"),
    ("qr_code", "扫一扫在手机打开当前页"),
    ("qr_code", "用手机扫描二维码"),
    ("footer_links", "关于我们 | 网站地图 | 联系我们"),
    ("footer_links", "版权所有：某某区人民政府 京ICP备05012345号"),
    ("photo_caption", "图为区长在企业调研。"),
    ("photo_caption", "（摄影：张三）"),
    ("lone_bullet", "-"),
    ("lone_bullet", "|"),
    ("page_chrome", "打印本页 关闭窗口 上一篇 下一篇 扫一扫 关于我们 网站地图"),
    ("site_banner", "欢迎访问某某市人民政府网站 | 无障碍浏览 | 长者模式 | 繁體版"),
    ("site_banner", "今天是2024年1月18日 星期四 欢迎访问某某区人民政府门户网站"),
    ("site_banner", "无障碍阅读 | 适老化模式 | 简体版 | English"),
    ("footer_contact", "地址：某某省某某市人民路1号 邮编：100001"),
    ("footer_contact", "通讯地址：某某市府前街8号 邮政编码：215300 联系电话：0512-57570000"),
    ("footer_contact", "联系电话：0512-57570000"),
    ("footer_contact", "传真：010-12345678 | 电子邮箱：webmaster@example.gov.cn"),
]


@pytest.mark.parametrize(("rule", "boilerplate"), RULE_EXAMPLES)
@pytest.mark.parametrize("where", ["before", "after"])
def test_each_boilerplate_rule_removes_and_records(rule, boilerplate, where):
    text = boilerplate + "\n" + BODY if where == "before" else BODY + "\n" + boilerplate
    result = clean_text(text)
    assert result.text == clean_text(BODY).text == normalize_text(BODY)
    assert result.removed == (Removal(rule, normalize_text(boilerplate)),)
    assert result.appendix == ""
    assert rule in RULES


def test_related_links_list_is_removed_in_the_page_tail_only():
    links = "相关链接：\n2018年某区政府工作报告\n2017年某区政府工作报告解读"
    tail = clean_text(BODY + "\n" + links)
    assert tail.text == normalize_text(BODY) and tail.removed == (Removal("related_links", links),)
    # Near the top, only the heading goes: the short lines after it may be the report's own title lines.
    top = clean_text("相关链接：\n" + BODY)
    assert top.text == normalize_text(BODY) and top.removed == (Removal("related_links", "相关链接："),)


def test_report_lines_that_merely_mention_web_words_are_kept():
    result = clean_text(BODY)
    assert result.removed == () and result.appendix == ""
    assert result.text.split("\n")[:4] == [
        "2019年某某区政府工作报告",
        "政府工作报告",
        "——2019年1月8日在某某区第五届人民代表大会第三次会议上",
        "区长 张三",
    ]


def test_a_whole_web_page_from_html(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>报告</title></head><body><nav>首页 | 新闻</nav>"
        "<div class='crumb'>当前位置：首页 &gt; 政务公开 &gt; 规划计划</div>"
        "<div>来源：某某区政府 发布日期：2019-02-20 字号：[ 大 中 小 ]</div>"
        + "".join(f"<p>{line}</p>" for line in BODY.split("\n"))
        + "<p>名词解释：</p><p>1.六稳：稳就业、稳金融。</p><p>2.六保：保居民就业。</p>"
        "<div>【打印】【关闭】</div><div>分享到：</div><div>上一篇：无</div><div>下一篇：无</div>"
        "<footer>版权所有</footer></body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents(page)
    result = clean_text(doc.text)
    assert result.text == normalize_text(BODY)
    assert result.appendix == "名词解释：\n1.六稳：稳就业、稳金融。\n2.六保：保居民就业。"
    # what the reader dropped (<nav>, <footer>) comes first, then what the rules removed
    assert [r.rule for r in result.removed] == [
        "html_nav", "html_footer", "breadcrumb", "source_line", "page_controls", "share", "prev_next", "prev_next",
    ]
    assert result.removed[:2] == (Removal("html_nav", "首页 | 新闻"), Removal("html_footer", "版权所有"))


def test_broken_lines_are_rejoined():
    text = "\n".join(
        [
            "政府工作报",
            "告",
            "——2021年3月3日在某某区第四届",
            "人民代表大会第六次会议上",
            "国务院总理",
            "李　强",
            "各位代表：",
            "根据《",
            "中华人民共和国预算法",
            "》，现将预算报告如下。",
        ]
    )
    assert clean_text(text).text.split("\n") == [
        "政府工作报告",
        "——2021年3月3日在某某区第四届人民代表大会第六次会议上",
        "国务院总理 李强",
        "各位代表：",
        "根据《中华人民共和国预算法》，现将预算报告如下。",
    ]


def test_title_line_is_not_glued_to_the_salutation():
    assert clean_text("政府工作报告\n区长\n各位代表\n现在，我代表区人民政府报告工作。").text.split("\n")[1:3] == ["区长", "各位代表"]


def test_soft_wraps_are_joined_only_in_blank_line_separated_text():
    paragraphs = [
        "各位代表：",
        "过去一年，我们推动\n区域全面经济伙伴关系协定\n（RCEP）生效实施，货物进出口总额增长8.6%。",
        "交出一份人\n\u200b\n民满意的答卷。城镇调查失业率控制在5.5%以内。",
        "一、2023年工作回顾",
        "名词解释：\n1.六稳：稳就业。",
    ]
    result = clean_text("\n\n".join(paragraphs))
    assert result.text.split("\n")[:4] == [
        "各位代表：",
        "过去一年，我们推动区域全面经济伙伴关系协定（RCEP）生效实施，货物进出口总额增长8.6%。",
        "交出一份人民满意的答卷。城镇调查失业率控制在5.5%以内。",
        "一、2023年工作回顾",
    ]
    assert result.appendix == "名词解释：\n1.六稳：稳就业。"  # the label is not glued to its first note
    # One paragraph per line: a heading stays on its own line.
    single = "2017年工作回顾\n2017年是开局之年。\n加强政府自身建设\n坚持依法行政。"
    assert clean_text(single).text == single


def test_wiki_licence_footer_is_removed_to_the_end():
    text = BODY + "\n\n本作品是中华人民共和国的\n法律\n、\n法规\n，属于\n公有领域\n。\n\nPublic domain\nfalse"
    result = clean_text(text)
    assert result.text == normalize_text(BODY)
    assert [r.rule for r in result.removed] == ["license_notice"]
    assert "Public domain" in result.removed[0].text


def test_empty_and_odd_input():
    assert clean_text("") == CleanResult("", "", ())
    assert clean_text("\u3000\n\u200b\n  ") == CleanResult("", "", ())
    with pytest.raises(TypeError):
        clean_text(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- appendix
def test_glossary_after_closing_goes_to_appendix():
    text = BODY + "\n名词解释：\n1.“六稳”：稳就业、稳金融。\n2.“六保”：保居民就业。\n关联稿件：\n-\n扫一扫在手机打开当前页"
    result = clean_text(text)
    assert result.text == normalize_text(BODY)
    assert result.appendix == "名词解释：\n1.“六稳”：稳就业、稳金融。\n2.“六保”：保居民就业。"
    assert [r.rule for r in result.removed] == ["related_links"]


def test_numbered_notes_after_closing_go_to_appendix_without_a_heading():
    notes = ["①六稳：稳就业、稳金融、稳外贸。", "②六保：保居民就业、保基本民生。", "③放管服：简政放权、放管结合、优化服务。"]
    result = clean_text(BODY + "\n" + "\n".join(notes))
    assert result.appendix.split("\n") == notes and result.text == normalize_text(BODY)


def test_annexed_table_after_closing_goes_to_appendix():
    table = ["2019年十大民生项目", "序号", "项目", "负责部门", "1", "路网改造工程", "区住建局", "2", "学前教育工程", "区教育局"]
    result = clean_text(BODY + "\n" + "\n".join(table))
    assert result.appendix.split("\n") == table and result.text == normalize_text(BODY)


def test_prose_after_a_closing_like_line_stays_in_the_body():
    text = BODY + "\n各位代表，最后报告一下今年的十件实事，请大家监督。我们将逐项落实，按季度向社会公开进展情况。"
    assert clean_text(text).appendix == ""


def test_seed_001_glossary_and_livelihood_projects_are_the_appendix(seeds):
    raw, result = seeds["001"]
    appendix = result.appendix.split("\n")
    assert appendix[0] == "名词解释"
    assert appendix[1].startswith("1.五区叠加。") and any(line.startswith("22.解事。") for line in appendix)
    start = appendix.index("2021年十大民生项目")
    assert appendix[start + 1 : start + 6] == ["序号", "项目", "建设内容", "负责部门", "牵头领导"]
    assert appendix[-3:] == ["区住建局", "李凯峰"] or appendix[-2:] == ["区住建局", "李凯峰"]
    assert "垃圾分类工程" in result.appendix and "垃圾分类工程" not in result.text
    body = result.text.split("\n")
    assert body[-1].startswith("各位代表,“十四五”全面建设社会主义现代化强国的号角已经吹响。")
    assert body[:5] == [
        "2021年松北区人民政府工作报告",
        "政府工作报告",
        "——2021年3月3日在松北区第四届人民代表大会第六次会议上",
        "区长 王铁立",
        "各位代表:",
    ]
    assert [r.rule for r in result.removed] == ["breadcrumb", "breadcrumb", "source_line", "share", "footer_links"]


def test_seed_004_glossary_is_the_appendix(seeds):
    _, result = seeds["004"]
    appendix = result.appendix.split("\n")
    assert appendix[0] == "名词解释:" and len(appendix) == 9
    assert [line.split(".")[0] for line in appendix[1:]] == [str(i) for i in range(1, 9)]
    assert "8.“双随机一公开”" in result.appendix and "8.“双随机一公开”" not in result.text
    assert result.text.split("\n")[-1].endswith("作出新的更大的贡献!")
    assert [r.rule for r in result.removed] == ["related_links"]
    assert result.removed[0].text == "关联稿件:\n-\n扫一扫在手机打开当前页"


@pytest.mark.parametrize(
    ("prefix", "rules", "first_line", "last_line_end"),
    [
        ("000", ["source_line"], "——2017年12月10日在南岗区第十六届人大二次会议上", "而不懈奋斗!"),
        ("002", ["metadata_block", "prev_next", "prev_next"], "2016年沙河口区政府工作报告", "而努力奋斗!"),
        ("003", ["prev_next"], "政府工作报告", "而不懈奋斗!"),
    ],
)
def test_seeds_without_appendix(seeds, prefix, rules, first_line, last_line_end):
    _, result = seeds[prefix]
    assert result.appendix == ""
    assert [r.rule for r in result.removed] == rules
    lines = result.text.split("\n")
    assert lines[0] == first_line and lines[-1].endswith(last_line_end)


def test_seed_002_metadata_block_is_removed_whole(seeds):
    _, result = seeds["002"]
    block = result.removed[0].text.split("\n")
    assert block[0] == "- 索引号:" and block[-1] == "- 面向社会" and len(block) == 15
    assert "2102000003/2016-07601" not in result.text


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_report_text_is_kept_not_invented(seeds, prefix):
    raw, result = seeds[prefix]
    squash = lambda s: re.sub(r"\s", "", s)  # noqa: E731
    source = squash(normalize_text(raw))
    clean_lines = result.text.split("\n") + (result.appendix.split("\n") if result.appendix else [])
    # Every clean line is text of the report (cleaning only joins, removes and sets aside).
    assert all(squash(line) in source for line in clean_lines)
    # Every long paragraph of the raw file survives in the body or the appendix.
    removed = {squash(r.text) for r in result.removed}
    long_paragraphs = [
        squash(line) for line in normalize_text(raw).split("\n") if len(line.strip()) >= 40 and squash(line) not in removed
    ]
    kept = squash("".join(clean_lines))
    assert long_paragraphs and all(p in kept for p in long_paragraphs)
    assert all(line and line == line.strip() for line in clean_lines)


# ---------------------------------------------------------------------------------------------- national corpus
def test_national_reports_lose_the_wiki_footer_and_keep_their_ends(national):
    assert len(national) == 52
    for year, result in national.items():
        assert "Public domain" not in result.text and "公有领域" not in result.text, year
        assert [r.rule for r in result.removed] == ["license_notice"], year
    assert national["2025"].text.split("\n")[-1].endswith("民族复兴伟业不懈奋斗！")


def test_national_title_date_and_speaker_lines(national):
    assert national["2024"].text.split("\n")[:3] == [
        "政府工作报告",
        "——2024年3月5日在第十四届全国人民代表大会第二次会议上",
        "国务院总理 李强",
    ]
    assert national["2021"].text.split("\n")[:3] == [
        "政府工作报告",
        "——2021年3月5日在第十三届全国人民代表大会第四次会议上",
        "国务院总理 李克强",
    ]
    assert "推动区域全面经济伙伴关系协定（RCEP）生效实施" in national["2023"].text
    assert "城镇调查失业率控制在5.5%以内" in national["2021"].text
    assert "１９" not in national["1997"].text  # full-width digits normalized
    assert national["1956"].appendix.split("\n")[0] == "字库未存字注释："


# ---------------------------------------------------------------------------------------------- properties
REPORTISH = st.lists(
    st.sampled_from(
        list("政府工作报告各位代表：，。！？、；“”《》（）()-—:：,. \u3000\u00a0\u200b\n\r\t１２％ａ12ab一二、")
        + ["\n\n", "1.", "而努力奋斗！", "让我们", "当前位置：", "首页 > ", "- 索引号:", "发布机构：", "分享到：", "上一篇：",
           "本作品", "公有领域", "名词解释", "\u200b\n", "国务院总理", "李　强", "——2019年1月8日在", "会议上", "《", "》"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(REPORTISH, st.text(max_size=300)))
def test_clean_text_never_raises_and_is_idempotent(text):
    result = clean_text(text)
    again = clean_text(result.text)
    assert again.text == result.text
    assert again.appendix == "" and again.removed == ()
    assert "\n\n" not in result.text and not result.text.startswith("\n") and not result.text.endswith("\n")


@settings(max_examples=300, deadline=None)
@given(st.one_of(REPORTISH, st.text(max_size=300)))
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_a_site_menu_at_the_top_of_the_page_is_removed_and_recorded():
    menu = "首页\n|\n政务公开\n|\n办事服务\n|\n互动交流\n新闻中心"
    result = clean_text(menu + "\n" + BODY)
    assert result.text == normalize_text(BODY)
    assert Removal("site_menu", "政务公开\n办事服务\n互动交流\n新闻中心") in result.removed
    # Short lines that may be the report's own title lines, or fewer than three labels, stay.
    for head in ("政府工作报告\n张三\n区长", "政务公开\n办事服务", "政务公开\n2019年\n办事服务\n互动交流"):
        kept = clean_text(head + "\n" + BODY)
        assert all(r.rule != "site_menu" for r in kept.removed)
    # In the body, the same lines are the report's own text.
    body_lines = BODY.split("\n")
    inside = "\n".join([*body_lines[:2], "政务公开", "办事服务", "互动交流", *body_lines[2:]])
    assert clean_text(inside).text == normalize_text(inside)


def test_no_bundled_report_loses_a_line_to_the_site_menu_rule(seeds, national):
    for result in [*(r for _, r in seeds.values()), *national.values()]:
        assert all(r.rule != "site_menu" for r in result.removed)


def test_table_rows_keep_their_cells_apart():
    rows = "主要预期目标\n指标\t单位\t2023年目标\n城镇新增就业\t万人\t3\n1\t新建改扩建中小学\t\t12所\n"
    assert normalize_text(rows) == "主要预期目标\n指标\t单位\t2023年目标\n城镇新增就业\t万人\t3\n1\t新建改扩建中小学\t12所\n"
    # each cell is normalized on its own; tabs used as indentation go
    assert normalize_text("\t\u3000增长　５％\t 万 人 \t") == "增长5%\t万人"
    assert normalize_text(normalize_text(rows)) == normalize_text(rows)


# ---------------------------------------------------------------------------------------------- site banners, footers
def test_site_banner_and_footer_contact_rules_leave_report_sentences_alone():
    """长者, 无障碍, 适老化, 欢迎 and addresses in the report's own sentences, headings and a lone address in the body
    stay: the rules look only at short lines made of nothing but banner items or contact fields."""
    lines = BODY.split("\n")
    policy = [
        "（三）无障碍环境建设",
        "推进适老化改造和无障碍环境建设，政府网站全面上线长者模式和无障碍浏览功能。",
        "（四）适老化改造",
        "长者食堂 | 老年助餐",
        "市民服务中心（地址：前进西路1801号）全年办件120万件，欢迎社会各界访问政府网站提出意见建议。",
        "地址：某某市人民路1号",  # an address alone in the body, no footer next to it
        "电话：面向企业开通“一企一专员”服务。",
        "欢迎访问",
    ]
    text = "\n".join([*lines[:7], *policy, *lines[7:]])
    result = clean_text(text)
    assert result.text == normalize_text(text)
    assert result.removed == () and result.appendix == ""


def test_a_footer_address_on_its_own_line_goes_with_the_footer_around_it():
    footer = ["主办单位：某某市人民政府办公室", "地址：某某省某某市人民路1号", "联系电话：0512-57570000", "网站标识码：3205830001"]
    result = clean_text(BODY + "\n" + "\n".join(footer))
    assert result.text == normalize_text(BODY)
    assert [r.rule for r in result.removed] == ["footer_links", "footer_contact", "footer_contact", "footer_links"]
    # the same address line after the last paragraph, with no footer line next to it, is kept
    assert clean_text(BODY + "\n地址：某某省某某市人民路1号").text.endswith("地址：某某省某某市人民路1号")


CITY_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>2024年某某市政府工作报告_某某市人民政府</title>
<script>var site = {lang: "zh"};</script><style>.topbar{height:30px}</style></head>
<body>
<div class="topbar"><span>欢迎访问某某市人民政府网站</span> | <a href="/wza">无障碍浏览</a> | <a href="/old">长者模式</a> | <a href="/big5">繁體版</a>
</div>
<header class="site-head"><div class="logo">某某市人民政府</div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/bsfw">办事服务</a></li></ul></nav>
</header>
<form class="search" action="/s"><input name="q"><button>搜索</button></form>
<div class="column-menu"><ul><li><a href="/a">政府文件</a></li><li><a href="/b">规划计划</a></li><li><a href="/c">政府工作报告</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府工作报告</div>
<div class="article">
<p>政府工作报告</p>
<p>——2024年1月10日在某某市第十七届人民代表大会第四次会议上</p>
<p>各位代表：</p>
<p>现在，我代表市人民政府向大会报告工作，请予审议。</p>
<p>一、2023年工作回顾</p>
<p>民生保障更加有力。完成适老化改造2000户，政务服务网站上线长者模式和无障碍浏览功能，市民服务中心（地址：前进西路1801号）全年办件120万件。</p>
<p>二、2024年工作安排</p>
<p>地区生产总值增长5%左右。</p>
<p>让我们团结一心，为建设现代化某某而努力奋斗！</p>
</div>
<div style="display:none">手机版二维码</div>
<aside><h3>相关报告</h3><p>2023年某某市政府工作报告</p></aside>
<div class="footer"><p>主办单位：某某市人民政府办公室</p><p>地址：某某省某某市前进西路1801号　邮编：215300</p>
<p>联系电话：0512-57570000</p><p>网站标识码：3205830001　技术支持：某某信息技术有限公司</p></div>
</body></html>"""


def test_a_city_site_page_loses_its_banner_menus_and_footer_and_every_removal_is_recorded(tmp_path):
    from reportlab_analysis import load_corpus

    (tmp_path / "city_2024.html").write_text(CITY_PAGE, encoding="utf-8")
    corpus = load_corpus(tmp_path, cache=False)
    assert list(corpus.paragraphs()["text"]) == [
        "政府工作报告",
        "——2024年1月10日在某某市第十七届人民代表大会第四次会议上",
        "各位代表：",
        "现在，我代表市人民政府向大会报告工作，请予审议。",
        "一、2023年工作回顾",
        "民生保障更加有力。完成适老化改造2000户，政务服务网站上线长者模式和无障碍浏览功能，市民服务中心（地址：前进西路1801号）"
        "全年办件120万件。",
        "二、2024年工作安排",
        "地区生产总值增长5%左右。",
        "让我们团结一心，为建设现代化某某而努力奋斗！",
    ]
    removed = list(corpus.removed[["rule", "text"]].itertuples(index=False, name=None))
    assert removed == [
        ("html_header", "某某市人民政府\n首页\n政务公开\n办事服务"),
        ("html_form", "搜索"),
        ("html_aside", "相关报告\n2023年某某市政府工作报告"),
        ("html_menu", "政府文件\n规划计划\n政府工作报告"),
        ("html_hidden", "手机版二维码"),
        ("site_banner", "欢迎访问某某市人民政府网站 | 无障碍浏览 | 长者模式 | 繁體版"),
        ("breadcrumb", "当前位置：首页 > 政务公开 > 政府工作报告"),
        ("footer_links", "主办单位：某某市人民政府办公室"),
        ("footer_contact", "地址：某某省某某市前进西路1801号 邮编：215300"),
        ("footer_contact", "联系电话：0512-57570000"),
        ("footer_links", "网站标识码：3205830001技术支持：某某信息技术有限公司"),  # a space between digits and Han goes
    ]
    assert set(corpus.removed["rule"]) <= set(RULES)


def test_no_bundled_report_loses_a_line_to_the_banner_and_contact_rules(seeds, national):
    for result in [*(r for _, r in seeds.values()), *national.values()]:
        assert all(r.rule not in ("site_banner", "footer_contact") for r in result.removed)
