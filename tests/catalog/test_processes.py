"""Liveness of the process that claimed work: running, gone, or a zombie."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from catalog.processes import process_alive


def test_running_dead_and_zombie_processes():
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process_alive(child.pid)
        child.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while process_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not process_alive(child.pid), "a killed, unreaped child (zombie) is not alive"
    finally:
        child.wait(10)
    assert not process_alive(child.pid)
