"""Build the Excel door's files from xlwings' own templates: the add-in and the macro-enabled template.

``xlwings quickstart NAME --addin --ribbon`` copies ``quickstart_addin_ribbon.xlam`` from the
installed xlwings; :func:`build_addin` starts from that same file and changes two parts, both kept
readable in ``workbooks/excel/`` (:data:`SOURCES`; an installed wheel carries them as ``xlplugin/_excel``):

- ``customUI/customUI.xml`` ← ``customUI.xml``: the 决算校验 tab with 校验, 清除标注 and 规则包;
- the quickstart's ``RibbonMyAddin`` VBA module becomes ``XlpluginRibbon`` ← ``XlpluginRibbon.bas``:
  one callback for all three buttons, ``RunPython "import xlplugin.excel as x; x.ribbon('<button
  id>')"`` (``xlplugin.excel`` is the stable name of :mod:`xlplugin.doors.excel`; see
  :func:`xlplugin.doors.excel.ribbon`).

:func:`build_macro_template` is for departments that do not install add-ins: the official blank
template (drawn from the bundled Chongqing layout, as ``xlplugin template`` draws it) as an ``.xlsm``
carrying the VBA of xlwings' standalone quickstart (``xlwings quickstart NAME --standalone``:
RunPython without the add-in), its ``Module1`` replaced by ``XlpluginButtons`` (``RunCheck`` and
``ClearMarks``), and two buttons on the first sheet — shapes with a macro assigned, 校验 and 清除标注.

Both VBA projects get our own names, so they cannot be confused with another quickstart add-in: the
project is ``xlplugin`` (:data:`PROJECT`), and xlwings' configuration lookup (``PROJECT_NAME``) reads
the ``xlplugin.conf`` sheet and file (:mod:`xlplugin.doors.excel_conf`) instead of the quickstart's
``myaddin.conf``. Every other part, including xlwings' own VBA (``RunPython``), is the template's.
Building from the installed xlwings keeps the VBA and the Python package at the same xlwings version,
which xlwings requires. The written projects carry no compiled p-code (:class:`~xlplugin.doors.vba.VbaProject`).
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from xlplugin.doors.excel_conf import PROJECT
from xlplugin.doors.vba import VbaProject
from xlplugin.output.ooxml.package import MAIN, NS, REL, Package
from xlplugin.output.ooxml.sheet import AFTER_LEGACY_DRAWING

__all__ = [
    "build_addin",
    "build_macro_template",
    "blank_template",
    "template_path",
    "SOURCES",
    "MODULE",
    "BUTTON_MODULE",
    "BUTTONS",
]


def _sources() -> Path:
    """The add-in's readable sources: ``xlplugin/_excel`` in an installed wheel (setup.cfg maps the
    source files of ``workbooks/excel/`` there), ``workbooks/excel/`` beside the package in a checkout
    or an editable install — where the built files are committed too."""
    package = Path(__file__).resolve().parents[1]
    wheel_copy = package / "_excel"
    return wheel_copy if wheel_copy.is_dir() else package.parent / "workbooks" / "excel"


SOURCES = _sources()
#: the bundled pack whose layout the macro-enabled template is drawn from
TEMPLATE_LAYOUT = "chongqing-2021"
MODULE = "XlpluginRibbon"  # the add-in's callback module (XlpluginRibbon.bas)
BUTTON_MODULE = "XlpluginButtons"  # the template's button macros (XlpluginButtons.bas)
BUTTONS = (("校验", "RunCheck"), ("清除标注", "ClearMarks"))  # label, macro in XlpluginButtons.bas
#: (template, its module we replace, the value of xlwings' PROJECT_NAME in it)
_ADDIN_TEMPLATE = ("quickstart_addin_ribbon.xlam", "RibbonMyAddin", "myaddin")
_STANDALONE_TEMPLATE = ("quickstart_standalone.xlsm", "Module1", "xlwings")
_RIBBON_PART = "customUI/customUI.xml"
_VBA_PART = "xl/vbaProject.bin"
_TYPE_VBA = "application/vnd.ms-office.vbaProject"
_TYPE_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_TYPE_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
_REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
# CT_Worksheet: <drawing> comes right before <legacyDrawing> and what follows it
_AFTER_DRAWING = ("legacyDrawing", *AFTER_LEGACY_DRAWING)


def template_path(name: str) -> Path:
    """A template shipped with the installed xlwings (the files ``xlwings quickstart`` copies)."""
    import xlwings

    return Path(xlwings.__file__).resolve().parent / name


def build_addin(target: str | Path, sources: Path = SOURCES) -> Path:
    """Write the add-in to ``target`` and return its path. Both parts are made before anything is
    written, and the file is written atomically: a build that fails leaves no half-written add-in."""
    name, module, project_name = _ADDIN_TEMPLATE
    package = Package(template_path(name))
    package.write(_RIBBON_PART, (sources / "customUI.xml").read_bytes())
    package.write(_VBA_PART, _our_project(package.read(_VBA_PART), module, MODULE, project_name, sources))
    book = package.xml(package.workbook_part)
    for sheet in book.iterfind("m:sheets/m:sheet", NS):  # the quickstart's disabled "_myaddin.conf" sheet
        if sheet.get("name") == f"_{project_name}.conf":
            sheet.set("name", f"_{PROJECT}.conf")
    package.write(package.workbook_part, book)
    return package.save(target)


def _our_project(template: bytes, module: str, ours: str, project_name: str, sources: Path) -> bytes:
    """The template's VBA project under our names, with ``ours``'s source in place of ``module``."""
    project = VbaProject(template)
    project.rename_project(PROJECT)
    project.rename_module(module, ours)
    project.set_source(ours, (sources / f"{ours}.bas").read_text(encoding="ascii"))
    constant = 'Public Const PROJECT_NAME As String = "{}"'
    project.replace_text("xlwings", constant.format(project_name), constant.format(PROJECT))
    return project.to_bytes()


def blank_template(target: str | Path) -> Path:
    """Write the official blank workbook of the bundled :data:`TEMPLATE_LAYOUT` to ``target``: the same
    file ``xlplugin template`` writes and ``make workbooks`` commits to ``workbooks/templates/``. Drawing
    it from the layout, rather than shipping that file, keeps the wheel free of a second copy."""
    from xlplugin.output.template import write_workbook
    from xlplugin.packs.places import BUNDLED_PACKS
    from xlplugin.workbook.layout_load import load_layout

    return write_workbook(load_layout(BUNDLED_PACKS / TEMPLATE_LAYOUT), target)


def build_macro_template(target: str | Path, workbook: Path | None = None, sources: Path = SOURCES) -> Path:
    """Write ``workbook`` (default: the official blank template, :func:`blank_template`) as a
    macro-enabled ``.xlsm`` with 校验 / 清除标注 buttons on its first sheet."""
    name, module, project_name = _STANDALONE_TEMPLATE
    with zipfile.ZipFile(template_path(name)) as standalone:
        project = _our_project(standalone.read(_VBA_PART), module, BUTTON_MODULE, project_name, sources)
    if workbook is None:
        with tempfile.TemporaryDirectory(prefix="xlplugin-") as folder:  # Package reads every part at once
            package = Package(blank_template(Path(folder) / "表样.xlsx"))
    else:
        package = Package(workbook)
    book_part = package.workbook_part
    package.write(_VBA_PART, project)
    package.set_content_type(_VBA_PART, _TYPE_VBA)
    package.add_relationship(book_part, _REL_VBA, _VBA_PART)
    package.set_content_type(book_part, _TYPE_MACRO_WORKBOOK)
    root = package.xml(book_part)
    _properties(root, "workbookPr", after=("fileVersion", "fileSharing")).set("codeName", "ThisWorkbook")
    package.write(book_part, root)
    name, part, _ = package.sheets()[0]
    sheet = package.xml(part)
    _properties(sheet, "sheetPr", after=()).set("codeName", "Sheet1")  # the standalone project's first sheet module
    drawing = package.free_name("xl/drawings/drawing{}.xml")
    package.write(drawing, _buttons(sheet))
    package.set_content_type(drawing, _TYPE_DRAWING)
    rel_id = package.add_relationship(part, f"{REL}/drawing", drawing)
    element = etree.Element(f"{{{MAIN}}}drawing")
    element.set(f"{{{REL}}}id", rel_id)
    later = next((child for child in sheet if etree.QName(child).localname in _AFTER_DRAWING), None)
    if later is not None:
        later.addprevious(element)
    else:
        sheet.append(element)
    package.write(part, sheet)
    return package.save(target)


def _properties(root: etree._Element, tag: str, after: tuple[str, ...]) -> etree._Element:
    """``root``'s ``tag`` child, created in its schema place (right after the ``after`` elements) if missing."""
    found = root.find(f"m:{tag}", NS)
    if found is None:
        found = etree.Element(f"{{{MAIN}}}{tag}")
        before = [child for child in root if etree.QName(child).localname in after]
        if before:
            before[-1].addnext(found)
        else:
            root.insert(0, found)
    return found


