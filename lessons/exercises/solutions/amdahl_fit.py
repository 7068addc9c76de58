"""Reference solution: measure a job's parallel fraction p (Amdahl's law).

Usage: python amdahl_fit.py [WORKERS] [STEPS]   (defaults: 2, 1200000)
"""
import multiprocessing
import os
import sys
import time

SERIAL_STEPS = 1_200_000    # default STEPS: the master's share, not split
SHARE = 5                   # the workers split SHARE * STEPS numbers


def serial_part(steps):
    """A running checksum: each step needs the one before, so no split."""
    check = 0
    for i in range(steps):
        check = (check * 31 + i) % 1_000_003
    return check


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


def split(n, parts):
    """Cut range(n) into `parts` near-equal (start, stop) pairs."""
    step, extra = divmod(n, parts)
    bounds = []
    start = 0
    for i in range(parts):
        stop = start + step + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def usable_cores():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def timed_job(workers, steps):
    """Run the whole job on a fresh pool; return (answer, seconds)."""
    with multiprocessing.Pool(processes=workers) as pool:
        # Let every worker start before the clock runs.
        pool.map(time.sleep, [0.05] * workers, chunksize=1)
        start = time.perf_counter()
        check = serial_part(steps)
        total = sum(pool.map(sum_squares, split(SHARE * steps, workers),
                             chunksize=1))
        seconds = time.perf_counter() - start
    return (check, total), seconds


def fit_p(t1, tn, n):
    """Amdahl: tn = t1 * ((1 - p) + p / n). Solve for p, keep in [0, 1]."""
    p = (1 - tn / t1) / (1 - 1 / n)
    return min(1.0, max(0.0, p))


def amdahl(p, n):
    """Speedup Amdahl's law predicts on n cores."""
    return 1 / ((1 - p) + p / n)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else SERIAL_STEPS
    answer1, t1 = timed_job(1, steps)
    answer_n, tn = timed_job(workers, steps)
    if answer1 != answer_n:
        sys.exit(f"the two runs disagree: {answer1} != {answer_n}")
    print(f"1 worker:  {t1:.2f} s")
    print(f"{workers} workers: {tn:.2f} s, speedup {t1 / tn:.2f}x")

    # Workers beyond the cores you have only take turns.
    n = min(workers, usable_cores())
    if n < 2:
        print("fitted p: n/a (one core: nothing to compare)")
    else:
        p = fit_p(t1, tn, n)
        print(f"fitted p: {p:.2f}")
        for cores in (4, 8, 64):
            print(f"predicted speedup on {cores} cores: "
                  f"{amdahl(p, cores):.2f}x")
    check, total = answer1
    print(f"result: checksum {check}")
    print(f"result: sum of squares below {SHARE * steps}: {total}")
