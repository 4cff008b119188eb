"""The department ↔ bureau loop of issue #18, end to end through the command line: the bureau builds,
signs and distributes a pack; a department installs it and checks without --pack, writes 说明 into its
annotated copy, clears the marks keeping the 说明 and sends the workbook; the bureau's batch carries
every 说明 into the unit's JSON, and a waiver takes one finding out on the re-check."""

from __future__ import annotations

import json

import openpyxl

from tests.doors.test_batch_waivers import write_remarks
from tests.helpers import copy_to, run_cli
from xlplugin.doors.batch import SUMMARY_FILE
from xlplugin.output.marks import EXPLANATIONS_SHEET, RESULT_SHEET


def _summary(out) -> dict:
    (line,) = (out / SUMMARY_FILE).read_text(encoding="utf-8").splitlines()
    return json.loads(line)


def test_the_bureau_sees_every_explanation_and_its_waiver_removes_a_finding(tmp_path, monkeypatch, sample_path):
    bureau, department, sent = tmp_path / "财政局", tmp_path / "单位", tmp_path / "报送"
    for folder in (bureau, department, sent):
        folder.mkdir()

    # the bureau: a derived pack, built, signed with a key made once
    source, archive = bureau / "万盛补充规则", bureau / "wansheng-2021-0.1.0.zip"
    assert run_cli("pack", "new", source, "--id", "wansheng-2021", "--name", "万盛经开区补充规则").exit_code == 0
    assert run_cli("pack", "build", source, "-o", archive).exit_code == 0
    assert run_cli("pack", "keygen", "财政局", "--dir", bureau).exit_code == 0
    assert run_cli("pack", "sign", archive, "--key", bureau / "财政局.key").exit_code == 0

    # the department: trusts the bureau's key, installs the pack, and checks without --pack or any
    # configuration: the installed pack fits as well as the bundled one it derives from, and is the
    # one used (step 4 of the pack order before step 5)
    assert run_cli("pack", "trust", bureau / "财政局.pub").exit_code == 0
    installed = run_cli("pack", "install", archive)
    assert installed.exit_code == 0 and "签名可信" in installed.output
    monkeypatch.chdir(department)
    workbook = copy_to(sample_path, department)
    checked = run_cli("check", workbook, "--annotate", "--format", "json", "-o", department / "报告.json")
    assert checked.exit_code == 1 and "已写入标注副本" in checked.output
    report = json.loads((department / "报告.json").read_text(encoding="utf-8"))
    assert report["pack"]["id"] == "wansheng-2021"
    error = next(f for f in report["findings"] if f["severity"] == "error")
    warning = next(f for f in report["findings"] if f["severity"] == "warning")
    written = {
        (error["rule"], f"{error['sheet']}!{error['cell']}"): "已与预算科核对，决算批复后改正。",
        (warning["rule"], f"{warning['sheet']}!{warning['cell']}"): "名称按部门预算口径填写。",
    }
    annotated = department / f"{workbook.stem}.校验.xlsx"
    write_remarks(annotated, written)

    # clean keeps the 说明 in a small 校验说明 sheet, sent with the workbook
    delivered = sent / workbook.name
    cleaned = run_cli("clean", annotated, "-o", delivered)
    assert cleaned.exit_code == 0 and f"{len(written)} 条说明保留在“{EXPLANATIONS_SHEET}”表中" in cleaned.output
    sheets = openpyxl.load_workbook(delivered).sheetnames
    assert EXPLANATIONS_SHEET in sheets and RESULT_SHEET not in sheets

    # the bureau's batch: every 说明 in the unit's JSON, counted in the summary line
    monkeypatch.chdir(bureau)
    out = bureau / "结果"
    first = run_cli("batch", sent, "--out", out, "--pack", "wansheng-2021", "--jobs", "1")
    assert first.exit_code == 1, first.output
    line = _summary(out)
    document = json.loads((out / line["report"]).read_text(encoding="utf-8"))
    assert document["pack"]["id"] == "wansheng-2021"
    remarks = {(f["rule"], f"{f['sheet']}!{f['cell']}"): f["remark"] for f in document["findings"] if f["remark"]}
    assert remarks == written
    assert line["remarked"] == len(written) and line["unremarked"] == line["errors"] + line["warnings"] - len(written)

    # the bureau accepts the explained warning: on the re-check it is waived, with its 说明 and the reason
    waivers = bureau / "豁免.yaml"
    waivers.write_text(
        f"- 单位: {workbook.name}\n  规则: {warning['rule']}\n  位置: {warning['sheet']}!{warning['cell']}\n"
        "  理由: 名称口径经预算科认可\n  批准: 预算科 张三\n  日期: 2026-12-01\n",
        encoding="utf-8",
    )
    again = run_cli("batch", sent, "--out", out, "--pack", "wansheng-2021", "--jobs", "1", "--waivers", waivers)
    assert "校验 1 个，未变化跳过 0 个" in again.output  # not reused: computed without these waivers
    rechecked = _summary(out)
    assert rechecked["waived"] == 1 and rechecked["warnings"] == line["warnings"] - 1
    assert rechecked["errors"] == line["errors"] and rechecked["remarked"] == len(written) - 1
    after = json.loads((out / rechecked["report"]).read_text(encoding="utf-8"))
    assert len(after["findings"]) == len(document["findings"]) - 1
    (waived,) = after["waived"]
    assert (waived["rule"], waived["sheet"], waived["cell"]) == (warning["rule"], warning["sheet"], warning["cell"])
    assert waived["remark"] == "名称按部门预算口径填写。"
    assert waived["waiver"] == {"reason": "名称口径经预算科认可", "by": "预算科 张三", "date": "2026-12-01"}
    assert {f["severity"] for f in after["findings"] if f["remark"]} == {"error"}
    assert after["summary"]["verdict_kind"] == "不通过"  # the errors still stand: a waiver is one finding
