"""The xlwings Lite door against the file door and the desktop door, and the kit that carries it.

xlwings Lite runs in Excel's Pyodide, which is not here; the door runs against the stand-in in its
Lite behaviour (``Book(lite=True)``: fills and note texts only through ``await``, no multi-area
addresses), and the kit's wheel is installed apart from this checkout and run the same way, with
python-calamine missing as it is in Pyodide.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.doors.test_excel_door import OUR_SHEETS, commented_sample, file_door  # noqa: F401 (fixture)
from tests.xlwings_standin import Book
from tools import build_lite, pyodide_node
from xlplugin import __version__
from xlplugin.core.cells import a1, parse_a1
from xlplugin.doors import excel, lite
from xlplugin.output.marks import RESULT_SHEET, SEPARATOR, cell_marks

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "workbooks" / "excel" / "lite"


def lite_door(path):
    book = Book.open(path, lite=True)
    report = asyncio.run(lite.validate(book))
    assert report is not None, book.app.alerts
    return book, report


def theirs(mapping):
    return {key: value for key, value in mapping.items() if key[0] not in OUR_SHEETS}


@pytest.mark.parametrize("which", ["sample_path", "corrected_path", "commented_sample"])
def test_the_lite_door_gives_the_file_doors_findings_and_marks(which, request, tmp_path):
    path = request.getfixturevalue(which)
    findings, file_notes, file_fills = file_door(path, tmp_path)
    book, report = lite_door(path)
    assert [f.as_dict() for f in report.findings] == findings
    assert theirs(book.notes()) == file_notes
    assert theirs(book.fills()) == file_fills
    assert book.app.alerts[-1][1] == "xlplugin 校验完成"


def test_what_lite_says_stays_in_its_output_pane(sample_path, capsys):
    book, report = lite_door(sample_path)
    assert capsys.readouterr().out == f"【xlplugin 校验完成】{book.app.alerts[-1][0]}\n"
    asyncio.run(lite.show_pack(book))
    assert capsys.readouterr().out.startswith("【xlplugin 规则包】正在使用：")


def test_the_lite_door_leaves_what_the_desktop_door_leaves(sample_path):
    desktop = Book.open(sample_path)
    excel.validate(desktop)
    book, _ = lite_door(sample_path)
    assert [s.name for s in book.sheets] == [s.name for s in desktop.sheets]
    assert book.notes() == desktop.notes() and book.fills() == desktop.fills()
    ours, same = book.sheets[RESULT_SHEET], desktop.sheets[RESULT_SHEET]
    rows, expected = ours.used_range.options(ndim=2).value, same.used_range.options(ndim=2).value
    checked_at = next(i for i, row in enumerate(rows) if row[0] == "校验时间")
    assert rows[:checked_at] + rows[checked_at + 1 :] == expected[:checked_at] + expected[checked_at + 1 :]
    # Column widths: characters on the desktop, points in xlwings Lite (8.43 characters = 48 pt).
    assert ours.widths == {c: round((w * 7 + 5) * 0.75, 2) for c, w in same.widths.items()}
    assert lite.LITE.column_width(8.43) == pytest.approx(48, abs=0.1)
    assert not book.sheets[excel.STATE_SHEET].visible


def test_rerun_and_clear_in_lite(commented_sample):  # noqa: F811 (the fixture imported above)
    book = Book.open(commented_sample, lite=True)
    before = (book.notes(), book.fills(), [s.name for s in book.sheets])
    asyncio.run(lite.validate(book))
    first = (book.notes(), book.fills(), [s.name for s in book.sheets])
    asyncio.run(lite.validate(book))
    assert (theirs(book.notes()), theirs(book.fills()), [s.name for s in book.sheets]) == (
        theirs(first[0]),
        theirs(first[1]),
        first[2],
    )
    restored = asyncio.run(lite.clear(book))
    assert restored > 0 and (book.notes(), book.fills(), [s.name for s in book.sheets]) == before
    assert book.notes()[("公开03表", "C22")] == "财务科：此数已与总账核对"


def test_lite_round_trips_are_few(sample_path):
    """Values come with the call; each sheet's fills are fetched once, and colours are set once per
    sheet (one matrix), not per cell."""
    book, report = lite_door(sample_path)
    marks = cell_marks(report, [s.name for s in book.sheets])
    marked = sum(len(cells) for cells in marks.values())
    assert book.calls["await"] == len(marks)  # no notes existed: no note text was fetched
    assert book.calls["color"] <= len(marks) + 2  # + the result sheet's header row and column
    assert book.calls["read"] <= len(book.sheets)
    assert marked > 2 * book.calls["color"]


def test_rerun_and_clear_read_everything_before_writing(sample_path):
    """In Lite a read after queued writes first sends them to Excel: the door reads all it needs
    (old notes, fills, existing notes) before its first write, so neither a re-run nor a clear costs
    such a trip."""
    book, _ = lite_door(sample_path)
    book.calls.clear()
    book.pending = False  # the script ended: xlwings Lite sent its writes
    asyncio.run(lite.validate(book))
    assert book.calls["flush"] == 0
    book.calls.clear()
    book.pending = False
    asyncio.run(lite.clear(book))
    assert book.calls["flush"] == 0


@pytest.mark.parametrize("is_lite", [False, True], ids=["desktop", "lite"])
def test_a_cell_with_an_empty_note_of_theirs(sample_path, tmp_path, is_lite):
    """xlwings refuses add_note on a cell that has a note, even an empty one: ours goes below it,
    as the file door does, and clearing gives the empty note back."""
    import openpyxl
    from openpyxl.comments import Comment

    copy = tmp_path / "空批注.xlsx"
    workbook = openpyxl.load_workbook(sample_path)
    workbook["公开03表"]["C22"].comment = Comment("", "张会计")
    workbook.save(copy)
    _, file_notes, _ = file_door(copy, tmp_path)
    book = Book.open(copy, lite=is_lite)
    report = asyncio.run(lite.validate(book)) if is_lite else excel.validate(book)
    assert report is not None, book.app.alerts
    assert theirs(book.notes()) == file_notes
    assert book.notes()[("公开03表", "C22")].startswith(f"\n\n{SEPARATOR}\n")
    asyncio.run(lite.clear(book)) if is_lite else excel.clear(book)
    assert book.notes()[("公开03表", "C22")] == ""


def test_a_run_that_fails_half_way_leaves_the_workbook_as_it_was(sample_path, monkeypatch):
    """If a write fails (here the tenth note), everything written before it is undone: no half
    marked workbook, no stray sheet, and a message that says so."""
    book = Book.open(sample_path, lite=True)
    before = (book.notes(), book.fills(), [s.name for s in book.sheets])
    from tests import xlwings_standin

    added = []
    original = xlwings_standin.Range._add_note

    def failing(self, text):
        added.append(text)
        if len(added) == 10:
            raise OSError("Excel 拒绝了这次写入")
        return original(self, text)

    monkeypatch.setattr(xlwings_standin.Range, "_add_note", failing)
    assert asyncio.run(lite.validate(book)) is None
    message = book.app.alerts[-1][0]
    assert "已全部撤销" in message and "Excel 拒绝了这次写入" in message
    assert (book.notes(), book.fills(), [s.name for s in book.sheets]) == before


def test_errors_in_lite_are_a_message_not_a_traceback(sample_path):
    book = Book.open(sample_path, lite=True)
    assert asyncio.run(lite.validate(book, pack="no-such-pack")) is None
    message, title = book.app.alerts[-1]
    assert title == "xlplugin 无法校验" and "找不到规则包“no-such-pack”" in message and "Traceback" not in message


def test_an_excel_without_notes_is_refused_before_anything_is_written(sample_path):
    book = Book.open(sample_path, lite=True)
    book.notes_supported = False
    before = (book.fills(), [s.name for s in book.sheets])
    assert asyncio.run(lite.validate(book)) is None
    message, title = book.app.alerts[-1]
    assert title == "xlplugin 无法校验" and "ExcelApi 1.18" in message and "更新 Excel" in message
    assert (book.fills(), [s.name for s in book.sheets]) == before
    assert asyncio.run(lite.clear(book)) == 0 and "ExcelApi 1.18" in book.app.alerts[-1][0]


def test_the_stand_in_refuses_what_xlwings_lite_refuses(sample_path):
    """So that the tests above prove the door uses only what Lite offers."""
    book = Book.open(sample_path, lite=True)
    sheet = book.sheets["公开03表"]
    with pytest.raises(NotImplementedError):
        sheet.range("C22").color
    with pytest.raises(LookupError):
        sheet.range("A1,C3")
    sheet.range("A1").add_note("x")
    with pytest.raises(NotImplementedError):
        sheet.range("A1").note.text
    with pytest.raises(ValueError):
        sheet.range("A1:B2").set_colors([[None]])


@given(
    st.sets(st.tuples(st.integers(0, 400), st.integers(0, 60)), min_size=1, max_size=80),
    st.sampled_from([1, 7, 300, 10_000]),
)
def test_boxes_cover_every_cell_once_within_the_limit(cells, limit):
    refs = [a1(r, c) for r, c in cells]
    seen = []
    for address, members in lite.boxes(refs, limit):
        first, _, last = address.partition(":")
        (top, left), (bottom, right) = parse_a1(first), parse_a1(last or first)
        assert (bottom - top + 1) * (right - left + 1) <= limit
        for ref, row, col in members:
            assert parse_a1(ref) == (top + row, left + col)
            assert top <= top + row <= bottom and left <= left + col <= right
            seen.append(ref)
    assert sorted(seen) == sorted(refs)


def test_main_py_declares_the_three_buttons_and_runs_them(sample_path, template_path):
    tree = ast.parse((KIT / "main.py").read_text(encoding="utf-8"))
    scripts = {}
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef):
            (decorator,) = node.decorator_list
            assert isinstance(decorator, ast.Call) and decorator.func.id == "script"
            options = {k.arg: ast.literal_eval(k.value) for k in decorator.keywords}
            assert ast.unparse(node.args.args[0].annotation) == "xw.Book"  # Lite passes the workbook here
            scripts[options["name"]] = (node.name, options.get("button"))
    assert set(scripts) == {"校验", "清除标注", "规则包"}
    sheets = Book.open(template_path).sheets
    for name in ("校验", "清除标注"):
        shape, _, target = scripts[name][1][1:].partition("]")
        sheet, _, cell = target.partition("!")
        assert shape.startswith("xlplugin_") and sheet in [s.name for s in sheets] and parse_a1(cell)

    spec = importlib.util.spec_from_file_location("lite_main", KIT / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # outside Lite, xlwings' @script leaves the function as it is
    book = Book.open(sample_path, lite=True)
    before = (book.notes(), book.fills())
    asyncio.run(getattr(module, scripts["校验"][0])(book))
    assert RESULT_SHEET in [s.name for s in book.sheets]
    asyncio.run(getattr(module, scripts["规则包"][0])(book))
    assert "正在使用" in book.app.alerts[-1][0]
    asyncio.run(getattr(module, scripts["清除标注"][0])(book))
    assert (book.notes(), book.fills()) == before


def test_requirements_pin_xlwings_with_colour_matrices_and_name_this_version():
    text = (KIT / "requirements.txt").read_text(encoding="utf-8")
    pins = [line for line in text.splitlines() if line.startswith("xlwings==")]
    assert len(pins) == 1 and tuple(int(p) for p in pins[0].split("==")[1].split(".")) >= (0, 37, 5)
    assert f"/xlplugin-{__version__}-py3-none-any.whl" in text
    served = build_lite.requirements("https://财政局.example/lite/")
    assert "https://财政局.example/lite/" + build_lite.WHEEL in served.splitlines()


# Runs the Lite door from the unpacked wheel, the way xlwings Lite awaits a script; prints what it saw.
PROGRAM = """
import json, pickle, sys
sys.modules["python_calamine"] = None  # not built for Pyodide
sys.modules["highspy"] = None  # nor is the solver: no 建议修改 there
book = pickle.load(open("book.pickle", "rb"))
before = set(sys.modules)
import xlplugin, xlplugin.lite, xlplugin.packs.places
report = await xlplugin.lite.validate(book)
imported = {name.split(".")[0] for name in set(sys.modules) - before} - set(sys.stdlib_module_names)
print(json.dumps({"xlplugin": xlplugin.__file__, "packs": str(xlplugin.packs.places.BUNDLED_PACKS), "platform": sys.platform,
                  "findings": [f.as_dict() for f in report.findings] if report else book.app.alerts,
                  "notes": {f"{sheet}!{cell}": text for (sheet, cell), text in book.notes().items()},
                  "imported": sorted(imported)}, default=str, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """The kit built and staged to run away from this checkout (:func:`tools.pyodide_node.stage_lite_run`),
    and what the Lite door finds on the sample here (for comparison)."""
    root = tmp_path_factory.mktemp("kit")
    sample = build_lite.ROOT / "workbooks" / "samples" / "万盛人社局-2021-部门决算公开.xlsx"
    paths = pyodide_node.stage_lite_run(root, Book.open(sample, lite=True), PROGRAM)
    # Pyodide has no solver: compare with the door here without one (no 建议修改, heuristic folding)
    from xlplugin.engine import localize

    before, localize.ENABLED = localize.ENABLED, False
    try:
        here, report = lite_door(sample)
    finally:
        localize.ENABLED = before
    return root, paths, [f.as_dict() for f in report.findings], here.notes()


def assert_ran_from_the_wheel(result, root, findings, notes):
    assert Path(result["xlplugin"]).parts[-3:] == ("site", "xlplugin", "__init__.py")
    assert Path(result["packs"]).parts[-3:] == ("site", "xlplugin", "_rules")
    assert json.loads(json.dumps(findings, default=str, ensure_ascii=False)) == result["findings"]
    assert {f"{sheet}!{cell}": text for (sheet, cell), text in notes.items()} == result["notes"]
    cython = {name for name in result["imported"] if "cython" in name}  # lxml's compiled runtime
    assert set(result["imported"]) - cython <= {"xlplugin", "lxml", "yaml", "_yaml"}


def test_the_kit_holds_the_wheel_with_the_packs_and_the_scripts(kit):
    root, _, _, _ = kit
    wheel = root / "kit" / build_lite.WHEEL
    assert {p.name for p in (root / "kit").iterdir()} == {wheel.name, "main.py", "requirements.txt"}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"xlplugin-{__version__}.dist-info/METADATA").decode()
    assert {"xlplugin/lite.py", "xlplugin/output/marks.py", "xlplugin/_rules/chongqing-2021/pack.yaml"} <= names
    from xlplugin.packs.archive import pack_files

    for pack in (ROOT / "rules").iterdir():  # every file a pack build would take, for each bundled pack
        shipped = {
            n.removeprefix(f"xlplugin/_rules/{pack.name}/")
            for n in names
            if n.startswith(f"xlplugin/_rules/{pack.name}/")
        }
        assert shipped == set(pack_files(pack))
    assert not any(name.startswith(("tests/", "tools/")) for name in names)
    assert 'Requires-Dist: python-calamine<1,>=0.9; sys_platform != "emscripten"' in metadata


def test_the_kits_wheel_runs_the_lite_door_apart_from_the_checkout(kit):
    """CPython without site-packages' .pth files (so not the editable checkout), python-calamine
    missing as in Pyodide: the rule pack is found inside the wheel and nothing is imported but
    xlplugin, lxml and PyYAML (both built for Pyodide)."""
    root, staged, findings, notes = kit
    program = (
        "import asyncio\nasync def main():\n"
        + "".join(f"    {line}\n" for line in PROGRAM.strip().splitlines())
        + "asyncio.run(main())\n"
    )
    paths = [*staged, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths)), "HOME": str(root)}
    env.pop("XLPLUGIN_PACK", None)
    done = subprocess.run([sys.executable, "-S", "-c", program], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    said, last = done.stdout.strip().splitlines()[:-1], done.stdout.strip().splitlines()[-1]
    assert said and said[0].startswith("【xlplugin 校验完成】结论：不通过")  # the output pane's copy of the box
    result = json.loads(last)
    assert result["platform"] == sys.platform
    assert_ran_from_the_wheel(result, root, findings, notes)


def test_the_kits_wheel_runs_the_lite_door_in_pyodide(kit):
    """The real thing's Python: WebAssembly CPython from Pyodide, run by Node.js. Pyodide's own
    package index is not reachable here, so PyYAML comes as its pure-Python source (Pyodide ships
    a built one) and the door must not need lxml at all, which it does not."""
    root, staged, findings, notes = kit
    pyodide = pyodide_node.pyodide_dir()
    if pyodide is None:
        pytest.skip("Node.js is not installed here (CI installs it)")
    paths = [*staged, pyodide_node.pure_yaml(root / "pure-yaml")]
    done = pyodide_node.run(pyodide, root / "program.py", root, paths)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "emscripten"
    assert_ran_from_the_wheel(result, root, findings, notes)
    assert "lxml" not in result["imported"]
