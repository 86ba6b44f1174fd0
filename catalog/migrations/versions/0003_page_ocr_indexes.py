"""page.ocr_status and page.ocr_key indexed: the OCR cache look-up and the queue's
selections by status stop scanning every page

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:15:00
"""

from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_ocr_key"), ["ocr_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_page_ocr_status"), ["ocr_status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_ocr_status"))
        batch_op.drop_index(batch_op.f("ix_page_ocr_key"))
