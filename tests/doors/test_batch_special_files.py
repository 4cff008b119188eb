"""A batch given something that is not a workbook file (a named pipe) reports it as a file that
cannot be checked, with its reason, instead of skipping it ("共 0 个文件")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_a_file_that_cannot_be_checked(tmp_path, corrected_path):
    folder = tmp_path / "收到的"
    folder.mkdir()
    shutil.copyfile(corrected_path, folder / "甲单位.xlsx")
    os.mkfifo(folder / "乙单位.xlsx")
    pipe = tmp_path / "丙单位.xlsx"
    os.mkfifo(pipe)
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "batch", str(folder), str(pipe), "--out", str(tmp_path / "结果"), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "共 3 个文件：校验 1 个" in done.stdout and "无法校验 2 个" in done.stdout
    summary = [json.loads(line) for line in (tmp_path / "结果" / "汇总.jsonl").read_text(encoding="utf-8").splitlines()]
    failed = {os.path.basename(s["file"]): s["error"] for s in summary if "error" in s}
    assert set(failed) == {"乙单位.xlsx", "丙单位.xlsx"}
    assert all("命名管道" in str(reason) for reason in failed.values())
