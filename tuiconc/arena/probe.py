"""`python -m tuiconc.arena.probe`: what this interpreter is and which runners it can run, as JSON.

The front end runs it with a lane's --python interpreter before the race starts, so a
wrong path or a missing feature is a clear error, not a failed lane. Standard library only.
"""

import importlib.util
import json
import sys


def main():
    if sys.version_info < (3, 10):  # say only the version: the rest of tuiconc needs 3.10
        print(json.dumps({"version_info": list(sys.version_info[:3])}))
        return 0
    from tuiconc.machine import interpreter_facts
    from tuiconc.runners import RUNNERS
    from tuiconc.workloads import WORKLOADS

    print(json.dumps({
        **interpreter_facts(),
        "version_info": list(sys.version_info[:3]),
        "executable": sys.executable,
        "unavailable": {name: runner.unavailable_reason() for name, runner in RUNNERS.items()
                        if runner.unavailable_reason()},
        # The modules beyond the standard library that some lane's work needs: present or not.
        "modules": {name: importlib.util.find_spec(name) is not None for name in sorted(
            {name for workload in WORKLOADS.values() for asynchronous in (False, True)
             for name in workload.needs(asynchronous)})},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
