"""The workspace of partners, digitization teams and the consortium (``/workspace/``).

For now: logging in and out, and a home page that lists the user's memberships. Every
page but the login form needs a logged-in user; what the user may see is decided by
:mod:`catalog.policy`, never here.
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
        {"role": ROLE_NAMES.get(str(role), str(role)), "partner": names.get(partner, partner)}
        for role, partner in sorted(principal.memberships, key=lambda m: (m[1] or "", m[0]))
    ]
    return render_template("workspace/home.html", user=current_user.user, memberships=memberships)
