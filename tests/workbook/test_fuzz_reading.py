"""Fuzzing the reading and the check (#19): random cell values written into the sample's tables and
random paragraphs given as its narrative, checked for real (:func:`xlplugin.api.check`).

Whatever the input, a check ends in a report whose findings are well formed, or in the product's own
:class:`~xlplugin.core.errors.XlpluginError` (one Chinese sentence) — never another exception. The
cells are written into the sheet XML of a copy of the sample (fast, and able to write what openpyxl
cannot: error values, formulas without a cached value); each example is a real .xlsx read back by a
real reader. The budget is small (about 30 s in all); CI runs a fixed sequence (conftest)."""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from xlplugin.api import check
from xlplugin.core.cells import parse_a1
from xlplugin.core.errors import XlpluginError
from xlplugin.core.findings import ERROR, INFO, WARNING
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.bounds import sheet_parts

# No shrinking: a failing example is reported as drawn (shrinking a whole check can take minutes).
FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

_ERRORS = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
_TEXT_AMOUNTS = [
    "9,909.15",
    "（12.30）",
    "(12.30)",
    "—",
    "-",
    "－",
    "１２３．４５",
    "１，２３４",
    "12.3.4",
    "1E+300",
    "10%",
    "¥100",
    "壹佰元",
    " ",
    "",
    "0.00",
    "-0",
    "123456789012345678901234567890",
    "NaN",
    "∞",
]
_NUMBERS = st.one_of(
    st.sampled_from(["1E+300", "-1E+300", "1e16", "9999999999999999", "0.1", "1e-300", "-0", "5557.645"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**20), max_value=10**20).map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
# (kind, text): how the cell is written
_CELL_VALUES = st.one_of(
    st.tuples(st.just("number"), _NUMBERS),
    st.tuples(st.just("text"), st.one_of(st.sampled_from(_TEXT_AMOUNTS), st.text(max_size=30))),
    st.tuples(st.just("error"), st.sampled_from(_ERRORS)),
    st.tuples(st.just("formula"), st.sampled_from(["SUM(C7:C9)", "1/0", "A1&B1", "NOW()"])),
    st.tuples(st.just("cached"), _NUMBERS),
    st.tuples(st.just("boolean"), st.sampled_from(["0", "1"])),
)
_PIECES = [
    "较上年",
    "较年初预算数",
    "增加",
    "减少",
    "增长",
    "下降",
    "持平",
    "12.5万元",
    "1,863.30万元",
    "９９０９．１５万元",
    "15.80%",
    "3个百分点",
    "1.5亿元",
    "96.52元",
    "占",
    "。",
    "，",
    "；",
    "（",
    ")",
    "原因是",
    "主要是",
    "其中：",
    "社会保障和就业支出",
    "2021年",
    "9" * 30,
    "1E+300万元",
    "0.00万元",
    "{金额}",
    "…",
]
_PARAGRAPHS = st.lists(
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), min_size=1, max_size=60).map("".join),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


@pytest.fixture(scope="module")
def fuzz_cells(located_sample, sample_path):
    """The sample's package bytes, by part, and every value cell of its tables as (part, A1)."""
    with zipfile.ZipFile(sample_path) as package:
        parts = sheet_parts(package)[0]
        contents = {info.filename: package.read(info) for info in package.infolist()}
    cells = sorted(
        {
            (parts[table.sheet.name], value.cell)
            for table in located_sample.tables.values()
            for _, row in table.iter_rows()
            for value in row.values.values()
            if value.cell
        }
    )
    return contents, cells


def _cell_xml(reference: str, kind: str, text: str) -> str:
    if kind == "number":
        return f'<c r="{reference}" t="n"><v>{escape(text)}</v></c>'
    if kind == "text":
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(_xml_safe(text))}</t></is></c>'
    if kind == "error":
        return f'<c r="{reference}" t="e"><v>{escape(text)}</v></c>'
    if kind == "formula":  # a formula the writer never calculated: no <v>
        return f'<c r="{reference}"><f>{escape(text)}</f></c>'
    if kind == "cached":
        return f'<c r="{reference}"><f>1+1</f><v>{escape(text)}</v></c>'
    return f'<c r="{reference}" t="b"><v>{text}</v></c>'


def _xml_safe(text: str) -> str:
    """What XML 1.0 can hold (no control characters, no lone surrogates)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch >= "\U00010000"
    )


def _write(contents: dict[str, bytes], edits: list[tuple[str, str, str, str]], target: Path) -> Path:
    """A copy of the sample with each (part, A1, kind, text) cell replaced."""
    changed = dict(contents)
    for part, reference, kind, text in edits:
        xml = changed[part].decode("utf-8")
        found = re.search(rf'<c r="{reference}"(?:\s[^>]*?)?(?:/>|>.*?</c>)', xml, re.S)
        assert found, reference
        xml = xml[: found.start()] + _cell_xml(reference, kind, text) + xml[found.end() :]
        changed[part] = xml.encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in changed.items():
            package.writestr(name, data)
    return target


def _assert_well_formed(checked) -> None:
    report = checked.report
    json.dumps(report.as_dict(), ensure_ascii=False, default=str)  # every sink can write it
    assert report.verdict
    for finding in report.findings:
        assert finding.rule and finding.severity in (ERROR, WARNING, INFO), finding
        assert finding.message and re.search(r"[\u4e00-\u9fff]", finding.message), finding
        if finding.cell and not finding.cell.startswith("第"):
            parse_a1(finding.cell.split(":")[0])
        for value in (finding.expected, finding.actual, finding.difference):
            assert value is None or isinstance(value, str) or isinstance(value, Decimal) and value.is_finite(), finding
        assert finding.difference is None or isinstance(finding.difference, Decimal), finding
        for operand in finding.operands:
            assert operand.value is None or isinstance(operand.value, Decimal) and operand.value.is_finite(), operand
        assert finding.quote is None or len(finding.quote) <= 500, finding


def _check_or_refuse(*args, **kwargs):
    """A check's result, or ``None`` if it was refused in the product's own words."""
    try:
        return check(*args, **kwargs)
    except XlpluginError as refused:
        assert refused.message and re.search(r"[\u4e00-\u9fff]", refused.message)
        return None


@FUZZ
@given(data=st.data())
def test_random_cell_values_in_the_tables_never_crash_the_check(fuzz_cells, pack, data):
    contents, cells = fuzz_cells
    chosen = data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=8, unique=True), label="cells")
    values = data.draw(st.lists(_CELL_VALUES, min_size=len(chosen), max_size=len(chosen)), label="values")
    engine = data.draw(st.sampled_from(["calamine", "openpyxl"]), label="engine")
    with tempfile.TemporaryDirectory() as folder:
        workbook = _write(contents, [(p, r, k, t) for (p, r), (k, t) in zip(chosen, values)], Path(folder) / "f.xlsx")
        checked = _check_or_refuse(workbook, pack, engine=engine)
    if checked is not None:
        _assert_well_formed(checked)


@FUZZ
@given(paragraphs=_PARAGRAPHS)
def test_random_paragraphs_as_the_narrative_never_crash_the_check(sample_path, pack, paragraphs):
    with tempfile.TemporaryDirectory() as folder:
        narrative = Path(folder) / "情况说明.txt"
        narrative.write_text("\n".join(p + "。" for p in paragraphs), encoding="utf-8", errors="surrogatepass")
        checked = _check_or_refuse(sample_path, pack, narrative=narrative)
    if checked is not None:
        _assert_well_formed(checked)
