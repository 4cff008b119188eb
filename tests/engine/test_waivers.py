"""Waivers (豁免): a bureau accepts findings for one unit, as data. Reading the file (safe YAML, every
mistake one Chinese sentence naming file:line) and applying it to a real report of the sample."""

from __future__ import annotations

import copy
import hashlib

import pytest

from xlplugin.api import check
from xlplugin.core.errors import PackError
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.engine.waivers import Waiver, apply_waivers, load_waivers, parse_waivers
from xlplugin.output.marks import location

EXAMPLE = """\
# 财政局接受的结果
- 单位: 万盛人社局-2021-部门决算公开.xlsx   # 文件名
  规则: CQ05-02
  位置: 公开05表！d19
  理由: 职业年金按财政局口径列项目支出
  批准: 预算科 张三
  日期: 2026-12-01

- 单位: 重庆市万盛经济技术开发区人力资源和社会保障局   # 单位名
  规则: CQN-02
  理由: "序号按本区口径"
"""


@pytest.fixture(scope="module")
def sample(sample_path):
    return check(sample_path)


def _fresh(checked):
    """A copy of the sample's report to apply waivers to (the fixture's stays as checked)."""
    return copy.deepcopy(checked.report)


def test_the_example_file_reads_as_written(tmp_path):
    path = tmp_path / "豁免.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    waivers = load_waivers(path)
    assert waivers.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    first, second = waivers.entries
    assert first == Waiver(
        unit="万盛人社局-2021-部门决算公开.xlsx",
        rule="CQ05-02",
        reason="职业年金按财政局口径列项目支出",
        location="公开05表!D19",  # full-width ！ and a lower-case cell read as the 位置 column writes them
        by="预算科 张三",
        date="2026-12-01",  # a date is the text written, not a timestamp
        line=2,
    )
    assert (second.location, second.by, second.date, second.line) == ("", "", "", 9)
    assert waivers.as_dict() == {"file": "豁免.yaml", "sha256": waivers.sha256}
    assert waivers.where(second) == f"{path}:9"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("单位: a\n规则: b\n", 1, "豁免文件应是一个列表"),
        ("- 单位: a\n  规则: b\n", 1, "第 1 条豁免缺少必填的键“理由”"),
        ("- 单位: a\n  规则: b\n  理由: c\n  备注: d\n", 4, "第 1 条豁免中有未知的键“备注”"),
        ("- 单位: a\n  规则: b\n  理由:\n", 3, "第 1 条豁免的“理由”是空的"),
        ("- 单位: a\n  规则: [b, c]\n  理由: d\n", 2, "第 1 条豁免的“规则”应是一段文字"),
        ("- 单位: a\n  规则: b\n  理由: c\n  位置: 公开05表!19D\n", 4, "位置“公开05表!19D”写法不对"),
        ("- 单位: a\n  规则: b\n  理由: c\n- 单位: a\n  规则: b\n  理由: 又一次\n", 4, "与第 1 行的豁免重复"),
        ("- just text\n", 1, "每条豁免应是“键: 值”的形式"),
        ("- 单位: a\n  规则: b\n\t理由: c\n", 3, "不能用制表符（Tab）缩进"),
        ("- &x 单位: a\n", 1, "不允许使用锚点/别名"),
        ("- 单位: !!python/object:os.system a\n  规则: b\n  理由: c\n", 1, "不允许的 YAML 标签"),
        ("- 单位: a\n  单位: b\n", 2, "键“单位”重复出现"),
    ],
)
def test_every_mistake_is_one_chinese_sentence_at_its_line(text, line, words):
    with pytest.raises(PackError) as raised:
        parse_waivers(text, "豁免.yaml")
    assert raised.value.message.startswith(f"豁免.yaml:{line}: ") and words in raised.value.message


def test_files_that_cannot_be_read(tmp_path):
    for path, words in (
        (tmp_path / "没有.yaml", "豁免文件不存在"),
        (tmp_path, "是文件夹，不是豁免文件"),
    ):
        with pytest.raises(PackError, match=words):
            load_waivers(path)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("- 单位: 甲\n".encode("gb18030"))
    with pytest.raises(PackError, match="不是 UTF-8 编码"):
        load_waivers(gbk)
    empty = tmp_path / "空.yaml"
    empty.write_text("# 还没有豁免\n", encoding="utf-8")
    assert load_waivers(empty).entries == ()


