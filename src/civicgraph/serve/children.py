"""Child processes of a server that die with it: the kernel's `PR_SET_PDEATHSIG` (Linux).

The endpoint's query workers and the explorer's `serve bolt` child must never outlive
their parent, however it ends (SIGKILL included, when no cleanup of ours runs).
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have the kernel send this process `signum` when its parent goes (on Linux; elsewhere
    nothing). Call it in the child: at its start, or between fork and exec."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
