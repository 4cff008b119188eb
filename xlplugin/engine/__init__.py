"""The engine: the safe expression language, the rule model, the rule kinds and the run that turns a
located workbook and a pack's rules into one :class:`~xlplugin.core.findings.Report`.

Imports neither openpyxl nor xlwings nor click."""
