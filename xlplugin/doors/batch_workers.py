"""Worker processes that end with the batch that started them.

A batch killed with ``kill -9`` (or by the out-of-memory killer, or a closed terminal) cannot stop its
workers itself. Left alone they would live on, blocked on a pipe that still has writers — each other:
every worker inherits its siblings' ends. :func:`worker_pool` gives each worker :func:`die_with_parent`
as its initializer:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` through ctypes: the kernel kills the worker the moment
  its parent ends;
- everywhere, a daemon thread that looks once a second whether the parent is still there (on POSIX,
  whether the worker has been handed to another parent; on Windows, which hands no one over, the
  parent process's handle) and ends the worker when it is not.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

__all__ = ["die_with_parent", "worker_pool"]

_PR_SET_PDEATHSIG = 1
#: seconds between two looks at the parent
POLL = 1.0


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A process pool of ``jobs`` workers, each ending when this process ends."""
    context = multiprocessing.get_context()
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(), context.get_start_method()),
    )


def die_with_parent(batch: int, method: str = "fork") -> None:
    """Pool initializer: end this worker when the batch process ``batch`` ends. A worker started by a
    fork server is the server's child (the server ends with the batch); any other is the batch's."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _death_signal()
    if method != "forkserver" and parent != batch:
        os._exit(1)  # the batch ended before this worker got going: nothing is left to do
    thread = threading.Thread(target=_watch, args=(parent,), name="xlplugin-parent-watch", daemon=True)
    thread.start()


def _death_signal() -> bool:
    """Ask the kernel for SIGKILL when the parent ends; whether that could be arranged."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc prctl (musl without it, an unusual build)
        return False


def _watch(parent: int) -> None:
    handle = multiprocessing.parent_process() if sys.platform == "win32" else None
    while True:
        time.sleep(POLL)
        if handle is not None:
            if not handle.is_alive():
                os._exit(1)
        elif os.getppid() != parent:  # handed to init or a subreaper: the parent has ended
            os._exit(1)
