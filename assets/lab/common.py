# forklab's lab drivers share this part: forklab puts it in front of
# driver.py and dask_driver.py when it builds them into itself (DRIVER in
# src/lab/engine/python.rs and dask/mod.rs), so each driver still runs as
# one file, and Dask still ships these functions by value with its tasks.

import math
import os
import time

BASE = 1_000_000_000


def write_line(text):
    """One line on stdout with a single os.write per piece, so lines from
    the master and its workers stay whole on the shared pipe."""
    data = (text + "\n").encode()
    while data:
        n = os.write(1, data)
        data = data[n:]


def is_prime(n):
    if n < 4:
        return n >= 2
    if n % 2 == 0 or n % 3 == 0:
        return False
    d = 5
    while d * d <= n:
        if n % d == 0 or n % (d + 2) == 0:
            return False
        d += 6
    return True


def count_primes(lo, hi):
    return sum(1 for n in range(lo, hi) if is_prime(n))


def work(kind, size, i):
    """Lab task i: `size` ms asleep (the ms slept, rounded up), or the
    primes among `size` numbers from BASE + i * size."""
    if kind == "sleep":
        t = time.monotonic()
        time.sleep(size / 1000)
        return math.ceil((time.monotonic() - t) * 1000 - 1e-6)
    lo = BASE + i * size
    return count_primes(lo, lo + size)


def serial(part, lo, hi):
    """The master's serial part, timed by its ss / se lines."""
    write_line('{"e":"ss","part":"%s","t":%d}' % (part, time.monotonic_ns()))
    value = count_primes(lo, hi)
    write_line('{"e":"se","part":"%s","v":%d,"t":%d}' % (part, value, time.monotonic_ns()))
    return value


def calibrate(seconds):
    """Numbers per second: a size that takes about `seconds`, then the
    fastest of three timings of it (a busy machine makes them noisy)."""
    size, spent = 500, 0.0
    while True:
        t = time.perf_counter()
        count_primes(BASE, BASE + size)
        spent = time.perf_counter() - t
        if spent >= seconds / 3 or size > 50_000_000:
            break
        size *= 2
    for _ in range(2):
        t = time.perf_counter()
        count_primes(BASE, BASE + size)
        spent = min(spent, time.perf_counter() - t)
    write_line('{"e":"rate","n":%.1f}' % (size / max(spent, 1e-9)))


def span(text):
    lo, hi = text.split(":")
    return int(lo), int(hi)


def lab_args(own):
    """The command line both drivers take, with `own(ap)` adding a
    driver's own options; None once a --calibrate run has reported."""
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--tasks", type=int, default=1)
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--chunksize", type=int, default=1)
    ap.add_argument("--kind", choices=["primes", "sleep"], default="primes")
    own(ap)
    ap.add_argument("--serial-before", type=span, default=(0, 0))
    ap.add_argument("--serial-after", type=span, default=(0, 0))
    ap.add_argument("--calibrate", type=float, default=0.0)
    a = ap.parse_args()
    if a.calibrate > 0:
        calibrate(a.calibrate)
        return None
    return a
