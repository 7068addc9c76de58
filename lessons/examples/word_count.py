"""Count words in many files in parallel, then merge the counts.

Usage: python word_count.py [FILE ...]   (default: corpus/*.txt)
Prints the 20 most frequent words of five or more letters, in
alphabetical order.
"""
import glob
import multiprocessing
import os
import re
import sys
from functools import reduce

TOP = 20          # how many words to print
MIN_LETTERS = 5   # skip short words such as "the", "and", "of"


def count_words(path):
    """Map step: return a {word: count} dict for one file."""
    with open(path, encoding="utf-8") as f:
        words = re.findall(r"[a-z]+(?:'[a-z]+)*", f.read().lower())
    counts = {}
    for word in words:
        if len(word) >= MIN_LETTERS:
            counts[word] = counts.get(word, 0) + 1
    return counts


def merge(total, counts):
    """Reduce step: add the counts of one file into the total."""
    for word, n in counts.items():
        total[word] = total.get(word, 0) + n
    return total


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    with multiprocessing.Pool() as pool:
        per_file = pool.map(count_words, files)
    totals = reduce(merge, per_file, {})

    # The most frequent words (ties broken alphabetically)...
    by_count = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    frequent = by_count[:TOP]
    # ...printed in alphabetical order.
    for word, n in sorted(frequent):
        print(f"{word:15} {n:5}")
    print(f"{len(totals)} different long words in {len(files)} files")
