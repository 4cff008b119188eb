"""A malformed 绩效自评表 layout (``tables/绩效自评表.yaml``), or a value of the wrong type in
``template.yaml``, fails with a PackError that names the file and the line of the key — never with a
Python error (``kinds: [a, b]`` used to end in AttributeError)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from tools.build_workbooks import LAYOUT
from xlplugin.core.errors import PackError
from xlplugin.workbook.layout_load import load_layout, load_selfeval
from xlplugin.workbook.selfeval import SelfEvalSpec

SELFEVAL = "tables/绩效自评表.yaml"


@pytest.fixture
def layout_copy(tmp_path) -> Path:
    target = tmp_path / "layout"
    shutil.copytree(LAYOUT, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _edit_block(path: Path, key: str, new: str) -> None:
    """Replace the line ``key:`` and every more indented line after it by ``new``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip() == key)
    indent = len(key) - len(key.lstrip())
    end = start + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    lines[start:end] = [new + "\n"]
    path.write_text("".join(lines), encoding="utf-8")


def _assert_names_file_and_line(error: PackError, path: Path, line: int, code: str, words: str) -> None:
    assert error.code == code, error.message
    assert Path(error.path) == path
    assert error.line == line, error.message
    assert error.message.startswith(f"{path}:{line}: "), error.message  # what the CLI prints after 错误：
    assert words in error.message


# (edit: a replaced text or, with `block`, a replaced key and everything under it; the line and code of the
# error; words its message must contain)
SELFEVAL_CASES = {
    "kinds is a list": ("kinds:", "kinds: [a, b]", True, 3, "bad-layout", "kinds 必须是“种类名: 定义”的映射"),
    "kinds is empty": ("kinds:", "kinds: {}", True, 3, "bad-layout", "至少一种"),
    "a kind is a list": ("  项目:", "  项目: [项目绩效自评表]", True, 9, "bad-layout", "绩效自评表种类“项目”"),
    "a kind has an unknown key": (
        "    sheet: 项目绩效自评表",
        "    sheet: 项目绩效自评表\n    colour: red",
        False,
        11,
        "unknown-key",
        "colour",
    ),
    "sheet is a list": ("    sheet: 项目绩效自评表", "    sheet: [项目绩效自评表]", False, 10, "bad-layout", "“sheet”"),
    "titles is a mapping": (
        "titles: [部门整体绩效自评表]",
        "titles: {标题: 部门整体绩效自评表}",
        False,
        6,
        "bad-layout",
        "“titles”",
    ),
    "titles is empty": ("titles: [部门整体绩效自评表]", "titles: []", False, 6, "bad-layout", "标题不能为空"),
    "a title names two kinds": (
        "titles: [项目绩效自评表, 一级项目绩效自评表",
        "titles: [部门整体 绩效自评表, 一级项目绩效自评表",  # the same title to the reader, which ignores spaces
        False,
        11,
        "duplicate-id",
        "“部门整体 绩效自评表”同时属于“部门整体”和“项目”",
    ),
    "fields is one flat row": (
        "fields: [[主管部门, 联系人, 联系电话, 自评总分]]",
        "fields: [主管部门, 联系人, 联系电话, 自评总分]",
        False,
        7,
        "bad-layout",
        "fields 必须是若干行",
    ),
    "fields has an empty row": (
        "fields: [[主管部门, 联系人, 联系电话, 自评总分]]",
        "fields: [[主管部门, 联系人], []]",
        False,
        7,
        "bad-layout",
        "fields 必须是若干行",
    ),
    "a field label is a mapping": (
        "fields: [[主管部门, 联系人, 联系电话, 自评总分]]",
        "fields: [[主管部门, {联系人: 电话}]]",
        False,
        7,
        "bad-layout",
        "“fields 第 1 行”必须是文字或文字列表",
    ),
    "targets is a mapping": (
        "targets: [年初绩效目标, 全年(调整)绩效目标, 全年目标实际完成情况]",
        "targets: {年初绩效目标: 1}",
        False,
        8,
        "bad-layout",
        "“targets”",
    ),
    "funds is a list": ("funds:", "funds: [年初预算数]", True, 14, "bad-layout", "funds（资金情况）必须是"),
    "funds columns are nested lists": (
        "  columns: [年初预算数, 全年(调整)预算数",
        "  columns: [[年初预算数], 全年(调整)预算数",
        False,
        16,
        "bad-layout",
        "“columns”必须是文字或文字列表",
    ),
    "funds columns are missing": (
        "  columns: [年初预算数, 全年(调整)预算数, 全年执行数, 执行率(%), 执行率权重, 执行率得分]\n",
        "",
        False,
        15,  # the line the mapping starts on
        "missing-key",
        "资金情况缺少必填的键“columns”",
    ),
    "funds label is a list": ("  label: 资金情况(万元)", "  label: [资金情况]", False, 15, "bad-layout", "“label”"),
    "indicators is a word": (
        "indicators:",
        "indicators: 绩效指标",
        True,
        17,
        "bad-layout",
        "indicators（绩效指标）必须是",
    ),
    "indicators lack a column the rules read": (
        "是否调整, 全年完成值, 指标得分]",
        "是否调整, 全年完成值]",
        False,
        19,
        "bad-layout",
        "必须包括“指标得分”",
    ),
    "an indicator column is repeated": (
        "是否调整, 全年完成值, 指标得分]",
        "是否调整, 全年完成值, 指标得分, 序号]",
        False,
        19,
        "duplicate-id",
        "“序号”重复出现",
    ),
    "aliases is a list": (
        "  aliases: {序号: [绩效指标], 指标得分: [指标得分(分)], 全年完成值: [完成值], 指标权重: [权重]}",
        "  aliases: [绩效指标, 权重]",
        False,
        20,
        "bad-layout",
        "aliases 必须是“列名: [表中的其他写法…]”的映射",
    ),
    "an alias names no column": (
        "  aliases: {序号: [绩效指标]",
        "  aliases: {得分率: [得分比例], 序号: [绩效指标]",
        False,
        20,
        "unknown-column",
        "“得分率”不是绩效指标的列",
    ),
    "an alias is a mapping": (
        "  aliases: {序号: [绩效指标]",
        "  aliases: {序号: {绩效指标: 1}",
        False,
        20,
        "bad-layout",
        "“序号”必须是文字或文字列表",
    ),
    "template_rows is a word": ("  template_rows: 20", "  template_rows: 二十", False, 21, "bad-layout", "非负整数"),
    "template_rows is negative": ("  template_rows: 20", "  template_rows: -1", False, 21, "bad-layout", "非负整数"),
    "widths are too few": (
        "widths: [8, 12, 40, 12, 10, 9, 9, 9, 24, 10]",
        "widths: [8, 12]",
        False,
        22,
        "bad-layout",
        "10 个正数",
    ),
    "a width is a word": (
        "widths: [8, 12, 40,",
        "widths: [8, 宽, 40,",
        False,
        22,
        "bad-layout",
        "widths 必须是 10 个正数",
    ),
    "a width is zero": ("widths: [8, 12, 40,", "widths: [0, 12, 40,", False, 22, "bad-layout", "正数"),
    "widths is a mapping": (
        "widths: [8, 12, 40, 12, 10, 9, 9, 9, 24, 10]",
        "widths: {序号: 8}",
        False,
        22,
        "bad-layout",
        "widths 必须是",
    ),
}


