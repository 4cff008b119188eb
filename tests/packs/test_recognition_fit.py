"""Recognising the pack by layout fit: the best fit wins; among equals the pack finding more tables,
then an installed pack (a bureau's, derived from the bundled one), then the bundled default; below the
threshold recognition refuses, naming the closest packs and their fit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.layout_fit_helpers import THREE, install_small_pack, keep_sheets
from xlplugin.api import check
from xlplugin.core.errors import PackError, WorkbookError
from xlplugin.core.findings import Fit
from xlplugin.packs.resolve import DEFAULT_PACK, pack_fits, recognise_pack
from xlplugin.workbook.readers import read_book


@pytest.fixture
def three_tables(tmp_path, corrected_path):
    return keep_sheets(corrected_path, tmp_path / "三张表.xlsx", THREE)


def test_below_the_threshold_recognition_refuses_naming_the_closest(three_tables):
    with pytest.raises(PackError) as raised:
        recognise_pack(read_book(three_tables))
    assert raised.value.code == "no-pack-fits"
    assert str(raised.value) == (
        "没有相符的规则包：最接近的是 cq-2021（9 张表中找到 3 张）；cn-2024（9 张表中找到 2 张）；请用 --pack 指定规则包。"
    )


def test_the_best_fitting_pack_is_recognised(three_tables):
    install_small_pack()
    ranked = pack_fits(read_book(three_tables))
    assert [(fit.pack_id, fit.describe(), fit.fits) for fit, _ in ranked] == [
        ("mini-2021", "3 张表中找到 3 张", True),
        ("cq-2021", "9 张表中找到 3 张", False),
        ("cn-2024", "9 张表中找到 2 张", False),
    ]
    checked = check(three_tables)
    assert checked.pack.id == "mini-2021" and checked.report.verdict == "通过"


def test_ties_go_to_the_pack_that_finds_more_tables(sample_path):
    install_small_pack()  # it finds its three tables in the sample as fully as cq-2021 finds nine
    fits = {fit.pack_id: fit.score for fit, _ in pack_fits(read_book(sample_path))}
    assert fits["cq-2021"] == fits["mini-2021"] == 1.0 and fits["cn-2024"] < 0.5  # the national pack finds 2 of 9
    assert recognise_pack(read_book(sample_path)).path.name == "chongqing-2021"
    assert check(sample_path).pack.id == DEFAULT_PACK


def test_an_installed_pack_with_the_bundled_layout_is_used_rather_than_the_bundled_one(sample_path):
    """A bureau's pack derived from cq-2021 fits a department's workbook exactly as well: installed,
    it is the one meant (step 4 of the order before step 5)."""
    install_small_pack("wansheng-2021", tables=None)
    ranked = pack_fits(read_book(sample_path))
    assert [fit.pack_id for fit, _ in ranked][:2] == ["wansheng-2021", "cq-2021"]
    assert ranked[0][0].score == ranked[1][0].score == 1.0
    assert check(sample_path).pack.id == "wansheng-2021"


def test_a_workbook_with_no_table_of_any_pack(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "随便一张表"
    workbook.active["A1"] = "这不是决算公开表"
    workbook.save(tmp_path / "别的.xlsx")
    with pytest.raises(PackError) as raised:
        recognise_pack(read_book(tmp_path / "别的.xlsx"))
    assert raised.value.code == "no-pack-fits" and "一张表也找不到" in str(raised.value)


def test_the_cli_refuses_to_guess(three_tables):
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(three_tables)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "没有相符的规则包：最接近的是 cq-2021（9 张表中找到 3 张）" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_not_one_table_found_names_the_closest_packs(tmp_path, monkeypatch):
    """A named pack none of whose tables is in the workbook: the error names packs that fit better."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "别的表"
    workbook.save(tmp_path / "别的.xlsx")
    closer = Fit("other-2021", "别的地区", 4, ("甲", "乙", "丙", "丁"), (), 10, 10)
    monkeypatch.setattr("xlplugin.api.closest_packs", lambda book, than: [closer])
    with pytest.raises(WorkbookError) as raised:
        check(tmp_path / "别的.xlsx", "cq-2021")
    assert raised.value.code == "not-this-template"
    assert "最接近的规则包：other-2021（别的地区，4 张表中找到 4 张）" in str(raised.value)
