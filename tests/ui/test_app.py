"""The app driven from the keyboard by Textual's Pilot: every key, bad settings, real races."""

from __future__ import annotations

import gc
from collections import Counter
import tracemalloc

import psutil
import pytest
from textual.widgets import DataTable, Input, Label

from tuiconc.engine.config import RaceConfig
from tuiconc.machine import start_methods
from tuiconc.engine.recording import load
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.explain import ExplainScreen
from tuiconc.ui.screens.help import HelpScreen
from tuiconc.ui.screens.prompt import PromptScreen
from tuiconc.ui.widgets.race_pane import RacePane
from tuiconc.ui.widgets.picker import choices

from conftest import descendants
from appkit import FixedSampler, wait_for

QUICK = RaceConfig(workload="primes", size=30_000, workers=2, runners=("sequential", "threading", "multiprocessing"))
LONG = QUICK.with_changes(size=50_000_000)


def problem(app, field: str) -> str:
    label = app.screen.query_one(f"#problem-{field}", Label)
    return "" if label.has_class("-hidden") else str(label.render())


async def test_a_race_runs_to_completion_and_fills_the_results():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        assert app.session.race is not None
        await wait_for(pilot, lambda: app.session.history)
        state = app.session.history[-1]
        assert state.status == "finished" and {lane.name for lane in state.lanes} == set(QUICK.runners)
        assert all(lane.correct for lane in state.lanes)
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == len(QUICK.runners)
        assert "isolated" in str(table.get_row_at(0)[0])
        assert state.verdict  # the verdict line names the winner


