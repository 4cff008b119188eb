"""A rate the 情况说明 truncated or rounded twice is a 提示 that says so; a wrong rate stays an error.

Built from the corrected sample's own sentences: 4345 ÷ (155 + 4345) = 96.56% (printed 96.6; cut, it
would be 96.5) and 99.8 ÷ (430.82 − 99.8) = 30.149% (printed 30.1; rounded via 30.15, 30.2)."""

from __future__ import annotations

import pytest

from xlplugin.api import check
from xlplugin.core.findings import ERROR, INFO

NARRATIVE = "万盛人社局-2021-部门决算公开-更正版-情况说明.txt"


@pytest.fixture()
def narrative_with(tmp_path, corrected_path):
    def write(old: str, new: str):
        text = corrected_path.with_name(NARRATIVE).read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / "情况说明.txt"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    return write


def _about(report, words: str):
    return [f for f in report.findings if f.quote and words in f.quote]


def test_the_corrected_narrative_is_clean(corrected_path):
    narrative = corrected_path.with_name(NARRATIVE)
    assert check(corrected_path, narrative=narrative).report.valid


def test_a_truncated_rate_is_a_hint_that_names_truncation(corrected_path, narrative_with):
    report = check(corrected_path, narrative=narrative_with("下降 96.6%", "下降 96.5%")).report
    found = _about(report, "96.5%")
    assert found and all(f.severity == INFO for f in found)
    assert any("截断而非四舍五入" in f.message for f in found)
    assert report.valid


def test_a_rate_rounded_twice_is_a_hint_that_names_it(corrected_path, narrative_with):
    report = check(corrected_path, narrative=narrative_with("增长 30.1%", "增长 30.2%")).report
    found = _about(report, "30.2%")
    assert found and all(f.severity == INFO for f in found)
    assert any("两次舍入" in f.message for f in found)


def test_a_wrong_rate_is_still_an_error(corrected_path, narrative_with):
    report = check(corrected_path, narrative=narrative_with("增长 25.8%", "增长 25.9%")).report
    found = _about(report, "25.9%")
    assert found and any(f.severity == ERROR for f in found)
    assert not any("截断" in f.message or "两次舍入" in f.message for f in found)
