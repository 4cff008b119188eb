"""Which pack a check uses — the one order every door follows (``check``, ``batch``, ``pack which``,
:func:`xlplugin.api.check` and through it both Excel buttons):

1. the pack named where the check is asked for (``--pack``; the Excel buttons' ``xlplugin.conf``);
2. the environment variable ``XLPLUGIN_PACK``;
3. the configuration file ``xlplugin.yaml`` / ``.xlplugin.yaml`` (current folder upwards, then the
   user's home folder; see :mod:`xlplugin.packs.config`);
4. the installed pack whose template fits the workbook best;
5. the bundled pack whose template fits it best.

Steps 4 and 5 are one ranking by fit (:func:`~xlplugin.packs.resolve.recognise_fit`; among equal fits
the bundled default stays first): the step named is where the winner lives. When no pack fits, the
order refuses to guess (``no-pack-fits``). :func:`choose_source` says which step chose, and why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.packs.config import find_config, read_config
from xlplugin.packs.resolve import (
    NARRATIVE_OPENING,
    Resolved,
    is_installed,
    narrative_pack,
    recognise_fit,
    resolve_pack,
)
from xlplugin.workbook.book import Book

__all__ = ["ENV_VAR", "STEPS", "PackSource", "choose_for_narrative", "choose_source", "configured_source"]

ENV_VAR = "XLPLUGIN_PACK"

#: the steps of the order, as shown to people (``pack which``, the README)
STEPS = {
    1: "调用时指定（命令行 --pack；Excel 按钮为 xlplugin.conf 中的 XLPLUGIN_PACK）",
    2: f"环境变量 {ENV_VAR}",
    3: "配置文件 xlplugin.yaml 或 .xlplugin.yaml（当前文件夹及其上级文件夹，再到用户主目录）中的 pack",
    4: "已安装的规则包中表样与工作簿最相符的",
    5: "随附的规则包中表样与工作簿最相符的",
}


@dataclass(frozen=True)
class PackSource:
    """The pack chosen (its folder and the notices about its origin), the step of the order that chose
    it (1–5) and why, in a sentence."""

    resolved: Resolved
    step: int
    why: str

    @property
    def path(self) -> Path:
        return self.resolved.path

    @property
    def notices(self) -> tuple[str, ...]:
        return self.resolved.notices


def configured_source(
    spec: str | Path | None,
    allow_unsigned: bool = False,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    given: str = "--pack",
) -> PackSource | None:
    """Steps 1–3 of the order, which need no workbook: the pack named, configured in the environment
    or in a configuration file — or ``None`` when none is."""
    environ = os.environ if environ is None else environ
    if spec:
        return PackSource(resolve_pack(spec, allow_unsigned), 1, f"{given} 指定了“{spec}”")
    if environ.get(ENV_VAR, "").strip():
        value = environ[ENV_VAR].strip()
        try:
            resolved = resolve_pack(value, allow_unsigned)
        except PackError as error:
            raise PackError(error.code, f"环境变量 {ENV_VAR} 指定的规则包有误：{error.message}") from None
        return PackSource(resolved, 2, f"环境变量 {ENV_VAR}={value}")
    config = find_config(cwd)
    configured = read_config(config) if config else None
    if configured is None:
        return None
    try:
        resolved = resolve_pack(configured.spec, allow_unsigned)
    except PackError as error:
        raise PackError(
            error.code, f"配置文件指定的规则包有误：{error.message}", str(config), configured.line
        ) from None
    return PackSource(resolved, 3, f"配置文件 {config} 第 {configured.line} 行：pack: {configured.spec}")


def choose_source(
    spec: str | Path | None,
    book: Book | Callable[[], Book] | None = None,
    allow_unsigned: bool = False,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    given: str = "--pack",
) -> PackSource:
    """The pack to check ``book`` with, by the order above. ``book`` may be a function that reads it:
    it is called only when steps 1–3 name no pack. ``given`` is how step 1 is named to people."""
    chosen = configured_source(spec, allow_unsigned, environ=environ, cwd=cwd, given=given)
    if chosen is not None:
        return chosen
    if callable(book):
        book = book()
    if book is None:
        raise PackError(
            "no-pack-configured",
            f"没有指定规则包（--pack、环境变量 {ENV_VAR}、配置文件 xlplugin.yaml 都没有）；"
            "要按表样自动选择，请给出工作簿。",
        )
    fit, resolved = recognise_fit(book)
    step = 4 if is_installed(resolved.path) else 5
    where = "已安装" if step == 4 else "随附"
    return PackSource(
        resolved, step, f"没有指定规则包；{where}的 {fit.pack_id} 与工作簿的表样最相符（{fit.describe()}）"
    )


def choose_for_narrative(
    spec: str | Path | None,
    paragraphs: list,
    allow_unsigned: bool = False,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    given: str = "--pack",
) -> PackSource | None:
    """The pack to check a 情况说明 alone with: steps 1–3 as for a workbook; then, instead of the
    tables' fit, the installed or bundled pack whose region the narrative's opening paragraphs name.
    ``None`` when none is: the narrative gets the built-in checks only, never another region's
    wording rules."""
    chosen = configured_source(spec, allow_unsigned, environ=environ, cwd=cwd, given=given)
    if chosen is not None:
        return chosen
    found = narrative_pack("".join(p.norm for p in paragraphs[:NARRATIVE_OPENING]))
    if found is None:
        return None
    resolved, region = found
    step = 4 if is_installed(resolved.path) else 5
    where = "已安装" if step == 4 else "随附"
    return PackSource(resolved, step, f"没有指定规则包；情况说明开头写明了“{region}”，用{where}的该地区规则包")
