"""Running a pack: a rule whose check raises is reported as not run, and the other rules still run."""

from __future__ import annotations

import xlplugin.engine.kinds.row_total as row_total
from tests.conftest import ROOT
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book


def test_one_broken_rule_is_reported_as_not_run_and_the_others_still_run(monkeypatch, sample_path):
    pack = load_pack(ROOT / "rules" / "chongqing-2021")
    healthy = run_pack(pack, locate_book(read_book(sample_path), pack.layout))

    def broken(prepared, context):
        raise RuntimeError("boom")

    monkeypatch.setattr(row_total, "check", broken)
    report = run_pack(pack, locate_book(read_book(sample_path), pack.layout))
    row_rules = {r.id for r in pack.rules if r.kind == "row_total" and r.enabled}
    assert row_rules and {n.rule for n in report.not_run} >= row_rules
    assert all("规则执行出错" in n.reason and "boom" in n.reason for n in report.not_run if n.rule in row_rules)
    assert report.rules_run == healthy.rules_run - len(row_rules)
    assert any(f.rule not in row_rules and f.severity == "错误" for f in report.findings)
