"""Authoring a pack of one's own (#14 part 5): a clean skeleton, layouts drafted from a filled
workbook, a test base set from a correct workbook, and a lint that reports every problem at once."""

import shutil
from pathlib import Path

import pytest

from tests.helpers import CITY, run_cli
from xlplugin.packs.authoring import set_key
from xlplugin.packs.draft_layout import draft_tables
from xlplugin.packs.lint import lint
from xlplugin.packs.load import load_pack
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples"
SAMPLE = SAMPLES / "万盛人社局-2021-部门决算公开.xlsx"
CORRECTED = SAMPLES / "万盛人社局-2021-部门决算公开-更正版.xlsx"
TABLES = [f"公开{n:02d}表" for n in range(1, 10)]


# ---------------------------------------------------------------------------------------------
# pack lint


def _skeleton(tmp_path, **options) -> Path:
    folder = tmp_path / "own"
    extra = [x for key, value in options.items() for x in (f"--{key}", value)]
    result = run_cli(
        "pack", "new", folder, "--id", "myregion-2022", "--name", "某区校验规则", "--extends", "none", *extra
    )
    assert result.exit_code == 0, result.output
    return folder


def test_lint_reports_problems_in_three_files_in_one_run(tmp_path):
    folder = _skeleton(tmp_path, year="2022", region="某区")
    manifest = folder / "pack.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 一"), encoding="utf-8")
    rules = folder / "rules" / "本地规则.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + "  - id: LOCAL-02\n    name: 第二条\n    kind: column_sum\n    severity: 错误\n"
        + "  - id: LOCAL-03\n    name: 第三条\n    kind: expression\n    severity: 严重\n    expr: 1 == 1\n",
        encoding="utf-8",
    )
    table = folder / "tables" / "示例表.yaml"
    table.write_text(table.read_text(encoding="utf-8").replace("widths: [30, 16]", "widths: [30]"), encoding="utf-8")
    result = run_cli("pack", "lint", folder)
    assert result.exit_code == 2, result.output
    for where, words in [
        (f"{manifest}:3:", "version 必须是语义化版本号"),
        (f"{rules}:11:", "未知的规则类型“column_sum”"),
        (f"{rules}:16:", "severity 只能是"),
        (f"{table}:11:", "widths 必须是 2 个数字"),
    ]:
        assert any(where in line and words in line for line in result.output.splitlines()), (where, result.output)
    assert "共 4 个问题" in result.output


def test_lint_counts_only_the_cases_that_are_written(tmp_path):
    folder = _skeleton(tmp_path, year="2022", region="某区")
    cases = folder / "tests" / "cases.yaml"
    text = cases.read_text(encoding="utf-8")
    cases.write_text(text[: text.index("  fail:")], encoding="utf-8")  # only the passing case
    report = lint(folder)
    assert report.problems == [] and report.cases == 1 and report.missing == ["LOCAL-01"]
    derived = tmp_path / "district"
    run_cli("pack", "new", derived, "--id", "district-2021", "--name", "某区补充规则")
    city = lint(CITY)
    assert city.problems == [] and city.missing == []
    assert lint(derived).cases == city.cases + 2


# ---------------------------------------------------------------------------------------------
# pack new --extends none


def test_a_pack_of_ones_own_has_nothing_of_another_region(tmp_path):
    folder = _skeleton(tmp_path)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".xlsx"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "重庆" not in text and "chongqing" not in text and "cq-2021" not in text, path
    layout = load_layout(folder / "template.yaml")
    assert layout.id == "myregion-2022" and "某区校验规则" in layout.name
    assert [t.id for t in layout.tables] == ["示例表"]
    pack = load_pack(folder)
    assert pack.id == "myregion-2022" and pack.test_base is None and [r.id for r in pack.rules] == ["LOCAL-01"]
    result = run_cli("pack", "lint", folder)
    assert result.exit_code == 1 and "错误：" not in result.output, result.output  # only what to fill in
    todo = [line for line in result.output.splitlines() if line.startswith("待填写：")]
    assert any("region" in line for line in todo) and any("issuer" in line for line in todo)
    assert any("year" in line for line in todo) and any("test_base" in line for line in todo)
    assert any("示例表" in line and "pack layout" in line for line in todo)


# ---------------------------------------------------------------------------------------------
# pack layout


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafted")
    result = run_cli("pack", "layout", SAMPLE, "-o", folder)
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_the_draft_loads_and_finds_every_table_of_its_workbook(drafted):
    folder, output = drafted
    layout = load_layout(folder)
    assert [t.id for t in layout.tables] == TABLES and layout.year == 2021
    located = locate_book(read_book(SAMPLE), layout)
    assert sorted(located.tables) == TABLES and not located.not_found
    assert [p.message for t in located.tables.values() for p in t.problems] == []
    assert "找到 9 张表" in output and "未起草：情况说明" in output and "未起草：部门整体绩效自评表" in output
    skipped = draft_tables(read_book(SAMPLE)).skipped
    assert set(skipped) == {"情况说明", "部门整体绩效自评表", "一级项目绩效自评表", "二级项目绩效自评表"}


