"""Extract report metadata (title, level, region, city, province, adcode, year, meeting date, speaker).

CONTRACT (owned by the metadata/divisions helper; replace this placeholder with the implementation):

    @dataclass(frozen=True)
    class Note: field: str; severity: str; message: str      # severity in {"error", "warning", "info"}
    def extract_metadata(text: str, *, raw_text: str | None = None,
                         fields: Mapping[str, object] | None = None) -> tuple[dict[str, object], list[Note]]
        # text: the clean text (title, date line and speaker line are kept by cleaning);
        # raw_text: the decoded text before cleaning (web page title, "来源/发布日期" lines) as a fallback;
        # fields: metadata from a CSV/JSONL row (title, year, ...), used first where present.
        # Returns keys: title, level, region, city, province, adcode, year, meeting_date, speaker
        # (None where unknown, never a guess) and notes for the quality report.
"""
