"""record.year_from no longer indexed: no query selects by it alone, and keeping the
index up to date was a fifth of a harvested page's writes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:30:00
"""

from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_year_from"))


def downgrade() -> None:
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_year_from"), ["year_from"], unique=False)