def _buttons(sheet: etree._Element) -> bytes:
    """A drawing with one rounded, labelled shape per button, each with its macro assigned."""
    columns = sheet.findall("m:cols/m:col", NS)
    first_free = max((int(c.get("max", "1")) for c in columns), default=6) + 1  # right of the table
    anchors = []
    for index, (label, macro) in enumerate(BUTTONS):
        top = 1 + index * 3
        anchors.append(
            f'<xdr:twoCellAnchor editAs="absolute">'
            f"<xdr:from><xdr:col>{first_free}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{top}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{first_free + 2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{top + 2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:sp macro="[0]!{macro}" textlink="">'
            f'<xdr:nvSpPr><xdr:cNvPr id="{index + 2}" name="{label}按钮" descr="运行宏 {macro}"/><xdr:cNvSpPr/></xdr:nvSpPr>'
            '<xdr:spPr><a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill><a:srgbClr val="{"C00000" if index == 0 else "7F7F7F"}"/></a:solidFill></xdr:spPr>'
            '<xdr:txBody><a:bodyPr vertOverflow="clip" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="ctr"/>'
            f'<a:r><a:rPr lang="zh-CN" sz="1400" b="1"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr><a:t>{label}</a:t></a:r>'
            '</a:p></xdr:txBody></xdr:sp><xdr:clientData fPrintsWithSheet="0"/></xdr:twoCellAnchor>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}">'
        + "".join(anchors)
        + "</xdr:wsDr>"
    ).encode("utf-8")
