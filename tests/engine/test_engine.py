"""The Chongqing pack on the real sample: exactly the document's inconsistencies, honest rounding,
no cascades, rules without inputs reported as not run."""

from decimal import Decimal

import pytest

from tests.helpers import copy_to, edit_workbook
from xlplugin.core.findings import ERROR, INFO, WARNING
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack

#: Every 错误 and 警告 the pack reports on the published sample, with why each is right.
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

EXPECTED_ON_SAMPLE = [
    ["CQN-02", WARNING, "公开01表!C19"],  # 十四、资源勘探信息等支出: the 2021 name is 资源勘探工业信息等支出
    ["CQN-01", WARNING, "公开02表!B13"],  # 2080110 劳动关系的维权; 03 and 05 say 劳动关系和维权
    ["CQ03-01", ERROR, "公开03表!C22"],  # 2080599: 10.79 in total, 基本/项目 blank
    ["CQ03-02", ERROR, "公开03表!E60"],  # 229: 35.00 in total, 项目 blank though its 项 22960 has 35.00
    ["CQN-02", WARNING, "公开04表!A7"],  # 二、一般公共预算财政拨款 (should be 一、)
    ["CQN-02", WARNING, "公开04表!C7"],  # 二、一般公共服务支出 (should be 一、)
    ["CQN-02", WARNING, "公开04表!A8"],  # 三、政府性基金预算财政拨款 (should be 二、)
    ["CQ05-02", ERROR, "公开05表!D19"],  # 20805 基本 205.16 but its 项 sum to 139.97 (2080506 in the wrong column)
    ["CQX-16", ERROR, "公开05表!E21"],  # 2080506 项目 65.19 (should be 基本), more than 公开03表's 0
]
#: …and in 情况说明 (cells are its paragraphs)
EXPECTED_IN_NARRATIVE = [
    ["CQW-50", ERROR, "情况说明!A27"],  # 减少 1863.3 万元、下降 15.80%: 1863.3 ÷ 11772.45 = 15.83%
    ["CQW-60", ERROR, "情况说明!A27"],  # 收入总计 减少 1863.3; 支出 and 收支 (A26, A28, A31) say 2343.3
    ["CQW-61", ERROR, "情况说明!A27"],  # 就业补助资金增加 2572.01; three other paragraphs say 2092.01
    ["CQW-61", ERROR, "情况说明!A33"],
    ["CQW-63", WARNING, "情况说明!A33"],  # 一般公共预算收入 增加 2481.7 vs 支出 增加 2001.7, no carry-overs
    ["CQW-63", WARNING, "情况说明!A34"],
    ["CQW-59", WARNING, "情况说明!A39"],  # 节能环保 较年初预算增加 400 万元、增长 100%: the budget was 0
    ["CQW-90", WARNING, "情况说明!A52"],  # 因公出国 “增加 0.00 万元，与年初预算持平” (twice in the paragraph)
    ["CQW-90", WARNING, "情况说明!A52"],
    ["CQW-90", WARNING, "情况说明!A53"],  # 公务车购置费, the same wording twice
    ["CQW-90", WARNING, "情况说明!A53"],
    ["CQW-59", WARNING, "情况说明!A60"],  # 会议费 较上年增加 0.51 万元、增长 100%: last year was 0
]
#: …and in the 绩效自评表
EXPECTED_IN_SELFEVAL = [
    ["CQP-20", ERROR, "部门整体绩效自评表!H2"],  # 自评总分 97.99; 97.60 × 90% + 10 = 97.84
    ["CQP-01", ERROR, "部门整体绩效自评表!E4"],  # 执行率 100, but 9909.15 ÷ 全年(调整)预算数 1065.92 = 929.63%
    ["CQP-10", ERROR, "部门整体绩效自评表!I102"],  # indicator 95: 完成值 blank
    ["CQP-10", ERROR, "部门整体绩效自评表!J102"],  # indicator 95: 得分 blank
    ["CQP-01", ERROR, "一级项目绩效自评表!G5"],  # 执行率得分 100 with 执行率权重 10
]


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


@pytest.fixture(scope="module")
def sample_report(pack, sample_path):
    return run_pack(pack, locate_book(read_book(sample_path), pack.layout))


def test_sample_errors_and_warnings_are_the_documents_inconsistencies(sample_report):
    serious = [row for row in sample_report.flatten() if row[1] in (ERROR, WARNING)]
    assert serious == EXPECTED_ON_SAMPLE + EXPECTED_IN_NARRATIVE + EXPECTED_IN_SELFEVAL
    assert sample_report.not_run == [] and sample_report.rules_run == 122


