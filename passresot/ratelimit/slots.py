"""Heavy work in few processes at once, so that light requests (a sign-in) always find a free core.

A device's batch of scans keeps a worker's CPU busy for its whole length; four devices syncing at
once on a 2-core server left a sign-in a third of a core. `work_slot("scans")` lets at most
`slots` such batches run at once on this host, the others wait for a slot (a waiting worker uses no
CPU). Slots are files locked with flock(2) in the instance folder: every gunicorn worker of the host
shares them, and a lock held by a process that dies is freed by the kernel. One batch at a time
loses nothing on a small server: the database is the bottleneck (bench/scans_throughput.py).
"""
import fcntl
import os
from contextlib import contextmanager

from flask import current_app


def slot_count() -> int:
    """WORK_SLOTS, else the host's cores less one (at least one)."""
    configured = current_app.config.get("WORK_SLOTS")
    return max(1, int(configured) if configured else (os.cpu_count() or 2) - 1)


@contextmanager
def work_slot(kind: str):
    """Run the block holding one of this host's `kind` slots; waits for one when all are taken."""
    folder = os.path.join(current_app.instance_path, "slots")
    os.makedirs(folder, exist_ok=True)
    count = slot_count()
    handles = []
    try:
        held = None
        for number in range(count):
            handle = open(os.path.join(folder, f"{kind}-{number}.lock"), "a+b")
            handles.append(handle)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = handle
                break
            except BlockingIOError:
                continue
        if held is None:  # every slot busy: wait for one (spread over the slots by process)
            held = handles[os.getpid() % count]
            fcntl.flock(held, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    finally:
        for handle in handles:
            handle.close()
