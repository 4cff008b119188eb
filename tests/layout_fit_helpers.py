"""Workbooks and packs for the layout-fit tests: the committed sample cut down to a few of its
tables (a workbook the Chongqing layout describes badly), and a small pack of just those tables."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl

from xlplugin.packs.places import BUNDLED_PACKS, installed_root

THREE = ("公开01表", "公开02表", "公开03表")


def keep_sheets(source: Path, target: Path, keep: tuple[str, ...], spoil_codes: tuple[str, ...] = ()) -> Path:
    """``source`` with only the sheets in ``keep`` (and 情况说明); in the sheets ``spoil_codes`` every
    功能分类 code is written the way some other layouts print it (``类 208 款 05``), so no row can be placed."""
    workbook = openpyxl.load_workbook(source)
    for name in list(workbook.sheetnames):
        if name not in keep and name != "情况说明":
            workbook.remove(workbook[name])
    for name in spoil_codes:
        for row in workbook[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and re.fullmatch(r"\d{3}(\d{2}){0,2}", cell.value.strip()):
                    cell.value = f"类{cell.value.strip()[:3]}款{cell.value.strip()[3:]}"
    workbook.save(target)
    return target


def install_small_pack(pack_id: str = "mini-2021", tables: tuple[str, ...] | None = THREE) -> Path:
    """A copy of the bundled pack, installed in ``$XLPLUGIN_HOME``, with only the rules on 公开01–03表
    and a layout of only ``tables`` (``None``: all of the bundled layout's tables)."""
    target = installed_root() / pack_id
    shutil.copytree(BUNDLED_PACKS / "chongqing-2021", target)
    manifest = (target / "pack.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("id: cq-2021", f"id: {pack_id}")
    manifest = re.sub(r"\nname: .*\n", "\nname: 三张表的示例规则包\n", manifest)
    manifest = re.sub(r"rules:\n(  - .*\n)+", "rules:\n  - rules/公开01表.yaml\n  - rules/公开02-03表.yaml\n", manifest)
    manifest = re.sub(r"tests: .*\ntest_base: .*\n", "", manifest)
    (target / "pack.yaml").write_text(manifest, encoding="utf-8")
    if tables is not None:
        template = (target / "template.yaml").read_text(encoding="utf-8")
        listed = "".join(f"  - tables/{t}.yaml\n" for t in tables)
        template = re.sub(r"\ntables:\n(  - .*\n)+", "\ntables:\n" + listed, template)
        (target / "template.yaml").write_text(template, encoding="utf-8")
    return target
