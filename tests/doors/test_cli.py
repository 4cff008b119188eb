"""The ``xlplugin`` command on the bundled sample, through click's runner and as a real process."""

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from xlplugin.doors.cli import cli
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book


def test_tables_lists_every_table_with_location_and_row_count(sample_path, layout):
    result = CliRunner().invoke(cli, ["tables", str(sample_path)])
    assert result.exit_code == 0, result.output
    assert "公开部门：重庆市万盛经济技术开发区人力资源和社会保障局" in result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.startswith("公开0")}
    assert set(lines) == {t.id for t in layout.tables}
    assert lines["公开02表"][2:5] == ["公开02表", "A4:J65", "60"]
    assert lines["公开06表"][3:5] == ["A4:I39", "88"]
    assert lines["公开04表"][5] == "3"  # three labels printed differently from the template
    assert "情况说明：工作表“情况说明”，120 段" in result.output


def test_real_process_and_python_dash_m(sample_path):
    done = subprocess.run(
        [str(Path(sys.executable).with_name("xlplugin")), "tables", str(sample_path), "--engine", "openpyxl"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "公开09表" in done.stdout
    done = subprocess.run([sys.executable, "-m", "xlplugin", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "xlplugin" in done.stdout


def test_template_command_writes_a_locatable_template(tmp_path, layout):
    output = tmp_path / "表样.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(output)])
    assert result.exit_code == 0, result.output
    located = locate_book(read_book(output), layout)
    assert len(located.tables) == 9 and located.problems == []
    sheet = load_workbook(output)["公开02表"]
    assert "A4:B4" in {str(r) for r in sheet.merged_cells.ranges}  # 项目 over 编码 and 名称


def test_bad_layout_is_a_clear_error(tmp_path, sample_path):
    bad = tmp_path / "template.yaml"
    bad.write_text("id: x\nname: y\ntables: [missing.yaml]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "tables", str(sample_path), "--layout", str(bad)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "template.yaml:3: 找不到表格定义文件“missing.yaml”" in done.stderr
    assert "Traceback" not in done.stderr


def test_tables_uses_the_layout_of_the_pack_a_check_would_use(tmp_path, monkeypatch):
    """Without --layout, ``tables`` shows a workbook against the layout of the pack the pack order
    chooses — here one named by XLPLUGIN_PACK in the national layout — not always Chongqing's."""
    import shutil

    import yaml

    from xlplugin.output.template import write_workbook
    from xlplugin.workbook.layout_load import load_layout

    national = Path(__file__).resolve().parents[1] / "workbook" / "national_layout"
    pack = tmp_path / "national-pack"
    shutil.copytree(national, pack)
    (pack / "rules").mkdir()
    rule = {"id": "N-01", "name": "合计", "kind": "expression", "severity": "错误", "expr": "1 == 1"}
    (pack / "rules" / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}, allow_unicode=True), encoding="utf-8")
    manifest = {"id": "national-test", "name": "全国格式（测试）", "version": "0.1.0", "template": "template.yaml"}
    manifest["rules"] = ["rules/r.yaml"]
    (pack / "pack.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    workbook = write_workbook(load_layout(national), tmp_path / "全国格式.xlsx")
    monkeypatch.setenv("XLPLUGIN_PACK", str(pack))
    result = CliRunner().invoke(cli, ["tables", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "规则包 national-test 0.1.0 的表样" in result.output and "部门决算公开表（全国通用格式）" in result.output
    assert "未找到" not in result.output


def test_tables_says_when_the_configured_pack_is_wrong(sample_path, monkeypatch):
    monkeypatch.setenv("XLPLUGIN_PACK", "没有这个规则包")
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "tables", str(sample_path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "环境变量 XLPLUGIN_PACK 指定的规则包有误" in done.stderr, done.stderr
