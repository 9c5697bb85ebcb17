"""Figures in large type: sizes at each scale, the half-block drawing, and how a talk lane picks its scale."""

from tuiconc.render.big_font import big_lines, pixel_width, rows_at, width_at
from tuiconc.ui.widgets.talk_lane import WIDEST, choose_scale, lane_rows


def test_a_digit_is_three_pixels_wide_and_five_tall_in_half_blocks():
    assert big_lines("8", 1) == ["█▀█", "█▀█", "▀▀▀"]
    assert big_lines("1", 2) == ["  ██  ", "████  ", "  ██  ", "  ██  ", "██████"]
    assert rows_at(1) == 3 and rows_at(2) == 5 and rows_at(3) == 8


def test_widths_count_glyphs_and_the_gaps_between_them():
    assert pixel_width("4.70 s") == 3 + 1 + 3 + 3 + 1 + 3 + 5
    assert width_at("1.62×", 3) == pixel_width("1.62×") * 3
    assert all(len(line) == width_at("980 ms", 2) for line in big_lines("980 ms", 2))


def test_text_without_a_glyph_is_drawn_as_it_is():
    assert big_lines("failed", 2) == ["failed"] and width_at("failed", 2) == 6


def test_the_scale_grows_with_the_screen_and_shrinks_with_more_lanes():
    assert choose_scale(76, 12, 2, WIDEST) == 1  # 80×24, two lanes
    assert choose_scale(116, 27, 2, WIDEST) == 2  # 120×40
    assert choose_scale(196, 47, 2, WIDEST) == 3  # 200×60
    assert choose_scale(196, 40, 4, WIDEST) == 2  # the hybrid scene's four lanes
    assert choose_scale(76, 9, 4, WIDEST) == 0  # too little room: plain text, one row a figure
    assert 2 * lane_rows(1) - 1 <= 12
