"""A batch that is stopped — by a full disk or by ``kill -9`` — leaves no worker behind, no truncated
file, one Chinese sentence, and a journal from which the next run resumes.

The full disk is real, at the OS boundary: the batch runs in a subprocess whose file-size limit
(RLIMIT_FSIZE) lets the corrected sample's report (about 97 KB) be written and not the sample's
(about 145 KB); Python ignores SIGXFSZ, so the write fails with EFBIG as on a full disk."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import run_cli
from xlplugin.doors.batch import SUMMARY_FILE, run_batch
from xlplugin.doors.batch_journal import JOURNAL
from xlplugin.packs.resolve import find_pack

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 120_000


def _batch(*args, limit: int | None = None, **kwargs) -> subprocess.Popen:
    def limited():
        if limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.Popen(
        [sys.executable, "-m", "xlplugin", "batch", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limited,
        env={**os.environ, "NO_COLOR": "1"},
        **kwargs,
    )


@pytest.fixture
def mixed(tmp_path, sample_path, corrected_path):
    """Three workbooks whose reports fit under LIMIT (sorted first), then two whose reports do not."""
    folder = tmp_path / "in"
    folder.mkdir()
    for number in (1, 2, 3):
        shutil.copy(corrected_path, folder / f"a{number}.xlsx")
    for number in (1, 2):
        shutil.copy(sample_path, folder / f"b{number}.xlsx")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_stops_the_batch_in_one_sentence_and_the_rerun_resumes(tmp_path, mixed, jobs):
    out = tmp_path / "out"
    process = _batch(mixed, "--out", out, "--jobs", jobs, limit=LIMIT)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 2, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and "Traceback" not in stderr and "内部错误" not in stderr, stderr
    assert f"无法写入“{out}”" in errors[0] and "磁盘空间或配额不足" in errors[0] and "批量校验已停止" in errors[0]
    finished = int(re.search(r"已完成的 (\d+) 个工作簿", errors[0]).group(1))
    assert 1 <= finished <= 3 and "共 " not in stdout  # no summary line, no overview claimed
    assert not (out / "汇总.xlsx").exists() and not (out / SUMMARY_FILE).exists()
    for report in out.glob("*.json"):  # every report there is whole
        assert json.loads(report.read_text(encoding="utf-8"))["schema_version"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind

    again = run_batch([mixed], out, find_pack(None), jobs=jobs)
    assert (again.skipped, again.resumed, again.checked, again.failed) == (finished, finished, 5 - finished, 0)
    summaries = [json.loads(line) for line in (out / SUMMARY_FILE).read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(s["path"]).name for s in summaries) == ["a1.xlsx", "a2.xlsx", "a3.xlsx", "b1.xlsx", "b2.xlsx"]
    assert all((out / s["report"]).is_file() for s in summaries)


def test_the_cli_reports_the_reused_workbooks_and_force_restarts(tmp_path, mixed):
    out = tmp_path / "out"
    process = _batch(mixed, "--out", out, "--jobs", 1, limit=LIMIT)
    process.communicate(timeout=300)
    assert process.returncode == 2 and (out / JOURNAL).exists()
    resumed = run_cli("batch", mixed, "--out", out, "--jobs", 1)
    assert resumed.exit_code == 1 and "校验 2 个，未变化跳过 3 个" in resumed.output, resumed.output
    assert (out / "汇总.xlsx").exists() and not (out / JOURNAL).exists()
    forced = run_cli("batch", mixed, "--out", out, "--jobs", 1, "--force")
    assert "校验 5 个，未变化跳过 0 个" in forced.output


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for a parent to collect


def _finished_lines(journal: Path) -> int:
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return 0
    return sum(1 for line in lines if line.endswith("}"))


def test_kill_9_of_the_batch_ends_its_workers_and_the_rerun_resumes(tmp_path, sample_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(16):
        shutil.copy(sample_path, folder / f"单位{number:02}.xlsx")
    out = tmp_path / "out"
    process = _batch(folder, "--out", out, "--jobs", 2)
    deadline = time.monotonic() + 120
    while _finished_lines(out / JOURNAL) < 2:  # a few workbooks finished, the rest in flight or waiting
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) >= 2
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    seen = _finished_lines(out / JOURNAL)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their batch"
    assert seen < 16  # it really was killed half-way

    again = run_batch([folder], out, find_pack(None), jobs=2)
    assert again.resumed == again.skipped and again.skipped >= seen >= 2
    assert again.skipped + again.checked == 16 and again.failed == 0
    summaries = [json.loads(line) for line in (out / SUMMARY_FILE).read_text(encoding="utf-8").splitlines()]
    assert len({s["stem"] for s in summaries}) == 16 and all((out / s["report"]).is_file() for s in summaries)
