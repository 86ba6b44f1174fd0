"""The tables of accounts: users, their memberships of partners, and the audit log.

A :class:`User` with no :class:`Membership` is a registered researcher (optional
accounts, for the lists and requests of a later issue); a membership gives a user one
:class:`Role` at one partner, or consortium-wide for ``consortium-admin``. What each role
may do is decided in :mod:`catalog.policy`, never here. The operations on these tables
live in :mod:`catalog.accounts` and :mod:`catalog.audit`. Imported by
:mod:`catalog.models`, so Alembic and ``Base.metadata`` see them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.base import Base, utcnow


class Role(enum.StrEnum):
    """What a member is at a partner (or, for ``CONSORTIUM_ADMIN``, everywhere)."""

    CONSORTIUM_ADMIN = "consortium-admin"
    """Everything on every partner; approves partners. Held with no partner."""
    PARTNER_ADMIN = "partner-admin"
    """Their partner's settings, members and records."""
    CURATOR = "curator"
    """Edits, hides and publishes their partner's records."""
    OPERATOR = "operator"
    """A digitization operator: uploads and reviews their partner's scans."""


EMAIL_MAX = 320
"""The longest email address accepted (RFC 5321: 64 + 1 + 255)."""


class User(Base):
    """A person who can sign in.

    ``email`` is stored lower-cased (so it is unique whatever the case typed);
    ``password_hash`` is an Argon2id hash, None until an invitation is accepted (such a
    user cannot sign in). ``session_version`` grows whenever every session of the user
    must end (disabled, password changed): a session remembers the version it began
    with and is void once they differ.
    """

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        lazy="selectin",
        order_by="(Membership.role, Membership.partner_id)",
        cascade="all, delete-orphan",
    )

    @property
    def name(self) -> str:
        """How to address the user: the display name, else the email address."""
        return self.display_name or self.email

    def __repr__(self) -> str:  # never the hash
        return f"<User {self.id} {self.email!r}>"


class Membership(Base):
    """One role of one user at one partner (partner None only for consortium admins)."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "partner_id", "role", name="uq_membership_user_partner_role"),
        CheckConstraint("(role = 'consortium-admin') = (partner_id IS NULL)", name="partner_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    partner_id: Mapped[str | None] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")


class Invitation(Base):
    """An invitation to join a partner (or the consortium) with a role, sent by email.

    The link carries a random token; only its SHA-256 is stored (``token_hash``), so the
    table alone lets nobody in. It works once (``used_at``), until ``expires_at``, and
    not after ``revoked_at``. ``invited_by`` is the user who sent it (None from the CLI).
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("(role = 'consortium-admin') = (partner_id IS NULL)", name="partner_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    partner_id: Mapped[str | None] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """One change made through the workspace or the CLI: who, when, what, before, after.

    ``actor_id`` is the user who acted (None for the CLI or the system, and once that
    user is deleted); ``actor`` is a label kept as it was (the user's email, ``cli``…).
    ``target_type``/``target_id`` name what changed (``user``/``7``, ``record``/``42``);
    ``partner_id`` is the partner it belongs to, so a partner admin sees their own log.
    ``before`` and ``after`` hold the changed fields only, and never a secret.
    The log outlives what it describes: no foreign key but the actor's.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(EMAIL_MAX))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