@pytest.mark.parametrize("case", SELFEVAL_CASES.values(), ids=SELFEVAL_CASES.keys())
def test_malformed_selfeval_layouts_name_file_and_line(layout_copy, case):
    old, new, block, line, code, words = case
    path = layout_copy / SELFEVAL
    if block:
        _edit_block(path, old, new)
    else:
        _edit(path, old, new)
    with pytest.raises(PackError) as caught:
        load_layout(layout_copy)
    _assert_names_file_and_line(caught.value, path, line, code, words)


TEMPLATE_CASES = {
    "year is a word": ("year: 2021", "year: 二〇二一", 6, "“year”必须是非负整数"),
    "id is a list": ("id: chongqing-2021", "id: [chongqing-2021]", 4, "“id”必须是文字"),
    "name is empty": ("name: 重庆市部门决算公开表（2021年度）", "name: ~", 5, "“name”不能为空"),
    "the narrative sheet is a list": ("  sheet: 情况说明", "  sheet: [情况说明]", 10, "“sheet”必须是文字"),
    "the narrative aliases are a mapping": (
        "  aliases: [部门决算情况说明, 决算情况说明]",
        "  aliases: {部门决算情况说明: 1}",
        11,
        "“aliases”必须是文字或文字列表",
    ),
    "selfeval is a list": (
        "selfeval: tables/绩效自评表.yaml",
        "selfeval: [tables/绩效自评表.yaml]",
        21,
        "“selfeval”必须是文字",
    ),
}


@pytest.mark.parametrize("case", TEMPLATE_CASES.values(), ids=TEMPLATE_CASES.keys())
def test_wrong_types_in_template_yaml_name_file_and_line(layout_copy, case):
    old, new, line, words = case
    path = layout_copy / "template.yaml"
    _edit(path, old, new)
    with pytest.raises(PackError) as caught:
        load_layout(layout_copy)
    _assert_names_file_and_line(caught.value, path, line, "bad-layout", words)


