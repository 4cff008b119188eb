"""One workbook cannot stop a batch: a failing annotation or a crashing worker is listed, the other
workbooks are still checked."""

import os
import shutil

import pytest
from click.testing import CliRunner

import xlplugin.doors.batch
import xlplugin.output.annotate
from xlplugin.doors.batch import SUMMARY_FILE, run_batch
from xlplugin.doors.cli import cli
from xlplugin.output.overview import read_summaries
from xlplugin.packs.resolve import find_pack


@pytest.fixture
def two_departments(tmp_path, sample_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "好的.xlsx")
    shutil.copy(sample_path, folder / "坏的.xlsx")
    return folder


def test_a_failing_annotation_is_listed_and_the_batch_goes_on(tmp_path, two_departments, monkeypatch):
    """Annotating one workbook raises (as a chart sheet made it do); the other is still annotated."""
    real = xlplugin.output.annotate.annotate

    def annotate(path, *args, **kwargs):
        if os.path.basename(path) == "坏的.xlsx":
            raise AttributeError("'NoneType' object has no attribute 'findall'")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(xlplugin.output.annotate, "annotate", annotate)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(two_departments), "--out", str(out), "--annotate", "--jobs", "1"])
    summaries = {s["file"]: s for s in read_summaries(out / SUMMARY_FILE)}
    assert set(summaries) == {"好的.xlsx", "坏的.xlsx"}
    good, bad = summaries["好的.xlsx"], summaries["坏的.xlsx"]
    assert result.exit_code == (1 if good.get("errors") else 0) | 2, result.output  # 2: a file could not be checked
    assert "error" not in good and (out / good["annotated"]).exists() and (out / good["report"]).exists()
    assert bad["code"] == "internal-error" and "findall" in bad["error"] and "annotated" not in bad
    assert (out / "汇总.xlsx").exists()
    assert not [p for p in out.iterdir() if p.name.startswith((".work-", ".xlplugin-"))]


def _dies_on_bad(path, *args, **kwargs):
    """A worker that crashes hard (killed, out of memory) on one workbook."""
    if os.path.basename(path) == "坏的.xlsx":
        os._exit(9)
    return _real_check_workbook(path, *args, **kwargs)


_real_check_workbook = xlplugin.doors.batch.check_workbook


@pytest.mark.skipif(os.name != "posix", reason="the worker is replaced through fork")
def test_a_crashing_worker_does_not_stop_the_batch(tmp_path, two_departments, sample_path, monkeypatch):
    for number in range(3):
        shutil.copy(sample_path, two_departments / f"其他{number}.xlsx")
    monkeypatch.setattr(xlplugin.doors.batch, "check_workbook", _dies_on_bad)
    out = tmp_path / "out"
    result = run_batch([two_departments], out, find_pack(None), jobs=2)
    summaries = {s["file"]: s for s in read_summaries(out / SUMMARY_FILE)}
    assert len(summaries) == 5 and result.total == 5 and result.checked + result.failed == 5
    assert summaries["坏的.xlsx"]["code"] == "internal-error" and "意外退出" in summaries["坏的.xlsx"]["error"]
    assert result.checked >= 1  # the workbooks after the crash were checked in a fresh pool
