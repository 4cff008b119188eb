"""The small, safe expression language of rule packs.

Finance officers write relations the way 久其-style audit formulas read::

    公开01表[收入/本年收入合计].决算数 == 公开02表[合计].本年收入合计
    公开05表[合计].基本支出 == 公开06表[人员经费合计] + 公开06表[公用经费合计]
    公开09表[三公经费支出合计].决算数 <= 公开09表[三公经费支出合计].预算数 or 公开09表[三公经费支出合计].预算数 == 0

Grammar (parsed by hand, never ``eval``; every loop is bounded by the input length)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "=" | "!=" | "<=" | ">=" | "<" | ">") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | REF | SLOT | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    REF     := TABLE "[" [BLOCK "/"] ROW "]" ["." COLUMN]
    SLOT    := "{" NAME "}"            (narrative claims: a value the template bound)
    FUNC    := sum | abs | min | max

A reference names a table id, optionally a block, a row (its code, its id in the layout or its label)
and a column id; a reference without a column is one of the table's labelled cells (``公开06表[人员经费合计]``).
Numbers are exact. Evaluation is interval arithmetic (:mod:`xlplugin.core.intervals`), so a comparison
*holds*, *holds up to rounding* or *fails*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.errors import NotRunnable, ZeroDivisor
from xlplugin.core.intervals import ZERO, Interval, Verdict, compare

__all__ = ["Ref", "Slot", "parse", "Evaluation", "evaluate", "ExpressionError", "refs_of"]

MAX_LENGTH = 4000
MAX_DEPTH = 60
MAX_OPERATORS = 300  # a chain a+b+…: its tree is as deep as it is long, and evaluation recurses
_DIGITS = frozenset("0123456789")  # not str.isdigit: that also accepts ², ① …, which Decimal refuses
FUNCTIONS = ("sum", "abs", "min", "max")
COMPARISONS = ("==", "=", "!=", "<=", ">=", "<", ">")


class ExpressionError(ValueError):
    """A syntax error, with the character position (0-based) where it was noticed."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message}（第 {position + 1} 个字符处）")
        self.position = position


@dataclass(frozen=True)
class Ref:
    table: str
    row: str
    column: str | None = None
    block: str | None = None

    def __str__(self) -> str:
        inner = f"{self.block}/{self.row}" if self.block else self.row
        return f"{self.table}[{inner}]" + (f".{self.column}" if self.column else "")


@dataclass(frozen=True)
class Slot:
    """A value quoted in the narrative, bound by a claim template: ``{变动}``."""

    name: str

    def __str__(self) -> str:
        return "{" + self.name + "}"


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Neg:
    operand: object


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple


@dataclass(frozen=True)
class Compare:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class BoolOp:
    op: str
    operands: tuple


@dataclass(frozen=True)
class Not:
    operand: object


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # num, ref, name, op, end
    text: str
    position: int
    value: object = None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or char in "（）"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in _DIGITS or (char == "." and i + 1 < n and text[i + 1] in _DIGITS):
            start = i
            while i < n and text[i] in _DIGITS:
                i += 1
            if i < n and text[i] == ".":
                i += 1
                while i < n and text[i] in _DIGITS:
                    i += 1
            tokens.append(_Token("num", text[start:i], start, Decimal(text[start:i])))
        elif char == "{":
            close = text.find("}", i)
            name = text[i + 1 : close].strip() if close > 0 else ""
            if not name or close - i > 30:
                raise ExpressionError("“{”后应是槽名和“}”，如 {变动}", i)
            tokens.append(_Token("slot", text[i : close + 1], i, Slot(name)))
            i = close + 1
        elif _is_word(char):
            start = i
            while i < n and _is_word(text[i]):
                i += 1
            name = text[start:i]
            if i < n and text[i] == "[":
                close = text.find("]", i)
                if close < 0:
                    raise ExpressionError(f"引用“{name}[”缺少“]”", i)
                inner = text[i + 1 : close].strip()
                if not inner or "[" in inner:
                    raise ExpressionError(f"引用“{name}[…]”的行不能为空或嵌套", i)
                i = close + 1
                column = None
                if i < n and text[i] == ".":
                    column_start = i + 1
                    i += 1
                    while i < n and _is_word(text[i]):
                        i += 1
                    column = text[column_start:i]
                    if not column:
                        raise ExpressionError("“.”后面缺少列名", column_start)
                block, _, row = inner.rpartition("/")
                ref = Ref(name, row.strip(), column, block.strip() or None)
                tokens.append(_Token("ref", text[start:i], start, ref))
            else:
                tokens.append(_Token("name", name, start))
        else:
            two = text[i : i + 2]
            if two in ("==", "!=", "<=", ">="):
                tokens.append(_Token("op", two, i))
                i += 2
            elif char in "=<>+-*/(),":
                tokens.append(_Token("op", char, i))
                i += 1
            else:
                raise ExpressionError(f"不认识的字符“{char}”", i)
    tokens.append(_Token("end", "", n))
    return tokens


