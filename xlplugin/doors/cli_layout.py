"""``xlplugin tables`` and ``xlplugin template``: the layout (表样) of a pack, found in a workbook or
written out as a blank workbook."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xlplugin.core.errors import EXIT_CANNOT_CHECK
from xlplugin.doors.cli_base import ENGINE_OPTION, ZhCommand
from xlplugin.workbook.readers import read_book

__all__ = ["tables", "template"]


def _layout_option(function):
    return click.option(
        "--layout",
        "layout_path",
        type=click.Path(path_type=Path),
        default=None,
        help="表样定义（template.yaml 或其所在目录）；tables 不写时用规则包的表样（按规则包的选用顺序，"
        "最后是与工作簿最相符的），template 不写时用随附的重庆 2021 表样。",
    )(function)


def _load_layout(layout_path: Path | None):
    from xlplugin.packs.places import BUNDLED_PACKS  # the pack modules load only for commands that need them
    from xlplugin.workbook.layout_load import load_layout

    path = layout_path or Path(os.environ.get("XLPLUGIN_LAYOUT", BUNDLED_PACKS / "chongqing-2021"))
    return load_layout(path)


@click.command(cls=ZhCommand)
@click.argument("workbook", type=click.Path(path_type=Path))
@_layout_option
@ENGINE_OPTION
def tables(workbook: Path, layout_path: Path | None, engine: str) -> None:
    """列出 WORKBOOK 中找到的每张表：所在工作表、位置和行数，以及读取时发现的问题。"""
    from xlplugin.core.display import render_table
    from xlplugin.workbook.locate import locate_book

    book = read_book(workbook, engine=engine)
    layout = _chosen_layout(layout_path, book)
    located = locate_book(book, layout)
    first = next(iter(located.tables.values()))
    click.echo(f"{workbook.name} — {layout.name}")
    click.echo(f"公开部门：{first.meta.get('department', '（未填）')}    年度：{first.meta.get('year', '（未填）')}")
    click.echo("")
    rows = []
    for spec in layout.tables:
        table = located.tables.get(spec.id)
        if table is None:
            rows.append([spec.id, spec.title, "—", "未找到", "—", "—", "—"])
            continue
        renamed = sum(1 for _, row in table.iter_rows() if not row.label_matches_layout)
        counts = _problem_counts(table.problems)
        rows.append(
            [spec.id, spec.title, table.sheet.name, table.range, str(table.row_count), str(renamed or ""), counts]
        )
    click.echo(render_table(["表号", "表名", "工作表", "位置", "行数", "行名与表样不同", "读取问题"], rows))
    if located.narrative is not None:
        click.echo(f"\n情况说明：工作表“{located.narrative_sheet}”，{len(located.narrative)} 段")
    else:
        click.echo(f"\n情况说明：未找到名为“{layout.narrative_sheet}”的工作表")
    problems = located.problems
    if problems:
        click.echo("\n读取问题：")
        for problem in problems:
            where = f"{problem.sheet}!{problem.cell}" if problem.cell else problem.sheet
            click.echo(f"  [{problem.severity}] {where}  {problem.message}")
    if located.not_found:
        click.echo("", err=True)
        for error in located.not_found.values():
            click.echo(f"错误：{error.message}", err=True)
        sys.exit(EXIT_CANNOT_CHECK)


def _chosen_layout(layout_path: Path | None, book):
    """The layout ``tables`` looks for: the one given (``--layout``, ``XLPLUGIN_LAYOUT``), else the
    layout of the pack a check would use (``XLPLUGIN_PACK``, ``xlplugin.yaml``, the best-fitting
    installed or bundled pack) — a national-layout workbook is shown against the national layout,
    not Chongqing's. When no pack fits, the bundled layout, said so."""
    from xlplugin.core.errors import PackError
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.order import choose_source

    if layout_path is not None or os.environ.get("XLPLUGIN_LAYOUT"):
        return _load_layout(layout_path)
    try:
        source = choose_source(None, book)
    except PackError as error:
        if error.code != "no-pack-fits":  # a pack named by XLPLUGIN_PACK or xlplugin.yaml that is wrong: say so
            raise
        click.echo(
            "注意：没有与工作簿相符的规则包，下面按随附的重庆 2021 表样列出（要按别的表样，请用 --layout）。", err=True
        )
        return _load_layout(None)
    pack = load_pack(source.path)
    click.echo(f"表样：规则包 {pack.id} {pack.version} 的表样（{source.why}）", err=True)
    return pack.layout


def _problem_counts(problems) -> str:
    counts = {}
    for problem in problems:
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
    return "，".join(f"{k} {v}" for k, v in counts.items()) or "无"


@click.command(cls=ZhCommand)
@_layout_option
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 路径。")
def template(layout_path: Path | None, output: Path) -> None:
    """按表样定义生成空白的官方表样工作簿。"""
    from xlplugin.output.template import write_workbook

    layout = _load_layout(layout_path)
    write_workbook(layout, output)
    click.echo(f"已生成 {output}（{len(layout.tables)} 张表 + {layout.narrative_sheet}）")
