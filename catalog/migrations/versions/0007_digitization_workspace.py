"""digitization workspace: drafts, sheet identifiers, record versions, tus uploads and
batches, OCR corrections

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 23:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain columns only on the existing tables: adding a foreign key would make SQLite
    # rebuild them, and the rebuild's DROP would cascade to their children.
    with op.batch_alter_table("record") as batch:
        batch.add_column(
            sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("local_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cover_page_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_record_batch_id"), ["batch_id"])
        batch.create_index("uq_record_partner_local_id", ["partner_id", "local_id"], unique=True)
    with op.batch_alter_table("digital_object") as batch:
        batch.add_column(
            sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("page") as batch:
        batch.add_column(sa.Column("corrected_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("corrected_words", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("corrected_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("corrections", sa.Integer(), nullable=False, server_default="0"))
    # Records that exist are public: they were published when they were made.
    op.execute("UPDATE record SET published_at = first_harvested")
    op.create_table(
        "upload_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sheet", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_upload_batch_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account.id"],
            name=op.f("fk_upload_batch_user_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_batch")),
    )
    op.create_index(op.f("ix_upload_batch_partner_id"), "upload_batch", ["partner_id"])
    op.create_index(op.f("ix_upload_batch_user_id"), "upload_batch", ["user_id"])
    op.create_table(
        "upload",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["upload_batch.id"],
            name=op.f("fk_upload_batch_id_upload_batch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_upload_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account.id"],
            name=op.f("fk_upload_user_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
    )
    for column in ("user_id", "partner_id", "batch_id", "status", "updated_at"):
        op.create_index(op.f(f"ix_upload_{column}"), "upload", [column])
    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["account.id"],
            name=op.f("fk_record_version_actor_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_record_version_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
    )
    op.create_index(op.f("ix_record_version_record_id"), "record_version", ["record_id"])
    op.create_table(
        "page_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["account.id"],
            name=op.f("fk_page_correction_actor_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["page.id"],
            name=op.f("fk_page_correction_page_id_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_correction")),
    )
    op.create_index(op.f("ix_page_correction_page_id"), "page_correction", ["page_id"])


def downgrade() -> None:
    op.drop_table("page_correction")
    op.drop_table("record_version")
    op.drop_table("upload")
    op.drop_table("upload_batch")
    with op.batch_alter_table("page") as batch:
        for column in ("corrections", "corrected_at", "corrected_words", "corrected_text"):
            batch.drop_column(column)
    with op.batch_alter_table("digital_object") as batch:
        batch.drop_column("draft")
    with op.batch_alter_table("record") as batch:
        batch.drop_index("uq_record_partner_local_id")
        batch.drop_index(batch.f("ix_record_batch_id"))
        for column in ("cover_page_id", "batch_id", "local_id", "published_at", "draft"):
            batch.drop_column(column)
