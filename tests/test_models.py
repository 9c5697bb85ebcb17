from tuiconc.engine.config import RaceConfig
from tuiconc.teach.execution_models import MODELS, measure, model_of
from tuiconc.engine.race import Race
from tuiconc.runners import RUNNERS


def test_every_runner_belongs_to_one_model():
    for runner in RUNNERS:
        assert sum(runner in model.runners for model in MODELS) == 1, runner


def test_measured_columns_come_from_the_races_run():
    assert all(m.races == 0 and m.startup_s is None for m in measure([]).values())
    state = Race(RaceConfig(workload="countdown", size=3_000_000, workers=2, mode="isolated",
                            runners=("sequential", "threading", "multiprocessing"))).run()
    measured = measure([state])
    assert measured["threading"].races == 1 and measured["asyncio"].races == 0
    assert measured["multiprocessing"].startup_s == state.lane("multiprocessing").startup_s
    assert measured["multiprocessing"].memory_over_sequential_mb == (
        state.lane("multiprocessing").peak_rss_mb - state.lane("sequential").peak_rss_mb)
    assert measured["multiprocessing"].cpu_speedup == state.lane("multiprocessing").speedup
    assert model_of("processpool").name == "multiprocessing"
