"""``xlplugin pack new``: a new pack to start from — by default one that extends an existing pack
(a district adapting the city's rules), with one example rule and its passing and failing cases."""

from __future__ import annotations

import shutil
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS
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


def scaffold(folder: str | Path, pack_id: str, name: str, base: str | None) -> Path:
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise PackError("folder-not-empty", f"“{folder}”不是空文件夹，不会覆盖其中的文件。")
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    (folder / "tests").mkdir(exist_ok=True)
    lines = [
        f"id: {pack_id}",
        f"name: {name}",
        "version: 0.1.0",
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
    else:
        source = BUNDLED_PACKS / "chongqing-2021"
        shutil.copyfile(source / "template.yaml", folder / "template.yaml")
        shutil.copytree(source / "tables", folder / "tables")
        shutil.copyfile(source / "tests" / "基准-更正版.xlsx", folder / "tests" / "基准.xlsx")
        lines += ["template: template.yaml", "test_base: tests/基准.xlsx"]
    lines += ["rules:", "  - rules/本地规则.yaml", "tests: tests/cases.yaml", ""]
    (folder / "pack.yaml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "rules" / "本地规则.yaml").write_text(_RULE, encoding="utf-8")
    (folder / "tests" / "cases.yaml").write_text(_CASES, encoding="utf-8")
    load_pack(folder)  # what we wrote must load
    return folder
