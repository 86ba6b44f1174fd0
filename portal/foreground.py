"""Running queued jobs in the foreground (``warisan ocr``): a process pool that drains the
queue, waits for scheduled retries, and returns when nothing is left.

The parent only reads raw task data from the queue storage (a second huey instance on the
same URL); each task runs in a forked child with its own connections, ``processes`` at a
time. Queue machinery only: what a task does is the library job it wraps
(:mod:`portal.tasks`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

from portal.tasks import Jobs, huey_package, make_huey

_JOBS: Jobs | None = None


def run_queue(
    jobs: Jobs,
    *,
    processes: int | None = None,
    on_done: Callable[[int, int], None] | None = None,
    on_result: Callable[[str, Any], None] | None = None,
    poll: float = 0.2,
) -> int:
    """Execute queued and scheduled tasks until the queue is empty; returns how many ran.

    ``on_done(finished, known)`` is called after each task with the number of tasks
    finished and the number known so far (for a progress bar); ``on_result(name, value)``
    with each task's name and return value (None for a task that failed or was put off).
    """
    global _JOBS
    _JOBS = jobs
    if isinstance(
        jobs.huey, huey_package().MemoryHuey
    ):  # a queue in this process only: no children
        return _run_here(jobs, on_done, on_result)
    reader = make_huey(jobs.config["QUEUE_URL"], blocking=False).storage
    jobs.before_fork()
    processes = processes or os.cpu_count() or 1
    finished = 0
    running: set[cf.Future] = set()
    context = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        while True:
            _release_due(reader)
            while len(running) < processes:
                data = reader.dequeue()
                if data is None:
                    break
                running.add(pool.submit(_execute, data))
            if not running:
                if reader.queue_size() == 0 and reader.schedule_size() == 0:
                    break
                time.sleep(poll)
                continue
            done, running = cf.wait(running, timeout=poll, return_when=cf.FIRST_COMPLETED)
            for future in done:
                name, value = future.result()
                if on_result:
                    on_result(name, value)
                finished += 1
            if on_done and done:
                on_done(finished, finished + len(running) + reader.queue_size())
    return finished


def _run_here(
    jobs: Jobs,
    on_done: Callable[[int, int], None] | None,
    on_result: Callable[[str, Any], None] | None,
) -> int:
    """Run an in-memory queue in this process, one task after another."""
    finished = 0
    while True:
        _release_due(jobs.huey.storage)
        task = jobs.huey.dequeue()
        if task is None:
            if jobs.huey.scheduled_count() == 0:
                return finished
            time.sleep(0.05)
            continue
        value = jobs.huey.execute(task)
        if on_result:
            on_result(task.name, value)
        finished += 1
        if on_done:
            on_done(finished, finished + jobs.huey.pending_count())


def _release_due(reader) -> None:
    """Move scheduled tasks whose time has come (retries) back onto the queue."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # huey stores UTC times
    for data in reader.read_schedule(now):
        reader.enqueue(data, None)


def _execute(data: bytes) -> tuple[str, Any]:
    """Run one task in a worker process (forked: ``_JOBS`` is the parent's); returns its
    name and return value."""
    assert _JOBS is not None
    task = _JOBS.huey.deserialize_task(data)
    return task.name, _JOBS.huey.execute(task)
