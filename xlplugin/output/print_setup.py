"""Print set-up shared by every sheet xlplugin draws: A4, one page wide."""

from __future__ import annotations

__all__ = ["page_setup"]

#: A4 in SpreadsheetML's paper sizes (openpyxl's ``Worksheet.PAPERSIZE_A4``, which write-only sheets lack)
PAPERSIZE_A4 = "9"


def page_setup(sheet, orientation: str, fit_height: int) -> None:
    """A4 in ``orientation``, one page wide and ``fit_height`` pages high (0: as many as it takes),
    centred, narrow margins; for ordinary and write-only openpyxl sheets alike."""
    sheet.page_setup.paperSize = PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = fit_height
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.page_margins.left = sheet.page_margins.right = 0.4
