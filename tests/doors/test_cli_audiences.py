"""Who reads what: the department's console report shows errors, warnings and what to do; rounding notes,
echoes and the narrative's unchecked numbers are 提示 for ``--level info`` (and the result sheet); the
narrative coverage is the pack author's (``--coverage``); the 说明 already written are shown."""

from __future__ import annotations

import json

import click
import pytest

from tests.helpers import run_cli
from xlplugin.core.findings import ERROR, INFO, WARNING

UNCOVERED = "NARR.uncovered"


@pytest.fixture(scope="module")
def corrected_report(corrected_path):
    return json.loads(run_cli("check", corrected_path, "--format", "json").output)


def _lines(result) -> list[str]:
    return click.unstyle(result.output).splitlines()


def test_a_passing_workbook_says_so_in_a_few_lines(corrected_path, corrected_report):
    infos = [f for f in corrected_report["findings"] if f["severity"] == "info"]
    rounding = sum(1 for f in infos if "四舍五入" in f["message"])
    uncovered = sum(1 for f in infos if f["rule"] == UNCOVERED)
    assert infos and rounding and uncovered  # there is noise to keep out of the department's way
    result = run_cli("check", corrected_path)
    lines = _lines(result)
    assert result.exit_code == 0 and lines[-1] == "结论：通过"
    assert len(lines) <= 10 and "[提示]" not in result.output
    assert "情况说明：" not in result.output  # the coverage count is the pack author's
    hidden = next(line for line in lines if line.startswith("（另有"))
    assert hidden.startswith(
        f"（另有 {len(infos)} 条较低级别的结果未显示：提示 {len(infos)} 条（四舍五入 {rounding} 条"
    )
    assert f"情况说明中未由规则核对的数字 {uncovered} 条" in hidden and "--level info" in hidden


def test_level_info_shows_every_note(corrected_path, corrected_report):
    infos = sum(1 for f in corrected_report["findings"] if f["severity"] == "info")
    result = run_cli("check", corrected_path, "--level", "提示")
    assert result.output.count("[提示]") == infos and "较低级别" not in result.output
    numbers = corrected_report["summary"]["narrative_numbers"]
    assert (
        f"情况说明：{numbers} 个数字，{corrected_report['summary']['narrative_checked']} 个由规则核对。"
        in result.output
    )


def test_coverage_is_a_section_for_pack_authors(sample_path):
    document = json.loads(run_cli("check", sample_path, "--format", "json").output)
    uncovered = [f for f in document["findings"] if f["rule"] == UNCOVERED]
    summary = document["summary"]
    result = run_cli("check", sample_path, "--coverage")
    text = click.unstyle(result.output)
    section = text.split("情况说明覆盖（供规则包编写者）\n", 1)[1]
    assert section.startswith(
        f"  情况说明：{summary['narrative_numbers']} 个数字，{summary['narrative_checked']} 个由规则核对"
    )
    assert all(f"  {f['cell']:<6} {f['message']}" in section for f in uncovered)
    # the uncovered numbers are in the section, not counted again among what the level hides
    hidden = next(line for line in text.splitlines() if line.startswith("（另有"))
    assert "未由规则核对" not in hidden
    with_info = click.unstyle(run_cli("check", sample_path, "--coverage", "--level", "info").output)
    assert with_info.count(f"] {uncovered[0]['cell']:<6} {UNCOVERED}") == 0  # listed once, in the section
    assert with_info.count(f"  {uncovered[0]['cell']:<6} {uncovered[0]['message']}") == 1


def test_a_failing_workbook_shows_errors_warnings_how_to_fix_and_the_next_step(sample_path):
    document = json.loads(run_cli("check", sample_path, "--format", "json").output)
    counts = {s: sum(1 for f in document["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
    result = run_cli("check", sample_path)
    text = click.unstyle(result.output)
    assert result.exit_code == 1
    assert text.count(f"[{ERROR}]") == counts["error"] and text.count(f"[{WARNING}]") == counts["warning"]
    assert f"[{INFO}]" not in text and f"提示 {counts['info']} 条" in text
    assert text.count("怎么改：") == sum(
        1 for f in document["findings"] if f["severity"] != "info" and f["explanation"]
    )
    assert (
        f"下一步：按每条错误下的“怎么改”修改，重新校验；在标注副本“校验结果”表的“说明”列为 {counts['warning']} 条警告"
        in text
    )
    assert text.splitlines()[-1].startswith("结论：不通过")


def test_remarks_already_written_are_shown_and_counted(sample_path, tmp_path):
    from tests.doors.test_batch_waivers import write_remarks
    from xlplugin.api import check
    from xlplugin.output.annotate import write_annotated

    checked = check(sample_path)
    warning = next(f for f in checked.report.findings if f.severity == WARNING)
    copy = write_annotated(sample_path, tmp_path / "a.xlsx", checked.report, checked.pack, checked.book).path
    write_remarks(copy, {(warning.rule, warning.location): "名称按部门预算口径填写。"})
    text = click.unstyle(run_cli("check", copy).output)
    assert "单位说明：名称按部门预算口径填写。" in text
    warnings = checked.report.count(WARNING)
    assert f"为其余 {warnings - 1} 条警告写明说明（已写 1 条）" in text
