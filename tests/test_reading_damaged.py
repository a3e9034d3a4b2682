"""reading: damaged input (broken CSV quoting, broken HTML, mislabelled files, bad bytes) keeps what can be kept
and says what was lost. Inputs are built from the bundled reports in data/raw."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reportlab_analysis.reading import ReadError, read_documents

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
