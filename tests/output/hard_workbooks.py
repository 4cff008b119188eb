"""The hard-workbook fidelity corpus: the sample with, one workbook each, the parts a department's file
really holds and that a part-by-part edit must carry through untouched — user, threaded and
LibreOffice-written comments, validation and conditional formats with x14 extensions, images, charts,
shapes, names, hidden and very hidden sheets, protection, rich text, external links, VBA, custom XML,
Strict Open XML, missing optional parts, styled rows and columns around cells we create.

Built by :func:`build_corpus` with openpyxl where it can, and by editing the package's XML where it
cannot (openpyxl drops threaded comments, x14 extensions, shapes, custom XML and external links).
Nothing here is a fixture file: every workbook is made from the committed sample by the code below.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from tests.output.ooxml_surgery import (
    MAIN,
    REL,
    THREADED,
    A,
    add_drawing,
    add_rel,
    add_type,
    anchor,
    drop_part,
    png_image,
    put_xml,
    read_parts,
    sheet_part,
    write_parts,
    xml_of,
)

_TC_ID = "{6B7E3C54-1D2A-4F55-9B1E-0C2A5D7E8F90}"
_PERSON_ID = "{1F0E4A1C-7B8D-4E2A-9C3F-5A6B7C8D9E0F}"


# ---------------------------------------------------------------------------------------------
# The workbooks: each builder writes one file into ``out`` from the sample and returns its path


def _with_openpyxl(sample: Path, out: Path, name: str, edit) -> Path:
    workbook = openpyxl.load_workbook(sample)
    edit(workbook)
    path = out / name
    workbook.save(path)
    return path


def _raw(sample: Path, out: Path, name: str, edit) -> Path:
    parts = read_parts(sample)
    edit(parts)
    return write_parts(out / name, parts)


def user_comments(sample, out):
    """Notes of the department on cells we mark (ours goes below theirs) and elsewhere, on three sheets
    whose drawings all claim id block 1 (openpyxl's way): our shapes need a block of their own."""

    def edit(workbook):
        workbook["公开03表"]["C60"].comment = Comment("请财务科复核 229 的分列。", "张会计")
        workbook["公开03表"]["B7"].comment = Comment("类级科目，勿改名称。", "李科长")
        workbook["公开05表"]["D19"].comment = Comment("与总账一致", "张会计")
        workbook["公开01表"]["A1"].comment = Comment("封面说明", "王主任")

    return _with_openpyxl(sample, out, "用户批注.xlsx", edit)


def threaded_comments(sample, out):
    """A threaded comment (Excel 365) on a cell we mark: the threadedComments and persons parts, and
    the legacy note Excel writes beside it for older versions."""

    def edit(workbook):
        legacy = (
            "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any "
            "edits to it will get removed if the file is opened in a newer version of Excel. Learn more: "
            "https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    请复核 229 的分列"
        )
        workbook["公开03表"]["C60"].comment = Comment(legacy, f"tc={_TC_ID}")

    path = _with_openpyxl(sample, out, "线程批注.xlsx", edit)
    parts = read_parts(path)
    part = sheet_part(parts, "公开03表")
    parts["xl/threadedComments/threadedComment1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments xmlns="{THREADED}" '
        f'xmlns:x="{MAIN}"><threadedComment ref="C60" dT="2022-08-01T09:00:00.00" personId="{_PERSON_ID}" '
        f'id="{_TC_ID}"><text>请复核 229 的分列</text></threadedComment></ThreadedComments>'
    ).encode()
    parts["xl/persons/person.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList xmlns="{THREADED}" xmlns:x="{MAIN}">'
        f'<person displayName="张会计" id="{_PERSON_ID}" userId="张会计" providerId="None"/></personList>'
    ).encode()
    office = "http://schemas.microsoft.com/office/2017/10/relationships"
    add_rel(parts, part, f"{office}/threadedComment", "../threadedComments/threadedComment1.xml")
    add_rel(parts, "xl/workbook.xml", f"{office}/person", "persons/person.xml")
    add_type(parts, "xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml")
    add_type(parts, "xl/persons/person.xml", "application/vnd.ms-excel.person+xml")
    return write_parts(path, parts)


def libreoffice_comments(sample, out, convert: Callable[[Path, str, Path], Path]):
    """Notes as LibreOffice writes them: no idmap in the drawings, shape ids ``shape_0``, VML typed
    by an Override (no Default for .vml), the whole package written by LibreOffice."""

    def edit(workbook):
        workbook["公开03表"]["C60"].comment = Comment("请复核", "张会计")
        workbook["公开03表"]["A1"].comment = Comment("财务科备注", "张会计")
        workbook["公开05表"]["A1"].comment = Comment("财务科备注", "张会计")
        workbook["公开01表"]["A1"].comment = Comment("财务科备注", "张会计")

    source = _with_openpyxl(sample, out / "lo-source", "LibreOffice批注.xlsx", edit)
    converted = convert(source, "xlsx", out / "lo")
    return shutil.copyfile(converted, out / "LibreOffice批注.xlsx")


def validation_extlst(sample, out):
    """Data validation and conditional formats, with x14 extensions (a list validation from another
    sheet, a data bar) that openpyxl cannot write, in the worksheet's extLst."""

    def edit(workbook):
        sheet = workbook["公开03表"]
        validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        sheet.add_data_validation(validation)
        validation.add("D7:H65")
        fill = PatternFill("solid", fgColor="FF9999")
        sheet.conditional_formatting.add("C7:C65", CellIsRule(operator="lessThan", formula=["0"], fill=fill))

    path = _with_openpyxl(sample, out, "有效性扩展.xlsx", edit)
    parts = read_parts(path)
    part = sheet_part(parts, "公开03表")
    root = xml_of(parts, part)
    x14, xm = (
        "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
        "http://schemas.microsoft.com/office/excel/2006/main",
    )
    ext_list = etree.fromstring(
        f'<extLst xmlns="{MAIN}" xmlns:x14="{x14}" xmlns:xm="{xm}">'
        '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1">'
        '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1"><x14:formula1>'
        "<xm:f>'公开01表'!$A$7:$A$12</xm:f></x14:formula1><xm:sqref>B7:B10</xm:sqref></x14:dataValidation>"
        '</x14:dataValidations></ext><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}">'
        '<x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule type="dataBar" '
        'id="{00000000-000E-0000-0000-000001000000}"><x14:dataBar minLength="0" maxLength="100">'
        '<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
        '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>D7:D65</xm:sqref>'
        "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
    )
    root.append(ext_list)
    put_xml(parts, part, root)
    return write_parts(path, parts)


def images(sample, out):
    """A picture (DrawingML drawing, media part) on a sheet we mark, next to our notes' VML."""

    def edit(parts):
        parts["xl/media/image1.png"] = png_image()
        add_type(parts, content_type="image/png", extension="png")
        picture = (
            '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="图片 1" descr="单位印章"/><xdr:cNvPicPr>'
            '<a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/>'
            '<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/>'
            "</a:prstGeom></xdr:spPr></xdr:pic>"
        )
        add_drawing(parts, "公开03表", anchor(9, 2, picture), [(f"{REL}/image", "../media/image1.png")])

    return _raw(sample, out, "图片.xlsx", edit)


def charts(sample, out):
    """A chart on a sheet we mark and a chart sheet."""

    def edit(workbook):
        sheet = workbook["公开01表"]
        chart = BarChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=6, max_row=12))
        sheet.add_chart(chart, "F5")
        other = BarChart()
        other.add_data(Reference(sheet, min_col=4, min_row=6, max_row=31))
        workbook.create_chartsheet("收入图").add_chart(other)

    return _with_openpyxl(sample, out, "图表.xlsx", edit)


