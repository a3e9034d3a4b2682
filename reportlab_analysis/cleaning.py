"""Clean decoded report text: normalize characters, strip web boilerplate, set the appendix aside.

CONTRACT (owned by the reading/cleaning helper; replace this placeholder with the implementation):

    @dataclass(frozen=True)
    class Removal:  rule: str; text: str         # which rule removed which line(s)
    @dataclass(frozen=True)
    class CleanResult:
        text: str            # clean body, one paragraph per line ("\n"-separated), no empty lines
        appendix: str        # glossary / annexed tables set aside ("" if none), one paragraph per line
        removed: tuple[Removal, ...]
    def normalize_text(text: str) -> str         # character-level normalization only; idempotent
    def clean_text(text: str) -> CleanResult     # never raises on any str; clean_text(r.text).text == r.text
"""
