"""Every key and every pane, explained: the in-app help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

HELP = """\
# tuiconc — help

Race the same workload under different execution models and watch what happens.
**Concurrency** is dealing with many tasks at once (they interleave; one core can do it).
**Parallelism** is doing many at once (several cores). In CPython the GIL lets one thread
run Python code at a time, so threads give concurrency but not parallelism on pure-Python
work; processes give parallelism at the cost of start-up and memory.

## Keys

| key | action |
|---|---|
| `r` | start the race (again) with these settings |
| `c` or `Esc` | cancel the race: every lane process ends within a second |
| `1`–`9` | turn lane 1–9 on or off (the lanes of a pitfall lab are fixed) |
| `+` / `-` | double / halve the workers |
| `]` / `[` | double / halve the size |
| `}` / `{` | size × 10 / ÷ 10 |
| `m` | mode: together (all lanes at once) or isolated (one at a time, honest figures) |
| `s` | next multiprocessing start method (fork, spawn, forkserver) |
| `n` / `p` | next / previous workload; or pick one in the list with the arrows |
| `Tab` | move between the list and the setting boxes (type a size, workers or latency) |
| `t` | show or hide the worker timeline; `z` zooms it (whole race … 50 ms) |
| `e` | explain: the lessons, each with its race, and the execution models measured on this machine |
| `w` | sweep: speedup against 1, 2, 4… workers for multiprocessing (or, with it off, the first lane on), Amdahl's law fitted |
| `x` | save this session's results (JSON, CSV and Markdown) and a recording of the last race |
| `Ctrl+S` | save a screenshot (SVG) in a folder you choose |
| `h` | high-contrast colours (for projectors) |
| `Ctrl+P` | command palette: every action by name |
| `?` or `F1` | this help |
| `q` | quit (any race is cancelled first) |

## Panes

- **Workloads** — what to run, grouped by kind, and the pitfall labs; below, its settings.
  A setting that can't be raced shows why in red and the race key refuses to start.
- **Race** — one lane per runner: progress, elapsed time, and *cores now* (the lane's
  process tree CPU, in cores: four threads on pure Python show about 1.0). When a lane
  ends: its wall time, speedup over sequential, ✓ or ✗ for its answer, and its place.
- **Cores** — every usable CPU with a short history, the total, and each running lane's CPU.
- **Results** — every race of this session, newest first, labelled together or isolated.
  *wall* is the work from first task to last result; *start-up* is launch to first task.

From the command line: `tuiconc talk` presents a talk (scenes of races, `n` next, `r` run,
`o` notes), `tuiconc replay FILE` replays a recorded race here, `tuiconc sweep` and
`tuiconc race` run headless (`--json` for scripts).

Each lane runs in its own process, at lower priority than this window, so the UI stays
responsive while the lanes use every core.

Press `Esc` or `?` to close.
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)
        yield Footer()  # its own: the main screen's footer below lists keys that are inert here
