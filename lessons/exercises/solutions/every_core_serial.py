"""Serial reference for every_core: the same sum in one process.

Usage: python every_core_serial.py [N]   (default 24000000)
"""
import sys


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24_000_000
    print(f"result: sum of squares below {n}: {sum_squares((0, n))}")
