"""The xlwings Lite scripts' entry points where a Lite ``main.py`` calls them (``from xlplugin import
lite``). They live in :mod:`xlplugin.doors.lite`; this name stays so that kits already pasted into
workbooks keep working."""

from xlplugin.doors.lite import clear, show_pack, validate

__all__ = ["clear", "show_pack", "validate"]
