"""The doors people use: the ``xlplugin`` command, the batch runner, the Excel button (desktop
xlwings and xlwings Lite) and the builder of the Excel add-in. Each door calls
:func:`xlplugin.api.check`; no rule logic lives here."""
