"""Resource limits a lane sets on itself: more file descriptors, and a ceiling on a user's memory."""

from __future__ import annotations

import os

# A user's function that allocates without end meets MemoryError at this share of the machine's
# memory, per process, instead of the kernel's OOM killer choosing a victim (perhaps the front end).
USER_MEMORY_SHARE = 0.75


def raise_open_file_limit(wanted: int = 65_536) -> None:
    """Thousands of concurrent connections need thousands of file descriptors."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


def cap_memory(share: float = USER_MEMORY_SHARE) -> int | None:
    """Limit this process's (and its children's) data to a share of physical memory; the cap, or None."""
    try:
        import resource

        limit = getattr(resource, "RLIMIT_DATA", None)
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ImportError, ValueError, OSError):
        return None
    if limit is None or physical <= 0:
        return None
    soft, hard = resource.getrlimit(limit)
    cap = int(physical * share)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return soft
    try:
        resource.setrlimit(limit, (cap, hard))
    except (ValueError, OSError):
        return None
    return cap