async def test_cancelling_mid_race_ends_every_lane_process():
    app = TuiconcApp(LONG.with_changes(mode="together"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: len(descendants()) >= 3)
        await pilot.press("c")
        await wait_for(pilot, lambda: not descendants(), timeout=5)
        await wait_for(pilot, lambda: app.session.race is None)
        assert app.session.last_state.status == "cancelled" and not app.session.history


async def test_quitting_during_a_race_leaves_no_process():
    app = TuiconcApp(LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: descendants())
        await pilot.press("q")
    assert not [p for p in descendants() if p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("key,field,expected", [
    ("plus", "workers", 8), ("minus", "workers", 2),
    ("right_square_bracket", "effective_size", 60_000), ("left_square_bracket", "effective_size", 15_000),
    ("right_curly_bracket", "effective_size", 300_000), ("left_curly_bracket", "effective_size", 3_000),
])
async def test_keys_change_workers_and_size(key, field, expected):
    app = TuiconcApp(QUICK.with_changes(workers=4))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        assert getattr(app.session.config, field) == expected
        shown = app.screen.query_one("#input-workers" if field == "workers" else "#input-size", Input).value
        assert shown == f"{expected:,}"


async def test_mode_and_start_method_keys_cycle_and_show():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        assert app.session.config.mode == "together"
        assert "together" in str(app.screen.query_one("#choice-mode", Label).render())
        assert "together" in str(app.screen.query_one("#status", Label).render())
        methods = start_methods()
        before = app.session.config.start_method
        await pilot.press("s")
        assert app.session.config.start_method == methods[(methods.index(before) + 1) % len(methods)]


async def test_next_and_previous_workload():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        options = choices()
        await pilot.press("n")
        assert app.screen.choice == options[options.index("primes") + 1]
        await pilot.press("p", "p")
        assert app.screen.choice == options[options.index("primes") - 1]
        # the lab list is reached the same way, and a lab's lanes replace the runners
        for _ in range(len(options)):
            if app.session.config.lab:
                break
            await pilot.press("n")
        assert app.session.config.lab and app.screen.query_one(RacePane).names == app.session.lane_names()


async def test_number_keys_toggle_lanes_and_a_race_leaves_them_out():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        names = app.session.lane_names()
        await pilot.press("2")
        assert names[1] not in app.session.enabled
        assert not app.screen.query_one(RacePane).enabled(names[1])
        await pilot.press("2")
        assert names[1] in app.session.enabled
        for index in range(len(names)):
            if names[index] in app.session.enabled - {"sequential", "threading"}:
                await pilot.press(str(index + 1))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        assert {lane.name for lane in app.session.history[-1].lanes} == {"sequential", "threading"}


@pytest.mark.parametrize("field,typed,message", [
    ("size", "abc", "expected a whole number"),
    ("size", "0", "size must be at least 1"),
    ("size", "1e30", "too large"),
    ("workers", "0", "workers must be at least 1"),
    ("workers", "100000", "the cap is 10,000"),
    ("workers", "four", "expected a whole number"),
])
async def test_bad_settings_typed_show_inline_and_start_no_race(field, typed, message):
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(f"#input-{field}", Input)
        box.focus()
        await pilot.press("ctrl+a", "backspace", *typed)  # ctrl+a: select all
        box.value = typed  # whatever the line editor did with the keys, this is what was typed
        await pilot.pause(0.1)
        assert message in problem(app, field)
        app.set_focus(None)
        await pilot.press("r")
        assert app.session.race is None and not descendants()


async def test_a_latency_out_of_range_is_refused_for_io_workloads():
    app = TuiconcApp(QUICK.with_changes(workload="sleep", size=None))
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#input-latency_ms", Input).value = "-3"
        await pilot.pause(0.1)
        assert "whole number" in problem(app, "latency_ms") or "latency must be" in problem(app, "latency_ms")
        app.set_focus(None)
        await pilot.press("r")
        assert app.session.race is None


async def test_timeline_and_zoom_keys():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one("#timeline-pane")
        assert not pane.display
        await pilot.press("t")
        assert pane.display
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        await pilot.pause(0.3)
        drawn = str(app.screen.query_one("#timeline").render())
        assert "threading" in drawn and "multiprocessing" in drawn and "process 0" in drawn, drawn
        zoom = app.screen.query_one("#timeline").zoom
        await pilot.press("z")
        assert app.screen.query_one("#timeline").zoom != zoom
        await pilot.press("t")
        assert not pane.display


async def test_help_opens_and_closes():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_explain_races_a_lesson_and_the_models_table_fills_from_it():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("+")  # the main screen's keys are inert here
        assert app.session.config.workers == QUICK.workers
        for _ in range(len(app.screen.lessons)):
            await pilot.press("right")
        await pilot.pause(0.1)
        row = app.screen.query_one("#models-table", DataTable).get_row_at(3)  # multiprocessing
        assert row[0] == "multiprocessing" and row[2] != "—"  # its start-up was measured by the race above
        await pilot.press("left", "left", "left", "left")  # back to the hybrid lesson
        await pilot.press("r")
        assert not isinstance(app.screen, ExplainScreen)
        assert app.session.config.workload == "fetch-and-crunch" and app.session.race is not None
        assert "hybrid" in {lane.name for lane in app.session.race.snapshot().lanes}
        await pilot.press("c")
        await wait_for(pilot, lambda: not descendants(), timeout=5)


async def test_contrast_key_switches_theme():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        before = app.theme
        await pilot.press("h")
        assert app.theme == "high-contrast" != before
        await pilot.press("h")
        assert app.theme != "high-contrast"


async def test_screenshot_is_saved_in_the_folder_typed(tmp_path):
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = str(tmp_path / "missing")
        await pilot.press("enter")
        assert isinstance(app.screen, PromptScreen)  # not a folder: said inline, still asking
        assert "is not a folder" in str(app.screen.query_one(".problem", Label).render())
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause(0.2)
    saved = list(tmp_path.glob("*.svg"))
    assert len(saved) == 1 and "<svg" in saved[0].read_text()[:2000]


async def test_results_export_needs_a_race_then_saves_three_formats(tmp_path):
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        assert not isinstance(app.screen, PromptScreen)  # nothing to save yet: a warning instead
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        await pilot.press("x")
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause(0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tuiconc-last-race.recording.json", "tuiconc-results.csv",
                                                          "tuiconc-results.json", "tuiconc-results.md"]
    assert load(str(tmp_path / "tuiconc-last-race.recording.json")).lanes  # it replays


async def test_every_key_action_is_in_the_command_palette():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for binding in TuiconcApp.BINDINGS:
            assert binding.description in titles or binding.action == "quit"


async def test_a_terminal_too_small_says_so():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause(0.1)
        message = str(app.screen.query_one("#too-small", Label).render())
        assert "60×20" in message and "80×24" in message
        assert not app.screen.query_one("#main").display
        await pilot.press("r")  # nothing of a race would show: no race starts behind the message
        assert app.session.race is None


def live_objects() -> Counter:
    """How many objects of each of the app's own classes (its widgets among them) are alive."""
    return Counter(type(o).__qualname__ for o in gc.get_objects()
                   if str(vars(type(o)).get("__module__", "")).startswith("tuiconc"))


async def test_fifty_cancels_in_the_app_leave_nothing_and_grow_nothing():
    """Memory is counted by what Python still holds after a collection (tracemalloc): the process's
    RSS swings by 100 MB between rounds here with glibc's per-thread arenas, leak or no leak."""
    app = TuiconcApp(LONG)
    me = psutil.Process()
    async with app.run_test(size=(120, 40)) as pilot:
        fds = threads = None
        try:
            for round_number in range(50):
                await pilot.press("r")
                await wait_for(pilot, lambda: descendants())
                await pilot.press("c")
                await wait_for(pilot, lambda: app.session.race is None and not descendants(), timeout=10)
                if round_number == 4:  # after warm-up: imports, the forkserver, caches
                    gc.collect()
                    fds, threads, objects = me.num_fds(), me.num_threads(), live_objects()
                    tracemalloc.start()
            gc.collect()  # the races' garbage is not a leak; what survives a collection would be
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert me.num_fds() <= fds + 2 and me.num_threads() <= threads + 1
        grown = live_objects() - objects  # a sample in flight may differ by one; a leak grows by 45
        assert not [name for name, count in grown.items() if count > 5], grown
        # The history keeps each race's figures (~40 kB here); a lane, a race or a widget left behind is more.
        assert held / 45 < 100_000


async def test_starting_settings_survive_mounting():
    """The command line's workload, size and a lab's mode are what the first race uses."""
    app = TuiconcApp(RaceConfig(workload="countdown", size=1000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        assert (app.session.config.workload, app.session.config.size) == ("countdown", 1000)
        assert app.screen.query_one("#input-size", Input).value == "1,000"


async def test_arrows_in_the_list_pick_a_workload():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#picker").focus()
        await pilot.press("down")
        assert app.session.config.workload == "sum-squares" and app.session.config.size is None  # its own default size


class BusySampler(FixedSampler):
    """Other programs hold 1.3 CPUs, as the sampler would measure beside a busy browser."""

    def snapshot(self):
        sample = super().snapshot()
        sample.others_cores = 1.3
        return sample


async def test_a_busy_machine_is_named_in_the_status_line_before_a_race():
    app = TuiconcApp(QUICK, sampler=BusySampler())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "busy machine" in str(app.screen.query_one("#status", Label).render()))
        status = app.screen.query_one("#status", Label)
        assert "other programs use 1.3 of" in str(status.render()) and status.has_class("-busy")


async def test_a_quiet_machine_gets_no_warning():
    app = TuiconcApp(QUICK, sampler=FixedSampler())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        status = app.screen.query_one("#status", Label)
        assert "busy machine" not in str(status.render()) and not status.has_class("-busy")


async def test_the_app_flags_a_race_run_beside_busy_programs(hogs):
    # Every lane watched for a second or more: a shorter one is too short to judge (engine/disturbance.py).
    app = TuiconcApp(QUICK.with_changes(size=600_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=180)
        state = app.session.history[-1]
        assert state.disturbed and state.verdict.startswith("Figures disturbed:")
        assert "Figures disturbed" in app.screen.query_one(RacePane).verdict  # what the race pane draws


async def test_runs_typed_in_the_settings_repeat_the_race_and_show_in_the_results():
    app = TuiconcApp(QUICK.with_changes(runners=("sequential", "threading")))
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one("#input-repeat", Input)
        app.set_focus(box)
        box.value = "0"
        await pilot.pause(0.2)
        assert "repeat must be from 1" in problem(app, "repeat")
        box.value = "3"
        await pilot.pause(0.2)
        assert not problem(app, "repeat") and app.session.config.repeat == 3
        app.set_focus(None)
        assert "3 runs" in str(app.screen.query_one("#status", Label).render())
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        state = app.session.history[-1]
        assert state.repeat == 3 and all(lane.runs == 3 for lane in state.lanes)
        table = app.screen.query_one("#results", DataTable)
        assert str(table.get_row_at(1)[0]) == "3 runs"
        assert "range" in [str(column.label) for column in table.columns.values()]


async def test_choosing_other_work_clears_the_last_races_verdict_and_places():
    app = TuiconcApp(QUICK.with_changes(runners=("sequential", "threading")))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        await pilot.pause(0.3)
        pane = app.screen.query_one(RacePane)
        assert pane.verdict
        await pilot.press("n")  # the next workload
        await pilot.pause(0.3)
        assert app.session.config.workload != "primes"
        assert pane.verdict == "" and not pane.advice
        assert all(line.place is None for line in pane.lines)
