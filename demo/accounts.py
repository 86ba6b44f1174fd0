"""The demo's workspace accounts: one consortium administrator and one partner
administrator of a demo partner, with passwords printed by ``warisan demo``.

For the demo only: the passwords are in this file, so anyone can sign in with them. The
demo serves on 127.0.0.1; never create these accounts on a server others can reach.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAccount:
    """A demo user: ``role`` held at ``partner_id`` (None for the consortium admin)."""

    email: str
    password: str
    role: str
    partner_id: str | None
    name: str


DEMO_ACCOUNTS = (
    DemoAccount(
        email="admin@warisan-demo.example",
        password="demo-consortium-admin",  # noqa: S106 - published demo password
        role="consortium-admin",
        partner_id=None,
        name="Demo consortium admin",
    ),
    DemoAccount(
        email="rajang-admin@warisan-demo.example",
        password="demo-rajang-admin",  # noqa: S106 - published demo password
        role="partner-admin",
        partner_id="rajang",
        name="Demo partner admin (Pustaka Warisan Rajang)",
    ),
)
