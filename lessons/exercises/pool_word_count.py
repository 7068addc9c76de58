"""Exercise: a parallel word count (lesson: map/reduce with a pool).

Usage: python pool_word_count.py [LETTERS] [COPIES]   (defaults: 5, 300)

Our corpus has only seven short books, so the script pretends that the
library holds COPIES copies of each: `library` lists every file COPIES
times, and every entry is one task.

The task
--------
1. Write count_words(min_letters, path), the map step: read the file
   (encoding="utf-8"), take its words with
   re.findall(r"[a-z]+", text.lower()), and return a
   collections.Counter of the words that have min_letters or more
   letters.
2. Write merge(total, counts), the reduce step: add counts into total
   (Counter.update adds) and return total.
3. In the master block, run count_words over library on a pool of 2
   workers with pool.map. pool.map calls a function of ONE argument,
   and a lambda cannot be sent to a worker: bind the first argument
   with functools.partial instead.
4. Reduce the per-book counters into one with functools.reduce and
   merge, starting from an empty Counter().
5. Take the TOP words with the highest counts (a tie goes to the word
   that comes first alphabetically), and print them in ALPHABETICAL
   order, then the number of different words:

       result: WORD COUNT
       ...
       result: N different words

The checks run it under fork, spawn and forkserver and look for at
least 2 worker processes. `forklab practice init` put the corpus next
to this file (forklab copies a fresh one for each check). Check with
`forklab practice check pool-word-count`, or the E key.

Hidden inputs: each check also runs your file on arguments and texts
in corpus/ you have not seen (new each time; the verdict gives the
seed to replay them) and compares its result: lines with the
reference's. Take the inputs from sys.argv and the files of corpus/:
an answer written into the file is right for the shown input only.
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
    # TODO 1
    raise NotImplementedError("TODO: count the words of one file")


def merge(total, counts):
    """Reduce step: add one file's counts into the total."""
    # TODO 2
    raise NotImplementedError("TODO: merge two counters")


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

    # TODO 3 to 5: pool.map with a partial, reduce with merge, print.
    raise NotImplementedError("TODO: map on a pool, then reduce")
