"""The ``xlplugin`` command. A thin door: it parses arguments, calls the library, prints.

Exit status: 0 = done (no 错误), 2 = could not check (bad workbook, missing table, bad layout or
pack). Every error a user can cause is printed as one Chinese message, never as a traceback.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from xlplugin import __version__
from xlplugin.errors import EXIT_CANNOT_CHECK, XlpluginError

DEFAULT_LAYOUT = Path(__file__).resolve().parent.parent / "rules" / "chongqing-2021"


def _layout_option(function):
    return click.option(
        "--layout",
        "layout_path",
        type=click.Path(path_type=Path),
        default=None,
        help="表样定义（template.yaml 或其所在目录），默认为随附的重庆 2021 表样。",
    )(function)


def _load_layout(layout_path: Path | None):
    from xlplugin.layout import load_layout

    path = layout_path or Path(os.environ.get("XLPLUGIN_LAYOUT", DEFAULT_LAYOUT))
    return load_layout(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlplugin")
def cli() -> None:
    """xlplugin：部门决算公开表格校验。"""


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@_layout_option
@click.option("--engine", type=click.Choice(["auto", "calamine", "openpyxl"]), default="auto", show_default=True, help="读取引擎。")
def tables(workbook: Path, layout_path: Path | None, engine: str) -> None:
    """列出 WORKBOOK 中找到的每张表：所在工作表、位置和行数，以及读取时发现的问题。"""
    from xlplugin.book import Book
    from xlplugin.display import render_table
    from xlplugin.locate import locate_book

    layout = _load_layout(layout_path)
    located = locate_book(Book.open(workbook, engine=engine), layout)
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
        rows.append([spec.id, spec.title, table.sheet.name, table.range, str(table.row_count), str(renamed or ""), counts])
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
    from xlplugin.template import write_workbook

    layout = _load_layout(layout_path)
    write_workbook(layout, output)
    click.echo(f"已生成 {output}（{len(layout.tables)} 张表 + {layout.narrative_sheet}）")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--pack", "pack_spec", default=None, help="规则包：目录、pack.yaml、.zip 或 id（如 cq-2021、cq-2021@1.0.0）；不写时按工作簿的表样自动选择。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="报告格式。")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="把报告写入文件（默认输出到屏幕）。")
@click.option("--level", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True, help="文字报告显示到哪一级（error 只看错误）。")
@click.option("--engine", type=click.Choice(["auto", "calamine", "openpyxl"]), default="auto", show_default=True, help="读取引擎。")
@click.option("--annotate", is_flag=True, help="在原文件旁写一份标注副本（<文件名>.校验.xlsx）：问题单元格着色并加批注，另附“校验结果”表。")
@click.option("--annotate-to", type=click.Path(path_type=Path), default=None, help="把标注副本写到指定路径。")
@click.option("--in-place", is_flag=True, help="直接标注原文件（先在旁边留一份 .备份 副本）。")
@click.option("--narrative", type=click.Path(path_type=Path), default=None, help="情况说明另有文件（.docx、.txt、.md）时用它，代替工作簿中的“情况说明”表。")
def check(workbook: Path, pack_spec: str | None, output_format: str, output: Path | None, level: str, engine: str,
          annotate: bool, annotate_to: Path | None, in_place: bool, narrative: Path | None) -> None:
    """按规则包校验 WORKBOOK。退出码：0 无错误，1 有错误，2 无法校验。

    原文件只读不写；要标注请用 --annotate（副本）、--annotate-to PATH 或 --in-place。"""
    from xlplugin.book import Book
    from xlplugin.engine import run_pack
    from xlplugin.locate import locate_book
    from xlplugin.pack import find_pack, load_pack
    from xlplugin.render import render_json, render_text

    if sum(bool(x) for x in (annotate, annotate_to, in_place)) > 1:
        raise click.UsageError("--annotate、--annotate-to 和 --in-place 只能选一个。")
    book = Book.open(workbook, engine=engine)
    if pack_spec is None:
        from xlplugin.pack import recognise

        pack = load_pack(recognise(book))
    else:
        pack = load_pack(find_pack(pack_spec))
    paragraphs = None
    if narrative is not None:
        from xlplugin.narrative import read_narrative_file

        paragraphs = read_narrative_file(narrative)
    report = run_pack(pack, locate_book(book, pack.layout), workbook.name, paragraphs)
    if annotate or annotate_to or in_place:
        _write_annotation(workbook, book, report, pack, annotate_to, in_place)
    if output_format == "json":
        text = render_json(report)
    else:
        titles = {t.id: t.title for t in pack.layout.tables}
        text = render_text(report, titles, pack.name, len(pack.rules), level)
    if output is None:
        click.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(click.unstyle(text) + "\n", encoding="utf-8")
        click.echo(f"报告已写入 {output}。结论：{report.verdict}")
    sys.exit(0 if report.valid else 1)


def _write_annotation(workbook: Path, book, report, pack, annotate_to: Path | None, in_place: bool) -> None:
    from xlplugin.annotate import annotate, annotated_name, read_explanations

    target = annotate_to or (workbook if in_place else annotated_name(workbook))
    if in_place:
        _backup(workbook)
    elif target.resolve() == workbook.resolve():
        raise click.UsageError("标注副本不能覆盖原文件；要直接标注原文件请用 --in-place。")
    done = annotate(
        workbook, report, target, pack_name=pack.name, titles={t.id: t.title for t in pack.layout.tables},
        explanations=read_explanations(book),
    )
    click.echo(f"已写入标注{'（原文件）' if in_place else '副本'}：{done.path}（{done.cells} 个单元格，“校验结果”表 {len(report.findings)} 条）", err=True)


def _backup(workbook: Path) -> Path:
    import shutil

    backup = workbook.with_name(f"{workbook.stem}.备份{workbook.suffix}")
    shutil.copy2(workbook, backup)
    click.echo(f"已备份原文件：{backup}", err=True)
    return backup


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="写到指定路径（默认 <文件名>.已清除.xlsx）。")
@click.option("--in-place", is_flag=True, help="直接清除原文件中的标注（先留一份 .备份 副本）。")
def clean(workbook: Path, output: Path | None, in_place: bool) -> None:
    """清除 xlplugin 的全部标注（批注、底色、“校验结果”表），恢复原样。"""
    from xlplugin.annotate import clean as clean_workbook
    from xlplugin.sniff import check_workbook_file

    check_workbook_file(workbook)
    if output and in_place:
        raise click.UsageError("-o 和 --in-place 只能选一个。")
    if in_place:
        _backup(workbook)
    target = workbook if in_place else (output or workbook.with_name(f"{workbook.stem}.已清除{workbook.suffix}"))
    done = clean_workbook(workbook, target)
    click.echo(f"已清除标注：{done.path}（恢复 {done.cells} 个单元格的底色）")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="结果目录：每个单位的 JSON 报告（和标注副本）、汇总.xlsx、汇总.html。")
@click.option("--pack", "pack_spec", default=None, help="规则包：目录、pack.yaml 路径或 id，默认 cq-2021。")
@click.option("--annotate", is_flag=True, help="同时为每个工作簿写标注副本。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=max(1, (os.cpu_count() or 1)), show_default=True, help="并行的进程数。")
@click.option("--force", is_flag=True, help="全部重新校验（默认跳过内容和规则包都没变的工作簿）。")
def batch(paths: tuple[Path, ...], out_dir: Path, pack_spec: str | None, annotate: bool, jobs: int, force: bool) -> None:
    """批量校验 PATHS 下的所有工作簿（文件或文件夹，含子文件夹）。

    退出码：0 全部通过；1 有单位存在错误；2 有文件无法校验。"""
    from xlplugin.batch import progress_printer, run_batch
    from xlplugin.overview import write_overview_html, write_overview_xlsx
    from xlplugin.pack import find_pack, load_pack

    pack_dir = find_pack(pack_spec)
    loaded = load_pack(pack_dir)
    result = run_batch(paths, out_dir, pack_dir, annotate=annotate, jobs=jobs, force=force, progress=progress_printer())
    workbook = write_overview_xlsx(result.summary_path, out_dir / "汇总.xlsx", loaded)
    page = write_overview_html(result.summary_path, out_dir / "汇总.html", loaded)
    from xlplugin.overview import read_summaries

    invalid = sum(1 for s in read_summaries(result.summary_path) if "error" not in s and not s["valid"])
    click.echo(
        f"共 {result.total} 个文件：校验 {result.checked} 个，未变化跳过 {result.skipped} 个，无法校验 {result.failed} 个；"
        f"有错误的单位 {invalid} 个。用时 {result.seconds:.1f} 秒。\n汇总：{workbook}、{page}"
    )
    sys.exit(2 if result.failed else (1 if invalid else 0))


@cli.group()
def pack() -> None:
    """规则包的编写与测试。"""


@pack.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--id", "pack_id", required=True, help="新规则包的 id，如 wansheng-2021。")
@click.option("--name", required=True, help="规则包名称。")
@click.option("--extends", "base", default="cq-2021", show_default=True, help="继承的规则包（id[@版本]）；写 none 表示从头写。")
def pack_new(folder: Path, pack_id: str, name: str, base: str) -> None:
    """新建规则包：默认继承一个已有规则包，附一条示例规则和它的用例。"""
    from xlplugin.packnew import scaffold

    made = scaffold(folder, pack_id, name, None if base == "none" else base)
    click.echo(f"已新建规则包 {pack_id}：{made}。接着编辑 rules/本地规则.yaml，用 xlplugin pack test {made} 检验。")


@pack.command("lint")
@click.argument("pack_spec", required=False)
def pack_lint(pack_spec: str | None) -> None:
    """检查规则包：格式、引用的表/区块/行/列/科目、表达式、模板、重复 id、用例文件；每个问题都带文件和行号。"""
    from xlplugin.pack import find_pack, load_pack
    from xlplugin.packtest import iter_cases

    loaded = load_pack(find_pack(pack_spec))
    cases = iter_cases(loaded)
    missing = sorted({c.rule for c in cases if c.entry is None})
    click.echo(f"{loaded.id} {loaded.version}：{len(loaded.rules)} 条规则、{len(cases)} 个用例，格式和引用都没有问题。")
    if missing:
        click.echo(f"警告：{len(missing)} 条规则缺少通过或不通过用例：{'、'.join(missing)}")
        sys.exit(1)


@pack.command("build")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="输出的 .zip（默认 <id>-<版本>.zip）。")
def pack_build(folder: Path, output: Path | None) -> None:
    """把规则包目录打成一个 .zip（相同内容得到相同字节），内含每个文件的 SHA-256。"""
    from xlplugin.pack import load_pack
    from xlplugin.packfile import build

    loaded = load_pack(folder)
    target = build(folder, output or Path(f"{loaded.id}-{loaded.version}.zip"))
    click.echo(f"已打包：{target}")


@pack.command("keygen")
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("."), show_default=True)
def pack_keygen(name: str, folder: Path) -> None:
    """生成签名用的 Ed25519 密钥对：NAME.key（私钥，妥善保管）和 NAME.pub（公钥，发给各单位）。"""
    from xlplugin.packfile import fingerprint, generate_keys, load_public

    private, public = generate_keys(folder, name)
    click.echo(f"私钥：{private}\n公钥：{public}（指纹 {fingerprint(load_public(public))}）")


@pack.command("sign")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--key", type=click.Path(path_type=Path), required=True, help="私钥（pack keygen 生成的 .key）。")
def pack_sign(archive: Path, key: Path) -> None:
    """为打好的规则包签名（Ed25519）。"""
    from xlplugin.packfile import sign

    click.echo(f"已签名：{sign(archive, key)}")


@pack.command("verify")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--trust", "keys", multiple=True, type=click.Path(path_type=Path), help="受信任的公钥（可多个；另加已信任的公钥）。")
def pack_verify(archive: Path, keys: tuple[Path, ...]) -> None:
    """检查规则包是否完整、是否由受信任的密钥签名。退出码：0 通过，1 未签名、被改动或不受信任。"""
    from xlplugin.packfile import verify
    from xlplugin.packstore import trusted_keys

    result = verify(archive, [*trusted_keys(), *keys])
    click.echo(f"{'通过' if result.ok else {'unsigned': '未签名', 'tampered': '已被改动', 'untrusted': '不受信任'}[result.status]}：{result.message}")
    sys.exit(0 if result.ok else 1)


@pack.command("trust")
@click.argument("public_key", type=click.Path(path_type=Path))
def pack_trust(public_key: Path) -> None:
    """信任一个发布单位的公钥（以后安装由它签名的规则包）。"""
    from xlplugin.packstore import trust

    click.echo(f"已信任：{trust(public_key)}")


@pack.command("install")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--trust", "keys", multiple=True, type=click.Path(path_type=Path), help="本次额外信任的公钥。")
@click.option("--allow-unsigned", is_flag=True, help="允许安装未签名或签名者不受信任的规则包（被改动的仍然拒绝）。")
def pack_install(archive: Path, keys: tuple[Path, ...], allow_unsigned: bool) -> None:
    """验证后安装规则包（同一规则包的多个版本可以并存）。"""
    from xlplugin.packstore import install

    done, verification = install(archive, list(keys), allow_unsigned)
    state = "签名可信" if verification.ok else f"注意：{verification.message}"
    click.echo(f"已安装 {done.id} {done.version}（{done.name}）到 {done.path}；{state}")


@pack.command("list")
def pack_list() -> None:
    """列出已安装和随附的规则包。"""
    from xlplugin.display import render_table
    from xlplugin.pack import BUNDLED_PACKS, candidates
    from xlplugin.packstore import installed

    rows = [[p.id, p.version, p.name, p.issuer, p.signer or "未签名", "已安装"] for p in installed()]
    for pack_id, version, folder in candidates():
        if folder.is_relative_to(BUNDLED_PACKS):
            rows.append([pack_id, version, "", "", "—", "随附"])
    click.echo(render_table(["id", "版本", "名称", "发布单位", "签名密钥", "来源"], rows) if rows else "没有规则包。")


@pack.command("show")
@click.argument("pack_spec")
def pack_show(pack_spec: str) -> None:
    """显示规则包的清单、规则数量（按类型、级别）和更新记录。"""
    from collections import Counter

    from xlplugin.pack import find_pack, load_pack

    loaded = load_pack(find_pack(pack_spec))
    kinds = Counter(r.kind for r in loaded.rules)
    severities = Counter(r.severity for r in loaded.rules)
    click.echo(f"{loaded.id} {loaded.version}  {loaded.name}\n发布单位：{loaded.issuer}\n地区与年度：{loaded.region} {loaded.year}")
    click.echo(f"表样：{loaded.layout.id} {loaded.layout.version}（{len(loaded.layout.tables)} 张表）" + (f"\n继承：{loaded.extends}" if loaded.extends else ""))
    click.echo(f"位置：{loaded.path}\n规则：{len(loaded.rules)} 条（" + "，".join(f"{k} {n}" for k, n in severities.items()) + "）")
    click.echo("类型：" + "，".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for entry in loaded.changelog:
        click.echo(f"  - {entry}")


@pack.command("remove")
@click.argument("pack_spec")
def pack_remove(pack_spec: str) -> None:
    """删除已安装的规则包（id 删除所有版本，id@版本 只删一个）。"""
    from xlplugin.packstore import remove

    for gone in remove(pack_spec):
        click.echo(f"已删除 {gone.id} {gone.version}")


@pack.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def pack_diff(old: str, new: str, output_format: str) -> None:
    """比较两个规则包（版本）：新增、删除、级别变化、启用停用、内容变化——即发布说明。"""
    import json

    from xlplugin.pack import find_pack, load_pack
    from xlplugin.packdiff import diff

    result = diff(load_pack(find_pack(old)), load_pack(find_pack(new)))
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) if output_format == "json" else result.text())


@pack.command("test")
@click.argument("pack_spec", required=False)
def pack_test(pack_spec: str | None) -> None:
    """运行规则包自带的用例：每条规则至少一个通过用例、一个不通过用例。"""
    from xlplugin.display import render_table
    from xlplugin.pack import find_pack, load_pack
    from xlplugin.packtest import run_cases

    loaded = load_pack(find_pack(pack_spec))
    results = run_cases(loaded)
    rows = [[r.rule, r.case, "通过" if r.expect == "pass" else "不通过", "✓" if r.ok else "✗", r.detail] for r in results]
    click.echo(render_table(["规则", "用例", "期望", "结果", "说明"], rows))
    failed = [r for r in results if not r.ok]
    click.echo(f"\n{loaded.id} {loaded.version}：{len(loaded.rules)} 条规则，{len(results)} 个用例，{len(results) - len(failed)} 个符合期望，{len(failed)} 个不符合。")
    sys.exit(1 if failed else 0)


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
    except Exception as error:  # a bug of ours: say so plainly, keep the details for a report
        if os.environ.get("XLPLUGIN_DEBUG"):
            traceback.print_exc()
        click.echo(f"内部错误：{type(error).__name__}: {error}。请设置环境变量 XLPLUGIN_DEBUG=1 重试并把输出反馈给维护者。", err=True)
        sys.exit(EXIT_CANNOT_CHECK)
