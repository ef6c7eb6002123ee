"""Run one function in a child process with a hard time limit.

A cooperative deadline (zones.validation.Deadline) is only checked between steps: one
shapely call on a hostile geometry can run for minutes. So the work runs in a child
process, started from a forkserver that has the heavy modules imported already (a child
starts in milliseconds), and is killed when it runs past the limit. The child also arms
SIGALRM, whose default action ends the process whatever it is doing, so that it cannot
outlive a parent that died.

The function receives a `progress(step)` callable as keyword argument; its steps come back
to the parent's `on_progress`. Errors of the domain (XuequError) come back as themselves;
anything else as ChildFailed. Temporary files go to a directory of the parent's, removed
afterwards: a killed child leaves nothing on disk.
"""
from __future__ import annotations

import math
import multiprocessing
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable

from zones import errors

# Imported once by the forkserver, so that each child starts with them loaded.
PRELOAD = ["zones.intake", "gis.vector_io", "zones.validation", "zones.impact"]
# How long a child may take to report that it started (the first use starts the server).
START_SECONDS = 60.0
# Beyond the limit, the grace before the child's own alarm ends it.
ALARM_GRACE_SECONDS = 5


class TimeLimitExceeded(Exception):
    """The child ran past its time limit and was killed."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class ChildFailed(Exception):
    """The child died, or raised something that is not an error of the domain."""


_context = None
_context_lock = threading.Lock()


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
    return _context


def _child(conn, work: Callable, args: tuple, kwargs: dict, limit_s: float,
           scratch: str) -> None:
    signal.alarm(math.ceil(limit_s) + ALARM_GRACE_SECONDS)
    tempfile.tempdir = scratch  # what a killed child leaves, the parent removes
    conn.send(("started",))
    try:
        result = work(*args, progress=lambda step: conn.send(("progress", step)), **kwargs)
    except errors.XuequError as error:
        conn.send(("domain", type(error).__name__, error.message, error.field, error.params))
    except Exception as error:  # noqa: BLE001 - reported to the parent, never lost
        conn.send(("failed", f"{type(error).__name__}: {str(error)[:300]}"))
    else:
        conn.send(("done", result))
    finally:
        conn.close()


def _domain_error(name: str, message: str, field: str | None, params: dict):
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.XuequError)):
        cls = errors.InvalidData  # a subclass defined elsewhere (e.g. intake.UploadRefused)
    return cls(message, field=field, **params)


def run_limited(work: Callable, args: tuple = (), kwargs: dict | None = None, *,
                limit_s: float, on_progress: Callable[[str], None] = lambda step: None):
    """`work(*args, progress=…, **kwargs)` in a child process, killed after `limit_s`
    seconds from its start. Raises TimeLimitExceeded, ChildFailed or the domain error
    the work raised; `work` and its arguments and result must pickle."""
    context = _forkserver()
    scratch = tempfile.mkdtemp(prefix="xuequ-check-")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, work, args, kwargs or {}, limit_s,
                                                   scratch), daemon=True)
    process.start()
    send.close()
    ends = time.monotonic() + START_SECONDS
    try:
        while True:
            left = ends - time.monotonic()
            if left <= 0 or not receive.poll(left):
                raise TimeLimitExceeded(limit_s)
            try:
                message = receive.recv()
            except EOFError:
                raise ChildFailed(f"the child ended ({process.exitcode})") from None
            kind = message[0]
            if kind == "started":
                ends = time.monotonic() + limit_s
            elif kind == "progress":
                on_progress(message[1])
            elif kind == "done":
                return message[1]
            elif kind == "domain":
                raise _domain_error(*message[1:])
            else:
                raise ChildFailed(message[1])
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        shutil.rmtree(scratch, ignore_errors=True)
