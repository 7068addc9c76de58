"""Total line count of many files: map, then reduce.

Usage: python total_lines.py [FILE ...]   (default: corpus/*.txt)
"""
import glob
import sys
from functools import reduce


def count_lines(path):
    """Return the number of lines in the text file at path."""
    with open(path, encoding="utf-8") as f:
        return len(f.readlines())


def add(a, b):
    return a + b


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    counts = list(map(count_lines, files))
    for name, n in zip(files, counts):
        print(f"{n:6} {name}")
    total = reduce(add, counts, 0)
    print(f"{total:6} lines in {len(files)} files")
