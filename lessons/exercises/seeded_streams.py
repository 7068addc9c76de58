"""Exercise: random numbers in workers, one stream per task (lesson:
Threads inside workers).

Usage: python seeded_streams.py WORKERS SEED TASKS SAMPLES
Example: python seeded_streams.py 2 2026 8 400000

The script estimates pi: each task throws SAMPLES random points at the
unit square and counts those inside the quarter circle. As written,
every task draws from RNG, one generator made at import and seeded by
the master. Under fork every worker starts from a copy of it, so the
workers throw the same points; under spawn and forkserver RNG is
never seeded in the workers at all. Either way the answer cannot be
repeated, and under fork the samples are not even independent.

The task
--------
1. In hits(), draw from a generator of the task's own:
   random.Random(f"{seed}:{task}"). A string seed is turned into the
   generator's state the same way in every process and on every run,
   so the answer depends on SEED alone, not on which worker ran which
   task, nor on the start method.
2. Pass the seed to each task with its number (starmap with
   (seed, task, samples) tuples), and drop RNG.
3. Print, as now:

       result: hits: 2512865 of 3200000
       result: pi is about 3.1411

Check with `forklab practice check seeded-streams`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import random
import sys

RNG = random.Random()              # TODO 2: one generator for all: drop it


def hits(seed, task, samples):
    """Points of the unit square inside the quarter circle."""
    # TODO 1: a generator of this task's own, from the seed and the task.
    inside = 0
    for _ in range(samples):
        x, y = RNG.random(), RNG.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    if len(sys.argv) != 5:
        sys.exit("usage: seeded_streams.py WORKERS SEED TASKS SAMPLES")
    workers, seed, tasks, samples = (int(arg) for arg in sys.argv[1:])

    RNG.seed(seed)                 # seeds the master's copy only
    jobs = [(seed, task, samples) for task in range(tasks)]
    with multiprocessing.Pool(workers) as pool:
        counts = pool.starmap(hits, jobs)

    total = tasks * samples
    print(f"result: hits: {sum(counts)} of {total}")
    print(f"result: pi is about {4 * sum(counts) / total:.4f}")
