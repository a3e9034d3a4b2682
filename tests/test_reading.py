"""reading: encodings, formats, HTML to text, CSV/JSONL rows and clear errors for bad files."""

from __future__ import annotations

import codecs
import hashlib
import json
import pickle
import re
from pathlib import Path

import pytest

from reportlab_analysis.cleaning import Removal
from reportlab_analysis.reading import (
    PageText,
    RawDocument,
    ReadError,
    decode_bytes,
    find_report_files,
    html_to_text,
    read_documents,
)

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
NATIONAL = ROOT / "data" / "national" / "national_gwr.jsonl"
SEED_000 = RAW / "000_207fb4099e85d4c9.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_000.read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),  # GB18030 is a superset: the same bytes decode to the same text
        ("utf-16", "utf-16"),  # with BOM (platform byte order)
        ("utf-16-le", "utf-16-le"),  # no BOM
        ("utf-16-be", "utf-16-be"),  # no BOM
    ],
)
def test_seed_round_trips_through_each_encoding(tmp_path, seed_text, codec, expected):
    path = write(tmp_path, f"report_{codec}.txt", seed_text, encoding=codec)
    [doc] = read_documents(path)
    assert doc.encoding == expected
    assert doc.text == seed_text
    assert doc.format == "txt" and doc.fields == {} and doc.source == str(path)


def test_utf16_with_explicit_big_endian_bom(tmp_path, seed_text):
    path = write(tmp_path, "be.txt", codecs.BOM_UTF16_BE + seed_text.encode("utf-16-be"))
    [doc] = read_documents(path)
    assert doc.encoding == "utf-16" and doc.text == seed_text


def test_gb2312_text_is_read_as_gb18030(tmp_path):
    text = "各位代表：\n现在，我代表区人民政府向大会报告工作，请予审议。\n一、2017年工作回顾\n地区生产总值增长7%。"
    path = write(tmp_path, "gb2312.txt", text, encoding="gb2312")
    [doc] = read_documents(path)
    assert (doc.encoding, doc.text) == ("gb18030", text)


def test_big5_falls_back_to_charset_normalizer(tmp_path):
    text = "各位代表：現在，我代表區人民政府向大會報告工作，請予審議，並請區政協委員提出意見。過去一年，全區經濟社會發展取得顯著成效。" * 3
    [doc] = read_documents(write(tmp_path, "big5.txt", text, encoding="big5"))
    assert doc.text == text
    assert doc.encoding in {"big5", "cp950", "big5hkscs"}


def test_explicit_encoding_is_used_strictly(tmp_path, seed_text):
    path = write(tmp_path, "gbk.txt", seed_text[:500], encoding="gb18030")
    assert read_documents(path, encoding="gbk")[0].text == seed_text[:500]
    with pytest.raises(ReadError, match=r"cannot be decoded as utf-8: invalid bytes at offset \d+"):
        read_documents(path, encoding="utf-8")
    with pytest.raises(ReadError, match="unknown encoding"):
        read_documents(path, encoding="no-such-codec")


def test_decode_bytes_directly():
    assert decode_bytes("政府工作报告".encode("gb18030")) == ("政府工作报告", "gb18030")
    assert decode_bytes(codecs.BOM_UTF8 + "报告".encode()) == ("报告", "utf-8-sig")