@pytest.mark.parametrize("table_id", ["公开01表", "公开02表", "公开05表", "公开06表", "公开09表"])
def test_the_draft_reads_the_table_as_the_city_layout_does(drafted, table_id):
    draft = load_layout(drafted[0]).table(table_id)
    city = load_layout(CITY / "template.yaml").table(table_id)
    book = read_book(SAMPLE)
    mine = locate_book(book, load_layout(drafted[0])).tables[table_id]
    theirs = locate_book(book, load_layout(CITY / "template.yaml")).tables[table_id]
    assert (draft.title, draft.unit, draft.decimals, draft.note) == (city.title, city.unit, city.decimals, city.note)
    assert draft.header == city.header
    assert [len(b.columns) for b in draft.blocks] == [len(b.columns) for b in city.blocks]
    for block, city_block in zip(draft.blocks, city.blocks):
        assert block.keyed == city_block.keyed
        for column, city_column in zip(block.columns, city_block.columns):
            assert column.role == city_column.role
            assert column.header[-1] in (city_column.header[-1], *city_column.aliases)
            assert city_column.header[-1] in column.header or column.header[-1] in city_column.aliases
        # the same sheet columns
        assert list(mine.blocks[block.id].columns.values()) == list(theirs.blocks[city_block.id].columns.values())
        if not block.keyed and city_block.code_column is not None:
            assert [r.code for r in block.rows] == [r.code for r in city_block.rows]
        if table_id == "公开09表":
            assert [(r.label, r.na) for r in block.rows] == [(r.label, r.na) for r in city_block.rows]
    if table_id == "公开06表":
        assert [(c.label, c.block, c.column) for c in draft.cells] == [
            ("人员经费合计", draft.blocks[0].id, "金额"),
            ("公用经费合计", draft.blocks[2].id, "金额"),
        ]


def test_layout_keeps_existing_files_unless_forced(tmp_path):
    folder = _skeleton(tmp_path, year="2021", region="某区")
    result = run_cli("pack", "layout", CORRECTED, "-o", folder)
    assert result.exit_code == 2 and "--force" in result.output
    assert "示例表" in (folder / "template.yaml").read_text(encoding="utf-8")
    assert run_cli("pack", "layout", CORRECTED, "-o", folder, "--force").exit_code == 0
    layout = load_layout(folder)
    assert layout.id == "myregion-2022" and layout.region == "某区" and [t.id for t in layout.tables] == TABLES


# ---------------------------------------------------------------------------------------------
# pack base


def test_base_is_refused_with_errors_and_set_from_a_correct_workbook(tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    manifest = folder / "pack.yaml"
    before = manifest.read_text(encoding="utf-8")
    result = run_cli("pack", "base", SAMPLE, "--pack", folder)
    assert result.exit_code == 1 and "未设定" in result.output and "错误：" in result.output, result.output
    assert manifest.read_text(encoding="utf-8") == before
    assert not (folder / "tests" / SAMPLE.name).exists()
    result = run_cli("pack", "base", CORRECTED, "--pack", folder)
    assert result.exit_code == 0, result.output
    after = manifest.read_text(encoding="utf-8")
    assert f"test_base: tests/{CORRECTED.name}\n" in after
    assert after.replace(f"test_base: tests/{CORRECTED.name}", "test_base: tests/基准-更正版.xlsx") == before
    assert load_pack(folder).test_base == (folder / "tests" / CORRECTED.name).resolve()
    assert run_cli("pack", "base", SAMPLE, "--pack", folder, "--force").exit_code == 0
    assert f"test_base: tests/{SAMPLE.name}\n" in manifest.read_text(encoding="utf-8")


def test_the_whole_way_from_a_skeleton_to_passing_cases(tmp_path):
    folder = _skeleton(tmp_path, year="2021", region="某区")
    assert run_cli("pack", "layout", CORRECTED, "-o", folder, "--force").exit_code == 0
    for name, old, new in [
        (
            "rules/本地规则.yaml",
            "示例表[本年支出合计].决算数 <= 示例表[本年收入合计].决算数",
            "公开09表[会议费].决算数 <= 5",
        ),
        ("tests/cases.yaml", "示例表[本年支出合计].决算数: 999999", "公开09表[会议费].决算数: 6"),
    ]:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert run_cli("pack", "base", CORRECTED, "--pack", folder).exit_code == 0
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert f"test_base: tests/{CORRECTED.name}\n" in text and "# test_base" not in text
    result = run_cli("pack", "test", folder)
    assert result.exit_code == 0, result.output
    lint_result = run_cli("pack", "lint", folder)
    assert "2 个用例" in lint_result.output and "错误：" not in lint_result.output


def test_set_key_edits_one_line_and_keeps_the_rest():
    text = "# 注释\nid: x  # 标识\ntests: tests/cases.yaml\ntest_base: old.xlsx   # 底稿\nrules:\n  - a.yaml\n"
    assert set_key(text, "test_base", "tests/新.xlsx") == text.replace("old.xlsx", "tests/新.xlsx")
    added = set_key("id: x\ntests: t.yaml\nrules: []\n", "test_base", "tests/b.xlsx")
    assert added == "id: x\ntests: t.yaml\ntest_base: tests/b.xlsx\nrules: []\n"
    assert set_key("id: x", "test_base", "b c.xlsx") == 'id: x\ntest_base: "b c.xlsx"\n'
