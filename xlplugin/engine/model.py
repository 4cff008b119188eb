"""The rule model: a loaded pack and its checked rules, as the engine runs them.

Loading, checking and finding packs is :mod:`xlplugin.packs`; this is only what they produce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xlplugin.engine.kinds import KINDS, KindModule
from xlplugin.workbook.layout import Layout

__all__ = ["BUILTIN_PACK", "Pack", "Rule", "builtin_pack"]

#: the id reports give the built-in checks when no pack applies (a 情况说明 of a region without a pack)
BUILTIN_PACK = "builtin"


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
    #: what the kind's ``prepare`` made of the parameters (its frozen ``…Prepared`` dataclass)
    prepared: object = field(repr=False, compare=False)
    #: the parameters as validated against the kind's declarations, defaults filled in
    params: dict = field(default_factory=dict, repr=False, compare=False)
    path: str = ""
    line: int | None = None
    enabled: bool = True

    @property
    def module(self) -> KindModule:
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
    #: what every report made with this pack must say first (a pack not yet verified on real files)
    notice: str = ""
    #: the severity of a wrong figure found by the built-in 情况说明 arithmetic; ``""``: it is off
    arithmetic: str = "警告"
    changelog: list = field(default_factory=list)
    engine: str = ""
    extends: str | None = None
    #: case files of the packs this one extends (their cases of disabled rules are skipped)
    inherited_tests: list[Path] = field(default_factory=list)
    #: folders of the packs this one extends, nearest last
    bases: list[Path] = field(default_factory=list)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def builtin_pack() -> Pack:
    """The pack of a 情况说明 no installed or bundled pack is for: no tables and no rules of its own,
    so only the checks every pack gets run — the narrative's own arithmetic
    (:mod:`xlplugin.engine.builtin_narrative`) and the list of numbers nothing checked."""
    from xlplugin import __version__

    name = "通用情况说明核对（内置）"
    layout = Layout(BUILTIN_PACK, name, 0, "", __version__, "情况说明", ())
    return Pack(BUILTIN_PACK, name, __version__, 0, "", "xlplugin", layout, [], Path())
