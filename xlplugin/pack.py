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

import re
import string
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xlplugin.errors import PackError, XlpluginError
from xlplugin.findings import SEVERITIES
from xlplugin.kinds import KINDS
from xlplugin.kinds.base import COMMON_PLACEHOLDERS, Where
from xlplugin.layout import Layout, load_layout
from xlplugin.yamlfile import check_keys, line_of, load_yaml

__all__ = ["Rule", "Pack", "load_pack", "find_pack", "candidates", "semver", "check_pack_id", "BUNDLED_PACKS"]



def _bundled_packs() -> Path:
    """The packs that come with xlplugin: ``xlplugin/_rules`` in an installed wheel (setup.cfg maps
    ``rules/`` there), ``rules/`` beside the package in a checkout or an editable install."""
    package = Path(__file__).resolve().parent
    wheel_copy = package / "_rules"
    return wheel_copy if wheel_copy.is_dir() else package.parent / "rules"


BUNDLED_PACKS = _bundled_packs()
MANIFEST_KEYS = {
    "id", "name", "version", "year", "region", "issuer", "template", "rules", "tests", "test_base", "tolerance",
    "description", "engine", "changelog", "extends", "disable", "severity",
}
RULE_KEYS = {"id", "name", "kind", "severity", "message", "explanation", "tolerance", "enabled"}
_TYPES = {"str": (str, int), "int": (int,), "list": (list,), "expr": (str,), "dict": (dict,), "any": (str, list)}
_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?")
_ENGINE = re.compile(r">=\s*(\d+(?:\.\d+){0,2})")
#: a pack id is also a folder name under the installed packs: no separators, no "..", no drive letters
PACK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}", re.IGNORECASE)


def semver(text: str) -> tuple[int, int, int]:
    """``1.2.3`` → (1, 2, 3); anything else is not a version."""
    match = _SEMVER.fullmatch(str(text))
    if not match:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def check_pack_id(pack_id: object) -> str:
    """``pack_id`` if it is safe as a folder name (``cq-2021``); raise ValueError otherwise."""
    text = str(pack_id)
    if not PACK_ID.fullmatch(text) or ".." in text:
        raise ValueError(text)
    return text


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


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
    changelog: list = field(default_factory=list)
    engine: str = ""
    extends: str | None = None
    #: case files of the packs this one extends (their cases of disabled rules are skipped)
    inherited_tests: list[Path] = field(default_factory=list)
    #: folders of the packs this one extends, nearest last
    bases: list[Path] = field(default_factory=list)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def search_paths() -> list[Path]:
    """Where packs are looked for by id: the user's installed packs, then the bundled ones."""
    from xlplugin.packstore import installed_root

    return [installed_root(), BUNDLED_PACKS]


def candidates(wanted: str | None = None) -> list[tuple[str, str, Path]]:
    """(id, version, folder) of every installed and bundled pack (optionally of one id)."""
    found = []
    for root in search_paths():
        if not root.is_dir():
            continue
        for manifest in sorted(root.glob("*/pack.yaml")) + sorted(root.glob("*/*/pack.yaml")):
            try:
                data = load_yaml(manifest)
            except PackError:
                continue
            if isinstance(data, dict) and (wanted is None or str(data.get("id")) == wanted):
                found.append((str(data.get("id")), str(data.get("version")), manifest.parent))
    return found


def find_pack(spec: str | Path | None) -> Path:
    """A pack folder from a path (folder, pack.yaml or .zip) or an id (``cq-2021`` for its newest
    version, ``cq-2021@1.1.0``) among the installed and bundled packs. ``None`` is ``cq-2021``."""
    if spec is None:
        spec = "cq-2021"
    path = Path(spec)
    if path.exists():
        if path.suffix.lower() == ".zip":
            from xlplugin.packfile import unpack_for_use

            return unpack_for_use(path)
        return path.parent if path.is_file() else path
    wanted, _, version = str(spec).partition("@")
    matching = [(v, folder) for pack_id, v, folder in candidates(wanted) if not version or v == version]
    if not matching:
        raise PackError("pack-not-found", f"找不到规则包“{spec}”：既不是存在的路径，也不是已安装或随附规则包的 id。")
    return max(matching, key=lambda item: _sortable(item[0]))[1]