# ---------------------------------------------------------------------------------------------- bad files
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "file is empty"),
        (b" \r\n\t\n", r"file is empty \(only blank space\)"),
        (codecs.BOM_UTF8 + b"  \n", "file is empty"),
        (codecs.BOM_UTF16_LE, "file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks like a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "looks like a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "old Microsoft Office document"),
        (bytes([7, 0, 255, 0, 3, 0, 0, 0, 0, 200, 17, 0]) * 40, "NUL bytes"),
    ],
)
def test_empty_and_binary_files_are_refused_with_the_file_named(tmp_path, data, problem):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ReadError, match=problem) as info:
        read_documents(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_damaged_utf8_is_refused_not_decoded_as_mojibake(tmp_path, seed_text):
    data = bytearray(seed_text.encode("utf-8"))
    data[1000] = 0xA3  # one corrupt byte in the middle of a UTF-8 file
    path = write(tmp_path, "damaged.txt", bytes(data))
    with pytest.raises(ReadError, match="UTF-8 text with invalid bytes at offset 1000"):
        read_documents(path)


def test_damaged_utf8_is_repaired_and_reported_when_problems_are_collected(tmp_path, seed_text):
    head = seed_text[:400].encode("utf-8")
    path = write(tmp_path, "damaged.txt", head + b"\xff\xfe" + seed_text[400:].encode("utf-8"))  # two stray bytes
    problems: list[str] = []
    [doc] = read_documents(path, problems=problems)
    assert doc.encoding == "utf-8"
    assert doc.text == seed_text[:400] + "\ufffd\ufffd" + seed_text[400:]
    assert problems == [f"damaged UTF-8: 2 invalid byte sequence(s) replaced by U+FFFD, the first at byte offset "
                        f"{len(head)}; check the text there"]
    with pytest.raises(ReadError, match="invalid bytes"):  # without a list to report to, it is refused as before
        read_documents(path)


def test_undecodable_bytes_are_refused(tmp_path):
    path = write(tmp_path, "junk.txt", bytes([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x7F, 0xC0, 0x21]) * 30)
    with pytest.raises(ReadError, match="cannot be decoded"):
        read_documents(path)


def test_unsupported_and_missing_files(tmp_path):
    doc = write(tmp_path, "report.doc", b"\xd0\xcf\x11\xe0")
    hint = r"not read: Word 97-2003 \(\.doc\) files are not supported; save the report as \.docx or \.txt \(Save As"
    with pytest.raises(ReadError, match=hint):  # the same hint loading a folder gives
        read_documents(doc)
    with pytest.raises(ReadError, match=hint):
        find_report_files(doc)
    with pytest.raises(ReadError, match=r"not read: WPS files are not supported; save the report as \.docx"):
        read_documents(write(tmp_path, "report.wps", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(ReadError, match=r"unsupported file type '\.md'; supported: \.csv"):
        read_documents(write(tmp_path, "report.md", "各位代表"))
    with pytest.raises(ReadError, match="no such file or folder"):
        find_report_files(tmp_path / "missing")
    with pytest.raises(ReadError, match="no such file"):
        read_documents(tmp_path / "missing.txt")


def test_docstring_examples_run_and_every_public_function_has_one():
    import doctest
    import inspect

    from reportlab_analysis import reading as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
    functions = [getattr(module, name) for name in module.__all__ if inspect.isfunction(getattr(module, name))]
    assert module.unsupported_problem in functions
    assert [f.__name__ for f in functions if ">>> " not in (f.__doc__ or "")] == []


def test_read_error_names_path_and_problem():
    err = ReadError("data/raw/a.pdf", "looks like a PDF document, not a text file")
    assert str(err) == "data/raw/a.pdf: looks like a PDF document, not a text file"
    assert (err.path, err.problem) == ("data/raw/a.pdf", "looks like a PDF document, not a text file")


# ---------------------------------------------------------------------------------------------- finding files
def test_find_report_files_recurses_sorts_and_skips(tmp_path):
    names = ["b/2.txt", "a.html", "b/1.TXT", "c/d/e.jsonl", "notes.md", ".hidden/x.txt", ".x.txt", "z.csv", "y.htm"]
    for name in names:
        write(tmp_path, name, "政府工作报告")
    found = [p.relative_to(tmp_path).as_posix() for p in find_report_files(tmp_path)]
    assert found == ["a.html", "b/1.TXT", "b/2.txt", "c/d/e.jsonl", "y.htm", "z.csv"]
    assert find_report_files(tmp_path / "a.html") == [tmp_path / "a.html"]


def test_seed_folder_is_found_and_read_without_touching_the_files():
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW.iterdir()}
    mtimes = {p: p.stat().st_mtime_ns for p in RAW.iterdir()}
    files = find_report_files(RAW)
    assert [p.name for p in files] == sorted(p.name for p in RAW.glob("*.txt"))
    docs = [doc for path in files for doc in read_documents(path)]
    assert len(docs) == 5 and {d.encoding for d in docs} == {"utf-8"}
    assert all(len(d.text) > 10_000 for d in docs)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW.iterdir()} == before
    assert {p: p.stat().st_mtime_ns for p in RAW.iterdir()} == mtimes


# ---------------------------------------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2019年某某区政府工作报告_某某区人民政府</title>
<meta name="ArticleTitle" content="2019年某某区政府工作报告"><meta name="PubDate" content="2019-02-20 09:30">
<style>.x { color: red }</style><script>var trackers = "不应出现";</script></head>
<body>
<header><div class="logo">某某区人民政府门户网站</div></header>
<nav><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></nav>
<form action="/search"><input name="q" value="搜索"><button>搜索</button></form>
<div class="article">
<h1>政府工作报告</h1>
<p>——2019年1月8日在某某区第五届人民代表大会第三次会议上</p>
<p>&nbsp;&nbsp;各位代表：</p>
<p>现在，我代表区人民政府向大会报告工作，
请予审议。</p>
<p>一、2018年工作回顾<br>过去一年，地区生产总值增长<b>6.5%</b>。</p>
<table><tr><td>序号</td><td>项目</td></tr><tr><td>1</td><td>路网改造工程</td></tr></table>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
</div>
<aside>热点新闻</aside>
<footer>关于我们 | 网站地图 | 版权所有：某某区人民政府</footer>
</body></html>"""


def test_html_page_keeps_blocks_and_drops_chrome(tmp_path):
    [doc] = read_documents(write(tmp_path, "page.html", PAGE))
    lines = doc.text.split("\n")
    assert lines[:4] == ["政府工作报告", "——2019年1月8日在某某区第五届人民代表大会第三次会议上", "\xa0\xa0各位代表：".strip(),
                         "现在，我代表区人民政府向大会报告工作，请予审议。"]
    assert "一、2018年工作回顾" in lines and "过去一年，地区生产总值增长6.5%。" in lines
    assert lines[lines.index("序号") : lines.index("序号") + 4] == ["序号", "项目", "1", "路网改造工程"]
    for chrome in ("不应出现", "color", "门户网站", "政务公开", "搜索", "热点新闻", "版权所有"):
        assert chrome not in doc.text
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert doc.fields["html_title"] == "2019年某某区政府工作报告_某某区人民政府"
    assert doc.fields["html_meta_pubdate"] == "2019-02-20 09:30"


def test_a_page_wrapped_in_a_form_or_with_an_article_header_keeps_its_report(tmp_path):
    """ASP.NET sites (many government ones) wrap the whole page in <form id="form1">: only its controls go. A
    <header> inside <article> holds the report's title and meeting line, which metadata needs."""
    asp = ("<html><body><form id='form1' method='post'><input type='hidden' name='__VIEWSTATE' value='x'>"
           "<div class='content'><p>各位代表：</p><p>现在，我代表区人民政府向大会报告工作，请予审议。</p></div>"
           "<button>提交</button></form></body></html>")
    [doc] = read_documents(write(tmp_path, "asp.html", asp))
    assert doc.text.split("\n") == ["各位代表：", "现在，我代表区人民政府向大会报告工作，请予审议。"]
    assert doc.text.dropped == (Removal("html_form", "提交"),)
    article = ("<html><body><header>某某区人民政府门户网站</header><article><header><h1>2024年某某区政府工作报告</h1>"
               "<p>——2024年1月10日在某某区第三届人民代表大会第四次会议上</p></header><p>各位代表：</p></article></body></html>")
    [doc] = read_documents(write(tmp_path, "article.html", article))
    assert doc.text.split("\n")[:2] == ["2024年某某区政府工作报告", "——2024年1月10日在某某区第三届人民代表大会第四次会议上"]
    assert doc.text.dropped == (Removal("html_header", "某某区人民政府门户网站"),)


def test_what_the_html_reader_drops_is_carried_with_the_text_for_cleaning_to_record(tmp_path):
    [doc] = read_documents(write(tmp_path, "page.html", PAGE))
    assert isinstance(doc.text, PageText)
    # elements in page order (menus and hidden ones would follow); the form's button once; scripts, styles, <head> not listed
    assert doc.text.dropped == (
        Removal("html_header", "某某区人民政府门户网站"),
        Removal("html_nav", "首页 > 政务公开"),
        Removal("html_form", "搜索"),
        Removal("html_aside", "热点新闻"),
        Removal("html_footer", "关于我们 | 网站地图 | 版权所有：某某区人民政府"),
    )
    # the string is the visible text alone (doc_id and metadata read it as before); derived strings are plain
    assert "门户网站" not in doc.text and type(doc.text.strip()) is str and type(doc.text[:5]) is str
    again = pickle.loads(pickle.dumps(doc.text))  # worker processes and caches keep what it carries
    assert (again, again.dropped) == (doc.text, doc.text.dropped)


def test_nested_dropped_elements_are_recorded_once_and_empty_ones_not_at_all():
    page = (
        "<header><nav><ul><li><a href='/'>首页</a></li><li><a href='/x'>新闻</a></li></ul></nav></header>"
        "<nav><img src='logo.png'></nav><p>各位代表：</p>"
        "<div class='menu'><ul><li><a>政务公开</a></li><li><a>办事服务</a></li></ul></div>"
        "<ul><li>第一项任务。</li></ul><div hidden><p>隐藏的<b>栏目</b></p></div><script>var a = '不记录';</script>"
    )
    text, _ = html_to_text(page)
    assert text == "各位代表：\n第一项任务。"
    assert text.dropped == (
        Removal("html_header", "首页\n新闻"),
        Removal("html_menu", "政务公开\n办事服务"),
        Removal("html_hidden", "隐藏的栏目"),
    )
    assert html_to_text("<p>各位代表：</p>")[0].dropped == ()


def test_broken_html_is_repaired_not_fatal(tmp_path):
    broken = (
        "<html><body><div><p>各位代表：<p>第一段没有闭合<div><span>第二段</div></div></div></div>"
        "<table><tr><td>序号<td>项目</tr><p>表格后的段落</table><!-- 未闭合的注释 <p>注释后的正文"
    )
    problems: list[str] = []
    text, fields = html_to_text(broken, problems=problems)
    assert text.split("\n")[:3] == ["各位代表：", "第一段没有闭合", "第二段"]
    assert "表格后的段落" in text and "序号" in text
    # a comment never closed ends before the next tag instead of swallowing the rest of the page
    assert text.endswith("\n注释后的正文") and "未闭合的注释" not in text and fields == {}
    assert problems == ["HTML comment opened on line 1 is never closed; ended it before the next tag to keep the "
                        "text after it"]


def test_link_bars_get_one_line_per_link_but_links_in_prose_stay_inline():
    page = (
        '<div class="footer"><a href="#">分享到:</a><a href="#">【打印】 【关闭】</a> | <a href="#">上一篇:无</a></div>'
        '<p>现在，<a href="#">我代表</a>区人民政府<a href="#">报告工作</a>。</p>'
    )
    text, _ = html_to_text(page)
    assert text.split("\n") == ["分享到:", "【打印】 【关闭】", "|", "上一篇:无", "现在，我代表区人民政府报告工作。"]


def test_link_only_lists_are_navigation_menus():
    page = "<ul class='menu'><li><a>首页</a></li><li><a>政务公开</a></li></ul><ol><li>第一项任务。</li><li><a>链接</a>和文字</li></ol>"
    assert html_to_text(page)[0] == "第一项任务。\n链接和文字"


def test_hidden_html_elements_are_dropped():
    text, _ = html_to_text('<p>各位代表：</p><div style="display: none">隐藏的菜单</div><p hidden>隐藏</p>'
                           '<p style="color:red">现在</p>')
    assert text == "各位代表：\n现在"


def test_html_line_break_between_chinese_characters_is_not_a_space():
    text, _ = html_to_text("<p>经济社会\n   发展取得显著成效, and\nmore</p>")
    assert text == "经济社会发展取得显著成效, and more"


def test_html_declared_gb2312_is_honoured(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>报告</title>'
            "</head><body><p>各位代表：现在报告工作。</p></body></html>")
    [doc] = read_documents(write(tmp_path, "gb.htm", page, encoding="gb18030"))
    assert doc.encoding == "gb18030" and doc.text == "各位代表：现在报告工作。" and doc.fields["html_title"] == "报告"


def test_wrong_latin1_declaration_is_ignored(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>各位代表：现在报告工作。</p></body></html>'
    [doc] = read_documents(write(tmp_path, "wrong.html", page, encoding="gb18030"))
    assert doc.encoding == "gb18030" and doc.text == "各位代表：现在报告工作。"


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    page = "\ufeff<!DOCTYPE html><html><head><title>报告</title></head><body><nav>首页</nav><p>各位代表：</p></body></html>"
    [doc] = read_documents(write(tmp_path, "page.txt", page))
    assert (doc.format, doc.text, doc.fields) == ("html", "各位代表：", {"html_title": "报告"})


def test_html_without_visible_text_is_an_error(tmp_path):
    with pytest.raises(ReadError, match="HTML page has no visible text"):
        read_documents(write(tmp_path, "empty.html", "<html><head><script>x()</script></head><body> </body></html>"))


def test_deeply_nested_html_does_not_hit_the_recursion_limit():
    text, _ = html_to_text("<div>" * 5000 + "深处的文字" + "</div>" * 5000)
    assert text == "深处的文字"


# ---------------------------------------------------------------------------------------------- CSV
def test_csv_rows_become_documents_with_their_metadata(tmp_path):
    csv_text = (
        "标题,year,地区,text\n"
        '2020年某区政府工作报告,2020,某区,"各位代表：\n现在，我代表区人民政府报告工作，""请予审议""。"\n'
        "\n"
        "2021年某区政府工作报告,2021,,各位代表：二〇二一年\n"
    )
    path = write(tmp_path, "reports.csv", csv_text, encoding="gb18030")
    docs = read_documents(path)
    assert [d.source for d in docs] == [f"{path}#row=1", f"{path}#row=2"]
    assert docs[0].text == '各位代表：\n现在，我代表区人民政府报告工作，"请予审议"。'
    assert docs[0].fields == {"标题": "2020年某区政府工作报告", "year": "2020", "地区": "某区", "title": "2020年某区政府工作报告"}
    assert docs[1].fields["地区"] is None
    assert {d.encoding for d in docs} == {"gb18030"} and {d.format for d in docs} == {"csv"}


def test_csv_columns_by_name(tmp_path):
    path = write(tmp_path, "r.csv", "headline,正文,全文\n标题甲,短,各位代表：全文在这里\n")
    [doc] = read_documents(path, text_column="全文", title_column="headline")
    assert doc.text == "各位代表：全文在这里" and doc.fields["title"] == "标题甲" and doc.fields["正文"] == "短"
    with pytest.raises(ReadError, match=r"text column 'body' not found; columns are \['headline', '正文', '全文'\]"):
        read_documents(path, text_column="body")


@pytest.mark.parametrize(
    ("csv_text", "problem"),
    [
        ("title,year\n报告,2020\n", r"no text column: none of \[.*\] in the header \['title', 'year'\]"),
        ("title,text\n报告,正文\n报告二,正文,多余\n", r"malformed CSV at line 3 \(row 2\): 3 fields, header has 2"),
        ('title,text\n报告,"没有结束的引号\n', r"malformed CSV at line 2"),
        ("title,text\n", "header but no rows"),
        ("title,title,text\n甲,乙,丙\n", r"repeats column name\(s\) \['title'\]"),
    ],
)
def test_malformed_csv_names_the_problem_and_line(tmp_path, csv_text, problem):
    path = write(tmp_path, "bad.csv", csv_text)
    with pytest.raises(ReadError, match=problem) as info:
        read_documents(path)
    assert str(path) in str(info.value)


def test_tsv_is_read_with_tabs(tmp_path):
    [doc] = read_documents(write(tmp_path, "r.tsv", "title\ttext\n报告\t各位代表，现在\n"))
    assert doc.text == "各位代表，现在" and doc.fields == {"title": "报告"}


# ---------------------------------------------------------------------------------------------- JSONL
def test_national_corpus_defaults_fit():
    docs = read_documents(NATIONAL)
    assert len(docs) == 72
    first = docs[0]
    assert first.source == f"{NATIONAL}#row=1" and first.format == "jsonl" and first.encoding == "utf-8"
    assert first.fields["title"] == "2025年中华人民共和国国务院政府工作报告"
    assert set(first.fields) == {"title", "url", "year"}
    assert first.text.startswith("各位代表：")
    assert sum(1 for d in docs if d.fields["year"] is None) == 20  # the NPC resolutions


def test_jsonl_bad_line_is_named(tmp_path):
    rows = [json.dumps({"title": "甲", "content": "各位代表：甲"}, ensure_ascii=False), "",
            '{"title": "乙", "content": "各位代表', "{}"]
    path = write(tmp_path, "bad.jsonl", "\n".join(rows))
    with pytest.raises(ReadError, match=r"line 3 is not valid JSON") as info:
        read_documents(path)
    assert str(path) in str(info.value)


def test_jsonl_bad_lines_are_skipped_and_listed_when_problems_are_collected(tmp_path):
    good = [json.dumps({"title": t, "content": f"各位代表：{t}"}, ensure_ascii=False) for t in ("甲", "乙")]
    rows = [good[0], '{"title": "broken", "text": "未闭合', '["a list"]', '{"title": "无正文"}', good[1]]
    path = write(tmp_path, "mixed.jsonl", "\n".join(rows))
    problems: list[str] = []
    docs = read_documents(path, problems=problems)
    assert [d.fields["title"] for d in docs] == ["甲", "乙"]
    assert [d.source.rsplit("#", 1)[1] for d in docs] == ["row=1", "row=5"]
    assert problems == [
        "line 2 is not valid JSON: Unterminated string starting at (column 29)",
        "line 3 is a JSON list, expected an object",
        "line 4: text field 'content' is missing",
    ]
    # nothing good at all: still an error, naming the first bad line
    with pytest.raises(ReadError, match=r"no JSONL row could be read: line 1 is not valid JSON.*\(and 1 more\)"):
        read_documents(write(tmp_path, "junk.jsonl", "{oops\n[1, 2"), problems=[])


def test_csv_row_with_wrong_field_count_is_skipped_when_problems_are_collected(tmp_path):
    path = write(tmp_path, "r.csv", "title,text\n甲,各位代表：甲\n乙,正文,多余\n丙,各位代表：丙\n")
    problems: list[str] = []
    docs = read_documents(path, problems=problems)
    assert [d.fields["title"] for d in docs] == ["甲", "丙"]
    assert problems == ["malformed CSV at line 3 (row 2): 3 fields, header has 2"]


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (['["not", "an", "object"]'], "line 1 is a JSON list, expected an object"),
        (['{"title": "甲"}'], r"line 1: no text field"),
        (['{"content": "甲"}', '{"title": "乙"}'], r"line 2: text field 'content' is missing"),
        (['{"content": "甲"}', '{"content": 3}'], r"line 2: text field 'content' is int, not text"),
        (["", "  "], "file is empty"),
    ],
)
def test_jsonl_structure_errors(tmp_path, lines, problem):
    with pytest.raises(ReadError, match=problem):
        read_documents(write(tmp_path, "x.jsonl", "\n".join(lines) + "\n"))


