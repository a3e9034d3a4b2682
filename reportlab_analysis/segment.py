"""Split a clean report into sections, paragraphs and sentences (placeholder; being written)."""
