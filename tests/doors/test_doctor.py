"""``xlplugin doctor``: each link of the 校验 button's chain is found, or named with what to do."""

from __future__ import annotations

import sys

from tests.helpers import run_cli
from xlplugin.doors.doctor import ADDIN_NAME, diagnose, startup_folder
from xlplugin.doors.excel_conf import user_conf_path, write_conf


def by_item(checks):
    return {check.item: check for check in checks}


def test_a_fresh_windows_profile_is_told_to_run_addin_and_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    checks = by_item(diagnose("win32", home=tmp_path))
    conf = checks["配置文件 xlplugin.conf"]
    assert not conf.ok and "不存在" in conf.found and "xlplugin addin" in conf.advice
    assert str(tmp_path / ".xlplugin" / "xlplugin.conf") in conf.found
    assert not checks["加载项"].ok and "xlwings addin install" in checks["加载项"].advice
    assert checks["xlwings"].ok and checks["规则包"].ok and "cq-2021" in checks["规则包"].found
    assert "macOS 的 RunPython 授权" not in checks


def test_a_ready_windows_profile_passes_every_check(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    write_conf(user_conf_path("win32", tmp_path), {"INTERPRETER_WIN": sys.executable})
    folder = startup_folder("win32", tmp_path)
    folder.mkdir(parents=True)
    (folder / ADDIN_NAME).write_bytes(b"PK")
    checks = diagnose("win32", home=tmp_path)
    assert all(check.ok for check in checks), [check.line() for check in checks]


def test_a_conf_pointing_at_a_python_without_xlplugin_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    bare = tmp_path / "python"
    bare.write_text("#!/bin/sh\nexit 1\n")
    bare.chmod(0o755)
    write_conf(user_conf_path("win32", tmp_path), {"INTERPRETER_WIN": str(bare)})
    conf = by_item(diagnose("win32", home=tmp_path))["配置文件 xlplugin.conf"]
    assert not conf.ok and "没有 xlplugin" in conf.found and "-m pip install" in conf.advice


def test_on_a_mac_the_sandboxed_conf_and_runpython_are_checked(tmp_path):
    checks = by_item(diagnose("darwin", home=tmp_path))
    assert "Library/Containers/com.microsoft.Excel/Data/xlplugin.conf" in checks["配置文件 xlplugin.conf"].found
    assert not checks["macOS 的 RunPython 授权"].ok
    assert "xlwings runpython install" in checks["macOS 的 RunPython 授权"].advice
    scripts = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel"
    scripts.mkdir(parents=True)
    (scripts / "xlwings-0.37.8.applescript").write_text("")
    assert by_item(diagnose("darwin", home=tmp_path))["macOS 的 RunPython 授权"].ok


def test_the_command_lists_every_check_and_exits_1_where_excel_cannot_run():
    result = run_cli("doctor")
    assert result.exit_code == 1 and "] Excel：本机不是 Windows 或 macOS" in result.output
    for item in ("Python", "xlplugin", "xlwings", "规则包"):
        assert f"] {item}：" in result.output
    assert "按上面的提示处理" in result.output or "全部就绪" in result.output
