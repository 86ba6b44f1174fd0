"""A partner's public profile in the workspace (``/workspace/partners/<id>/profile``).

One page, two forms: the texts (names, description, services, access conditions in
EN/ID/MS, and contacts) and the logo (upload or removal). Both ask the policy for
``EDIT_PARTNER_PROFILE`` on the partner the page is about, carry a CSRF token, and on
bad input show the page again with each error next to its field and nothing of what was
typed lost. The rules live in :mod:`catalog.profiles` and :mod:`ingest.logos`.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, StringField, SubmitField, TextAreaField

from catalog import policy, profiles
from ingest import logos
from portal import auth
from portal.services import get_services
from portal.views.workspace import bp

FIELD_LABELS = {
    "names": _l("Name"),
    "description": _l("Description"),
    "services": _l("Services"),
    "access_conditions": _l("Access conditions"),
}
ERRORS = {
    "too-long": _l("At most %(limit)d characters."),
    "control-characters": _l("This text holds control characters (or a line break)."),
    "not-email": _l("This is not an e-mail address."),
    "not-phone": _l("A telephone number holds digits, spaces and + ( ) - . / only."),
    "contact-needs-name": _l("A contact needs a name."),
    "too-many-contacts": _l("At most %(limit)d contacts."),
}
LOGO_ERRORS = {
    "empty": _l("The file is empty."),
    "too-large": _l("The logo may be at most %(mb)d MB."),
    "svg": _l("SVG images are not accepted: upload a PNG, JPEG, WebP or GIF image."),
    "not-image": _l("This is not a PNG, JPEG, WebP or GIF image."),
    "too-many-pixels": _l("The image has too many pixels."),
    "broken": _l("The image is damaged or incomplete."),
    "missing": _l("Choose an image file."),
}


class ContactForm(Form):
    """One contact (a sub-form: the CSRF token is the outer form's)."""

    name = StringField(_l("Name"))
    role = StringField(_l("Role or department"))
    email = StringField(_l("E-mail address"))
    phone = StringField(_l("Telephone"))
    address = TextAreaField(_l("Address"))


class ProfileForm(FlaskForm):
    """The texts of a profile: ``<field>_<lang>`` per language, and the contacts."""

    contacts = FieldList(FormField(ContactForm), max_entries=profiles.MAX_CONTACTS)
    save = SubmitField(_l("Save profile"))


for _field, _label in FIELD_LABELS.items():
    for _lang in profiles.LANGUAGES:
        _kind = StringField if _field in profiles.SINGLE_LINE else TextAreaField
        setattr(ProfileForm, f"{_field}_{_lang}", _kind(_label))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (PNG, JPEG, WebP or GIF)"))
    upload = SubmitField(_l("Upload logo"))
    remove = SubmitField(_l("Remove logo"))


def _form_data(profile: profiles.Profile) -> dict:
    data = {
        f"{field}_{lang}": getattr(profile, field).get(lang, "")
        for field in profiles.TEXT_FIELDS
        for lang in profiles.LANGUAGES
    }
    data["contacts"] = [contact.to_json() for contact in profile.contacts]
    return data


def _raw(form: ProfileForm) -> dict:
    raw = {
        field: {lang: form[f"{field}_{lang}"].data for lang in profiles.LANGUAGES}
        for field in profiles.TEXT_FIELDS
    }
    raw["contacts"] = [entry.data for entry in form.contacts]
    return raw


def _show_errors(form: ProfileForm, invalid: profiles.ProfileInvalid) -> list[str]:
    """Put each error next to its field; returns those that belong to no one field."""
    loose = []
    for path, code in invalid.errors.items():
        message = str(ERRORS[code]) % {"limit": invalid.limits.get(path, 0)}
        parts = path.split(".")
        if parts[0] == "contacts" and len(parts) == 3:
            field = form.contacts[int(parts[1])].form[parts[2]]
        elif len(parts) == 2:
            field = form[f"{parts[0]}_{parts[1]}"]
        else:
            loose.append(message)
            continue
        field.errors = [*field.errors, message]
    return loose


def _allowed(partner_id: str):
    policy.require(auth.current_principal(), policy.Action.EDIT_PARTNER_PROFILE, partner_id)
    return profiles.get_profile(get_services().catalog, partner_id)  # NotFound: 404


def _page(partner, form, logo_form, *, loose=(), status=200):
    """The page, with one blank contact to fill in when there is room and none blank."""
    filled = all(any(entry.data.values()) for entry in form.contacts)
    if filled and len(form.contacts) < profiles.MAX_CONTACTS:
        form.contacts.append_entry()
    body = render_template(
        "workspace/profile.html",
        partner=partner,
        form=form,
        logo_form=logo_form,
        loose_errors=loose,
        field_labels=FIELD_LABELS,
        languages=profiles.LANGUAGES,
        limits=profiles.TEXT_FIELDS,
        contact_limits=profiles.CONTACT_FIELDS,
        logo_mb=logos.LOGO_MAX_BYTES // (1024 * 1024),
        logo_side=logos.LOGO_SIDE,
    )
    return body, status


@bp.route("/partners/<partner_id>/profile", methods=["GET", "POST"])
@login_required
def profile(partner_id: str):
    """Edit the partner's public profile (``EDIT_PARTNER_PROFILE`` on that partner)."""
    partner, current = _allowed(partner_id)
    form = ProfileForm(data=_form_data(current))
    logo_form = LogoForm(formdata=None)
    if request.method == "GET":
        return _page(partner, form, logo_form)
    if not form.validate():
        return _page(partner, form, logo_form, status=400)
    try:
        changed = profiles.update_profile(
            get_services().catalog, partner_id, _raw(form), auth.current_principal()
        )
    except profiles.ProfileInvalid as invalid:
        loose = _show_errors(form, invalid)
        return _page(partner, form, logo_form, loose=loose, status=400)
    flash(_("The profile is saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("workspace.profile", partner_id=partner_id))


@bp.post("/partners/<partner_id>/profile/logo")
@login_required
def profile_logo(partner_id: str):
    """Upload a new logo, or remove it (``EDIT_PARTNER_PROFILE`` on that partner)."""
    partner, current = _allowed(partner_id)
    services = get_services()
    principal = auth.current_principal()
    logo_form = LogoForm()
    if not logo_form.validate():
        profile_form = ProfileForm(formdata=None, data=_form_data(current))
        return _page(partner, profile_form, logo_form, status=400)
    if logo_form.remove.data:
        removed = profiles.remove_logo(services.catalog, partner_id, principal)
        flash(_("The logo is removed.") if removed else _("There was no logo."), "success")
        return redirect(url_for("workspace.profile", partner_id=partner_id))
    upload = logo_form.logo.data
    try:
        if upload is None or not upload.filename:
            raise logos.LogoInvalid("missing", "no file chosen")
        data = upload.stream.read(logos.LOGO_MAX_BYTES + 1)
        logos.set_logo(services.catalog, services.files, partner_id, data, principal)
    except logos.LogoInvalid as invalid:
        mb = logos.LOGO_MAX_BYTES // (1024 * 1024)
        logo_form.logo.errors = [str(LOGO_ERRORS[invalid.reason]) % {"mb": mb}]
        profile_form = ProfileForm(formdata=None, data=_form_data(current))
        return _page(partner, profile_form, logo_form, status=422)
    flash(_("The logo is saved."), "success")
    return redirect(url_for("workspace.profile", partner_id=partner_id))
