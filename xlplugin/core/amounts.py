"""Cell contents to exact numbers.

Every amount becomes an :class:`Amount`: a ``Decimal`` plus the precision it stands for (the number of
decimal places), so that rules can judge rounding by interval arithmetic instead of guessing a
tolerance. Floats never survive past this module: a numeric cell's binary float is converted through
its shortest round-trip representation (``repr``), which is exactly what Excel displays at full
precision.

Text is accepted the way departments actually type it::

    >>> parse_number("9,909.15")
    Amount(value=Decimal('9909.15'), decimals=2, percent=False, exact=False)
    >>> parse_number("（12.30）").value    # accountants' negative, full-width brackets
    Decimal('-12.30')
    >>> parse_number("９９０９．１５").value  # full-width digits and point
    Decimal('9909.15')
    >>> parse_number("57%").percent
    True
    >>> parse_number(35.0, decimals=2).value  # a numeric cell, shown to the stated precision
    Decimal('35.00')
    >>> parse_number("—") is None          # dash, hyphen or blank: no value
    True

Anything else (``约100``, ``1,23``, ``12.3.4``) raises :class:`NumberFormatError`, which carries the
original text so the reader can say which cell holds it. A number beyond any real amount (more than
:data:`MAX_INTEGER_DIGITS` integer digits, infinity, NaN) raises its subclass :class:`AmountOutOfRange`:
exact arithmetic on it would exceed ``Decimal``'s precision, and no 决算 figure is that large::

    >>> parse_number(1e300)
    Traceback (most recent call last):
    ...
    xlplugin.core.amounts.AmountOutOfRange: “1e+300”超出金额的合理范围
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "MAX_INTEGER_DIGITS",
    "Amount",
    "AmountOutOfRange",
    "NumberFormatError",
    "parse_number",
    "normalize_text",
    "is_dash",
]

#: the most integer digits an amount may have (10^15 万元 is far beyond any budget): larger values,
#: and infinities, are refused rather than carried into arithmetic whose precision they would exceed
MAX_INTEGER_DIGITS = 15


@dataclass(frozen=True, slots=True)
class Amount:
    """An exact value and the precision it was stated with.

    ``decimals`` is the number of decimal places the value is accurate to: ``2`` for 万元 with two
    decimals. A value stated to 2 places stands for the closed interval ``value ± 0.005``.
    ``percent`` marks a value that was written with ``%`` (the value is in percent units).
    ``exact`` marks a count (辆, 人次, 个): it is not rounded, so its interval is the value itself.
    """

    value: Decimal
    decimals: int
    percent: bool = False
    exact: bool = False

    @property
    def half_unit(self) -> Decimal:
        """Half of one unit in the last stated place: the rounding radius (0 for counts)."""
        return Decimal(0) if self.exact else Decimal(5).scaleb(-self.decimals - 1)

    def interval(self) -> tuple[Decimal, Decimal]:
        """The closed interval of true values this rounded figure can stand for."""
        return self.value - self.half_unit, self.value + self.half_unit

    def __str__(self) -> str:
        text = f"{self.value:.{max(self.decimals, 0)}f}" if self.decimals >= 0 else str(self.value)
        return text + ("%" if self.percent else "")


class NumberFormatError(ValueError):
    """Text that is neither a number nor an accepted 'no value' mark."""

    def __init__(self, text: str):
        super().__init__(f"“{text}”不是数字")
        self.text = text


class AmountOutOfRange(NumberFormatError):
    """A number too large to be an amount (or not finite): never carried into the arithmetic."""

    def __init__(self, text: str):
        ValueError.__init__(self, f"“{text}”超出金额的合理范围")
        self.text = text


# Dashes people type for "nothing here": hyphen, en/em dashes, horizontal bar, box-drawing,
# katakana prolonged mark (an IME slip), minus sign, and the slash some bureaus use.
_DASHES = "-‐‑‒–—―─━ー−/"
_DASH_ONLY = re.compile(f"[{re.escape(_DASHES)}]+")
_SPACES = re.compile(r"\s+")
# Bounded patterns: digits with optional thousands groups, or plain digits; optional fraction.
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?|\.(\d+)")
_MAX_TEXT = 64  # longer text is never a number; refuse before any regex work


def normalize_text(text: str) -> str:
    """NFKC (full-width to half-width, ideographic space to space), then drop all whitespace.

    Used for every comparison of labels, headers and codes: ``功能分类科 目编码`` and
    ``功能分类科目编码`` are the same header; ``（一）`` and ``(一)`` the same label.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def is_dash(raw: object) -> bool:
    """True if the cell holds only a dash (the templates' 'not applicable' mark)."""
    return isinstance(raw, str) and bool(_DASH_ONLY.fullmatch(normalize_text(raw)))


