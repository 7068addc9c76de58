"""Reference solution: worker processes add into one shared array.

Usage: python shared_tally.py [WORKERS] [LIMIT]   (defaults: 2, 200000)
"""
import multiprocessing
import os
import sys

BLOCK = 1000        # numbers per block


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


def tally_primes(blocks, tally):
    """Count the last digits of the primes in blocks into tally."""
    local = [0] * 10                     # private: no lock needed
    for start, stop in blocks:
        for n in range(start, stop):
            if is_prime(n):
                local[n % 10] += 1
    with tally.get_lock():               # one locked update per worker
        for digit, count in enumerate(local):
            tally[digit] += count


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000

    tally = multiprocessing.Array("i", 10)        # ten zeros, shared
    blocks = [(start, min(start + BLOCK, limit))
              for start in range(0, limit, BLOCK)]
    procs = [multiprocessing.Process(target=tally_primes,
                                     args=(blocks[i::workers], tally))
             for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    if any(p.exitcode != 0 for p in procs):
        sys.exit("a worker failed")

    for digit in range(10):
        if tally[digit]:
            print(f"result: primes ending in {digit}: {tally[digit]}")
    print(f"result: primes below {limit}: {sum(tally)}")
