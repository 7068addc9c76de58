"""Reference solution: the corpus folded into totals with reduce.

Usage: python reduce_words.py [FILE ...]   (default: corpus/*.txt)
"""
import glob
import re
import sys
from functools import reduce


def words_of(path):
    """The words of a file, lower case, letters only, in order."""
    with open(path, encoding="utf-8") as f:
        return re.findall(r"[a-z]+", f.read().lower())


def add(a, b):
    return a + b


def longer(a, b):
    """The longer of two words; on a tie, the first one."""
    return b if len(b) > len(a) else a


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no files: give file names, or put corpus/*.txt here")
    per_file = list(map(words_of, files))

    total = reduce(add, map(len, per_file), 0)
    every_word = reduce(add, per_file, [])        # lists join with +
    longest = reduce(longer, every_word, "")

    print(f"result: {total} words in {len(files)} files")
    print(f"result: longest word: {longest} ({len(longest)} letters)")
