"""Layout fit (#14 part 3): a workbook the pack's layout does not describe gets the verdict 表样不符,
never 不通过 from layout problems alone; layout problems are counted apart from 错误/警告; the fit
and the verdict's kind are in the report, its JSON and its text."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from tests.engine.test_engine import EXPECTED_IN_NARRATIVE, EXPECTED_IN_SELFEVAL, EXPECTED_ON_SAMPLE
from tests.layout_fit_helpers import THREE, install_small_pack, keep_sheets
from xlplugin.api import check
from xlplugin.core import codes
from xlplugin.core.findings import ERROR, FAIL, MISFIT, PASS, WARNING, Finding, Fit, Report
from xlplugin.doors.cli import cli
from xlplugin.output.render import render_text


@pytest.fixture
def three_tables(tmp_path, corrected_path):
    """The corrected sample with only 公开01–03表: 3 of the Chongqing layout's 9 tables."""
    return keep_sheets(corrected_path, tmp_path / "三张表.xlsx", THREE)


def test_the_sample_fits_and_its_verdict_and_counts_are_unchanged(sample_path):
    report = check(sample_path, "cq-2021").report
    serious = [row for row in report.flatten() if row[1] in (ERROR, WARNING)]
    assert serious == EXPECTED_ON_SAMPLE + EXPECTED_IN_NARRATIVE + EXPECTED_IN_SELFEVAL
    assert (report.count(ERROR), report.count(WARNING)) == (13, 13)
    assert report.verdict == "不通过：13 个错误必须修改后再公开，另有 13 个警告需写明说明"
    assert (report.kind, report.valid, report.exit_code) == (FAIL, False, 1)
    assert report.layout_problems == [] and report.closest == []
    fit = report.fit
    assert fit.pack_id == "cq-2021" and (fit.tables, len(fit.found), fit.missing) == (9, 9, ())
    assert fit.rows == fit.rows_matched > 300 and fit.score == 1.0 and fit.fits
    assert fit.describe() == "9 张表中找到 9 张"


def test_the_corrected_sample_passes(corrected_path):
    report = check(corrected_path, "cq-2021").report
    assert (report.kind, report.verdict, report.valid, report.exit_code) == (PASS, "通过", True, 0)


def test_the_wrong_pack_gives_a_layout_verdict_not_a_failure(three_tables):
    report = check(three_tables, "cq-2021").report
    assert report.kind == MISFIT and not report.valid and report.exit_code == 2
    assert report.verdict.startswith(
        "表样不符：本工作簿与规则包 cq-2021（重庆市部门决算公开校验规则（2021年度））的表样不符：9 张表中找到 3 张"
    )
    assert "不通过" not in report.verdict
    assert "没有更相符的已安装或随附规则包" in report.verdict
    # the six tables not found are layout problems, counted apart from 错误 (their severity is kept)
    missing = report.layout_problems
    assert [f.table for f in missing] == ["公开04表", "公开05表", "公开06表", "公开07表", "公开08表", "公开09表"]
    assert all(f.rule == "READ.table-not-found" and f.severity == ERROR for f in missing)
    assert report.count(ERROR) == 0


def test_the_verdict_names_a_closer_pack(three_tables):
    install_small_pack()
    report = check(three_tables, "cq-2021").report
    assert report.kind == MISFIT
    assert [(c.pack_id, c.describe()) for c in report.closest] == [("mini-2021", "3 张表中找到 3 张")]
    assert "最接近的规则包：mini-2021（三张表的示例规则包，3 张表中找到 3 张）" in report.verdict
    # …with which the same workbook checks normally
    assert check(three_tables, "mini-2021").report.kind == PASS


def test_tables_found_whose_rows_cannot_be_placed_are_a_poor_fit(tmp_path, corrected_path):
    """Five of nine tables are found (enough), but the codes of the keyed tables are printed in
    another way, so most of their rows cannot be placed."""
    keep = ("公开01表", "公开02表", "公开03表", "公开04表", "公开05表")
    path = keep_sheets(
        corrected_path, tmp_path / "编码另写.xlsx", keep, spoil_codes=("公开02表", "公开03表", "公开05表")
    )
    report = check(path, "cq-2021").report
    fit = report.fit
    assert len(fit.found) == 5 and fit.table_share >= 0.5 and fit.row_share < 0.5 and not fit.fits
    assert report.kind == MISFIT and "9 张表中找到 5 张，其中的行" in report.verdict
    assert {f.rule for f in report.layout_problems} >= {"READ.bad-row-key", "READ.table-not-found"}
    assert all(f.layout for f in report.findings if f.rule == "READ.bad-row-key")


def test_a_missing_table_in_a_workbook_that_fits_is_not_a_failure_on_its_own(tmp_path, corrected_path):
    path = keep_sheets(corrected_path, tmp_path / "缺08.xlsx", tuple(f"公开0{i}表" for i in range(1, 10) if i != 8))
    report = check(path, "cq-2021").report
    assert report.fit.fits and report.fit.missing == ("公开08表",)
    assert report.kind == MISFIT and report.exit_code == 2 and report.count(ERROR) == 0
    assert "9 张表中找到 8 张（缺少或无法识别：公开08表），相关规则未执行" in report.verdict
    assert report.closest == []  # the pack fits: no other pack is looked for


