"""Nothing blocks forever (#19 item 9): a named pipe called ``.xlsx`` made check, tables and clean wait
for a writer that never came. Every door opens a workbook or a narrative through one check of the
file's type (:func:`xlplugin.workbook.sniff.read_head`), so a pipe, a device or a folder is refused
in one Chinese sentence naming the path. The commands run as real processes with a timeout: a
regression fails here instead of hanging the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlplugin.core.errors import WorkbookError
from xlplugin.workbook.narrative import read_narrative_file
from xlplugin.workbook.sniff import sniff_workbook

ROOT = Path(__file__).resolve().parents[2]


def _xlplugin(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "xlplugin", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture
def pipe(tmp_path) -> Path:
    path = tmp_path / "报表.xlsx"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [["check"], ["check", "--format", "json"], ["tables"], ["clean"]])
def test_a_named_pipe_is_refused_not_waited_on(pipe, command):
    done = _xlplugin(*command, pipe)
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert f"“{pipe}”是命名管道（FIFO），不是普通文件" in said and "Traceback" not in said
    if "json" in command:
        assert '"code": "not-a-regular-file"' in done.stdout


def test_a_named_pipe_as_the_narrative_is_refused(sample_path, tmp_path):
    narrative = tmp_path / "情况说明.txt"
    os.mkfifo(narrative)
    done = _xlplugin("check", sample_path, "--narrative", narrative)
    assert (
        done.returncode == 2
        and f"“{narrative}”是命名管道（FIFO），不是普通文件，不能作为情况说明文件读取" in done.stderr
    )


def test_a_device_is_refused_by_the_same_check():
    with pytest.raises(WorkbookError) as raised:
        sniff_workbook("/dev/zero")  # reading it would never end
    assert raised.value.code == "not-a-regular-file" and "“/dev/zero”是字符设备" in raised.value.message
    with pytest.raises(WorkbookError) as raised:
        read_narrative_file("/dev/null")
    assert raised.value.code == "not-a-regular-file" and "不能作为情况说明文件读取" in raised.value.message


def test_a_folder_or_a_missing_narrative_is_named(tmp_path):
    folder = tmp_path / "情况说明.docx"
    folder.mkdir()
    with pytest.raises(WorkbookError) as raised:
        read_narrative_file(folder)
    assert raised.value.code == "is-directory" and f"“{folder}”是文件夹，不是情况说明文件" in raised.value.message
    with pytest.raises(WorkbookError) as raised:
        read_narrative_file(tmp_path / "没有.txt")
    assert raised.value.code == "file-not-found" and "找不到情况说明文件" in raised.value.message


def test_a_regular_file_reached_through_a_link_is_read(sample_path, tmp_path):
    link = tmp_path / "链接.xlsx"
    link.symlink_to(sample_path)
    assert sniff_workbook(link).is_xlsx
