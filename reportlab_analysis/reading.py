"""Read raw report files: detect the encoding and the format, yield decoded documents.

CONTRACT (owned by the reading/cleaning helper; replace this placeholder with the implementation):

    class ReadError(ValueError):          # .path (str) and .problem (str); str(e) names both
    @dataclass(frozen=True)
    class RawDocument:
        source: str            # "data/raw/a.txt", or "data/x.jsonl#row=12" (1-based line/row) for multi-report files
        format: str            # "txt" | "html" | "csv" | "jsonl"
        encoding: str          # e.g. "utf-8", "utf-8-sig", "gb18030", "utf-16"
        text: str              # decoded text; for HTML already turned into text, one block per line
        fields: dict[str, object]   # metadata columns of a CSV/JSONL row (title, year, url, ...); {} for files

    def find_report_files(path) -> list[Path]            # folder (recursive, sorted) or one file; supported suffixes only
    def read_documents(path, *, text_column=None, title_column=None, encoding=None) -> list[RawDocument]
        # one file -> its documents; raises ReadError(path, problem) for empty, binary, undecodable,
        # malformed CSV/JSONL (a bad row in JSONL is an error naming the line), unknown suffix.
"""
