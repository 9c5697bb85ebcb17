"""Your own code in the app: offered from the command line and a folder, added with a key, raced; the
served app's boundary; the knobs for experiments as setting boxes."""

from __future__ import annotations

import os
import textwrap

import pytest
from textual.widgets import Input, Label

from tuiconc.cli import app_parser, app_settings
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.user_workloads import OwnWorkloads, default_folder
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.add_code import AddCodeScreen, check_typed, complete
from tuiconc.ui.widgets.picker import WorkloadPicker
from tuiconc.ui.widgets.settings import SettingsPanel

from appkit import MACHINE, FixedSampler, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
WORDCOUNT = os.path.join(HERE, "own_code", "wordcount.py")
QUICK = RaceConfig(workers=2, runners=("sequential", "threading", "multiprocessing"))


@pytest.fixture(autouse=True)
def no_default_folder(tmp_path, monkeypatch):
    """A config home of the test's own: the person's ~/.config/tuiconc/workloads is never read here."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def write(path, source: str) -> str:
    path.write_text(textwrap.dedent(source))
    return str(path)


def own_code_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder / "alpha.py", '''
        def first(item):
            """The first of alpha."""
            return item

        def pair(a, b):
            return a
        ''')
    write(folder / "beta.py", '''
        def second(item):
            return item + 1
        ''')
    write(folder / "broken.py", "def oops(item:\n")
    write(folder / "__init__.py", "def not_offered(item):\n    return item\n")
    return folder


def app_from(argv: list[str], **kwargs) -> TuiconcApp:
    """The app as `tuiconc ARGV` builds it (without running `main`, which takes the signals)."""
    args = app_parser().parse_args(argv)
    config, own = app_settings(args, default_folder=not args.served)
    return TuiconcApp(config.with_changes(workers=2), own=own, served=args.served, sampler=FixedSampler(),
                      machine=MACHINE, **kwargs)


def prompts(picker: WorkloadPicker) -> list[str]:
    return [str(option.prompt) for option in picker.options]


def problem(app, field: str) -> str:
    label = app.screen.query_one(f"#problem-{field}", Label)
    return "" if label.has_class("-hidden") else str(label.render())


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- the picker: functions named on the command line and found in folders -----------------------
async def test_the_picker_lists_given_functions_and_a_folders_functions(tmp_path):
    folder = own_code_folder(tmp_path)
    app = app_from(["--workload", f"{WORDCOUNT}:checksum", "--workload", f"{WORDCOUNT}:count_words",
                    "--workloads", str(folder)])
    async with app.run_test(size=(120, 40)) as pilot:
        picker = app.screen.query_one(WorkloadPicker)
        shown = prompts(picker)
        assert "Your code" in shown
        mine = shown[shown.index("Your code") + 1:shown.index("Pitfall labs")]
        assert [label.strip() for label in mine] == ["wordcount.py:checksum", "wordcount.py:count_words",
                                                     "alpha.py:first", "beta.py:second"]
        # the first given is chosen, and its description is its docstring
        assert app.session.config.workload == f"{WORDCOUNT}:checksum"
        assert picker.highlighted_option.id == f"{WORDCOUNT}:checksum"
        description = str(app.screen.query_one(SettingsPanel).query_one(".description").render())
        assert "Sum the digits of item cubed." in description
        # the file that can't be parsed is left out, and the app says so
        assert any("broken.py" in message and "syntax error" in message for message in notifications(app))
        # narrow: the same functions, no headings
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        shown = prompts(picker)
        assert "Your code" not in shown and "alpha.py:first" in shown and "wordcount.py:checksum" in shown
        # n walks into and through your code
        await pilot.press("n")
        assert app.session.config.workload == f"{WORDCOUNT}:count_words"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_no_your_code_heading_without_functions(size):
    app = TuiconcApp(QUICK, sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        shown = prompts(app.screen.query_one(WorkloadPicker))
        assert "Your code" not in shown and not any(".py:" in prompt for prompt in shown)


def test_the_default_folder_is_offered_where_it_exists(tmp_path, monkeypatch):
    assert default_folder() == str(tmp_path / "config" / "tuiconc" / "workloads")
    _, own = app_settings(app_parser().parse_args([]))
    assert own.specs == []  # no such folder: nothing, and no error
    folder = tmp_path / "config" / "tuiconc" / "workloads"
    folder.mkdir(parents=True)
    write(folder / "mine.py", "def mine(item):\n    return item\n")
    _, own = app_settings(app_parser().parse_args([]))
    assert own.specs == [f"{folder}/mine.py:mine"]
    # a served app reads no folder of its own: serve passes what it found when it started
    _, own = app_settings(app_parser().parse_args(["--served"]), default_folder=False)
    assert own.specs == []
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    assert default_folder() == os.path.join(os.path.expanduser("~"), ".config", "tuiconc", "workloads")


# -- the add key --------------------------------------------------------------------------------
async def test_the_add_key_checks_as_you_type_then_adds_selects_and_races(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "fast.py", '''
        """Tiny and quick."""

        def square(item):
            """Square each item."""
            return item * item

        def cube(item):
            return item ** 3
        ''')
    app = TuiconcApp(QUICK, machine=MACHINE)  # the real sampler: this one races
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddCodeScreen)
        box = app.screen.query_one("#spec", Input)
        check = app.screen.query_one("#check", Label)

        await pilot.press(*"fast.py:sq")  # typed: a function that isn't there (yet)
        await wait_for(pilot, lambda: "no function 'sq' in fast.py; its functions: square, cube" in str(check.render()),
                       timeout=10)
        assert check.has_class("-problem")
        await pilot.press("enter")  # refused: still here, the problem shown
        assert isinstance(app.screen, AddCodeScreen)

        box.value = "missing.py:f"
        await wait_for(pilot, lambda: "no such file" in str(check.render()), timeout=10)
        box.value = "fast.py"
        await wait_for(pilot, lambda: "functions in fast.py: square, cube"
                       in str(app.screen.query_one("#functions", Label).render()), timeout=10)

        box.value = "fast.py:sq"
        await wait_for(pilot, lambda: box._suggestion == "fast.py:square", timeout=10)  # the file's functions
        await pilot.press("end", "right")  # at the end of the line, → takes the suggestion
        assert box.value == "fast.py:square"
        await wait_for(pilot, lambda: "✓ Square each item." in str(check.render()), timeout=10)
        await pilot.press("enter")

        spec = f"{tmp_path}/fast.py:square"
        assert not isinstance(app.screen, AddCodeScreen)
        assert app.session.config.workload == spec
        picker = app.screen.query_one(WorkloadPicker)
        assert picker.highlighted_option.id == spec and "  fast.py:square" in prompts(picker)
        assert "Square each item." in str(app.screen.query_one(".description").render())

        size = app.screen.query_one("#input-size", Input)
        size.value = "50"
        await pilot.pause(0.1)
        assert app.session.config.effective_size == 50
        app.set_focus(None)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=60)
        state = app.session.history[-1]
        assert state.status == "finished" and {lane.name for lane in state.lanes} == set(QUICK.runners)
        assert all(lane.status == "finished" and lane.correct for lane in state.lanes), state.lanes


async def test_escape_cancels_the_add_prompt():
    app = TuiconcApp(QUICK, sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#spec", Input).value = f"{WORDCOUNT}:checksum"
        await pilot.press("escape")
        assert not isinstance(app.screen, AddCodeScreen)
        assert app.session.config.workload == "primes" and app.screen.own.specs == []


async def test_an_edited_file_is_read_again_and_r_races_it_as_it_is_now(tmp_path):
    code = write(tmp_path / "edited.py", '''
        def work(item):
            """Before the edit."""
            return item
        ''')
    spec = f"{code}:work"
    app = TuiconcApp(QUICK.with_changes(workload=spec, size=20), own=OwnWorkloads([spec]),
                     sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        description = app.screen.query_one(".description")
        assert "Before the edit." in str(description.render())
        write(tmp_path / "edited.py", '''
            def work(item):
                """After the edit."""
                return item * 2
            ''')
        os.utime(code, ns=(1, 1))  # a new mtime, however quick the edit
        await wait_for(pilot, lambda: "After the edit." in str(description.render()), timeout=10)
        write(tmp_path / "edited.py", "def work(item:\n")  # saved mid-edit: a syntax error
        app.set_focus(None)
        await pilot.press("r")  # the file is read as it is now, not as it was read before
        assert app.session.race is None
        assert "syntax error" in problem(app, "other")


# -- the served app: only the functions the server was started with -------------------------------
async def test_a_served_app_refuses_the_add_key(tmp_path):
    app = app_from(["--served", "--workload", f"{WORDCOUNT}:checksum"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, AddCodeScreen)
        assert any("served to a browser" in message for message in notifications(app))
        assert not app.screen.query_one("#picker").border_subtitle  # no "a: add your code" hint
        # nor through the command palette: the same action, refused the same way
        await app.screen.run_action("add_code")
        assert not isinstance(app.screen, AddCodeScreen)
        assert app.screen.own.specs == [f"{WORDCOUNT}:checksum"]


# -- the knobs for experiments -------------------------------------------------------------------
@pytest.mark.parametrize("field,typed,value,message", [
    ("items_per_task", "3", 3, ""),
    ("items_per_task", "1,000", 1000, ""),
    ("items_per_task", "", None, ""),
    ("items_per_task", "0", 0, "items per task must be from 1"),
    ("items_per_task", "lots", None, "items per task: expected a whole number"),
    ("switch_interval_ms", "0.5", 0.5, ""),
    ("switch_interval_ms", "", None, ""),
    ("switch_interval_ms", "5000", 5000.0, "the switch interval must be from"),
    ("switch_interval_ms", "fast", None, "switch interval: expected milliseconds"),
])
async def test_the_knob_boxes_change_the_race_config(field, typed, value, message):
    app = TuiconcApp(QUICK.with_changes(items_per_task=7, switch_interval_ms=2.0), sampler=FixedSampler(),
                     machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(f"#input-{field}", Input)
        assert box.value == {"items_per_task": "7", "switch_interval_ms": "2"}[field]
        box.focus()
        box.value = typed
        await pilot.pause(0.1)
        assert message in problem(app, field) if message else not problem(app, field)
        if "expected" not in message:
            assert getattr(app.session.config, field) == value
            assert getattr(app.session.race_config(), field) == value
        if message:
            app.set_focus(None)
            await pilot.press("r")
            assert app.session.race is None


async def test_the_knobs_show_on_a_narrow_screen_only_once_set():
    app = TuiconcApp(QUICK, sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        assert not app.screen.query_one("#row-items_per_task").display
    app = TuiconcApp(QUICK.with_changes(items_per_task=1), sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        assert app.screen.query_one("#row-items_per_task").display
        assert not app.screen.query_one("#row-switch_interval_ms").display


# -- what the prompt checks and completes, without the app ----------------------------------------
def test_check_typed_and_complete(tmp_path):
    write(tmp_path / "mycode.py", "def one(item):\n    return item\n\ndef other(item):\n    return item\n")
    (tmp_path / "sub").mkdir()
    cwd = str(tmp_path)
    assert check_typed("", cwd).problem == ""
    assert check_typed("mycode.py:one", cwd).spec == f"{tmp_path}/mycode.py:one"
    assert check_typed("mycode.py", cwd).functions == ("one", "other")
    assert "no function 'two'" in check_typed("mycode.py:two", cwd).problem
    assert complete("myc", cwd) == "mycode.py"
    assert complete("su", cwd) == "sub/"
    assert complete("mycode.py", cwd) == "mycode.py:one"
    assert complete("mycode.py:ot", cwd) == "mycode.py:other"
    assert complete("mycode.py:one", cwd) is None
    assert complete("nothing", cwd) is None
