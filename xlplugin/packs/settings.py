"""Pack-wide settings of ``pack.yaml``: the default ``tolerance`` of the rules, and how the built-in
情况说明 arithmetic reports (``arithmetic``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from xlplugin.core.errors import PackError
from xlplugin.core.findings import SEVERITIES, WARNING
from xlplugin.core.yamlfile import line_of

__all__ = ["DEFAULT_ARITHMETIC", "arithmetic_setting", "tolerance_setting"]

#: how the built-in 情况说明 arithmetic reports a wrong figure when a pack does not say
DEFAULT_ARITHMETIC = WARNING


def arithmetic_setting(manifest, path: str, base) -> str:
    """``arithmetic: {severity: 警告}`` or ``arithmetic: {enabled: false}`` — how the built-in 情况说明
    arithmetic (``NARR.arithmetic``) reports a wrong figure in this pack: the severity, or ``""``
    when it is off. Not written: the pack it extends decides, else 警告."""
    if "arithmetic" not in manifest:
        return base.arithmetic if base is not None else DEFAULT_ARITHMETIC
    value = manifest["arithmetic"]
    line = line_of(manifest, "arithmetic")
    if not isinstance(value, dict) or set(value) - {"severity", "enabled"}:
        raise PackError("bad-pack", "arithmetic 写成 {severity: 错误|警告|提示} 或 {enabled: false}。", path, line)
    if value.get("enabled", True) is False:
        return ""
    if value.get("enabled", True) is not True:
        raise PackError("bad-pack", "arithmetic 的 enabled 只能是 true 或 false。", path, line)
    severity = value.get("severity", DEFAULT_ARITHMETIC)
    if severity not in SEVERITIES:
        raise PackError(
            "bad-severity", f"arithmetic 的 severity 只能是 {'、'.join(SEVERITIES)}，不是“{severity}”。", path, line
        )
    return severity


def tolerance_setting(value: object, container, key, path: str) -> Decimal | None:
    if value == "rounding":
        return None
    if value == "strict":
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if isinstance(value, bool) or not amount.is_finite() or amount < 0:
        raise PackError(
            "bad-tolerance",
            f"tolerance 只能是 rounding、strict 或非负金额，不是“{value}”。",
            path,
            line_of(container, key),
        )
    return amount
