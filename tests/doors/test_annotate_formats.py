"""Annotating a workbook that is not an .xlsx (.xls, WPS .et, .ods): the marks go into an .xlsx copy
(``报表.校验.xlsx`` next to ``报表.xls``) with the same values and merges; the original is never
touched, never overwritten (``--in-place`` is refused), and ``clean`` says where the marks are."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from tests.format_twins import sample_twins
from xlplugin.api import check
from xlplugin.core.errors import EXIT_CANNOT_CHECK
from xlplugin.doors.batch import discover
from xlplugin.doors.cli import cli
from xlplugin.output.convert import write_values
from xlplugin.workbook.readers import read_book

FORMATS = ["xls", "et", "ods"]


@pytest.fixture(scope="session")
def twins(tmp_path_factory):
    return sample_twins(tmp_path_factory)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _findings(path):
    return [(f.rule, f.severity, f.sheet, f.cell, str(f.expected), str(f.actual)) for f in check(path).report.findings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_annotate_writes_an_xlsx_copy_and_leaves_the_original_alone(twins, tmp_path, fmt):
    source = shutil.copyfile(twins[fmt], tmp_path / f"报表.{fmt}")
    before = _digest(source)
    result = CliRunner().invoke(cli, ["check", str(source), "--annotate"])
    assert result.exit_code == 1, result.output  # the sample has errors
    copy = tmp_path / "报表.校验.xlsx"
    assert f"已另存为 .xlsx 并标注：{copy}" in result.output
    assert _digest(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, copy.name])  # no backup, no temp file
    workbook = openpyxl.load_workbook(copy)
    assert "校验结果" in workbook.sheetnames and workbook["_xlplugin"].sheet_state == "veryHidden"
    comment = workbook["公开03表"]["C22"].comment
    assert comment is not None and comment.author == "xlplugin" and "CQ03-01" in comment.text
    results = [row for row in workbook["校验结果"].iter_rows(min_row=10, values_only=True) if row[0]]
    assert len(results) == len(_findings(twins["xlsx"]))


def test_the_copy_has_the_values_and_merges_and_checks_the_same(twins, tmp_path):
    original = read_book(twins["xls"])
    plain = write_values(original, tmp_path / "plain.xlsx")
    copied = read_book(plain)
    assert [s.name for s in copied.sheets] == [s.name for s in original.sheets]
    for ours, theirs in zip(copied.sheets, original.sheets):
        assert sorted(ours.merges) == sorted(theirs.merges)
        assert {(r, c): v for r, row in enumerate(ours.rows) for c, v in enumerate(row) if v is not None} == {
            (r, c): v for r, row in enumerate(theirs.rows) for c, v in enumerate(row) if v is not None
        }
    assert isinstance(openpyxl.load_workbook(plain)["公开01表"]["D13"].value, (int, float))  # numbers stay numbers
    assert _findings(plain) == _findings(twins["xlsx"])
    # and the annotated copy, checked again, reports the same (its 校验结果 sheet is not a table)
    CliRunner().invoke(cli, ["check", str(twins["ods"]), "--annotate-to", str(tmp_path / "标注.xlsx")])
    assert _findings(tmp_path / "标注.xlsx") == _findings(twins["xlsx"])


def test_the_real_command_says_where_the_copy_went(twins, tmp_path):
    source = shutil.copyfile(twins["xls"], tmp_path / "部门决算.xls")
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(source), "--annotate", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "已另存为 .xlsx 并标注" in done.stderr and "部门决算.校验.xlsx" in done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 13


@pytest.mark.parametrize("fmt", FORMATS)
def test_in_place_is_refused_for_other_formats(twins, tmp_path, fmt):
    source = shutil.copyfile(twins[fmt], tmp_path / f"报表.{fmt}")
    before = _digest(source)
    result = CliRunner().invoke(cli, ["check", str(source), "--in-place"])
    assert result.exit_code == EXIT_CANNOT_CHECK
    assert "不能直接标注" in result.output and "--annotate" in result.output
    assert _digest(source) == before and [p.name for p in tmp_path.iterdir()] == [source.name]


def test_annotate_to_must_name_an_xlsx(twins, tmp_path):
    result = CliRunner().invoke(cli, ["check", str(twins["xls"]), "--annotate-to", str(tmp_path / "副本.xls")])
    assert result.exit_code == EXIT_CANNOT_CHECK and ".xlsx 结尾" in result.output
    assert not (tmp_path / "副本.xls").exists()


def test_clean_on_another_format_points_at_the_copy(twins, tmp_path):
    source = shutil.copyfile(twins["ods"], tmp_path / "报表.ods")
    result = CliRunner().invoke(cli, ["clean", str(source)])
    assert result.exit_code == EXIT_CANNOT_CHECK
    assert "没有 xlplugin 的标注" in result.output and "报表.校验.xlsx" in result.output
    CliRunner().invoke(cli, ["check", str(source), "--annotate"])
    cleaned = CliRunner().invoke(cli, ["clean", str(tmp_path / "报表.校验.xlsx")])
    assert cleaned.exit_code == 0, cleaned.output
    assert "校验结果" not in openpyxl.load_workbook(tmp_path / "报表.校验.已清除.xlsx").sheetnames


def test_engine_openpyxl_on_an_xls_is_a_clear_error(twins):
    result = CliRunner().invoke(cli, ["check", str(twins["xls"]), "--engine", "openpyxl"])
    assert result.exit_code == EXIT_CANNOT_CHECK and "openpyxl 只能读取 .xlsx/.xlsm" in result.output


def test_batch_checks_and_annotates_every_format(twins, tmp_path):
    folder = tmp_path / "收到的"
    folder.mkdir()
    for fmt in ("xlsx", "xls", "et", "ods"):
        shutil.copyfile(twins[fmt], folder / f"单位.{fmt}")
    assert len(discover([folder])) == 4
    out = tmp_path / "结果"
    result = CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out), "--annotate", "--jobs", "1"])
    assert "校验 4 个" in result.output and "无法校验 0 个" in result.output, result.output
    summaries = [json.loads(line) for line in (out / "汇总.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {s["errors"] for s in summaries} == {13} and len({s["failed_rules"].__repr__() for s in summaries}) == 1
    for summary in summaries:
        assert summary["annotated"].endswith(".校验.xlsx")
        assert "校验结果" in openpyxl.load_workbook(out / summary["annotated"]).sheetnames
