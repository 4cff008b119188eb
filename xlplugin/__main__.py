"""``python -m xlplugin`` is the ``xlplugin`` command."""
from xlplugin.cli import main

main()
