"""``xlplugin.api.check``: the one way every door checks a workbook, and the doors really use it."""

from __future__ import annotations

import json

import grimp
import pytest
from click.testing import CliRunner

from xlplugin.api import check, choose_pack
from xlplugin.core.errors import PackError, WorkbookError
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.doors.cli import cli
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.readers import read_book


def test_a_path_is_read_and_its_pack_recognised(sample_path):
    checked = check(sample_path)
    assert checked.pack.id == "cq-2021"
    assert checked.report.workbook == sample_path.name
    assert set(checked.located.tables) == {t.id for t in checked.pack.layout.tables}
    assert checked.report.count(ERROR) == 13 and not checked.report.valid


def test_the_same_report_from_a_book_a_pack_id_and_a_loaded_pack(sample_path):
    by_path = check(sample_path).report.as_dict()
    book = read_book(sample_path)
    from_book = check(book, "cq-2021", name=sample_path.name).report.as_dict()
    from_pack = check(book, load_pack(find_pack("cq-2021")), name=sample_path.name).report.as_dict()
    assert by_path == from_book == from_pack


def test_its_report_is_the_clis_json(sample_path):
    done = CliRunner().invoke(cli, ["check", str(sample_path), "--format", "json"])
    assert done.exit_code == 1
    assert json.loads(done.output) == json.loads(json.dumps(check(sample_path).report.as_dict(), default=str))


def test_a_narrative_file_replaces_the_workbooks_own(corrected_path, sample_path):
    # the published 情况说明 with the corrected tables: the narrative's own errors come back
    narrative = sample_path.with_name("万盛人社局-2021-部门决算公开-情况说明.txt")
    own = check(corrected_path).report
    replaced = check(corrected_path, narrative=narrative).report
    assert own.valid
    assert not replaced.valid and any(f.sheet != "" and f.quote for f in replaced.findings if f.severity == ERROR)


def test_what_the_user_can_fix_is_an_xlplugin_error(tmp_path, sample_path):
    with pytest.raises(WorkbookError):
        check(tmp_path / "没有这个文件.xlsx")
    with pytest.raises(PackError) as raised:
        choose_pack("no-such-pack", read_book(sample_path))
    assert raised.value.code == "pack-not-found"


def test_every_door_that_checks_goes_through_the_api():
    graph = grimp.build_graph("xlplugin")
    for door in ("xlplugin.doors.cli", "xlplugin.doors.batch", "xlplugin.doors.excel"):
        assert graph.direct_import_exists(importer=door, imported="xlplugin.api"), door
    doors = graph.find_descendants("xlplugin.doors")
    assert not [d for d in doors if graph.direct_import_exists(importer=d, imported="xlplugin.engine.run")]


def _annotated_with_remarks(sample_path, tmp_path, remarks: dict[tuple[str, str], str]):
    """The sample's annotated copy in which the department typed ``remarks`` (by rule and 位置) into the
    说明 column of 校验结果 with openpyxl, as a person saving in Excel would."""
    import openpyxl

    from xlplugin.output.annotate import write_annotated
    from xlplugin.output.marks import HEADINGS, RESULT_SHEET

    checked = check(sample_path)
    annotated = write_annotated(sample_path, tmp_path / "a.校验.xlsx", checked.report, checked.pack, checked.book).path
    workbook = openpyxl.load_workbook(annotated)
    sheet = workbook[RESULT_SHEET]
    header = next(r for r in sheet.iter_rows(min_row=1, max_row=30) if [c.value for c in r][:3] == HEADINGS[:3])
    columns = {cell.value: cell.column for cell in header}
    written = 0
    for row in range(header[0].row + 1, sheet.max_row + 1):
        key = (sheet.cell(row, columns["规则"]).value, sheet.cell(row, columns["位置"]).value)
        if key in remarks:
            sheet.cell(row, columns["说明"]).value = remarks[key]
            written += 1
    assert written == len(remarks)
    workbook.save(annotated)
    return annotated


def test_each_finding_carries_the_remark_written_for_it(sample_path, tmp_path):
    first = check(sample_path).report
    error = next(f for f in first.findings if f.severity == ERROR)
    narrative = next(f for f in first.findings if f.quote and f.severity != ERROR)
    remarks = {
        (error.rule, error.location): "已与财政局核对，按口径列支。",
        (narrative.rule, narrative.location): "情况说明已按表格改正。",
    }
    annotated = _annotated_with_remarks(sample_path, tmp_path, remarks)
    report = check(annotated).report
    got = {(f.rule, f.location): f.remark for f in report.findings if f.remark}
    assert got == remarks
    document = report.as_dict()
    assert {(f["rule"], f["sheet"] + "!" + f["cell"]): f["remark"] for f in document["findings"] if f["remark"]} == (
        remarks
    )
    assert all(f["remark"] == "" for f in check(sample_path).report.as_dict()["findings"])
    # a remark is not what was found: the same findings with and without 说明 are equal
    assert report.findings == first.findings


def test_waivers_given_as_a_file_to_check(sample_path, tmp_path):
    waivers = tmp_path / "豁免.yaml"
    waivers.write_text(
        "- 单位: 重庆市万盛经济技术开发区人力资源和社会保障局\n  规则: CQN-02\n  理由: 序号按本区口径\n",
        encoding="utf-8",
    )
    plain = check(sample_path).report
    checked = check(sample_path, waivers=waivers)
    named = sum(1 for f in plain.findings if f.rule == "CQN-02")
    assert named and len(checked.report.waived) == named and len(checked.waivers_used) == 1
    assert checked.report.count(WARNING) == plain.count(WARNING) - named
    assert checked.unit == "重庆市万盛经济技术开发区人力资源和社会保障局"
