"""The Warisan portal: Flask application factory.

``create_app()`` builds an app from the configuration layers (:mod:`portal.settings`),
registers blueprints, error handlers, extensions and CLI commands. There is no
module-level app.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal import auth, errors, i18n, security, services, settings, templating

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create a portal app. ``test_config`` overrides every other configuration layer."""
    instance = (test_config or {}).get("INSTANCE_PATH") or settings.instance_path()
    app = Flask(
        __name__,
        instance_path=instance,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    settings.load(app, test_config)
    services.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)

    from portal.views import register_blueprints

    register_blueprints(app)
    auth.init_app(app)

    from portal.cli import register_commands

    register_commands(app)
    return app
