"""How many cores does Python see, and how many may it use?"""
import multiprocessing
import os


def usable_cores():
    """Return how many cores this process is allowed to run on."""
    if hasattr(os, "process_cpu_count"):   # Python 3.13 and later
        return os.process_cpu_count()
    if hasattr(os, "sched_getaffinity"):   # Linux (and a few Unixes)
        return len(os.sched_getaffinity(0))
    return os.cpu_count()                  # best guess elsewhere


if __name__ == "__main__":
    print("logical cores (cpu_count):", multiprocessing.cpu_count())
    print("cores this process may use:", usable_cores())
