"""Reference solution: rank the corpus by long words, with lambdas only.

Usage: python lambda_rank.py [LETTERS]   (default 7)
"""
import glob
import os
import sys
from functools import reduce
from pathlib import Path

PUNCTUATION = ".,;:!?\"'()"

if __name__ == "__main__":
    letters = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    files = sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no corpus/*.txt next to the script")

    is_long = lambda word: len(word.strip(PUNCTUATION)) >= letters
    pairs = list(map(
        lambda path: (os.path.basename(path),
                      len(list(filter(is_long,
                                      Path(path).read_text("utf-8")
                                      .split())))),
        files))
    ranked = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    for place, (name, count) in enumerate(ranked, start=1):
        print(f"result: {place}. {name} {count}")
    total = reduce(lambda a, pair: a + pair[1], ranked, 0)
    print(f"result: {total} words of {letters} or more letters")
