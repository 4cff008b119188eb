"""The ``xlplugin`` command. A thin door: it parses arguments, calls the library, prints.

Exit status: 0 = done (no 错误), 2 = could not check (bad workbook, missing table, bad layout or
pack). Every error a user can cause is printed as one Chinese message, never as a traceback — so is
a door whose optional libraries are not installed: the message names the extra to install
(``pip install "xlplugin[excel]"``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

import click

from xlplugin import __version__
from xlplugin.core.errors import EXIT_CANNOT_CHECK, XlpluginError
from xlplugin.doors.cli_pack import pack as pack_commands
from xlplugin.workbook.readers import read_book

#: the extras of setup.cfg a command needs: what for, and the libraries (import names) the extra installs
EXTRAS = {
    "excel": ("Excel 加载项", ("xlwings", "olefile")),
}


def _extra_message(extra: str) -> str:
    purpose, modules = EXTRAS[extra]
    return f'{purpose}需要 {" 和 ".join(modules)}：请运行 pip install "xlplugin[{extra}]"。'


def require_extra(extra: str) -> None:
    """Stop, with one sentence naming the extra to install, unless every library of ``extra`` is
    installed. A door checks before it writes anything, so a missing library never leaves half its
    output behind."""
    if any(importlib.util.find_spec(module) is None for module in EXTRAS[extra][1]):
        raise XlpluginError("missing-extra", _extra_message(extra))


def _missing_library(error: ModuleNotFoundError) -> str | None:
    """The sentence for a library that is not installed, or ``None`` when the missing module is ours
    (a bug, reported as one)."""
    name = (error.name or "").partition(".")[0]
    if not name or name == "xlplugin":
        return None
    for extra, (_, modules) in EXTRAS.items():
        if name in modules:
            return _extra_message(extra)
    # a dependency xlplugin declares but that is not there: an installation broken or made with --no-deps
    return f"缺少 Python 包“{name}”：xlplugin 的安装不完整，请重新运行 pip install xlplugin。"


def _layout_option(function):
    return click.option(
        "--layout",
        "layout_path",
        type=click.Path(path_type=Path),
        default=None,
        help="表样定义（template.yaml 或其所在目录），默认为随附的重庆 2021 表样。",
    )(function)


def _load_layout(layout_path: Path | None):
    from xlplugin.packs.places import BUNDLED_PACKS  # the pack modules load only for commands that need them
    from xlplugin.workbook.layout_load import load_layout

    path = layout_path or Path(os.environ.get("XLPLUGIN_LAYOUT", BUNDLED_PACKS / "chongqing-2021"))
    return load_layout(path)


def _allow_unsigned_option(function):
    return click.option(
        "--allow-unsigned",
        is_flag=True,
        help="允许使用未签名或签名者不受信任的 .zip 规则包（与 pack install 相同；被改动的仍然拒绝），报告中会注明。",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlplugin")
def cli() -> None:
    """xlplugin：部门决算公开表格校验。"""


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@_layout_option
@click.option(
    "--engine",
    type=click.Choice(["auto", "calamine", "openpyxl"]),
    default="auto",
    show_default=True,
    help="读取引擎。",
)
def tables(workbook: Path, layout_path: Path | None, engine: str) -> None:
    """列出 WORKBOOK 中找到的每张表：所在工作表、位置和行数，以及读取时发现的问题。"""
    from xlplugin.core.display import render_table
    from xlplugin.workbook.locate import locate_book

    layout = _load_layout(layout_path)
    located = locate_book(read_book(workbook, engine=engine), layout)
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


def _problem_counts(problems) -> str:
    counts = {}
    for problem in problems:
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
    return "，".join(f"{k} {v}" for k, v in counts.items()) or "无"


@cli.command()
@_layout_option
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 路径。")
def template(layout_path: Path | None, output: Path) -> None:
    """按表样定义生成空白的官方表样工作簿。"""
    from xlplugin.output.template import write_workbook

    layout = _load_layout(layout_path)
    write_workbook(layout, output)
    click.echo(f"已生成 {output}（{len(layout.tables)} 张表 + {layout.narrative_sheet}）")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "--pack",
    "pack_spec",
    default=None,
    help="规则包：目录、pack.yaml、.zip 或 id（如 cq-2021、cq-2021@1.1.0）；不写时按工作簿的表样自动选择。",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="报告格式。",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="把报告写入文件（默认输出到屏幕）。"
)
@click.option(
    "--level",
    type=click.Choice(["error", "warning", "info"]),
    default="info",
    show_default=True,
    help="文字报告显示到哪一级（error 只看错误）。",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "calamine", "openpyxl"]),
    default="auto",
    show_default=True,
    help="读取引擎。",
)
@click.option(
    "--annotate",
    is_flag=True,
    help="在原文件旁写一份标注副本（<文件名>.校验.xlsx；.xls、.et、.ods 另存为 .xlsx 副本）：问题单元格着色并加批注，另附“校验结果”表。",
)
@click.option("--annotate-to", type=click.Path(path_type=Path), default=None, help="把标注副本写到指定路径。")
@click.option("--in-place", is_flag=True, help="直接标注原文件（先在旁边留一份 .备份 副本；只用于 .xlsx/.xlsm）。")
@click.option(
    "--narrative",
    type=click.Path(path_type=Path),
    default=None,
    help="情况说明另有文件（.docx、.txt、.md）时用它，代替工作簿中的“情况说明”表。",
)
@_allow_unsigned_option
def check(
    workbook: Path,
    pack_spec: str | None,
    output_format: str,
    output: Path | None,
    level: str,
    engine: str,
    annotate: bool,
    annotate_to: Path | None,
    in_place: bool,
    narrative: Path | None,
    allow_unsigned: bool,
) -> None:
    """按规则包校验 WORKBOOK。退出码：0 无错误，1 有错误，2 无法校验。

    WORKBOOK 可以是 .xlsx/.xlsm、.xls、WPS .et、.ods、.xlsb。原文件只读不写；要标注请用 --annotate（副本，
    非 .xlsx 的工作簿另存为 .xlsx 副本）、--annotate-to PATH 或 --in-place（只用于 .xlsx/.xlsm）。"""
    from xlplugin.api import check as check_workbook
    from xlplugin.output.render import render_json, render_text

    if sum(bool(x) for x in (annotate, annotate_to, in_place)) > 1:
        raise click.UsageError("--annotate、--annotate-to 和 --in-place 只能选一个。")
    sniffed = _annotatable(workbook, annotate_to, in_place) if annotate or annotate_to or in_place else None
    checked = check_workbook(
        workbook, pack_spec, name=workbook.name, narrative=narrative, engine=engine, allow_unsigned=allow_unsigned
    )
    report, pack = checked.report, checked.pack
    if sniffed is not None:
        _write_annotation(workbook, checked, annotate_to, in_place, sniffed)
    if output_format == "json":
        data = json.loads(render_json(report))
        if checked.notices:  # what the reader must know about the pack's origin
            data["pack"]["notices"] = checked.notices
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = render_text(report, pack.layout.titles, pack.name, len(pack.rules), level)
        text = "".join(f"注意：{notice}\n" for notice in checked.notices) + text
    if output is None:
        click.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(click.unstyle(text) + "\n", encoding="utf-8")
        click.echo(f"报告已写入 {output}。结论：{report.verdict}")
    sys.exit(report.exit_code)


def _annotatable(workbook: Path, annotate_to: Path | None, in_place: bool):
    """The workbook's format, once it is clear that the annotation asked for can be written: an
    annotation is always an .xlsx package, so a workbook of another format (.xls, .et, .ods, .xlsb)
    gets an .xlsx copy and is never overwritten."""
    from xlplugin.workbook.sniff import sniff_workbook

    sniffed = sniff_workbook(workbook)
    if sniffed.is_xlsx:
        return sniffed
    kind = sniffed.description
    if in_place:
        raise click.UsageError(
            f"“{workbook.name}”是 {kind}，不能直接标注（xlplugin 不会把它改写成 .xlsx）。"
            f"请改用 --annotate：另存一份“{_copy_name(workbook, sniffed).name}”并标注，原文件不变。"
        )
    if annotate_to is not None and annotate_to.suffix.lower() != ".xlsx":
        raise click.UsageError(
            f"“{workbook.name}”是 {kind}，标注副本将另存为 .xlsx：--annotate-to 的文件名请以 .xlsx 结尾。"
        )
    return sniffed


def _copy_name(workbook: Path, sniffed) -> Path:
    """Where ``--annotate`` writes: ``报表.校验.xlsx`` (``.xlsm`` kept; any other format gets an .xlsx)."""
    from xlplugin.output.annotate import annotated_name
    from xlplugin.output.convert import annotated_xlsx_name

    if sniffed.is_xlsx and workbook.suffix.lower() in (".xlsx", ".xlsm"):
        return annotated_name(workbook)
    return annotated_xlsx_name(workbook)


def _write_annotation(workbook: Path, checked, annotate_to: Path | None, in_place: bool, sniffed) -> None:
    from xlplugin.output.annotate import write_annotated
    from xlplugin.output.convert import write_annotated_copy

    target = annotate_to or (workbook if in_place else _copy_name(workbook, sniffed))
    if in_place:
        _backup(workbook)
    elif target.resolve() == workbook.resolve():
        raise click.UsageError("标注副本不能覆盖原文件；要直接标注原文件请用 --in-place。")
    findings = len(checked.report.findings)
    if not sniffed.is_xlsx:
        done = write_annotated_copy(checked.book, target, checked.report, checked.pack)
        click.echo(
            f"已另存为 .xlsx 并标注：{done.path}（{done.cells} 个单元格，“校验结果”表 {findings} 条；"
            f"原文件是 {sniffed.description}，未改动；副本只有数值和合并单元格，没有原来的格式）",
            err=True,
        )
        return
    done = write_annotated(workbook, target, checked.report, checked.pack, checked.book)
    click.echo(
        f"已写入标注{'（原文件）' if in_place else '副本'}：{done.path}（{done.cells} 个单元格，“校验结果”表 {findings} 条）",
        err=True,
    )


def _backup(workbook: Path) -> Path:
    import shutil

    backup = workbook.with_name(f"{workbook.stem}.备份{workbook.suffix}")
    shutil.copy2(workbook, backup)
    click.echo(f"已备份原文件：{backup}", err=True)
    return backup


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="写到指定路径（默认 <文件名>.已清除.xlsx）。"
)
@click.option("--in-place", is_flag=True, help="直接清除原文件中的标注（先留一份 .备份 副本）。")
def clean(workbook: Path, output: Path | None, in_place: bool) -> None:
    """清除 xlplugin 的全部标注（批注、底色、“校验结果”表），恢复原样。"""
    from xlplugin.output.annotate import clean as clean_workbook
    from xlplugin.output.convert import annotated_xlsx_name
    from xlplugin.workbook.sniff import sniff_workbook

    sniffed = sniff_workbook(workbook)
    if output and in_place:
        raise click.UsageError("-o 和 --in-place 只能选一个。")
    if not sniffed.is_xlsx:
        raise click.UsageError(
            f"“{workbook.name}”是 {sniffed.description}，其中没有 xlplugin 的标注（这种格式的标注副本"
            f"总是另存为 .xlsx，原文件从不改动）。要清除标注副本的标注，请对“{annotated_xlsx_name(workbook).name}”运行 clean。"
        )
    if in_place:
        _backup(workbook)
    target = workbook if in_place else (output or workbook.with_name(f"{workbook.stem}.已清除{workbook.suffix}"))
    done = clean_workbook(workbook, target)
    click.echo(f"已清除标注：{done.path}（恢复 {done.cells} 个单元格的底色）")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="结果目录：每个单位的 JSON 报告（和标注副本）、汇总.xlsx、汇总.html。",
)
@click.option("--pack", "pack_spec", default=None, help="规则包：目录、pack.yaml、.zip 或 id，默认 cq-2021。")
@click.option("--annotate", is_flag=True, help="同时为每个工作簿写标注副本。")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=max(1, (os.cpu_count() or 1)),
    show_default=True,
    help="并行的进程数。",
)
@click.option("--force", is_flag=True, help="全部重新校验（默认跳过内容和规则包都没变的工作簿）。")
@_allow_unsigned_option
def batch(
    paths: tuple[Path, ...],
    out_dir: Path,
    pack_spec: str | None,
    annotate: bool,
    jobs: int,
    force: bool,
    allow_unsigned: bool,
) -> None:
    """批量校验 PATHS 下的所有工作簿（文件或文件夹，含子文件夹）。

    退出码：0 全部通过；1 有单位存在错误；2 有文件无法校验。"""
    from xlplugin.doors.batch import progress_printer, run_batch
    from xlplugin.output.overview import tally, write_overview_html, write_overview_xlsx
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import resolve_pack

    resolved = resolve_pack(pack_spec, allow_unsigned)
    pack_dir = resolved.path
    for notice in resolved.notices:
        click.echo(f"注意：{notice}", err=True)
    loaded = load_pack(pack_dir)
    result = run_batch(paths, out_dir, pack_dir, annotate=annotate, jobs=jobs, force=force, progress=progress_printer())
    counted = tally(result.summary_path)
    workbook = write_overview_xlsx(result.summary_path, out_dir / "汇总.xlsx", loaded, counted)
    page = write_overview_html(result.summary_path, out_dir / "汇总.html", loaded, counted)
    invalid = counted.failed
    click.echo(
        f"共 {result.total} 个文件：校验 {result.checked} 个，未变化跳过 {result.skipped} 个，无法校验 {result.failed} 个；"
        f"有错误的单位 {invalid} 个。用时 {result.seconds:.1f} 秒。\n汇总：{workbook}、{page}"
    )
    sys.exit(2 if result.failed else (1 if invalid else 0))


cli.add_command(pack_commands)


@cli.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="输出目录。",
)
def addin(out_dir: Path) -> None:
    """生成 Excel 里的“校验”按钮：加载项 决算校验.xlam（“决算校验”选项卡：校验、清除标注、规则包），
    和不装加载项也能用的 决算校验表样.xlsm（第一张表上有 校验、清除标注 按钮）。

    由本机安装的 xlwings 的模板生成，保证其中的 VBA 与 xlwings 版本一致；需要 pip install "xlplugin[excel]"。"""
    require_extra("excel")
    import xlwings

    from xlplugin.doors.addin import build_addin, build_macro_template

    addin_path = build_addin(out_dir / "决算校验.xlam")
    template = build_macro_template(out_dir / "决算校验表样.xlsm")
    click.echo(f"已生成 {addin_path} 和 {template}（xlwings {xlwings.__version__}）。")
    click.echo(f'安装加载项：xlwings addin install --file "{addin_path.resolve()}"')


def main() -> None:
    """Console entry point: run the CLI, turning user errors into one-line Chinese messages."""
    try:
        cli.main(standalone_mode=False)
    except XlpluginError as error:
        click.echo(f"错误：{error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(EXIT_CANNOT_CHECK)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_CANNOT_CHECK if error.exit_code == 1 else error.exit_code)
    except SystemExit:
        raise
    except Exception as error:
        if os.environ.get("XLPLUGIN_DEBUG"):
            traceback.print_exc()
        missing = _missing_library(error) if isinstance(error, ModuleNotFoundError) else None
        if missing:
            click.echo(f"错误：{missing}", err=True)
        else:  # a bug of ours: say so plainly, keep the details for a report
            click.echo(
                f"内部错误：{type(error).__name__}: {error}。请设置环境变量 XLPLUGIN_DEBUG=1 重试并把输出反馈给维护者。",
                err=True,
            )
        sys.exit(EXIT_CANNOT_CHECK)
