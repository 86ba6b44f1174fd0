"""Whether a process that claimed work is still alive (harvest runs, OCR page claims).

Shared by the harvester and the ingest pipeline, which may not import each other.
"""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """True when a process with this id runs on this host.

    A zombie (killed, not yet reaped) counts as dead. The state is read after the last
    ``)`` of ``/proc/<pid>/stat``, since the command name in parentheses may hold spaces.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True
