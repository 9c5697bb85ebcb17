"""A session of races, as a front end holds it: settings, the lanes turned on, history, the sampler, the race.

Plain Python, no Textual: the app's screens receive one session and draw what it holds, and the
tests drive it without an app. `poll` is the one place a finished race joins the history, so it
does not matter which screen's timer sees the end first.
"""

from __future__ import annotations

import itertools
import os

from pathlib import Path

from tuiconc import tunables
from tuiconc.engine.config import RaceConfig, problems
from tuiconc.engine.race import Race, RaceHandle, RaceState, available_runners, elsewhere_runners
from tuiconc.engine.recording import Recording
from tuiconc.engine.outputs import check_outputs
from tuiconc.engine.replay import ReplayRace, config_from_recording
from tuiconc.engine.sampler import Sampler, SamplerLike
from tuiconc.machine import machine_facts

RESULTS_STEM = "tuiconc-results"
RESULTS_FORMATS = (".json", ".csv", ".md")
RECORDING_STEM, RECORDING_EXTENSION = "tuiconc-last-race", ".recording.json"
LAST_RACE_RECORDING = RECORDING_STEM + RECORDING_EXTENSION


class RaceSession:
    def __init__(self, config: RaceConfig | None = None, sampler: SamplerLike | None = None, machine: dict | None = None,
                 replay: tuple[Recording, float] | None = None):
        self.replaying = replay  # (recording, speed) while the session shows a replay instead of racing live
        if replay is not None:
            config = config_from_recording(replay[0])
        self.config = config or RaceConfig()
        self.sampler: SamplerLike = sampler or Sampler()
        self.machine = machine or machine_facts()
        self.enabled: set[str] = set(self.config.runners)
        self.race: RaceHandle | None = None  # the race running now
        self.shown_race: RaceHandle | None = None  # the last race started, running or not (the timeline's)
        self.last_state: RaceState | None = None
        self.history: list[RaceState] = []

    # -- the settings ------------------------------------------------------------------------
    def lane_names(self) -> list[str]:
        """The lanes: the runners this Python can run, then those given another Python that can (keys 1-9)."""
        if self.config.lab:
            return [spec.name for spec in self.config.lane_specs()]
        here = available_runners()
        elsewhere = {lane for lane, _ in self.config.pythons}
        return here + [name for name in elsewhere_runners() if name in elsewhere]

    def enabled_runners(self) -> list[str]:
        return [name for name in self.lane_names() if name in self.enabled]

    def shown_enabled(self) -> set[str]:
        """The lanes drawn as on: a lab's are fixed, the mistake and its fix."""
        return set(self.lane_names()) if self.config.lab else self.enabled

    def race_config(self) -> RaceConfig:
        if self.config.lab:
            return self.config
        return self.config.with_changes(runners=tuple(self.enabled_runners()))

    def problems(self) -> dict[str, str]:
        return problems(self.race_config())

    def apply(self, config: RaceConfig) -> bool:
        """New settings; True when they end a replay (races are live again from now on)."""
        ended_replay = self.replaying is not None
        self.replaying = None
        self.config = config
        return ended_replay

    # -- the race ----------------------------------------------------------------------------
    @property
    def racing(self) -> bool:
        return self.race is not None and not self.race.done

    def start(self, config: RaceConfig | None = None) -> RaceHandle:
        """Start a race (or the replay being shown), ending any race still running."""
        self.stop(wait=False)
        if self.replaying is not None:
            race: RaceHandle = ReplayRace(*self.replaying)
        else:
            race = Race(config or self.race_config(), sampler=self.sampler)
        self.race = self.shown_race = race.start()
        self.last_state = race.snapshot()
        return race

    def poll(self) -> RaceState | None:
        """The running race's latest state. A race that has ended is let go, and a finished one recorded."""
        race = self.race
        if race is None:
            return None
        state = race.snapshot()
        self.last_state = state
        if race.done:
            self.race = None
            if state.status == "finished":
                self.history.append(state)
        return state

    def cancel(self) -> None:
        """End the running race's every lane process and wait for them (call it off the UI thread)."""
        race = self.race
        if race is not None and not race.done:
            race.cancel()

    def stop(self, wait: bool) -> None:
        """End the running race's every lane process, if a race runs; with wait, once they are gone."""
        race = self.race
        if race is not None and not race.done:
            race.cancel(wait=wait)

    def close(self) -> None:
        self.stop(wait=True)
        self.sampler.stop()

    def busy_warning(self) -> str | None:
        """Before a race: other programs busy enough to disturb it (the last RECENT_S seconds), in words."""
        if self.racing or self.replaying is not None:
            return None
        others = self.sampler.snapshot().others_cores
        if others <= tunables.BUSY_MACHINE_CORES:
            return None
        return f"busy machine: other programs use {others:.1f} of {self.machine['usable_cpus']} CPUs"

    def cores_sampler(self) -> SamplerLike:
        """The sampler whose readings belong with what is shown: a replay's own, else this machine's."""
        return self.race.sampler if self.race is not None else self.sampler

    # -- saving ------------------------------------------------------------------------------
    def export_paths(self, folder: str) -> dict[str, str]:
        """What `export` writes in this folder, each name with its path: tuiconc-results.*, or where any of those
        names is taken, tuiconc-results-2.*, -3.*… (the recording numbered alike): never over an earlier export."""
        recording = self._last_finished_race() is not None  # asked once: it copies the race's state
        for number in itertools.count(1):
            suffix = "" if number == 1 else f"-{number}"
            names = [f"{RESULTS_STEM}{suffix}{extension}" for extension in RESULTS_FORMATS]
            if recording:
                names.append(f"{RECORDING_STEM}{suffix}{RECORDING_EXTENSION}")
            paths = {name: str(Path(folder) / name) for name in names}
            if not any(os.path.lexists(path) for path in paths.values()):
                return paths
        raise AssertionError("unreachable")

    def export_problem(self, folder: str) -> str | None:
        """Why `export` could not write every file in this folder, or None: asked before writing any."""
        return check_outputs(self.export_paths(folder))

    def export(self, folder: str) -> str:
        """The history as JSON, CSV and Markdown, and the last finished race as a recording; what was saved.

        Each file is written whole or not at all; OutputError names the first that could not be."""
        from tuiconc.engine.export import save as save_results  # imported when first used: start-up stays short

        paths = list(self.export_paths(folder).values())
        for path in paths[:len(RESULTS_FORMATS)]:
            save_results(self.history, path)
        races = f"{len(self.history)} race{'s' if len(self.history) != 1 else ''}"
        saved = f"Saved {races} as {paths[0]}, {', '.join(Path(path).suffix for path in paths[1:len(RESULTS_FORMATS)])}"
        race = self._last_finished_race()
        if race is not None and len(paths) > len(RESULTS_FORMATS):
            race.recording().save(paths[-1])
            saved += f", and the last race as {paths[-1]} (tuiconc replay FILE)"
        return saved

    def _last_finished_race(self) -> RaceHandle | None:
        race = self.shown_race
        return race if race is not None and race.done and race.snapshot().status == "finished" else None
