"""Parameters of the rule kinds, declared as data and validated in one place.

A kind declares ``PARAMS = {"name": Param(type, required, default, choices, doc)}``.
:func:`validate_params` applies the declarations to what a rule writes — unknown names, types,
choices, required names, the kind's optional ``check_params(params, where)`` for relations between
parameters, then the defaults — so that a kind's ``prepare`` only checks meaning against the layout.
The same declarations document themselves: :func:`params_table` renders a kind's table for
``docs/规则编写指南.md`` (:func:`refresh_guide` rewrites all of them) and :func:`signature` the
English summary each kind's docstring gives of a parameter.

Types (``doc`` and messages use the Chinese word):

========== ============ ====================================================================
type       word         what a rule may write, and what ``prepare`` gets
========== ============ ====================================================================
str        文字         a word or a whole number (``total: 合计``, ``rows: 229``) → ``str``
int        整数         a whole number → ``int``
decimal    数字         a number or a numeric string → :class:`~decimal.Decimal` (a YAML float by
                        its shortest text, ``10.5`` → ``Decimal("10.5")``, never by float
                        arithmetic; NaN and infinities refused)
list       列表         a list of words or whole numbers → ``list[str]``
expr       表达式       an expression (see :mod:`xlplugin.engine.expressions`) → ``str``
dict       映射         a mapping → ``dict``, as written
any        文字或列表   a word or a list of them (a template or several wordings) → ``str`` or
                        ``list[str]``
wordings   写法         like ``any``, and an item may be ``{template: 写法, when: 条件}`` (a wording
                        that counts only under its own table condition) → its texts as ``str``
items      文字或列表   like ``any``, and an item may be a mapping the kind reads itself (as loaded,
                        so that it can name the item's line): ``{phrase: 短语, say: 说明}``
========== ============ ====================================================================

``choices`` restrict a ``str`` to one of them, or each item of a ``list`` to them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import line_of

if TYPE_CHECKING:
    from xlplugin.core.findings import Outcome
    from xlplugin.engine.context import Context
    from xlplugin.workbook.layout import Layout

__all__ = [
    "KindModule",
    "Where",
    "NO_DEFAULT",
    "TYPES",
    "Param",
    "checks_param",
    "validate_params",
    "with_defaults",
    "filled",
    "signature",
    "params_table",
    "refresh_guide",
]


@dataclass(frozen=True)
class Where:
    """Where a rule is written, for load-time errors: ``file:line: 规则 X：…``; ``folder`` is the pack's
    folder (what a rule's own data files, such as a catalogue, are relative to)."""

    path: str
    line: int | None
    rule: str
    folder: str = ""

    def error(self, code: str, message: str, line: int | None = None) -> PackError:
        return PackError(code, f"规则 {self.rule}：{message}", self.path, line or self.line)


class _NoDefault:
    """The default of a parameter that has none (``None`` could be a default)."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()

#: type → (the Chinese word in the guide and in messages, the English word in docstrings)
TYPES = {
    "str": ("文字", "text"),
    "int": ("整数", "integer"),
    "decimal": ("数字", "number"),
    "list": ("列表", "list"),
    "expr": ("表达式", "expression"),
    "dict": ("映射", "mapping"),
    "any": ("文字或列表", "text or list"),
    "wordings": ("写法", "wordings"),
    "items": ("文字或列表", "text or list"),
}


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind: its type (a key of :data:`TYPES`), whether a rule must write
    it, its default, its choices and its Chinese description (one cell of the guide's table)."""

    type: str
    required: bool = False
    default: object = NO_DEFAULT
    choices: tuple[str, ...] | None = None
    doc: str = ""
    #: what one of a list's choices is called in messages (``未知的检查“x”``)
    noun: str = "取值"

    def __post_init__(self) -> None:
        # a declaration is code: a mistake in one must fail when the kind is imported, not in a pack
        if self.type not in TYPES:
            raise ValueError(f"unknown parameter type {self.type!r}")
        if self.required and self.has_default:
            raise ValueError("a required parameter has no default")
        if self.choices is not None and self.type not in ("str", "list"):
            raise ValueError("only str and list parameters have choices")
        if self.choices is not None and self.has_default:
            chosen = self.default if self.type == "list" else (self.default,)
            if not set(chosen) <= set(self.choices):
                raise ValueError(f"default {self.default!r} is not among the choices")

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


def checks_param(choices: tuple[str, ...], doc: str, required: bool = False) -> Param:
    """The ``checks`` a kind offers (so that a pack can grade them differently): a list of some of
    ``choices``; all of them unless the parameter is required."""
    return Param("list", required, NO_DEFAULT if required else choices, choices, doc, noun="检查")


class _Wrong(Exception):
    """A value of the wrong type: what was written instead, and at which item of a list."""

    def __init__(self, written: str, position: int | None = None):
        super().__init__(written)
        self.written, self.position = written, position


def _written(value: object) -> str:
    """What a YAML value is, in the words of a rule author."""
    if isinstance(value, bool):
        return "“true”" if value else "“false”"
    if value is None:
        return "空值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    return "映射" if isinstance(value, dict) else type(value).__name__


def _text(value: object) -> str:
    # `rows: [229]` or `total: 2080199`: YAML reads codes as numbers, a rule means their text
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Wrong(_written(value))
    return str(value)


def _texts(value: object) -> list[str]:
    if not isinstance(value, list):
        raise _Wrong(_written(value))
    texts = []
    for position, item in enumerate(value, start=1):
        try:
            texts.append(_text(item))
        except _Wrong as wrong:
            raise _Wrong(wrong.written, position) from None
    return texts


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Wrong(_written(value))
    try:
        number = Decimal(str(value).strip())  # a YAML float's shortest text, e.g. 10.5 → "10.5"
    except InvalidOperation:
        raise _Wrong(f"“{value}”") from None
    if not number.is_finite():
        raise _Wrong(f"“{value}”")
    return number


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Wrong(_written(value))
    return value


def _expr(value: object) -> str:
    if not isinstance(value, str):
        raise _Wrong(_written(value))
    return value


def _dict(value: object) -> dict:
    if not isinstance(value, dict):
        raise _Wrong(_written(value))
    return value


def _any(value: object) -> str | list[str]:
    return _texts(value) if isinstance(value, list) else _text(value)


def _wordings(value: object) -> str | list:
    if not isinstance(value, list):
        return _text(value)
    items: list = []
    for position, item in enumerate(value, start=1):
        try:
            items.append(_conditional(item) if isinstance(item, dict) else _text(item))
        except _Wrong as wrong:
            raise _Wrong(wrong.written, position) from None
    return items


def _conditional(item: dict) -> dict:
    """``{template: 写法, when: 条件}``, both texts, nothing else."""
    unknown = sorted(map(str, set(item) - {"template", "when"}))
    if unknown:
        raise _Wrong(f"含有不认识的键 {'、'.join(unknown)} 的映射")
    if not str(item.get("template") or "").strip() or not str(item.get("when") or "").strip():
        raise _Wrong("缺少 template 或 when（或为空）的映射")
    return {key: _text(item[key]) for key in item}


def _items(value: object) -> str | list:
    if not isinstance(value, list):
        return _text(value)
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            try:
                _text(item)
            except _Wrong as wrong:
                raise _Wrong(wrong.written, position) from None
    return value  # as loaded: the kind checks each mapping and names its line


_CONVERT: dict[str, Callable[[object], object]] = {
    "str": _text,
    "int": _int,
    "decimal": _decimal,
    "list": _texts,
    "expr": _expr,
    "dict": _dict,
    "any": _any,
    "wordings": _wordings,
    "items": _items,
}


@runtime_checkable
class KindModule(Protocol):
    """What the loader and the engine use of a kind module."""

    NAME: str
    TITLE: str
    TOPIC: str
    LOCALITY: int
    PARAMS: dict[str, Param]
    PLACEHOLDERS: tuple[str, ...]
    MESSAGE: str

    def prepare(self, params: dict, layout: Layout, where: Where) -> object: ...

    def check(self, prepared, context: Context) -> Iterator[Outcome]: ...


def validate_params(module: KindModule, item: Mapping, where: Where, skip: Container[str] = frozenset()) -> dict:
    """The parameters a rule ``item`` gives its kind ``module``, checked against ``module.PARAMS``
    and converted (see :data:`TYPES`), with the defaults of the ones it does not write. Keys in
    ``skip`` are the rule's own (``id``, ``severity``, …). Raises the rule's :class:`PackError` at
    the line of the offending key: ``unknown-param``, ``bad-param`` (type, choices, or the kind's
    ``check_params``) or ``missing-param``."""
    declared = module.PARAMS
    params: dict = {}
    for key, value in item.items():
        if key in skip:
            continue
        param = declared.get(key)
        if param is None:
            raise where.error(
                "unknown-param",
                f"规则类型 {module.NAME} 没有参数“{key}”（可用：{'、'.join(declared)}）。",
                line_of(item, key),
            )
        try:
            params[key] = _CONVERT[param.type](value)
        except _Wrong as wrong:
            if wrong.position is None:
                problem, line = f"参数“{key}”应为{TYPES[param.type][0]}，不是{wrong.written}。", line_of(item, key)
            else:
                wanted = {"wordings": "文字或 {template: 写法, when: 条件}", "items": "文字或映射"}.get(
                    param.type, "文字"
                )
                problem = f"参数“{key}”的第 {wrong.position} 项应为{wanted}，不是{wrong.written}。"
                line = line_of(value, wrong.position - 1) or line_of(item, key)
            raise where.error("bad-param", problem, line) from None
        _check_choices(key, param, params[key], value, where, line_of(item, key))
    for key, param in declared.items():
        if param.required and key not in params:
            raise where.error("missing-param", f"规则类型 {module.NAME} 需要参数“{key}”。")
    cross_check = getattr(module, "check_params", None)  # optional: most kinds' parameters are independent
    if cross_check is not None:
        cross_check(params, where)
    return with_defaults(declared, params)


def _check_choices(key: str, param: Param, value, raw, where: Where, line: int | None) -> None:
    """``value`` (converted) among the choices; ``raw`` is the value as loaded, which knows the line
    of each item of a list."""
    if param.choices is None:
        return
    if param.type == "str":
        if value not in param.choices:
            raise where.error("bad-param", f"{key} 只能是 {'、'.join(param.choices)}，不是“{value}”。", line)
        return
    unknown = [(index, text) for index, text in enumerate(value) if text not in param.choices]
    if unknown:
        raise where.error(
            "bad-param",
            f"未知的{param.noun}“{'、'.join(text for _, text in unknown)}”（可用：{'、'.join(param.choices)}）。",
            line_of(raw, unknown[0][0]) or line,
        )


def with_defaults(declared: Mapping[str, Param], params: Mapping) -> dict:
    """``params`` and the declared default of every parameter they do not give (lists as fresh
    lists: a rule's params are its own)."""
    complete = dict(params)
    for key, param in declared.items():
        if key not in complete and param.has_default:
            complete[key] = list(param.default) if param.type == "list" else param.default
    return complete


def filled(declared: Mapping[str, Param]):
    """Decorate a kind's ``prepare`` so that it always sees the declared defaults. A pack's rules
    get them from :func:`validate_params`; this keeps ``prepare`` whole for callers that build the
    params by hand (tests and tools that try one kind without a pack)."""

    def decorate(prepare):
        @functools.wraps(prepare)
        def prepare_with_defaults(params, layout, where):
            return prepare(with_defaults(declared, params), layout, where)

        prepare_with_defaults.declared = declared
        return prepare_with_defaults

    return decorate


# ---------------------------------------------------------------------------------------------
# The declarations as documentation


def _shown(param: Param) -> str:
    """The default as a rule would write it."""
    value = param.default
    if param.type == "list":
        return "[" + ", ".join(value) + "]"
    return str(value)


def _all_choices(param: Param) -> bool:
    return param.type == "list" and param.choices is not None and tuple(param.default) == tuple(param.choices)


def signature(name: str, param: Param) -> str:
    """How a kind's docstring introduces a parameter: its name, its type or choices, and whether a
    rule must write it or what it defaults to; for ``same_amount``'s ``codes``::

        ``codes`` (one of ``类`` ``款`` ``项`` ``全部``; default ``全部``)
    """
    if param.choices is None:
        kind = TYPES[param.type][1]
    else:
        listed = " ".join(f"``{c}``" for c in param.choices)
        kind = f"list of {listed}" if param.type == "list" else f"one of {listed}"
    if param.required:
        need = "required"
    elif not param.has_default:
        need = "optional"
    else:
        need = "default all" if _all_choices(param) else f"default ``{_shown(param)}``"
    return f"``{name}`` ({kind}; {need})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def params_table(declared: Mapping[str, Param]) -> str:
    """A kind's parameters as the Markdown table of the guide (参数 / 类型 / 必填 / 默认 / 说明)."""
    lines = ["| 参数 | 类型 | 必填 | 默认 | 说明 |", "|---|---|---|---|---|"]
    for name, param in declared.items():
        if param.choices is None:
            kind = TYPES[param.type][0]
        else:
            listed = "、".join(f"`{c}`" for c in param.choices)
            kind = f"列表，取自 {listed}" if param.type == "list" else f"{listed} 之一"
        if not param.has_default:
            default = ""
        elif _all_choices(param):
            default = "全部"
        else:
            default = f"`{_shown(param)}`"
        cells = [f"`{name}`", kind, "是" if param.required else "否", default, param.doc]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _heading(name: str, title: str) -> re.Pattern[str]:
    return re.compile(rf"^### 4\.\d+ `{re.escape(name)}` {re.escape(title)}\n", re.M)


_TABLE = re.compile(r"^\| 参数 \|.*\n(?:\|.*\n)*", re.M)
_NEXT_HEADING = re.compile(r"^#{1,3} ", re.M)


def refresh_guide(text: str, kinds: Mapping[str, KindModule]) -> str:
    """The guide ``text`` with each kind's parameter table (the first table of its section
    ``### 4.N `name` TITLE``) rendered anew from its declarations. Raises ``ValueError`` for a kind
    the guide has no section (or no table) for."""
    for name, module in kinds.items():
        heading = _heading(name, module.TITLE).search(text)
        if heading is None:
            raise ValueError(f"the guide has no section “### 4.N `{name}` {module.TITLE}”")
        following = _NEXT_HEADING.search(text, heading.end())
        end = following.start() if following else len(text)
        table = _TABLE.search(text, heading.end(), end)
        if table is None:
            raise ValueError(f"the guide's section on {name} has no table of parameters")
        text = text[: table.start()] + params_table(module.PARAMS) + "\n" + text[table.end() :]
    return text
