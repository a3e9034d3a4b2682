"""load_corpus end to end: the seed table, the national corpus, manifests, bad files, duplicates, segmentation."""

import hashlib
import os
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from reportlab_analysis import load_corpus, load_national_corpus
from reportlab_analysis.corpus import CorpusError, CorpusWarning, find_duplicates
from reportlab_analysis.reading import ReadError

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"

EXPECTED = pd.DataFrame(
    [
        ("000_207fb4099e85d4c9.txt", "南岗区", "哈尔滨市", "黑龙江省", "230103", 2018, "2017-12-10", "宋博岩"),
        ("001_f479d68ab5149bf3.txt", "松北区", "哈尔滨市", "黑龙江省", "230109", 2021, "2021-03-03", "王铁立"),
        ("002_72858070d2a0e224.txt", "沙河口区", "大连市", "辽宁省", "210204", 2016, None, None),
        ("003_c7f94249779b73e0.txt", "江干区", "杭州市", "浙江省", "330104", 2018, "2018-01-19", "楼建忠"),
        ("004_2d83ae9706601383.txt", "呼兰区", "哈尔滨市", "黑龙江省", "230111", 2022, None, None),
    ],
    columns=["file", "region", "city", "province", "adcode", "year", "meeting_date", "speaker"],
)


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(RAW)


@pytest.fixture(scope="module")
def national():
    return load_national_corpus()


def test_seed_metadata_without_manifest(seeds):
    reports = seeds.reports.assign(file=seeds.reports["source"].map(lambda s: Path(s).name)).sort_values("file")
    got = reports[EXPECTED.columns].reset_index(drop=True).astype(object).where(lambda f: f.notna(), None)
    expected = EXPECTED.astype(object).where(EXPECTED.notna(), None)
    assert got.to_dict("records") == expected.to_dict("records")
    assert set(reports["level"]) == {"county"}
    assert set(reports["encoding"]) == {"utf-8"}
    assert reports["n_chars"].between(10_000, 60_000).all()


def test_clean_text_has_no_web_boilerplate_and_appendix_is_set_aside(seeds):
    text = "\n".join(seeds.reports["text"])
    for boilerplate in ("当前位置", "分享到", "索引号", "较旧一篇", "扫一扫在手机打开当前页", "关联稿件", "上一篇"):
        assert boilerplate not in text
    appendix = dict(zip(seeds.reports["source"].map(lambda s: Path(s).name[:3]), seeds.reports["appendix"]))
    assert "垃圾分类工程" in appendix["001"] and "垃圾分类工程" not in text
    assert "双随机一公开" in appendix["004"]
    assert set(seeds.removed["doc_id"]) <= set(seeds.reports["doc_id"]) and len(seeds.removed) > 0


def test_doc_ids_are_stable_across_folders_and_order(seeds, tmp_path):
    shutil.copy(RAW / "003_c7f94249779b73e0.txt", tmp_path / "zz_first_now.txt")
    alone = load_corpus(tmp_path)
    expected = seeds.reports.loc[seeds.reports["source"].str.endswith("003_c7f94249779b73e0.txt"), "doc_id"].item()
    assert alone.reports["doc_id"].tolist() == [expected]
    assert seeds.reports["doc_id"].is_unique


def test_every_seed_has_review_and_plan_paragraphs(seeds):
    paragraphs = seeds.paragraphs(metadata=["region", "year"])
    assert list(paragraphs.columns) == ["doc_id", "section", "para_id", "text", "region", "year"]
    for region, group in paragraphs.groupby("region"):
        assert {"review", "plan"} <= set(group["section"]), region
    sentences = seeds.sentences()
    assert len(sentences) > len(paragraphs)
    assert sentences.groupby(["doc_id", "para_id"]).size().min() >= 1


def test_national_corpus_loads_52_reports_and_leaves_resolutions_out(national):
    reports = national.reports
    assert len(reports) == 52
    assert reports["year"].min() == 1954 and reports["year"].max() == 2025
    assert 2020 not in set(reports["year"])
    assert reports["year"].is_unique
    assert set(reports["level"]) == {"national"}
    assert (reports["doc_type"] == "report").all()
    assert not reports["text"].str.contains("Public domain").any()


def test_resolutions_are_kept_and_flagged_on_request():
    corpus = load_national_corpus(include_resolutions=True)
    assert len(corpus) == 72
    resolutions = corpus.reports[corpus.reports["doc_type"] == "resolution"]
    assert len(resolutions) == 20
    assert set(resolutions["doc_id"]) <= set(corpus.quality.loc[corpus.quality["field"] == "doc_type", "doc_id"])


def test_traditional_characters_are_noted(national):
    noted = national.quality[national.quality["message"].str.contains("traditional")]
    years = set(national.reports.set_index("doc_id").loc[noted["doc_id"], "year"])
    assert 1954 in years or 1957 in years
    assert not years & {2019, 2024}


