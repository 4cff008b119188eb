"""One pack order for every door: --pack, XLPLUGIN_PACK, xlplugin.yaml (current folder upwards, then
home), then the installed or bundled pack whose template fits — for check, batch, pack which and the
library (and so the Excel buttons)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from xlplugin.api import check
from xlplugin.doors.cli import cli
from xlplugin.packs.order import choose_source
from xlplugin.packs.places import BUNDLED_PACKS

CITY = BUNDLED_PACKS / "chongqing-2021"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A bureau folder with its own copy of the pack, a config file naming it, and a subfolder to
    work in; no XLPLUGIN_PACK; home elsewhere."""
    monkeypatch.delenv("XLPLUGIN_PACK", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    bureau = tmp_path / "财政局"
    shutil.copytree(CITY, bureau / "规则包")
    (bureau / "xlplugin.yaml").write_text("# 本局的规则包\npack: 规则包\n", encoding="utf-8")
    work = bureau / "2022" / "收到的"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return bureau


def which(*args, env=None):
    return CliRunner().invoke(cli, ["pack", "which", *map(str, args)], env=env)


def test_config_file_found_from_a_subfolder_and_its_path_relative_to_it(project):
    result = which()
    assert result.exit_code == 0, result.output
    assert "依据：第 3 步" in result.output
    assert f"{project / 'xlplugin.yaml'} 第 2 行" in result.output
    assert str((project / "规则包").resolve()) in result.output
    assert choose_source(None).step == 3


def test_the_environment_comes_before_the_file_and_the_option_before_both(project):
    result = which(env={"XLPLUGIN_PACK": "cq-2021"})
    assert result.exit_code == 0 and "依据：第 2 步" in result.output and "XLPLUGIN_PACK=cq-2021" in result.output
    result = which("--pack", str(CITY), env={"XLPLUGIN_PACK": "no-such-pack"})
    assert result.exit_code == 0 and "依据：第 1 步" in result.output


def test_home_config_when_no_folder_above_has_one(tmp_path, monkeypatch):
    monkeypatch.delenv("XLPLUGIN_PACK", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".xlplugin.yaml").write_text("pack: cq-2021\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "w").mkdir()
    monkeypatch.chdir(tmp_path / "w")
    source = choose_source(None)
    assert source.step == 3 and str(home / ".xlplugin.yaml") in source.why


def test_a_bad_config_names_file_and_line_in_chinese(project):
    (project / "xlplugin.yaml").write_text("pack: 规则包\n  oops: [\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "xlplugin", "pack", "which"], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert f"{project / 'xlplugin.yaml'}:2: YAML 语法错误" in done.stderr and "Traceback" not in done.stderr
    (project / "xlplugin.yaml").write_text("pakc: cq-2021\n", encoding="utf-8")
    result = which()
    assert result.exit_code == 2 and "xlplugin.yaml:1: 配置文件中有未知的键“pakc”" in result.output
    (project / "xlplugin.yaml").write_text("\n\npack: 没有这个包\n", encoding="utf-8")
    result = which()
    assert (
        result.exit_code == 2 and "xlplugin.yaml:3: 配置文件指定的规则包有误：找不到规则包“没有这个包”" in result.output
    )


def test_a_bad_environment_pack_says_where_it_came_from(project):
    result = which(env={"XLPLUGIN_PACK": "没有这个包"})
    assert result.exit_code == 2 and "环境变量 XLPLUGIN_PACK 指定的规则包有误" in result.output


def test_recognition_is_the_last_step_and_needs_the_workbook(tmp_path, monkeypatch, sample_path):
    monkeypatch.delenv("XLPLUGIN_PACK", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = which()
    assert result.exit_code == 2 and "请给出工作簿" in result.output
    result = which(sample_path)
    assert result.exit_code == 0, result.output
    assert (
        "规则包：cq-2021" in result.output and "依据：第 5 步" in result.output and "9 张表中找到 9 张" in result.output
    )


def test_check_and_the_api_follow_the_environment_and_the_config(project, sample_path, monkeypatch):
    monkeypatch.setenv("XLPLUGIN_PACK", "没有这个包")  # ignored before: check recognised the pack
    result = CliRunner().invoke(cli, ["check", str(sample_path), "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "pack-not-found" and "XLPLUGIN_PACK" in document["error"]["message"]
    monkeypatch.delenv("XLPLUGIN_PACK")
    checked = check(sample_path)
    assert checked.source.step == 3 and checked.pack.path == (project / "规则包").resolve()


def test_batch_follows_the_order_and_says_which(project, sample_path, tmp_path):
    shutil.copy(sample_path, "a.xlsx")
    result = CliRunner().invoke(cli, ["batch", ".", "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # the sample has errors
    assert "规则包：cq-2021" in result.output and "配置文件" in result.output
