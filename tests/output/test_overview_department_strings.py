"""Strings from the departments in the batch overviews: text, never formulas, in 汇总.xlsx, and names
with '#' and '%' still link to their files from 汇总.xlsx and 汇总.html."""

import json
import re
import zipfile

import openpyxl
from click.testing import CliRunner

from tests.helpers import CITY
from xlplugin.doors.batch import SUMMARY_FILE
from xlplugin.doors.cli import cli
from xlplugin.output.overview import read_summaries, write_overview_xlsx
from xlplugin.packs.load import load_pack


def test_department_strings_are_never_formulas_in_the_overview(tmp_path):
    formula = '=HYPERLINK("http://x","点我")'
    summaries = [
        {
            "path": "/in/a.xlsx",
            "file": "=1+1.xlsx",
            "unit": formula,
            "year": "=2021",
            "stem": "a",
            "verdict": "通过",
            "valid": True,
            "errors": 0,
            "warnings": 0,
            "infos": 0,
            "not_run": 0,
            "failed_rules": {},
            "report": "a.json",
            "annotated": "a.校验.xlsx",
        },
        {"path": "=cmd|' /C calc'!A0", "file": "b.xlsx", "error": "@SUM(1)\x01", "code": "-2+3"},
    ]
    source = tmp_path / SUMMARY_FILE
    source.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in summaries), encoding="utf-8")
    target = write_overview_xlsx(source, tmp_path / "汇总.xlsx", load_pack(CITY))
    book = openpyxl.load_workbook(target)
    headings = [c.value for c in book["单位"][1]]
    rows = list(book["单位"].iter_rows(min_row=2))
    row = rows[1]  # the file that could not be checked comes first
    assert (row[1].value, row[1].data_type) == (formula, "s")
    assert (row[2].value, row[2].data_type) == ("=2021", "s")
    assert (row[3].value, row[3].data_type) == ("=1+1.xlsx", "s")
    copy, report = row[headings.index("标注副本")], row[headings.index("报告")]
    assert copy.data_type == "f" and copy.value == '=HYPERLINK("a.校验.xlsx","打开")'  # our own links stay links
    assert report.data_type == "f"
    assert [(c.value, c.data_type) for c in rows[0][3:5]] == [("b.xlsx", "s"), ("无法校验：@SUM(1)", "s")]
    broken = list(book["无法校验"][2])
    assert [(c.value, c.data_type) for c in broken] == [
        ("=cmd|' /C calc'!A0", "s"),
        ("@SUM(1)", "s"),
        ("-2+3", "s"),  # an unknown code has no title: the code itself
        ("-2+3", "s"),
    ]
    with zipfile.ZipFile(target) as archive:
        sheets = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(rb"<f>(.*?)</f>", sheets)
    assert len(formulas) == 2 and not [f for f in formulas if b"http://x" in f or b"1+1" in f or b"cmd" in f]


def test_a_unit_named_like_a_formula_through_a_real_batch(tmp_path, sample_path):
    """The unit name comes from the workbook's own 公开部门 cells."""
    workbook = openpyxl.load_workbook(sample_path)
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("公开部门"):
                    cell.value = '公开部门：=HYPERLINK("http://x","点我")'
                    changed += 1
    folder = tmp_path / "in"
    folder.mkdir()
    workbook.save(folder / "单位.xlsx")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out)])
    summary = next(read_summaries(out / SUMMARY_FILE))
    assert changed and summary["unit"] == '=HYPERLINK("http://x","点我")', summary
    cell = openpyxl.load_workbook(out / "汇总.xlsx")["单位"]["B2"]
    assert (cell.value, cell.data_type) == (summary["unit"], "s")


def test_a_unit_name_with_hash_and_percent_still_links_to_its_files(tmp_path, sample_path):
    """'#' would cut a link short (Excel's HYPERLINK and browsers take it as a place inside the
    file) and '%' needs percent-encoding in the page: every link must reach its file."""
    from urllib.parse import unquote

    workbook = openpyxl.load_workbook(sample_path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("公开部门"):
                    cell.value = "公开部门：社保局#2 分局 100%"
    folder = tmp_path / "in"
    folder.mkdir()
    workbook.save(folder / "单位.xlsx")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out), "--annotate"])
    summary = next(read_summaries(out / SUMMARY_FILE))
    assert summary["unit"] == "社保局#2分局100%" and "#" not in summary["report"] + summary["annotated"]
    page = (out / "汇总.html").read_text(encoding="utf-8")
    links = [link for link in re.findall(r"<a href='([^']+)'>", page) if not link.startswith("#")]
    assert len(links) == 2 and all("%25" in link for link in links)
    assert all((out / unquote(link)).is_file() for link in links)
    sheet = openpyxl.load_workbook(out / "汇总.xlsx")["单位"]
    targets = [re.match(r'=HYPERLINK\("([^"]+)"', c.value).group(1) for c in sheet[2] if c.data_type == "f"]
    assert targets and all((out / target).is_file() for target in targets)