def recognise(book) -> Path:
    """The pack whose template fits the workbook best (most tables found; the newest version of each
    installed or bundled pack is tried; ties keep the bundled Chongqing pack)."""
    from xlplugin.locate import locate_book

    newest: dict[str, tuple[str, Path]] = {}
    for pack_id, version, folder in candidates():
        if pack_id not in newest or _sortable(version) > _sortable(newest[pack_id][0]):
            newest[pack_id] = (version, folder)
    best, best_score = find_pack(None) if "cq-2021" in newest else None, -1
    for pack_id, (version, folder) in sorted(newest.items(), key=lambda item: item[0] != "cq-2021"):
        try:
            layout = load_pack(folder).layout
            score = len(locate_book(book, layout).tables)
        except XlpluginError:  # a broken pack, or a workbook of another template
            continue
        if score > best_score:
            best, best_score = folder, score
    if best is None or best_score <= 0:
        raise PackError("no-pack-fits", "没有哪个已安装或随附的规则包的表样与这个工作簿相符；请用 --pack 指定规则包。")
    return best


def _sortable(version: str) -> tuple[int, int, int]:
    try:
        return semver(version)
    except ValueError:
        return (0, 0, 0)


def load_pack(path: str | Path, _chain: tuple[str, ...] = ()) -> Pack:
    """Load and check a pack folder (or its pack.yaml). A pack that ``extends`` another starts from
    it: its layouts, its rules (minus ``disable``, with ``severity`` changed) and its cases."""
    folder = Path(path)
    manifest_path = folder / "pack.yaml" if folder.is_dir() else folder
    folder = manifest_path.parent
    if not manifest_path.is_file():
        raise PackError("pack-not-found", f"“{folder}”中没有 pack.yaml。")
    if str(manifest_path.resolve()) in _chain:
        raise PackError("extends-loop", "extends 形成了循环：" + " → ".join([*_chain, str(manifest_path.resolve())]), str(manifest_path))
    manifest = load_yaml(manifest_path)
    if not isinstance(manifest, dict):
        raise PackError("bad-pack", "pack.yaml 必须是“键: 值”的映射。", str(manifest_path))
    check_keys(manifest, MANIFEST_KEYS, {"id", "name", "version"}, "pack.yaml")
    shown = str(manifest_path)
    try:
        check_pack_id(manifest["id"])
    except ValueError:
        raise PackError("bad-id", f"id 只能由字母、数字和 . _ - 组成（以字母或数字开头，最长 64 个字符，如 cq-2021），不是“{manifest['id']}”。", shown, line_of(manifest, "id")) from None
    try:
        semver(str(manifest["version"]))
    except ValueError:
        raise PackError("bad-version", f"version 必须是语义化版本号（如 1.2.0），不是“{manifest['version']}”。", shown, line_of(manifest, "version")) from None
    _check_engine(manifest, shown)
    base = _base(manifest, folder, shown, _chain + (str(manifest_path.resolve()),))
    if base is None and "rules" not in manifest:
        raise PackError("missing-key", "pack.yaml 缺少必填的键“rules”。", shown, manifest.line)
    if "template" in manifest or base is None:
        layout = load_layout(_inside(folder, manifest.get("template", "template.yaml"), manifest, "template"))
    else:
        layout = base.layout
    default_tolerance = _tolerance(manifest.get("tolerance", "rounding"), manifest, "tolerance", shown)
    rules: list[Rule] = list(base.rules) if base else []
    rules = _adjust(rules, manifest, shown)
    rule_files = manifest.get("rules", [])
    if not isinstance(rule_files, list) or (base is None and not rule_files):
        raise PackError("bad-pack", "rules 必须是规则文件的列表。", shown, line_of(manifest, "rules"))
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
    test_base = manifest.get("test_base")
    changelog = manifest.get("changelog") or []
    if not isinstance(changelog, list):
        raise PackError("bad-pack", "changelog 必须是列表（每项写一个版本的变化）。", shown, line_of(manifest, "changelog"))
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
        inherited_tests=([*base.inherited_tests, base.tests] if base and base.tests else list(base.inherited_tests) if base else []),
        bases=[*base.bases, base.path] if base else [],
        test_base=_inside(folder, test_base, manifest, "test_base") if test_base else (base.test_base if base else None),
        description=str(manifest.get("description", "")),
        changelog=list(changelog),
        engine=str(manifest.get("engine", "")),
        extends=f"{base.id}@{base.version}" if base else None,
    )


