"""Joining the workspace and keeping one's password: accepting an invitation, the
"forgot your password" mail, the reset link, and changing one's own password.

Token pages (``/workspace/invitations/<token>``, ``/workspace/password/reset/<token>``)
are public: the token is the permission. One that names nothing gets a page saying so
(404); an expired, used or revoked one 410 — never a 500. A password typed here goes to
:mod:`catalog` and nowhere else: it is not echoed in a page, a mail or the log. Each
successful form logs the user in on a fresh session (:func:`portal.auth.start_session`).
"""

from __future__ import annotations

import logging

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from catalog import accounts, invitations, password_resets, passwords, policy
from catalog.errors import Conflict, InvalidInput
from portal import auth, mail
from portal.services import get_services
from portal.views.workspace import ROLE_NAMES, bp

log = logging.getLogger(__name__)


def _new_password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=passwords.MIN_LENGTH,
                max=passwords.MAX_LENGTH,
                message=_l(
                    "A password needs at least %(min)d and at most %(max)d characters.",
                    min=passwords.MIN_LENGTH,
                    max=passwords.MAX_LENGTH,
                ),
            ),
        ],
    )


def _repeat():
    return PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class NewAccountForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=accounts.DISPLAY_NAME_MAX)]
    )
    password = _new_password(_l("Password"))
    repeat = _repeat()
    submit = SubmitField(_l("Join"))


class ExistingAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your current password"), validators=[DataRequired(), Length(max=1024)]
    )
    submit = SubmitField(_l("Join"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=320)])
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    password = _new_password(_l("New password"))
    repeat = _repeat()
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    password = _new_password(_l("New password"))
    repeat = _repeat()
    submit = SubmitField(_l("Change the password"))


def _landing() -> str:
    """Where a freshly logged-in user goes: the workspace if they have a role, else
    the site's home page."""
    if policy.may(auth.current_principal(), policy.Action.VIEW_WORKSPACE):
        return url_for("workspace.home")
    return url_for("main.home")


def _log_in(user, message: str):
    """Log ``user`` in on a fresh session, leave ``message`` for the next page, and go
    to their landing page."""
    auth.start_session(user)
    g.pop("principal", None)  # the principal of this request was the one before
    flash(message)  # after the session was cleared
    return redirect(_landing())


# --- invitations ---------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The page of an invitation link: choose a name and password (or, for an email
    with an account, give its password) to join; then logged in."""
    catalog = get_services().catalog
    try:
        invitation, has_account = invitations.invitation_for_token(catalog, token)
    except invitations.InvitationUnusable as exc:
        return _unusable_invitation(exc)
    form = ExistingAccountForm() if has_account else NewAccountForm()
    error = None
    if form.validate_on_submit():
        name = None if has_account else form.name.data
        try:
            user = invitations.accept_invitation(
                catalog, token, form.password.data, display_name=name
            )
        except invitations.InvitationUnusable as exc:
            return _unusable_invitation(exc)
        except InvalidInput:
            error = (
                _("Wrong password.")
                if has_account
                else _("This name or password cannot be used. Check the rules above the form.")
            )
        except Conflict:
            error = _("This account is disabled. Ask the consortium's administrators.")
        else:
            role = _role_name(invitation.role)
            return _log_in(user, _("Welcome! You have joined as %(role)s.", role=role))
    partner = catalog.get_partner(invitation.partner_id) if invitation.partner_id else None
    status = 400 if form.is_submitted() else 200
    return render_template(
        "workspace/invitation.html",
        form=form,
        invitation=invitation,
        role=_role_name(invitation.role),
        partner=partner,
        has_account=has_account,
        error=error,
        min_length=passwords.MIN_LENGTH,
    ), status


def _unusable_invitation(exc: invitations.InvitationUnusable):
    messages = {
        "unknown": _("This invitation link is not valid. Check that you copied all of it."),
        "expired": _("This invitation has expired. Ask the person who invited you to resend it."),
        "used": _("This invitation has already been used. Log in with your e-mail address."),
        "revoked": _("This invitation was withdrawn. Ask the person who invited you."),
    }
    return render_template(
        "workspace/link_unusable.html",
        title=_("Invitation"),
        message=messages[exc.reason],
    ), exc.status


def _role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


# --- forgotten password ----------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by email. The answer is the same whether or not the address
    has an account (throttled per address and per email: :mod:`portal.auth`)."""
    form = ForgotForm()
    if form.validate_on_submit():
        _send_reset_link(form.email.data)
        return render_template("workspace/forgot_sent.html")
    return render_template("workspace/forgot.html", form=form), 400 if form.errors else 200


def _send_reset_link(email: str) -> None:
    """Mail a reset link to an active account's address; nothing for any other address.
    A failed send is logged, not shown: showing it would tell who has an account."""
    user = accounts.find_user_by_email(get_services().catalog, email)
    if user is None or not user.active:
        return
    config = current_app.config
    token = password_resets.reset_token(user, config["SECRET_KEY"])
    locale = str(get_locale())
    try:
        mail.send_password_reset(user, token, locale)
    except mail.MailError as exc:
        log.error("password-reset mail for user %s not sent: %s", user.id, exc)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The page of a reset link: choose a new password; then logged in (every other
    session of the user has ended, and the link is dead)."""
    catalog = get_services().catalog
    config = current_app.config
    secret, max_age = config["SECRET_KEY"], int(config["PASSWORD_RESET_MAX_AGE"])
    try:
        user = password_resets.user_for_reset(catalog, token, secret, max_age)
    except password_resets.ResetLinkInvalid as exc:
        return _unusable_reset(exc)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = password_resets.reset_password(
                catalog, token, form.password.data, secret=secret, max_age=max_age
            )
        except password_resets.ResetLinkInvalid as exc:
            return _unusable_reset(exc)
        return _log_in(user, _("Your password has been changed."))
    status = 400 if form.is_submitted() else 200
    return render_template("workspace/reset.html", form=form, email=user.email), status


def _unusable_reset(exc: password_resets.ResetLinkInvalid):
    messages = {
        "invalid": _("This password-reset link is not valid. Check that you copied all of it."),
        "expired": _("This password-reset link has expired. Ask for a new one."),
        "used": _("This password-reset link has already been used. Ask for a new one."),
    }
    return render_template(
        "workspace/link_unusable.html",
        title=_("Reset your password"),
        message=messages[exc.reason],
        forgot=True,
    ), exc.status


# --- changing one's own password -------------------------------------------------------


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (the current one is asked). Every other session of
    the user ends; this one goes on, on a fresh session."""
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        catalog = get_services().catalog
        user = current_user.user
        if accounts.authenticate(catalog, user.email, form.current.data) is None:
            error = _("The current password is wrong.")
        else:
            user = accounts.set_password(catalog, user.id, form.password.data, actor=user)
            auth.start_session(user)
            flash(_("Your password has been changed."))
            return redirect(url_for("workspace.change_password"))
    status = 400 if form.is_submitted() else 200
    return render_template("workspace/password.html", form=form, error=error), status
