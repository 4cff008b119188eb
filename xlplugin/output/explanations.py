"""说明 that travel: from the department's 校验结果 to the bureau, and into every new annotation.

A department writes its 说明 (explanations) in the 说明 column of our 校验结果 sheet. Three things
keep them from being lost:

- ``clean`` removes the marks but, when the 校验结果 it removes holds any 说明, leaves a small visible
  **校验说明** sheet in its place (:func:`write_explanations_sheet`): rule, location, table, problem
  and 说明 of each finding that has one. That is what the department sends; the bureau's batch reads
  it (:func:`xlplugin.output.marks.read_explanations`), and checking the workbook again carries its
  说明 into the new 校验结果, replacing the 校验说明 sheet (no sheets pile up);
- :func:`explanations_in` reads the same sheets from a package, for an annotation given no 说明;
- :func:`carried_explanations`: an annotated copy about to be overwritten is read first, so that
  the 说明 a department typed into it go into the new copy.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from xlplugin.core.errors import XlpluginError
from xlplugin.output.marks import (
    EXPLANATION_HEADINGS,
    EXPLANATION_NAMES,
    EXPLANATION_SOURCES,
    EXPLANATION_WIDTHS,
    EXPLANATIONS_NOTE,
    EXPLANATIONS_SHEET,
    explanations_from_rows,
    looks_like_explanations_sheet,
    read_explanations,
)
from xlplugin.output.ooxml.package import Package
from xlplugin.output.ooxml.sheet import build_sheet, shared_strings, sheet_grid
from xlplugin.output.ooxml.styles import Styles, font, heading_format

__all__ = [
    "carried_explanations",
    "explanations_in",
    "our_explanations_sheet",
    "write_explanations_sheet",
]


def explanations_in(package: Package) -> dict[tuple[str, str], str]:
    """说明 by (rule, location) in a package's 校验结果 or 校验说明, read as
    :func:`~xlplugin.output.marks.read_explanations` reads a book."""
    present = {name for name, _, _ in package.sheets()}
    strings = None
    for name in EXPLANATION_SOURCES:
        if name not in present:
            continue
        strings = shared_strings(package) if strings is None else strings
        grid = sheet_grid(package, name, strings)
        found = None if grid is None else explanations_from_rows(grid)
        if found is not None:
            return found
    return {}


def our_explanations_sheet(package: Package) -> str | None:
    """The name of the package's 校验说明 sheet laid out as ours, if it has one (a sheet of the
    department's own by that name is never taken for ours)."""
    present = {name for name, _, _ in package.sheets()}
    for name in EXPLANATION_NAMES:
        if name in present:
            grid = sheet_grid(package, name)
            if grid is not None and looks_like_explanations_sheet(grid):
                return name
    return None


def explanations_sheet(styles: Styles, rows: list[list[str]]) -> etree._Element:
    """The 校验说明 worksheet: title, a line on what it is, :data:`EXPLANATION_HEADINGS`, the rows."""
    title = styles.cell_format(font=font(size=14, bold=True))
    plain = styles.cell_format(font=font(), vertical="center")
    header = heading_format(styles)
    body = styles.cell_format(font=font(), border=True, wrap=True)
    lines = [[(EXPLANATIONS_SHEET, title)], [(EXPLANATIONS_NOTE, plain)], [(h, header) for h in EXPLANATION_HEADINGS]]
    lines += [[(value, body) for value in row] for row in rows]
    return build_sheet(
        lines,
        EXPLANATION_WIDTHS,
        freeze_rows=3,
        autofilter=f"A3:E{len(lines)}",
        tab_color="FF2F75B5",
        merges=["A2:E2"],
        printable=True,
    )


def write_explanations_sheet(package: Package, rows: list[list[str]]) -> str:
    """Put a 校验说明 sheet with ``rows`` at the end of the workbook, replacing ours if there is
    one; return its name."""
    ours = our_explanations_sheet(package)
    if ours is not None:
        package.remove_sheet(ours)
    styles = Styles(package)
    taken = {name for name, _, _ in package.sheets()}
    name = next(n for n in EXPLANATION_NAMES if n not in taken)
    package.add_sheet(name, explanations_sheet(styles, rows))
    styles.save()
    return name


def carried_explanations(
    source: str | Path, target: str | Path, explanations: dict[tuple[str, str], str]
) -> tuple[dict[tuple[str, str], str], int]:
    """``explanations`` with the 说明 of an annotated copy already at ``target`` (which the new copy
    will replace) added, and how many came from it; the copy's own win, being the newer.

    A copy that cannot be read is not overwritten: its 说明 would be lost unseen."""
    from xlplugin.workbook.readers import read_book

    source, target = Path(source), Path(target)
    if not target.exists() or (source.exists() and target.resolve() == source.resolve()):
        return explanations, 0
    try:
        theirs = read_explanations(read_book(target))
    except XlpluginError as error:
        raise XlpluginError(
            "cannot-annotate",
            f"已有的标注副本“{target.name}”无法读取（{error.message}），为免丢失其中单位写的说明，没有覆盖它；"
            "请把它移走或改名后再试。",
        ) from None
    return {**explanations, **theirs}, len(theirs)
