"""Regenerate the committed workbooks: ``make workbooks`` (or ``python -m tools.build_workbooks``).

Writes, from the layout in ``rules/chongqing-2021`` and the sources in ``workbooks/samples/source``:

- ``workbooks/templates/重庆市部门决算公开表样-2021.xlsx`` — the blank official template;
- ``workbooks/samples/万盛人社局-2021-部门决算公开.xlsx`` — the seed department's workbook, every
  number and name as published (inconsistencies included), narrative in 情况说明, and the narrative
  beside it as ``…-情况说明.txt`` and ``.docx``;
- the same again with ``-更正版`` — every inconsistency fixed — and ``更正说明.md`` listing the fixes;
  a copy of it is the Chongqing pack's test base (``rules/chongqing-2021/tests/基准-更正版.xlsx``).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from tools.sample_source import ROOT, corrected, load_corrections, load_source
from xlplugin.output.template import write_workbook
from xlplugin.workbook.layout_load import load_layout

LAYOUT = ROOT / "rules" / "chongqing-2021"
TEMPLATE = ROOT / "workbooks" / "templates" / "重庆市部门决算公开表样-2021.xlsx"
SAMPLES = ROOT / "workbooks" / "samples"
SAMPLE = SAMPLES / "万盛人社局-2021-部门决算公开.xlsx"
CORRECTED = SAMPLES / "万盛人社局-2021-部门决算公开-更正版.xlsx"
PACK_BASE = LAYOUT / "tests" / "基准-更正版.xlsx"
FIXED_TIME = datetime.datetime(2022, 9, 1, 9, 0, 0)


def write_docx(paragraphs: list[str], path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if index < 2:
            run.bold = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.core_properties.author = "xlplugin"
    document.save(path)


def write_sample(layout, sample, path: Path) -> None:
    write_workbook(
        layout,
        path,
        department=sample.department,
        year=sample.year,
        bodies=sample.bodies,
        notes=sample.notes,
        titles=sample.titles,
        narrative=sample.narrative,
        selfeval=sample.selfeval,
    )
    stem = path.with_suffix("")
    Path(f"{stem}-情况说明.txt").write_text("\n".join(sample.narrative) + "\n", encoding="utf-8")
    write_docx(sample.narrative, Path(f"{stem}-情况说明.docx"))


def write_corrections_list(corrections: dict, path: Path) -> None:
    lines = [
        "# 更正版改了什么",
        "",
        f"`{CORRECTED.name}` 是 `{SAMPLE.name}` 的更正版：下列每处不一致都已改正，其余一字未动。",
        "它是“不误报”的测试用例：规则包在它上面不应报告任何错误或警告（四舍五入造成的差异只作提示）。",
        "本文件由 `tools/build_workbooks.py` 根据 `source/corrections.yaml` 生成。",
        "",
        "## 表格",
        "",
        "| 表 | 行 | 列 | 原值 | 改为 | 理由 |",
        "|---|---|---|---|---|---|",
    ]
    for fix in corrections["tables"]:
        lines.append(
            f"| {fix['table']} | {fix['row']} | {fix['column']} | {fix['from'] or '（空）'} | {fix['to'] or '（空）'} | {fix['why']} |"
        )
    lines += ["", "## 绩效自评表", "", "| 表 | 位置 | 原值 | 改为 | 理由 |", "|---|---|---|---|---|"]
    for fix in corrections.get("selfeval", []):
        where = f"第 {fix['row']} 行 {fix['column']}" if fix["section"] == "indicators" else fix["key"]
        lines.append(f"| {fix['table']} | {where} | {fix['from'] or '（空）'} | {fix['to']} | {fix['why']} |")
    lines += ["", "## 情况说明", "", "| 段落 | 原文 | 改为 | 理由 |", "|---|---|---|---|"]
    for fix in corrections["narrative"]:
        lines.append(f"| {fix['paragraph']}… | {fix['from']} | {fix['to']} | {fix['why']} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    layout = load_layout(LAYOUT)
    write_workbook(layout, TEMPLATE)
    sample = load_source(layout)
    write_sample(layout, sample, SAMPLE)
    corrections = load_corrections()
    write_sample(layout, corrected(layout, sample, corrections), CORRECTED)
    write_corrections_list(corrections, SAMPLES / "更正说明.md")
    shutil.copyfile(CORRECTED, PACK_BASE)  # the pack's known-good base for its own test cases
    for path in (TEMPLATE, SAMPLE, CORRECTED, PACK_BASE):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
