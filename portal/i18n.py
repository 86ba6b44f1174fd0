"""Interface languages (Flask-Babel): the user's choice, then ``Accept-Language``."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu"}


def select_locale() -> str:
    """The locale of this request: ``?lang=``, the saved choice, or the best match."""
    from flask import current_app

    offered = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in offered:
        return chosen
    return (
        request.accept_languages.best_match(offered) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_app(app: Flask) -> None:
    from portal import ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def _languages() -> dict:
        return {"language_names": LANGUAGE_NAMES}
