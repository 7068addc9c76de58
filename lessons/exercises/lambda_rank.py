"""Exercise: rank the corpus by long words, with lambdas (lesson: lambda).

Usage: python lambda_rank.py [LETTERS]   (default 7)

The task
--------
Rank the files of corpus/ by how many "long" words each has: words of
LETTERS letters or more, once the punctuation around them is stripped
(word.strip(PUNCTUATION)). Use no def at all: every function you
need is a lambda (forklab reads your code to check).

1. is_long: a lambda that is True for a long word. It may use the
   variable letters from the master block.
2. pairs: with map and a lambda, turn each path of files into a pair
   (base name of the file, number of long words in it). Hints:
   Path(path).read_text("utf-8").split() gives the words, and
   len(list(filter(is_long, words))) counts the long ones.
3. ranked: the pairs sorted with a key lambda, most long words first;
   on a tie, by file name (a key can return a tuple such as
   (-count, name)).
4. Print one line per file, then the total (a reduce with a lambda
   that adds up the counts, starting from 0):

       result: 1. NAME COUNT
       result: 2. NAME COUNT
       ...
       result: TOTAL words of 7 or more letters

`forklab practice init` put the corpus next to this file (forklab
copies a fresh one for each check). Check your work with `forklab
practice check lambda-rank`, or the E key in forklab.

Hidden inputs: each check also runs your file on arguments and texts
in corpus/ you have not seen (new each time; the verdict gives the
seed to replay them) and compares its result: lines with the
reference's. Take the inputs from sys.argv and the files of corpus/:
an answer written into the file is right for the shown input only.
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

    # TODO 1 to 4: is_long, pairs, ranked, then the result lines.
    raise NotImplementedError("TODO: rank the files with lambdas")
