"""The permission bits of a file we write for people to open (annotated copies, reports, configuration).

Atomic writes go through a temporary file, which ``mkstemp`` creates private (0600); renamed as it is,
a department's copy would be unreadable to its colleagues. :func:`file_mode` is what it should have.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["file_mode"]


def file_mode(target: str | os.PathLike) -> int:
    """The permission bits of ``target`` if it exists (a file replaced keeps them), else those of a
    new file: 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(Path(target)).st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask
