"""CLI commands, one module per area; each exposes a list ``commands``."""
