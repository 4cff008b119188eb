"""``python -m xlplugin`` is the ``xlplugin`` command."""

from xlplugin.doors.cli import main

main()