def test_manifest_overrides_fields_and_reports_unmatched_rows(tmp_path):
    manifest = tmp_path / "metadata.csv"
    manifest.write_text("file,year,speaker,party_secretary\n"
                        "002_72858070d2a0e224.txt,2016,张三,李四\n"
                        "missing.txt,2019,,\n", encoding="utf-8")
    corpus = load_corpus(RAW, manifest=manifest)
    row = corpus.reports[corpus.reports["source"].str.endswith("002_72858070d2a0e224.txt")].iloc[0]
    assert row["speaker"] == "张三" and row["party_secretary"] == "李四"
    other = corpus.reports[corpus.reports["source"].str.endswith("000_207fb4099e85d4c9.txt")].iloc[0]
    assert other["speaker"] == "宋博岩"
    unmatched = corpus.quality[corpus.quality["field"] == "manifest"]
    assert len(unmatched) == 1 and "missing.txt" in unmatched["message"].item()


def test_malformed_manifest_names_the_file(tmp_path):
    manifest = tmp_path / "bad.csv"
    manifest.write_text("region,year\n南岗区,2018\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv"):
        load_corpus(RAW, manifest=manifest)
    sheet = tmp_path / "manifest.jsonl"
    sheet.write_text('{"file": "000_207fb4099e85d4c9.txt", "year": 2018}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"manifest '.*manifest.jsonl' must be a CSV file .* not \.jsonl"):
        load_corpus(RAW, manifest=sheet)
    # a row with a cell too many would have its values shifted into other columns by pandas
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("file,speaker\n000_207fb4099e85d4c9.txt,张三,李四\n001_f479d68ab5149bf3.txt\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ragged.csv' line 2: 3 cells, but the header has 2 \(file, speaker\)"):
        load_corpus(RAW, manifest=ragged)
    # a short row (trailing cells left out) and a trailing empty cell are fine
    ragged.write_text("file,speaker\n000_207fb4099e85d4c9.txt,张三,\n001_f479d68ab5149bf3.txt\n", encoding="utf-8")
    assert load_corpus(RAW, manifest=ragged, cache=False).reports["speaker"].iloc[0] == "张三"


def test_bad_files_are_skipped_with_a_note_and_the_rest_loads(tmp_path):
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"%PDF-1.4\x00\x01\x02\x03" * 50)
    with pytest.warns(CorpusWarning):
        corpus = load_corpus(tmp_path)
    assert len(corpus) == 1 and corpus.reports["region"].item() == "南岗区"
    errors = corpus.quality[corpus.quality["severity"] == "error"]
    assert {Path(s).name for s in errors["source"]} == {"empty.txt", "binary.txt"}
    with pytest.raises(ReadError, match="binary.txt|empty.txt"):
        load_corpus(tmp_path, on_error="raise")


def test_a_bad_row_or_a_few_damaged_bytes_lose_nothing_else(tmp_path):
    import json

    seed = (RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    nangang = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8")
    (tmp_path / "damaged.txt").write_bytes(nangang[:300].encode() + b"\xff\xfe" + nangang[300:].encode())
    lines = [json.dumps({"title": "杭州市江干区政府工作报告", "content": seed}, ensure_ascii=False),
             '{"title": "broken", "content": "未闭合']
    (tmp_path / "rows.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with pytest.warns(CorpusWarning, match="line 2 is not valid JSON"):
        corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.reports["region"]) == ["南岗区", "江干区"]
    notes = corpus.quality.set_index("source")
    assert "line 2 is not valid JSON" in notes.loc["rows.jsonl", "message"]
    damaged = notes.loc[["damaged.txt"]].query("field == 'file'").iloc[0]
    assert damaged["severity"] == "warning" and "2 invalid byte sequence(s)" in damaged["message"]
    assert damaged["doc_id"] == corpus.reports.set_index("region").loc["南岗区", "doc_id"]
    with pytest.raises(ReadError, match="rows.jsonl|damaged.txt"):
        load_corpus(tmp_path, on_error="raise", cache=False)


def test_a_forced_encoding_is_used_for_every_file(tmp_path):
    import opencc

    text = opencc.OpenCC("s2t").convert((RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8"))
    (tmp_path / "big5.txt").write_bytes(text.encode("big5", errors="replace"))
    corpus = load_corpus(tmp_path, encoding="big5", cache=False)
    assert corpus.reports["encoding"].tolist() == ["big5"]
    assert "我代表區人民政府向大會報告工作" in corpus.reports["text"].item()
    with pytest.warns(CorpusWarning, match="cannot be decoded as utf-16"), \
            pytest.raises(CorpusError, match="big5.txt: cannot be decoded as utf-16"):
        load_corpus(tmp_path, encoding="utf-16", cache=False)


def test_other_encodings_load_with_the_same_metadata(tmp_path):
    text = (RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(text.encode("utf-8-sig"))
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.reports["encoding"].str.lower().str.replace("_", "-")) == ["gb18030", "utf-16", "utf-8-sig"]
    assert set(corpus.reports["region"]) == {"江干区"} and set(corpus.reports["year"]) == {2018}
    assert corpus.reports["text"].nunique() == 1
    # the three are one report: the later two are flagged as duplicates of the first
    assert corpus.reports["duplicate_of"].notna().sum() == 2


def test_the_same_report_scraped_twice_with_other_boilerplate_is_a_duplicate(tmp_path):
    text = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("当前位置：首页 > 政务公开\n分享到：\n" + text + "\n上一篇：无\n下一篇：无", encoding="utf-8")
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", tmp_path / "c.txt")
    corpus = load_corpus(tmp_path)
    dup = corpus.reports.set_index(corpus.reports["source"].map(lambda s: Path(s).name))["duplicate_of"]
    assert pd.isna(dup["a.txt"]) and pd.isna(dup["c.txt"]) and not pd.isna(dup["b.txt"])
    assert len(load_corpus(tmp_path, drop_duplicates=True)) == 2


def test_a_file_copied_twice_keeps_its_own_notes_and_removals(tmp_path):
    text = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8")
    scraped = "当前位置：首页 > 政务公开\n分享到：\n" + text + "\n上一篇：无\n下一篇：无"
    (tmp_path / "a.txt").write_text(scraped, encoding="utf-8")
    (tmp_path / "copy_of_a.txt").write_text(scraped, encoding="utf-8")
    corpus = load_corpus(tmp_path, cache=False)
    ids = dict(zip(corpus.reports["source"], corpus.reports["doc_id"]))
    first, second = ids["a.txt"], ids["copy_of_a.txt"]
    assert second == first + "-2"
    notes = corpus.quality
    # every note about the copy names the copy, and the copy has the first file's notes besides "duplicate of"
    assert set(notes.loc[notes["source"] == "copy_of_a.txt", "doc_id"]) == {second}
    assert set(notes.loc[notes["source"] == "a.txt", "doc_id"]) == {first}
    own = notes[notes["source"] == "copy_of_a.txt"]
    assert own["message"].str.startswith("duplicate of " + first).sum() == 1
    removed = corpus.removed.groupby("doc_id")["text"].apply(list)
    assert len(removed[first]) > 0 and removed[first] == removed[second]


def test_find_duplicates_ignores_shared_formulae():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": [
        "各位代表，现在我代表区人民政府向大会报告工作，请予审议。\n甲区今年重点发展装备制造和生物医药产业。",
        "各位代表，现在我代表区人民政府向大会报告工作，请予审议。\n乙县今年重点发展现代农业和乡村旅游产业。"]})
    assert find_duplicates(frame) == {}


