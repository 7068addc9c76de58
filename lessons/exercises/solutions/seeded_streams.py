"""Reference solution: random numbers in workers, one stream per task.

Usage: python seeded_streams.py WORKERS SEED TASKS SAMPLES
Example: python seeded_streams.py 2 2026 8 400000
"""
import multiprocessing
import os
import random
import sys


def hits(seed, task, samples):
    """Points of the unit square inside the quarter circle, drawn from a
    generator of this task's own, named by the seed and the task."""
    rng = random.Random(f"{seed}:{task}")
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
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

    jobs = [(seed, task, samples) for task in range(tasks)]
    with multiprocessing.Pool(workers) as pool:
        counts = pool.starmap(hits, jobs)

    total = tasks * samples
    print(f"result: hits: {sum(counts)} of {total}")
    print(f"result: pi is about {4 * sum(counts) / total:.4f}")
