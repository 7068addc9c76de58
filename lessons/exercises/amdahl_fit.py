"""Exercise: measure a job's parallel fraction p (lesson: Amdahl's law).

Usage: python amdahl_fit.py [WORKERS] [STEPS]   (defaults: 2, 1200000)

The job has two parts. serial_part is a running checksum: each step
needs the result of the one before, so only the master can do it.
sum_squares over split(SHARE * steps, workers) can be shared out. You are
not told how the time divides between them: measure it.

Amdahl's law: if a fraction p of the one-worker time T1 can be split
over n cores, then Tn = T1 * ((1 - p) + p / n).

The task
--------
1. Write timed_job(workers, steps): on a fresh pool of `workers`
   processes, first let every worker start (for example
   pool.map(time.sleep, [0.05] * workers, chunksize=1)), then time
   (time.perf_counter) serial_part(steps) followed by the pool.map of
   sum_squares over split(SHARE * steps, workers). Return
   ((checksum, total), seconds).
2. Write fit_p(t1, tn, n): solve the law above for p, and keep the
   answer between 0 and 1 (a noisy timing can land outside).
3. Write amdahl(p, n): the speedup T1 / Tn the law predicts.
4. In the master block, time the job with 1 worker and with WORKERS
   workers, and stop with a message if the two answers differ. The
   cores that count are n = min(WORKERS, usable_cores()); with
   n >= 2, print the fit (two decimals) and three predictions:

       fitted p: P.PP
       predicted speedup on 4 cores: S.SSx
       predicted speedup on 8 cores: S.SSx
       predicted speedup on 64 cores: S.SSx

   (on one core, print "fitted p: n/a" and why). Then print:

       result: checksum C
       result: sum of squares below N: S

   where N is SHARE * STEPS (6000000 by default).

Timings move when other programs are busy: run it a few times and see
how much p moves. forklab checks the format, not your p.
Check with `forklab practice check amdahl-fit`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
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
    # TODO 1
    raise NotImplementedError("TODO: time the job on a pool")


def fit_p(t1, tn, n):
    """Amdahl: tn = t1 * ((1 - p) + p / n). Solve for p, keep in [0, 1]."""
    # TODO 2
    raise NotImplementedError("TODO: solve for p")


def amdahl(p, n):
    """Speedup Amdahl's law predicts on n cores."""
    # TODO 3
    raise NotImplementedError("TODO: the predicted speedup")


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else SERIAL_STEPS
    # TODO 4: time 1 and WORKERS workers, fit p, print.
    raise NotImplementedError("TODO: measure, fit, print")
