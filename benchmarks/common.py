"""What every benchmark prints first: the machine it ran on."""

from __future__ import annotations

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tuiconc.machine import machine_facts  # noqa: E402


def print_machine() -> dict:
    facts = machine_facts()
    print(f"# {datetime.date.today()} · {facts['implementation']} {facts['python']} · GIL "
          f"{'on' if facts['gil_enabled'] else 'off'} · {facts['usable_cpus']} usable of {facts['logical_cpus']} "
          f"CPUs · {facts['platform']}")
    return facts


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
