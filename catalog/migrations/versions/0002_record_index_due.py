"""record.index_due: records whose search documents are stale

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:25:48.143433
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("index_due", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_record_index_due"), ["index_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_index_due"))
        batch_op.drop_column("index_due")
