"""``xlplugin pack new``: a new pack to start from — by default one that extends an existing pack
(a district adapting the city's rules), with one example rule and its passing and failing cases;
with ``--extends none`` a clean skeleton of the author's own: nothing of another region, an example
table to replace (``xlplugin pack layout`` drafts the real ones), and no test base until
``xlplugin pack base`` sets one. ``xlplugin pack lint`` lists what is still to fill in."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from xlplugin.core.errors import PackError
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack

__all__ = ["scaffold"]

_RULE = """# 本地规则：在所继承的规则之外增加的规则（写法见 docs/规则编写指南.md）
rules:
  - id: LOCAL-01
    name: 会议费不超过 5 万元
    kind: expression
    severity: 警告
    expr: 公开09表[会议费].决算数 <= 5
    explanation: 本地对会议费的控制要求；超过时请在说明中写明原因。
"""

_CASES = """# 每条规则至少一个通过用例和一个不通过用例（xlplugin pack test 运行）。
LOCAL-01:
  pass: [基准]
  fail:
    - name: 会议费超过 5 万元
      set:
        公开09表[会议费].决算数: 6
"""


_TABLE = """# 示例表样：只为演示写法，不是任何地区的真实表样。请换成你的表：
#   xlplugin pack layout 一份填好的公开表.xlsx -o 本规则包文件夹 --force
# 会按工作簿为每张表起草 tables/<表号>.yaml 并改写 template.yaml（写法见 docs/规则编写指南.md）。
id: 示例表
title: 示例收入支出表
unit: 万元
decimals: 2
note: 备注：这是示例表，请删除。
header:
  - [项目, 决算数]
widths: [30, 16]
blocks:
  - id: 收支
    columns:
      - {id: 项目, role: label, header: [项目]}
      - {id: 决算数, header: [决算数]}
    rows:
      - 一、本年收入合计
      - 二、本年支出合计
"""

_OWN_RULE = """# 示例规则：引用的是示例表，换成你的表样后请改写（写法见 docs/规则编写指南.md）
rules:
  - id: LOCAL-01
    name: 支出不超过收入（示例）
    kind: expression
    severity: 警告
    expr: 示例表[本年支出合计].决算数 <= 示例表[本年收入合计].决算数
    explanation: 示例规则：本年支出超过本年收入时，请在情况说明中写明原因。
"""

_OWN_CASES = """# 每条规则至少一个通过用例和一个不通过用例（xlplugin pack test 运行）。
# “基准”是测试底稿：一份填好且正确的工作簿，用 xlplugin pack base 工作簿.xlsx --pack 本文件夹 设定。
LOCAL-01:
  pass: [基准]
  fail:
    - name: 支出超过收入
      set:
        示例表[本年支出合计].决算数: 999999
"""


def scaffold(
    folder: str | Path,
    pack_id: str,
    name: str,
    base: str | None,
    region: str | None = None,
    year: int | None = None,
) -> Path:
    """Write a new pack: one extending ``base``, or (``base`` None) a clean skeleton of the author's
    own — template.yaml with the pack's id and name, one example table, rule and cases, no test base."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise PackError("folder-not-empty", f"“{folder}”不是空文件夹，不会覆盖其中的文件。")
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    (folder / "tests").mkdir(exist_ok=True)
    lines = [
        f"id: {_scalar(pack_id)}",
        f"name: {_scalar(name)}",
        "version: 0.1.0",
    ]
    if base is None:
        lines += [
            f"region: {_scalar(region) if region else '（填写地区，如 某某区）'}",
            f"year: {year}" if year else "# year: 2021                      年度（填写后去掉行首的 #）",
        ]
    lines += [
        "issuer: （填写发布单位）",
        'engine: ">=0.1"',
        "changelog:",
        "  - 0.1.0：新建",
    ]
    if base:
        parent = load_pack(find_pack(base))
        lines += [
            f"extends: {parent.id}@{parent.version}",
            "# disable: [规则 id, …]        停用所继承的规则",
            "# severity: {规则 id: 警告}      改变所继承规则的级别",
        ]
        rule, cases = _RULE, _CASES
    else:
        (folder / "tables").mkdir()
        (folder / "tables" / "示例表.yaml").write_text(_TABLE, encoding="utf-8")
        (folder / "template.yaml").write_text(_template(pack_id, name, region, year), encoding="utf-8")
        lines += [
            "template: template.yaml",
            "# test_base: tests/基准.xlsx     由 xlplugin pack base 工作簿.xlsx --pack 本文件夹 设定",
        ]
        rule, cases = _OWN_RULE, _OWN_CASES
    lines += ["rules:", "  - rules/本地规则.yaml", "tests: tests/cases.yaml", ""]
    (folder / "pack.yaml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "rules" / "本地规则.yaml").write_text(rule, encoding="utf-8")
    (folder / "tests" / "cases.yaml").write_text(cases, encoding="utf-8")
    load_pack(folder)  # what we wrote must load
    return folder


def _template(pack_id: str, name: str, region: str | None, year: int | None) -> str:
    lines = [
        f"# {name}：表样（xlplugin pack layout 可按一份填好的工作簿起草 tables/ 和本文件）",
        f"id: {_scalar(pack_id)}",
        f"name: {_scalar(name + '表样')}",
    ]
    if year:
        lines.append(f"year: {year}")
    lines += [
        f"region: {_scalar(region) if region else '（填写地区）'}",
        "version: 0.1.0",
        "narrative:",
        "  sheet: 情况说明",
        "tables:",
        "  - tables/示例表.yaml",
        "",
    ]
    return "\n".join(lines)


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same text, else quoted."""
    plain = str(text)
    try:
        same = yaml.safe_load(plain) == plain and "#" not in plain and ":" not in plain
    except yaml.YAMLError:
        same = False
    return plain if same else json.dumps(plain, ensure_ascii=False)
