"""Figures in large type for a projector: a 3×5 pixel font drawn with half blocks, at any whole scale.

A terminal cell is about twice as tall as it is wide, so a half block (▀ ▄) is a square pixel:
at scale 1 a digit is 3 cells wide and 3 rows tall, at scale s it is 3s wide and ⌈5s/2⌉ tall.
Plain strings only, so the app and anything else can draw them.
"""

from __future__ import annotations

import math

ROWS = 5  # pixel rows of every glyph
GAP = 1  # pixel columns between glyphs

GLYPHS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ".": (".", ".", ".", ".", "#"),
    ",": (".", ".", ".", "#", "#"),
    " ": (".", ".", ".", ".", "."),
    "s": (".##", "#..", ".#.", "..#", "##."),
    "m": (".....", "##.#.", "#.#.#", "#.#.#", "#.#.#"),
    "×": ("...", "#.#", ".#.", "#.#", "..."),
    "—": ("...", "...", "###", "...", "..."),
    "-": ("...", "...", "###", "...", "..."),
}
FULL, EMPTY = "█", " "
HALVES = {(False, False): EMPTY, (True, False): "▀", (False, True): "▄", (True, True): FULL}


def drawable(text: str) -> bool:
    return bool(text) and all(char in GLYPHS for char in text)


def pixel_width(text: str) -> int:
    return sum(len(GLYPHS[char][0]) for char in text) + GAP * (len(text) - 1) if text else 0


def rows_at(scale: int) -> int:
    """How many terminal rows a line of big text takes at this scale (1 at scale 0: plain text)."""
    return math.ceil(ROWS * scale / 2) if scale else 1


def width_at(text: str, scale: int) -> int:
    """How many terminal columns `text` takes at this scale (its own length at scale 0)."""
    return pixel_width(text) * scale if scale and drawable(text) else len(text)


def big_lines(text: str, scale: int) -> list[str]:
    """`text` drawn at `scale` (≥ 1), one string per terminal row; the text itself if a glyph is missing."""
    if scale < 1 or not drawable(text):
        return [text]
    pixels = [[] for _ in range(ROWS)]
    for index, char in enumerate(text):
        for row, glyph_row in enumerate(GLYPHS[char]):
            pixels[row] += [cell == "#" for cell in glyph_row] + ([False] * GAP if index < len(text) - 1 else [])
    scaled = [[cell for cell in row for _ in range(scale)] for row in pixels for _ in range(scale)]
    if len(scaled) % 2:
        scaled.append([False] * len(scaled[0]))
    return ["".join(HALVES[pair] for pair in zip(top, bottom)) for top, bottom in zip(scaled[::2], scaled[1::2])]
