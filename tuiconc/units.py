"""How figures read, the same in the CLI and the app."""

from __future__ import annotations

DASH = "—"


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
    try:
        value = float(cleaned) if any(c in cleaned.lower() for c in ".e") else int(cleaned)
    except ValueError:
        raise ValueError(f"expected a whole number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")) or int(value) != value:
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(value)
