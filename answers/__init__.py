"""Question -> Answer(kind, text, sources)."""
