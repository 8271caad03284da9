"""Readers: bytes of a tool's output in, the typed model out. They parse; they never print."""
