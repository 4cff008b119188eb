"""The bundled sample's source: the seed disclosure transcribed as printed, plus the corrections.

``workbooks/samples/source/`` holds one TSV per table (body lines exactly as published), the
narrative (one paragraph per line), ``sample.yaml`` (unit name, year, notes, titles) and
``corrections.yaml`` (what the corrected variant changes, and why). This module reads them and applies
the corrections; ``tools/build_workbooks.py`` turns them into workbooks, and the tests compare what the
reader locates in those workbooks with these same sources.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.amounts import normalize_text
from xlplugin.core.yamlfile import load_yaml
from xlplugin.workbook.layout import Layout, TableSpec

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "workbooks" / "samples" / "source"


@dataclass
class SampleSource:
    department: str
    year: int
    bodies: dict[str, list[list[str]]]
    notes: dict[str, str]
    titles: dict[str, str]
    narrative: list[str]
    selfeval: list[tuple[str, str, dict]] = None


def load_source(layout: Layout, source: Path = SOURCE) -> SampleSource:
    meta = load_yaml(source / "sample.yaml")
    bodies = {}
    for spec in layout.tables:
        lines = (source / f"{spec.id}.tsv").read_text(encoding="utf-8").splitlines()
        bodies[spec.id] = [line.split("\t") for line in lines]
        for number, cells in enumerate(bodies[spec.id], start=1):
            if len(cells) != spec.width:
                raise ValueError(f"{spec.id}.tsv line {number}: {len(cells)} fields, layout has {spec.width} columns")
    narrative = [p for p in (source / "情况说明.txt").read_text(encoding="utf-8").splitlines() if p.strip()]
    tables = load_yaml(source / "绩效自评.yaml")["tables"]
    selfeval = [(t["kind"], t["title"], _plain(t)) for t in tables]
    return SampleSource(
        department=str(meta["department"]),
        year=int(meta["year"]),
        bodies=bodies,
        notes={k: str(v) for k, v in meta.get("notes", {}).items()},
        titles={k: str(v) for k, v in meta.get("titles", {}).items()},
        narrative=narrative,
        selfeval=selfeval,
    )


def _plain(data):
    """YAML containers (which carry line numbers) as plain dicts and lists."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return "" if data is None else str(data)


def load_corrections(source: Path = SOURCE) -> dict:
    return load_yaml(source / "corrections.yaml")


def body_position(
    spec: TableSpec, body: list[list[str]], row: str, column: str, block: str | None = None
) -> tuple[int, int]:
    """(line index, column index) of ``row`` (code or printed label) × ``column`` id in a body."""
    block_spec = spec.block(block) if block else spec.blocks[0]
    offset = spec.column_offset(block_spec.id)
    ids = [c.id for c in block_spec.columns]
    key_columns = [offset + ids.index(c.id) for c in (block_spec.code_column, block_spec.label_column) if c is not None]
    wanted = normalize_text(row)
    hits = [i for i, line in enumerate(body) if any(normalize_text(line[k]) == wanted for k in key_columns)]
    if len(hits) != 1:
        raise ValueError(f"{spec.id}: row {row!r} matches {len(hits)} lines")
    return hits[0], offset + ids.index(column)


def corrected(layout: Layout, sample: SampleSource, corrections: dict) -> SampleSource:
    """A copy of ``sample`` with every correction applied (each checked against its ``from``)."""
    result = copy.deepcopy(sample)
    for fix in corrections["tables"]:
        spec = layout.table(fix["table"])
        body = result.bodies[spec.id]
        line, column = body_position(spec, body, str(fix["row"]), fix["column"], fix.get("block"))
        if body[line][column] != str(fix["from"]):
            raise ValueError(
                f"{spec.id} {fix['row']}/{fix['column']}: expected {fix['from']!r}, found {body[line][column]!r}"
            )
        body[line][column] = str(fix["to"])
    for fix in corrections.get("selfeval", []):
        table = next(t for kind, title, t in result.selfeval if title == fix["table"])
        section = table[fix["section"]]
        if fix["section"] == "indicators":
            row = next(r for r in section if r[0] == str(fix["row"]))
            index = [
                "序号",
                "指标类别",
                "指标名称",
                "指标值",
                "计量单位",
                "指标性质",
                "指标权重",
                "是否调整",
                "全年完成值",
                "指标得分",
            ].index(fix["column"])
            if row[index] != str(fix["from"]):
                raise ValueError(
                    f"{fix['table']} {fix['row']}/{fix['column']}: expected {fix['from']!r}, found {row[index]!r}"
                )
            row[index] = str(fix["to"])
        else:
            if section[fix["key"]] != str(fix["from"]):
                raise ValueError(
                    f"{fix['table']} {fix['key']}: expected {fix['from']!r}, found {section[fix['key']]!r}"
                )
            section[fix["key"]] = str(fix["to"])
    for fix in corrections["narrative"]:
        hits = [i for i, p in enumerate(result.narrative) if p.startswith(fix["paragraph"]) and fix["from"] in p]
        if len(hits) != 1 or result.narrative[hits[0]].count(fix["from"]) != 1:
            raise ValueError(f"narrative fix {fix['from']!r}: paragraph not unique")
        result.narrative[hits[0]] = result.narrative[hits[0]].replace(fix["from"], fix["to"])
    return result
