"""A door whose optional libraries are not installed says, in one Chinese sentence, which extra to
install, and exits 2 — no traceback, no 内部错误; a missing library that xlplugin declares says the
installation is incomplete. The libraries are made missing here by a ``None`` in ``sys.modules``,
which is how Python itself marks a module that cannot be imported."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from xlplugin.doors import cli

ROOT = Path(__file__).resolve().parents[2]
EXCEL_MESSAGE = '错误：Excel 加载项需要 xlwings 和 olefile：请运行 pip install "xlplugin[excel]"。\n'


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``xlplugin ARGS`` through the console entry point, as the installed script runs it."""
    monkeypatch.setattr(sys, "argv", ["xlplugin", *args])
    try:
        cli.main()
        code = 0  # --help returns
    except SystemExit as stopped:
        code = stopped.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("missing", [["xlwings"], ["olefile"], ["xlwings", "olefile"]])
def test_addin_without_the_excel_extra_names_the_extra(monkeypatch, capsys, tmp_path, missing):
    for module in missing:
        monkeypatch.setitem(sys.modules, module, None)
    code, out, err = run(monkeypatch, capsys, "addin", "-o", str(tmp_path / "加载项"))
    assert (code, out, err) == (2, "", EXCEL_MESSAGE)
    assert not (tmp_path / "加载项").exists()  # checked before anything is written


def test_the_addin_help_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "xlwings", None)
    code, out, _ = run(monkeypatch, capsys, "addin", "--help")
    assert code == 0 and 'pip install "xlplugin[excel]"' in " ".join(out.split())  # as click wraps it


def test_a_declared_library_missing_says_the_installation_is_incomplete(monkeypatch, capsys, tmp_path):
    """The first symptom of the issue: ``pack keygen`` without cryptography ended in 内部错误."""
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives", None)
    code, out, err = run(monkeypatch, capsys, "pack", "keygen", "发布单位", "--dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == "错误：缺少 Python 包“cryptography”：xlplugin 的安装不完整，请重新运行 pip install xlplugin。\n"


def test_an_extra_library_missing_deep_in_a_command_names_the_extra(monkeypatch, capsys, tmp_path):
    """Whatever command reaches an optional library without checking first still gets the sentence:
    here the add-in build, whose VBA project is read with olefile deep inside (doors/cfb.py)."""
    monkeypatch.setitem(sys.modules, "olefile", None)
    monkeypatch.setattr(cli, "require_extra", lambda extra: None)  # as if the command did not check
    code, _, err = run(monkeypatch, capsys, "addin", "-o", str(tmp_path))
    assert (code, err) == (2, EXCEL_MESSAGE)
    assert list(tmp_path.iterdir()) == []  # the add-in is made in memory first: no half-written file


def test_a_missing_module_of_our_own_is_an_internal_error(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "xlplugin.output.template", None)
    code, _, err = run(monkeypatch, capsys, "template", "-o", str(tmp_path / "表样.xlsx"))
    assert code == 2 and err.startswith("内部错误：ModuleNotFoundError")


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def _requirements(text: str) -> set[str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return {Requirement(line).name.lower() for line in lines if line}


def test_the_extras_the_cli_names_are_those_of_setup_cfg():
    extras = _setup_cfg()["options.extras_require"]
    for extra, (_, modules) in cli.EXTRAS.items():
        assert _requirements(extras[extra]) == set(modules)  # each of these libraries imports under its own name
