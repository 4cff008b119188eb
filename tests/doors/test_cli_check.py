"""``xlplugin check`` and ``xlplugin pack test``: text, JSON, exit codes, through click and a real process."""

import json
import subprocess
import sys

from click.testing import CliRunner

from xlplugin.doors.cli import cli

JSON_FINDING_KEYS = {
    "rule",
    "name",
    "severity",
    "sheet",
    "cell",
    "table",
    "row",
    "column",
    "expected",
    "actual",
    "difference",
    "operands",
    "message",
    "explanation",
    "caused_by",
    "remark",
}


def test_text_report_on_the_sample(sample_path):
    result = CliRunner().invoke(cli, ["check", str(sample_path), "--level", "info"])
    assert result.exit_code == 1
    out = result.output
    assert "结论：不通过：13 个错误必须修改后再公开，另有 13 个警告需写明说明" in out
    assert "错误 13 · 警告 13 · 提示 43 · 未执行 0" in out
    assert "情况说明：177 个数字，156 个由规则核对。" in out
    assert out.count("[提示]") == 43
    assert (
        out.index("\n公开01表 收入支出决算总表\n")
        < out.index("\n公开03表 支出决算表\n")
        < out.index("\n公开05表 一般公共")
    )
    assert "[错误] E60    CQ03-02 类、款金额等于下级科目之和，合计等于各类之和" in out
    assert "\x1b[" not in out  # no colour codes when not a terminal


def test_colour_on_a_terminal_and_level_filter(sample_path):
    result = CliRunner().invoke(cli, ["check", str(sample_path), "--level", "error"], color=True)
    assert "\x1b[31m" in result.output  # red 错误
    assert "[警告]" not in result.output and "另有 56 条较低级别的结果未显示" in result.output


def test_json_report(corrected_path, tmp_path):
    output = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["check", str(corrected_path), "--format", "json", "-o", str(output)])
    assert result.exit_code == 0 and "结论：通过" in result.output
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["workbook"] == corrected_path.name
    assert report["pack"] == {"id": "cq-2021", "version": "1.2.0"}
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0 and report["summary"]["not_run"] == 0
    assert report["not_run"] == []
    finding = report["findings"][0]
    assert set(finding) == JSON_FINDING_KEYS
    assert finding["severity"] == "info" and isinstance(finding["expected"], str)


def test_json_amounts_are_exact_strings(sample_path):
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(sample_path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    row_2080599 = next(f for f in report["findings"] if f["rule"] == "CQ03-01" and f["row"] == "2080599")
    assert row_2080599 | {"operands": None, "message": None, "name": None, "explanation": None} == {
        "rule": "CQ03-01",
        "name": None,
        "severity": "error",
        "sheet": "公开03表",
        "cell": "C22",
        "table": "公开03表",
        "row": "2080599",
        "column": "本年支出合计",
        "expected": "0",
        "actual": "10.79",
        "difference": "10.79",
        "operands": None,
        "message": None,
        "explanation": None,
        "caused_by": None,
        "remark": "",
    }
    assert [o["cell"] for o in row_2080599["operands"]] == ["C22", "D22", "E22", "F22", "G22", "H22"]


def test_exit_code_two_for_bad_input_and_bad_pack(tmp_path, sample_path):
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(tmp_path / "missing.xlsx")], capture_output=True, text=True
    )
    assert done.returncode == 2 and "找不到文件" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(sample_path), "--pack", "no-such-pack"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "找不到规则包“no-such-pack”" in done.stderr
    assert "Traceback" not in done.stderr


def test_pack_by_id_and_version(corrected_path):
    result = CliRunner().invoke(cli, ["check", str(corrected_path), "--pack", "cq-2021@1.2.0", "--level", "warning"])
    assert result.exit_code == 0 and "结论：通过" in result.output


def test_pack_test_command():
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import find_pack
    from xlplugin.packs.testing import iter_cases

    pack = load_pack(find_pack("cq-2021"))
    cases = len(iter_cases(pack))
    result = CliRunner().invoke(cli, ["pack", "test", "cq-2021"])
    assert result.exit_code == 0, result.output
    assert f"{len(pack.rules)} 条规则，{cases} 个用例，{cases} 个符合期望，0 个不符合" in result.output
