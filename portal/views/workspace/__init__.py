"""The workspace of partners, digitization teams and the consortium (``/workspace/``).

This module holds the blueprint, logging in and out, the home page (the user's roles)
and each partner's workspace page; each area of the workspace is a module of this
package adding its routes to :data:`bp` (imported at the bottom). Every page but the
login form needs a logged-in user; what the user may see or do is decided by
:mod:`catalog.policy`, never here: a view asks ``policy.require`` with the partner the
thing belongs to, taken from the thing itself, never from the URL alone.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from catalog import accounts, policy
from portal import auth
from portal.services import get_services
from portal.urls import safe_next

bp = Blueprint("workspace", __name__, url_prefix="/workspace")

ROLE_NAMES = {
    "consortium-admin": _l("Consortium administrator"),
    "partner-admin": _l("Partner administrator"),
    "curator": _l("Curator"),
    "operator": _l("Digitization operator"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Log in"))


def _next_page() -> str:
    return safe_next(request.args.get("next"), url_for("workspace.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a user already logged in goes straight on to ``next``."""
    target = _next_page()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = accounts.authenticate(get_services().catalog, form.email.data, form.password.data)
        if user is not None and user.active:
            auth.start_session(user)
            return redirect(target)
        failed = True
    nxt = request.args.get("next")
    action = url_for("workspace.login", next=target if nxt else None)
    return render_template("workspace/login.html", form=form, failed=failed, action=action)


@bp.post("/logout")
def logout():
    """Log out (POST only, with the CSRF token) and go to the home page."""
    auth.end_session()
    return redirect(url_for("main.home"))


@bp.get("/")
@login_required
def home():
    """The user's memberships: which role at which partner. Members only (the policy's
    ``VIEW_WORKSPACE``): a registered researcher with no role is refused (403)."""
    principal = auth.current_principal()
    policy.require(principal, policy.Action.VIEW_WORKSPACE)
    names = {partner.id: partner.name for partner in get_services().catalog.list_partners()}
    memberships = [
        {
            "role": ROLE_NAMES.get(str(role), str(role)),
            "partner": names.get(partner, partner),
            "partner_id": partner,
        }
        for role, partner in sorted(principal.memberships, key=lambda m: (m[1] or "", m[0]))
    ]
    workspaces = policy.partners_where(principal, policy.Action.VIEW_WORKSPACE)
    partners = sorted(
        ((pid, name) for pid, name in names.items() if workspaces is None or pid in workspaces),
        key=lambda item: item[1].casefold(),
    )
    return render_template(
        "workspace/home.html",
        user=current_user.user,
        memberships=memberships,
        partners=partners,
    )


@bp.get("/partners/<partner_id>/")
@login_required
def partner(partner_id: str):
    """One partner's workspace: the sections the user may open there (the policy
    decides; ``templates/workspace/_partner_nav.html`` lists them)."""
    principal = auth.current_principal()
    policy.require(principal, policy.Action.VIEW_WORKSPACE, partner_id)
    found = get_services().catalog.get_partner(partner_id)  # NotFound: 404
    return render_template("workspace/partner.html", partner=found, principal=principal)


@bp.app_context_processor
def _policy_helpers() -> dict:
    """``may(action, partner_id)`` for templates (menus only; views decide with
    ``policy.require``)."""

    def may(action: str, partner_id: str | None = None) -> bool:
        return policy.may(auth.current_principal(), policy.Action(action), partner_id)

    return {"may": may}


# The areas of the workspace add their routes to ``bp``:
# (one import a line, so areas can be added independently)
from portal.views.workspace import audit as _audit  # noqa: E402,F401
from portal.views.workspace import batches as _batches  # noqa: E402,F401
from portal.views.workspace import corrections as _corrections  # noqa: E402,F401
from portal.views.workspace import joining as _joining  # noqa: E402,F401
from portal.views.workspace import members as _members  # noqa: E402,F401
from portal.views.workspace import profile as _profile  # noqa: E402,F401
from portal.views.workspace import records  # noqa: E402,F401
from portal.views.workspace import review as _review  # noqa: E402,F401
from portal.views.workspace import sheets as _sheets  # noqa: E402,F401
from portal.views.workspace import suggestions as _suggestions  # noqa: E402,F401
from portal.views.workspace import tus as _tus  # noqa: E402,F401
