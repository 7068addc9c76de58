"""Count the lines of each file with map.

Usage: python count_lines.py [FILE ...]   (default: corpus/*.txt)
"""
import glob
import sys


def count_lines(path):
    """Return the number of lines in the text file at path."""
    with open(path, encoding="utf-8") as f:
        return len(f.readlines())


if __name__ == "__main__":
    files = sys.argv[1:] or sorted(glob.glob("corpus/*.txt"))
    counts = map(count_lines, files)
    for name, n in zip(files, counts):
        print(f"{n:6} {name}")
