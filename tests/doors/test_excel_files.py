"""The Excel door's files: the add-in and the macro-enabled template are valid packages whose ribbon
and buttons name the VBA that calls the documented entry points of :mod:`xlplugin.doors.excel`.

The VBA modules are read back three ways: with our own reader, with oletools (an independent
implementation of [MS-OVBA], whose olevba also looks for "VBA stomping"), and — for the template —
by LibreOffice, which imports the VBA and binds the sheet buttons to it.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from tests.helpers import libreoffice_convert
from tests.xlwings_standin import Book
from xlplugin.doors import cfb, excel
from xlplugin.doors.addin import BUTTON_MODULE, BUTTONS, MODULE, SOURCES, build_addin, build_macro_template
from xlplugin.doors.cli import cli
from xlplugin.doors.excel_conf import read_conf
from xlplugin.doors.vba import VbaError, VbaProject, compress, decompress, module_source
from xlplugin.output.marks import RESULT_SHEET

ADDIN = SOURCES / "决算校验.xlam"
TEMPLATE = SOURCES / "决算校验表样.xlsm"
CUSTOM_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


def bas(name: str) -> str:
    return (SOURCES / f"{name}.bas").read_text(encoding="ascii").replace("\n", "\r\n")


def modules_by_oletools(path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@settings(max_examples=60)
@given(st.binary(max_size=600) | st.text(alphabet="ab \r\n", max_size=600).map(str.encode))
def test_compression_round_trips_and_oletools_agrees(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_compression_across_chunks_and_of_incompressible_chunks():
    text = (SOURCES / "customUI.xml").read_bytes() * 4  # > 4096 bytes: several chunks
    noise = bytes((i * 7919 + 13) % 251 for i in range(4096)) + b"tail"  # a raw chunk, then a compressed one
    for data in (text, noise):
        packed = compress(data)
        assert decompress(packed) == data == bytes(decompress_stream(bytearray(packed)))


def test_the_addin_ribbon_names_the_buttons_and_their_callback():
    with zipfile.ZipFile(ADDIN) as package:
        assert package.testzip() is None
        ribbon = etree.fromstring(package.read("customUI/customUI.xml"))
        project = package.read("xl/vbaProject.bin")
    assert ribbon.find(f".//{CUSTOM_UI}tab").get("label") == "决算校验"
    buttons = {b.get("id"): b for b in ribbon.iter(f"{CUSTOM_UI}button")}
    assert [b.get("label") for b in buttons.values()] == ["校验", "清除标注", "规则包"]
    assert {b.get("onAction") for b in buttons.values()} == {f"{MODULE}.OnButton"}
    source = module_source(project, MODULE)
    assert source == bas(MODULE)
    assert "Sub OnButton(control As IRibbonControl)" in source
    assert "x.ribbon('\" & control.Id & \"')" in source
    # every button id is one the Python side knows
    for button_id in buttons:
        book = Book("空.xlsx")
        book.sheets.add("Sheet1")
        excel.ribbon(button_id, book)
        assert not any("不认识的按钮" in text for text, _ in book.app.alerts)


def test_oletools_reads_the_same_vba_as_we_wrote():
    ours = modules_by_oletools(ADDIN)[MODULE]
    assert 'RunPython "import xlplugin.excel as x; x.ribbon(\'" & control.Id & "\')"' in ours
    assert "xlwings" in modules_by_oletools(ADDIN)  # xlwings' own RunPython module is still there
    template = modules_by_oletools(TEMPLATE)[BUTTON_MODULE]
    assert 'RunPython "import xlplugin.excel as x; x.main()"' in template
    assert 'RunPython "import xlplugin.excel as x; x.clear()"' in template


def test_the_template_buttons_run_macros_that_exist():
    with zipfile.ZipFile(TEMPLATE) as package:
        assert package.testzip() is None
        types = package.read("[Content_Types].xml").decode()
        drawing = next(n for n in package.namelist() if n.startswith("xl/drawings/drawing"))
        shapes = etree.fromstring(package.read(drawing))
        source = module_source(package.read("xl/vbaProject.bin"), BUTTON_MODULE)
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types and "vbaProject" in types
    macros = {sp.get("macro"): "".join(sp.itertext()) for sp in shapes.iter("{*}sp")}
    assert macros == {f"[0]!{macro}": label for label, macro in BUTTONS}
    for _, macro in BUTTONS:
        assert re.search(rf"^Sub {macro}\(\)\r$", source, re.M)
    assert source == bas(BUTTON_MODULE)


def test_the_committed_files_are_what_the_sources_build(tmp_path):
    fresh = {
        ADDIN: (build_addin(tmp_path / "a.xlam"), "customUI/customUI.xml", MODULE),
        TEMPLATE: (build_macro_template(tmp_path / "t.xlsm"), "xl/drawings/drawing1.xml", BUTTON_MODULE),
    }
    for committed, (built, own_part, module) in fresh.items():
        with zipfile.ZipFile(committed) as old, zipfile.ZipFile(built) as new:
            assert sorted(old.namelist()) == sorted(new.namelist())
            assert old.read(own_part) == new.read(own_part)
            assert module_source(old.read("xl/vbaProject.bin"), module) == module_source(
                new.read("xl/vbaProject.bin"), module
            )


def test_neither_file_has_compiled_code_or_the_quickstart_names():
    """No p-code left in front of a source (olevba's "VBA stomping"), our own project, module and
    configuration names, nothing of the quickstart's."""
    for path in (ADDIN, TEMPLATE):
        parser = VBA_Parser(str(path))
        try:
            assert not any(keyword == "VBA Stomping" for _, keyword, _ in parser.analyze_macros())
            assert parser.detect_vba_stomping() is False
        finally:
            parser.close()
        with zipfile.ZipFile(path) as package:
            project = VbaProject(package.read("xl/vbaProject.bin"))
            parts = b"".join(package.read(n) for n in package.namelist() if not n.endswith("vbaProject.bin"))
        assert project.name == "xlplugin"
        assert 'Public Const PROJECT_NAME As String = "xlplugin"' in project.source("xlwings")
        text = "".join(project.source(m) for m in project.modules)
        for quickstart in ("myaddin", "MyAddin", "RibbonMyAddin", "RunMain", "Module1"):
            assert quickstart not in text and quickstart.encode() not in parts
        assert "Module1" not in project.modules


def test_the_compound_file_is_written_whole_and_read_back_by_olefile(tmp_path):
    """Renaming, new sources of any length and dropping the p-code all change stream sizes: the
    compound file is rewritten, and olefile, oletools and our reader agree on every stream."""
    import olefile

    with zipfile.ZipFile(ADDIN) as package:
        project = VbaProject(package.read("xl/vbaProject.bin"))
    long_source = f'Attribute VB_Name = "{MODULE}"\n' + "".join(f"' line {n} of a long comment\n" for n in range(400))
    project.set_source(MODULE, long_source)
    data = project.to_bytes()
    tree = cfb.read(data)
    assert cfb.read(cfb.write(tree)) == tree  # what we write reads back as the same tree
    (tmp_path / "vbaProject.bin").write_bytes(data)
    with olefile.OleFileIO(str(tmp_path / "vbaProject.bin")) as ole:
        assert ole.exists(f"VBA/{MODULE}") and not ole.exists("VBA/RibbonMyAddin")
        assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
    assert VbaProject(data).source(MODULE) == long_source.replace("\n", "\r\n")
    with pytest.raises(VbaError, match="VB_Name"):
        project.set_source(MODULE, 'Attribute VB_Name = "Other"\n')
    with pytest.raises(VbaError, match="no VBA module"):
        project.source("NoSuchModule")


def test_the_addin_command_writes_both_files_and_the_conf(tmp_path):
    conf = tmp_path / "conf" / "xlplugin.conf"
    conf.parent.mkdir()
    conf.write_text('"PYTHONPATH","D:\\共享"\r\n"INTERPRETER_WIN","C:\\旧\\python.exe"\r\n', encoding="utf-8")
    python = tmp_path / "python.exe"
    python.write_text("")
    result = CliRunner().invoke(cli, ["addin", "-o", str(tmp_path), "--conf", str(conf), "--interpreter", str(python)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "决算校验.xlam").is_file() and (tmp_path / "决算校验表样.xlsm").is_file()
    assert "xlwings addin install --file" in result.output and "xlplugin doctor" in result.output
    values = read_conf(conf)
    assert values["PYTHONPATH"] == "D:\\共享"  # what was there stays
    assert values[next(k for k in values if k.startswith("INTERPRETER_"))] == str(python)


def test_a_filled_macro_workbook_is_checked_and_keeps_its_buttons(tmp_path, sample_path):
    filled = build_macro_template(tmp_path / "万盛.xlsm", workbook=sample_path)
    result = CliRunner().invoke(cli, ["check", str(filled), "--annotate"])
    assert result.exit_code == 1, result.output
    annotated = tmp_path / "万盛.校验.xlsm"
    with zipfile.ZipFile(filled) as before, zipfile.ZipFile(annotated) as after:
        for part in ("xl/vbaProject.bin", "xl/drawings/drawing1.xml"):
            assert before.read(part) == after.read(part)
        assert RESULT_SHEET in after.read("xl/workbook.xml").decode()


def test_the_ribbon_pack_button_offers_the_config_sheet(sample_path):
    book = Book.open(sample_path)
    excel.ribbon("xlplugin_pack", book)
    message, title = book.app.alerts[-1]
    assert title == "xlplugin 规则包" and "cq-2021 1.2.0" in message and "按表样自动选择" in message
    assert book.sheets[excel.CONFIG_SHEET].range("A1").value == excel.CONFIG_KEY
    book.sheets[excel.CONFIG_SHEET].range("B1").value = "cq-2021@1.2.0"
    assert excel.pack_spec(book) == "cq-2021@1.2.0"
    excel.ribbon("xlplugin_validate", book)
    assert book.app.alerts[-1][1] == "xlplugin 校验完成"
    excel.ribbon("xlplugin_clear", book)
    assert book.app.alerts[-1][1] == "xlplugin 清除标注"
    excel.ribbon("no-such-button", book)
    assert "不认识的按钮" in book.app.alerts[-1][0]


def test_libreoffice_imports_the_template_vba_and_binds_the_buttons(tmp_path):
    with zipfile.ZipFile(libreoffice_convert(TEMPLATE, "ods", tmp_path)) as converted:
        modules = {n for n in converted.namelist() if n.startswith("Basic/xlplugin/")}
        module = converted.read(f"Basic/xlplugin/{BUTTON_MODULE}.xml").decode()
        content = converted.read("content.xml").decode()
    # every module of the rewritten compound file was read: ours, xlwings' and the document modules
    assert {f"Basic/xlplugin/{m}.xml" for m in (BUTTON_MODULE, "xlwings", "Dictionary", "ThisWorkbook")} <= modules
    assert "Sub RunCheck()" in module and "x.clear()" in module
    for _, macro in BUTTONS:
        assert f"vnd.sun.star.script:xlplugin.{BUTTON_MODULE}.{macro}?language=Basic" in content
