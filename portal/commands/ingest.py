"""``warisan`` commands of the ingest area (filled in by that area)."""

commands: list = []
