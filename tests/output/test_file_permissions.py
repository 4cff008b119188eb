"""Written workbooks keep the permissions they should have: an in-place annotation keeps the original
mode, an annotated copy gets the mode of a new file."""

import os
import shutil
import stat

from click.testing import CliRunner

from xlplugin.doors.cli import cli


def test_in_place_annotation_keeps_the_original_permissions(tmp_path, sample_path):
    workbook = tmp_path / "部门.xlsx"
    shutil.copy(sample_path, workbook)
    os.chmod(workbook, 0o640)
    result = CliRunner().invoke(cli, ["check", str(workbook), "--in-place"])
    assert result.exit_code in (0, 1), result.output
    assert "已写入标注（原文件）" in result.output
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o640


def test_annotated_copy_gets_the_mode_of_a_new_file(tmp_path, sample_path):
    workbook = tmp_path / "部门.xlsx"
    shutil.copy(sample_path, workbook)
    target = tmp_path / "副本.xlsx"
    old = os.umask(0o027)
    try:
        result = CliRunner().invoke(cli, ["check", str(workbook), "--annotate-to", str(target)])
    finally:
        os.umask(old)
    assert result.exit_code in (0, 1) and target.exists(), result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # 0666 less the umask, not mkstemp's 0600