def test_a_waiver_with_a_location_moves_that_finding_only(sample):
    report = _fresh(sample)
    before = [(f.rule, f.location) for f in report.findings]
    target = next(f for f in report.findings if f.rule == "CQ05-02" and f.severity == ERROR)
    waivers = parse_waivers(
        f"- 单位: {report.workbook}\n  规则: CQ05-02\n  位置: {target.location}\n  理由: 口径不同\n"
        "  批准: 预算科\n  日期: 2026-12-01\n"
    )
    used = apply_waivers(report, waivers, [report.workbook])
    assert used == list(waivers.entries)
    assert [w.finding.location for w in report.waived] == [target.location]
    assert [(f.rule, f.location) for f in report.findings] == [
        key for key in before if key != ("CQ05-02", target.location)
    ]
    assert report.count(ERROR) == sample.report.count(ERROR) - 1 and report.waiver_notices == []
    document = report.as_dict()
    assert document["summary"]["waived"] == 1 and document["summary"]["errors"] == sample.report.count(ERROR) - 1
    assert document["waived"][0]["waiver"] == {"reason": "口径不同", "by": "预算科", "date": "2026-12-01"}
    assert document["waived"][0]["rule"] == "CQ05-02" and document["waivers"]["sha256"] == waivers.sha256


def test_a_waiver_without_a_location_covers_every_location_of_its_rule(sample):
    report = _fresh(sample)
    rule = "CQN-02"
    count = sum(1 for f in report.findings if f.rule == rule)
    assert count > 1
    apply_waivers(
        report, parse_waivers(f"- 单位: 某单位\n  规则: {rule}\n  理由: 序号按本区口径\n"), ["x.xlsx", "某单位"]
    )
    assert len(report.waived) == count and not any(f.rule == rule for f in report.findings)
    assert report.count(WARNING) == sample.report.count(WARNING) - count


def test_other_units_waivers_do_not_apply(sample):
    report = _fresh(sample)
    waivers = parse_waivers("- 单位: 别的单位.xlsx\n  规则: CQ05-02\n  理由: x\n")
    assert apply_waivers(report, waivers, [report.workbook]) == []
    assert (
        report.waived == []
        and report.waiver_notices == []
        and report.as_dict()
        == sample.report.as_dict()
        | {
            "waivers": waivers.as_dict(),
            "waiver_notices": [],
        }
    )


def test_waiving_every_error_passes_the_workbook(sample):
    report = _fresh(sample)
    errors = [f for f in report.findings if f.severity == ERROR]
    text = "".join(
        f"- 单位: {report.workbook}\n  规则: {f.rule}\n  位置: {f.location}\n  理由: 已核实\n" for f in errors
    )
    apply_waivers(report, parse_waivers(text), [report.workbook])
    assert report.count(ERROR) == 0 and report.valid and report.exit_code == 0
    assert report.verdict.startswith("通过") and len(report.waived) == len(errors)


def test_a_stale_waiver_is_a_notice_naming_its_line(sample):
    report = _fresh(sample)
    waivers = parse_waivers(
        f"- 单位: {report.workbook}\n  规则: CQ05-02\n  理由: 有用\n"
        f"- 单位: {report.workbook}\n  规则: CQ01-01\n  位置: 公开01表!C5\n  理由: 早已改正\n",
        "豁免.yaml",
    )
    used = apply_waivers(report, waivers, [report.workbook])
    assert [w.line for w in used] == [1]
    assert report.waiver_notices == [
        "豁免.yaml:4: 豁免（单位 万盛人社局-2021-部门决算公开.xlsx、规则 CQ01-01、位置 公开01表!C5）没有对应的结果："
        "问题可能已经改正，或规则、位置写得不对；核对后可以删除这条豁免。"
    ]


def test_a_specific_waiver_is_tried_before_a_general_one(sample):
    report = _fresh(sample)
    target = next(f for f in report.findings if f.rule == "CQ05-02")
    waivers = parse_waivers(
        f"- 单位: u\n  规则: CQ05-02\n  理由: 全部\n- 单位: u\n  规则: CQ05-02\n  位置: {target.location}\n  理由: 这一格\n"
    )
    apply_waivers(report, waivers, ["u"])
    reasons = {w.finding.location: w.reason for w in report.waived}
    assert reasons[target.location] == "这一格"
    assert all(reason == "全部" for where, reason in reasons.items() if where != target.location)


def test_the_finding_location_is_the_result_sheets(sample):
    """Waivers match Finding.location; 说明 are read by the 校验结果 sheet's 位置 (marks.location): one text."""
    findings = sample.report.findings
    assert findings and all(f.location == location(f) for f in findings)
