"""Reference solution: a parallel word count, map on a pool, reduce after.

Usage: python pool_word_count.py [LETTERS] [COPIES]   (defaults: 5, 300)
"""
import glob
import multiprocessing
import os
import re
import sys
from collections import Counter
from functools import partial, reduce

TOP = 10


def count_words(min_letters, path):
    """Map step: a Counter of the words of one file with min_letters+."""
    with open(path, encoding="utf-8") as f:
        words = re.findall(r"[a-z]+", f.read().lower())
    return Counter(w for w in words if len(w) >= min_letters)


def merge(total, counts):
    """Reduce step: add one file's counts into the total."""
    total.update(counts)
    return total


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    letters = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    files = sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no corpus/*.txt next to the script")
    library = files * copies               # every book, COPIES times

    with multiprocessing.Pool(processes=2) as pool:
        # A lambda cannot travel to a worker; a partial of a def can.
        per_book = pool.map(partial(count_words, letters), library)
    totals = reduce(merge, per_book, Counter())

    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    print(f"{len(library)} books counted")
    for word, n in sorted(top):
        print(f"result: {word} {n}")
    print(f"result: {len(totals)} different words")
