"""Screenshots of the real app in its main states, for README.md: `python scripts/screenshots.py`.

Each is the app itself, driven by Textual's Pilot through real races on this machine, saved
as SVG in screenshots/. Run it on a quiet machine: the figures are measured, not staged.
"""

from __future__ import annotations

import asyncio
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tuiconc.engine.config import RaceConfig  # noqa: E402
from tuiconc.teach.talk import load_talk  # noqa: E402
from tuiconc.ui.app import TuiconcApp  # noqa: E402

OUT = os.path.join(ROOT, "screenshots")
SIZE = (120, 40)
CPU = RaceConfig(workload="primes", size=2_000_000, workers=4, mode="together",
                 runners=("sequential", "threading", "asyncio", "multiprocessing", "processpool"))
IO = RaceConfig(workload="http", size=200, workers=100, latency_ms=50,
                runners=("sequential", "threading", "asyncio", "multiprocessing"))
OWN_CODE = RaceConfig(workload=os.path.join(ROOT, "examples", "sqlite_queries.py") + ":query", size=200, workers=2,
                      runners=("sequential", "threading", "asyncio", "multiprocessing"))
TIMELINE = RaceConfig(workload="primes", size=1_000_000, workers=4, mode="isolated",
                      runners=("threading", "multiprocessing"))
GIL = RaceConfig(workload="primes", size=600_000, workers=4, mode="isolated",
                 runners=("sequential", "threading", "multiprocessing"))


async def until(pilot, predicate, timeout: float = 300) -> None:
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return
        await pilot.pause(0.1)
    raise RuntimeError("the app did not get there in time")


async def finished(pilot, timeout: float = 300) -> None:
    """Until the race has finished; a race other programs disturbed is not one to show people."""
    app = pilot.app
    await until(pilot, lambda: app.session.history, timeout)
    disturbed = app.session.history[-1].disturbed
    if disturbed:
        raise SystemExit(f"screenshots: not saved, the race was disturbed ({disturbed}): re-run on a quieter machine")


async def shoot(app: TuiconcApp, name: str) -> None:
    app.save_screenshot(f"{name}.svg", OUT)
    print(f"screenshots/{name}.svg")


async def race_and_shoot(pilot, name: str, keys: tuple[str, ...] = ("r",), timeout: float = 300) -> None:
    """Press the keys that start a race, and save the screen once it has finished and drawn."""
    await pilot.press(*keys)
    await finished(pilot, timeout)
    await pilot.pause(0.5)
    await shoot(pilot.app, name)


async def gil_waits() -> None:
    """Four threads waiting for the GIL beside four processes that don't: the lanes, the table, the timeline."""
    app = TuiconcApp(GIL)
    async with app.run_test(size=SIZE) as pilot:
        await race_and_shoot(pilot, "gil-waits")
        await pilot.press("t", "z", "z", "z")
        app.clear_notifications()
        await pilot.pause(0.5)
        await shoot(app, "gil-waits-timeline")
        await pilot.press("q")


async def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:] == ["gil-waits"]:  # one scene alone: python scripts/screenshots.py gil-waits
        await gil_waits()
        return
    app = TuiconcApp(CPU)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.5)  # the cores pane fills its history
        await shoot(app, "idle")
        await pilot.press("r")
        await until(pilot, lambda: app.session.last_state and any(lane.fraction > 0.4 for lane in app.session.last_state.lanes))
        await shoot(app, "cpu-race-running")
        # Together is the show; the figures worth keeping come from isolated lanes, each alone.
        await pilot.press("c")
        await until(pilot, lambda: app.session.race is None)
        await race_and_shoot(pilot, "cpu-race-finished", ("m", "r"))
        await pilot.press("q")

    app = TuiconcApp(IO)
    async with app.run_test(size=SIZE) as pilot:
        await race_and_shoot(pilot, "io-race-finished")
        await pilot.press("e")
        await pilot.pause(0.5)
        for _ in range(len(app.screen.lessons)):
            await pilot.press("right")
        await pilot.pause(0.5)
        await shoot(app, "explain-models")
        await pilot.press("escape", "q")

    app = TuiconcApp(OWN_CODE)  # the app lists the function it was started on under Your code
    async with app.run_test(size=SIZE) as pilot:
        await race_and_shoot(pilot, "own-code")
        await pilot.press("q")

    app = TuiconcApp(TIMELINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "r")
        await finished(pilot)
        await pilot.press("z", "z", "z")  # whole race → 1 s → 200 ms → 50 ms
        await pilot.pause(0.5)
        await shoot(app, "timeline-threads-vs-processes")
        await pilot.press("q")

    await gil_waits()

    app = TuiconcApp(talk=load_talk())
    async with app.run_test(size=SIZE) as pilot:
        await race_and_shoot(pilot, "talk", ("n", "r"), timeout=120)
        await pilot.press("q")


if __name__ == "__main__":
    asyncio.run(main())
