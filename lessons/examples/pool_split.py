"""Which worker squares which number?

Usage: python pool_split.py [WORKERS] [N]    (defaults: 2 workers, 12)
"""
import multiprocessing
import os
import sys

BUSY = 3_000_000  # busy-work per item: about a tenth of a second


def many(n, one, more):
    """'1 worker', '2 workers': a count with the right noun."""
    return f"{n} {one if n == 1 else more}"


def square(x):
    """Square x, and say which worker process did it."""
    me = multiprocessing.current_process()
    for _ in range(BUSY):
        pass
    print(f"{me.name} (pid {me.pid}) squared {x}", flush=True)
    return x * x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 12

    print(f"master (pid {os.getpid()}): "
          f"{many(workers, 'worker', 'workers')}, {n} items",
          flush=True)
    with multiprocessing.Pool(processes=workers) as pool:
        squares = pool.map(square, range(1, n + 1))
    print("results in order:", squares)
    print(f"sum of the squares of 1..{n} = {sum(squares)}")
