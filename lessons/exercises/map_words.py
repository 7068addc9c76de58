"""Exercise: words in each file, with map (lesson: map).

Usage: python map_words.py [FILE ...]   (default: corpus/*.txt)

The task
--------
1. Write count_words(path): open the file (encoding="utf-8") and
   return how many words it has. A word is anything between
   whitespace, so str.split() with no argument does the cutting.
2. Write describe(path, words): return the report line for one file,
   with only the file's base name (os.path.basename):

       result: ants.txt N words

3. In the master block, use map to count the words of every file.
   Then use map once more, with TWO lists (the files and the counts),
   to build the report lines, and print them ("\n".join(lines) makes
   one text of them). No loop at all, no for, no while and no
   comprehension: map does the walking, and forklab reads your code to
   check. Last, print the total:

       result: T words in 7 files

Watch out: map is lazy, and a map object can be walked only once. If
you need the counts twice (for the lines and for the total), keep
them in a list.

`forklab practice init` put the corpus next to this file (forklab
copies a fresh one for each check). Check your work with `forklab
practice check map-words`, or the E key.

Hidden inputs: each check also runs your file on texts in corpus/ you
have not seen (new each time; the verdict gives the seed to replay
them) and compares its result: lines with the reference's. Take the
inputs from the files of corpus/: an answer written into the file is
right for the shown input only.
"""
import glob
import os
import sys


def count_words(path):
    """Return the number of words in the text file at path."""
    # TODO 1
    raise NotImplementedError("TODO: count the words of one file")


def describe(path, words):
    """One line of the report, for one file."""
    # TODO 2
    raise NotImplementedError("TODO: build one report line")


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    if not files:
        sys.exit("no files: give file names, or put corpus/*.txt here")
    # TODO 3: map count_words over files, map describe over files and
    # counts, print each line, then print the total line.
    raise NotImplementedError("TODO: map, then print the report")
