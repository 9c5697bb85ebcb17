import hashlib
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuiconc.workloads import WORKLOADS, Options, plan_tasks
from tuiconc.workloads.cpu import count_primes_by_sieve, is_prime
from tuiconc.workloads.native import buffer


@given(units=st.integers(min_value=0, max_value=200_000), workers=st.integers(min_value=1, max_value=10_000),
       one_per_task=st.booleans())
def test_every_plan_covers_the_whole_range_exactly_once(units, workers, one_per_task):
    tasks = plan_tasks(units, workers, one_per_task)
    covered = [n for start, stop in tasks for n in range(start, stop)]
    assert covered == list(range(units))
    assert all(stop > start for start, stop in tasks)


def test_cpu_plans_give_every_worker_several_chunks():
    tasks = plan_tasks(1_000_000, 4)
    assert len(tasks) >= 4 * 8
    sizes = {stop - start for start, stop in tasks}
    assert max(sizes) - min(sizes) <= 1


def test_the_classic_answer():
    assert count_primes_by_sieve(1_000_000) == 78_498


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 10, 100, 7919, 10_000])
def test_sieve_agrees_with_trial_division(limit):
    assert count_primes_by_sieve(limit) == sum(1 for n in range(limit) if is_prime(n))


def run_whole(name: str, size: int, options: Options = Options()) -> int:
    workload = WORKLOADS[name]
    done = []
    partials = [workload.run_task(task, done.append, options) for task in workload.plan(size, 3)]
    assert sum(done) == size, "progress must count every unit exactly once"
    return workload.combine(partials)


@pytest.mark.parametrize("name,size", [("primes", 20_000), ("sum-squares", 50_000), ("countdown", 70_001),
                                       ("sha256", 40), ("zlib", 20)])
def test_cpu_workloads_reach_their_expected_answer(name, size):
    assert run_whole(name, size) == WORKLOADS[name].expected(size, Options())


def test_sum_squares_formula_matches_brute_force():
    assert WORKLOADS["sum-squares"].expected(1000, Options()) == sum(i * i for i in range(1000))


def test_native_expectations_match_direct_computation():
    size = 37
    digests = sum(int.from_bytes(hashlib.sha256(buffer(i)).digest()[:8], "big") for i in range(size)) % (1 << 64)
    assert WORKLOADS["sha256"].expected(size, Options()) == digests
    assert WORKLOADS["zlib"].expected(size, Options()) == sum(len(zlib.compress(buffer(i), 6)) for i in range(size))


def test_buffers_are_big_enough_for_c_code_to_release_the_gil():
    assert len(buffer(0)) == 1 << 20 and buffer(0) != buffer(1)


def test_sleep_counts_its_waits():
    assert run_whole("sleep", 3, Options(latency_ms=1)) == 3


def test_every_workload_describes_itself():
    for workload in WORKLOADS.values():
        described = workload.describe()
        assert described["name"] and described["description"]
        assert described["releases_gil"] == (workload.kind in ("cpu-nogil", "io"))
        assert 0 < described["default_size"] <= described["max_size"]
