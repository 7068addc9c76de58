"""Exercise: fold the corpus into totals with reduce (lesson: reduce).

Usage: python reduce_words.py [FILE ...]   (default: corpus/*.txt)

The task
--------
words_of(path) is written for you: it returns the words of one file
as a list of lower-case strings, in the order they appear.

1. Write add(a, b) and longer(a, b). longer returns the longer of two
   words; when both have the same length it must return the FIRST one,
   a. (reduce works from the left, so this keeps the earliest of the
   longest words.)
2. In the master block, with functools.reduce and no loop at all (no
   for, no while, no comprehension: forklab reads your code to check):
   - the total number of words of all files: reduce add over the
     length of each file's list (give a start value, so that an empty
     list of files would still work);
   - one list of every word of every file, in order: reduce add over
     the per-file lists, starting from [] (+ joins two lists);
   - the longest word: reduce longer over that list, starting from "".
3. Print exactly these two lines:

       result: N words in 7 files
       result: longest word: WORD (L letters)

   with the numbers and the word filled in.

`forklab practice init` put the corpus next to this file (forklab
copies a fresh one for each check). Check your work with `forklab
practice check reduce-words`, or the E key in forklab.

Hidden inputs: each check also runs your file on texts in corpus/ you
have not seen (new each time; the verdict gives the seed to replay
them) and compares its result: lines with the reference's. Take the
inputs from the files of corpus/: an answer written into the file is
right for the shown input only.
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
    # TODO 1
    raise NotImplementedError("TODO: write add")


def longer(a, b):
    """The longer of two words; on a tie, the first one."""
    # TODO 1
    raise NotImplementedError("TODO: write longer")


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no files: give file names, or put corpus/*.txt here")
    per_file = list(map(words_of, files))
    # TODO 2 and 3: three reduces, then two result lines.
    raise NotImplementedError("TODO: reduce, then print the results")
