"""What changed between two versions of a pack — the bureau's release notes.

:func:`diff` compares rules by id: added, removed, severity changed, enabled/disabled, and otherwise
changed (kind, parameters, message, explanation, tolerance), each listed with what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlplugin.engine.model import Pack, Rule

__all__ = ["PackDiff", "diff"]

_COMPARED = ("name", "kind", "params", "message", "explanation", "tolerance")
_LABELS = {
    "name": "名称",
    "kind": "类型",
    "params": "参数",
    "message": "提示文字",
    "explanation": "说明",
    "tolerance": "容差",
}


@dataclass
class PackDiff:
    old: str
    new: str
    added: list[Rule] = field(default_factory=list)
    removed: list[Rule] = field(default_factory=list)
    severity: list[tuple[Rule, Rule]] = field(default_factory=list)
    enabled: list[tuple[Rule, Rule]] = field(default_factory=list)
    changed: list[tuple[Rule, Rule, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.severity or self.enabled or self.changed)

    def as_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "added": [r.id for r in self.added],
            "removed": [r.id for r in self.removed],
            "severity": [{"rule": a.id, "from": a.severity, "to": b.severity} for a, b in self.severity],
            "enabled": [{"rule": a.id, "from": a.enabled, "to": b.enabled} for a, b in self.enabled],
            "changed": [{"rule": a.id, "fields": fields} for a, _, fields in self.changed],
        }

    def text(self) -> str:
        lines = [f"{self.old} → {self.new}"]
        if self.empty:
            return lines[0] + "\n规则没有变化。"
        sections = [
            ("新增规则", [f"{r.id} [{r.severity}] {r.name}" for r in self.added]),
            ("删除规则", [f"{r.id} {r.name}" for r in self.removed]),
            ("级别变化", [f"{a.id} {a.name}：{a.severity} → {b.severity}" for a, b in self.severity]),
            ("启用/停用", [f"{a.id} {a.name}：{'启用' if b.enabled else '停用'}" for a, b in self.enabled]),
            (
                "内容变化",
                [f"{a.id} {b.name}：{'、'.join(_LABELS[f] for f in fields)}" for a, b, fields in self.changed],
            ),
        ]
        for title, items in sections:
            if items:
                lines += ["", f"{title}（{len(items)}）："] + [f"  {item}" for item in items]
        return "\n".join(lines)


def diff(old: Pack, new: Pack) -> PackDiff:
    result = PackDiff(f"{old.id} {old.version}", f"{new.id} {new.version}")
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    result.added = [after[i] for i in after if i not in before]
    result.removed = [before[i] for i in before if i not in after]
    for rule_id in (i for i in after if i in before):
        a, b = before[rule_id], after[rule_id]
        if a.severity != b.severity:
            result.severity.append((a, b))
        if a.enabled != b.enabled:
            result.enabled.append((a, b))
        fields = [f for f in _COMPARED if getattr(a, f) != getattr(b, f)]
        if fields:
            result.changed.append((a, b, fields))
    return result