# ---------------------------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.operators = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.token
        self.index += 1
        return token

    def accept(self, kind: str, *texts: str) -> _Token | None:
        token = self.token
        if token.kind == kind and (not texts or token.text in texts):
            self.index += 1
            return token
        return None

    def expect(self, kind: str, text: str) -> None:
        if not self.accept(kind, text):
            raise ExpressionError(f"这里应为“{text}”，而不是“{self.token.text or '结尾'}”", self.token.position)

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("表达式嵌套过深", self.token.position)
        try:
            return parse()
        finally:
            self.depth -= 1

    def parse(self):
        node = self.or_()
        if self.token.kind != "end":
            raise ExpressionError(f"多余的内容“{self.token.text}”", self.token.position)
        return node

    def or_(self):
        operands = [self.and_()]
        while self.accept("name", "or"):
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def and_(self):
        operands = [self.not_()]
        while self.accept("name", "and"):
            operands.append(self.not_())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def not_(self):
        if self.accept("name", "not"):
            return Not(self.nested(self.not_))
        return self.compare()

    def compare(self):
        left = self.sum()
        token = self.accept("op", *COMPARISONS)
        if token is None:
            return left
        return Compare("==" if token.text == "=" else token.text, left, self.sum())

    def sum(self):
        node = self.product()
        while (token := self.accept("op", "+", "-")) is not None:
            node = BinOp(self.counted(token), node, self.product())
        return node

    def product(self):
        node = self.unary()
        while (token := self.accept("op", "*", "/")) is not None:
            node = BinOp(self.counted(token), node, self.unary())
        return node

    def counted(self, token) -> str:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise ExpressionError(f"表达式超过 {MAX_OPERATORS} 个运算符，请拆成几条规则或用 sum()", token.position)
        return token.text

    def unary(self):
        if self.accept("op", "-"):
            return Neg(self.nested(self.unary))
        return self.atom()

    def atom(self):
        token = self.token
        if token.kind == "num":
            self.take()
            return Num(token.value)
        if token.kind in ("ref", "slot"):
            self.take()
            return token.value
        if token.kind == "name" and token.text in FUNCTIONS:
            self.take()
            self.expect("op", "(")
            args = [self.nested(self.or_)]
            while self.accept("op", ","):
                args.append(self.nested(self.or_))
            self.expect("op", ")")
            return Call(token.text, tuple(args))
        if self.accept("op", "("):
            node = self.nested(self.or_)
            self.expect("op", ")")
            return node
        if token.kind == "name":
            raise ExpressionError(
                f"不认识的名称“{token.text}”（可用函数：{'、'.join(FUNCTIONS)}；引用须写成 表[行].列）", token.position
            )
        raise ExpressionError(f"这里应为数字、引用或括号，而不是“{token.text or '结尾'}”", token.position)


