"""``warisan demo``: set up the demo instance (filled in as the parts land)."""

commands: list = []