def test_jsonl_keeps_unicode_line_separators_inside_strings_and_crlf(tmp_path):
    rows = [json.dumps({"content": "第一段\u2028仍是第一行"}, ensure_ascii=False),
            json.dumps({"content": "第二篇"}, ensure_ascii=False)]
    docs = read_documents(write(tmp_path, "x.jsonl", "\r\n".join(rows) + "\r\n"))
    assert [d.text for d in docs] == ["第一段\u2028仍是第一行", "第二篇"]


def test_csv_cell_can_hold_a_long_report(tmp_path):
    long_text = "各位代表，地区生产总值增长百分之六。" * 12_000  # ~200,000 characters, above csv's default limit
    [doc] = read_documents(write(tmp_path, "long.csv", f"title,text\n长报告,{long_text}\n"))
    assert doc.text == long_text


def test_jsonl_columns_by_name_and_row_numbers_are_lines(tmp_path):
    rows = ['{"name": "甲报告", "body_text": "各位代表：甲", "year": 2020}', "",
            '{"name": "乙报告", "body_text": "各位代表：乙", "year": null}']
    path = write(tmp_path, "x.jsonl", "\n".join(rows))
    docs = read_documents(path, text_column="body_text", title_column="name")
    assert [d.source.rsplit("#", 1)[1] for d in docs] == ["row=1", "row=3"]
    assert docs[0].fields == {"name": "甲报告", "year": 2020, "title": "甲报告"}
    assert docs[1].fields["year"] is None and docs[1].text == "各位代表：乙"
    assert isinstance(docs[0], RawDocument)


