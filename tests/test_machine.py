import os
import sys

from tuiconc import machine


def test_facts_describe_this_interpreter_and_its_cpus():
    facts = machine.machine_facts()
    assert facts["python"] == ".".join(map(str, sys.version_info[:3]))
    assert facts["implementation"] == "CPython"
    assert 1 <= facts["usable_cpus"] <= facts["logical_cpus"] == os.cpu_count()
    assert isinstance(facts["gil_enabled"], bool)


def test_the_gil_reading_follows_the_interpreter():
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    assert machine.gil_enabled() == (True if is_enabled is None else is_enabled())


def test_usable_cpus_follow_the_affinity_mask():
    if not hasattr(os, "sched_setaffinity"):
        return
    original = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(original)})
        assert machine.usable_cpus() == 1 and machine.usable_cpu_ids() == [min(original)]
    finally:
        os.sched_setaffinity(0, original)


def test_the_default_start_method_exists_here():
    assert machine.default_start_method() in machine.start_methods()


def test_physical_cores_agree_with_psutil_and_bound_the_usable_cores():
    import psutil

    facts = machine.machine_facts()
    assert facts["physical_cores"] == (psutil.cpu_count(logical=False) or facts["logical_cpus"])
    assert 1 <= facts["usable_cores"] <= min(facts["usable_cpus"], facts["physical_cores"])


def test_usable_cores_follow_the_affinity_mask():
    if not hasattr(os, "sched_setaffinity"):
        return
    original = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(original)})
        assert machine.usable_cores() == 1
    finally:
        os.sched_setaffinity(0, original)
