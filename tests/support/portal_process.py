"""The portal served by a process of its own on a loopback port, for tests that kill the
server (``kill -9``) and start it again on the same port and instance.

:func:`start` runs ``python -m tests.support.portal_process PORT`` with the given
``WARISAN_*`` settings in the environment and waits until it listens; the child builds
the app with :func:`portal.create_app` and serves it (threaded, as ``warisan run``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from portal import ROOT
from tests.support.servers import _wait_for_port


def start(port: int, instance: str, settings: dict, log_path: str) -> subprocess.Popen:
    """The serving process (already listening); its output goes to ``log_path``."""
    env = dict(os.environ, WARISAN_INSTANCE=instance)
    for key, value in settings.items():
        env[f"WARISAN_{key}"] = value if isinstance(value, str) else json.dumps(value)
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.support.portal_process", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    _wait_for_port(port, 30, child)
    return child


def kill(child: subprocess.Popen) -> None:
    """``kill -9`` the server and reap it."""
    child.kill()
    child.wait(10)


def _serve(port: int) -> None:
    from werkzeug.serving import make_server

    from portal import create_app

    app = create_app()
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