# --------------------------------------------------------------------------------------------------
# Word .docx
# --------------------------------------------------------------------------------------------------
def _docx_bytes(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
        document.add_paragraph("表后的段落。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_gives_one_line_per_paragraph_and_table_row_in_order(tmp_path):
    lines = SEED_000.read_text(encoding="utf-8").splitlines()
    (tmp_path / "report.docx").write_bytes(_docx_bytes(lines, table=[["指标", "目标"], ["地区生产总值", "增长7%"]]))
    [document] = read_documents(tmp_path / "report.docx")
    assert document.format == "docx" and document.source.endswith("report.docx")
    got = document.text.split("\n")
    assert got[: len(lines)] == lines
    assert got[len(lines):] == ["指标\t目标", "地区生产总值\t增长7%", "表后的段落。"]
    assert [p.name for p in find_report_files(tmp_path)] == ["report.docx"]


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def _txbx(paragraphs: list[str]) -> str:
    return "<w:txbxContent>" + "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs) + "</w:txbxContent>"


def _vml_text_box(paragraphs: list[str]) -> str:
    """A run holding a VML text box (as older Word and WPS save it)."""
    return (f'<w:r {_W_NS} {_VML_NS}><w:pict><v:shape type="#_x0000_t202" style="width:400pt;height:60pt">'
            f"<v:textbox>{_txbx(paragraphs)}</v:textbox></v:shape></w:pict></w:r>")


def _drawingml_text_box(paragraphs: list[str]) -> str:
    """A run holding a DrawingML text box with the VML copy Word saves beside it for older readers."""
    return (f'<w:r {_W_NS} {_VML_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:extent cx="5080000" cy="762000"/>'
            '<wp:docPr id="1" name="文本框 1"/><a:graphic>'
            '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:txbx>{_txbx(paragraphs)}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
            "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
            f"{_txbx(paragraphs)}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")


def test_docx_text_boxes_are_read_in_place_and_headers_and_footers_left_out(tmp_path):
    import io

    import docx
    from docx.oxml import parse_xml

    # 2018年杭州市江干区政府工作报告 (seed 003), with two of its paragraphs moved into text boxes
    paragraphs = _seed_paragraphs(RAW / "003_c7f94249779b73e0.txt")[:12]
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "江干区政府工作报告"
    document.sections[0].footer.paragraphs[0].text = "杭州市江干区人民政府办公室印发"
    for paragraph in paragraphs[:5]:
        document.add_paragraph(paragraph)
    document.add_paragraph()._p.append(parse_xml(_vml_text_box(paragraphs[5:6])))  # a box in an empty paragraph
    document.add_paragraph(paragraphs[6])._p.append(parse_xml(_drawingml_text_box(paragraphs[7:9])))
    for paragraph in paragraphs[9:]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "report.docx").write_bytes(buffer.getvalue())
    [read] = read_documents(tmp_path / "report.docx")
    assert read.text.split("\n") == [*paragraphs[:5], "", *paragraphs[5:]]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Microsoft Office document"),
        (b"PK\x03\x04 broken archive" * 20, "not a readable .docx"),
        (None, "holds no text"),
    ],
)
def test_bad_docx_files_get_clear_errors(tmp_path, data, problem):
    path = tmp_path / "bad.docx"
    path.write_bytes(_docx_bytes(["", "  "]) if data is None else data)
    with pytest.raises(ReadError, match=problem) as caught:
        read_documents(path)
    assert "bad.docx" in str(caught.value)


