"""Reference solution: the same answer under fork, spawn and forkserver.

Usage: python portable_counts.py [LETTERS]   (default 6)
"""
import glob
import multiprocessing
import os
import sys
from functools import partial


def count_long(min_letters, text):
    """How many words of text have min_letters or more letters."""
    words = text.split()
    return sum(1 for word in words
               if len(word.strip(".,;:!?\"'()")) >= min_letters)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    min_letters = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    texts = {}
    for path in sorted(glob.glob("corpus/*.txt")):
        with open(path, encoding="utf-8") as f:
            texts[os.path.basename(path)] = f.read()
    if not texts:
        sys.exit("no corpus/*.txt next to the script")

    names = sorted(texts)
    with multiprocessing.Pool(processes=2) as pool:
        # Everything a worker needs travels with the task.
        counts = pool.map(partial(count_long, min_letters),
                          [texts[name] for name in names])

    for name, count in zip(names, counts):
        print(f"result: {name} {count}")
    print(f"result: total {sum(counts)}")
