"""Count the lines of many files, one file per task, in parallel.

Usage: python parallel_line_count.py [FILE ...]
(default: every corpus/*.txt file)
"""
import glob
import multiprocessing
import os
import sys


def count_lines(path):
    """Return the number of lines in the text file at path."""
    with open(path, encoding="utf-8") as f:
        return len(f.readlines())


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    with multiprocessing.Pool() as pool:
        counts = pool.map(count_lines, files)    # map: in parallel
    for name, n in zip(files, counts):
        print(f"{n:6} {name}")
    print(f"{sum(counts):6} lines in {len(files)} files")   # reduce
