"""Batch checking: a few hundred generated workbooks with bad files among them; overviews;
incremental re-runs; the per-workbook task as a pure function; the HTML in a real browser."""

import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from tools.generate_workbooks import INJECTIONS, generate
from xlplugin.doors.batch import SUMMARY_FILE, check_workbook, discover, run_batch
from xlplugin.doors.cli import cli
from xlplugin.output.overview import read_summaries
from xlplugin.packs.resolve import find_pack

COUNT = 210


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("departments")
    made = generate(folder, COUNT, inject_every=5)
    (folder / "批次1" / "~$001-锁定文件.xlsx").write_bytes(b"lock")  # Excel's lock file: not a workbook
    (folder / "说明.docx").write_bytes(b"not looked at")  # not workbook-like: not picked up
    return folder, made


@pytest.fixture(scope="module")
def first_run(workbooks, tmp_path_factory):
    folder, _ = workbooks
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out), "--jobs", "2"])
    return out, result


def test_every_good_workbook_is_checked_and_every_bad_one_listed(workbooks, first_run):
    folder, made = workbooks
    out, result = first_run
    assert result.exit_code == 3, (
        result.output
    )  # 1 (some departments have errors) | 2 (some files could not be checked)
    assert f"共 {COUNT + 4} 个文件：校验 {COUNT} 个，未变化跳过 0 个，无法校验 4 个" in result.output
    summaries = list(read_summaries(out / SUMMARY_FILE))
    assert len(summaries) == COUNT + 4
    broken = {s["file"]: s["code"] for s in summaries if "error" in s}
    assert broken == {
        "损坏的工作簿.xlsx": "corrupt-workbook",
        "空文件.xlsx": "empty-file",
        "旧格式.xls": "legacy-format",
        "导出的表.csv": "csv-not-workbook",
    }
    good = [s for s in summaries if "error" not in s]
    assert len({s["unit"] for s in good}) == COUNT and len({s["report"] for s in good}) == COUNT
    clean = [s for s in good if s["unit"] not in made["injected"]]
    assert all(s["valid"] and s["errors"] == 0 and s["warnings"] == 0 for s in clean)
    expected_rules = {
        "row-total": "CQ03-01",
        "roll-up": "CQ02-02",
        "name": "CQN-01",
        "text-number": "READ.not-a-number",
        "narrative": "CQW-02",
        "formula": "READ.no-cached-value",
        "missing-sheet": "READ.table-not-found",
    }
    by_unit = {s["unit"]: s for s in good}
    assert set(made["injected"].values()) == set(INJECTIONS)
    for unit, kind in made["injected"].items():
        assert expected_rules[kind] in by_unit[unit]["failed_rules"], (unit, kind, by_unit[unit]["failed_rules"])
    report = json.loads((out / by_unit["重庆市示例区第001部门"]["report"]).read_text(encoding="utf-8"))
    assert report["pack"]["id"] == "cq-2021" and report["source"]["hash"] == by_unit["重庆市示例区第001部门"]["hash"]


def test_overview_workbook(workbooks, first_run):
    _, made = workbooks
    out, _ = first_run
    workbook = openpyxl.load_workbook(out / "汇总.xlsx")
    assert workbook.sheetnames == ["概况", "单位", "问题与说明", "已豁免", "图表", "规则", "无法校验"]
    units = list(workbook["单位"].iter_rows(min_row=2, values_only=True))
    assert len(units) == COUNT + 4 and all(str(r[4]).startswith("无法校验：") for r in units[:4])  # unreadable first
    units = units[4:]
    # 结论 (column 4) says 表样不符 for the units whose tables are missing: not errors, but not a pass
    failing = {row[1] for row in units if row[5] or str(row[4]).startswith("表样不符")}
    assert failing == {u for u, kind in made["injected"].items() if kind not in ("name",)}
    rules = {row[0]: row[3] for row in workbook["规则"].iter_rows(min_row=2, values_only=True)}
    assert rules["CQ03-01"] >= 1 and rules["CQN-01"] >= 1
    assert len(list(workbook["无法校验"].iter_rows(min_row=2))) == 4
    assert dict(workbook["概况"].iter_rows(values_only=True))["无法校验"] == 4


