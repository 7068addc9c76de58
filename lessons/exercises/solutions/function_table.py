"""Reference solution: a table of functions.

Usage: python function_table.py X [NAME ...]
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


# The functions themselves are the values: no brackets after the names.
OPERATIONS = {func.__name__: func for func in (square, double, negate, halve)}


def apply_all(funcs, x):
    """Call every function of funcs on x; return (function, result) pairs."""
    return [(func, func(x)) for func in funcs]


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: function_table.py X [NAME ...]")
    x = int(sys.argv[1])
    names = sys.argv[2:] or sorted(OPERATIONS)
    unknown = [name for name in names if name not in OPERATIONS]
    if unknown:
        sys.exit(f"unknown function(s): {', '.join(unknown)}; "
                 f"choose from {', '.join(sorted(OPERATIONS))}")

    funcs = [OPERATIONS[name] for name in names]
    for func, value in apply_all(funcs, x):
        print(f"result: {func.__name__}({x}) = {value}   # {func.__doc__}")