def _check_engine(manifest, shown: str) -> None:
    from xlplugin import __version__

    wanted = manifest.get("engine")
    if wanted is None:
        return
    match = _ENGINE.fullmatch(str(wanted).strip())
    if not match:
        raise PackError("bad-engine", f"engine 应写成“>=0.1”这样的最低版本，不是“{wanted}”。", shown, line_of(manifest, "engine"))
    if _version_tuple(__version__) < _version_tuple(match.group(1)):
        raise PackError("engine-too-old", f"规则包需要 xlplugin {match.group(1)} 或更新版本，当前是 {__version__}，请先升级 xlplugin。", shown, line_of(manifest, "engine"))


def _base(manifest, folder: Path, shown: str, chain: tuple[str, ...]) -> "Pack | None":
    """The pack this one extends: ``extends: cq-2021@1.1.0`` (an id) or a relative folder."""
    spec = manifest.get("extends")
    if spec is None:
        return None
    relative = (folder / str(spec))
    try:
        target = relative if relative.exists() else find_pack(str(spec))
    except PackError as error:
        raise PackError("extends-not-found", f"extends 指定的规则包找不到：{error.message}", shown, line_of(manifest, "extends")) from None
    return load_pack(target, chain)


def _adjust(rules: list[Rule], manifest, shown: str) -> list[Rule]:
    """Apply a derived pack's ``disable`` and ``severity`` to the rules it inherited."""
    ids = {r.id for r in rules}
    disabled = manifest.get("disable") or []
    if not isinstance(disabled, list):
        raise PackError("bad-pack", "disable 必须是规则 id 的列表。", shown, line_of(manifest, "disable"))
    for index, rule_id in enumerate(disabled):
        if str(rule_id) not in ids:
            raise PackError("unknown-rule", f"disable 中的规则“{rule_id}”不在所继承的规则包中。", shown, line_of(disabled, index))
    severities = manifest.get("severity") or {}
    if not isinstance(severities, dict):
        raise PackError("bad-pack", "severity 必须写成“规则 id: 级别”。", shown, line_of(manifest, "severity"))
    for rule_id, severity in severities.items():
        if str(rule_id) not in ids:
            raise PackError("unknown-rule", f"severity 中的规则“{rule_id}”不在所继承的规则包中。", shown, line_of(severities, rule_id))
        if severity not in SEVERITIES:
            raise PackError("bad-severity", f"规则 {rule_id} 的级别只能是 {'、'.join(SEVERITIES)}。", shown, line_of(severities, rule_id))
    severities = {str(rule_id): severity for rule_id, severity in severities.items()}  # `1001: 警告` names rule "1001"
    adjusted = []
    for rule in rules:
        if rule.id in {str(r) for r in disabled}:
            continue
        if rule.id in severities:
            rule = replace(rule, severity=severities[rule.id])
        adjusted.append(rule)
    return adjusted


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
        enabled=_enabled(item, where),
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


def _enabled(item: dict, where) -> bool:
    # YAML's `enabled: "false"` is a non-empty string, which bool() would take for true
    value = item.get("enabled", True)
    if not isinstance(value, bool):
        raise where.error("bad-param", f"enabled 只能写 true 或 false，不是“{value}”。", line_of(item, "enabled"))
    return value
