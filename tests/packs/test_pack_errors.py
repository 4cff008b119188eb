"""A malformed pack fails with file, line and rule id — case by case."""

import shutil
from pathlib import Path

import pytest

from xlplugin.core.errors import PackError
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS

PACK = BUNDLED_PACKS / "chongqing-2021"


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target, ignore=shutil.ignore_patterns("*.xlsx"))
    return target


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


CASES = [
    # file, old, new, error code, rule id, words in the message, line offset from the edit
    (
        "rules/公开01表.yaml",
        "    kind: column_total\n    severity: 错误\n    table: 公开01表\n    block: 收入\n    total: 本年收入合计",
        "    kind: column_sum\n    severity: 错误\n    table: 公开01表\n    block: 收入\n    total: 本年收入合计",
        "unknown-kind",
        "CQ01-01",
        "未知的规则类型“column_sum”",
        0,
    ),
    (
        "rules/公开02-03表.yaml",
        "    table: 公开02表\n    total: 本年收入合计",
        "    table: 公开20表\n    total: 本年收入合计",
        "unknown-table",
        "CQ02-01",
        "表样中没有“公开20表”",
        None,
    ),
    (
        "rules/公开02-03表.yaml",
        "    parts: [基本支出, 项目支出, 上缴上级支出",
        "    parts: [基本支出, 项目支出, 上缴支出",
        "unknown-column",
        "CQ03-01",
        "没有数值列“上缴支出”",
        None,
    ),
    (
        "rules/表间.yaml",
        "公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入合计",
        "公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入",
        "unknown-column",
        "CQX-01",
        "没有数值列“本年收入”",
        None,
    ),
    (
        "rules/表间.yaml",
        "公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入合计",
        "公开01表[收入/本年收入合计].决算数 == == 公开02表[合计].本年收入合计",
        "bad-expression",
        "CQX-01",
        "expr 写法有误",
        None,
    ),
    (
        "rules/表间.yaml",
        "公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入合计",
        "公开01表[本年收入总计].决算数 == 公开02表[合计].本年收入合计",
        "unknown-row",
        "CQX-01",
        "没有行“本年收入总计”",
        None,
    ),
    (
        "rules/表间.yaml",
        "公开05表[合计].基本支出 == 公开06表[人员经费合计]",
        "公开05表[合计].基本支出 == 公开06表[人员合计]",
        "unknown-cell",
        "CQX-14",
        "没有名为“人员合计”的单格",
        None,
    ),
    (
        "rules/表间.yaml",
        "公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入合计",
        "公开01表[总计].决算数 == 公开02表[合计].本年收入合计",
        "ambiguous-block",
        "CQX-01",
        "请写成 公开01表[区块/总计]",
        None,
    ),
    (
        "rules/公开01表.yaml",
        "  - id: CQ01-02\n    name: 收入总计等于本年收入合计加结余与结转\n    kind: column_total\n    severity: 错误",
        "  - id: CQ01-02\n    name: 收入总计等于本年收入合计加结余与结转\n    kind: column_total\n    severity: 严重",
        "bad-severity",
        "CQ01-02",
        "severity 只能是",
        3,
    ),
    (
        "rules/公开01表.yaml",
        "    explanation: 收入总计 = 本年收入合计",
        "    colour: red\n    explanation: 收入总计 = 本年收入合计",
        "unknown-param",
        "CQ01-02",
        "没有参数“colour”",
        0,
    ),
    (
        "rules/公开01表.yaml",
        "    explanation: 收支总表两边必须平衡。",
        "    message: 不平衡 {delta}\n    explanation: 收支总表两边必须平衡。",
        "bad-message",
        "CQ01-05",
        "“{delta}”不可用",
        0,
    ),
    ("rules/公开01表.yaml", "  - id: CQ01-02\n", "  - id: CQ01-01\n", "duplicate-rule", "CQ01-01", "重复", 0),
    (
        "rules/公开05-08表.yaml",
        "    block: 人员经费\n",
        "    block: 人员\n",
        "unknown-block",
        "CQ06-01",
        "没有区块“人员”",
        None,
    ),
    (
        "rules/公开09表.yaml",
        "      - 公开09表[会议费].预算数",
        "      - 公开09表[会议费].预算数 + 1",
        "bad-expression",
        "CQ09-18",
        "不是单元格引用",
        None,
    ),
    (
        "rules/公开01表.yaml",
        "    name: 本年收入合计等于各项收入之和\n",
        '    name: 本年收入合计等于各项收入之和\n    enabled: "false"\n',
        "bad-param",
        "CQ01-01",
        "enabled 只能写 true 或 false",
        1,
    ),
    (
        "rules/绩效自评.yaml",
        "    checks: [blank, within_weight]",
        "    checks: [blank, within_weights]",
        "bad-param",
        "CQP-10",
        "未知的检查“within_weights”（可用：",
        0,
    ),
    (
        "rules/情况说明.yaml",
        "    checks: [leftovers]",
        "    checks: [leftover]",
        "bad-param",
        "CQW-91",
        "未知的检查“leftover”",
        0,
    ),
]


@pytest.mark.parametrize("file, old, new, code, rule, words, offset", CASES, ids=[c[3] + "-" + c[4] for c in CASES])
def test_malformed_rules(pack_copy, file, old, new, code, rule, words, offset):
    line = _replace(pack_copy / file, old, new)
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    error = caught.value
    assert error.code == code
    assert error.path.endswith(Path(file).name)
    assert f"规则 {rule}：" in error.message
    assert words in error.message
    if offset is not None:
        assert error.line == line + offset
    else:
        assert error.line is not None


def test_bad_yaml_names_file_and_line(pack_copy):
    line = _replace(
        pack_copy / "rules/公开09表.yaml", "    name: 车辆数合计不少于公务用车保有量", "    name: [车辆数合计"
    )
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.code == "bad-yaml" and caught.value.path.endswith("公开09表.yaml")
    assert caught.value.line in (line, line + 1)


def test_manifest_problems(pack_copy):
    _replace(pack_copy / "pack.yaml", "  - rules/名称.yaml", "  - ../../outside.yaml")
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.code == "path-escape" and caught.value.path.endswith("pack.yaml")


def test_a_pack_cannot_name_code(pack_copy):
    _replace(
        pack_copy / "rules/公开01表.yaml",
        "    explanation: 收支总表两边必须平衡。",
        "    explanation: !!python/object/apply:os.system [echo pwned]",
    )
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.code == "yaml-tag"
