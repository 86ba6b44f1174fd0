"""An Elasticsearch for the contract suite: ``$ELASTICSEARCH_URL`` (a real cluster) or
noida-db started on loopback (wire-level compatible; no language analysis)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

REAL = "ELASTICSEARCH_URL"


def real_elasticsearch() -> bool:
    return bool(os.environ.get(REAL))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _noida() -> str:
    found = shutil.which("noida-db") or str(Path(sys.executable).parent / "noida-db")
    if not Path(found).exists():
        raise RuntimeError("noida-db is not installed (pip install noida-db)")
    return found


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"Elasticsearch for the contract suite: {reason}")
    pytest.skip(f"Elasticsearch unavailable: {reason}")


@pytest.fixture(scope="session")
def elasticsearch_url():
    """A base URL of an Elasticsearch-compatible server for the whole session."""
    url = os.environ.get(REAL)
    if url:
        yield url
        return
    data = tempfile.mkdtemp(prefix="noida-")
    port = _free_port()
    try:
        process = subprocess.Popen(
            [
                _noida(),
                "start",
                "--only",
                "elasticsearch",
                "--elasticsearch-port",
                str(port),
                "--data-dir",
                data,
                "--host",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the wrapper and the server
        )
    except (OSError, RuntimeError) as exc:
        _unavailable(str(exc))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url, timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            _unavailable(f"noida-db did not start on port {port}")
        time.sleep(0.2)
    yield url
    _stop(process)
    shutil.rmtree(data, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop noida-db's whole process group (the Python wrapper and the server it runs)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)  # the server may outlive its wrapper briefly
            except ProcessLookupError:
                return
            time.sleep(0.1)
