"""reading: damaged input (broken CSV quoting, broken HTML, mislabelled files, bad bytes) keeps what can be kept
and says what was lost. Inputs are built from the bundled reports in data/raw."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from reportlab_analysis.reading import ReadError, html_to_text, read_documents

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
REPORTS = [path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))]


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def csv_rows(*rows: list[str]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


# ---------------------------------------------------------------------------------------------- CSV quoting
def test_stray_quote_loses_only_its_row(tmp_path):
    text = csv_rows(["title", "year", "content"], ["a", "2018", REPORTS[0]]) + 'c,2020,"x"y\n' + csv_rows(
        ["b", "2021", REPORTS[1]])
    path = write(tmp_path, "stray.csv", text)
    problems: list[str] = []
    docs = read_documents(path, problems=problems)
    assert [d.text for d in docs] == [REPORTS[0], REPORTS[1]]
    assert [d.fields["title"] for d in docs] == ["a", "b"]
    bad = line_of(text, 'c,2020,"x"y')
    assert problems == [f"malformed CSV at line {bad} (row 2): ',' expected after '\"'; line {bad} skipped"]
    with pytest.raises(ReadError, match=rf"malformed CSV at line {bad} \(row 2\): ',' expected"):
        read_documents(path)  # strict reading still refuses the file


def test_quote_never_closed_in_the_last_row_loses_only_that_row(tmp_path):
    head = csv_rows(["title", "year", "content"], ["a", "2018", REPORTS[0]], ["b", "2021", REPORTS[1]])
    text = head + 'c,2020,"' + REPORTS[2]
    problems: list[str] = []
    docs = read_documents(write(tmp_path, "unclosed.csv", text), problems=problems)
    assert [d.text for d in docs] == [REPORTS[0], REPORTS[1]]
    first, last = head.count("\n") + 1, text.count("\n") + 1
    assert problems == [f"malformed CSV at line {first} (row 3): a quoted field is never closed (unexpected end "
                        f"of data); lines {first}-{last} skipped"]


def test_quote_never_closed_in_a_middle_row_resumes_at_the_next_row(tmp_path):
    # the stray quote is closed by the opening quote of row b: reading restarts on b's first line
    first = csv_rows(["title", "year", "content"], ["a", "2018", REPORTS[0]]) + 'c,2020,"' + REPORTS[2][:500] + "\n"
    text = first + csv_rows(["b", "2021", REPORTS[1]], ["d", "2022", REPORTS[4]])
    problems: list[str] = []
    docs = read_documents(write(tmp_path, "mid.csv", text), problems=problems)
    assert [d.fields["title"] for d in docs] == ["a", "b", "d"]
    assert [d.text for d in docs] == [REPORTS[0], REPORTS[1], REPORTS[4]]
    start, end = line_of(text, 'c,2020,"'), first.count("\n")
    assert problems == [f"malformed CSV at line {start} (row 2): ',' expected after '\"'; lines {start}-{end} skipped"]


def test_lines_of_a_broken_row_are_not_taken_for_rows(tmp_path):
    # the quote closes early, so the report's own lines follow unquoted; some have as many commas as the header
    paragraphs = "\n".join(REPORTS[3].splitlines()[:39])
    assert any(line.count(",") == 3 for line in paragraphs.splitlines())
    text = (csv_rows(["title", "year", "url", "content"], ["a", "2018", "http://x/0", REPORTS[0]])
            + f'c,2020,"http://x/2,"{paragraphs}\n' + csv_rows(["d", "2022", "http://x/4", REPORTS[4]]))
    problems: list[str] = []
    docs = read_documents(write(tmp_path, "debris.csv", text), problems=problems)
    assert [d.fields["title"] for d in docs] == ["a", "d"]
    start, end = line_of(text, "c,2020,"), line_of(text, "d,2022,") - 1
    assert problems == [f"malformed CSV at line {start} (row 2): ',' expected after '\"'; lines {start}-{end} skipped"]
    assert docs[1].source.endswith("#row=3")


# ---------------------------------------------------------------------------------------------- broken HTML
PARAGRAPHS = [line.strip() for line in REPORTS[3].splitlines() if line.strip()]


def page(body: str, head: str = "<title>江干区政府工作报告</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def test_comment_never_closed_does_not_swallow_the_rest_of_the_page(tmp_path):
    paragraphs = [f"<p>{p}</p>" for p in PARAGRAPHS]
    paragraphs.insert(30, "<!-- 未闭合注释 ")
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "comment.html", page("\n".join(paragraphs))), problems=problems)
    assert doc.text == "\n".join(PARAGRAPHS)
    assert problems == ["HTML comment opened on line 31 is never closed; ended it at the end of its line to keep "
                        "the text after it"]


def test_comment_never_closed_in_plain_lines_ends_with_its_line(tmp_path):
    body = f"<p>{PARAGRAPHS[0]}</p><!-- 注释\n" + "\n".join(PARAGRAPHS[1:])
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "comment_lines.html", page(body)), problems=problems)
    assert doc.text.startswith(PARAGRAPHS[0] + "\n") and PARAGRAPHS[-1] in doc.text and "注释" not in doc.text
    assert problems == ["HTML comment opened on line 1 is never closed; ended it at the end of its line to keep "
                        "the text after it"]


def test_title_never_closed_keeps_the_report(tmp_path):
    html = "<html><head><title>报告<body><div><p>" + "<p>".join(PARAGRAPHS) + "<div><span>"
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "title.html", html), problems=problems)
    assert doc.text == "\n".join(PARAGRAPHS) and doc.fields["html_title"] == "报告"
    assert problems == ["<title> on line 1 is never closed; ended it before the next tag to keep the text after it"]
    with pytest.warns(UserWarning, match=r"title\.html: <title> on line 1 is never closed"):
        read_documents(tmp_path / "title.html")  # strict reading: the same note as a warning


def test_closed_markup_is_left_alone():
    # a <title> inside a script and a comment inside a comment's text are not open elements
    html = page("<p>各位代表：</p><!-- <title> --><p>现在</p>",
                head="<script>var a = '<title>';</script><title>报告</title>")
    problems: list[str] = []
    assert html_to_text(html, problems=problems) == ("各位代表：\n现在", {"html_title": "报告"})
    assert problems == []


def test_visible_text_far_shorter_than_the_page_is_noted(tmp_path):
    hidden = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    html = page(f"<p>{PARAGRAPHS[0]}</p><div style='display:none'>{hidden}</div>")
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "hidden.html", html), problems=problems)
    assert doc.text == PARAGRAPHS[0]
    [note] = problems
    assert re.fullmatch(r"visible text holds only 6 of the \d+ Chinese characters in the page's markup; the rest is "
                        r"hidden, navigation, or swallowed by broken markup: check the file", note)


# ---------------------------------------------------------------------------------------------- inline markup
def test_line_break_between_inline_elements_follows_the_line_break_rule():
    # every paragraph cut between two Chinese characters into two spans on separate source lines
    cut = [next(i for i in range(len(p) // 2, len(p)) if WIDE.match(p[i - 1]) and WIDE.match(p[i]))
           for p in PARAGRAPHS if sum(map(bool, map(WIDE.match, p))) > 4]
    kept = [p for p in PARAGRAPHS if sum(map(bool, map(WIDE.match, p))) > 4]
    body = "".join(f"<p><span>{p[:i]}</span>\n  <span>{p[i:]}</span></p>\n" for p, i in zip(kept, cut))
    text, _ = html_to_text(page(body))
    assert text == "\n".join(kept)
    # Word-style markup that splits a word: 政府 stays 政府
    paragraph = next(p for p in PARAGRAPHS if p.count("政府") > 1)
    text, _ = html_to_text(page(paragraph.replace("政府", "<span>政</span>\n<span>府</span>")))
    assert text == paragraph
    # only between two Latin letters is the break a space; next to a digit it disappears like between Chinese ones
    assert html_to_text("<p><span>GDP</span>\n<span>growth</span>，<b>增长</b>\n<b>5%</b></p>")[0] == "GDP growth，增长5%"


NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


def test_line_break_between_inline_elements_inside_a_number_or_before_punctuation_disappears():
    # Word splits runs anywhere: inside 2018, after the point of 6.5, before a comma
    cuts = {}
    for paragraph in PARAGRAPHS:
        number = next((m for m in NUMBER.finditer(paragraph) if len(m.group()) > 2), None)
        comma = paragraph.find(",", 1)
        if number is not None and comma > 0:
            cuts[paragraph] = sorted({number.start() + 2, comma})
    assert len(cuts) > 10 and any("." in paragraph[i - 1:i + 1] for paragraph, spots in cuts.items() for i in spots)
    body = "".join("<p>" + "\n".join(f"<span>{paragraph[a:b]}</span>" for a, b in zip([0, *spots], [*spots, None]))
                   + "</p>\n" for paragraph, spots in cuts.items())
    assert html_to_text(page(body))[0] == "\n".join(cuts)
    # the examples from the report: 201⏎8年, 6.⏎5%, 地位⏎,
    text, _ = html_to_text("<p><span>二、201</span>\n<span>8年重点工作</span></p><p><span>增长6.</span>\n<span>5%</span>"
                           "</p><p><span>主体地位</span>\n  <span>,加快</span></p>")
    assert text == "二、2018年重点工作\n增长6.5%\n主体地位,加快"
    # the same rule inside one text node; Latin words keep their space
    assert html_to_text("<p>增长6.\n5%，We use\n English words</p>")[0] == "增长6.5%，We use English words"


def test_comment_opener_inside_a_script_or_style_is_not_a_comment(tmp_path):
    head = ("<title>江干区政府工作报告</title><script>var opener = \"<!--\";</script>\n"
            "<style>/* <!-- */ p { margin: 0 }</style>")
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "script.html", page(body, head=head)), problems=problems)
    assert (doc.text, problems) == ("\n".join(PARAGRAPHS), [])
    # a comment that is really never closed, after them, is still repaired and its line named
    lines = [f"<p>{p}</p>" for p in PARAGRAPHS]
    lines.insert(30, "<!-- 未闭合注释 ")
    [doc] = read_documents(write(tmp_path, "both.html", page("\n".join(lines), head=head)), problems=problems)
    assert doc.text == "\n".join(PARAGRAPHS)
    assert problems == ["HTML comment opened on line 32 is never closed; ended it at the end of its line to keep "
                        "the text after it"]


def test_every_form_of_a_closed_comment_is_left_alone():
    # <!--> and <!---> are whole (empty) comments, and --!> ends a comment as --> does
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])
    for comment in ("<!-->", "<!--->", "<!---->", "<!-- 注释 --!>", "<!-- 注释 -->"):
        problems: list[str] = []
        text, _ = html_to_text(page(comment + "\n" + body + comment), problems=problems)
        assert (text, problems) == ("\n".join(PARAGRAPHS[:3]), [])


@pytest.mark.parametrize("tag", ["p", "font", "h2", "center", "section"])
def test_script_never_closed_ends_before_the_next_page_tag(tag):
    body = f"<script>var a = 1;<{tag}>{PARAGRAPHS[0]}</{tag}><p>{PARAGRAPHS[1]}</p>"
    problems: list[str] = []
    text, _ = html_to_text(page(body), problems=problems)
    assert text == "\n".join(PARAGRAPHS[:2])
    assert problems == ["<script> on line 1 is never closed; ended it before the next tag to keep the text after it"]


WIDE = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------- mislabelled files
def test_html_fragment_saved_as_txt_is_read_as_html(tmp_path):
    fragment = "<div class='content'>" + "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS) + "</div>"
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "fragment.txt", fragment), problems=problems)
    assert (doc.format, doc.text) == ("html", "\n".join(PARAGRAPHS))
    assert problems == ["looks like HTML markup (<p>, <div> ...), not plain text; read as HTML"]
    # lines ended by <br> are markup too
    problems.clear()
    [doc] = read_documents(write(tmp_path, "br.txt", "<br>\n".join(PARAGRAPHS)), problems=problems)
    assert (doc.format, doc.text) == ("html", "\n".join(PARAGRAPHS))
    assert problems == ["looks like HTML markup (<br> ...), not plain text; read as HTML"]


def test_plain_text_with_a_few_tags_in_it_stays_plain_text(tmp_path):
    # a report quoting some markup, most of its text outside any element
    text = "\n".join(PARAGRAPHS[:20]) + "\n网页中的<b>加粗</b>与<span>标记</span>照原样保留。<br>\n" + "\n".join(PARAGRAPHS[20:])
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "quoted.txt", text), problems=problems)
    assert (doc.format, doc.text, problems) == ("txt", text, [])


# ---------------------------------------------------------------------------------------------- empty text cells
def test_empty_csv_text_cells_are_skipped_like_null_jsonl_text(tmp_path):
    text = csv_rows(["title", "content"], ["a", ""], ["b", REPORTS[2]], ["c", "   "])
    path = write(tmp_path, "empty.csv", text)
    problems: list[str] = []
    [doc] = read_documents(path, problems=problems)
    assert (doc.text, doc.fields["title"], doc.source) == (REPORTS[2], "b", f"{path}#row=2")
    last = line_of(text, "c,")
    assert problems == ["line 2 (row 1): text column 'content' is empty",
                        f"line {last} (row 3): text column 'content' is empty"]
    with pytest.raises(ReadError, match=r"empty\.csv: line 2 \(row 1\): text column 'content' is empty"):
        read_documents(path)
    tsv = write(tmp_path, "empty.tsv", f"title\tcontent\na\t\nb\t{PARAGRAPHS[0]}\n")
    problems.clear()
    assert [d.text for d in read_documents(tsv, problems=problems)] == [PARAGRAPHS[0]]
    assert problems == ["line 2 (row 1): text column 'content' is empty"]


def test_blank_jsonl_text_is_skipped_like_null(tmp_path):
    lines = [json.dumps({"title": "a", "content": None}), json.dumps({"title": "b", "content": " \n "}),
             json.dumps({"title": "c", "content": REPORTS[0]}, ensure_ascii=False)]
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "blank.jsonl", "\n".join(lines)), problems=problems)
    assert doc.text == REPORTS[0]
    assert problems == ["line 1: text field 'content' is NoneType, not text", "line 2: text field 'content' is empty"]


# ---------------------------------------------------------------------------------------------- damaged GBK
def gbk_with_bytes_inserted(text: str, at: tuple[int, ...]) -> bytes:
    data = bytearray(text.encode("gbk"))
    for offset in sorted(at, reverse=True):
        data[offset:offset] = b"\xff"
    return bytes(data)


def test_a_few_bad_bytes_in_gbk_are_replaced_and_reported(tmp_path):
    # 0xFF is never part of a GBK character; each one inserted puts the pairs after it out of step
    data = gbk_with_bytes_inserted(REPORTS[0], (1000, 5000, 20000))
    path = write(tmp_path, "gbk_bad.txt", data)
    problems: list[str] = []
    [doc] = read_documents(path, problems=problems)
    assert doc.encoding == "gb18030" and doc.text.count("\ufffd") == 3
    assert doc.text.replace("\ufffd", "") == REPORTS[0]  # back in step right after each bad byte
    assert problems == ["damaged GB18030/GBK: 3 invalid byte(s) replaced by U+FFFD, the first at byte offset 1000; "
                        "check the text there"]
    with pytest.raises(ReadError, match=r"gbk_bad\.txt: is GB18030/GBK text with 3 invalid byte\(s\), the first at "
                                        r"offset 1000; the file looks damaged"):
        read_documents(path)


def test_a_damaged_second_byte_in_gbk_loses_one_character(tmp_path):
    cut = next(i for i in range(1000, len(REPORTS[0])) if WIDE.match(REPORTS[0][i]))
    lead = len(REPORTS[0][:cut].encode("gbk"))
    data = bytearray(REPORTS[0].encode("gbk"))
    data[lead + 1] = 0xFF  # the second byte of a Chinese character
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "gbk_trail.txt", bytes(data)), problems=problems)
    assert doc.text == REPORTS[0][:cut] + "\ufffd" + REPORTS[0][cut + 1:]
    assert problems == [f"damaged GB18030/GBK: 1 invalid byte(s) replaced by U+FFFD, the first at byte offset "
                        f"{lead + 1}; check the text there"]


def test_undecodable_file_names_the_offset_each_codec_failed_at(tmp_path):
    # so much damage that it is no longer GBK with a few bad bytes; UTF-8 fails at the first Chinese byte, GB18030
    # at the lead byte the first inserted 0xFF follows
    prefix = "2017 report: "
    data = prefix.encode() + gbk_with_bytes_inserted(REPORTS[0][:2000], tuple(range(3, 4000, 7)))
    with pytest.raises(ReadError, match=rf"not valid UTF-8 \(first bad byte at offset {len(prefix)}\), GB18030 "
                                        rf"\(first bad byte at offset {len(prefix) + 2}\) or UTF-16"):
        read_documents(write(tmp_path, "hopeless.txt", data), problems=[])


# ---------------------------------------------------------------------------------------------- control characters
def where(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    return f"line {text.count(chr(10), 0, offset) + 1}, column {offset - line_start + 1}"


@pytest.mark.parametrize(("control", "becomes", "done"), [
    ("\x07", "", "1 removed (U+0007)"),
    ("\x9d", "", "1 removed (U+009D)"),  # the end of a mis-decoded ” (â€\x9d)
    ("\x85", "\n", "1 replaced by line breaks (U+0085)"),
    ("\x0b", "\n", "1 replaced by line breaks (U+000B)"),  # Word's manual line break
])
def test_a_stray_control_character_is_repaired_and_noted_not_fatal(tmp_path, control, becomes, done):
    report = REPORTS[0]
    at = report.index("。", 1000) + 1
    path = write(tmp_path, "one.txt", report[:at] + control + report[at:])
    problems: list[str] = []
    [doc] = read_documents(path, problems=problems)
    assert doc.encoding == "utf-8" and doc.text == report[:at] + becomes + report[at:]
    assert problems == [f"stray control characters: {done}; the first at {where(report, at)}; check the text there"]
    with pytest.warns(UserWarning, match=re.escape(f"one.txt: stray control characters: {done}")):
        assert read_documents(path)[0].text == doc.text
    # the same in a GB18030 file
    [doc] = read_documents(write(tmp_path, "one_gb.txt", report[:at] + control + report[at:], encoding="gb18030"),
                           problems=[])
    assert doc.encoding == "gb18030" and doc.text == report[:at] + becomes + report[at:]


def test_several_control_characters_are_counted_and_the_first_is_located(tmp_path):
    report = REPORTS[1]
    spots = [report.index("。", start) for start in (3000, 6000, 9000)]
    damaged = "".join(report[a:b] + ch for a, b, ch in zip([0, *spots], spots, "\x1b\x07\x1b")) + report[spots[-1]:]
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "three.txt", damaged), problems=problems)
    assert doc.text == report
    assert problems == [f"stray control characters: 3 removed (U+0007, U+001B); the first at "
                        f"{where(report, spots[0])}; check the text there"]


def test_nel_and_unicode_separators_as_line_breaks(tmp_path):
    report = REPORTS[0]
    problems: list[str] = []
    [doc] = read_documents(write(tmp_path, "nel.txt", report.replace("\n", "\x85")), problems=problems)
    assert doc.text == report
    assert problems == [f"uses U+0085 (NEL) as its line break: {report.count(chr(10))} read as line breaks"]
    assert problems[0].severity == "info"  # nothing is lost
    # with a stray control character, U+2028 and U+2029 become line breaks too
    text = report.replace("\n", "\u2028", 3).replace("\n", "\u2029", 3)
    [doc] = read_documents(write(tmp_path, "ls.txt", "\x07" + text), problems=[])
    assert doc.text == report


def test_control_characters_in_jsonl_cells_are_removed_and_nel_is_kept(tmp_path):
    rows = [{"title": "甲", "content": REPORTS[0][:900] + "\x07\x85" + REPORTS[0][900:]},
            {"title": "乙", "content": REPORTS[1]}]
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n"
    data = data.replace("\\u0007", "\x07")  # a raw BEL in the file, not the escape json.dumps writes
    problems: list[str] = []
    docs = read_documents(write(tmp_path, "rows.jsonl", data), problems=problems)
    assert [doc.text for doc in docs] == [REPORTS[0][:900] + "\x85" + REPORTS[0][900:], REPORTS[1]]
    assert len(problems) == 1 and problems[0].startswith("stray control characters: 1 removed (U+0007); the first at "
                                                         "line 1, column ")


def test_binary_files_and_many_control_characters_are_still_refused(tmp_path):
    report = REPORTS[2]
    every_200 = "\x07".join(report[i:i + 200] for i in range(0, len(report), 200))  # too many to be strays
    with pytest.raises(ReadError, match="contains control or private-use characters: a binary file"):
        read_documents(write(tmp_path, "bells.txt", every_200), problems=[])
    with pytest.raises(ReadError, match="a binary file"):
        read_documents(write(tmp_path, "nul.txt", report[:3000] + "\x00" + report[3000:]), problems=[])
    with pytest.raises(ReadError, match="contains control"):  # a short text has no room for a stray one
        read_documents(write(tmp_path, "short.txt", report[:300] + "\x07"), problems=[])


# ---------------------------------------------------------------------------------------------- plain text as HTML
def test_plain_text_saved_as_html_keeps_its_lines_as_paragraphs(tmp_path):
    [doc] = read_documents(write(tmp_path, "bare.html", "<html><body>\n" + REPORTS[0] + "\n</body></html>"))
    assert doc.format == "html"
    assert doc.text == "\n".join(" ".join(line.split()) for line in REPORTS[0].splitlines() if line.strip())
    # inline markup does not make it a page with paragraphs; a line break inside a <p> still joins the lines
    text, _ = html_to_text(f"<body>{PARAGRAPHS[0]}\n<b>{PARAGRAPHS[1]}</b>\n{PARAGRAPHS[2]}\n{PARAGRAPHS[3]}</body>")
    assert text == "\n".join(PARAGRAPHS[:4])
    text, _ = html_to_text(f"<body><p>{PARAGRAPHS[0]}\n{PARAGRAPHS[1]}</p></body>")
    assert "\n" not in text and text.replace(" ", "") == PARAGRAPHS[0] + PARAGRAPHS[1]


def wrapped(paragraph: str, width: int = 20) -> str:
    """The paragraph with a source line break after every ``width`` characters, each between two Chinese ones."""
    cuts = [i for i in range(width, len(paragraph), width) if WIDE.match(paragraph[i - 1]) and WIDE.match(paragraph[i])]
    return "\n".join(paragraph[a:b] for a, b in zip([0, *cuts], [*cuts, len(paragraph)]))


def test_lines_broken_by_br_are_paragraphs_and_source_line_breaks_only_wrap_them():
    # a page without block elements that ends its paragraphs with <br> and wraps the text in between
    paragraphs = PARAGRAPHS[:12]
    source = "<br>\n".join(wrapped(p) for p in paragraphs)
    assert source.count("\n") > 2 * len(paragraphs)
    for body in (source, f"<font>{source}</font>"):
        text, _ = html_to_text(page(body))
        assert text == "\n".join(paragraphs)


def lines_of(report: str) -> str:
    return "\n".join(" ".join(line.split()) for line in report.splitlines() if line.strip())


@pytest.mark.parametrize("holder", ["<div class='content'>{}</div>", "<table><tr><td>{}</td></tr></table>",
                                    "<article>\n{}\n<b>（完）</b></article>"])
def test_plain_text_in_one_block_element_keeps_its_lines_as_paragraphs(tmp_path, holder):
    # the whole report as plain lines in one element, among other blocks of the page
    for number, report in enumerate(REPORTS):
        body = "<h1>政府工作报告</h1>" + holder.format(report) + "<p>附件</p>"
        [doc] = read_documents(write(tmp_path, f"{number}.html", page(body)))
        assert doc.text == "\n".join(["政府工作报告", lines_of(report), *(["（完）"] if "完" in holder else []), "附件"])


def wrapped_anywhere(paragraph: str, width: int) -> str:
    """The paragraph hard-wrapped every ``width`` characters, inside numbers too, but not inside a Latin word or next
    to a space (an editor wraps English at its spaces)."""
    cuts = [i for i in range(width, len(paragraph), width)
            if not (paragraph[i - 1].isascii() and paragraph[i - 1].isalpha() and paragraph[i].isascii()
                    and paragraph[i].isalpha()) and " " not in paragraph[i - 1:i + 1]]
    return "\n".join(paragraph[a:b] for a, b in zip([0, *cuts], [*cuts, len(paragraph)]))


@pytest.mark.parametrize("width", [20, 36, 38, 40, 50, 60])  # 40 Chinese characters fill 80 columns
@pytest.mark.parametrize("tag", ["p", "div", "td"])
def test_paragraphs_wrapped_in_the_source_are_not_split_at_the_wraps(width, tag):
    for report in REPORTS:
        paragraphs = [" ".join(line.split()) for line in report.splitlines() if line.strip()]
        blocks = "".join(f"<{tag}>{wrapped_anywhere(paragraph, width)}</{tag}>\n" for paragraph in paragraphs)
        assert sum(block.count("\n") > 2 for block in blocks.split(f"</{tag}>")) > 10
        text, _ = html_to_text(page(f"<table><tr>{blocks}</tr></table>" if tag == "td" else blocks))
        assert text == "\n".join(paragraphs)


# ---------------------------------------------------------------------------------------------- messages
def test_json_array_saved_as_jsonl_is_read_as_records(tmp_path):
    items = [{"title": "甲", "content": REPORTS[0]}, {"title": "乙", "content": None},
             {"title": "丙", "content": REPORTS[1]}]
    path = write(tmp_path, "array.jsonl", json.dumps(items, ensure_ascii=False, indent=1))
    problems: list[str] = []
    docs = read_documents(path, problems=problems)
    assert [(d.fields["title"], d.text, d.source) for d in docs] == [
        ("甲", REPORTS[0], f"{path}#row=1"), ("丙", REPORTS[1], f"{path}#row=3")]
    assert problems == ["is a JSON array, not JSON Lines (one object per line); read its 3 item(s) as records",
                        "item 2: text field 'content' is NoneType, not text"]


def test_json_array_without_a_usable_item_names_why_its_items_were_skipped(tmp_path):
    # the note that the file is an array is information, not the reason no row could be read
    items = [{"title": PARAGRAPHS[0], "content": None}, {"title": PARAGRAPHS[1], "content": " \n "}]
    path = write(tmp_path, "unusable.jsonl", json.dumps(items, ensure_ascii=False, indent=1))
    problems: list[str] = []
    with pytest.raises(ReadError) as caught:
        read_documents(path, problems=problems)
    assert caught.value.problem == ("no JSONL row could be read: item 1: text field 'content' is NoneType, not text "
                                    "(and 1 more)")
    assert problems == ["is a JSON array, not JSON Lines (one object per line); read its 2 item(s) as records",
                        "item 1: text field 'content' is NoneType, not text", "item 2: text field 'content' is empty"]


@pytest.mark.parametrize(("codec", "name"), [("cp1252", "Windows-1252"), ("latin-1", "Latin-1"), ("gbk", "GBK")])
def test_double_encoded_utf8_is_named(tmp_path, codec, name):
    # UTF-8 bytes read in the wrong codec and saved again as UTF-8
    mojibake = REPORTS[0].encode("utf-8").decode(codec, errors="replace")
    path = write(tmp_path, f"moji_{codec}.txt", mojibake)
    with pytest.raises(ReadError, match=rf"moji_{codec}\.txt: looks double-encoded: UTF-8 text that was read as {name} "
                                        r"and saved again as UTF-8 \(it starts "):
        read_documents(path, problems=[])


def test_real_chinese_utf8_is_not_taken_for_double_encoded(tmp_path):
    for number, text in enumerate(REPORTS):
        [doc] = read_documents(write(tmp_path, f"r{number}.txt", text))
        assert doc.text == text
