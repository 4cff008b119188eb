"""Rule packs: a manifest, the table layouts it uses, and rule files — all data, never code.

A pack is a folder::

    pack.yaml          manifest: id, name, version, year, region, issuer, template, rules, tests
    template.yaml      the table layouts (see :mod:`xlplugin.workbook.layout`)
    tables/*.yaml
    rules/*.yaml       rules: [{id, name, kind, severity, message, explanation, tolerance, …params}]
    tests/cases.yaml   a passing and a failing case for every rule (see :mod:`xlplugin.packs.testing`)

Every rule has a stable ``id``, a Chinese ``name``, a ``kind`` (one of :data:`xlplugin.engine.kinds.KINDS`),
a default ``severity`` (错误 / 警告 / 提示), the kind's parameters (checked against its declarations by
:func:`~xlplugin.engine.kinds.params.validate_params`), an optional ``message`` template
with named ``{placeholders}`` and an ``explanation`` for the person who must fix it. ``tolerance`` is
``rounding`` (default: interval arithmetic from the stated precision), ``strict`` or a fixed amount.
Everything is validated at load time against the layout, and every error names file, line and rule.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from xlplugin import __version__
from xlplugin.core.errors import PackError
from xlplugin.core.findings import SEVERITIES
from xlplugin.core.yamlfile import line_of, load_yaml
from xlplugin.engine.kinds import KINDS
from xlplugin.engine.kinds.base import COMMON_PLACEHOLDERS
from xlplugin.engine.kinds.params import Where, validate_params
from xlplugin.engine.model import Pack, Rule
from xlplugin.packs.places import check_pack_id, find_by_id, semver
from xlplugin.packs.settings import DEFAULT_ARITHMETIC, arithmetic_setting, tolerance_setting
from xlplugin.workbook.layout import Layout
from xlplugin.workbook.layout_load import load_layout

__all__ = ["load_pack", "gather_pack", "Problems"]

MANIFEST_KEYS = {
    "id",
    "name",
    "version",
    "year",
    "region",
    "issuer",
    "template",
    "rules",
    "tests",
    "test_base",
    "tolerance",
    "description",
    "notice",
    "arithmetic",
    "engine",
    "changelog",
    "extends",
    "disable",
    "severity",
}
RULE_KEYS = {"id", "name", "kind", "severity", "message", "explanation", "tolerance", "enabled"}
_ENGINE = re.compile(r">=\s*(\d+(?:\.\d+){0,2})")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def load_pack(path: str | Path, _chain: tuple[str, ...] = ()) -> Pack:
    """Load and check a pack folder (or its pack.yaml). A pack that ``extends`` another starts from
    it: its layouts, its rules (minus ``disable``, with ``severity`` changed) and its cases. The first
    problem is raised as a :class:`PackError`."""
    pack = _load(Path(path), _chain, Problems())
    assert pack is not None  # raising Problems: every problem was raised
    return pack


def gather_pack(path: str | Path) -> tuple[Pack | None, list[PackError]]:
    """Like :func:`load_pack`, but every problem is gathered and loading goes on as far as it can
    (``pack lint``): each rule file and each rule is checked on its own. The pack holds the rules
    that loaded (unprepared if the layout did not load); it is ``None`` when none can be built."""
    problems = Problems(gather=True)
    try:
        pack = _load(Path(path), (), problems)
    except PackError as error:  # the manifest itself cannot be read
        problems.add(error)
        pack = None
    return pack, problems.found


class Problems:
    """Where loading problems go: raised at once (:func:`load_pack`) or gathered (:func:`gather_pack`)."""

    def __init__(self, gather: bool = False):
        self.gather = gather
        self.found: list[PackError] = []

    def add(self, error: PackError) -> None:
        if not self.gather:
            raise error
        self.found.append(error)

    def attempt(self, call, *args, default=None):
        """``call(*args)``; on a :class:`PackError` the problem is added and ``default`` returned."""
        try:
            return call(*args)
        except PackError as error:
            self.add(error)
            return default


#: stands in for a layout that did not load, so that the rules can still be checked (unprepared)
_NO_LAYOUT = Layout(id="", name="", year=0, region="", version="", narrative_sheet="", tables=())


def _load(folder: Path, _chain: tuple[str, ...], problems: Problems) -> Pack | None:
    manifest_path = folder / "pack.yaml" if folder.is_dir() else folder
    folder = manifest_path.parent
    if not manifest_path.is_file():
        raise PackError("pack-not-found", f"“{folder}”中没有 pack.yaml。")
    if str(manifest_path.resolve()) in _chain:
        raise PackError(
            "extends-loop",
            "extends 形成了循环：" + " → ".join([*_chain, str(manifest_path.resolve())]),
            str(manifest_path),
        )
    manifest = load_yaml(manifest_path)
    if not isinstance(manifest, dict):
        raise PackError("bad-pack", "pack.yaml 必须是“键: 值”的映射。", str(manifest_path))
    shown = str(manifest_path)
    _manifest_keys(manifest, problems)
    if "id" in manifest:
        try:
            check_pack_id(manifest["id"])
        except ValueError:
            problems.add(
                PackError(
                    "bad-id",
                    f"id 只能由字母、数字和 . _ - 组成（以字母或数字开头，最长 64 个字符，如 cq-2021），不是“{manifest['id']}”。",
                    shown,
                    line_of(manifest, "id"),
                )
            )
    if "version" in manifest:
        try:
            semver(str(manifest["version"]))
        except ValueError:
            problems.add(
                PackError(
                    "bad-version",
                    f"version 必须是语义化版本号（如 1.2.0），不是“{manifest['version']}”。",
                    shown,
                    line_of(manifest, "version"),
                )
            )
    problems.attempt(_check_engine, manifest, shown)
    if "year" in manifest and not _is_year(manifest["year"]):
        problems.add(
            PackError(
                "bad-pack",
                f"year 必须是年度数字（如 2021），不是“{manifest['year']}”。",
                shown,
                line_of(manifest, "year"),
            )
        )
    extending = manifest.get("extends") is not None
    base = problems.attempt(_base, manifest, folder, shown, _chain + (str(manifest_path.resolve()),))
    if not extending and "rules" not in manifest:
        problems.add(PackError("missing-key", "pack.yaml 缺少必填的键“rules”。", shown, manifest.line))
    layout = None
    if "template" in manifest or not extending:
        template = problems.attempt(_inside, folder, manifest.get("template", "template.yaml"), manifest, "template")
        layout = problems.attempt(load_layout, template) if template else None
    elif base is not None:
        layout = base.layout
    default_tolerance = problems.attempt(
        tolerance_setting, manifest.get("tolerance", "rounding"), manifest, "tolerance", shown
    )
    rules: list[Rule] = list(base.rules) if base else []
    rules = _adjust(rules, manifest, shown, problems) if base or not extending else rules
    rule_files = manifest.get("rules", [])
    if not isinstance(rule_files, list) or (not extending and "rules" in manifest and not rule_files):
        problems.add(PackError("bad-pack", "rules 必须是规则文件的列表。", shown, line_of(manifest, "rules")))
        rule_files = rule_files if isinstance(rule_files, list) else []
    for index, name in enumerate(rule_files):
        rule_path = problems.attempt(_inside, folder, name, rule_files, index)
        if rule_path is not None:
            rules.extend(_rule_file(rule_path, layout, default_tolerance, problems, folder))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            problems.add(
                PackError(
                    "duplicate-rule",
                    f"规则 {rule.id}：id 重复（第一次出现在 {first.path}:{first.line}）。",
                    rule.path,
                    rule.line,
                )
            )
            continue
        seen[rule.id] = rule
    tests = manifest.get("tests")
    test_base = manifest.get("test_base")
    tests_path = problems.attempt(_inside, folder, tests, manifest, "tests") if tests else None
    base_path = problems.attempt(_inside, folder, test_base, manifest, "test_base") if test_base else None
    arithmetic = problems.attempt(arithmetic_setting, manifest, shown, base)
    changelog = manifest.get("changelog") or []
    if not isinstance(changelog, list):
        problems.add(
            PackError(
                "bad-pack", "changelog 必须是列表（每项写一个版本的变化）。", shown, line_of(manifest, "changelog")
            )
        )
        changelog = []
    if problems.found and ({"id", "name", "version"} - set(manifest) or (extending and base is None)):
        return None  # gathering: not enough to build a pack from
    layout = layout or _NO_LAYOUT
    year = manifest.get("year", layout.year)
    return Pack(
        id=str(manifest["id"]),
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        year=int(year) if _is_year(year) else 0,
        region=str(manifest.get("region", layout.region)),
        issuer=str(manifest.get("issuer", "")),
        layout=layout,
        rules=rules,
        path=folder,
        tests=tests_path,
        inherited_tests=(
            [*base.inherited_tests, base.tests] if base and base.tests else list(base.inherited_tests) if base else []
        ),
        bases=[*base.bases, base.path] if base else [],
        test_base=base_path if test_base else (base.test_base if base else None),
        description=str(manifest.get("description", "")),
        notice=str(manifest.get("notice", "")).strip(),
        arithmetic=arithmetic if arithmetic is not None else DEFAULT_ARITHMETIC,
        changelog=list(changelog),
        engine=str(manifest.get("engine", "")),
        extends=f"{base.id}@{base.version}" if base else None,
    )


def _is_year(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _manifest_keys(manifest, problems: Problems) -> None:
    """Unknown keys and missing required ones, each reported (check_keys stops at the first)."""
    for key in manifest:
        if key not in MANIFEST_KEYS:
            problems.add(
                PackError(
                    "unknown-key",
                    f"pack.yaml中有未知的键“{key}”（可用：{'、'.join(sorted(MANIFEST_KEYS))}）。",
                    manifest.path,
                    line_of(manifest, key),
                )
            )
    for key in ("id", "name", "version"):
        if key not in manifest:
            problems.add(PackError("missing-key", f"pack.yaml缺少必填的键“{key}”。", manifest.path, manifest.line))


def _check_engine(manifest, shown: str) -> None:
    wanted = manifest.get("engine")
    if wanted is None:
        return
    match = _ENGINE.fullmatch(str(wanted).strip())
    if not match:
        raise PackError(
            "bad-engine", f"engine 应写成“>=0.1”这样的最低版本，不是“{wanted}”。", shown, line_of(manifest, "engine")
        )
    if _version_tuple(__version__) < _version_tuple(match.group(1)):
        raise PackError(
            "engine-too-old",
            f"规则包需要 xlplugin {match.group(1)} 或更新版本，当前是 {__version__}，请先升级 xlplugin。",
            shown,
            line_of(manifest, "engine"),
        )


def _base(manifest, folder: Path, shown: str, chain: tuple[str, ...]) -> Pack | None:
    """The pack this one extends: ``extends: cq-2021@1.2.0`` (an id) or a relative folder."""
    spec = manifest.get("extends")
    if spec is None:
        return None
    relative = folder / str(spec)
    try:
        target = relative if relative.exists() else find_by_id(str(spec))
    except PackError as error:
        raise PackError(
            "extends-not-found", f"extends 指定的规则包找不到：{error.message}", shown, line_of(manifest, "extends")
        ) from None
    return load_pack(target, chain)


def _adjust(rules: list[Rule], manifest, shown: str, problems: Problems) -> list[Rule]:
    """Apply a derived pack's ``disable`` and ``severity`` to the rules it inherited."""
    ids = {r.id for r in rules}
    disabled = manifest.get("disable") or []
    if not isinstance(disabled, list):
        problems.add(PackError("bad-pack", "disable 必须是规则 id 的列表。", shown, line_of(manifest, "disable")))
        disabled = []
    for index, rule_id in enumerate(disabled):
        if str(rule_id) not in ids:
            problems.add(
                PackError(
                    "unknown-rule",
                    f"disable 中的规则“{rule_id}”不在所继承的规则包中。",
                    shown,
                    line_of(disabled, index),
                )
            )
    severities = manifest.get("severity") or {}
    if not isinstance(severities, dict):
        problems.add(PackError("bad-pack", "severity 必须写成“规则 id: 级别”。", shown, line_of(manifest, "severity")))
        severities = {}
    for rule_id, severity in severities.items():
        if str(rule_id) not in ids:
            problems.add(
                PackError(
                    "unknown-rule",
                    f"severity 中的规则“{rule_id}”不在所继承的规则包中。",
                    shown,
                    line_of(severities, rule_id),
                )
            )
        if severity not in SEVERITIES:
            problems.add(
                PackError(
                    "bad-severity",
                    f"规则 {rule_id} 的级别只能是 {'、'.join(SEVERITIES)}。",
                    shown,
                    line_of(severities, rule_id),
                )
            )
    severities = {
        str(rule_id): severity for rule_id, severity in severities.items() if severity in SEVERITIES
    }  # `1001: 警告` names rule "1001"
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
        raise PackError(
            "path-escape", f"“{name}”不在规则包目录内。", getattr(container, "path", ""), line_of(container, key)
        )
    if not path.exists():
        raise PackError("missing-file", f"找不到“{name}”。", getattr(container, "path", ""), line_of(container, key))
    return path


