"""Regressions found in review: cached empty formula results, `!=` with a tolerance, digits that
only look like digits, very long operator chains, and one broken rule among many."""
from __future__ import annotations

import re
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest

import xlplugin.kinds.row_total as row_total
from xlplugin.amounts import Amount
from xlplugin.book import Book, FormulaWithoutValue
from xlplugin.engine import run_pack
from xlplugin.expressions import MAX_OPERATORS, ExpressionError, evaluate, parse
from xlplugin.intervals import Interval, Verdict, compare
from xlplugin.locate import locate_book
from xlplugin.pack import load_pack
from tests.conftest import ROOT


def iv(text: str) -> Interval:
    return Interval.of(Amount(D(text), 2))


def test_a_formula_whose_cached_result_is_empty_text_is_not_uncalculated(tmp_path):
    path = tmp_path / "formulas.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=1+1"  # openpyxl writes <f>1+1</f><v></v>: never calculated
    workbook.active["A2"] = "placeholder"
    workbook.save(path)
    # Rewrite A2 as Excel and LibreOffice save IF(…,""): a text result that is empty.
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="A2".*?</c>', b'<c r="A2" t="str"><f>IF(1,"",1)</f><v></v></c>', data)
                assert b'IF(1,"",1)' in data
            target.writestr(item, data)
    sheet = Book.open(patched, engine="openpyxl").sheets[0]
    assert isinstance(sheet.value(0, 0), FormulaWithoutValue)
    assert sheet.value(1, 0) is None


def test_not_equal_respects_a_fixed_tolerance():
    assert compare(iv("1.00"), "!=", iv("1.01"), D("0.01")) is Verdict.FAIL
    assert compare(iv("1.00"), "!=", iv("1.02"), D("0.01")) is Verdict.PASS
    assert compare(iv("1.00"), "!=", iv("1.01")) is Verdict.PASS


@pytest.mark.parametrize("text", ["² == 1", "①+1 == 2", "1２ == 12"])
def test_characters_that_only_look_like_digits_are_an_expression_error(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_operator_chains_are_bounded_and_the_bound_is_usable():
    with pytest.raises(ExpressionError, match="运算符"):
        parse("1+" * (MAX_OPERATORS + 1) + "1 == 1")
    longest = parse("1+" * (MAX_OPERATORS - 1) + "1 == " + str(MAX_OPERATORS))
    assert evaluate(longest, lambda ref: None).verdict is Verdict.PASS


def test_one_broken_rule_is_reported_as_not_run_and_the_others_still_run(monkeypatch, sample_path):
    pack = load_pack(ROOT / "rules" / "chongqing-2021")
    healthy = run_pack(pack, locate_book(Book.open(sample_path), pack.layout))

    def broken(prepared, context):
        raise RuntimeError("boom")

    monkeypatch.setattr(row_total, "check", broken)
    report = run_pack(pack, locate_book(Book.open(sample_path), pack.layout))
    row_rules = {r.id for r in pack.rules if r.kind == "row_total" and r.enabled}
    assert row_rules and {n.rule for n in report.not_run} >= row_rules
    assert all("规则执行出错" in n.reason and "boom" in n.reason for n in report.not_run if n.rule in row_rules)
    assert report.rules_run == healthy.rules_run - len(row_rules)
    assert any(f.rule not in row_rules and f.severity == "错误" for f in report.findings)
