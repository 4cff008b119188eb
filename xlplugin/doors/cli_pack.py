"""``xlplugin pack …``: writing, checking, testing, building, signing, distributing and installing
rule packs. Thin: each command calls :mod:`xlplugin.packs.load`, :mod:`xlplugin.packs.archive`,
:mod:`xlplugin.packs.store`, :mod:`xlplugin.packs.diff` or :mod:`xlplugin.packs.testing`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xlplugin.doors.cli_base import ZhGroup


@click.group(cls=ZhGroup)
def pack() -> None:
    """规则包的编写与测试。"""


@pack.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--id", "pack_id", required=True, help="新规则包的 id，如 wansheng-2021。")
@click.option("--name", required=True, help="规则包名称。")
@click.option(
    "--extends", "base", default="cq-2021", show_default=True, help="继承的规则包（id[@版本]）；写 none 表示从头写。"
)
@click.option("--region", default=None, help="地区（--extends none 时写入 pack.yaml 和 template.yaml）。")
@click.option("--year", type=int, default=None, help="年度，如 2022（--extends none 时写入）。")
def pack_new(folder: Path, pack_id: str, name: str, base: str, region: str | None, year: int | None) -> None:
    """新建规则包：默认继承一个已有规则包，附一条示例规则和它的用例；--extends none 得到一个干净的骨架。"""
    from xlplugin.packs.scaffold import scaffold

    own = base == "none"
    made = scaffold(folder, pack_id, name, None if own else base, region, year)
    click.echo(f"已新建规则包 {pack_id}：{made}。")
    if own:
        click.echo(
            f"接着：1. xlplugin pack layout 填好的公开表.xlsx -o {made} --force（按工作簿起草表样，代替示例表）；\n"
            f"      2. 改写 rules/本地规则.yaml 和 tests/cases.yaml；\n"
            f"      3. xlplugin pack base 填好且正确的工作簿.xlsx --pack {made}（设定测试底稿）；\n"
            f"      4. xlplugin pack lint {made} 列出还要填写的内容，xlplugin pack test {made} 运行用例。"
        )
    else:
        click.echo(f"接着编辑 rules/本地规则.yaml，用 xlplugin pack test {made} 检验。")


@pack.command("lint")
@click.argument("pack_spec", required=False)
def pack_lint(pack_spec: str | None) -> None:
    """检查规则包：格式、引用的表/区块/行/列/科目、表达式、模板、重复 id、用例文件；一次列出所有问题，每个都带文件和行号。
    退出码：0 没有问题，1 只缺用例或待填写的内容，2 有错误。"""
    from xlplugin.packs.lint import lint
    from xlplugin.packs.resolve import find_pack

    result = lint(find_pack(pack_spec, allow_unsigned=True))  # reading a pack, not checking with it
    for problem in result.problems:
        click.echo(f"错误：{problem.message}")
    for item in result.todo:
        click.echo(f"待填写：{item}")
    loaded = result.pack
    name = f"{loaded.id} {loaded.version}" if loaded else str(pack_spec or "规则包")
    rules = f"{len(loaded.rules)} 条规则、{result.cases} 个用例" if loaded else "无法读出规则"
    if result.problems:
        click.echo(f"{name}：{rules}；共 {len(result.problems)} 个问题（见上），请逐个修改。")
    else:
        click.echo(f"{name}：{rules}，格式和引用都没有问题。")
    if result.missing:
        click.echo(f"警告：{len(result.missing)} 条规则缺少通过或不通过用例：{'、'.join(result.missing)}")
    sys.exit(2 if result.problems else 1 if result.missing or result.todo else 0)


@pack.command("layout")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(path_type=Path),
    required=True,
    help="规则包文件夹（写入 tables/ 和 template.yaml）。",
)
@click.option("--id", "template_id", default=None, help="表样 id（默认沿用已有 template.yaml 的，否则用文件夹名）。")
@click.option("--name", default=None, help="表样名称（默认沿用已有 template.yaml 的）。")
@click.option("--force", is_flag=True, help="覆盖已有的 tables/*.yaml 和 template.yaml。")
def pack_layout(workbook: Path, folder: Path, template_id: str | None, name: str | None, force: bool) -> None:
    """按一份填好的公开表起草表样：每张表一个 tables/<表号>.yaml（表名、单位、表头与合并、编码列和名称列、
    按编码取行的区块或固定行、小数位），外加列出它们的 template.yaml。起草后立即在这份工作簿上试找每张表。"""
    from xlplugin.packs.authoring import write_layout

    result = write_layout(workbook, folder, template_id, name, force)
    for path in result.written:
        click.echo(f"已写入：{path}")
    for sheet, why in result.draft.skipped.items():
        click.echo(f"未起草：{sheet}（{why}）")
    click.echo(f"在“{workbook.name}”中找到 {len(result.found)} 张表：{'、'.join(result.found) or '无'}。")
    for table_id, why in result.not_found.items():
        click.echo(f"找不到 {table_id}：{why}")
    click.echo(
        f"这是草稿：请核对 id、行名、合计行、na 和 cells，再写规则；xlplugin pack lint {folder} 会列出所有问题。"
    )
    sys.exit(1 if result.not_found else 0)


@pack.command("base")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--pack", "pack_folder", type=click.Path(path_type=Path), required=True, help="规则包文件夹。")
@click.option("--force", is_flag=True, help="即使校验有错误或警告也设为测试底稿。")
def pack_base(workbook: Path, pack_folder: Path, force: bool) -> None:
    """把一份填好且正确的工作簿设为规则包的测试底稿（用例里的“基准”）：先用规则包校验，没有错误和警告才复制到
    tests/ 并在 pack.yaml 写上 test_base（只改这一行，注释和其他内容不动）。退出码：0 已设定，1 被拒绝。"""
    from xlplugin.packs.authoring import set_test_base

    result = set_test_base(workbook, pack_folder, force)
    for table_id, why in result.not_found.items():
        click.echo(f"找不到 {table_id}：{why}")
    for finding in result.serious:
        click.echo(f"{finding.severity}：{finding.sheet}!{finding.cell} [{finding.rule}] {finding.message}")
    problems = len(result.serious) + len(result.not_found)
    if result.target is None:
        click.echo(
            f"未设定：“{workbook.name}”用规则包校验有 {problems} 个错误、警告或找不到的表（见上）。"
            "请先改正工作簿（或规则），确属正确时可加 --force。"
        )
        sys.exit(1)
    note = f"（已按 --force 忽略 {problems} 个问题）" if problems else ""
    click.echo(
        f"已设为测试底稿：{result.target}，pack.yaml 的 test_base 已更新{note}。接着运行 xlplugin pack test {pack_folder}。"
    )


@pack.command("build")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="输出的 .zip（默认 <id>-<版本>.zip）。"
)
def pack_build(folder: Path, output: Path | None) -> None:
    """把规则包目录打成一个 .zip（相同内容得到相同字节），内含每个文件的 SHA-256。"""
    from xlplugin.packs.archive import build
    from xlplugin.packs.load import load_pack

    loaded = load_pack(folder)
    target = build(folder, output or Path(f"{loaded.id}-{loaded.version}.zip"))
    click.echo(f"已打包：{target}")


@pack.command("keygen")
@click.argument("name")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="密钥写到哪个文件夹。",
)
@click.option(
    "--force",
    is_flag=True,
    help="覆盖已有的同名密钥（此后用旧私钥签名的规则包在各单位都将不受信任，须重新签名、各单位重新信任新公钥）。",
)
def pack_keygen(name: str, folder: Path, force: bool) -> None:
    """生成签名用的 Ed25519 密钥对：NAME.key（私钥，妥善保管）和 NAME.pub（公钥，发给各单位）。
    已有同名密钥时拒绝（退出码 2），除非加 --force。"""
    from xlplugin.packs.archive import fingerprint, generate_keys, load_public

    private, public = generate_keys(folder, name, force=force)
    click.echo(f"私钥：{private}\n公钥：{public}（指纹 {fingerprint(load_public(public))}）")


@pack.command("which")
@click.argument("workbook", required=False, type=click.Path(path_type=Path))
@click.option("--pack", "pack_spec", default=None, help="与 check --pack 相同：指定了就用它。")
@click.option("--allow-unsigned", is_flag=True, help="与 check --allow-unsigned 相同。")
def pack_which(workbook: Path | None, pack_spec: str | None, allow_unsigned: bool) -> None:
    """说明校验 WORKBOOK 会用哪个规则包、为什么（按规则包的选择顺序，哪一步选中了它）。

    顺序：1 --pack；2 环境变量 XLPLUGIN_PACK；3 配置文件 xlplugin.yaml 或 .xlplugin.yaml（当前文件夹向上，
    再到用户主目录）中的 pack；4 已安装的、5 随附的规则包中表样与工作簿最相符的。前三步都没有时才需要 WORKBOOK。
    退出码：0 已选出，2 选不出（没有相符的规则包、规则包有误或工作簿无法读取）。"""
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.order import STEPS, choose_source
    from xlplugin.workbook.readers import read_book

    source = choose_source(pack_spec, (lambda: read_book(workbook)) if workbook else None, allow_unsigned)
    loaded = load_pack(source.path)
    click.echo(f"规则包：{loaded.id} {loaded.version}（{loaded.name}）\n位置：{loaded.path}")
    click.echo(f"依据：第 {source.step} 步，{STEPS[source.step]}：{source.why}")
    for notice in source.notices:
        click.echo(f"注意：{notice}")
    click.echo("选择顺序：" + "；".join(f"{n} {text}" for n, text in STEPS.items()))


@pack.command("sign")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--key", type=click.Path(path_type=Path), required=True, help="私钥（pack keygen 生成的 .key）。")
def pack_sign(archive: Path, key: Path) -> None:
    """为打好的规则包签名（Ed25519）。"""
    from xlplugin.packs.archive import sign

    click.echo(f"已签名：{sign(archive, key)}")


@pack.command("verify")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option(
    "--trust", "keys", multiple=True, type=click.Path(path_type=Path), help="受信任的公钥（可多个；另加已信任的公钥）。"
)
def pack_verify(archive: Path, keys: tuple[Path, ...]) -> None:
    """检查规则包是否完整、是否由受信任的密钥签名。退出码：0 通过，1 未签名、不受信任、被改动或不是完整的规则包。"""
    from xlplugin.packs.archive import STATUS_TITLES, verify
    from xlplugin.packs.places import trusted_keys

    result = verify(archive, [*trusted_keys(), *keys])
    click.echo(f"{STATUS_TITLES[result.status]}：{result.message}")
    sys.exit(0 if result.ok else 1)


@pack.command("trust")
@click.argument("public_key", type=click.Path(path_type=Path))
def pack_trust(public_key: Path) -> None:
    """信任一个发布单位的公钥（以后安装由它签名的规则包）。"""
    from xlplugin.packs.store import trust

    click.echo(f"已信任：{trust(public_key)}")


@pack.command("install")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--trust", "keys", multiple=True, type=click.Path(path_type=Path), help="本次额外信任的公钥。")
@click.option("--allow-unsigned", is_flag=True, help="允许安装未签名或签名者不受信任的规则包（被改动的仍然拒绝）。")
@click.option(
    "--replace-bundled",
    is_flag=True,
    help="与随附规则包同 id 时，让它代替随附的：此后不写 --pack 或只写 id 的校验都用它（报告中注明）。",
)
def pack_install(archive: Path, keys: tuple[Path, ...], allow_unsigned: bool, replace_bundled: bool) -> None:
    """验证后安装规则包（同一规则包的多个版本可以并存）。"""
    from xlplugin.packs.store import bundled_versions, install

    done, verification = install(archive, list(keys), allow_unsigned, replace_bundled)
    state = "签名可信" if verification.ok else f"注意：{verification.message}"
    click.echo(f"已安装 {done.id} {done.version}（{done.name}）到 {done.path}；{state}")
    bundled = bundled_versions().get(done.id)
    if bundled and replace_bundled:
        click.echo(
            f"注意：它将代替随附的规则包 {done.id} {bundled}（不写 --pack 或只写 id 时都用它），校验报告会注明。"
        )
    elif bundled:
        click.echo(
            f"注意：它与随附的规则包 {done.id} {bundled} 同 id。不写 --pack 或只写 id 时仍用随附的；"
            f"要用这个请写 --pack {done.id}@{done.version}，或加 --replace-bundled 重新安装让它代替随附的。"
        )


@pack.command("list")
def pack_list() -> None:
    """列出已安装和随附的规则包。"""
    from xlplugin.core.display import render_table
    from xlplugin.packs.places import BUNDLED_PACKS, candidates
    from xlplugin.packs.store import installed

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

    from xlplugin.engine.kinds import KINDS, TOPICS
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import find_pack

    loaded = load_pack(find_pack(pack_spec, allow_unsigned=True))  # reading a pack, not checking with it
    kinds = Counter(r.kind for r in loaded.rules)
    severities = Counter(r.severity for r in loaded.rules)
    click.echo(
        f"{loaded.id} {loaded.version}  {loaded.name}\n发布单位：{loaded.issuer}\n地区与年度：{loaded.region} {loaded.year}"
    )
    click.echo(
        f"表样：{loaded.layout.id} {loaded.layout.version}（{len(loaded.layout.tables)} 张表）"
        + (f"\n继承：{loaded.extends}" if loaded.extends else "")
    )
    click.echo(
        f"位置：{loaded.path}\n规则：{len(loaded.rules)} 条（"
        + "，".join(f"{k} {n}" for k, n in severities.items())
        + "）"
    )
    click.echo("类型：")
    for topic, topic_title in TOPICS.items():
        used = [
            (name, module.TITLE, kinds[name]) for name, module in KINDS.items() if topic == module.TOPIC and kinds[name]
        ]
        if used:
            click.echo(f"  {topic_title}：" + "，".join(f"{name}（{title}）{n}" for name, title, n in used))
    # a catalogue may be partial: what it covers is part of what the pack checks
    catalogues = {r.prepared.catalogue.path: r.prepared.catalogue for r in loaded.rules if r.kind == "catalogue"}
    for catalogue in catalogues.values():
        counts = "、".join(f"{level} {n} 个" for level, n in catalogue.counts().items() if n)
        click.echo(f"科目目录：{catalogue.name}（{catalogue.year} 年）{catalogue.coverage or counts}")
    if loaded.changelog:
        click.echo("更新记录：")
    for entry in loaded.changelog:
        click.echo(f"  - {entry}")


@pack.command("remove")
@click.argument("pack_spec")
def pack_remove(pack_spec: str) -> None:
    """删除已安装的规则包（id 删除所有版本，id@版本 只删一个）。"""
    from xlplugin.packs.store import remove

    for gone in remove(pack_spec):
        click.echo(f"已删除 {gone.id} {gone.version}")


@pack.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def pack_diff(old: str, new: str, output_format: str) -> None:
    """比较两个规则包（版本）：新增、删除、级别变化、启用停用、内容变化——即发布说明。"""
    import json

    from xlplugin.packs.diff import diff
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import find_pack

    result = diff(load_pack(find_pack(old, allow_unsigned=True)), load_pack(find_pack(new, allow_unsigned=True)))
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) if output_format == "json" else result.text())


@pack.command("test")
@click.argument("pack_spec", required=False)
def pack_test(pack_spec: str | None) -> None:
    """运行规则包自带的用例：每条规则至少一个通过用例、一个不通过用例。"""
    from xlplugin.core.display import render_table
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import find_pack
    from xlplugin.packs.testing import run_cases

    loaded = load_pack(find_pack(pack_spec, allow_unsigned=True))  # reading a pack, not checking with it
    results = run_cases(loaded)
    rows = [
        [r.rule, r.case, "通过" if r.expect == "pass" else "不通过", "✓" if r.ok else "✗", r.detail] for r in results
    ]
    click.echo(render_table(["规则", "用例", "期望", "结果", "说明"], rows))
    failed = [r for r in results if not r.ok]
    click.echo(
        f"\n{loaded.id} {loaded.version}：{len(loaded.rules)} 条规则，{len(results)} 个用例，{len(results) - len(failed)} 个符合期望，{len(failed)} 个不符合。"
    )
    sys.exit(1 if failed else 0)
