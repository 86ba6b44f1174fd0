"""Start real PostgreSQL and Redis servers on 127.0.0.1 for tests.

Each starter returns a handle with ``url`` and ``stop()``; the server lives in a
temporary folder and is gone after ``stop()``. When the binaries are missing the
starters raise :class:`ServerUnavailable` with the Debian package to install.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable


class ServerUnavailable(RuntimeError):
    """A server binary is missing or the server did not come up."""


@dataclasses.dataclass
class ServerHandle:
    url: str
    stop: Callable[[], None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerUnavailable(f"server exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise ServerUnavailable(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise ServerUnavailable(f"{name} not found: apt-get install postgresql")
    return found[-1]


def start_postgres() -> ServerHandle:
    """A throwaway PostgreSQL cluster; as root it runs as the ``postgres`` user."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    folder = tempfile.mkdtemp(prefix="warisan-pg-")
    data = os.path.join(folder, "data")
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*run_as, initdb, "-D", data, "-U", "warisan", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {folder} -F"
    subprocess.run(
        [
            *run_as,
            pg_ctl,
            "-D",
            data,
            "-o",
            options,
            "-l",
            os.path.join(folder, "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)

    return ServerHandle(f"postgresql+psycopg://warisan@127.0.0.1:{port}/postgres", stop)


def start_redis() -> ServerHandle:
    """A throwaway redis-server without persistence."""
    binary = shutil.which("redis-server")
    if not binary:
        raise ServerUnavailable("redis-server not found: apt-get install redis-server")
    folder = tempfile.mkdtemp(prefix="warisan-redis-")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, 10, proc)

    def stop() -> None:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)

    return ServerHandle(f"redis://127.0.0.1:{port}/0", stop)
