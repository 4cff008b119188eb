"""建议修改 (error localization): the fewest cells to change so that every relation holds.

On the published sample the three real errors are named with the values that fix them; on the
corrected variant, single-cell errors injected at random are put back to their original values."""

from decimal import Decimal

import pytest

from tests.engine.localize_mutations import mutation_rate
from xlplugin.engine.localize import localize
from xlplugin.engine.relations import Relations
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

#: the fixes the sample needs (更正说明.md): 2080506 in 公开05表 belongs in 基本支出; 2080599 and 229 in
#: 公开03表 have totals without their 基本/项目 split (公开05表 says which column)
SAMPLE_FIXES = {
    ("公开05表", "D21"): ("2080506", "基本支出", "65.19"),
    ("公开05表", "E21"): ("2080506", "项目支出", "0.00"),
    ("公开03表", "D22"): ("2080599", "基本支出", "10.79"),
    ("公开03表", "E60"): ("229", "项目支出", "35.00"),
}


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


@pytest.fixture(scope="module")
def sample_report(pack, sample_path):
    return run_pack(pack, locate_book(read_book(sample_path), pack.layout))


@pytest.fixture(scope="module")
def corrected_relations(pack, corrected_path):
    report = run_pack(pack, locate_book(read_book(corrected_path), pack.layout))
    assert report.localization.status == "none" and report.suggestions == []
    return report.localization.relations


def test_sample_suggestions_are_the_documents_real_errors(sample_report):
    found = {(s.sheet, s.cell): (s.row, s.column, format(s.suggested, "f")) for s in sample_report.suggestions}
    assert found == SAMPLE_FIXES
    assert sample_report.localization.unique
    assert sample_report.localization.note.startswith("改这 4 个格，全部")


def test_sample_suggestions_in_json(sample_report):
    document = sample_report.as_dict()
    assert document["schema_version"] == "2" and document["xlplugin_version"]
    moved = next(s for s in document["suggestions"] if s["cell"] == "D21")
    assert moved | {"rules": None} == moved | {
        "sheet": "公开05表",
        "table": "公开05表",
        "row": "2080506",
        "column": "基本支出",
        "current": "0",
        "suggested": "65.19",
        "rules": None,
        "alternatives": [],
    }
    assert "CQ05-02" in moved["rules"]
    assert document["localization"]["status"] == "ok"


def test_every_failing_table_relation_is_covered_by_a_suggestion(sample_report):
    relations = sample_report.localization.relations
    fixed = relations.values() | {(s.sheet, s.cell): s.suggested for s in sample_report.suggestions}
    assert all(r.holds(fixed) for r in relations.relations)


def test_single_cell_errors_are_put_back(corrected_relations):
    result = mutation_rate(corrected_relations, 120, seed=7)
    assert result["restored"] / result["cases"] >= 0.9, result


def test_ties_are_alternatives():
    from xlplugin.core.findings import Operand
    from xlplugin.core.intervals import Interval

    relations = Relations()
    operands = {}
    for cell, value in (("A1", "10.00"), ("A2", "4.00"), ("A3", "7.00")):
        interval = Interval(Decimal(value), Decimal(value) - Decimal("0.005"), Decimal(value) + Decimal("0.005"))
        operands[cell] = (Operand(cell, "S", cell, Decimal(value)), interval)
        relations.note_cell(operands[cell][0], interval, "T", cell, "金额")
    total, first, second = operands["A1"], operands["A2"], operands["A3"]
    relations.add("R1", [(1, *total), (-1, *first), (-1, *second)], "==", None, total=total[0])
    result = localize(relations)
    assert result.status == "ok" and not result.unique
    (suggestion,) = result.suggestions
    assert {suggestion.cell, *(c for _, c, _ in suggestion.alternatives)} == {"A2", "A3"}


def test_time_limit_gives_up_clearly(corrected_relations):
    import random

    from tests.engine.localize_mutations import apply, mutate

    key = next(k for k, info in corrected_relations.cells.items() if info.value >= 100)
    mutated = apply(corrected_relations, mutate(corrected_relations, key, "times10", random.Random(1)))
    result = localize(mutated, time_limit=0.0)
    assert result.status == "timeout" and result.note.startswith("未能在 0 秒内定位")
