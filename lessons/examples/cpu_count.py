"""How many cores does Python see, and how many may it use?

Usage: python cpu_count.py

Try it pinned to one core (Linux): taskset -c 0 python3 cpu_count.py
or, from Python 3.13, with PYTHON_CPU_COUNT=3 python3 cpu_count.py
"""
import multiprocessing
import os
import platform


def usable_cores():
    """Return how many cores this process is allowed to run on."""
    if hasattr(os, "process_cpu_count"):   # Python 3.13 and later
        return os.process_cpu_count()
    if hasattr(os, "sched_getaffinity"):   # Linux (and a few Unixes)
        return len(os.sched_getaffinity(0))
    return os.cpu_count()                  # best guess elsewhere


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    print("logical cores (cpu_count):", multiprocessing.cpu_count())
    if hasattr(os, "sched_getaffinity"):
        print("os.sched_getaffinity(0) holds",
              len(os.sched_getaffinity(0)), "cores")
    if hasattr(os, "process_cpu_count"):
        print("os.process_cpu_count():", os.process_cpu_count())
    else:
        print("os.process_cpu_count(): not in Python",
              platform.python_version(), "(it is new in 3.13)")
    print("cores this process may use:", usable_cores())
    with multiprocessing.Pool() as pool:
        started = len(multiprocessing.active_children())
    print(f"Pool() with no size started {started} "
          f"worker{'' if started == 1 else 's'}")