def test_document_errors_beside_a_missing_table_still_fail(tmp_path, sample_path):
    path = keep_sheets(sample_path, tmp_path / "缺08.xlsx", tuple(f"公开0{i}表" for i in range(1, 10) if i != 8))
    report = check(path, "cq-2021").report
    assert report.kind == FAIL and report.count(ERROR) > 0
    assert report.verdict.endswith("；另有 1 处与表样不符（见读取问题，不计入错误、警告）")


def _finding(rule: str, severity: str) -> Finding:
    return Finding(rule, "", severity, "公开01表", "A1", "公开01表", "", "", None, None, None, [], "")


def test_layout_problems_alone_never_fail():
    fit = Fit("cq-2021", "重庆", 9, tuple(f"公开0{i}表" for i in range(1, 10)), (), 100, 98)
    report = Report("x.xlsx", "cq-2021", "1.2.0", fit=fit)
    report.findings = [_finding("READ.row-missing", WARNING), _finding("READ.unexpected-row", "提示")]
    assert report.count(WARNING) == 0 and len(report.layout_problems) == 2
    assert report.kind == PASS and report.verdict == "通过；另有 2 处与表样不符（见读取问题，不计入错误、警告）"
    report.findings.append(_finding("READ.duplicate-row", ERROR))  # a duplicated code is the document's error
    assert report.kind == FAIL and report.count(ERROR) == 1


def test_the_catalogue_says_which_reading_codes_are_about_the_layout():
    structural = {c.code for c in codes.CODES.values() if c.structural}
    assert structural == {"table-not-found", "header-not-found", "row-missing", "unexpected-row", "bad-row-key"}
    assert all(codes.CODES[c].family == "reading" for c in structural)
    assert codes.is_structural("READ.table-not-found") and not codes.is_structural("READ.not-a-number")
    assert not codes.is_structural("READ.duplicate-row") and not codes.is_structural("READ.unit-mismatch")


def test_json_has_the_fit_and_the_verdicts_kind(three_tables, sample_path):
    done = CliRunner().invoke(cli, ["check", str(three_tables), "--pack", "cq-2021", "--format", "json"])
    document = json.loads(done.output)
    summary = document["summary"]
    assert {"errors", "warnings", "infos", "not_run", "rules_run", "verdict"} <= set(summary)
    assert summary["verdict_kind"] == "表样不符" and summary["valid"] is False and summary["exit_code"] == 2
    assert summary["layout_problems"] == 6 and summary["errors"] == 0
    fit = document["fit"]
    assert (fit["pack"], fit["tables"], fit["tables_found"], fit["fits"]) == ("cq-2021", 9, 3, False)
    assert fit["missing_tables"][0] == "公开04表" and fit["closest"] == []
    assert all(f["layout"] is True for f in document["findings"] if f["rule"] == "READ.table-not-found")
    sample = json.loads(CliRunner().invoke(cli, ["check", str(sample_path), "--format", "json"]).output)
    assert sample["summary"]["verdict_kind"] == "不通过" and sample["summary"]["layout_problems"] == 0
    assert sample["fit"]["tables_found"] == 9 and sample["fit"]["fits"] is True
    assert not any("layout" in f for f in sample["findings"])  # the key is there only when true


def test_text_report_says_the_fit_in_its_header(three_tables):
    checked = check(three_tables, "cq-2021")
    text = click.unstyle(
        render_text(checked.report, checked.pack.layout.titles, checked.pack.name, len(checked.pack.rules))
    )
    lines = text.splitlines()
    assert lines[2] == "表样：9 张表中找到 3 张（不相符）"
    assert "[表样]" in text and "[错误]" not in text
    assert "错误 0 · 警告 0 · 提示 " in text and " · 表样问题 6（不计入错误、警告）" in text
    assert lines[-1].startswith("结论：表样不符：")
    assert "怎么改：按表样补齐缺少的表" not in text  # no advice to rebuild the layout of another template


def test_text_header_on_the_sample(sample_path):
    checked = check(sample_path, "cq-2021")
    text = render_text(checked.report, checked.pack.layout.titles, checked.pack.name, len(checked.pack.rules))
    assert text.splitlines()[2] == "表样：9 张表中找到 9 张" and "表样问题" not in text


def test_cli_exit_code_is_two_for_a_layout_mismatch(three_tables):
    done = CliRunner().invoke(cli, ["check", str(three_tables), "--pack", "cq-2021"])
    assert done.exit_code == 2 and "结论：表样不符：" in done.output


def test_cli_exit_codes_for_pass_and_fail(sample_path, corrected_path):
    assert CliRunner().invoke(cli, ["check", str(sample_path)]).exit_code == 1
    assert CliRunner().invoke(cli, ["check", str(corrected_path)]).exit_code == 0