def test_loading_never_writes_to_raw_files(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), os.stat(p).st_mtime_ns) for p in folder.iterdir()}
    load_corpus(folder)
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), os.stat(p).st_mtime_ns) for p in folder.iterdir()}
    assert before == after


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusError, match=r"no report files \(.*\.txt\) in "):
        load_corpus(tmp_path)
    # a folder of Word 97 files only says why nothing was read
    (tmp_path / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(500))
    with pytest.warns(CorpusWarning), pytest.raises(CorpusError, match=r"not read: report.doc: .*save the report as"):
        load_corpus(tmp_path, cache=False)


def test_subset_and_original_text(seeds):
    harbin = seeds.subset("city == '哈尔滨市' and year >= 2020")
    assert sorted(harbin.reports["region"]) == ["呼兰区", "松北区"]
    doc_id = harbin.reports["doc_id"].iloc[0]
    assert "当前位置" in harbin.original(doc_id) or "扫一扫" in harbin.original(doc_id)
    assert set(harbin.removed["doc_id"]) <= set(harbin.reports["doc_id"])


def test_manifest_region_override_looks_the_adcode_up_again(tmp_path):
    manifest = tmp_path / "metadata.csv"
    manifest.write_text("source,region,city\n000_207fb4099e85d4c9.txt,鼓楼区,福州市\n", encoding="gb18030")
    corpus = load_corpus(RAW, manifest=manifest)
    row = corpus.reports[corpus.reports["source"].str.endswith("000_207fb4099e85d4c9.txt")].iloc[0]
    assert (row["region"], row["city"], row["province"], row["adcode"]) == ("鼓楼区", "福州市", "福建省", "350102")


def test_parallel_loading_gives_the_same_corpus(seeds, tmp_path):
    parallel = load_corpus(RAW, n_jobs=2, cache=False)
    pd.testing.assert_frame_equal(parallel.reports, seeds.reports)
    pd.testing.assert_frame_equal(parallel.quality, seeds.quality)
    pd.testing.assert_frame_equal(parallel.removed, seeds.removed)
    with pytest.raises(ValueError, match="n_jobs"):
        load_corpus(RAW, n_jobs=0)
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    shutil.copy(RAW / "004_2d83ae9706601383.txt", tmp_path / "good.txt")
    with pytest.raises(ReadError, match="bad.txt"):
        load_corpus(tmp_path, n_jobs=2, on_error="raise")


def test_seed_sections_follow_the_reports_own_headings(seeds):
    paragraphs = seeds.paragraphs(metadata=["region"])
    first = {region: group.drop_duplicates("section").set_index("section")["text"].str[:12].to_dict()
             for region, group in paragraphs.groupby("region")}
    assert first["南岗区"]["review"] == "2017年工作回顾" and first["南岗区"]["plan"] == "2018年重点工作"
    assert first["南岗区"]["self_building"] == "加强政府自身建设"
    assert first["呼兰区"]["plan"].startswith("二、未来五年主要任务")
    assert first["江干区"]["self_building"] == "三、切实加强政府自身建设"
    chars = paragraphs.assign(n=paragraphs["text"].str.len()).pivot_table(index="region", columns="section", values="n", aggfunc="sum")
    assert (chars["review"] > 2000).all() and (chars["plan"] > 4000).all()