def shapes(sample, out):
    """Drawn shapes (a text box and an arrow) on a sheet we mark."""

    def edit(parts):
        box = (
            '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="文本框 1"/><xdr:cNvSpPr txBox="1"/>'
            '</xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFFF00"/>'
            '</a:solidFill></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN"/><a:t>此表待审核'
            "</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
        )
        arrow = (
            '<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="3" name="直接箭头连接符 2"/><xdr:cNvCxnSpPr/>'
            '</xdr:nvCxnSpPr><xdr:spPr><a:prstGeom prst="straightConnector1"><a:avLst/></a:prstGeom><a:ln>'
            '<a:tailEnd type="triangle"/></a:ln></xdr:spPr></xdr:cxnSp>'
        )
        add_drawing(parts, "公开05表", anchor(6, 3, box) + anchor(6, 9, arrow))

    return _raw(sample, out, "形状.xlsx", edit)


def defined_names(sample, out):
    """Global, sheet-local (on the last sheet too), hidden and built-in names; a print area, an
    autofilter."""

    def edit(workbook):
        workbook.defined_names["收入总计"] = DefinedName("收入总计", attr_text="'公开01表'!$B$35")
        workbook.defined_names["内部系数"] = DefinedName("内部系数", attr_text="1.05", hidden=True)
        workbook["情况说明"].defined_names["首段"] = DefinedName("首段", attr_text="'情况说明'!$A$1")
        workbook["公开03表"].defined_names["支出合计"] = DefinedName("支出合计", attr_text="'公开03表'!$C$6")
        workbook["公开01表"].print_area = "A1:D36"
        workbook["公开02表"].auto_filter.ref = "A5:L60"

    return _with_openpyxl(sample, out, "名称.xlsx", edit)


