"""Pages for the walk from a second process that fetches them ahead of the store.

Getting a page ready (HTTP, hardened parsing, mapping: :func:`harvester.fetch.fetch_page`)
and storing the one before are both CPU work, and in one process they take turns under
the GIL. :class:`PageFetcher` runs the first part in a child process that follows a
list's resumption tokens by itself, at most :data:`LOOKAHEAD` pages ahead of the walk,
and hands each page back as a :class:`~harvester.fetch.Fetched`; inside the child a
thread requests the next page while the current one is mapped. With
``HarvestSettings.fetch_process`` off (or one CPU) the pages are fetched inline.

The walk in :mod:`harvester.walk` stays the only writer and keeps every decision: when
it asks for a page other than the one coming (a restart after ``badResumptionToken``,
the next set) the child drops what it was doing and starts from there. Whether a list
loops is the walk's rule (it hands it in as ``loop_guard``): the child only uses it to
stop fetching ahead into such a list. A child whose parent is gone (even by ``kill -9``)
stops at its next send or within a second when idle.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from catalog.errors import HarvestError
from harvester.client import PartnerClient, RawResponse
from harvester.fetch import Fetched, Request, fetch_page, next_request
from harvester.protocol import ListResponse
from harvester.settings import HarvestSettings

STOP_WAIT = 2.0
"""Seconds the child gets to stop by itself when the walk ends, before it is terminated."""
LOOKAHEAD = 2
"""Pages the child may have ready beyond the one the walk is storing."""
SEND_BUFFER = 1 << 20
"""Bytes of the child's socket send buffer (capped by the system's ``wmem_max``)."""


class LoopCheck(Protocol):
    """The walk's rule for a list that loops (:class:`harvester.walk.LoopGuard`)."""

    def check(self, params: Request, page: ListResponse) -> str | None: ...

    def clear(self) -> None: ...


TOOK = "took"
"""Message to the child: the walk took the page it had ready."""


class PageFetcher:
    """Pages for the walk, from a child process working ahead (or inline).

    :meth:`get` returns the :class:`~harvester.fetch.Fetched` for ``params``;
    :meth:`close` stops the child. Use as a context manager. ``loop_guard`` makes the
    walk's loop rule for the child (see the module docstring).
    """

    def __init__(
        self,
        client: PartnerClient,
        prefix: str,
        settings: HarvestSettings,
        loop_guard: Callable[[], LoopCheck],
    ) -> None:
        self.client, self.prefix, self.loop_guard = client, prefix, loop_guard
        self._conn = None
        self._process = None
        self._generation = 0
        self._coming: Request | None = None
        wanted = settings.fetch_process
        if wanted is None:  # a second process only helps with a second CPU
            wanted = _cpus() > 1
        if wanted:
            self._start(settings)

    def __enter__(self) -> PageFetcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _start(self, settings: HarvestSettings) -> None:
        method = _start_method()
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload([__name__])
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_work,
            args=(
                theirs,
                ours if method == "fork" else None,
                self.client.endpoint,
                settings,
                self.client.delay,
                self.client.last_request,
                self.prefix,
                self.loop_guard,
                os.getpid(),
            ),
            name="oai-page-fetcher",
            daemon=True,
        )
        try:
            process.start()
        except (OSError, AssertionError):  # no child possible here (e.g. a daemonic process)
            ours.close()
            return
        finally:
            theirs.close()
        self._conn, self._process = ours, process

    def get(self, params: Request) -> Fetched:
        """The page for ``params`` (the one the child already works on, when it is)."""
        if self._conn is None:
            fetched = fetch_page(self.client, params, self.prefix)
        else:
            fetched = self._receive(params)
            self.client.paced_after(fetched.last_request)
        return fetched

    def _receive(self, params: Request) -> Fetched:
        if params == self._coming:
            self._send(TOOK)  # the child may get one more page ready
        else:
            self._generation += 1
            self._send((self._generation, params))
        while True:
            try:
                generation, fetched = self._conn.recv()
            except (EOFError, OSError) as exc:
                raise HarvestError("the page fetching process stopped unexpectedly") from exc
            if generation == self._generation:
                break
        self._coming = fetched.follow
        return fetched

    def _send(self, message) -> None:
        try:
            self._conn.send(message)
        except OSError as exc:
            raise HarvestError("the page fetching process stopped unexpectedly") from exc

    def close(self) -> None:
        """Stop the child (it is terminated when it does not stop within ``STOP_WAIT``)."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(STOP_WAIT)
            if process.is_alive():
                process.terminate()
                process.join()


def _cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _start_method() -> str:
    """``fork`` when this process has no other thread (cheap and safe), else forkserver."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _room_to_send(conn) -> None:
    """Let the pipe hold the pages the child may have ready, so it need not wait to send.

    (A page is some 100 kB pickled; a socket's default buffer holds about two.)
    """
    with contextlib.suppress(OSError, ValueError):
        sock = socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        finally:
            sock.close()


def _work(
    conn,
    parents_end,
    endpoint: str,
    settings: HarvestSettings,
    delay: float,
    last_request: float,
    prefix: str,
    loop_guard: Callable[[], LoopCheck],
    parent: int,
) -> None:
    """The child: fetch what the walk asks for, then follow the list's tokens.

    It gets at most :data:`LOOKAHEAD` pages ahead of the walk (``TOOK`` says the walk
    took one), and stops following a list that loops by the walk's rule. As soon as a
    page has parsed, the next one is requested by a thread (waiting on the network needs
    no GIL) while this one is mapped, as long as that next page is within the lookahead.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the walk's to handle
    if parents_end is not None:
        parents_end.close()
    _room_to_send(conn)
    client = PartnerClient(endpoint, settings, delay=delay)
    client.paced_after(last_request)
    guard = loop_guard()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oai-prefetch")
    ahead: tuple[Request, Future[RawResponse]] | None = None
    generation, params, credit = 0, None, 0
    follow: Request | None = None

    def parsed(page: ListResponse) -> None:
        nonlocal ahead, follow
        loop = guard.check(params, page)
        follow = None if loop else next_request(page.token.value if page.token else None)
        if follow is not None and credit > 1:  # the page after this one may be fetched now
            ahead = (follow, pool.submit(client.harvest, **follow))

    def take(wanted: Request) -> Callable[[], RawResponse] | None:
        nonlocal ahead
        got, ahead = ahead, None
        if got is None:
            return None
        if got[0] == wanted:
            return got[1].result
        with contextlib.suppress(Exception):  # one request at a time: let it end
            got[1].result()
        return None

    try:
        while True:
            while params is None or credit <= 0 or conn.poll():
                if not conn.poll(1.0):
                    if os.getppid() != parent:
                        return
                    continue
                message = conn.recv()
                if message is None:
                    return
                if message == TOOK:
                    credit += 1
                else:
                    generation, params = message
                    credit = 1 + LOOKAHEAD
                    guard.clear()
            follow = None
            fetched = fetch_page(client, params, prefix, first=take(params), parsed=parsed)
            if fetched.page is None:
                follow = next_request(fetched.next_token())
            conn.send((generation, dataclasses.replace(fetched, follow=follow)))
            params, credit = follow, credit - 1
    except (EOFError, OSError):  # the walk is gone
        return
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()
