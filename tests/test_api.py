"""``xlplugin.api.check``: the one way every door checks a workbook, and the doors really use it."""

from __future__ import annotations

import json

import grimp
import pytest
from click.testing import CliRunner

from xlplugin.api import check, choose_pack
from xlplugin.core.errors import PackError, WorkbookError
from xlplugin.core.findings import ERROR
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
