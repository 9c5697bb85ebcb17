"""The recommendation: what to use and with which settings, decided from the lanes' figures only."""

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import Race, RaceState, derive_figures
from tuiconc.engine.recommend import Recommendation, recommend
from tuiconc.engine.verdict import classify


def lane(runner, wall_s, cores, workers=4, startup_s=0.05, rss=20.0, total=100_000, **fields):
    return LaneState(runner, status="finished", correct=True, wall_s=wall_s, cpu_s=wall_s * cores, cores=cores,
                     workers=workers, startup_s=startup_s, peak_rss_mb=rss, total=total, finished_at=wall_s,
                     **fields)


def race(lanes, workload="primes", cpus=4, mode="isolated", status="finished"):
    config = RaceConfig(workload=workload, runners=tuple(dict.fromkeys(one.runner for one in lanes)), mode=mode)
    state = RaceState(config=config, machine={"usable_cpus": cpus, "usable_cores": cpus}, lanes=lanes,
                      status=status)
    derive_figures(lanes, cpus, mode, io_bound=classify(lanes) in ("io", "mixed"))
    return state


def test_nothing_to_say_before_the_end_or_without_a_baseline():
    assert recommend(race([lane("sequential", 1.0, 1.0, 1), lane("threading", 1.0, 1.0)], status="running")) is None
    assert recommend(race([lane("threading", 1.0, 1.0)])) is None
    failed = lane("sequential", 1.0, 1.0, 1)
    failed.status = "failed"
    assert recommend(race([failed, lane("threading", 1.0, 1.0)])) is None


def test_waiting_work_gets_threads_or_asyncio_with_the_share_it_waits():
    lanes = [lane("sequential", 0.8, 0.01, 1, total=8), lane("threading", 0.1, 0.02, 8, total=8, rss=21.0),
             lane("asyncio", 0.1, 0.02, 8, total=8, rss=19.0),
             lane("multiprocessing", 0.12, 0.1, 8, total=8, rss=160.0, startup_s=0.3)]
    advice = recommend(race(lanes, workload="sleep"))
    assert advice.reason == "waits"
    assert advice.runner == "asyncio"  # as fast as threads, and the lightest
    assert "`concurrent.futures.ThreadPoolExecutor(max_workers=8)`" in advice.text
    assert "`asyncio.Semaphore(8)`" in advice.text
    assert "waits 99% of its time" in advice.text
    assert "ProcessPoolExecutor" not in advice.text
    assert advice.text.startswith("Use ") and advice.text.endswith(".")


def test_gil_bound_work_gets_a_process_pool_with_a_chunksize_from_the_task_cost():
    # Per item: 2.0 s / 200,000 = 10 µs. Per task: (0.55 s × 4 workers − 2.0 s) / 30 tasks = 6.7 ms, so a
    # task must carry 6.7 ms / (5 % × 10 µs) = 13,333 numbers, rounded up to 14,000, for its cost to stay under 5 %.
    mp = lane("multiprocessing", 0.55, 3.8, total=200_000, rss=120.0, startup_s=0.15, extra={"tasks": 30})
    lanes = [lane("sequential", 2.0, 1.0, 1, total=200_000), lane("threading", 2.1, 1.0, total=200_000), mp]
    advice = recommend(race(lanes))
    assert advice.runner == "multiprocessing" and advice.reason == "gil-bound"
    assert advice.text.startswith("Use `concurrent.futures.ProcessPoolExecutor(max_workers=4)` with `chunksize` "
                                  "of at least 14,000:")
    assert "holds the GIL (4 threads kept 1.00 cores busy)" in advice.text
    assert "each number takes 10.0 µs and a task cost at most 6.7 ms beyond its work" in advice.text


def test_processes_are_sized_to_the_usable_cpus():
    mp = lane("multiprocessing", 1.05, 1.9, workers=8, extra={"tasks": 64})
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1), mp], cpus=2))
    assert "ProcessPoolExecutor(max_workers=2)" in advice.text


def test_threads_are_enough_when_they_release_the_gil_and_match_processes():
    lanes = [lane("sequential", 2.0, 1.0, 1, rss=25.0), lane("threading", 1.05, 1.9, rss=30.0),
             lane("multiprocessing", 1.02, 1.95, rss=140.0, extra={"tasks": 32})]
    advice = recommend(race(lanes, workload="sha256", cpus=2))
    assert advice.runner == "threading" and advice.reason == "releases-gil"
    assert advice.text.startswith("Threads are enough (`concurrent.futures.ThreadPoolExecutor(max_workers=2)`)")
    assert "releases the GIL (4 threads kept 1.90 cores busy)" in advice.text
    assert "as fast as multiprocessing (1.96×) in 30 MB instead of 140 MB" in advice.text


def test_processes_win_when_threads_release_the_gil_only_partly():
    lanes = [lane("sequential", 2.0, 1.0, 1), lane("threading", 1.3, 1.5),
             lane("multiprocessing", 0.55, 3.8, extra={"tasks": 32})]
    advice = recommend(race(lanes, workload="sha256"))
    assert advice.runner == "multiprocessing" and advice.reason == "releases-gil"
    assert "ProcessPoolExecutor(max_workers=4)" in advice.text


