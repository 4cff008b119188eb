"""``xlplugin.cli:main``, the console entry point of earlier installs. The command lives in
:mod:`xlplugin.doors.cli`."""

from xlplugin.doors.cli import main

__all__ = ["main"]
