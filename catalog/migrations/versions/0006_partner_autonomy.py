"""partner autonomy: withdrawal reasons, embargoes, access levels, rights URIs, partner
profiles with logos, and invitations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 20:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("access", sa.String(length=16), nullable=False, server_default="open")
        )
        batch.add_column(sa.Column("embargo_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("rights_uri", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("rights_source", sa.String(length=16), nullable=True))
        batch.create_index(batch.f("ix_record_embargo_until"), ["embargo_until"])
        batch.create_index(batch.f("ix_record_rights_uri"), ["rights_uri"])
    with op.batch_alter_table("digital_object") as batch:
        batch.add_column(sa.Column("access", sa.String(length=16), nullable=True))
    with op.batch_alter_table("partner") as batch:
        batch.add_column(sa.Column("profile", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("logo_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("profile_updated_at", sa.DateTime(), nullable=True))
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(role = 'consortium-admin') = (partner_id IS NULL)",
            name=op.f("ck_invitation_partner_scope"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["account.id"],
            name=op.f("fk_invitation_invited_by_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_invitation_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index(op.f("ix_invitation_email"), "invitation", ["email"])
    op.create_index(op.f("ix_invitation_partner_id"), "invitation", ["partner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitation_partner_id"), table_name="invitation")
    op.drop_index(op.f("ix_invitation_email"), table_name="invitation")
    op.drop_table("invitation")
    with op.batch_alter_table("partner") as batch:
        batch.drop_column("profile_updated_at")
        batch.drop_column("logo_sha256")
        batch.drop_column("profile")
    with op.batch_alter_table("digital_object") as batch:
        batch.drop_column("access")
    with op.batch_alter_table("record") as batch:
        batch.drop_index(batch.f("ix_record_rights_uri"))
        batch.drop_index(batch.f("ix_record_embargo_until"))
        batch.drop_column("rights_source")
        batch.drop_column("rights_uri")
        batch.drop_column("embargo_until")
        batch.drop_column("access")
        batch.drop_column("hidden_at")
        batch.drop_column("hidden_reason")