def test_work_too_small_for_the_start_up_keeps_the_loop_and_says_when_it_would_pay():
    # Processes did the work 3.3× faster but took 0.21 s more to start: 0.21 s / ((0.05 − 0.015) s / 5,000)
    # = 30,000 numbers to break even.
    lanes = [lane("sequential", 0.05, 1.0, 1, total=5_000, startup_s=0.04),
             lane("multiprocessing", 0.015, 3.3, total=5_000, startup_s=0.25, extra={"tasks": 32})]
    advice = recommend(race(lanes))
    assert advice.runner == "sequential" and advice.reason == "too-small"
    assert "too small for multiprocessing's 210 ms of extra start-up to pay back" in advice.text
    assert "from about 30,000 numbers (this run had 5,000)" in advice.text


def test_tasks_smaller_than_their_cost_keep_the_loop_and_get_a_chunksize():
    # 7 µs of work per task (one number each) against (1.5 s × 4 − 0.7 s) / 100,000 = 53 µs of cost per task:
    # at least 53 µs / (5 % × 7 µs) = 151.4, rounded up to 160 numbers per task.
    lanes = [lane("sequential", 0.7, 1.0, 1), lane("threading", 0.75, 1.0),
             lane("multiprocessing", 1.5, 1.2, extra={"tasks": 100_000})]
    advice = recommend(race(lanes, workload="tiny-tasks"))
    assert advice.runner == "sequential" and advice.reason == "too-small"
    assert "each task cost 53.0 µs beyond its 7.0 µs of work" in advice.text
    assert "processes could pay with `chunksize` of at least 160." in advice.text


def test_a_chunksize_past_a_workers_share_is_not_offered():
    # 2.3 ms of cost per task against 36 µs of work: 130,000 numbers a chunk, and the run had 3,000.
    lanes = [lane("sequential", 0.0011, 1.0, 1, total=3_000), lane("multiprocessing", 0.038, 0.35, workers=2,
                                                                    total=3_000, extra={"tasks": 32})]
    advice = recommend(race(lanes, cpus=2))
    assert advice.runner == "sequential" and advice.reason == "too-small"
    assert "`chunksize` of at least" not in advice.text
    assert "more than a worker's share of this run's 3,000" in advice.text


def test_gil_bound_work_without_a_process_lane_says_to_race_one():
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1), lane("threading", 2.1, 1.0)]))
    assert advice.runner == "sequential" and advice.reason == "gil-bound"
    assert "holds the GIL" in advice.text and "race `multiprocessing`" in advice.text


def test_a_process_pool_that_stayed_on_one_core_is_said_so():
    one_cpu = [lane("sequential", 2.0, 1.0, 1), lane("multiprocessing", 2.2, 1.0, workers=1)]
    advice = recommend(race(one_cpu, cpus=1))
    assert advice.runner == "sequential" and advice.reason == "gil-bound"
    assert "no lane here ran it on several cores; not even a process pool, with 1 usable CPU here" in advice.text


def test_a_gain_within_the_noise_decides_nothing():
    advice = recommend(race([lane("sequential", 1.0, 0.02, 1), lane("threading", 0.97, 0.02, 1)], workload="sleep"))
    assert advice.runner is None and advice.reason == "undecided-noise"
    assert "within the noise (5%)" in advice.text and "--repeat 5" in advice.text


def test_repeated_runs_widen_the_noise_to_their_spread():
    def repeated(runner, wall_s, low, high, workers):
        one = lane(runner, wall_s, 0.02, workers, runs=5, wall_min_s=low, wall_max_s=high)
        return one

    steady = [repeated("sequential", 1.0, 0.99, 1.01, 1), repeated("threading", 0.87, 0.86, 0.88, 4)]
    assert recommend(race(steady, workload="sleep")).runner == "threading"  # 1.15×, runs within 2 %
    shaky = [repeated("sequential", 1.0, 0.9, 1.1, 1), repeated("threading", 0.87, 0.86, 0.88, 4)]
    advice = recommend(race(shaky, workload="sleep"))  # the baseline's runs spread 22 %
    assert advice.reason == "undecided-noise" and "(22%)" in advice.text


def test_a_lane_with_wrong_results_is_never_recommended():
    wrong = lane("multiprocessing", 0.1, 0.05, 8, total=8, rss=10.0)
    wrong.correct = False
    lanes = [lane("sequential", 0.8, 0.01, 1, total=8), lane("threading", 0.1, 0.02, 8, total=8, rss=21.0), wrong]
    advice = recommend(race(lanes, workload="sleep"))
    assert advice.runner == "threading" and advice.reason == "waits"
    assert "ProcessPoolExecutor" not in advice.text


def test_every_other_lane_failing_keeps_the_loop_and_says_which():
    wrong, failed = lane("threading", 0.5, 1.0), lane("multiprocessing", 0.4, 2.0)
    wrong.correct, failed.status = False, "failed"
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1), wrong, failed]))
    assert advice.runner == "sequential" and advice.reason == "failed"
    assert "threading gave wrong results; multiprocessing failed" in advice.text