def test_the_bundled_selfeval_layout_loads_as_written():
    spec = load_selfeval(LAYOUT / SELFEVAL)
    assert [k.name for k in spec.kinds] == ["部门整体", "项目"]
    assert spec.kind("项目").fields == (("项目名称", "实施单位", "自评总分"), ("主管部门", "联系人", "联系电话"))
    assert spec.kind("部门整体").sheet == "部门整体绩效自评表"
    assert spec.funds_label == "资金情况(万元)" and spec.funds[2] == "全年执行数"
    assert spec.aliases["指标得分"] == ("指标得分(分)",)
    assert spec.widths[:3] == (8.0, 12.0, 40.0) and len(spec.widths) == len(spec.indicators) == 10
    assert spec.template_rows == 20


def test_defaults_of_the_optional_keys(tmp_path):
    path = tmp_path / "绩效自评表.yaml"
    path.write_text(
        "kinds:\n  项目: {titles: 项目绩效自评表, fields: [[项目名称]]}\n"
        "funds: {columns: [全年执行数]}\n"
        "indicators: {columns: [序号, 指标名称, 指标值, 指标性质, 指标权重, 全年完成值, 指标得分]}\n",
        encoding="utf-8",
    )
    spec = load_selfeval(path)
    kind = spec.kind("项目")
    assert (kind.sheet, kind.titles, kind.targets) == ("项目", ("项目绩效自评表",), ())  # one title as a word
    assert (spec.funds_label, spec.indicators_label) == ("资金情况(万元)", "绩效指标")
    assert spec.aliases == {} and spec.template_rows == 20 and spec.widths == (12.0,) * 7


# Values of every type but the right one, put in place of each key and of the first items of each list.
WRONG = [None, True, 7, -1, 1.5, "文字", [], ["甲", "乙"], [["甲"]], [{"甲": 1}], {}, {"甲": 1}, {"甲": [1]}]


def _places(node, at=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from _places(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            yield (*at, index)
            yield from _places(value, (*at, index))


def test_a_wrong_value_anywhere_in_the_selfeval_layout_is_a_pack_error_with_a_line(tmp_path):
    """Every key and list item of the bundled file, replaced by a value of each wrong type: the file
    either still makes sense (a single title for a list of titles) or is refused with file and line."""
    original = yaml.safe_load((LAYOUT / SELFEVAL).read_text(encoding="utf-8"))
    path = tmp_path / "绩效自评表.yaml"
    refused = loaded = 0
    for place in _places(original):
        for value in WRONG:
            data = copy.deepcopy(original)
            parent = data
            for step in place[:-1]:
                parent = parent[step]
            parent[place[-1]] = value
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            path.write_text(text, encoding="utf-8")
            try:
                spec = load_selfeval(path)
            except PackError as error:
                assert Path(error.path) == path and error.line, (place, value, error.message)
                assert 1 <= error.line <= text.count("\n"), (place, value, error.message)
                refused += 1
            else:  # what is accepted is what the reader and the drawing rely on
                _assert_well_formed(spec)
                loaded += 1
    assert refused and loaded  # both happen: a word or number is a fine title, a mapping never is


def _assert_well_formed(spec: SelfEvalSpec) -> None:
    def texts(values) -> bool:
        return isinstance(values, tuple) and len(values) > 0 and all(isinstance(v, str) for v in values)

    assert spec.kinds and all(texts(k.titles) and k.fields and all(map(texts, k.fields)) for k in spec.kinds)
    assert all(isinstance(k.name, str) and isinstance(k.sheet, str) for k in spec.kinds)
    assert all(isinstance(k.targets, tuple) and all(isinstance(t, str) for t in k.targets) for k in spec.kinds)
    assert texts(spec.funds) and texts(spec.indicators)
    assert isinstance(spec.funds_label, str) and isinstance(spec.indicators_label, str)
    assert all(column in spec.indicators and texts((*other, "")) for column, other in spec.aliases.items())
    assert len(spec.widths) == len(spec.indicators) and all(isinstance(w, float) and w > 0 for w in spec.widths)
    assert isinstance(spec.template_rows, int) and spec.template_rows >= 0


def test_the_command_prints_the_file_and_line_of_the_issue(layout_copy, sample_path, monkeypatch, capsys):
    """The issue as a user met it: ``kinds: [a, b]`` made ``xlplugin tables`` end in an internal error."""
    from xlplugin.doors.cli import main

    path = layout_copy / SELFEVAL
    _edit_block(path, "kinds:", "kinds: [a, b]")
    monkeypatch.setattr("sys.argv", ["xlplugin", "tables", str(sample_path), "--layout", str(layout_copy)])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{path}:3: kinds 必须是“种类名: 定义”的映射") and "内部错误" not in err
