"""How figures read, the same in the CLI and the app."""

from __future__ import annotations

import decimal

DASH = "—"
MAX_DIGITS = 100  # whole numbers with more digits than this are refused before being written out


def seconds(value: float | None) -> str:
    if value is None:
        return DASH
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 100:
        return f"{value:.2f} s"
    return f"{value:.0f} s"


def seconds_range(low: float | None, high: float | None) -> str:
    """Two times in one unit, the unit of the larger: "12–14 ms", "1.21–1.35 s"."""
    if low is None or high is None:
        return DASH
    if high < 1:
        return f"{low * 1000:.0f}–{high * 1000:.0f} ms"
    if high < 100:
        return f"{low:.2f}–{high:.2f} s"
    return f"{low:.0f}–{high:.0f} s"


def ratio(value: float | None, suffix: str = "×") -> str:
    return DASH if value is None else f"{value:.2f}{suffix}"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.0f}%"


def megabytes(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f} MB"


def count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def correct_mark(correct: bool | None) -> str:
    return {True: "✓", False: "✗", None: DASH}[correct]


def place(value: int | None) -> str:
    if value is None:
        return ""
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(value, f"{value}th")


def whole_number(text: str) -> int:
    """`20_000`, `20,000`, `2e4` → 20000; anything else raises ValueError with a sentence for people."""
    cleaned = text.replace("_", "").replace(",", "").strip()
    if not cleaned.isascii():  # Decimal takes "１２" and "١٢" as 12: a size is typed in ASCII digits
        raise ValueError(f"expected a whole number in ASCII digits, got {text!r}")
    try:
        value = decimal.Decimal(cleaned)  # exact: 1e30 is 10**30, not the float nearest to it
    except decimal.InvalidOperation:
        raise ValueError(f"expected a whole number, got {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"expected a whole number, got {text!r}")
    if value.adjusted() > MAX_DIGITS:  # 1e999999999 would take the machine's memory to write out
        raise ValueError(f"{text!r} is far too large a number")
    return int(value)
