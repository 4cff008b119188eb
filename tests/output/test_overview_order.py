"""The bureau's overview (#18 item 6): units worst first (files that could not be checked on top), errors
before warnings, Chinese titles instead of raw codes, a chart sheet, landscape printing, each finding's
说明 with 已说明 / 未说明 counts, and waived findings listed apart — in 汇总.xlsx and 汇总.html alike.

The summaries and reports here are written by hand, some without the keys a newer batch adds (read as
0 / none); the last test runs a real ``xlplugin batch`` over copies of the sample with 说明 typed in."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import CITY, copy_to, edit_workbook, run_cli
from xlplugin.core import codes
from xlplugin.output.annotate import clean
from xlplugin.output.marks import RESULT_SHEET
from xlplugin.output.overview import (
    CHART_UNITS,
    FINDING_HEADINGS,
    UNIT_HEADINGS,
    WAIVED_HEADINGS,
    write_overview_html,
    write_overview_xlsx,
)
from xlplugin.packs.load import load_pack

SHEETS = ["概况", "单位", "问题与说明", "已豁免", "图表", "规则", "无法校验"]


@pytest.fixture(scope="module")
def pack():
    return load_pack(CITY)


def finding(rule, severity, cell, message, remark=None, **extra):
    data = {"rule": rule, "name": "", "severity": severity, "sheet": "公开03表", "cell": cell, "table": "公开03表"}
    data |= {"message": message} | extra
    if remark is not None:  # an older report has no "remark" at all
        data["remark"] = remark
    return data


def summary(unit, errors, warnings, report, **extra):
    return {
        "path": f"/收到/{unit}.xlsx",
        "file": f"{unit}.xlsx",
        "unit": unit,
        "year": "2021",
        "verdict": "不通过" if errors else "通过",
        "valid": not errors,
        "errors": errors,
        "warnings": warnings,
        "infos": 0,
        "not_run": 0,
        "failed_rules": {},
        "report": report,
    } | extra


@pytest.fixture
def batch(tmp_path) -> Path:
    """A batch of six: 甲 (1 error, 5 warnings; 说明 on two, one waived finding), 乙 (3 errors), 丙 (1
    error, 7 warnings, an older report and summary without 说明 keys), 丁 (passes), 戊 (its report
    is gone), 己 (表样不符: no errors, but not a pass) and a file that could not be checked."""
    out = tmp_path / "out"
    out.mkdir()
    reports = {
        "甲.json": {
            "findings": [
                finding("CQN-01", "warning", "B7", "名称不一致", "按文件填写"),
                finding("READ.not-a-number", "warning", "D9", "文字不是数字", ""),
                finding("CQN-01", "warning", "B8", "名称不一致", ""),
                finding("CQ03-01", "error", "C22", "合计不等于分项之和", "已补填"),
                finding("CQN-02", "warning", "A7", "序号写错", ""),
                finding("CQN-02", "warning", "A9", "序号写错", ""),
                finding("CQ03-01", "info", "C30", "四舍五入", ""),
                finding("READ.row-missing", "warning", "", "找不到行", "", layout=True),
            ],
            "waived": [
                finding(
                    "CQ05-02",
                    "error",
                    "D19",
                    "职业年金列支",
                    "",
                    waiver={"reason": "按财政局口径", "by": "预算科", "date": "2026-12-01"},
                )
            ],
        },
        "乙.json": {"findings": [finding("CQ03-01", "error", f"C{n}", "合计不符", "") for n in (10, 11, 12)]},
        "丙.json": {
            "findings": [finding("CQN-01", "warning", f"B{n}", "名称", None) for n in range(7)]
            + [finding("CQ03-01", "error", "C9", "合计不符", None)]
        },
        "丁.json": {"findings": []},
    }
    for name, report in reports.items():
        (out / name).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    lines = [
        summary("丁", 0, 0, "丁.json", remarked=0, unremarked=0, waived=0),
        summary("甲", 1, 5, "甲.json", remarked=2, unremarked=4, waived=1, annotated="甲.校验.xlsx"),
        {"path": "/收到/坏.xlsx", "file": "坏.xlsx", "error": "“坏.xlsx”不是 Excel 工作簿。", "code": "not-a-workbook"},
        summary("丙", 1, 7, "丙.json"),
        summary("乙", 3, 0, "乙.json", remarked=0, unremarked=3, waived=0),
        summary("戊", 0, 2, "戊.json", failed_rules={"CQN-01": 2}),
        summary("己", 0, 0, "己.json", valid=False, verdict="表样不符：缺少公开08表"),
    ]
    path = out / "汇总.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def rows(sheet, headings):
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headings
    return [dict(zip(headings, row)) for row in values[1:]]


def test_units_worst_first_with_their_explanations(batch, pack, tmp_path):
    target = write_overview_xlsx(batch, tmp_path / "汇总.xlsx", pack)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    units = rows(book["单位"], UNIT_HEADINGS)
    assert [u["单位"] for u in units] == ["坏", "乙", "丙", "甲", "戊", "己", "丁"]
    assert units[0]["结论"].startswith("无法校验：") and units[0]["文件"] == "坏.xlsx"
    by_unit = {u["单位"]: u for u in units}
    assert [(by_unit[u]["已说明"], by_unit[u]["未说明"], by_unit[u]["已豁免"]) for u in ("甲", "乙", "丙", "戊")] == [
        (2, 4, 1),
        (0, 3, 0),
        (0, 8, 0),  # no keys in the summary: counted from the report
        (0, 0, 0),  # no report, no keys: nothing known, nothing invented
    ]
    # errors before warnings, every code by its Chinese title, never READ.*
    main = by_unit["甲"]["主要问题"]
    assert main.startswith("CQ03-01 ") and "（错误 1）" in main.split("；")[0]
    assert main.split("；")[1:] == [
        "CQN-01 同一科目编码在各表中名称一致（警告 2）",
        "CQN-02 固定行名称与表样一致（警告 2）",
    ]
    assert by_unit["戊"]["主要问题"].startswith("CQN-01 ")  # from the summary's counts and the pack's severities

    details = rows(book["问题与说明"], FINDING_HEADINGS)
    mine = [d for d in details if d["单位"] == "甲"]
    assert [d["级别"] for d in mine] == ["错误"] + ["警告"] * 5  # errors first; 提示 and layout not listed
    assert {(d["位置"], d["说明"], d["状态"]) for d in mine if d["说明"]} == {
        ("公开03表!C22", "已补填", "已说明"),
        ("公开03表!B7", "按文件填写", "已说明"),
    }
    reading = next(d for d in mine if d["位置"] == "公开03表!D9")
    assert (reading["规则"], reading["规则名称"]) == ("读取问题", codes.title("READ.not-a-number"))
    assert {d["序号"] for d in mine} == {by_unit["甲"]["序号"]}
    assert [d["单位"] for d in details][:3] == ["乙"] * 3  # in the units' order

    waived = rows(book["已豁免"], WAIVED_HEADINGS)
    assert [(w["单位"], w["位置"], w["豁免理由"], w["批准人"], w["日期"]) for w in waived] == [
        ("甲", "公开03表!D19", "按财政局口径", "预算科", "2026-12-01")
    ]
    overview = dict(book["概况"].iter_rows(values_only=True))
    assert (overview["已说明"], overview["未说明"], overview["已豁免"], overview["无法校验"]) == (2, 15, 1, 1)
    assert (overview["通过"], overview["不通过"]) == (2, 4)  # 戊 has only warnings; 己 did not pass
    assert "READ." not in "".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r)


def test_the_chart_and_the_print_setup(batch, pack, tmp_path):
    book = openpyxl.load_workbook(write_overview_xlsx(batch, tmp_path / "汇总.xlsx", pack))
    chart_sheet = book["图表"]
    data = list(chart_sheet.iter_rows(min_row=2, values_only=True))
    assert data == [("乙", 3, 0), ("丙", 1, 7), ("甲", 1, 5), ("戊", 0, 2)]  # worst first, none without problems
    (chart,) = chart_sheet._charts
    assert chart.type == "bar" and len(chart.series) == 2 and chart.x_axis.scaling.orientation == "maxMin"
    assert len(data) <= CHART_UNITS
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, setup.paperSize) == ("landscape", 1, 0, 9)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        if sheet.title != "概况":
            assert sheet.print_title_rows == "$1:$1", sheet.title  # the heading on every page


class _Text(HTMLParser):
    """The visible text of a page, and the ids of its <details>."""

    def __init__(self):
        super().__init__()
        self.text, self.details, self._skip = [], [], False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("script", "style")
        if tag == "details":
            self.details.append(dict(attrs)["id"])

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def test_the_page_shows_the_same(batch, pack, tmp_path):
    page = write_overview_html(batch, tmp_path / "汇总.html", pack).read_text(encoding="utf-8")
    parsed = _Text()
    parsed.feed(page)
    text = "".join(parsed.text)
    assert text.index("无法校验的文件（1）") < text.index("各单位") and "坏.xlsx" in text
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert re.findall(r"<tr class='\w+'><td>(?:<a href='#u\d+'>)?([^<]+)", table) == [
        "乙",
        "丙",
        "甲",
        "戊",
        "己",
        "丁",
    ]
    assert "READ." not in text and codes.title("READ.not-a-number") in text
    assert "已补填" in text and "按文件填写" in text and "未说明" in text
    assert "已说明 2 · 未说明 4 · 已豁免 1" in text
    assert "已说明2" in text and "未说明15" in text and "已豁免1" in text  # the cards: sums of the unit rows
    assert "按财政局口径" in text and "预算科" in text
    assert parsed.details == ["u2", "u3", "u4"]  # the units with findings, by their 序号


# ---------------------------------------------------------------------------------------------
# A real batch


def _type(path: Path, count: int) -> dict[tuple[str, str], str]:
    """Type 说明 into the first ``count`` errors and warnings of the 校验结果 sheet."""
    typed = {}

    def edit(workbook):
        sheet = workbook[RESULT_SHEET]
        for row in range(10, sheet.max_row + 1):
            if sheet.cell(row, 2).value in ("错误", "警告") and len(typed) < count:
                text = f"第 {len(typed) + 1} 条说明：已与财政核对。"
                sheet.cell(row, 11).value = text
                typed[(sheet.cell(row, 3).value, sheet.cell(row, 6).value)] = text

    edit_workbook(path, edit)
    return typed


def test_a_real_batch_carries_explanations_and_waivers(tmp_path, sample_path, corrected_path, pack):
    work, inbox = tmp_path / "work", tmp_path / "收到"
    work.mkdir()
    inbox.mkdir()
    # 甲 clears its marks keeping its 说明 (校验说明 sheet); 乙 sends its annotated copy as it is
    first = copy_to(sample_path, work, "甲.xlsx")
    assert run_cli("check", first, "--annotate").exit_code == 1
    typed_a = _type(work / "甲.校验.xlsx", 3)
    clean(work / "甲.校验.xlsx", inbox / "甲.xlsx")
    second = copy_to(sample_path, work, "乙.xlsx")
    assert run_cli("check", second, "--annotate").exit_code == 1
    typed_b = _type(work / "乙.校验.xlsx", 1)
    copy_to(work / "乙.校验.xlsx", inbox, "乙.xlsx")
    copy_to(corrected_path, inbox, "丙.xlsx")
    (inbox / "丁.xlsx").write_bytes(b"not a workbook")
    waivers = tmp_path / "豁免.yaml"
    waivers.write_text(
        "- 单位: 乙.xlsx\n  规则: CQN-02\n  理由: 按财政局口径\n  批准: 预算科\n  日期: 2026-12-01\n", "utf-8"
    )

    out = tmp_path / "out"
    result = run_cli("batch", inbox, "--out", out, "--waivers", waivers)
    assert result.exit_code == 3, result.output
    lines = [json.loads(line) for line in (out / "汇总.jsonl").read_text(encoding="utf-8").splitlines()]
    by_file = {line["file"]: line for line in lines}
    assert by_file["甲.xlsx"]["remarked"] == 3 and by_file["乙.xlsx"]["remarked"] == 1
    waived = by_file["乙.xlsx"]["waived"]
    assert waived > 0

    book = openpyxl.load_workbook(out / "汇总.xlsx")
    assert book.sheetnames == SHEETS
    units = rows(book["单位"], UNIT_HEADINGS)
    assert units[0]["文件"] == "丁.xlsx" and units[-1]["文件"] == "丙.xlsx"  # unreadable first, passing last
    counts = {u["文件"]: (u["已说明"], u["已豁免"]) for u in units}
    assert counts["甲.xlsx"] == (3, 0) and counts["乙.xlsx"] == (1, waived)
    details = rows(book["问题与说明"], FINDING_HEADINGS)
    shown = {(d["规则"], d["位置"]): d["说明"] for d in details if d["说明"]}
    assert shown == typed_a | typed_b
    waived_rows = rows(book["已豁免"], WAIVED_HEADINGS)
    assert len(waived_rows) == waived and {w["规则"] for w in waived_rows} == {"CQN-02"}
    assert all(w["豁免理由"] == "按财政局口径" for w in waived_rows)
    number = next(u["序号"] for u in units if u["文件"] == "乙.xlsx")
    assert not [d for d in details if d["序号"] == number and d["规则"] == "CQN-02"]  # waived: not listed as open
    page = (out / "汇总.html").read_text(encoding="utf-8")
    assert all(text in page for text in (typed_a | typed_b).values()) and "按财政局口径" in page
