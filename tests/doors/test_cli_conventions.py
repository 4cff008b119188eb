"""Conventions of the command for people and scripts: Chinese help and usage errors (exit 64), Chinese
severity names, a JSON error object, several workbooks in one check, NO_COLOR, numbered backups that
are never overwritten, keygen that keeps an existing key, batch exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from xlplugin.doors.cli import cli
from xlplugin.doors.cli_base import EXIT_USAGE


def xlplugin(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "xlplugin", *map(str, args)], capture_output=True, text=True, **kwargs)


def test_usage_errors_are_chinese_and_exit_64():
    done = xlplugin("check", "--no-such-option", "x.xlsx")
    assert done.returncode == EXIT_USAGE == 64
    assert "用法：xlplugin check [选项] WORKBOOK..." in done.stderr
    assert "错误：没有这个选项：--no-such-option。" in done.stderr
    assert "Usage" not in done.stderr and "Error" not in done.stderr
    missing = CliRunner().invoke(cli, ["check"])
    assert missing.exit_code == 64 and "错误：缺少参数 WORKBOOK...。" in missing.output
    bad = CliRunner().invoke(cli, ["check", "x.xlsx", "--level", "严重"])
    assert bad.exit_code == 64 and "--level 的值无效：“严重”不是" in bad.output
    exclusive = CliRunner().invoke(cli, ["check", "x.xlsx", "--annotate", "--in-place"])
    assert exclusive.exit_code == 64 and "只能选一个" in exclusive.output
    assert CliRunner().invoke(cli, ["batch", "x"]).exit_code == 64  # --out missing
    assert CliRunner().invoke(cli, ["no-such-command"]).exit_code == 64


def test_help_is_chinese():
    text = xlplugin("check", "--help").stdout
    assert text.startswith("用法：xlplugin check [选项] WORKBOOK...")
    assert "选项：" in text and "显示本帮助并退出。" in text and "[默认：text]" in text
    assert "Options" not in text and "Show this message" not in text and "default:" not in text
    top = CliRunner().invoke(cli, ["--help"], prog_name="xlplugin").output
    assert "用法：xlplugin [选项] 命令 [参数]..." in top and "命令：" in top and "显示版本号并退出。" in top
    assert "规则包的编写与测试" in CliRunner().invoke(cli, ["pack", "--help"]).output


def test_chinese_severity_names(sample_path):
    chinese = CliRunner().invoke(cli, ["check", str(sample_path), "--level", "错误"])
    english = CliRunner().invoke(cli, ["check", str(sample_path), "--level", "error"])
    assert chinese.exit_code == english.exit_code == 1
    assert chinese.output == english.output and "[警告]" not in chinese.output


def test_json_error_object_when_the_workbook_cannot_be_read(tmp_path):
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"not a workbook")
    done = xlplugin("check", broken, "--format", "json")
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert set(document) == {"schema_version", "error", "workbook"}
    assert document["error"]["code"] and "坏的.xlsx" in document["workbook"]
    assert document["error"]["message"]


def test_several_workbooks_one_report_each_worst_exit_code(sample_path, tmp_path):
    corrected = sample_path.with_name(sample_path.stem + "-更正版.xlsx")
    passed = CliRunner().invoke(cli, ["check", str(corrected), str(corrected)])
    assert passed.exit_code == 0 and passed.output.count("结论：通过") == 2 and "共 2 个工作簿" in passed.output
    mixed = CliRunner().invoke(cli, ["check", str(corrected), str(sample_path)])
    assert mixed.exit_code == 1
    done = xlplugin("check", corrected, sample_path, tmp_path / "没有.xlsx", "--format", "json")
    assert done.returncode == 2
    documents = json.loads(done.stdout)
    assert [d["summary"]["exit_code"] for d in documents[:2]] == [0, 1]
    assert documents[2]["error"]["code"] == "file-not-found"


def test_no_color(sample_path):
    coloured = CliRunner().invoke(cli, ["check", str(sample_path)], color=True)
    assert "\x1b[" in coloured.output
    plain = CliRunner().invoke(cli, ["check", str(sample_path)], color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.output and plain.exit_code == coloured.exit_code == 1


def test_in_place_backups_are_numbered_never_overwritten(sample_path, tmp_path):
    book = shutil.copy(sample_path, tmp_path / "报表.xlsx")
    original = book.read_bytes()
    for _ in range(3):
        assert CliRunner().invoke(cli, ["check", str(book), "--in-place"]).exit_code == 1
    first = tmp_path / "报表.备份.xlsx"
    assert first.read_bytes() == original  # the first backup is the untouched original
    assert (tmp_path / "报表.备份-2.xlsx").exists() and (tmp_path / "报表.备份-3.xlsx").exists()
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind
    cleaned = CliRunner().invoke(cli, ["clean", str(book), "--in-place"])
    assert cleaned.exit_code == 0 and "报表.备份-4.xlsx" in cleaned.output


def test_keygen_keeps_an_existing_key_unless_forced(tmp_path):
    assert CliRunner().invoke(cli, ["pack", "keygen", "财政局", "--dir", str(tmp_path)]).exit_code == 0
    key = (tmp_path / "财政局.key").read_bytes()
    done = xlplugin("pack", "keygen", "财政局", "--dir", tmp_path)
    assert done.returncode == 2 and "拒绝覆盖" in done.stderr and "--force" in done.stderr
    assert (tmp_path / "财政局.key").read_bytes() == key
    assert CliRunner().invoke(cli, ["pack", "keygen", "财政局", "--dir", str(tmp_path), "--force"]).exit_code == 0
    assert (tmp_path / "财政局.key").read_bytes() != key
    assert (tmp_path / "财政局.key").stat().st_mode & 0o077 == 0


def test_batch_exit_code_errors_and_unreadable(sample_path, tmp_path):
    folder = tmp_path / "收到的"
    folder.mkdir()
    shutil.copy(sample_path, folder / "a.xlsx")
    (folder / "b.xlsx").write_bytes(b"broken")
    done = xlplugin("batch", folder, "--out", tmp_path / "out", "--jobs", "1", "--pack", "cq-2021")
    assert done.returncode == 3, done.stderr  # 1 (errors) | 2 (unreadable)
    (folder / "b.xlsx").unlink()
    result = CliRunner().invoke(cli, ["batch", str(folder), "--out", str(tmp_path / "out2"), "--jobs", "1"])
    assert result.exit_code == 1, result.output
