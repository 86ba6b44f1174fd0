"""``warisan`` commands of the harvest area (filled in by that area)."""

commands: list = []
