"""The line counter again, with lambdas instead of named functions.

Usage: python count_lines_lambda.py [FILE ...]
(default: every corpus/*.txt file)
"""
import glob
import sys
from functools import reduce
from pathlib import Path

if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    counts = list(map(
        lambda p: len(Path(p).read_text("utf-8").splitlines()),
        files))
    for name, n in zip(files, counts):
        print(f"{n:6} {name}")
    total = reduce(lambda x, y: x + y, counts, 0)
    print(f"{total:6} lines in {len(files)} files")
