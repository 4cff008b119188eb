"""Pack-wide settings in pack.yaml: how the built-in 情况说明 arithmetic reports (``arithmetic``),
inherited by a derived pack, refused with file and line when malformed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xlplugin.api import check_narrative
from xlplugin.core.errors import PackError
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS

PACK = BUNDLED_PACKS / "chongqing-2021"
#: a rate the pack's own templates do not read: 2.50 of 8.00 is 31.25 %, not 30 %
WRONG_RATE = "2023年度“三公”经费财政拨款支出决算为10.50万元。“三公”经费支出决算较上年增加2.50万元,增长30%。\n"


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def _with(pack: Path, setting: str) -> Path:
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("tolerance: rounding", f"{setting}\ntolerance: rounding", 1), encoding="utf-8")
    return pack


def _arithmetic(pack: Path, tmp_path: Path) -> list:
    narrative = tmp_path / "情况说明.txt"
    narrative.write_text(WRONG_RATE, encoding="utf-8")
    report = check_narrative(narrative, load_pack(pack)).report
    return [f.severity for f in report.findings if f.rule == "NARR.arithmetic"]


def test_a_wrong_figure_is_a_warning_by_default(pack_copy, tmp_path):
    assert load_pack(pack_copy).arithmetic == WARNING
    assert _arithmetic(pack_copy, tmp_path) == [WARNING]


def test_a_pack_may_make_it_an_error_or_turn_it_off(pack_copy, tmp_path):
    assert _arithmetic(_with(pack_copy, "arithmetic: {severity: 错误}"), tmp_path) == [ERROR]
    off = tmp_path / "off"
    shutil.copytree(PACK, off)
    assert _arithmetic(_with(off, "arithmetic: {enabled: false}"), tmp_path) == []


def test_a_derived_pack_inherits_the_setting(pack_copy, tmp_path):
    _with(pack_copy, "arithmetic: {severity: 错误}")
    derived = tmp_path / "derived"
    derived.mkdir()
    (derived / "pack.yaml").write_text(
        f"id: derived\nname: 派生\nversion: 1.0.0\nextends: {pack_copy.as_posix()}\nrules: []\n", encoding="utf-8"
    )
    assert load_pack(derived).arithmetic == ERROR


@pytest.mark.parametrize(
    "setting, words",
    [
        ("arithmetic: {severity: 严重}", "severity 只能是"),
        ("arithmetic: {enabled: 否}", "enabled 只能是"),
        ("arithmetic: 警告", "写成 {severity"),
        ("arithmetic: {level: 警告}", "写成 {severity"),
    ],
)
def test_a_malformed_setting_names_file_and_line(pack_copy, setting, words):
    _with(pack_copy, setting)
    line = (pack_copy / "pack.yaml").read_text(encoding="utf-8").splitlines().index(setting) + 1
    with pytest.raises(PackError) as raised:
        load_pack(pack_copy)
    assert words in raised.value.message and raised.value.line == line
    assert str(raised.value.path).endswith("pack.yaml")