def parse(text: str):
    """Parse an expression into its tree; raise :class:`ExpressionError` with the position."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"表达式超过 {MAX_LENGTH} 个字符", MAX_LENGTH)
    return _Parser(text).parse()


def refs_of(node, kind=Ref) -> list:
    """Every reference (or, with ``kind=Slot``, every slot) in the tree, left to right."""
    if isinstance(node, kind):
        return [node]
    if isinstance(node, (Neg, Not)):
        return refs_of(node.operand, kind)
    if isinstance(node, (BinOp, Compare)):
        return refs_of(node.left, kind) + refs_of(node.right, kind)
    if isinstance(node, Call):
        return [r for a in node.args for r in refs_of(a, kind)]
    if isinstance(node, BoolOp):
        return [r for a in node.operands for r in refs_of(a, kind)]
    return []


def is_condition(node) -> bool:
    return isinstance(node, (Compare, BoolOp, Not))


# ---------------------------------------------------------------------------------------------
# Evaluation


@dataclass
class Evaluation:
    """The verdict of a condition, and the comparison that decided it (for the finding)."""

    verdict: Verdict
    left: Interval | None = None
    right: Interval | None = None
    op: str = ""
    left_refs: tuple[Ref, ...] = ()
    decisive: Compare | None = None


Resolver = Callable[[Ref], Interval]


def evaluate(node, resolve: Resolver, tolerance: Decimal | None = None) -> Evaluation:
    """Evaluate a condition. ``resolve`` turns a reference into an Interval or raises NotRunnable."""
    if isinstance(node, Compare):
        left, right = _value(node.left, resolve), _value(node.right, resolve)
        return Evaluation(
            compare(left, node.op, right, tolerance), left, right, node.op, tuple(refs_of(node.left)), node
        )
    if isinstance(node, BoolOp):
        results = [evaluate(operand, resolve, tolerance) for operand in node.operands]
        pick = min if node.op == "and" else max
        return pick(results, key=lambda e: e.verdict)
    if isinstance(node, Not):
        inner = evaluate(node.operand, resolve, tolerance)
        flipped = {Verdict.PASS: Verdict.FAIL, Verdict.FAIL: Verdict.PASS}.get(inner.verdict, Verdict.ROUNDING)
        return Evaluation(flipped, inner.left, inner.right, "not " + inner.op, inner.left_refs, inner.decisive)
    raise NotRunnable("表达式必须是比较（==、<= 等）或其组合")


def value_of(node, resolve: Resolver) -> Interval:
    """Evaluate an arithmetic expression to an Interval."""
    return _value(node, resolve)


def _value(node, resolve: Resolver) -> Interval:
    if isinstance(node, Num):
        return Interval.exact(node.value)
    if isinstance(node, (Ref, Slot)):
        return resolve(node)
    if isinstance(node, Neg):
        return -_value(node.operand, resolve)
    if isinstance(node, BinOp):
        left, right = _value(node.left, resolve), _value(node.right, resolve)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        try:
            return left / right
        except ZeroDivisionError:
            exact = right.low == right.high == 0
            raise ZeroDivisor("除数为 0（或可能为 0），无法计算", exact) from None
    if isinstance(node, Call):
        values = [_value(a, resolve) for a in node.args]
        if node.function == "sum":
            result = Interval.exact(ZERO)
            for value in values:
                result = result + value
            return result
        if node.function == "abs":
            if len(values) != 1:
                raise NotRunnable("abs() 只接受一个参数")
            (v,) = values
            if v.low >= 0:
                return v
            if v.high <= 0:
                return -v
            return Interval(abs(v.point), ZERO, max(-v.low, v.high))
        pick = min if node.function == "min" else max
        return Interval(pick(v.point for v in values), pick(v.low for v in values), pick(v.high for v in values))
    raise NotRunnable("比较不能用作数值")
