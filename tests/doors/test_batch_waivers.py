"""The bureau's side of the explanation loop: the 说明 a department wrote reach every unit's JSON and the
summary counts, and a waivers file (``--waivers 豁免.yaml``) takes accepted findings out of the counts,
says which waivers matched nothing, and is part of what a resumed batch must not reuse across."""

from __future__ import annotations

import hashlib
import json
import shutil

import openpyxl
import pytest

from tests.helpers import run_cli
from xlplugin.api import check
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.doors.batch import SUMMARY_FILE
from xlplugin.output.annotate import write_annotated
from xlplugin.output.marks import HEADINGS, RESULT_SHEET

UNIT = "重庆市万盛经济技术开发区人力资源和社会保障局"


def write_remarks(path, remarks: dict[tuple[str, str], str]) -> None:
    """Type ``remarks`` (by rule and 位置) into the 说明 column of ``path``'s 校验结果, with openpyxl."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[RESULT_SHEET]
    header = next(r for r in sheet.iter_rows(min_row=1, max_row=30) if [c.value for c in r][:3] == HEADINGS[:3])
    columns = {cell.value: cell.column for cell in header}
    for row in range(header[0].row + 1, sheet.max_row + 1):
        key = (sheet.cell(row, columns["规则"]).value, sheet.cell(row, columns["位置"]).value)
        if key in remarks:
            sheet.cell(row, columns["说明"]).value = remarks[key]
    workbook.save(path)


@pytest.fixture(scope="module")
def bureau(tmp_path_factory, sample_path, corrected_path):
    """What a bureau received: the sample department's annotated copy with two 说明 written (under the
    workbook's own name), another unit's corrected workbook and a broken file; and its waivers."""
    folder = tmp_path_factory.mktemp("收到的决算")
    checked = check(sample_path)
    sent = folder / sample_path.name
    write_annotated(sample_path, sent, checked.report, checked.pack, checked.book)
    findings = checked.report.findings
    errors = [f for f in findings if f.severity == ERROR]
    warning = next(f for f in findings if f.severity == WARNING and f.rule != "CQN-02")
    waived = errors[0]
    remarked = {
        (errors[1].rule, errors[1].location): "已与预算科核对，下次一并改正。",
        (warning.rule, warning.location): "名称按部门预算口径填写。",
    }
    write_remarks(sent, remarked)
    shutil.copyfile(corrected_path, folder / "另一单位.xlsx")
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    waivers = tmp_path_factory.mktemp("财政局") / "豁免.yaml"
    waivers.write_text(
        f"""\
- 单位: {sample_path.name}
  规则: {waived.rule}
  位置: {waived.location}
  理由: 职业年金按财政局口径列项目支出
  批准: 预算科 张三
  日期: 2026-12-01
- 单位: {UNIT}
  规则: CQN-02
  理由: 序号按本区口径
- 单位: {sample_path.name}
  规则: CQ01-01
  位置: 公开01表!C5
  理由: 早已改正的问题
- 单位: 没有这个单位
  规则: CQ03-01
  理由: 写错了单位
- 单位: 坏.xlsx
  规则: CQ03-01
  理由: 无法校验的文件的豁免不算过期
