"""Members: a partner's members and invitations, and the consortium's users.

``/workspace/partners/<id>/members`` lists a partner's members and pending invitations
and lets whoever the policy grants ``MANAGE_MEMBERS`` there invite by email, change a
member's role, remove a membership, resend or revoke an invitation. ``/workspace/users``
(``ADMIN_CONSORTIUM``) lists every user, disables and enables them, and invites
consortium admins. The partner a change concerns comes from the thing changed — the
membership looked up at that partner, the invitation's own ``partner_id`` — so changing
an id in a URL or a form reaches nothing the user may not manage (403/404, nothing
changes). Partner roles only are offered at a partner: a partner admin cannot make a
consortium admin. Each change is audited by :mod:`catalog`; a mail that cannot be sent
leaves the invitation listed, to be resent.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length

from catalog import accounts, invitations, policy
from catalog.account_models import Role
from catalog.errors import Conflict, InvalidInput, NotFound
from portal import auth, mail
from portal.i18n import LANGUAGE_NAMES
from portal.services import get_services
from portal.views.workspace import ROLE_NAMES, bp

PARTNER_ROLES = (Role.PARTNER_ADMIN, Role.CURATOR, Role.OPERATOR)


def _role_choices():
    return [(str(role), ROLE_NAMES[str(role)]) for role in PARTNER_ROLES]


def _language_choices():
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=320)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    language = SelectField(_l("Language of the invitation"), validators=[DataRequired()])
    submit = SubmitField(_l("Send the invitation"))

    def __init__(self, *args, roles=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = roles if roles is not None else _role_choices()
        self.language.choices = _language_choices()
        if not self.is_submitted():
            self.language.data = str(get_locale())


class RoleForm(FlaskForm):
    role = HiddenField(validators=[DataRequired()])
    new_role = SelectField(_l("New role"), validators=[DataRequired()])
    submit = SubmitField(_l("Change"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.new_role.choices = _role_choices()


class MembershipForm(FlaskForm):
    role = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))


class ActionForm(FlaskForm):
    """A button with nothing but the CSRF token (resend, revoke, disable, enable)."""


def _catalog():
    return get_services().catalog


def _ttl() -> dt.timedelta:
    return dt.timedelta(days=float(current_app.config["INVITATION_DAYS"]))


def _invite(email: str, role: str, partner_id: str | None, locale: str) -> None:
    """Create an invitation and mail it; say on the next page how it went."""
    principal = auth.current_principal()
    invitation, token = invitations.create_invitation(
        _catalog(), email, role, partner_id, actor=principal, ttl=_ttl()
    )
    _mail(invitation, token, locale)


def _mail(invitation, token: str, locale: str) -> None:
    inviter = current_user.user.name
    try:
        mail.send_invitation(invitation, mail.invitation_link(token, locale), locale, inviter)
    except mail.MailError:
        flash(
            _(
                "The invitation for %(email)s is saved, but the mail could not be sent. "
                "Check the mail settings and resend it.",
                email=invitation.email,
            ),
            "error",
        )
    else:
        flash(_("An invitation was sent to %(email)s.", email=invitation.email))


def _error_message(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return _("Nothing was changed: %(reason)s.", reason=exc.message)
    if isinstance(exc, NotFound):
        return _("Nothing was changed: this member or invitation does not exist here.")
    return _("Nothing was changed: %(reason)s.", reason=str(exc))


# --- a partner's members -------------------------------------------------------------


@bp.route("/partners/<partner_id>/members", methods=["GET", "POST"])
@login_required
def members(partner_id: str):
    """A partner's members and pending invitations; POST invites someone."""
    policy.require(auth.current_principal(), policy.Action.MANAGE_MEMBERS, partner_id)
    partner = _catalog().get_partner(partner_id)  # NotFound: 404
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            _invite(form.email.data, form.role.data, partner.id, form.language.data)
        except (InvalidInput, Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
            status = 400
        else:
            return redirect(url_for("workspace.members", partner_id=partner.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "workspace/members.html",
        partner=partner,
        form=form,
        members=accounts.partner_members(_catalog(), partner.id),
        pending=invitations.pending_invitations(_catalog(), partner.id),
        role_names=ROLE_NAMES,
        role_choices=_role_choices(),
    ), status


@bp.post("/partners/<partner_id>/members/<int:user_id>/role")
@login_required
def change_member_role(partner_id: str, user_id: int):
    """Change one of a member's roles at this partner to another partner role."""
    policy.require(auth.current_principal(), policy.Action.MANAGE_MEMBERS, partner_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            accounts.change_role(
                _catalog(),
                user_id,
                partner_id,
                form.role.data,
                form.new_role.data,
                actor=auth.current_principal(),
            )
        except (InvalidInput, Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
        else:
            flash(_("The role was changed."))
    else:
        flash(_("Nothing was changed: choose a role."), "error")
    return redirect(url_for("workspace.members", partner_id=partner_id))


@bp.post("/partners/<partner_id>/members/<int:user_id>/remove")
@login_required
def remove_member(partner_id: str, user_id: int):
    """Take one role at this partner from a member."""
    policy.require(auth.current_principal(), policy.Action.MANAGE_MEMBERS, partner_id)
    form = MembershipForm()
    if form.validate_on_submit() and form.role.data != str(Role.CONSORTIUM_ADMIN):
        try:
            removed = accounts.remove_membership(
                _catalog(), user_id, form.role.data, partner_id, actor=auth.current_principal()
            )
        except (InvalidInput, Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
        else:
            if removed:
                flash(_("The membership was removed."))
            else:
                flash(_error_message(NotFound("no such membership")), "error")
    else:
        flash(_error_message(NotFound("no such membership")), "error")
    return redirect(url_for("workspace.members", partner_id=partner_id))


# --- invitations (a partner's or the consortium's) -------------------------------------


def _require_for_invitation(invitation_id: int):
    """The invitation, if the user may manage it (its own partner decides); else
    Forbidden (403) or NotFound (404)."""
    invitation = invitations.get_invitation(_catalog(), invitation_id)
    principal = auth.current_principal()
    if invitation.partner_id is None:
        policy.require(principal, policy.Action.ADMIN_CONSORTIUM)
    else:
        policy.require(principal, policy.Action.MANAGE_MEMBERS, invitation.partner_id)
    return invitation


def _back_to(invitation) -> str:
    if invitation.partner_id is None:
        return url_for("workspace.users")
    return url_for("workspace.members", partner_id=invitation.partner_id)


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
def resend_invitation(invitation_id: int):
    """Mail a pending invitation again with a new link (the old one stops working), in
    the language of the page it was resent from."""
    invitation = _require_for_invitation(invitation_id)
    if ActionForm().validate_on_submit():
        try:
            invitation, token = invitations.renew_invitation(
                _catalog(), invitation.id, actor=auth.current_principal(), ttl=_ttl()
            )
        except (Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
        else:
            _mail(invitation, token, str(get_locale()))
    return redirect(_back_to(invitation))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    """Revoke a pending invitation: its link stops working."""
    invitation = _require_for_invitation(invitation_id)
    if ActionForm().validate_on_submit():
        try:
            invitations.revoke_invitation(_catalog(), invitation.id, actor=auth.current_principal())
        except (Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
        else:
            flash(_("The invitation for %(email)s was revoked.", email=invitation.email))
    return redirect(_back_to(invitation))


# --- the consortium's users ----------------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    """Every user with their memberships; disable and enable; POST invites a consortium
    admin (consortium admins only)."""
    policy.require(auth.current_principal(), policy.Action.ADMIN_CONSORTIUM)
    consortium = str(Role.CONSORTIUM_ADMIN)
    form = InviteForm(roles=[(consortium, ROLE_NAMES[consortium])])
    status = 200
    if form.validate_on_submit():
        try:
            _invite(form.email.data, consortium, None, form.language.data)
        except (InvalidInput, Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
            status = 400
        else:
            return redirect(url_for("workspace.users"))
    elif form.is_submitted():
        status = 400
    names = {p.id: p.name for p in _catalog().list_partners()}
    return render_template(
        "workspace/users.html",
        form=form,
        users=accounts.list_users(_catalog()),
        pending=invitations.pending_invitations(_catalog(), None),
        partner_names=names,
        role_names=ROLE_NAMES,
    ), status


@bp.post("/users/<int:user_id>/disable")
@login_required
def disable_user(user_id: int):
    """Disable a user: they cannot log in, and every session of theirs ends at once."""
    return _switch(user_id, accounts.disable_user, _("%(email)s is disabled."))


@bp.post("/users/<int:user_id>/enable")
@login_required
def enable_user(user_id: int):
    """Let a disabled user log in again."""
    return _switch(user_id, accounts.enable_user, _("%(email)s can log in again."))


def _switch(user_id: int, change, done: str):
    policy.require(auth.current_principal(), policy.Action.ADMIN_CONSORTIUM)
    if ActionForm().validate_on_submit():
        try:
            user = change(_catalog(), user_id, actor=auth.current_principal())
        except (Conflict, NotFound) as exc:
            flash(_error_message(exc), "error")
        else:
            flash(done % {"email": user.email})
    return redirect(url_for("workspace.users"))
