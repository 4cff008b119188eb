"""Which tab a workbook opens on: the workbook view's active tab and first visible tab, and the
tabs that are selected.

An annotated copy opens on its 校验结果 sheet without moving any of the department's sheets (their
order, defined names and print areas stay as they were): :func:`open_on` makes it the active tab,
scrolls the tab bar so that it shows, selects its tab and unselects every other one (two selected
tabs would open the workbook with its sheets grouped, where typing goes into all of them). What it
changed is returned as a :class:`View`, recorded in the annotation's manifest, and :func:`restore`
puts it back exactly when the marks are cleaned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from xlplugin.output.ooxml.package import MAIN, NS, Package

__all__ = ["View", "open_on", "restore", "TABS_BEFORE"]

#: how many of the department's visible tabs stay in view to the left of ours
TABS_BEFORE = 3
_ATTRIBUTES = ("activeTab", "firstSheet")


@dataclass
class View:
    """The workbook view before :func:`open_on`: ``activeTab`` and ``firstSheet`` as they were (``""``
    when absent), what it had to create (``"bookViews"``, ``"workbookView"`` or ``""``), and the
    sheets whose tab was selected, with the attribute's value."""

    attributes: dict[str, str] = field(default_factory=dict)
    created: str = ""
    selected: list[tuple[str, str]] = field(default_factory=list)

    def manifest_rows(self) -> list[list[str]]:
        """Rows of the manifest (column 4, a cell row's fill, always empty: see annotate's reader)."""
        rows = [["view", self.attributes.get("activeTab", ""), self.attributes.get("firstSheet", ""), "", ""]]
        if self.created:
            rows.append(["view-created", self.created, "", "", ""])
        rows += [["view-selected", name, value, "", ""] for name, value in self.selected]
        return rows

    def read_row(self, row: list[str]) -> bool:
        """Take one manifest row written by :meth:`manifest_rows`; ``False`` when it is not one."""
        if row[0] == "view":
            self.attributes = dict(zip(_ATTRIBUTES, row[1:3]))
        elif row[0] == "view-created":
            self.created = row[1]
        elif row[0] == "view-selected" and row[1]:
            self.selected.append((row[1], row[2] or "1"))
        else:
            return False
        return True

    @property
    def recorded(self) -> bool:
        return bool(self.attributes)


def _first_view(package: Package, book: etree._Element, create: bool) -> tuple[etree._Element | None, str]:
    views = book.find("m:bookViews", NS)
    created = ""
    if views is None:
        if not create:
            return None, ""
        views = etree.Element(f"{{{MAIN}}}bookViews")
        book.find("m:sheets", NS).addprevious(views)  # bookViews comes right before sheets
        created = "bookViews"
    view = views.find("m:workbookView", NS)
    if view is None and create:
        view = etree.SubElement(views, f"{{{MAIN}}}workbookView")
        created = created or "workbookView"
    return view, created


def _sheet_view(root: etree._Element) -> etree._Element | None:
    """A sheet's view in the first workbook view (the one a workbook opens with)."""
    for view in root.findall("m:sheetViews/m:sheetView", NS):
        if view.get("workbookViewId", "0") == "0":
            return view
    return None


def _roots(package: Package, roots: dict[str, etree._Element]):
    """(name, part, parsed root) of every sheet in the workbook, using the roots already parsed."""
    for name, part, _ in package.sheets():
        if part in package:
            yield name, part, roots.get(part) if part in roots else package.xml(part)


def open_on(package: Package, name: str, roots: dict[str, etree._Element]) -> View:
    """Make sheet ``name`` (its own view already ``tabSelected``) the tab the workbook opens on.

    ``roots`` are sheet parts already parsed and edited by the caller (part → root): those are
    edited in place and written, so that no edit is lost."""
    workbook = package.workbook_part
    book = package.xml(workbook)
    sheets = book.findall("m:sheets/m:sheet", NS)
    index = next(i for i, s in enumerate(sheets) if s.get("name") == name)
    visible = [i for i, s in enumerate(sheets[:index]) if s.get("state", "visible") == "visible"]
    view, created = _first_view(package, book, create=True)
    before = View({a: view.get(a, "") for a in _ATTRIBUTES}, created)
    view.set("activeTab", str(index))
    first = visible[-TABS_BEFORE] if len(visible) >= TABS_BEFORE else 0
    if first:
        view.set("firstSheet", str(first))
    else:
        view.attrib.pop("firstSheet", None)
    package.write(workbook, book)
    for sheet_name, part, root in _roots(package, roots):
        sheet_view = _sheet_view(root)
        if sheet_name == name or sheet_view is None or sheet_view.get("tabSelected") not in ("1", "true"):
            continue
        before.selected.append((sheet_name, sheet_view.get("tabSelected")))
        del sheet_view.attrib["tabSelected"]
        package.write(part, root)
    return before


def restore(package: Package, view: View, roots: dict[str, etree._Element]) -> None:
    """Put back what :func:`open_on` changed (after our sheets are removed)."""
    if not view.recorded:
        return
    workbook = package.workbook_part
    book = package.xml(workbook)
    found, _ = _first_view(package, book, create=False)
    if found is not None:
        if view.created:
            removed = found.getparent() if view.created == "bookViews" else found
            removed.getparent().remove(removed)
        else:
            for attribute, value in view.attributes.items():
                if value:
                    found.set(attribute, value)
                else:
                    found.attrib.pop(attribute, None)
        package.write(workbook, book)
    selected = dict(view.selected)
    for sheet_name, part, root in _roots(package, roots):
        sheet_view = _sheet_view(root)
        if sheet_name in selected and sheet_view is not None and sheet_view.get("tabSelected") is None:
            sheet_view.set("tabSelected", selected[sheet_name])
            package.write(part, root)