def test_a_failed_process_lane_is_named_instead_of_suggesting_one():
    failed = lane("multiprocessing", 0.4, 2.0)
    failed.status = "failed"
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1), lane("threading", 2.1, 1.0), failed]))
    assert advice.reason == "gil-bound" and "multiprocessing failed" in advice.text
    assert "race `multiprocessing`" not in advice.text


def test_a_disturbed_race_decides_nothing():
    busy = lane("sequential", 2.0, 1.0, 1, sampled_s=2.0, others_cores=3.5, runqueue_wait_s=0.0)
    advice = recommend(race([busy, lane("multiprocessing", 0.55, 3.8, extra={"tasks": 32})]))
    assert advice.runner is None and advice.reason == "disturbed"
    assert advice.text.startswith("The measurements can't decide: other programs used 3.5 of 4 cores")
    assert advice.text.endswith("rerun on a quiet machine.")


def test_lanes_raced_together_decide_nothing():
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1), lane("multiprocessing", 0.6, 3.5)], mode="together"))
    assert advice.runner is None and advice.reason == "shared-cores"


def test_the_plain_loop_alone_decides_nothing():
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1)]))
    assert advice.runner is None and advice.reason == "alone"


def test_dask_batches_come_from_its_own_measured_task_cost():
    dask = lane("dask", 0.6, 3.5, startup_s=0.05, extra={"tasks": 32, "task_overhead_ms": 2.0})
    advice = recommend(race([lane("sequential", 2.0, 1.0, 1, total=200_000), dask]))
    # 2 ms / (5 % × 10 µs) = 4,000 numbers per future
    assert advice.runner == "dask" and "with batches of at least 4,000" in advice.text
    assert "a task cost at most 2.0 ms beyond its work" in advice.text


def test_a_recommendation_is_plain_data():
    advice = Recommendation("Use threads.", "threading", "waits")
    assert advice.to_dict() == {"text": "Use threads.", "runner": "threading", "reason": "waits"}


def test_a_real_waiting_race_recommends_threads_or_asyncio():
    state = Race(RaceConfig(workload="sleep", size=6, workers=6, latency_ms=100,
                            runners=("sequential", "threading", "asyncio"))).run()
    assert state.disturbed is None  # lanes watched under a second are not judged
    advice = recommend(state)
    assert advice.reason == "waits" and advice.runner in ("threading", "asyncio")
    assert "ThreadPoolExecutor(max_workers=6)" in advice.text or "asyncio.Semaphore(6)" in advice.text


def test_the_headline_is_the_advice_without_its_evidence():
    advice = Recommendation("Use `concurrent.futures.ProcessPoolExecutor(max_workers=2)` with `chunksize` of at least "
                            "40: the function holds the GIL.", "multiprocessing", "gil-bound")
    assert advice.headline == "Use `ProcessPoolExecutor(max_workers=2)` with `chunksize` of at least 40."
    assert Recommendation("Use `a: b` here.", "x", "waits").headline == "Use `a: b` here."


def test_threads_ahead_on_work_that_holds_the_gil_are_noise_not_advice():
    # Measured on a bare 3.13: threads 1.11× on primes while keeping 1.01 cores busy.
    lanes = [lane("sequential", 1.11, 1.0, 1), lane("threading", 1.0, 1.01)]
    advice = recommend(race(lanes))
    assert advice.runner is None and advice.reason == "undecided-noise"
    assert "ThreadPoolExecutor" not in advice.text


def test_a_lead_over_a_very_short_plain_loop_decides_nothing():
    lanes = [lane("sequential", 0.08, 1.0, 1), lane("multiprocessing", 0.02, 3.9, startup_s=0.05)]
    advice = recommend(race(lanes))
    assert advice.runner is None and advice.reason == "too-short"
    assert "the plain loop took 80 ms" in advice.text


def test_a_process_pool_ahead_within_the_noise_is_not_said_to_have_lost():
    # Seen: "processpool won at 1.17×" in the verdict, "not even a process pool" in the advice.
    lanes = [lane("sequential", 0.7, 1.0, 1), lane("processpool", 0.6, 1.2, startup_s=0.2, extra={"tasks": 16})]
    advice = recommend(race(lanes, cpus=2))
    assert "not even a process pool" not in advice.text
    assert advice.runner in (None, "sequential")


def test_threads_without_a_gil_are_not_taken_for_code_that_releases_it():
    """Threads on a free-threaded Python run pure Python at once: that says nothing of the code's GIL use."""
    from tuiconc.engine.verdict import verdict

    free = lane("threading", 0.6, 1.9, workers=2, gil_enabled=False)
    lanes = [lane("sequential", 1.0, 1.0, 1), free]
    state = race(lanes, cpus=2)
    assert classify(lanes) == "cpu"
    assert "2 threads without a GIL" in verdict(lanes) and "with the GIL off (a free-threaded Python)" in verdict(lanes)
    advice = recommend(state)
    assert advice.runner == "threading" and "on a free-threaded Python" in advice.text
    assert "releases the GIL" not in advice.text
