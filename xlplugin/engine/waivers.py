"""Waivers: findings a finance bureau accepts for one unit, with a reason, kept as data.

A waivers file (``豁免.yaml``) is a YAML list; each entry names the unit, the rule and, optionally,
the location of the findings it accepts::

    - 单位: 万盛人社局-2021-部门决算公开.xlsx   # the file name, or the unit name (表头“公开部门”)
      规则: CQ05-02                              # the rule id (READ.… codes too)
      位置: 公开05表!D19                          # optional: only this location; omitted = every location
      理由: 职业年金按财政局口径列项目支出        # required
      批准: 预算科 张三                           # optional
      日期: 2026-12-01                            # optional, kept as written

:func:`apply_waivers` moves the findings a waiver matches out of ``Report.findings`` into
``Report.waived`` (so they count toward neither the counts nor the verdict nor the exit code) and
says which waivers for the unit matched nothing (a stale waiver: the finding was corrected, or the
entry names the wrong rule or location). The location is matched as the 校验结果 sheet's 位置
column writes it (:attr:`~xlplugin.core.findings.Finding.location`), after turning a full-width
``！`` into ``!``, dropping spaces and upper-casing the cell.

The file is read with the same safety as a rule pack (no anchors or aliases, tags, duplicate keys,
deep nesting or huge files; :mod:`xlplugin.core.yamlfile`), except that every value is the text as
written: an unquoted date stays ``2026-12-01`` instead of being refused as a timestamp. Every problem is one Chinese
sentence naming ``file:line`` (:class:`~xlplugin.core.errors.PackError`, code ``bad-waivers`` or the
YAML codes of :mod:`xlplugin.core.yamlfile`). :attr:`Waivers.sha256` is the file's digest, recorded
with every result computed under it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from xlplugin.core.errors import PackError
from xlplugin.core.findings import Report, Waived
from xlplugin.core.yamlfile import MAX_BYTES, MAX_DEPTH, YDict, YList, check_keys, line_of, yaml_problem

__all__ = ["Waiver", "Waivers", "apply_waivers", "load_waivers", "parse_waivers"]

#: the keys of one waiver: file key → attribute
KEYS = {"单位": "unit", "规则": "rule", "位置": "location", "理由": "reason", "批准": "by", "日期": "date"}
REQUIRED = {"单位", "规则", "理由"}
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@dataclass(frozen=True)
class Waiver:
    """One entry of a waivers file; ``location`` empty = every location of the rule in the unit;
    ``line`` is where the entry starts in the file."""

    unit: str
    rule: str
    reason: str
    location: str = ""
    by: str = ""
    date: str = ""
    line: int = 0

    def describe(self) -> str:
        """``单位 X、规则 Y、位置 Z`` (without 位置 when it covers every location)."""
        where = f"、位置 {self.location}" if self.location else "（全部位置）"
        return f"单位 {self.unit}、规则 {self.rule}{where}"


@dataclass(frozen=True)
class Waivers:
    """A waivers file as read: its name as given, its SHA-256 and its entries in file order."""

    path: str
    sha256: str
    entries: tuple[Waiver, ...] = ()

    def for_unit(self, names: Iterable[str]) -> list[Waiver]:
        """The entries naming any of ``names`` (a unit's file name and unit name)."""
        wanted = {n for n in names if n}
        return [w for w in self.entries if w.unit in wanted]

    def where(self, waiver: Waiver) -> str:
        """``豁免.yaml:3``: where ``waiver`` is written."""
        return f"{self.path}:{waiver.line}" if waiver.line else self.path

    def stale_notice(self, waiver: Waiver, unit_found: bool = True) -> str:
        """The sentence for a waiver that matched no finding; ``unit_found=False`` when no workbook of
        the batch has the unit it names."""
        if not unit_found:
            return (
                f"{self.where(waiver)}: 豁免（{waiver.describe()}）没有对应的工作簿：本批没有文件名或单位名为"
                f"“{waiver.unit}”的工作簿；请核对单位的写法。"
            )
        return (
            f"{self.where(waiver)}: 豁免（{waiver.describe()}）没有对应的结果：问题可能已经改正，"
            "或规则、位置写得不对；核对后可以删除这条豁免。"
        )

    def as_dict(self) -> dict:
        return {"file": Path(self.path).name, "sha256": self.sha256}


def load_waivers(path: str | Path) -> Waivers:
    """Read a waivers file; raise :class:`PackError` (file:line, in Chinese) on any problem."""
    path = Path(path)
    shown = str(path)
    try:
        if not path.is_file():
            what = "是文件夹，不是豁免文件" if path.is_dir() else "不存在"
            raise PackError("file-not-found", f"豁免文件{what}。", shown)
        if path.stat().st_size > MAX_BYTES:
            raise PackError("file-too-large", f"豁免文件超过 {MAX_BYTES // 1024 // 1024} MB，拒绝读取。", shown)
        data = path.read_bytes()
    except OSError as error:
        raise PackError("unreadable", f"无法读取豁免文件（{error.strerror or error}）。", shown) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackError("not-utf8", "豁免文件不是 UTF-8 编码；请用 UTF-8 另存。", shown) from None
    return parse_waivers(text, shown, hashlib.sha256(data).hexdigest())


def parse_waivers(text: str, path: str = "豁免.yaml", sha256: str = "") -> Waivers:
    """The waivers in ``text`` (the contents of the file ``path``)."""
    data = _load(text, path)
    if data is None:
        return Waivers(path, sha256)
    if not isinstance(data, YList):
        raise PackError(
            "bad-waivers",
            "豁免文件应是一个列表，每条豁免以“- 单位: …”开头，写明 规则、理由（可选 位置、批准、日期）。",
            path,
            line_of(data) or 1,
        )
    entries: list[Waiver] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, item in enumerate(data):
        line = line_of(data, index) or 0
        if not isinstance(item, YDict):
            raise PackError(
                "bad-waivers", "每条豁免应是“键: 值”的形式（单位、规则、理由，可选 位置、批准、日期）。", path, line
            )
        what = f"第 {index + 1} 条豁免"
        check_keys(item, set(KEYS), REQUIRED, what)
        values = {KEYS[key]: _text(item, key, what) for key in item}
        for key in sorted(REQUIRED):
            if not values[KEYS[key]]:
                raise PackError("bad-waivers", f"{what}的“{key}”是空的。", path, line_of(item, key))
        if values.get("location"):
            values["location"] = _location(values["location"], item, what)
        waiver = Waiver(**values, line=item.line)
        key = (waiver.unit, waiver.rule, waiver.location)
        if key in seen:
            raise PackError("bad-waivers", f"{what}与第 {seen[key]} 行的豁免重复（{waiver.describe()}）。", path, line)
        seen[key] = line
        entries.append(waiver)
    return Waivers(path, sha256, tuple(entries))


def apply_waivers(report: Report, waivers: Waivers, names: Iterable[str]) -> list[Waiver]:
    """Move the findings of ``report`` that a waiver for the unit ``names`` (its file name, its unit
    name) matches into ``report.waived``; return the waivers that matched something. A waiver with a
    位置 is tried before one without, so a general waiver does not hide a specific one. The waivers
    for this unit that matched nothing become ``report.waiver_notices``; ``report.waivers`` records
    the file and its digest."""
    mine = sorted(waivers.for_unit(names), key=lambda w: not w.location)  # specific ones first
    used: dict[Waiver, None] = {}
    kept = []
    for finding in report.findings:
        where = _normal(finding.location)
        waiver = next((w for w in mine if w.rule == finding.rule and w.location in ("", where)), None)
        if waiver is None:
            kept.append(finding)
            continue
        used[waiver] = None
        report.waived.append(Waived(finding, waiver.reason, waiver.by, waiver.date))
    report.findings = kept
    report.waivers = waivers.as_dict()
    report.waiver_notices = [waivers.stale_notice(w) for w in sorted(mine, key=lambda w: w.line) if w not in used]
    return [w for w in waivers.entries if w in used]


def _text(item: YDict, key: str, what: str) -> str:
    """A value as the text written; a list or a mapping is refused."""
    value = item[key]
    if isinstance(value, (dict, list)):
        raise PackError("bad-waivers", f"{what}的“{key}”应是一段文字。", item.path, line_of(item, key))
    return "" if value is None else str(value).strip()


def _location(text: str, item: YDict, what: str) -> str:
    """``公开05表!D19`` as the 位置 column writes it; a cell part that is no cell is refused."""
    location = _normal(text)
    sheet, bang, cell = location.rpartition("!")
    if bang and (not sheet or not _CELL.match(cell)):
        raise PackError(
            "bad-waivers",
            f"{what}的位置“{text}”写法不对：应为“工作表!单元格”，如 公开05表!D19（整张表的结果写表名）。",
            item.path,
            line_of(item, "位置"),
        )
    return location


def _normal(location: str) -> str:
    """A location compared by what it names: ``！`` → ``!``, no spaces, the cell in capitals."""
    text = "".join(location.replace("！", "!").split())
    sheet, bang, cell = text.rpartition("!")
    return f"{sheet}!{cell.replace('$', '').upper()}" if bang else text


# --- reading ------------------------------------------------------------------------------------
#
# A waivers file is written by people who write dates as dates and rule ids that may look like
# numbers: every scalar is kept as the text written (PyYAML's safe loader would make 2026-12-01 a
# timestamp, which the pack reader refuses, and 1.10 the number 1.1). Everything else is refused as
# the pack reader refuses it.


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases as they are read (before any expansion)."""

    def __init__(self, text: str, path: str):
        super().__init__(text)
        self.path = path

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise PackError(
                "yaml-anchor", "豁免文件不允许使用锚点/别名（& 和 *）。", self.path, event.start_mark.line + 1
            )
        return super().compose_node(parent, index)


_SCALARS = {f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "timestamp")}
_NULL = "tag:yaml.org,2002:null"
_ALLOWED_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", _NULL, *_SCALARS}


def _load(text: str, path: str) -> object:
    loader = _Loader(text, path)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader, 0)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        column = f"第 {mark.column + 1} 列：" if mark else ""
        problem = yaml_problem(error.problem or str(error))
        raise PackError(
            "bad-yaml", f"YAML 语法错误：{column}{problem}", path, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as error:
        raise PackError("bad-yaml", f"YAML 语法错误：{yaml_problem(str(error))}", path) from None
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: _Loader, depth: int) -> object:
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise PackError("too-deep", f"嵌套超过 {MAX_DEPTH} 层，拒绝读取。", loader.path, line)
    if node.tag not in _ALLOWED_TAGS:
        raise PackError("yaml-tag", f"不允许的 YAML 标签“{node.tag}”。", loader.path, line)
    if isinstance(node, yaml.MappingNode):
        result = YDict()
        result.path, result.line = loader.path, line
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = _build(key_node, loader, depth + 1)
            if isinstance(key, (dict, list)) or key_node.tag == "tag:yaml.org,2002:merge":
                raise PackError("bad-key", "键必须是简单文字。", loader.path, key_line)
            if key in result:
                raise PackError("duplicate-key", f"键“{key}”重复出现。", loader.path, key_line)
            result[key] = _build(value_node, loader, depth + 1)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = YList()
        result.path, result.line = loader.path, line
        for item in node.value:
            result.append(_build(item, loader, depth + 1))
            result.item_lines.append(item.start_mark.line + 1)
        return result
    return None if node.tag == _NULL else node.value  # the text as written