def test_a_second_load_comes_from_the_cache_and_a_changed_file_does_not(tmp_path):
    folder, cache_dir = tmp_path / "reports", tmp_path / "cache"
    folder.mkdir()
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", folder / "a.txt")
    (folder / "empty.txt").write_bytes(b"")
    with pytest.warns(CorpusWarning, match="empty.txt"):
        cold = load_corpus(folder, cache_dir=cache_dir)
    assert list(cache_dir.rglob("*.pkl"))
    with pytest.warns(CorpusWarning, match="empty.txt"):  # warnings come back with the cached corpus
        warm = load_corpus(folder, cache_dir=cache_dir)
    pd.testing.assert_frame_equal(warm.reports, cold.reports)
    pd.testing.assert_frame_equal(warm.quality, cold.quality)
    assert warm.raw_texts == cold.raw_texts
    # a changed file, or other options, load afresh
    (folder / "a.txt").write_text((RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.warns(CorpusWarning):
        assert load_corpus(folder, cache_dir=cache_dir).reports["region"].tolist() == ["江干区"]
    with pytest.raises(ReadError, match="empty.txt"):
        load_corpus(folder, cache_dir=cache_dir, on_error="raise")
    # a damaged cache entry is ignored and rewritten
    for entry in cache_dir.rglob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    with pytest.warns(CorpusWarning):
        assert load_corpus(folder, cache_dir=cache_dir).reports["region"].tolist() == ["江干区"]


def test_docx_and_pdf_reports_load_like_text_and_doc_files_are_named_not_skipped_silently(tmp_path):
    import io

    import docx
    from pdf_samples import make_pdf, typeset

    text = (RAW / "001_f479d68ab5149bf3.txt").read_text(encoding="utf-8")
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "word").mkdir()
    (tmp_path / "word" / "report.docx").write_bytes(buffer.getvalue())
    paragraphs = [line.strip() for line in text.replace("\xa0", " ").splitlines() if line.strip()]
    (tmp_path / "report.pdf").write_bytes(make_pdf(typeset(paragraphs), header="松北区政府工作报告"))
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", tmp_path / "plain.txt")
    (tmp_path / "word" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.warns(CorpusWarning, match="old.doc: not read: Word 97-2003"):
        corpus = load_corpus(tmp_path, cache=False)
    reports = corpus.reports.set_index("source")
    assert list(reports.index) == ["plain.txt", "report.pdf", "word/report.docx"]
    fields = ["region", "city", "adcode", "year", "meeting_date", "speaker"]
    for source in ("report.pdf", "word/report.docx"):
        assert reports.loc[source, fields].tolist() == reports.loc["plain.txt", fields].tolist()
    assert reports.loc["word/report.docx", "text"] == reports.loc["plain.txt", "text"]
    assert reports.loc["report.pdf", "text"].endswith(reports.loc["plain.txt", "text"].replace("\xa0", " ")[-2000:])
    assert reports[["format"]].loc[["report.pdf", "word/report.docx"], "format"].tolist() == ["pdf", "docx"]
    pdf_notes = corpus.quality[corpus.quality["source"] == "report.pdf"]
    assert "re-assembled" in " ".join(pdf_notes["message"]) and set(pdf_notes["doc_id"]) == {reports.loc["report.pdf", "doc_id"]}
    doc_notes = corpus.quality[corpus.quality["source"] == "word/old.doc"]
    assert doc_notes["severity"].tolist() == ["warning"] and doc_notes["doc_id"].isna().all()


def test_a_report_without_recognised_section_headings_gets_a_note(seeds, tmp_path):
    text = (RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    # the same report with its numbered section headings removed
    headings = [line for line in text.split("\n") if line.strip()[:2] in ("一、", "二、", "三、", "四、")]
    assert len(headings) >= 2
    flat = "\n".join(line for line in text.split("\n") if line not in headings)
    (tmp_path / "flat.txt").write_text(flat, encoding="utf-8")
    corpus = load_corpus(tmp_path, cache=False)
    assert set(corpus.paragraphs()["section"]) <= {"preamble", "unknown", "closing"}
    [note] = corpus.quality.query("field == 'section'")["message"]
    assert note.startswith("no section headings recognised")
    assert seeds.quality.query("field == 'section'").empty


def test_other_columns_of_a_table_are_kept_as_report_columns(tmp_path):
    import json

    text = (RAW / "003_c7f94249779b73e0.txt").read_text(encoding="utf-8")
    row = {"title": "杭州市江干区政府工作报告", "content": text, "url": "https://example.gov.cn/a", "category": "区县",
           "source": "区政府网站", "tags": ["民生", "城建"]}
    (tmp_path / "rows.jsonl").write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    for cache in (False, True, True):  # the second cached load reads the stored corpus back
        corpus = load_corpus(tmp_path, cache=cache, cache_dir=tmp_path / "cache")
        report = corpus.reports.iloc[0]
        assert report["region"] == "江干区" and report["source"] == "rows.jsonl#row=1"
        assert (report["url"], report["category"], report["field_source"]) == ("https://example.gov.cn/a", "区县", "区政府网站")
        assert list(report["tags"]) == ["民生", "城建"]
        assert corpus.reports.columns[:17].tolist() == [
            "doc_id", "source", "format", "encoding", "title", "level", "region", "city", "province", "adcode",
            "place", "year", "meeting_date", "speaker", "n_chars", "text", "appendix"]


def test_a_tables_covariates_get_the_type_their_values_share(tmp_path):
    """A CSV holds everything as text: covariates written as numbers must come out as numbers (ready for a
    regression), true/false as booleans, codes with leading zeros and urls as text."""
    import csv

    texts = [(RAW / name).read_text(encoding="utf-8") for name in ("003_c7f94249779b73e0.txt", "000_207fb4099e85d4c9.txt")]
    with open(tmp_path / "reports.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["content", "population_10k", "districts", "border", "area_code", "url", "article_id",
                         "county_code", "rank"])
        writer.writerow([texts[0], "24.3", "12", "true", "0571", "https://example.gov.cn/a", "202301150000000012345",
                         "230103", "1e400"])
        writer.writerow([texts[1], "", "9", "False", "0451", "https://example.gov.cn/b", "202301150000000012346",
                         "230109", "2"])
    reports = load_corpus(tmp_path, cache=False).reports  # a 21-digit id once made the whole load fail
    assert reports["population_10k"].dtype == "float64" and reports["population_10k"].iloc[0] == 24.3
    assert pd.isna(reports["population_10k"].iloc[1])
    assert str(reports["districts"].dtype) == "Int64" and reports["districts"].tolist() == [12, 9]
    assert str(reports["border"].dtype) == "boolean" and reports["border"].tolist() == [True, False]
    assert reports["area_code"].tolist() == ["0571", "0451"] and reports["url"].str.startswith("https").all()
    # ids, columns named as codes, and numbers beyond float range stay text
    assert reports["article_id"].tolist() == ["202301150000000012345", "202301150000000012346"]
    assert reports["county_code"].tolist() == ["230103", "230109"] and reports["rank"].tolist() == ["1e400", "2"]


def _deny_reading(monkeypatch, locked: Path) -> None:
    """Make opening ``locked`` fail as it does for a non-root user on a mode-000 file (root reads anything)."""
    import builtins
    import errno
    import io

    real_open = io.open

    def guarded_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == locked.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(builtins, "open", guarded_open)


@pytest.mark.parametrize("use_cache", [True, False])
def test_an_unreadable_file_is_noted_and_the_others_load_with_or_without_the_cache(tmp_path, monkeypatch, use_cache):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", folder / "a.txt")
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", folder / "locked.txt")
    (folder / "locked.txt").chmod(0)
    _deny_reading(monkeypatch, folder / "locked.txt")
    for _ in range(2):  # the second load may come from the cache: same result
        with pytest.warns(CorpusWarning, match="locked.txt"):
            corpus = load_corpus(folder, cache=use_cache, cache_dir=tmp_path / "cache")
        assert corpus.reports["region"].tolist() == ["南岗区"]
        note = corpus.quality[corpus.quality["source"] == "locked.txt"]
        assert note[["field", "severity"]].values.tolist() == [["file", "error"]]
        assert "cannot be opened (Permission denied)" in note["message"].iloc[0]
    (folder / "locked.txt").chmod(0o644)


def test_symlinked_folders_are_followed_once_and_what_cannot_be_read_is_named(tmp_path, monkeypatch):
    outside, corpus_dir = tmp_path / "elsewhere", tmp_path / "reports"
    (corpus_dir / "own").mkdir(parents=True)
    outside.mkdir()
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", corpus_dir / "own" / "a.txt")
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", outside / "b.txt")
    (corpus_dir / "linked").symlink_to(outside, target_is_directory=True)       # followed
    (corpus_dir / "linked_again").symlink_to(outside, target_is_directory=True)  # the same folder: not read twice
    (corpus_dir / "own" / "to_own").symlink_to(corpus_dir / "own", target_is_directory=True)  # a loop
    (corpus_dir / "broken_link.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus_dir / "locked").mkdir()
    shutil.copy(RAW / "002_72858070d2a0e224.txt", corpus_dir / "locked" / "c.txt")
    if hasattr(os, "mkfifo"):
        os.mkfifo(corpus_dir / "pipe.txt")
    real_scandir = os.scandir

    def scandir(folder):  # a mode-000 folder as a non-root user sees it
        if Path(folder).name == "locked":
            raise PermissionError(13, "Permission denied", str(folder))
        return real_scandir(folder)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.warns(CorpusWarning) as caught:
        corpus = load_corpus(corpus_dir, cache=False)
    assert corpus.reports["source"].tolist() == ["linked/b.txt", "own/a.txt"]
    notes = corpus.quality[corpus.quality["doc_id"].isna()].set_index("source")
    assert notes.at["locked", "severity"] == "warning" and "Permission denied" in notes.at["locked", "message"]
    assert notes.at["broken_link.txt", "severity"] == "warning"
    assert "cannot be reached" in notes.at["broken_link.txt", "message"]
    assert notes.at["linked_again", "severity"] == "info" and "already read as linked" in notes.at["linked_again", "message"]
    assert notes.at["own/to_own", "severity"] == "info" and "own, a folder of this corpus" in notes.at["own/to_own", "message"]
    if hasattr(os, "mkfifo"):
        assert "named pipe" in notes.at["pipe.txt", "message"]
    assert any("broken_link.txt" in str(w.message) for w in caught)


def test_copies_in_full_width_forms_traditional_script_or_with_spaces_are_duplicates(tmp_path):
    from opencc import OpenCC

    text = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8")
    (tmp_path / "a_orig.txt").write_text(text, encoding="utf-8")
    full_width = text.translate(str.maketrans(",:;()", "，：；（）"))
    assert full_width != text
    (tmp_path / "b_full_width.txt").write_text(full_width, encoding="utf-8")
    (tmp_path / "c_traditional.txt").write_text(OpenCC("s2t").convert(text), encoding="utf-8")
    spaced = "\n".join(" ".join(line[i:i + 3] for i in range(0, len(line), 3)) for line in text.split("\n"))
    (tmp_path / "d_spaced.txt").write_text(spaced, encoding="utf-8")
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", tmp_path / "e_other.txt")
    corpus = load_corpus(tmp_path, cache=False)
    dup = dict(zip(corpus.reports["source"], corpus.reports["duplicate_of"]))
    original = corpus.reports.loc[corpus.reports["source"] == "a_orig.txt", "doc_id"].iloc[0]
    assert [dup[s] for s in ("b_full_width.txt", "c_traditional.txt", "d_spaced.txt")] == [original] * 3
    assert pd.isna(dup["a_orig.txt"]) and pd.isna(dup["e_other.txt"])
    assert len(load_corpus(tmp_path, cache=False, drop_duplicates=True)) == 2


def test_the_bundled_corpora_have_no_near_duplicates(seeds, national):
    assert seeds.reports["duplicate_of"].isna().all()
    assert national.reports["duplicate_of"].isna().all()


def test_a_damaged_or_foreign_corpus_cache_entry_is_recomputed(tmp_path):
    from reportlab_analysis import cache

    folder, cache_dir = tmp_path / "reports", tmp_path / "cache"
    folder.mkdir()
    shutil.copy(RAW / "003_c7f94249779b73e0.txt", folder / "a.txt")
    cold = load_corpus(folder, cache_dir=cache_dir)
    (entry,) = cache_dir.rglob("*.pkl")
    original = entry.read_bytes()
    damaged = bytearray(original)
    damaged[original.find("江干区".encode("utf-8"), 100)] ^= 0x01  # a bit of the region inside the pickle
    wrong_shapes = [({"corpus": None, "warnings": []},), ("garbage",), (), {"corpus": cold}]
    for content in [bytes(damaged), original[:100], *(cache._dump_checked(shape) for shape in wrong_shapes)]:
        entry.write_bytes(content)
        warm = load_corpus(folder, cache_dir=cache_dir)
        pd.testing.assert_frame_equal(warm.reports, cold.reports)
        pd.testing.assert_frame_equal(warm.quality, cold.quality)
        assert entry.read_bytes() != content  # rewritten


def _manifest_case(tmp_path, manifest_text):
    folder = tmp_path / "reports"
    for sub, seed in (("a", "004_2d83ae9706601383.txt"), ("b", "003_c7f94249779b73e0.txt")):
        (folder / sub).mkdir(parents=True)
        shutil.copy(RAW / seed, folder / sub / "same.txt")
    shutil.copy(RAW / "001_f479d68ab5149bf3.txt", folder / "own.txt")
    manifest = tmp_path / "metadata.csv"
    manifest.write_text(manifest_text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(folder, manifest=manifest, cache=False)
    return corpus, corpus.reports.set_index("source"), corpus.quality


def test_an_ambiguous_or_repeated_manifest_row_is_a_warning(tmp_path):
    corpus, reports, quality = _manifest_case(
        tmp_path, "file,year,speaker\nsame.txt,2030,\nown.txt,2019,张三\nown.txt,2020,张三\na/same.txt,,李四\n")
    assert reports.loc[["a/same.txt", "b/same.txt"], "year"].tolist() == [2022, 2018]  # not applied to either
    ambiguous = quality[quality["message"].str.contains("is ambiguous, it ends")]
    assert len(ambiguous) == 1 and ambiguous["severity"].iloc[0] == "warning"
    assert "a/same.txt, b/same.txt" in ambiguous["message"].iloc[0]
    assert reports.at["a/same.txt", "speaker"] == "李四"  # a full path is no ambiguity
    assert reports.at["own.txt", "year"] == 2020 and reports.at["own.txt", "speaker"] == "张三"
    repeated = quality[(quality["source"] == "own.txt") & (quality["field"] == "manifest")]
    assert repeated[["severity", "message"]].values.tolist() == [
        ["warning", f"{tmp_path / 'metadata.csv'} lines 3, 4 all match this report and differ on year: "
                    "the later line's value is used"]]


def test_invalid_manifest_values_are_not_set_and_computed_columns_are_ignored(tmp_path):
    corpus, reports, quality = _manifest_case(
        tmp_path, "file,adcode,meeting_date,level,n_chars,format\nown.txt,230109x,2021-13-01,district,5,pdf\n")
    assert reports.loc["own.txt", ["adcode", "meeting_date", "level", "format"]].tolist() == [
        "230109", "2021-03-03", "county", "txt"]
    notes = quality[quality["source"] == "own.txt"].set_index("field")
    for column, value in (("adcode", "230109x"), ("meeting_date", "2021-13-01"), ("level", "district")):
        assert notes.at[column, "severity"] == "warning" and repr(value) in notes.at[column, "message"]
    computed = quality[quality["source"] == str(tmp_path / "metadata.csv")]
    assert computed["message"].str.contains("n_chars, format are computed by the loader").tolist() == [True]
    assert reports["n_chars"].gt(10_000).all()


def test_a_report_left_out_as_a_resolution_or_a_duplicate_keeps_a_note(tmp_path):
    corpus, reports, quality = _manifest_case(tmp_path, "file,doc_type\nown.txt,resolution\n")
    assert "own.txt" not in reports.index
    note = quality[quality["source"] == "own.txt"]
    assert note["doc_id"].isna().all() and note[["field", "severity"]].values.tolist() == [["doc_type", "info"]]
    assert "left out: a resolution" in note["message"].iloc[0]
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", tmp_path / "reports" / "x.txt")
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", tmp_path / "reports" / "y.txt")
    dropped = load_corpus(tmp_path / "reports", drop_duplicates=True, cache=False)
    assert "y.txt" not in set(dropped.reports["source"])
    assert dropped.quality.loc[dropped.quality["source"] == "y.txt", "message"].str.startswith("left out: duplicate").any()


def test_an_extraction_warning_resolved_by_the_manifest_becomes_info(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    body = (RAW / "004_2d83ae9706601383.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    (folder / "r.txt").write_text(f"政府工作报告\n{body}", encoding="utf-8")  # no region in the header
    before = load_corpus(folder, cache=False).quality.set_index("field")
    assert before.at["region", "severity"] == "warning"
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,region\nr.txt,呼兰区\n", encoding="utf-8")
    after = load_corpus(folder, manifest=manifest, cache=False).quality
    region = after[after["field"] == "region"]
    assert region["severity"].tolist() == ["info", "info"]
    assert region["message"].iloc[0] == before.at["region", "message"] + " (resolved: set from manifest line 2)"
    assert not after["severity"].eq("warning").any()

    # an information note ("speaker not in the text") is marked resolved too, not left beside "set from manifest"
    (folder / "r.txt").write_text(f"2019年哈尔滨市呼兰区政府工作报告\n{body}", encoding="utf-8")
    plain = load_corpus(folder, cache=False).quality
    assert plain.loc[plain["field"] == "speaker", "message"].str.contains("not in the text").any()
    manifest.write_text("file,speaker\nr.txt,王某某\n", encoding="utf-8")
    speaker = load_corpus(folder, manifest=manifest, cache=False).quality.query("field == 'speaker'")["message"]
    assert all("set from manifest line 2" in message for message in speaker), speaker.tolist()


def test_the_quality_table_is_the_same_whether_the_folder_is_given_relative_or_absolute(tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(RAW / "002_72858070d2a0e224.txt", folder / "sub" / "a.txt")
    (folder / "sub" / "fake.pdf").write_text("这不是PDF文件", encoding="utf-8")
    (folder / "sub" / "empty.txt").write_bytes(b"")
    (folder / "outside_link.txt").symlink_to(RAW / "003_c7f94249779b73e0.txt")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        relative = load_corpus("mixed", cache=False)
        absolute = load_corpus(folder, cache=False)
    pd.testing.assert_frame_equal(relative.quality, absolute.quality)
    pd.testing.assert_frame_equal(relative.reports, absolute.reports)
    assert relative.reports["source"].tolist() == ["outside_link.txt", "sub/a.txt"]
    errors = relative.quality[relative.quality["severity"] == "error"]
    assert errors["source"].tolist() == ["sub/empty.txt", "sub/fake.pdf"]
    assert not errors["message"].str.contains("mixed").any(), errors["message"].tolist()


def test_namesake_districts_get_distinct_place_labels(tmp_path):
    body = "各位代表：\n一、2022年工作回顾\n地区生产总值增长5%。\n二、2023年主要任务\n推进城市更新。\n"
    for name, city in (("bj.txt", "北京市"), ("nt.txt", "南通市")):
        (tmp_path / name).write_text(f"政府工作报告\n——2023年1月6日在{city}通州区第三届人民代表大会第三次会议上\n"
                                     f"区长 某某\n{body}", encoding="utf-8")
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", tmp_path)
    reports = load_corpus(tmp_path, cache=False).reports.set_index("source")
    assert reports.loc[["bj.txt", "nt.txt"], "adcode"].tolist() == ["110112", "320612"]
    assert reports.loc[["bj.txt", "nt.txt"], "region"].tolist() == ["通州区", "通州区"]
    # grouping by place keeps the two 通州区 apart; a region without namesake keeps its short name
    assert reports.loc[["bj.txt", "nt.txt"], "place"].tolist() == ["北京市通州区", "南通市通州区"]
    assert reports.loc["000_207fb4099e85d4c9.txt", "place"] == reports.loc["000_207fb4099e85d4c9.txt", "region"]
    # alone in a corpus, a 通州区 is just 通州区
    (tmp_path / "nt.txt").unlink()
    assert load_corpus(tmp_path, cache=False).reports.set_index("source").loc["bj.txt", "place"] == "通州区"
    # a report whose place is unknown is a group of its own, named by its file, not a missing value
    (tmp_path / "anon.txt").write_text(f"政府工作报告\n各位代表：\n{body}", encoding="utf-8")
    reports = load_corpus(tmp_path, cache=False).reports.set_index("source")
    assert pd.isna(reports.loc["anon.txt", "region"]) and reports.loc["anon.txt", "place"] == "地区不明 unknown: anon.txt"


def test_a_folder_where_no_file_can_be_read_is_an_error_listing_why(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.warns(CorpusWarning), pytest.raises(CorpusError) as error:
        load_corpus(tmp_path, cache=False)
    message = str(error.value)
    assert message.startswith(f"no report could be read from {tmp_path}: 2 file(s) found, none readable")
    assert "empty.txt: file is empty" in message and "image.html: " in message
    # one readable report is enough: the bad files are skipped with notes
    shutil.copy(RAW / "000_207fb4099e85d4c9.txt", tmp_path)
    with pytest.warns(CorpusWarning):
        corpus = load_corpus(tmp_path, cache=False)
    assert len(corpus) == 1 and set(corpus.quality["source"]) >= {"empty.txt", "image.html"}


def test_reading_notes_reach_the_quality_table_with_their_severity_in_both_error_modes(tmp_path):
    paragraphs = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8").splitlines()
    (tmp_path / "fragment.txt").write_text(
        "<div class='content'>\n" + "\n".join(f"<p>{line}</p>" for line in paragraphs if line.strip()) + "\n</div>",
        encoding="utf-8")
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in paragraphs[:20]) + "<!-- 广告 " + \
        "".join(f"<p>{line}</p>" for line in paragraphs[20:]) + "</body></html>"
    (tmp_path / "unclosed.html").write_text(page, encoding="utf-8")
    tables = {}
    for mode in ("warn", "raise"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            corpus = load_corpus(tmp_path, cache=False, on_error=mode)
        tables[mode] = corpus.quality.query("field == 'file'")[["source", "severity", "message"]]
        shown = [str(w.message) for w in caught]
        # reading a fragment as HTML is information, not a warning; the comment left open is a warning
        assert not any("fragment.txt" in message for message in shown)
        assert any(message.startswith("unclosed.html: HTML comment") for message in shown)
    for table in tables.values():
        assert table.set_index("source").loc["fragment.txt", "severity"] == "info"
        assert table.set_index("source").loc["unclosed.html", "severity"] == "warning"
    pd.testing.assert_frame_equal(tables["warn"].reset_index(drop=True), tables["raise"].reset_index(drop=True))


def test_a_place_column_of_the_input_is_kept_beside_the_computed_one(tmp_path):
    text = (RAW / "000_207fb4099e85d4c9.txt").read_text(encoding="utf-8")
    pd.DataFrame({"text": [text], "place": ["哈尔滨南岗（我的标签）"]}).to_csv(tmp_path / "rows.csv", index=False)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("source,place\nrows.csv#row=1,别处\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "rows.csv", manifest=manifest, cache=False)
    report = corpus.reports.iloc[0]
    assert report["place"] == report["region"] == "南岗区"  # computed, as for every corpus
    assert report["field_place"] == "哈尔滨南岗（我的标签）"  # the table's own column, not lost
    ignored = corpus.quality.query("field == 'manifest'")["message"]
    assert ignored.str.contains("place are computed by the loader").any()


def test_subset_matches_a_mask_on_its_index_and_takes_doc_ids(seeds):
    by_year = seeds.reports.sort_values("year", ascending=False)  # another order than the corpus'
    assert seeds.subset(by_year["region"] == "南岗区").reports["region"].tolist() == ["南岗区"]
    two = seeds.reports["doc_id"].iloc[[1, 3]].tolist()
    assert seeds.subset(two).reports["doc_id"].tolist() == two
    assert seeds.subset([True, False, False, False, False]).reports["doc_id"].tolist() == [seeds.reports["doc_id"][0]]
    with pytest.raises(ValueError, match="the mask's index does not match"):
        seeds.subset(by_year.head(2)["region"] == "南岗区")
    with pytest.raises(ValueError, match=r"cannot evaluate \"plcae == '南岗区'\".*columns: \['doc_id'"):
        seeds.subset("plcae == '南岗区'")
    with pytest.raises(ValueError, match=r"unknown doc_id\(s\) \['r000'\]"):
        seeds.subset(["r000"])


def test_paragraphs_leave_the_appendix_out_unless_asked(seeds):
    body = seeds.paragraphs()
    everything = seeds.paragraphs(include_appendix=True)
    assert "appendix" not in set(body["section"]) and "appendix" in set(everything["section"])
    # like reports["text"], which holds no appendix either: no glossary line comes back as a body paragraph
    with_appendix = seeds.reports[seeds.reports["appendix"].fillna("").str.len() > 0]
    assert len(with_appendix) > 0
    for doc_id, appendix in zip(with_appendix["doc_id"], with_appendix["appendix"]):
        lines = {line.strip() for line in appendix.split("\n") if line.strip()}
        assert not lines & set(body.loc[body["doc_id"] == doc_id, "text"])
        assert lines & set(everything.loc[everything["doc_id"] == doc_id, "text"])
    assert len(seeds.sentences()) < len(seeds.sentences(include_appendix=True))