def hidden_sheets(sample, out):
    """A hidden and a very hidden sheet among the tables, another tab active, the first tab scrolled:
    removing our sheets must leave every index as it was."""

    def edit(workbook):
        hidden = workbook.create_sheet("内部底稿", 2)
        hidden["A1"] = "仅供内部使用"
        hidden.sheet_state = "hidden"
        secret = workbook.create_sheet("参数", 5)
        secret["A1"] = "系数"
        secret.sheet_state = "veryHidden"
        workbook.active = 6
        workbook.views[0].firstSheet = 1
        workbook["参数"].defined_names["系数"] = DefinedName("系数", attr_text="'参数'!$A$1")

    return _with_openpyxl(sample, out, "隐藏表.xlsx", edit)


def protection(sample, out):
    """A protected sheet we mark (with a password hash) and a protected workbook structure."""

    def edit(workbook):
        sheet = workbook["公开03表"]
        sheet.protection.sheet = True
        sheet.protection.password = "决算"
        sheet.protection.formatCells = False
        workbook.security = WorkbookProtection(workbookPassword="决算", lockStructure=True)

    return _with_openpyxl(sample, out, "保护.xlsx", edit)


def rich_text(sample, out):
    """Rich text (bold and coloured runs) on cells we mark: inline in a 情况说明 paragraph, and in a
    shared-strings part (which openpyxl would not write for it) on a table's row label; the texts
    are unchanged."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = openpyxl.load_workbook(sample, rich_text=True)
    cell = workbook["情况说明"]["A27"]
    text = str(cell.value)
    cell.value = CellRichText(
        TextBlock(InlineFont(b=True, color="FFC00000"), text[:4]), TextBlock(InlineFont(i=True), text[4:])
    )
    workbook["公开03表"]["B7"].font = Font(bold=True, color="FF0000FF")
    label = str(workbook["公开02表"]["B13"].value)
    path = out / "富文本.xlsx"
    workbook.save(path)

    parts = read_parts(path)
    strings = etree.fromstring(
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><r><rPr><b/><color rgb="FF0000FF"/></rPr><t/></r>'
        '<r><t xml:space="preserve"/></r></si></sst>'
    )
    first, second = strings.iter(f"{{{MAIN}}}t")
    first.text, second.text = label[:3], label[3:]
    put_xml(parts, "xl/sharedStrings.xml", strings)
    add_rel(parts, "xl/workbook.xml", f"{REL}/sharedStrings", "sharedStrings.xml")
    add_type(
        parts, "xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    )
    part = sheet_part(parts, "公开02表")
    root = xml_of(parts, part)
    cell = next(c for c in root.iter(f"{{{MAIN}}}c") if c.get("r") == "B13")
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "s")
    etree.SubElement(cell, f"{{{MAIN}}}v").text = "0"
    put_xml(parts, part, root)
    return write_parts(path, parts)


def external_links(sample, out):
    """A link to another workbook: the externalLink part with its cached values, its external target,
    the workbook's externalReferences, and a formula that uses it."""

    def edit(parts):
        link = "xl/externalLinks/externalLink1.xml"
        parts[link] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="{MAIN}" xmlns:r="{REL}">'
            '<externalBook r:id="rId1"><sheetNames><sheetName val="公开01表"/></sheetNames><sheetDataSet>'
            '<sheetData sheetId="0"><row r="35"><cell r="B35"><v>11772.45</v></cell></row></sheetData>'
            "</sheetDataSet></externalBook></externalLink>"
        ).encode()
        add_rel(
            parts, link, f"{REL}/externalLinkPath", "file:///D:/%E5%86%B3%E7%AE%97/2020%E5%B9%B4.xlsx", external=True
        )
        add_type(parts, link, "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
        rel_id = add_rel(parts, "xl/workbook.xml", f"{REL}/externalLink", "externalLinks/externalLink1.xml")
        book = xml_of(parts, "xl/workbook.xml")
        references = etree.Element(f"{{{MAIN}}}externalReferences")
        etree.SubElement(references, f"{{{MAIN}}}externalReference").set(f"{{{REL}}}id", rel_id)
        book.find(f"{{{MAIN}}}sheets").addnext(references)
        put_xml(parts, "xl/workbook.xml", book)
        part = sheet_part(parts, "公开09表")
        sheet = xml_of(parts, part)
        row = etree.SubElement(sheet.find(f"{{{MAIN}}}sheetData"), f"{{{MAIN}}}row", r="90")
        cell = etree.SubElement(row, f"{{{MAIN}}}c", r="H90")
        etree.SubElement(cell, f"{{{MAIN}}}f").text = "[1]公开01表!$B$35"
        etree.SubElement(cell, f"{{{MAIN}}}v").text = "11772.45"
        put_xml(parts, part, sheet)

    return _raw(sample, out, "外部链接.xlsx", edit)


def vba(sample, out, vba_project: bytes):
    """The sample as an .xlsm with the VBA project of xlwings' quickstart template."""

    def edit(parts):
        parts["xl/vbaProject.bin"] = vba_project
        add_type(parts, content_type="application/vnd.ms-office.vbaProject", extension="bin")
        types = xml_of(parts, "[Content_Types].xml")
        for override in types:
            if override.get("PartName") == "/xl/workbook.xml":
                override.set("ContentType", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        put_xml(parts, "[Content_Types].xml", types)
        add_rel(
            parts,
            "xl/workbook.xml",
            "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
            "vbaProject.bin",
        )

    return _raw(sample, out, "宏.xlsm", edit)


def custom_xml(sample, out):
    """A custom XML data store item with its properties, and custom document properties."""

    def edit(parts):
        parts["customXml/item1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><单位 xmlns="urn:xlplugin:test"><名称>万盛人社局</名称></单位>'.encode()
        )
        parts["customXml/itemProps1.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem '
            b'ds:itemID="{5A1B2C3D-0000-4000-8000-00000000ABCD}" '
            b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
            b'<ds:schemaRef ds:uri="urn:xlplugin:test"/></ds:schemaRefs></ds:datastoreItem>'
        )
        add_rel(parts, "customXml/item1.xml", f"{REL}/customXmlProps", "itemProps1.xml")
        add_type(
            parts, "customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
        )
        add_rel(parts, "xl/workbook.xml", f"{REL}/customXml", "../customXml/item1.xml")
        vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
        parts["docProps/custom.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
            f'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="{vt}">'
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="填报单位">'
            "<vt:lpwstr>万盛人社局</vt:lpwstr></property></Properties>"
        ).encode()
        add_rel(parts, "", f"{REL}/custom-properties", "docProps/custom.xml")
        add_type(parts, "docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")

    return _raw(sample, out, "自定义XML.xlsx", edit)


STRICT = {
    MAIN.encode(): b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    REL.encode(): b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    A.encode(): b"http://purl.oclc.org/ooxml/drawingml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"
    ),
}


def strict(sample, out):
    """The sample in Strict Open XML: every transitional namespace (and relationship type) replaced by
    its Strict one, the workbook marked ``conformance="strict"``."""

    def edit(parts):
        for name, data in parts.items():
            for transitional, strict_uri in STRICT.items():
                data = data.replace(transitional, strict_uri)
            parts[name] = data
        parts["xl/workbook.xml"] = re.sub(
            rb"<workbook\b", b'<workbook conformance="strict"', parts["xl/workbook.xml"], count=1
        )

    return _raw(sample, out, "严格.xlsx", edit)


def missing_parts(sample, out):
    """No document properties, no theme: optional parts some exporters leave out."""

    def edit(parts):
        for part in ("docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml"):
            drop_part(parts, part)

    return _raw(sample, out, "缺部件.xlsx", edit)


def no_styles(sample, out):
    """No styles part at all (and so no cell styles): the one we need is made, and goes with clean."""

    def edit(parts):
        drop_part(parts, "xl/styles.xml")
        for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
            parts[name] = re.sub(rb'\s(?:s|style|customFormat)="\d+"', b"", parts[name])

    return _raw(sample, out, "无样式.xlsx", edit)


def no_content_types(sample, out):
    """No [Content_Types].xml: annotating makes one (Excel needs it), and clean keeps that repair."""
    return _raw(sample, out, "无内容类型.xlsx", lambda parts: parts.pop("[Content_Types].xml"))


def styled_rows_and_columns(sample, out):
    """Blank cells we mark that have no cell element, in a styled row, a styled column and an
    unstyled place: we create the cells, and clean must take them out again."""

    def drop_cell(root, ref):
        for cell in root.iter(f"{{{MAIN}}}c"):
            if cell.get("r") == ref:
                cell.getparent().remove(cell)

    def edit(parts):
        part = sheet_part(parts, "公开05表")
        root = xml_of(parts, part)
        drop_cell(root, "E19")
        row = next(r for r in root.iter(f"{{{MAIN}}}row") if r.get("r") == "19")
        row.set("s", "9")
        row.set("customFormat", "1")
        put_xml(parts, part, root)
        part = sheet_part(parts, "公开03表")
        root = xml_of(parts, part)
        drop_cell(root, "E60")
        column = next(c for c in root.iter(f"{{{MAIN}}}col") if c.get("min") == "5")
        column.set("style", "9")
        put_xml(parts, part, root)
        part = sheet_part(parts, "部门整体绩效自评表")
        root = xml_of(parts, part)
        drop_cell(root, "I102")
        drop_cell(root, "J102")
        put_xml(parts, part, root)

    return _raw(sample, out, "样式行列.xlsx", edit)


def tables_and_links(sample, out):
    """An Excel table (ListObject), hyperlinks to a web page and inside the workbook, merged cells
    and frozen panes on a sheet of the department's own."""

    def edit(workbook):
        sheet = workbook.create_sheet("明细")
        sheet.append(["项目", "金额"])
        for index in range(1, 6):
            sheet.append([f"项目{index}", index * 10])
        sheet.add_table(Table(displayName="明细表", ref="A1:B6"))
        sheet.merge_cells("D1:E2")
        sheet["D1"] = "说明"
        sheet.freeze_panes = "A2"
        workbook["公开01表"]["F2"].hyperlink = "https://www.cq.gov.cn/"
        workbook["公开01表"]["F3"].hyperlink = "#'明细'!A1"

    return _with_openpyxl(sample, out, "表格链接.xlsx", edit)


def their_result_sheet(sample, out):
    """A sheet of the department's own that is called 校验结果."""

    def edit(workbook):
        sheet = workbook.create_sheet("校验结果")
        sheet["A1"], sheet["B1"] = "自查项目", "结果"
        sheet["A2"], sheet["B2"] = "三公经费", "已核对"

    return _with_openpyxl(sample, out, "自有校验结果.xlsx", edit)


def excel_written(out, template: Path):
    """A file written by Excel itself (xlwings' quickstart template: mc:Ignorable, x14ac, shared
    strings, a VBA project), checked against a made-up report (it holds no 决算 tables)."""
    return shutil.copyfile(template, out / "Excel原件.xlsm")


#: (name, builder) in the order the corpus is built; builders that need more take it from build_corpus
SIMPLE_BUILDERS = (
    user_comments,
    threaded_comments,
    validation_extlst,
    images,
    charts,
    shapes,
    defined_names,
    hidden_sheets,
    protection,
    rich_text,
    external_links,
    custom_xml,
    strict,
    missing_parts,
    no_styles,
    no_content_types,
    styled_rows_and_columns,
    tables_and_links,
    their_result_sheet,
)


def build_corpus(sample: Path, out: Path, convert, template: Path) -> dict[str, Path]:
    """Every workbook of the corpus, by builder name, written into ``out``."""
    (out / "lo-source").mkdir(parents=True, exist_ok=True)
    (out / "lo").mkdir(exist_ok=True)
    corpus = {builder.__name__: builder(sample, out) for builder in SIMPLE_BUILDERS}
    corpus["libreoffice_comments"] = libreoffice_comments(sample, out, convert)
    corpus["vba"] = vba(sample, out, read_parts(template)["xl/vbaProject.bin"])
    corpus["excel_written"] = excel_written(out, template)
    return corpus