def parse_number(raw: object, decimals: int | None = None) -> Amount | None:
    """Parse one cell's raw value into an :class:`Amount`, or ``None`` for no value.

    ``raw`` is what a reader returns: ``None``, ``int``, ``float``, ``Decimal`` or ``str``.
    ``decimals`` is the stated precision (from the layout); without it the precision is the number of
    decimal places as written. With it, a value written with fewer places is shown to that precision
    (``35`` in a 万元 column is ``35.00``; the value is the same). Booleans and dates are not numbers.
    """
    amount = _parse(raw, decimals)
    if amount is not None and amount.value and amount.value.adjusted() >= MAX_INTEGER_DIGITS:
        raise AmountOutOfRange(raw.strip() if isinstance(raw, str) else _shown(raw))
    if amount is not None and decimals is not None and decimals > 0:
        exponent = amount.value.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -decimals:
            amount = Amount(amount.value.quantize(Decimal(1).scaleb(-decimals)), amount.decimals, amount.percent)
    return amount


def _parse(raw: object, decimals: int | None) -> Amount | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberFormatError(str(raw))
    if isinstance(raw, int):
        return Amount(Decimal(raw), 0 if decimals is None else decimals)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise AmountOutOfRange(repr(raw))
        value = Decimal(repr(raw))
        return Amount(value, _written_decimals(value) if decimals is None else decimals)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise AmountOutOfRange(str(raw))
        return Amount(raw, _written_decimals(raw) if decimals is None else decimals)
    if isinstance(raw, str):
        return _parse_text(raw, decimals)
    raise NumberFormatError(str(raw))


def _shown(raw: object) -> str:
    text = repr(raw) if isinstance(raw, float) else str(raw)
    return text if len(text) <= 24 else f"{Decimal(text):.6E}" if isinstance(raw, (int, Decimal)) else text[:24] + "…"


def _written_decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _parse_text(raw: str, decimals: int | None) -> Amount | None:
    if len(raw) > _MAX_TEXT:
        raise NumberFormatError(raw[:_MAX_TEXT] + "…")
    text = normalize_text(raw).replace("，", ",")
    if not text or _DASH_ONLY.fullmatch(text):
        return None
    body, negative, percent = text, False, False
    if body.endswith("%"):
        body, percent = body[:-1], True
    if body.startswith("(") and body.endswith(")"):
        body, negative = body[1:-1], True
    if body and body[0] in "+-−":  # ("" is "in" every string: guard the empty body of "%" or "()")
        if negative:
            raise NumberFormatError(raw)
        negative, body = body[0] in "-−", body[1:]
    match = _NUMBER.fullmatch(body)
    if not match:
        raise NumberFormatError(raw)
    try:
        value = Decimal(body.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise NumberFormatError(raw) from None
    if negative:
        value = -value
    fraction = match.group(1) or match.group(2) or ""
    return Amount(value, len(fraction) if decimals is None else decimals, percent)


def fmt(value: Decimal | None) -> str:
    """A Decimal as finance staff read it: thousands separators, at least two decimals."""
    if value is None:
        return "（空）"
    exponent = value.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    return f"{value:,.{places}f}"
