"""绩效自评表: located by title and label in the sample (one 部门整体, two 项目 tables), in the blank
template, after rows are inserted, and absent altogether."""

from decimal import Decimal

import pytest

from tests.helpers import copy_to, edit_workbook, insert_rows
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


def test_the_samples_three_tables(located_sample, sample_source):
    tables = located_sample.selfeval
    assert [(t.kind, t.title, len(t.indicators)) for t in tables] == [
        ("部门整体", "部门整体绩效自评表", 113),
        ("项目", "一级项目绩效自评表", 17),
        ("项目", "二级项目绩效自评表", 11),
    ]
    whole, first, second = tables
    assert whole.fields["联系电话"].text == "4827946 2" and whole.fields["自评总分"].amount.value == Decimal("97.99")
    assert whole.funds["全年(调整)预算数"].amount.value == Decimal("1065.92") and whole.funds["执行率得分"].amount.exact
    assert first.name == "一级项目绩效自评表（人社民生管理专项）" and first.funds["执行率(%)"].text == "100%"
    row95 = whole.indicators[94]
    assert row95["序号"].text == "95" and row95["全年完成值"].blank and row95["指标得分"].blank
    assert whole.indicators[1]["指标值"].text == "5.5左右" and whole.indicators[1]["指标值"].amount is None
    assert "稳定和扩大就业" in whole.targets["年初绩效目标"].text
    for table, source in zip(tables, sample_source.selfeval):
        assert [[i[c].text for c in ("序号", "指标名称", "指标得分")] for i in table.indicators] == [
            [r[0], r[2], r[9]] for r in source[2]["indicators"]
        ]


def test_the_blank_template_has_one_table_of_each_kind(template_path, layout):
    tables = locate_book(read_book(template_path), layout).selfeval
    assert [(t.kind, t.sheet, len(t.indicators)) for t in tables] == [
        ("部门整体", "部门整体绩效自评表", 0),
        ("项目", "项目绩效自评表", 0),
    ]


def test_rows_inserted_above_the_blocks(tmp_path, sample_path, layout):
    def mangle(workbook):
        insert_rows(workbook["二级项目绩效自评表"], 4, 2)
        insert_rows(workbook["二级项目绩效自评表"], 12, 1)

    path = edit_workbook(copy_to(sample_path, tmp_path), mangle)
    second = locate_book(read_book(path), layout).selfeval[2]
    assert second.funds["全年执行数"].amount.value == Decimal("71.55") and len(second.indicators) == 11
    assert second.indicators[0]["指标名称"].text == "工作力量充实受益镇街数量"


def test_a_workbook_without_self_evaluation_tables(tmp_path, corrected_path, pack):
    def drop(workbook):
        for name in ("部门整体绩效自评表", "一级项目绩效自评表", "二级项目绩效自评表"):
            workbook.remove(workbook[name])

    path = edit_workbook(copy_to(corrected_path, tmp_path), drop)
    report = run_pack(pack, locate_book(read_book(path), pack.layout))
    selfeval_rules = {r.id for r in pack.rules if r.kind.startswith("selfeval")} | {"CQW-70"}
    assert {n.rule for n in report.not_run} == selfeval_rules
    assert all("绩效自评表" in n.reason for n in report.not_run)
    assert report.valid


def test_the_corrected_tables_have_no_problem(corrected_path, pack):
    report = run_pack(pack, locate_book(read_book(corrected_path), pack.layout))
    assert [f for f in report.findings if f.rule.startswith("CQP")] == []