def test_consequences_are_folded_under_their_root(sample_report):
    """Where the localizer found the cells to change, the failures those changes repair hang on one
    root per group of changed cells — a failure on a changed cell where there is one — and say
    which change makes them hold; elsewhere the same-cell, same-amount heuristic decides."""
    caused = {f"{f.sheet}!{f.cell}": f.caused_by for f in sample_report.findings if f.caused_by}
    assert caused == {
        "公开03表!E6": "CQ03-02@公开03表!E60",  # 合计 项目支出 short by 35.01: 229's 项目支出 (E60) is blank
        "公开03表!C60": "CQ03-02@公开03表!E60",
        "公开03表!D19": "CQ03-01@公开03表!C22",  # 20805 基本支出 short by 10.79: 2080599's (D22) is blank
        "公开05表!D22": "CQ03-01@公开03表!C22",
        "公开05表!E19": "CQX-16@公开05表!E21",  # 2080506's 65.19 is in 项目支出 (E21) instead of 基本支出
        "一级项目绩效自评表!H2": "CQP-01@一级项目绩效自评表!G5",  # 自评总分 190 ≠ 100: the 执行率得分 of 100
    }
    assert all(f.severity == INFO for f in sample_report.findings if f.caused_by)
    folded = {f"{f.sheet}!{f.cell}": f.message for f in sample_report.findings if f.caused_by}
    assert folded["公开05表!E19"].endswith("（公开05表!E21 改为 0.00 后即成立，见“建议修改”。）")
    assert folded["公开03表!D19"].endswith("（公开03表!D22 改为 10.79 后即成立，见“建议修改”。）")
    assert "很可能由 一级项目绩效自评表!G5" in folded["一级项目绩效自评表!H2"]  # no suggestion there: the heuristic


def test_corrected_variant_has_no_error_and_no_warning(pack, corrected_path):
    report = run_pack(pack, locate_book(read_book(corrected_path), pack.layout))
    assert report.count(ERROR) == 0 and report.count(WARNING) == 0
    assert report.valid and report.verdict == "通过"
    # only rounding remarks and the list of narrative numbers no rule covers remain
    assert all(f.rounding or f.rule == "NARR.uncovered" for f in report.findings)


def test_no_rounding_only_difference_is_an_error_or_warning(sample_report):
    for finding in sample_report.findings:
        if finding.severity in (ERROR, WARNING) and isinstance(finding.difference, Decimal):
            assert abs(finding.difference) > finding.allowance, finding
        if finding.rounding:
            assert finding.severity == INFO and "四舍五入" in finding.message


def test_rounding_remarks_show_both_intervals(sample_report):
    remark = next(f for f in sample_report.findings if f.rule == "CQX-05" and f.row == "208")
    assert remark.severity == INFO and remark.expected == Decimal("5557.65") and remark.actual == Decimal("5557.64")
    assert "[5557.635, 5557.645]" in remark.message and "[5557.645, 5557.655]" in remark.message
    assert [o.cell for o in remark.operands] == ["D13", "C7"]


def test_every_finding_is_located_and_explained(sample_report):
    for finding in sample_report.findings:
        assert finding.sheet and finding.cell and finding.table and finding.message
        if finding.rule.startswith(("READ.", "NARR.")):
            continue
        assert finding.row and finding.column and finding.actual is not None and finding.operands
        if finding.quote is None:  # a table relation
            assert finding.expected is not None
        else:  # a narrative statement: the sentence, its span in the paragraph
            start, end = finding.span
            assert 0 <= start < end and finding.quote


def test_narrative_coverage_is_counted(sample_report):
    assert sample_report.narrative_numbers == 177 and sample_report.narrative_checked == 156
    uncovered = [f for f in sample_report.findings if f.rule == "NARR.uncovered"]
    assert uncovered and all(f.severity == INFO for f in uncovered)
    assert any("15832.56万元" in f.message for f in uncovered)  # 2020 figures in 五、 no rule covers


def test_missing_table_makes_its_rules_not_run(tmp_path, pack, corrected_path):
    path = edit_workbook(copy_to(corrected_path, tmp_path), lambda wb: wb.remove(wb["公开08表"]))
    report = run_pack(pack, locate_book(read_book(path), pack.layout))
    not_run = {n.rule: n.reason for n in report.not_run}
    assert set(not_run) == {"CQ08-01", "CQ08-02", "CQX-09", "CQX-12", "CQW-80"}
    assert all("找不到公开08表" in reason for reason in not_run.values())
    missing = [f for f in report.findings if f.rule == "READ.table-not-found"]
    assert len(missing) == 1 and missing[0].severity == ERROR and missing[0].table == "公开08表"
    assert report.rules_run == len(pack.rules) - 5 and not report.valid


def test_unreadable_cell_makes_rules_not_run_not_pass(tmp_path, pack, corrected_path):
    from helpers import find_cell

    def spoil(workbook):
        find_cell(workbook["公开05表"], "2101103").offset(column=2).value = "约650"

    path = edit_workbook(copy_to(corrected_path, tmp_path), spoil)
    report = run_pack(pack, locate_book(read_book(path), pack.layout))
    assert {"CQ05-01", "CQ05-02"} <= {n.rule for n in report.not_run}
    assert any(f.rule == "READ.not-a-number" and f.severity == ERROR for f in report.findings)


def test_a_rule_can_ask_for_strict_equality(tmp_path, sample_path):
    """tolerance: strict turns the 0.01 difference of one 类 between two tables into the rule's severity."""
    import shutil

    from xlplugin.packs.places import BUNDLED_PACKS

    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACKS / "chongqing-2021", target)
    path = target / "rules" / "表间.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    codes: 类\n\n  - id: CQX-06", "    codes: 类\n    tolerance: strict\n\n  - id: CQX-06", 1),
        encoding="utf-8",
    )
    pack = load_pack(target)
    assert pack.rule("CQX-05").tolerance == 0
    report = run_pack(pack, locate_book(read_book(sample_path), pack.layout))
    strict = [f for f in report.findings if f.rule == "CQX-05"]
    assert [(f.severity, f.row) for f in strict] == [(ERROR, "208"), (ERROR, "213")]
