"""Serial reference for pool_collatz: the same answer from one process.

Usage: python pool_collatz_serial.py [WORKERS] [LIMIT]   (WORKERS ignored)
"""
import sys


def steps(n):
    """How many Collatz steps take n down to 1."""
    count = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        count += 1
    return count


if __name__ == "__main__":
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    numbers = range(1, limit)
    counts = list(map(steps, numbers))
    best = max(counts)
    start = numbers[counts.index(best)]
    print(f"result: longest chain below {limit} starts at {start}")
    print(f"result: it takes {best} steps")
