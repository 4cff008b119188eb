"""Rule packs: a manifest, the table layouts it uses, and rule files — all data, never code.

A pack is a folder::

    pack.yaml          manifest: id, name, version, year, region, issuer, template, rules, tests
    template.yaml      the table layouts (see :mod:`xlplugin.layout`)
    tables/*.yaml
    rules/*.yaml       rules: [{id, name, kind, severity, message, explanation, tolerance, …params}]
    tests/cases.yaml   a passing and a failing case for every rule (see :mod:`xlplugin.packtest`)

Every rule has a stable ``id``, a Chinese ``name``, a ``kind`` (one of :data:`xlplugin.kinds.KINDS`),
a default ``severity`` (错误 / 警告 / 提示), the kind's parameters, an optional ``message`` template
with named ``{placeholders}`` and an ``explanation`` for the person who must fix it. ``tolerance`` is
``rounding`` (default: interval arithmetic from the stated precision), ``strict`` or a fixed amount.
Everything is validated at load time against the layout, and every error names file, line and rule.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xlplugin.errors import PackError
from xlplugin.findings import SEVERITIES
from xlplugin.kinds import KINDS
from xlplugin.kinds.base import COMMON_PLACEHOLDERS, Where
from xlplugin.layout import Layout, load_layout
from xlplugin.yamlfile import check_keys, line_of, load_yaml

__all__ = ["Rule", "Pack", "load_pack", "find_pack", "BUNDLED_PACKS"]

BUNDLED_PACKS = Path(__file__).resolve().parent.parent / "rules"
MANIFEST_KEYS = {"id", "name", "version", "year", "region", "issuer", "template", "rules", "tests", "test_base", "tolerance", "description"}
RULE_KEYS = {"id", "name", "kind", "severity", "message", "explanation", "tolerance", "enabled"}
_TYPES = {"str": (str, int), "list": (list,), "expr": (str,), "dict": (dict,), "any": (str, list)}


@dataclass(frozen=True)
class Rule:
    """One loaded, checked rule."""

    id: str
    name: str
    kind: str
    severity: str
    message: str
    explanation: str
    tolerance: Decimal | None
    prepared: object = field(repr=False, compare=False)
    params: dict = field(default_factory=dict, repr=False, compare=False)
    path: str = ""
    line: int | None = None
    enabled: bool = True

    @property
    def module(self):
        return KINDS[self.kind]


@dataclass
class Pack:
    """A loaded rule pack."""

    id: str
    name: str
    version: str
    year: int
    region: str
    issuer: str
    layout: Layout
    rules: list[Rule]
    path: Path
    tests: Path | None = None
    test_base: Path | None = None
    description: str = ""

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def find_pack(spec: str | Path | None) -> Path:
    """A pack folder from a path (folder or pack.yaml) or an id (``cq-2021`` or ``cq-2021@1.0.0``)
    among the bundled packs. ``None`` is the bundled Chongqing 2021 pack."""
    if spec is None:
        spec = "cq-2021"
    path = Path(spec)
    if path.exists():
        return path.parent if path.is_file() else path
    wanted, _, version = str(spec).partition("@")
    for manifest in sorted(BUNDLED_PACKS.glob("*/pack.yaml")):
        data = load_yaml(manifest)
        if isinstance(data, dict) and str(data.get("id")) == wanted and (not version or str(data.get("version")) == version):
            return manifest.parent
    raise PackError("pack-not-found", f"找不到规则包“{spec}”：既不是存在的路径，也不是已有规则包的 id。")


def load_pack(path: str | Path) -> Pack:
    """Load and check a pack folder (or its pack.yaml)."""
    folder = Path(path)
    manifest_path = folder / "pack.yaml" if folder.is_dir() else folder
    folder = manifest_path.parent
    if not manifest_path.is_file():
        raise PackError("pack-not-found", f"“{folder}”中没有 pack.yaml。")
    manifest = load_yaml(manifest_path)
    if not isinstance(manifest, dict):
        raise PackError("bad-pack", "pack.yaml 必须是“键: 值”的映射。", str(manifest_path))
    check_keys(manifest, MANIFEST_KEYS, {"id", "name", "version", "rules"}, "pack.yaml")
    layout = load_layout(_inside(folder, manifest.get("template", "template.yaml"), manifest, "template"))
    default_tolerance = _tolerance(manifest.get("tolerance", "rounding"), manifest, "tolerance", str(manifest_path))
    rules: list[Rule] = []
    rule_files = manifest["rules"]
    if not isinstance(rule_files, list) or not rule_files:
        raise PackError("bad-pack", "rules 必须是规则文件的列表。", str(manifest_path), line_of(manifest, "rules"))
    for index, name in enumerate(rule_files):
        rule_path = _inside(folder, name, rule_files, index)
        rules.extend(_rule_file(rule_path, layout, default_tolerance))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            raise PackError("duplicate-rule", f"规则 {rule.id}：id 重复（第一次出现在 {first.path}:{first.line}）。", rule.path, rule.line)
        seen[rule.id] = rule
    tests = manifest.get("tests")
    base = manifest.get("test_base")
    return Pack(
        id=str(manifest["id"]),
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        year=int(manifest.get("year", layout.year)),
        region=str(manifest.get("region", layout.region)),
        issuer=str(manifest.get("issuer", "")),
        layout=layout,
        rules=rules,
        path=folder,
        tests=_inside(folder, tests, manifest, "tests") if tests else None,
        test_base=_inside(folder, base, manifest, "test_base") if base else None,
        description=str(manifest.get("description", "")),
    )


def _inside(folder: Path, name: object, container, key) -> Path:
    path = (folder / str(name)).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise PackError("path-escape", f"“{name}”不在规则包目录内。", getattr(container, "path", ""), line_of(container, key))
    if not path.exists():
        raise PackError("missing-file", f"找不到“{name}”。", getattr(container, "path", ""), line_of(container, key))
    return path


def _tolerance(value: object, container, key, path: str) -> Decimal | None:
    if value == "rounding":
        return None
    if value == "strict":
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if isinstance(value, bool) or not amount.is_finite() or amount < 0:
        raise PackError("bad-tolerance", f"tolerance 只能是 rounding、strict 或非负金额，不是“{value}”。", path, line_of(container, key))
    return amount


def _rule_file(path: Path, layout: Layout, default_tolerance: Decimal | None) -> list[Rule]:
    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        raise PackError("bad-rules", "规则文件应只有一个键 rules，其值为规则列表。", str(path), getattr(data, "line", None))
    return [_rule(item, data["rules"], index, layout, default_tolerance, str(path)) for index, item in enumerate(data["rules"])]


def _rule(item: object, container, index: int, layout: Layout, default_tolerance, path: str) -> Rule:
    line = line_of(container, index)
    if not isinstance(item, dict):
        raise PackError("bad-rule", "每条规则必须是“键: 值”的映射。", path, line)
    rule_id = str(item.get("id", "")).strip()
    if not rule_id:
        raise PackError("missing-key", "规则缺少 id。", path, line)
    where = Where(path, line, rule_id)
    for key in ("name", "kind", "severity"):
        if key not in item:
            raise where.error("missing-key", f"缺少“{key}”。")
    kind_name = item["kind"]
    module = KINDS.get(kind_name)
    if module is None:
        raise where.error("unknown-kind", f"未知的规则类型“{kind_name}”（可用：{'、'.join(KINDS)}）。", line_of(item, "kind"))
    severity = item["severity"]
    if severity not in SEVERITIES:
        raise where.error("bad-severity", f"severity 只能是 {'、'.join(SEVERITIES)}，不是“{severity}”。", line_of(item, "severity"))
    params = {}
    for key, value in item.items():
        if key in RULE_KEYS:
            continue
        if key not in module.PARAMS:
            raise where.error("unknown-param", f"规则类型 {kind_name} 没有参数“{key}”（可用：{'、'.join(module.PARAMS)}）。", line_of(item, key))
        expected_type, _ = module.PARAMS[key]
        if not isinstance(value, _TYPES[expected_type]) or isinstance(value, bool):
            raise where.error("bad-param", f"参数“{key}”的类型应为 {expected_type}。", line_of(item, key))
        params[key] = str(value) if expected_type == "str" else value
    for key, (_, required) in module.PARAMS.items():
        if required and key not in params:
            raise where.error("missing-param", f"规则类型 {kind_name} 需要参数“{key}”。")
    message = str(item.get("message", module.MESSAGE))
    _check_message(message, module, where, line_of(item, "message"))
    tolerance = _tolerance(item["tolerance"], item, "tolerance", path) if "tolerance" in item else default_tolerance
    return Rule(
        id=rule_id,
        name=str(item["name"]),
        kind=kind_name,
        severity=severity,
        message=message,
        explanation=str(item.get("explanation", "")),
        tolerance=tolerance,
        prepared=module.prepare(params, layout, where),
        params=params,
        path=path,
        line=line,
        enabled=bool(item.get("enabled", True)),
    )


def _check_message(message: str, module, where: Where, line: int | None) -> None:
    allowed = set(COMMON_PLACEHOLDERS) | set(module.PLACEHOLDERS)
    try:
        fields = [name for _, name, spec, conversion in string.Formatter().parse(message) if name is not None]
    except ValueError as error:
        raise where.error("bad-message", f"message 的花括号不匹配：{error}", line) from None
    for name in fields:
        if name not in allowed:
            raise where.error("bad-message", f"message 中的“{{{name}}}”不可用（可用：{'、'.join('{' + a + '}' for a in sorted(allowed))}）。", line)