def test_second_run_skips_everything_and_force_rechecks(workbooks, first_run):
    folder, _ = workbooks
    out, _ = first_run
    again = run_batch([folder], out, find_pack("cq-2021"), jobs=2)
    assert (again.checked, again.skipped, again.failed) == (0, COUNT, 4)
    target = next((folder / "批次1").glob("001-*.xlsx"))
    target.touch()  # a new modification time but the same content: still skipped
    assert run_batch([folder], out, find_pack("cq-2021"), jobs=1).skipped == COUNT
    forced = run_batch([folder / "批次1"], out, find_pack("cq-2021"), jobs=2, force=True)
    assert (forced.checked, forced.skipped) == (50, 0)


def test_annotated_copies_named_after_the_unit(tmp_path, workbooks):
    folder, _ = workbooks
    out = tmp_path / "out"
    result = run_batch([folder / "批次2"], out, find_pack("cq-2021"), annotate=True, jobs=2)
    assert result.checked == 50
    copies = sorted(p.name for p in out.glob("*.校验.xlsx"))
    assert len(copies) == 50 and copies[0] == "重庆市示例区第051部门.校验.xlsx"
    assert "校验结果" in openpyxl.load_workbook(out / copies[0]).sheetnames


def test_two_workbooks_of_one_unit_do_not_overwrite_each_other(tmp_path, sample_path, corrected_path):
    shutil.copyfile(sample_path, tmp_path / "a.xlsx")
    shutil.copyfile(corrected_path, tmp_path / "b.xlsx")
    out = tmp_path / "out"
    run_batch([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], out, find_pack("cq-2021"), jobs=2)
    summaries = {s["file"]: s for s in read_summaries(out / SUMMARY_FILE)}
    assert {summaries["a.xlsx"]["report"], summaries["b.xlsx"]["report"]} == {
        "重庆市万盛经济技术开发区人力资源和社会保障局.json",
        "重庆市万盛经济技术开发区人力资源和社会保障局-2.json",
    }
    for summary in summaries.values():
        report = json.loads((out / summary["report"]).read_text(encoding="utf-8"))
        assert report["workbook"] == summary["file"]  # each report is its own workbook's


def test_the_task_is_a_pure_function(tmp_path, sample_path):
    summary = check_workbook(str(sample_path), str(find_pack("cq-2021")), str(tmp_path))
    assert summary["errors"] == 13 and summary["warnings"] == 13 and summary["unit"].startswith("重庆市万盛")
    assert (tmp_path / summary["report"]).exists()
    broken = check_workbook(str(tmp_path / "missing.xlsx"), str(find_pack("cq-2021")), str(tmp_path))
    assert broken["code"] == "file-not-found" and "找不到文件" in broken["error"]


def test_discovery(workbooks):
    folder, _ = workbooks
    found = discover([folder])
    assert len(found) == COUNT + 4
    assert not any(p.name.startswith("~$") or p.suffix == ".docx" for p in found)


def test_progress_lines_when_not_a_terminal(tmp_path, corrected_path):
    shutil.copyfile(corrected_path, tmp_path / "x.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "batch", str(tmp_path / "x.xlsx"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "[1/1] 重庆市万盛经济技术开发区人力资源和社会保障局 — 通过（错误 0，警告 0）" in done.stderr


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI"):
        raise AssertionError("Chromium is required in CI (.ci/run installs it)")
    return found


def test_html_overview_in_headless_chromium(tmp_path, first_run):
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed here (CI installs it)")
    out, _ = first_run
    page = (out / "汇总.html").as_uri()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    shot = tmp_path / "汇总.png"
    done = subprocess.run(
        [browser, *flags, "--window-size=1280,1400", f"--screenshot={shot}", page],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20_000, done.stderr
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page + "#sort=错误"], capture_output=True, text=True, timeout=120
    ).stdout
    assert "部门决算校验汇总" in dom and "<svg" in dom
    rows = dom.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    errors = [int(row.split('<td class="n">')[1].split("<")[0]) for row in rows]
    assert errors == sorted(errors, reverse=True) and errors[0] > 0  # the script sorted the table


def test_a_pack_edited_without_a_new_version_rechecks_everything(tmp_path, sample_path, corrected_path):
    import shutil

    pack_copy = tmp_path / "pack"
    shutil.copytree(find_pack("cq-2021"), pack_copy)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "a.xlsx")
    shutil.copy(corrected_path, folder / "b.xlsx")
    out = tmp_path / "out"
    assert run_batch([folder], out, pack_copy).checked == 2
    assert run_batch([folder], out, pack_copy).skipped == 2
    rules = pack_copy / "rules" / "公开01表.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("severity: 错误", "severity: 警告", 1), encoding="utf-8")
    again = run_batch([folder], out, pack_copy)
    assert (again.checked, again.skipped) == (2, 0)
