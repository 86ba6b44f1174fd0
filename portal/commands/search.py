"""``warisan`` commands of the search area (filled in by that area)."""

commands: list = []
