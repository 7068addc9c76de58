"""Exercise: make it work under every start method (lesson: Start methods).

Usage: python portable_counts.py [LETTERS]   (default 6)

This script counts, in each book of corpus/, the words of LETTERS or
more letters, on a pool of 2 workers. Check it as it is, with
`forklab practice check portable-counts`: it passes under fork and
fails under spawn. (By hand, with a corpus/ folder beside it:
FORKLAB_START_METHOD=spawn python3 portable_counts.py)

Under fork, each worker is a copy of the master made when the pool
starts, so it sees TEXTS and MIN_LETTERS as the master filled them in.
Under spawn and forkserver, a worker loads this file afresh: TEXTS is
empty there and MIN_LETTERS is back to its starting value.

The task
--------
Change the script so that it gives the same answer under fork, spawn
and forkserver, without relying on anything the master changes after
import:

1. Give each worker the data it needs as ARGUMENTS: for example, map
   over (name, text) pairs with pool.starmap, or bind the letters with
   functools.partial. (A pool initializer that receives the data in
   initargs works too.)
2. Leave the output as it is:

       result: ants.txt N
       ...
       result: total T

The checks run your script under fork, spawn and forkserver, and
compare every run's result lines with the reference solution's.
`forklab practice init` put the corpus next to this file (forklab
copies a fresh one for each check). Check with `forklab practice check
portable-counts`, or the E key.

Hidden inputs: each check also runs your file on arguments and texts
in corpus/ you have not seen (new each time; the verdict gives the
seed to replay them) and compares its result: lines with the
reference's. Take the inputs from sys.argv and the files of corpus/:
an answer written into the file is right for the shown input only.
"""
import glob
import multiprocessing
import os
import sys

TEXTS = {}          # file name -> text: filled in by the master
MIN_LETTERS = 4     # replaced by the master from the command line


def count_long(name):
    """How many words of the named book have MIN_LETTERS or more."""
    # TODO: take what you need as arguments, not from globals.
    words = TEXTS[name].split()
    return sum(1 for word in words
               if len(word.strip(".,;:!?\"'()")) >= MIN_LETTERS)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    MIN_LETTERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    for path in sorted(glob.glob("corpus/*.txt")):
        with open(path, encoding="utf-8") as f:
            TEXTS[os.path.basename(path)] = f.read()
    if not TEXTS:
        sys.exit("no corpus/*.txt next to the script")

    names = sorted(TEXTS)
    with multiprocessing.Pool(processes=2) as pool:
        counts = pool.map(count_long, names)   # TODO: send the data along

    for name, count in zip(names, counts):
        print(f"result: {name} {count}")
    print(f"result: total {sum(counts)}")
