"""What the operating system refuses is one Chinese sentence naming the path, exit 2 — never
``内部错误`` with a Python exception, never click's usage error: an unwritable report, a read-only
(immutable) workbook annotated in place, ``--annotate-to`` a folder or below a file, an over-long
file name, a workbook the user may not read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]


def _one_sentence(result, *words):
    assert result.exit_code == 2, result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output and "Errno" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_a_report_where_writing_is_not_permitted(sample_path):
    # /sys refuses new files even to root: a real EACCES without changing any permission
    _one_sentence(run_cli("check", sample_path, "-o", "/sys/报告.txt"), "“/sys/报告.txt”", "没有权限")


def test_a_report_below_a_file(sample_path, tmp_path):
    (tmp_path / "f").write_text("x")
    target = tmp_path / "f" / "报告.txt"
    _one_sentence(
        run_cli("check", sample_path, "-o", target), f"无法写入“{target}”：“{tmp_path / 'f'}”是文件，不是文件夹"
    )


def test_an_over_long_file_name(sample_path, tmp_path):
    long = tmp_path / ("长" * 100 + ".xlsx")  # 300 bytes in UTF-8: over every file system's 255
    _one_sentence(run_cli("check", sample_path, "--annotate-to", long), "文件名或路径过长", "无法写入")
    _one_sentence(run_cli("check", sample_path, "-o", tmp_path / ("a" * 300 + ".txt")), "文件名或路径过长")


def test_annotate_to_a_folder(sample_path, tmp_path):
    result = run_cli("check", sample_path, "--annotate-to", tmp_path)
    _one_sentence(result, f"“{tmp_path}”是文件夹", ".校验.xlsx")
    json_result = run_cli("check", sample_path, "--annotate-to", tmp_path, "--format", "json")
    assert json_result.exit_code == 2 and '"code": "cannot-annotate"' in json_result.output


def test_annotate_to_below_a_file(sample_path, tmp_path):
    (tmp_path / "f").write_text("x")
    _one_sentence(
        run_cli("check", sample_path, "--annotate-to", tmp_path / "f" / "x.xlsx"),
        f"“{tmp_path / 'f'}”是文件，不是文件夹",
    )


@pytest.fixture
def immutable(tmp_path, sample_path):
    """A copy of the sample that no one, root included, may change (chattr +i)."""
    workbook = shutil.copy(sample_path, tmp_path / "锁定.xlsx")
    subprocess.run(["chattr", "+i", workbook], check=True)
    yield Path(workbook)
    subprocess.run(["chattr", "-i", workbook], check=True)


def test_in_place_on_a_locked_workbook(immutable):
    before = immutable.read_bytes()
    result = run_cli("check", immutable, "--in-place")
    _one_sentence(result, f"无法写入“{immutable}”", "只读")
    assert immutable.read_bytes() == before
    assert not [p for p in immutable.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_unreadable_workbook_is_not_a_usage_error(tmp_path, sample_path):
    workbook = shutil.copy(sample_path, tmp_path / "保密.xlsx")
    os.chmod(workbook, 0)
    # root reads anything: run as an unprivileged user in a user namespace of its own
    result = subprocess.run(
        ["unshare", "--user", sys.executable, "-m", "xlplugin", "check", workbook],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 2, result.stderr
    assert "无法读取“保密.xlsx”" in result.stderr and "用法" not in result.stderr and "Path" not in result.stderr
