"""Translated labels of fields, facets and vocabulary values shown in the portal.

Labels are lazy strings, so they are translated in the language of each request.
:func:`value_label` turns a stored value (``"manuscript"``, ``"ind"``, ``"MY"``,
``"1920s"``, ``"yes"``) into the words a reader sees; unknown values show as they are.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "title": _l("Title"),
    "titles": _l("Other titles"),
    "creators": _l("Creators"),
    "subjects": _l("Subjects"),
    "description": _l("Description"),
    "date_original": _l("Date"),
    "type": _l("Type"),
    "languages": _l("Languages"),
    "rights": _l("Rights"),
    "identifiers": _l("Identifiers"),
    "source_url": _l("At the partner"),
    "partner": _l("Partner"),
    "country": _l("Country"),
    "harvested": _l("Harvested"),
    "changed": _l("Last changed"),
}

FACET_LABELS = {
    "partner": _l("Partner"),
    "country": _l("Country"),
    "type": _l("Type"),
    "language": _l("Language"),
    "decade": _l("Decade"),
    "digitized": _l("Digitized"),
    "rights": _l("Rights"),
    "subject": _l("Subject"),
}

TYPE_LABELS = {
    "text": _l("Text"),
    "book": _l("Book"),
    "manuscript": _l("Manuscript"),
    "newspaper": _l("Newspaper"),
    "periodical": _l("Periodical"),
    "map": _l("Map"),
    "image": _l("Image"),
    "audio": _l("Sound recording"),
    "video": _l("Video"),
    "object": _l("Object"),
    "dataset": _l("Dataset"),
    "other": _l("Other"),
}

COUNTRY_LABELS = {
    "MY": _l("Malaysia"),
    "ID": _l("Indonesia"),
    "BN": _l("Brunei Darussalam"),
}

LANGUAGE_LABELS = {
    "ind": _l("Indonesian"),
    "msa": _l("Malay"),
    "zsm": _l("Malay"),
    "may": _l("Malay"),
    "eng": _l("English"),
    "nld": _l("Dutch"),
    "dut": _l("Dutch"),
    "jav": _l("Javanese"),
    "ban": _l("Balinese"),
    "sun": _l("Sundanese"),
    "min": _l("Minangkabau"),
    "iba": _l("Iban"),
    "zho": _l("Chinese"),
    "chi": _l("Chinese"),
    "ara": _l("Arabic"),
    "und": _l("Unknown language"),
}

DIGITIZED_LABELS = {"yes": _l("Digitized"), "no": _l("Not digitized"), "true": _l("Digitized")}

HARVEST_STATUS_LABELS = {
    "running": _l("running"),
    "ok": _l("completed"),
    "done": _l("completed"),
    "completed": _l("completed"),
    "succeeded": _l("completed"),
    "success": _l("completed"),
    "partial": _l("completed with problems"),
    "failed": _l("failed"),
    "error": _l("failed"),
    "interrupted": _l("interrupted (will resume)"),
}


def harvest_status_label(status: str) -> str:
    """A harvest run status in words of the current language."""
    return str(HARVEST_STATUS_LABELS.get(status, status))


SORT_LABELS = {
    "relevance": _l("Relevance"),
    "date_asc": _l("Oldest first"),
    "date_desc": _l("Newest first"),
    "title": _l("Title A–Z"),
}


def decade_label(value: str) -> str:
    """``"1920s"`` or ``"1920"`` → ``"1920s"`` in English, ``"1920-an"`` in Indonesian/Malay."""
    from flask_babel import gettext

    digits = value.rstrip("s")
    if not digits.isdigit():
        return value
    return gettext("%(decade)ss", decade=digits)


_LABELS: dict[tuple[str, str, str, str], str] = {}
CACHED_FIELDS = ("type", "country", "language", "languages", "digitized", "decade")


def value_label(field: str, value: str, partner_names: dict[str, str] | None = None) -> str:
    """The label of a facet or field value in the current language.

    Vocabulary labels are remembered per language (the catalogues do not change while
    the process runs): a results page asks for dozens of them.
    """
    if field == "partner":
        return (partner_names or {}).get(value, value)
    if field == "rights":
        return rights_label(value)
    if field not in CACHED_FIELDS:
        return value
    from flask import current_app
    from flask_babel import get_locale

    folders = str(current_app.config.get("BABEL_TRANSLATION_DIRECTORIES"))
    key = (folders, str(get_locale()), field, value)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = _value_label(field, value)
    return label


def _value_label(field: str, value: str) -> str:
    table = {
        "type": TYPE_LABELS,
        "country": COUNTRY_LABELS,
        "language": LANGUAGE_LABELS,
        "languages": LANGUAGE_LABELS,
        "digitized": DIGITIZED_LABELS,
    }.get(field)
    if table is not None and value in table:
        return str(table[value])
    if field == "decade":
        return decade_label(value)
    if field in {"language", "languages"}:
        return iso639_name(value)
    return value


def rights_label(uri: str) -> str:
    """The label of a rights statement URI (:mod:`catalog.rights`) in the current
    language, or the URI itself when it is not in the vocabulary."""
    from flask_babel import get_locale

    from catalog.rights import statement

    found = statement(uri)
    return found.label(get_locale()) if found else uri


def iso639_name(code: str) -> str:
    """The name of an ISO 639-3 language in the current interface language (pycountry's
    ISO 639 names and their translations), or the code itself when it is not one."""
    import gettext

    import pycountry
    from flask_babel import get_locale

    language = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    if language is None:
        return code
    names = gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[str(get_locale())], fallback=True
    )
    return names.gettext(language.name).removesuffix(" (macrolanguage)")
