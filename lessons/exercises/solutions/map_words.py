"""Reference solution: words in each file of the corpus, with map.

Usage: python map_words.py [FILE ...]   (default: corpus/*.txt)
"""
import glob
import os
import sys


def count_words(path):
    """Return the number of words in the text file at path."""
    with open(path, encoding="utf-8") as f:
        return len(f.read().split())


def describe(path, words):
    """One line of the report, for one file."""
    return f"result: {os.path.basename(path)} {words} words"


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no files: give file names, or put corpus/*.txt here")
    counts = list(map(count_words, files))        # used twice below
    print("\n".join(map(describe, files, counts)))  # two lists, two args
    print(f"result: {sum(counts)} words in {len(files)} files")