def test_doc_and_wps_files_are_listed_as_unread(tmp_path):
    from reportlab_analysis.reading import find_unread_documents

    for name in ("a.wps", "sub/b.DOC", "c.txt", ".hidden/d.doc", "e.jpg", "f.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_unread_documents(tmp_path)] == ["a.wps", "sub/b.DOC"]


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------
from pdf_samples import make_pdf as _make_pdf  # noqa: E402 - the hand-written PDF generator beside the tests
from pdf_samples import make_placed_pdf, typeset  # noqa: E402

SEEDS = sorted(RAW.glob("*.txt"))
# the numbered items of a report: 一、…  (二)…  (43)…  5.…
_NUMBERED_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


def _seed_paragraphs(seed: Path) -> list[str]:
    """The paragraphs of a seed report as the test font can set them (it has no middle dot, and shows a no-break
    space as a space)."""
    text = seed.read_text(encoding="utf-8").replace("\xa0", " ").replace("·", "")
    return [p for p in (line.strip() for line in text.splitlines()) if p]


def _pdf_paragraphs(tmp_path: Path, pdf: bytes) -> list[str]:
    (tmp_path / "report.pdf").write_bytes(pdf)
    [document] = read_documents(tmp_path / "report.pdf")
    assert document.format == "pdf"
    return document.text.split("\n")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_pdf_paragraphs_are_reassembled_from_wrapped_lines(tmp_path, seed):
    # The seed reports typeset 30 characters wide, 40 lines a page, first lines indented, with a running header
    # and page numbers: the reader must give back exactly the paragraphs, without the header (page 1's too).
    paragraphs = _seed_paragraphs(seed)
    pages = typeset(paragraphs)
    assert len(pages) >= 3
    assert _pdf_paragraphs(tmp_path, _make_pdf(pages, header="政府工作报告")) == paragraphs


def test_pdf_keeps_numbers_that_are_not_page_numbers(tmp_path):
    pages = [[("一、主要指标", False), ("2023", True), ("全年地区生产总值增长百分之六。", True)],
             [("二、主要任务", False), ("2024", True), ("全年城镇新增就业1.2万人。", True)]]
    assert _pdf_paragraphs(tmp_path, _make_pdf(pages)) == [  # "- 1 -", "- 2 -" gone
        "一、主要指标", "2023", "全年地区生产总值增长百分之六。", "二、主要任务", "2024", "全年城镇新增就业1.2万人。"]


@pytest.mark.parametrize("gap", [1, 3], ids=["run-together", "apart"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_two_column_pdf_is_read_column_by_column(tmp_path, seed, gap):
    # Two columns of 14 characters, 40 lines each, one or three characters apart: pdfminer runs the lines of the
    # two columns together into one line when the gap is narrow, and orders them by height when it is wide.
    paragraphs = _seed_paragraphs(seed)
    pdf = _make_pdf(typeset(paragraphs, width=14, lines_per_page=80), header="政府工作报告", columns=2,
                    column_chars=14, gap_chars=gap)
    assert _pdf_paragraphs(tmp_path, pdf) == paragraphs


def test_two_column_page_with_a_title_across_both_columns(tmp_path):
    # 2018年杭州市江干区政府工作报告 (seed 003): a title centred across both columns above the two columns.
    paragraphs = _seed_paragraphs(RAW / "003_c7f94249779b73e0.txt")[6:]
    lines = typeset(paragraphs, width=14, lines_per_page=10_000)[0]
    while len(lines) > 40:  # the paragraphs that fill the page
        paragraphs.pop()
        lines = typeset(paragraphs, width=14, lines_per_page=10_000)[0]
    page = [("江干区政府工作报告", 200.0, 780.0)]  # from x=200 to 308, over the gap at 240-276
    for i, (text, indented) in enumerate(lines):
        column, row = divmod(i, 20)
        page.append((text, 72 + column * 17 * 12 + (24 if indented else 0), 750.0 - row * 18))
    page.append(("- 1 -", 290.0, 40.0))
    assert len(paragraphs) >= 2 and len(lines) > 20  # both columns hold text
    assert _pdf_paragraphs(tmp_path, make_placed_pdf([page])) == ["江干区政府工作报告", *paragraphs]


@pytest.mark.parametrize("hang", [2, 3])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_pdf_paragraphs_with_hanging_indents(tmp_path, seed, hang):
    # Every paragraph set with a hanging indent: the first line at the margin, the others `hang` characters in.
    paragraphs = _seed_paragraphs(seed)
    pdf = _make_pdf(typeset(paragraphs, hanging=hang), header="政府工作报告")
    assert _pdf_paragraphs(tmp_path, pdf) == paragraphs


@pytest.mark.parametrize("hang", [2, 3])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_pdf_numbered_items_with_hanging_indents_among_indented_paragraphs(tmp_path, seed, hang):
    # Only the numbered items (一、… (二)… (43)…) hang; the other paragraphs have their first line indented, by two
    # characters: as far in as the items' hanging lines when hang=2.
    paragraphs = _seed_paragraphs(seed)
    pdf = _make_pdf(typeset(paragraphs, hanging=lambda p: hang if _NUMBERED_ITEM.match(p) else 0))
    assert _pdf_paragraphs(tmp_path, pdf) == paragraphs


def test_pdf_hanging_indent_keeps_a_target_in_one_piece(tmp_path):
    # 2022年哈尔滨市呼兰区政府工作报告 (seed 004), its opening: "城镇新|增就业1.91万人次" wraps at a hanging indent
    paragraphs = _seed_paragraphs(RAW / "004_2d83ae9706601383.txt")[:11]
    assert "城镇新增就业1.91万人次" in paragraphs[9]
    pages = typeset(paragraphs, hanging=2)
    assert any(text.endswith("城镇新") for page in pages for text, _ in page)
    assert _pdf_paragraphs(tmp_path, _make_pdf(pages)) == paragraphs


def test_running_header_of_a_two_page_pdf_is_dropped_not_glued_into_a_number(tmp_path):
    # The page break falls inside "1.91": the header at the top of page 2 must not end up between "1.9" and "1".
    paragraphs = _seed_paragraphs(RAW / "004_2d83ae9706601383.txt")[6:10]
    pages = typeset(paragraphs, lines_per_page=31)
    assert len(pages) == 2 and pages[0][-1][0].endswith("1.9") and pages[1][0][0].startswith("1万人次")
    assert _pdf_paragraphs(tmp_path, _make_pdf(pages, header="呼兰区政府工作报告")) == paragraphs


def test_title_is_kept_when_the_same_text_runs_as_header_and_footer_above_the_page_number(tmp_path):
    # The running header repeats the title; the title itself stands lower on page 1 and stays, once. The footer
    # above the page number goes too.
    paragraphs = ["南岗区政府工作报告", *_seed_paragraphs(RAW / "000_207fb4099e85d4c9.txt")]
    pages = typeset(paragraphs, lines_per_page=36)  # the footer stands below the last line
    assert len(pages) >= 3
    pdf = _make_pdf(pages, header="南岗区政府工作报告", footer="哈尔滨市南岗区人民政府办公室")
    assert _pdf_paragraphs(tmp_path, pdf) == paragraphs


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a PDF"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
         "no pages|not a readable PDF"),
        (b"%PDF-1.4 \x00\x01 garbage" * 10, "not a readable PDF|no pages"),
        (_make_pdf([]), r"the PDF has no pages \(a damaged or truncated file\?\)"),
        (_make_pdf([[]]), r"no text layer \(a scanned document\?\)"),
    ],
)
def test_bad_pdf_files_get_clear_errors(tmp_path, data, problem):
    (tmp_path / "bad.pdf").write_bytes(data)
    with pytest.raises(ReadError, match=problem) as caught:
        read_documents(tmp_path / "bad.pdf")
    assert "bad.pdf" in str(caught.value)


def test_paragraphs_joined_by_literal_backslash_n_escapes_get_their_line_breaks_back(tmp_path, seed_text):
    escaped = seed_text.replace("\n", "\\n")
    assert "\n" not in escaped
    tsv = write(tmp_path, "r.tsv", "title\ttext\n南岗区政府工作报告\t" + escaped + "\n")
    jsonl = write(tmp_path, "r.jsonl", json.dumps({"title": "南岗区", "content": escaped}, ensure_ascii=False))
    for path in (tsv, jsonl):
        [doc] = read_documents(path)
        assert doc.text == seed_text
    # one escape in otherwise ordinary text is left alone (a Windows path, a formula)
    [doc] = read_documents(write(tmp_path, "one.tsv", "title\ttext\n甲\t路径 C:\\new 文本\n"))
    assert doc.text == "路径 C:\\new 文本"
