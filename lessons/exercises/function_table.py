"""Exercise: a table of functions (lesson: Functions are objects).

Usage: python function_table.py X [NAME ...]
Example: python function_table.py 7 square halve

The task
--------
A function is a value like any other: you can keep it in a dictionary,
pass it to another function, and ask it for its name and docstring.

1. Fill in OPERATIONS: a dictionary from each function's name (a
   string) to the function itself. Use each function's __name__
   rather than typing the names twice.
2. Write apply_all(funcs, x): call every function in the list funcs
   on x, and return a list of (function, result) pairs.
3. In the master block, look up each NAME given on the command line
   (all of OPERATIONS, in sorted order, when none is given), call
   apply_all, and print one line per function, like this:

       result: square(7) = 49   # Multiply x by itself.

   The name comes from the function's __name__ and the comment from
   its __doc__. Lines starting with "result: " are what forklab
   compares with the reference solution.
4. An unknown NAME should stop the script with a clear message
   (sys.exit("...")), not a KeyError traceback.

Check your work with `forklab practice check function-table`, or the
E key in forklab.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import sys


def square(x):
    """Multiply x by itself."""
    return x * x


def double(x):
    """Add x to itself."""
    return x + x


def negate(x):
    """Flip the sign of x."""
    return -x


def halve(x):
    """Split x into two equal parts and keep one."""
    return x / 2


# TODO 1: map each function's __name__ to the function itself.
OPERATIONS = {}


def apply_all(funcs, x):
    """Call every function of funcs on x; return (function, result) pairs."""
    # TODO 2
    raise NotImplementedError("TODO: write apply_all")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: function_table.py X [NAME ...]")
    x = int(sys.argv[1])
    # TODO 3 and 4: look the names up, call apply_all, print the lines.
    raise NotImplementedError("TODO: look up the functions and print")
