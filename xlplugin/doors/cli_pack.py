"""``xlplugin pack …``: writing, checking, testing, building, signing, distributing and installing
rule packs. Thin: each command calls :mod:`xlplugin.packs.load`, :mod:`xlplugin.packs.archive`,
:mod:`xlplugin.packs.store`, :mod:`xlplugin.packs.diff` or :mod:`xlplugin.packs.testing`."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def pack() -> None:
    """规则包的编写与测试。"""


@pack.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--id", "pack_id", required=True, help="新规则包的 id，如 wansheng-2021。")
@click.option("--name", required=True, help="规则包名称。")
@click.option(
    "--extends", "base", default="cq-2021", show_default=True, help="继承的规则包（id[@版本]）；写 none 表示从头写。"
)
def pack_new(folder: Path, pack_id: str, name: str, base: str) -> None:
    """新建规则包：默认继承一个已有规则包，附一条示例规则和它的用例。"""
    from xlplugin.packs.scaffold import scaffold

    made = scaffold(folder, pack_id, name, None if base == "none" else base)
    click.echo(f"已新建规则包 {pack_id}：{made}。接着编辑 rules/本地规则.yaml，用 xlplugin pack test {made} 检验。")


@pack.command("lint")
@click.argument("pack_spec", required=False)
def pack_lint(pack_spec: str | None) -> None:
    """检查规则包：格式、引用的表/区块/行/列/科目、表达式、模板、重复 id、用例文件；每个问题都带文件和行号。"""
    from xlplugin.packs.load import load_pack
    from xlplugin.packs.resolve import find_pack
    from xlplugin.packs.testing import iter_cases

    loaded = load_pack(find_pack(pack_spec, allow_unsigned=True))  # reading a pack, not checking with it
    cases = iter_cases(loaded)
    missing = sorted({c.rule for c in cases if c.entry is None})
    click.echo(f"{loaded.id} {loaded.version}：{len(loaded.rules)} 条规则、{len(cases)} 个用例，格式和引用都没有问题。")
    if missing:
        click.echo(f"警告：{len(missing)} 条规则缺少通过或不通过用例：{'、'.join(missing)}")
        sys.exit(1)


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
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("."), show_default=True)
def pack_keygen(name: str, folder: Path) -> None:
    """生成签名用的 Ed25519 密钥对：NAME.key（私钥，妥善保管）和 NAME.pub（公钥，发给各单位）。"""
    from xlplugin.packs.archive import fingerprint, generate_keys, load_public

    private, public = generate_keys(folder, name)
    click.echo(f"私钥：{private}\n公钥：{public}（指纹 {fingerprint(load_public(public))}）")


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
    """检查规则包是否完整、是否由受信任的密钥签名。退出码：0 通过，1 未签名、被改动或不受信任。"""
    from xlplugin.packs.archive import verify
    from xlplugin.packs.places import trusted_keys

    result = verify(archive, [*trusted_keys(), *keys])
    click.echo(
        f"{'通过' if result.ok else {'unsigned': '未签名', 'tampered': '已被改动', 'untrusted': '不受信任'}[result.status]}：{result.message}"
    )
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