def _rule_file(
    path: Path, layout: Layout | None, default_tolerance: Decimal | None, problems: Problems, folder: Path
) -> list[Rule]:
    """The rules of one file of the pack in ``folder``; each rule is checked on its own (``layout``
    None: not prepared)."""
    data = problems.attempt(load_yaml, path)
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        problems.add(
            PackError(
                "bad-rules", "规则文件应只有一个键 rules，其值为规则列表。", str(path), getattr(data, "line", None)
            )
        )
        return []
    rules = (
        problems.attempt(_rule, item, data["rules"], index, layout, default_tolerance, str(path), str(folder))
        for index, item in enumerate(data["rules"])
    )
    return [rule for rule in rules if rule is not None]


def _rule(
    item: object, container, index: int, layout: Layout | None, default_tolerance, path: str, folder: str = ""
) -> Rule:
    line = line_of(container, index)
    if not isinstance(item, dict):
        raise PackError("bad-rule", "每条规则必须是“键: 值”的映射。", path, line)
    rule_id = str(item.get("id", "")).strip()
    if not rule_id:
        raise PackError("missing-key", "规则缺少 id。", path, line)
    where = Where(path, line, rule_id, folder)
    for key in ("name", "kind", "severity"):
        if key not in item:
            raise where.error("missing-key", f"缺少“{key}”。")
    kind_name = item["kind"]
    module = KINDS.get(kind_name)
    if module is None:
        raise where.error(
            "unknown-kind", f"未知的规则类型“{kind_name}”（可用：{'、'.join(KINDS)}）。", line_of(item, "kind")
        )
    severity = item["severity"]
    if severity not in SEVERITIES:
        raise where.error(
            "bad-severity", f"severity 只能是 {'、'.join(SEVERITIES)}，不是“{severity}”。", line_of(item, "severity")
        )
    params = validate_params(module, item, where, skip=RULE_KEYS)
    message = str(item.get("message", module.MESSAGE))
    _check_message(message, module, where, line_of(item, "message"))
    tolerance = (
        tolerance_setting(item["tolerance"], item, "tolerance", path) if "tolerance" in item else default_tolerance
    )
    return Rule(
        id=rule_id,
        name=str(item["name"]),
        kind=kind_name,
        severity=severity,
        message=message,
        explanation=str(item.get("explanation", "")),
        tolerance=tolerance,
        prepared=module.prepare(params, layout, where) if layout is not None else None,
        params=params,
        path=path,
        line=line,
        enabled=_enabled(item, where),
    )


