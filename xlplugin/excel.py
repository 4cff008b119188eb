"""The Excel button's entry points where built add-ins and macro templates call them
(``import xlplugin.excel; xlplugin.excel.main()`` in their VBA). They live in :mod:`xlplugin.doors.excel`;
this name stays so that add-ins already handed out keep working."""

from xlplugin.doors.excel import clear, main, ribbon, show_pack, validate

__all__ = ["clear", "main", "ribbon", "show_pack", "validate"]