""",
        encoding="utf-8",
    )
    return folder, waivers, checked.report, waived, remarked


def _summaries(out):
    return [json.loads(line) for line in (out / SUMMARY_FILE).read_text(encoding="utf-8").splitlines()]


def test_remarks_and_waivers_reach_the_units_json_and_the_summary(bureau, tmp_path):
    folder, waivers, plain, waived, remarked = bureau
    out = tmp_path / "结果"
    result = run_cli("batch", folder, "--out", out, "--waivers", waivers, "--jobs", "2")
    assert result.exit_code == 3, result.output  # errors found, and a file that could not be checked
    lines = {s["file"]: s for s in _summaries(out)}
    digest = hashlib.sha256(waivers.read_bytes()).hexdigest()
    assert {s.get("waivers") for s in lines.values()} == {digest}

    unit = lines[folder.joinpath(plain.workbook).name]
    renamed = sum(1 for f in plain.findings if f.rule == "CQN-02")
    assert unit["waived"] == 1 + renamed and unit["waivers_used"] == [1, 7]
    assert unit["errors"] == plain.count(ERROR) - 1 and unit["warnings"] == plain.count(WARNING) - renamed
    assert unit["remarked"] == len(remarked) and unit["remarked"] + unit["unremarked"] == (
        unit["errors"] + unit["warnings"]
    )
    document = json.loads((out / unit["report"]).read_text(encoding="utf-8"))
    remarks = {(f["rule"], f"{f['sheet']}!{f['cell']}"): f["remark"] for f in document["findings"] if f["remark"]}
    assert remarks == remarked
    accepted = {(w["rule"], f"{w['sheet']}!{w['cell']}"): w["waiver"] for w in document["waived"]}
    assert accepted[(waived.rule, waived.location)] == {
        "reason": "职业年金按财政局口径列项目支出",
        "by": "预算科 张三",
        "date": "2026-12-01",
    }
    assert document["waivers"] == {"file": "豁免.yaml", "sha256": digest}
    assert document["summary"]["waived"] == unit["waived"]
    assert any("CQ01-01" in notice for notice in document["waiver_notices"])

    other = lines["另一单位.xlsx"]
    assert other["waived"] == 0 and other["waivers_used"] == [] and other["remarked"] == other["unremarked"] == 0
    # stale waivers are named with their line; the broken file's waiver is not stale, only untried
    assert (
        f"注意：{waivers}:10: 豁免（单位 {plain.workbook}、规则 CQ01-01、位置 公开01表!C5）没有对应的结果"
        in result.output
    )
    assert f"注意：{waivers}:14: 豁免（单位 没有这个单位、规则 CQ03-01（全部位置））没有对应的工作簿" in result.output
    assert ":17:" not in result.output
    # the files that could not be checked are listed at the end, by path
    assert f"无法校验的文件（1 个）：\n  {folder / '坏.xlsx'}：" in result.output
    assert "豁免：" in result.output and "5 条（SHA-256 " + digest[:12] in result.output


def test_results_are_reused_only_under_the_same_waivers(bureau, tmp_path):
    folder, waivers, *_ = bureau
    out = tmp_path / "结果"
    run_cli("batch", folder, "--out", out, "--waivers", waivers, "--jobs", "1")
    again = run_cli("batch", folder, "--out", out, "--waivers", waivers, "--jobs", "1")
    assert "校验 0 个，未变化跳过 2 个" in again.output
    assert ":10: 豁免" in again.output  # stale waivers are still said from the reused results

    changed = tmp_path / "豁免-改.yaml"
    changed.write_text(waivers.read_text(encoding="utf-8") + "# 复核后未改动条目\n", encoding="utf-8")
    rerun = run_cli("batch", folder, "--out", out, "--waivers", changed, "--jobs", "1")
    assert "校验 2 个，未变化跳过 0 个" in rerun.output
    digest = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert {s.get("waivers") for s in _summaries(out)} == {digest}

    without = run_cli("batch", folder, "--out", out, "--jobs", "1")
    assert "校验 2 个，未变化跳过 0 个" in without.output
    summaries = _summaries(out)
    assert all("waivers" not in s for s in summaries) and all(s.get("waived", 0) == 0 for s in summaries)

    # a summary written before 说明 were counted is not reused either
    older = [{k: v for k, v in s.items() if k not in ("remarked", "unremarked", "waived")} for s in summaries]
    (out / SUMMARY_FILE).write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in older), encoding="utf-8")
    assert "校验 2 个，未变化跳过 0 个" in run_cli("batch", folder, "--out", out, "--jobs", "1").output
    assert all("remarked" in s for s in _summaries(out) if "error" not in s)


def test_a_broken_waivers_file_stops_the_batch_before_anything_is_checked(bureau, tmp_path):
    folder, *_ = bureau
    broken = tmp_path / "豁免.yaml"
    broken.write_text("- 单位: 甲\n  规则: CQ03-01\n  理由: x\n  备注: 多余\n", encoding="utf-8")
    out = tmp_path / "结果"
    result = run_cli("batch", folder, "--out", out, "--waivers", broken)
    assert result.exit_code == 2 and f"{broken}:4: 第 1 条豁免中有未知的键“备注”" in result.output
    assert not (out / SUMMARY_FILE).exists() and "Traceback" not in result.output


def test_check_with_waivers_changes_the_verdict_and_the_exit_code(sample_path, tmp_path):
    plain = check(sample_path).report
    errors = [f for f in plain.findings if f.severity == ERROR]
    waivers = tmp_path / "豁免.yaml"
    waivers.write_text(
        "".join(f"- 单位: {UNIT}\n  规则: {f.rule}\n  位置: {f.location}\n  理由: 财政局认可\n" for f in errors),
        encoding="utf-8",
    )
    result = run_cli("check", sample_path, "--waivers", waivers)
    assert result.exit_code == 0, result.output
    assert f"已豁免（{len(errors)} 条，不计入错误、警告和结论）" in result.output
    assert result.output.count("理由：财政局认可") == len(errors)
    assert f"错误 0 · 警告 {plain.count(WARNING)} · " in result.output and f" · 已豁免 {len(errors)}" in result.output
    document = json.loads(run_cli("check", sample_path, "--waivers", waivers, "--format", "json").output)
    assert document["summary"]["exit_code"] == 0 and len(document["waived"]) == len(errors)

    missing = run_cli("check", sample_path, "--waivers", tmp_path / "没有.yaml")
    assert missing.exit_code == 2 and "豁免文件不存在" in missing.output
