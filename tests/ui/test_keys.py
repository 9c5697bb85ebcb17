"""The key table: made from the bindings, the same in the help screen and the README."""

from __future__ import annotations

import os
import re

from textual.binding import Binding
from textual.widgets import Markdown

from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.keys import key_rows
from tuiconc.ui.screens.help import HelpScreen

from appkit import MACHINE, FixedSampler

README = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "README.md")


def test_every_key_has_words_for_the_help():
    assert all(binding.tooltip for binding in TuiconcApp.BINDINGS)
    from tuiconc.ui.screens.explorer import ExplorerScreen

    assert all(binding.tooltip for binding in ExplorerScreen.BINDINGS)


def test_keys_that_do_the_same_share_a_row_and_aliases_read_as_people_type_them():
    same = [Binding(str(i), f"lane({i})", tooltip="turn a lane on or off") for i in range(1, 10)]
    rows = key_rows([*same, Binding("plus,equals_sign", "more", tooltip="more"),
                     Binding("c,escape", "cancel", tooltip="cancel")])
    assert rows == [("`1`–`9`", "turn a lane on or off"), ("`+`", "more"), ("`c` or `Esc`", "cancel")]


def test_the_readme_shows_the_keys_the_app_has():
    readme = open(README).read()
    table = re.search(r"<!-- keys[^>]*-->\n(.*?)\n<!-- /keys -->", readme, re.S).group(1)
    assert table == TuiconcApp.key_table(), "README's key table is stale: paste TuiconcApp.key_table() there"


async def test_the_help_screen_shows_the_same_table():
    app = TuiconcApp(sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        markdown = app.screen.query_one(Markdown)
        assert "| `1`–`9` | turn a lane on or off" in markdown.source
        assert TuiconcApp.key_table() in markdown.source
