"""The ``xlplugin`` command. A thin door: it parses arguments, calls the library, prints.

Exit status: 0 = done (no 错误), 2 = could not check (bad workbook, missing table, bad layout or
pack). Every error a user can cause is printed as one Chinese message, never as a traceback — so is
a door whose optional libraries are not installed: the message names the extra to install
(``pip install "xlplugin[excel]"``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from xlplugin import __version__
from xlplugin.core.errors import XlpluginError
from xlplugin.doors.batch_files import companion, is_narrative_file
from xlplugin.doors.cli_base import ENGINE_OPTION, EXTRAS, ZhGroup, missing_library, require_extra
from xlplugin.doors.cli_layout import tables, template
from xlplugin.doors.cli_narrative import annotated_narrative_target, write_narrative_annotation
from xlplugin.doors.cli_output import LEVELS
from xlplugin.doors.cli_pack import pack as pack_commands

__all__ = ["EXTRAS", "cli", "main", "missing_library", "require_extra"]


def _allow_unsigned_option(function):
    return click.option(
        "--allow-unsigned",
        is_flag=True,
        help="允许使用未签名或签名者不受信任的 .zip 规则包（与 pack install 相同；被改动的仍然拒绝），报告中会注明。",
    )(function)


def _waivers_option(function):
    return click.option(
        "--waivers",
        type=click.Path(path_type=Path),
        default=None,
        help="豁免文件（如 豁免.yaml）：财政局接受的结果（单位、规则、可选位置、理由、批准、日期），"
        "移到报告的“已豁免”中，不计入错误、警告和结论；没有对应结果的豁免会提示。",
    )(function)


@click.group(cls=ZhGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="xlplugin", message="%(prog)s，版本 %(version)s", help="显示版本号并退出。"
)
def cli() -> None:
    """xlplugin：部门决算公开表格校验。"""


cli.add_command(tables)
cli.add_command(template)


@cli.command()
@click.argument("workbooks", metavar="WORKBOOK...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--pack",
    "pack_spec",
    default=None,
    help="规则包：目录、pack.yaml、.zip 或 id（如 cq-2021、cq-2021@1.2.0）；不写时依次用环境变量 XLPLUGIN_PACK、"
    "配置文件 xlplugin.yaml、表样最相符的规则包（xlplugin pack which 说明用哪个、为什么）。",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='报告格式（json：无法校验时输出 {"schema_version", "error": {"code", "message"}}；多个工作簿时为数组）。',
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="把报告写入文件（默认输出到屏幕）。"
)
@click.option(
    "--level",
    type=click.Choice(list(LEVELS)),
    default="warning",
    show_default=True,
    help="文字报告显示到哪一级：error/错误 只看错误；warning/警告 看错误和警告（默认）；info/提示 另看四舍五入、"
    "连带结果等提示（标注副本的“校验结果”表总是列出全部）。",
)
@click.option(
    "--coverage",
    is_flag=True,
    help="供规则包编写者：列出情况说明中有多少数字由规则核对，以及逐段没有规则核对的数字。",
)
@ENGINE_OPTION
@click.option(
    "--annotate",
    is_flag=True,
    help="在原文件旁写一份标注副本（<文件名>.校验.xlsx；.xls、.et、.ods 另存为 .xlsx 副本）：问题单元格着色并加批注，另附“校验结果”表。",
)
@click.option("--annotate-to", type=click.Path(path_type=Path), default=None, help="把标注副本写到指定路径。")
@click.option(
    "--in-place",
    is_flag=True,
    help="直接标注原文件（先在旁边留一份备份：<文件名>.备份.xlsx，已有时 .备份-2.xlsx …，从不覆盖；只用于 .xlsx/.xlsm）。",
)
@click.option(
    "--narrative",
    type=click.Path(path_type=Path),
    default=None,
    help="情况说明另有文件（.docx、.txt、.md）时用它，代替工作簿中的“情况说明”表。",
)
@_waivers_option
@_allow_unsigned_option
def check(
    workbooks: tuple[Path, ...],
    pack_spec: str | None,
    output_format: str,
    output: Path | None,
    level: str,
    coverage: bool,
    engine: str,
    annotate: bool,
    annotate_to: Path | None,
    in_place: bool,
    narrative: Path | None,
    waivers: Path | None,
    allow_unsigned: bool,
) -> None:
    """按规则包校验 WORKBOOK（可以是多个，各出一份报告）。退出码：0 无错误，1 有错误，2 无法校验或表样不符，
    64 命令用法有误；多个工作簿时取其中最严重的。

    WORKBOOK 可以是 .xlsx/.xlsm、.xls、WPS .et、.ods、.xlsb。原文件只读不写；要标注请用 --annotate（副本，
    非 .xlsx 的工作簿另存为 .xlsx 副本）、--annotate-to PATH 或 --in-place（只用于 .xlsx/.xlsm）。"""
    if sum(bool(x) for x in (annotate, annotate_to, in_place)) > 1:
        raise click.UsageError("--annotate、--annotate-to 和 --in-place 只能选一个。")
    if len(workbooks) > 1 and (annotate_to or narrative):
        raise click.UsageError("--annotate-to 和 --narrative 只用于一个工作簿；校验多个工作簿时请去掉它们。")
    accepted = None
    if waivers is not None:  # read once for every workbook; a mistake in it stops before any check
        from xlplugin.engine.waivers import load_waivers

        accepted = load_waivers(waivers)
    options = {
        "pack_spec": pack_spec,
        "output_format": output_format,
        "level": LEVELS[level],
        "coverage": coverage,
        "waivers": accepted,
        "engine": engine,
        "annotate": annotate,
        "annotate_to": annotate_to,
        "in_place": in_place,
        "narrative": narrative,
        "allow_unsigned": allow_unsigned,
        "several": len(workbooks) > 1,
    }
    done = [_check_one(workbook, **options) for workbook in workbooks]
    codes = [code for code, _, _ in done]
    shown = [text for _, text, _ in done if text is not None]
    if output_format == "json":
        text = json.dumps(shown[0] if len(workbooks) == 1 else shown, ensure_ascii=False, indent=2)
    else:
        text = "\n\n".join(shown)
        if len(workbooks) > 1:
            text += f"\n\n{_tally(codes)}"
    if output is None:
        if text:
            click.echo(text)
    else:
        from xlplugin.doors.os_errors import user_error

        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(click.unstyle(text) + "\n", encoding="utf-8")
        except OSError as error:
            raise user_error(error, output) from None
        verdicts = [verdict for _, _, verdict in done if verdict]
        said = f"结论：{verdicts[0]}" if len(workbooks) == 1 and verdicts else _tally(codes)
        click.echo(f"报告已写入 {output}。{said}")
    sys.exit(max(codes))


def _check_one(
    workbook: Path,
    *,
    pack_spec,
    output_format,
    level,
    coverage,
    waivers,
    engine,
    annotate,
    annotate_to,
    in_place,
    narrative,
    allow_unsigned,
    several,
):
    """Check one workbook: (exit code, what to show — text, a JSON-ready dict or ``None`` —, verdict)."""
    from xlplugin.api import check as check_workbook
    from xlplugin.doors.cli_output import annotatable, render_report, write_annotation

    if is_narrative_file(workbook):
        return _check_narrative_one(
            workbook,
            pack_spec=pack_spec,
            output_format=output_format,
            level=level,
            coverage=coverage,
            waivers=waivers,
            annotate=annotate or bool(annotate_to) or in_place,
            annotate_to=annotate_to,
            in_place=in_place,
            narrative=narrative,
            allow_unsigned=allow_unsigned,
            several=several,
        )
    try:
        sniffed = annotatable(workbook, annotate_to, in_place) if annotate or annotate_to or in_place else None
        checked = check_workbook(
            workbook,
            pack_spec,
            name=workbook.name,
            narrative=narrative,
            engine=engine,
            allow_unsigned=allow_unsigned,
            waivers=waivers,
            companion=None if narrative else companion(workbook),  # X-情况说明.docx beside X.xlsx, as batch does
        )
        if sniffed is not None:
            write_annotation(workbook, checked, annotate_to, in_place, sniffed)
    except XlpluginError as error:
        return _cannot_check(error, workbook, output_format, several)
    return checked.report.exit_code, render_report(checked, output_format, level, coverage), checked.report.verdict


def _cannot_check(error: XlpluginError, path: Path, output_format: str, several: bool):
    """What a file that could not be checked shows: a JSON error object, or one sentence on stderr."""
    from xlplugin.doors.cli_output import error_json

    if output_format == "json":
        return error.exit_code, error_json(error.code, error.message, path.name), None
    click.echo(f"错误：{path.name}：{error.message}" if several else f"错误：{error.message}", err=True)
    return error.exit_code, None, None


def _check_narrative_one(
    source: Path,
    *,
    pack_spec,
    output_format,
    level,
    coverage,
    waivers,
    annotate,
    annotate_to,
    in_place,
    narrative,
    allow_unsigned,
    several,
):
    """Check one 情况说明 file on its own: (exit code, what to show, verdict), as :func:`_check_one`."""
    from xlplugin.api import check_narrative
    from xlplugin.doors.cli_output import render_report

    if narrative is not None:
        raise click.UsageError(f"“{source.name}”本身就是情况说明：要单独校验它，请去掉 --narrative。")
    try:
        target = annotated_narrative_target(source, annotate_to, in_place) if annotate else None
        checked = check_narrative(source, pack_spec, name=source.name, allow_unsigned=allow_unsigned, waivers=waivers)
        if target is not None:
            write_narrative_annotation(source, checked, target, level)
    except XlpluginError as error:
        return _cannot_check(error, source, output_format, several)
    return checked.report.exit_code, render_report(checked, output_format, level, coverage), checked.report.verdict


def _tally(codes: list[int]) -> str:
    passed, failed = codes.count(0), codes.count(1)
    return f"共 {len(codes)} 个工作簿：无错误 {passed} 个，有错误 {failed} 个，无法校验或表样不符 {len(codes) - passed - failed} 个。"


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="写到指定路径（默认 <文件名>.已清除.xlsx）。"
)
@click.option(
    "--in-place",
    is_flag=True,
    help="直接清除原文件中的标注（先留一份备份 .备份.xlsx，已有时 .备份-2.xlsx …，从不覆盖）。",
)
@click.option(
    "--drop-explanations",
    is_flag=True,
    help="连同单位写的说明一起删除（默认把“校验结果”表中写了说明的结果留在“校验说明”表中，随工作簿报送）。",
)
def clean(workbook: Path, output: Path | None, in_place: bool, drop_explanations: bool) -> None:
    """清除 xlplugin 的全部标注（批注、底色、“校验结果”表），恢复原样；单位写的说明默认保留在“校验说明”表中。"""
    from xlplugin.output.annotate import clean as clean_workbook
    from xlplugin.output.annotate import clean_message
    from xlplugin.output.convert import annotated_xlsx_name
    from xlplugin.workbook.sniff import sniff_workbook

    if output and in_place:
        raise click.UsageError("-o 和 --in-place 只能选一个。")
    sniffed = sniff_workbook(workbook)
    if not sniffed.is_xlsx:
        raise XlpluginError(
            "not-annotated",
            f"“{workbook.name}”是 {sniffed.description}，其中没有 xlplugin 的标注（这种格式的标注副本"
            f"总是另存为 .xlsx，原文件从不改动）。要清除标注副本的标注，请对“{annotated_xlsx_name(workbook).name}”运行 clean。",
        )
    if in_place:
        from xlplugin.doors.cli_output import backup

        backup(workbook)
    target = workbook if in_place else (output or workbook.with_name(f"{workbook.stem}.已清除{workbook.suffix}"))
    done = clean_workbook(workbook, target, keep_explanations=not drop_explanations)
    click.echo(clean_message(done))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="结果目录：每个单位的 JSON 报告（和标注副本）、汇总.xlsx、汇总.html。",
)
@click.option(
    "--pack",
    "pack_spec",
    default=None,
    help="规则包：目录、pack.yaml、.zip 或 id；不写时依次用环境变量 XLPLUGIN_PACK、配置文件 xlplugin.yaml、"
    "与第一个可读工作簿的表样最相符的规则包（都没有时用随附的 cq-2021）。",
)
@click.option("--annotate", is_flag=True, help="同时为每个工作簿写标注副本。")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=max(1, (os.cpu_count() or 1)),
    show_default=True,
    help="并行的进程数。",
)
@click.option(
    "--force",
    "--restart",
    "force",
    is_flag=True,
    help="全部重新校验（默认沿用内容、规则包和豁免文件都没变的工作簿的结果，包括被中断的上次运行已完成的）。",
)
@_waivers_option
@_allow_unsigned_option
def batch(
    paths: tuple[Path, ...],
    out_dir: Path,
    pack_spec: str | None,
    annotate: bool,
    jobs: int,
    force: bool,
    waivers: Path | None,
    allow_unsigned: bool,
) -> None:
    """批量校验 PATHS 下的所有工作簿（文件或文件夹，含子文件夹）。

    每个单位的 JSON 报告带着单位在“校验结果”表中写的说明（每条结果的 remark）；--waivers 给出财政局的豁免。
    退出码：0 全部通过；1 有单位存在错误；2 有文件无法校验；3 两者都有；64 命令用法有误。"""
    from xlplugin.api import pack_notice
    from xlplugin.doors.batch import batch_pack, failures, run_batch
    from xlplugin.doors.cli_output import progress_printer
    from xlplugin.doors.os_errors import atomic_path
    from xlplugin.engine.waivers import load_waivers
    from xlplugin.output.overview import tally, write_overview_html, write_overview_xlsx
    from xlplugin.packs.load import load_pack

    accepted = load_waivers(waivers) if waivers is not None else None  # before any workbook is read
    source = batch_pack(pack_spec, paths, out_dir, allow_unsigned)
    pack_dir = source.path
    loaded = load_pack(pack_dir)
    click.echo(f"规则包：{loaded.id} {loaded.version}（{source.why}）", err=True)
    for notice in [*source.notices, *pack_notice(loaded)]:
        click.echo(f"注意：{notice}", err=True)
    if accepted is not None:
        click.echo(f"豁免：{waivers}，{len(accepted.entries)} 条（SHA-256 {accepted.sha256[:12]}…）", err=True)
    result = run_batch(
        paths,
        out_dir,
        pack_dir,
        annotate=annotate,
        jobs=jobs,
        force=force,
        progress=progress_printer(),
        waivers=waivers,
        narrative_pack=source.step <= 3,
    )
    counted = tally(result.summary_path)
    workbook, page = out_dir / "汇总.xlsx", out_dir / "汇总.html"
    with atomic_path(workbook) as temporary:  # a full disk never leaves a truncated overview
        write_overview_xlsx(result.summary_path, temporary, loaded, counted)
    with atomic_path(page) as temporary:
        write_overview_html(result.summary_path, temporary, loaded, counted)
    invalid = counted.failed
    unread = list(failures(result.summary_path))
    if unread:
        click.echo(f"无法校验的文件（{len(unread)} 个）：", err=True)
        for item in unread:
            click.echo(f"  {item['path']}：{item['error']}", err=True)
    for notice in result.stale_waivers:
        click.echo(f"注意：{notice}", err=True)
    resumed = f"（其中 {result.resumed} 个是被中断的上次运行完成的）" if result.resumed else ""
    click.echo(
        f"共 {result.total} 个文件：校验 {result.checked} 个，未变化跳过 {result.skipped} 个{resumed}，无法校验 {result.failed} 个；"
        f"有错误的单位 {invalid} 个。用时 {result.seconds:.1f} 秒。\n汇总：{workbook}、{page}"
    )
    sys.exit((1 if invalid else 0) | (2 if result.failed else 0))


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
@click.option(
    "--interpreter",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="“校验”按钮启动的 Python（默认：运行本命令的这个 Python）。",
)
@click.option(
    "--conf",
    "conf_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="把 Python 的位置写进这个配置文件（默认：本机 Excel 读取的 xlplugin.conf；Windows 为 "
    "%USERPROFILE%\\.xlplugin\\xlplugin.conf，macOS 为 ~/Library/Containers/com.microsoft.Excel/Data/xlplugin.conf）。",
)
@click.option("--no-conf", is_flag=True, help="只生成文件，不写配置文件。")
def addin(out_dir: Path, interpreter: Path | None, conf_file: Path | None, no_conf: bool) -> None:
    """生成 Excel 里的“校验”按钮：加载项 决算校验.xlam（“决算校验”选项卡：校验、清除标注、规则包），
    和不装加载项也能用的 决算校验表样.xlsm（第一张表上有 校验、清除标注 按钮）；
    并把“校验”按钮要启动的 Python 写进 xlplugin.conf，按钮按它找到装有 xlplugin 的 Python。

    由本机安装的 xlwings 的模板生成，保证其中的 VBA 与 xlwings 版本一致；需要 pip install "xlplugin[excel]"。
    装好后可用 xlplugin doctor 检查每一步是否就绪。"""
    require_extra("excel")
    import xlwings

    from xlplugin.doors.addin import build_addin, build_macro_template
    from xlplugin.doors.excel_conf import interpreter_for, interpreter_key, user_conf_path, write_conf

    addin_path = build_addin(out_dir / "决算校验.xlam")
    template = build_macro_template(out_dir / "决算校验表样.xlsm")
    click.echo(f"已生成 {addin_path} 和 {template}（xlwings {xlwings.__version__}）。")
    conf_file = conf_file or user_conf_path()
    python = interpreter_for(interpreter or sys.executable)
    if no_conf:
        pass
    elif conf_file is None:
        click.echo("本机不是 Windows 或 macOS，未写配置文件；在装 Excel 的电脑上运行本命令，或用 --conf 指定位置。")
    else:
        write_conf(conf_file, {interpreter_key(): str(python)})
        click.echo(f"已把 Python 的位置（{python}）写入 {conf_file}。")
    click.echo(f'安装加载项：xlwings addin install --file "{addin_path.resolve()}"')
    if sys.platform == "darwin":
        click.echo("macOS 还需运行一次：xlwings runpython install（允许 Excel 启动 Python）。")
    click.echo("检查安装：xlplugin doctor")


@cli.command()
def doctor() -> None:
    """检查“校验”按钮要用到的每一环是否就绪：Python、xlwings 版本、xlplugin、加载项、
    配置文件 xlplugin.conf 里的 Python、macOS 的 RunPython 授权、规则包；缺哪一环，就说怎么补。
    全部就绪时退出码为 0，否则为 1。"""
    from xlplugin.doors.doctor import diagnose

    checks = diagnose()
    for check in checks:
        click.echo(check.line())
    missing = sum(not check.ok for check in checks)
    click.echo(
        f"\n{'全部就绪。' if not missing else f'有 {missing} 项未就绪，按上面的提示处理后再运行 xlplugin doctor。'}"
    )
    sys.exit(1 if missing else 0)


def main() -> None:
    """Console entry point (also ``python -m xlplugin``): every user error is one Chinese sentence, and the
    exit codes are those of :mod:`xlplugin.doors.cli_base` (usage errors 64)."""
    cli.main(prog_name="xlplugin")
