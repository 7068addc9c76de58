"""Forked workers share NumPy's global random state.

Usage: python numpy_fork_random.py

np.random.randint() draws from one global generator. A forked child is
a copy of the master, generator included, so every child draws the
same numbers. Python's own random module reseeds itself in a forked
child; NumPy's global generator does not. The fix: give each worker a
generator of its own, from one SeedSequence spawned into children.
"""
import multiprocessing
import os
import random

import numpy as np


def draw(queue, index):
    queue.put((index, "numpy", np.random.randint(0, 1_000_000, 3).tolist()))
    queue.put((index, "random", [random.randrange(1_000_000)
                                 for _ in range(3)]))


def draw_own(queue, index, seed):
    rng = np.random.default_rng(seed)
    queue.put((index, "own", rng.integers(0, 1_000_000, 3).tolist()))


def collect(queue, target, args_for):
    procs = [multiprocessing.Process(target=target, args=args_for(i))
             for i in range(3)]
    for p in procs:
        p.start()
    items = []
    for _ in range(len(procs) * (2 if target is draw else 1)):
        items.append(queue.get(timeout=60))
    for p in procs:
        p.join()
    return items


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)
    print(f"start method: {multiprocessing.get_start_method()}")

    np.random.seed(2026)           # the master seeds NumPy once
    queue = multiprocessing.Queue()
    items = collect(queue, draw, lambda i: (queue, i))
    by_kind = {}
    for index, kind, numbers in sorted(items):
        print(f"worker {index} {kind:6}: {numbers}")
        by_kind.setdefault(kind, []).append(tuple(numbers))
    print("NumPy's global state: the workers drew the same numbers: "
          f"{len(set(by_kind['numpy'])) == 1}")
    print("Python's random module: the workers drew the same numbers: "
          f"{len(set(by_kind['random'])) == 1}")

    seeds = np.random.SeedSequence(2026).spawn(3)
    items = collect(queue, draw_own, lambda i: (queue, i, seeds[i]))
    own = [tuple(numbers) for _, _, numbers in sorted(items)]
    print(f"SeedSequence(2026).spawn(3): {own}")
    print(f"all different: {len(set(own)) == 3}")
