"""Alembic migrations of the catalogue schema (run by ``warisan db upgrade``)."""
