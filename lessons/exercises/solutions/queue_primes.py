"""Reference solution: count primes with worker processes and two queues.

Usage: python queue_primes.py [WORKERS] [LIMIT]   (defaults: 2, 300000)
"""
import multiprocessing
import os
import sys

BLOCK = 15_000      # numbers per task


def is_prime(n):
    """True when n is prime (trial division: slow on purpose)."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    factor = 3
    while factor * factor <= n:
        if n % factor == 0:
            return False
        factor += 2
    return True


def worker(tasks, results):
    """Take (start, stop) blocks until None; send back each block's count."""
    done = 0
    while True:
        block = tasks.get()
        if block is None:               # the master's "no more work"
            break
        start, stop = block
        count = sum(1 for n in range(start, stop) if is_prime(n))
        results.put((start, count))
        done += 1
    name = multiprocessing.current_process().name
    print(f"{name} (pid {os.getpid()}) counted {done} blocks", flush=True)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000

    tasks = multiprocessing.Queue()
    results = multiprocessing.Queue()
    blocks = [(start, min(start + BLOCK, limit))
              for start in range(0, limit, BLOCK)]
    for block in blocks:
        tasks.put(block)
    for _ in range(workers):
        tasks.put(None)                 # one stop sign per worker

    procs = [multiprocessing.Process(target=worker, args=(tasks, results),
                                     name=f"worker-{i + 1}")
             for i in range(workers)]
    for p in procs:
        p.start()

    # Collect one answer per block BEFORE joining: a worker whose
    # results are still in the pipe cannot finish.
    counts = dict(results.get(timeout=60) for _ in blocks)
    for p in procs:
        p.join()

    print(f"result: primes below {limit}: {sum(counts.values())}")
    print(f"result: blocks counted: {len(counts)}")
