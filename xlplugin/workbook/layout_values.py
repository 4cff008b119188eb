"""Typed reading of layout YAML values: each helper refuses a value of the wrong type with the file and
line of its key, so a malformed layout never fails later as a Python error."""

from __future__ import annotations

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import YDict, line_of

__all__ = ["mapping", "text", "strings", "non_negative_int", "choice"]


def mapping(value: object, path: str, line: int | None, what: str) -> YDict:
    if not isinstance(value, dict):
        raise PackError("bad-layout", f"{what}必须是“键: 值”的映射。", path, line)
    return value  # type: ignore[return-value]


def text(data: YDict, key: str, default: str | None = None) -> str:
    """``data[key]`` as text: a word, or a number as written (``2021``, ``1.0``), never a yes/no, list
    or mapping. Absent or empty (``~``) gives ``default``, and is an error without one."""
    value = data.get(key)
    if value is None:
        if default is None:
            raise PackError("bad-layout", f"“{key}”不能为空。", data.path, line_of(data, key))
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PackError("bad-layout", f"“{key}”必须是文字。", data.path, line_of(data, key))
    return str(value)


def strings(value: object, data: YDict | list, key: str | int, what: str | None = None) -> tuple[str, ...]:
    """One text or a list of texts (``data[key]``, named ``what`` in the message) as a tuple."""
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return tuple(str(v) for v in value)
    raise PackError(
        "bad-layout", f"“{what or key}”必须是文字或文字列表。", getattr(data, "path", None), line_of(data, key)
    )


def non_negative_int(data: YDict, key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PackError("bad-layout", f"“{key}”必须是非负整数。", data.path, line_of(data, key))
    return value


def choice(data: YDict, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
    """``data[key]``, one of ``choices`` (absent gives ``default``)."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or value not in choices:
        raise PackError(
            "bad-layout", f"{key} 只能是 {'/'.join(choices)}，不是“{value}”。", data.path, line_of(data, key)
        )
    return value