def _check_message(message: str, module, where: Where, line: int | None) -> None:
    allowed = set(COMMON_PLACEHOLDERS) | set(module.PLACEHOLDERS)
    try:
        parts = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(message)]
    except ValueError as error:
        raise where.error("bad-message", f"message 的花括号不匹配：{error}", line) from None
    fields = []
    for name, spec, conversion in parts:
        if name is None:
            continue
        # only a plain {name}: a format spec ({x:d}, {x:>2000000000}), a conversion ({x!r}) or an
        # attribute/index ({x.y}, {x[0]}) could fail or exhaust memory on every check with the pack
        if spec or conversion or not name.isidentifier():
            written = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise where.error(
                "bad-message",
                f"message 中的“{written}”不可用：占位符只能写成 {{名称}}，不能带格式、转换或下标。",
                line,
            )
        fields.append(name)
    for name in fields:
        if name not in allowed:
            raise where.error(
                "bad-message",
                f"message 中的“{{{name}}}”不可用（可用：{'、'.join('{' + a + '}' for a in sorted(allowed))}）。",
                line,
            )


def _enabled(item: dict, where) -> bool:
    # YAML's `enabled: "false"` is a non-empty string, which bool() would take for true
    value = item.get("enabled", True)
    if not isinstance(value, bool):
        raise where.error("bad-param", f"enabled 只能写 true 或 false，不是“{value}”。", line_of(item, "enabled"))
    return value
