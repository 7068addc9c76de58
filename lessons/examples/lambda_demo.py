"""lambda: small functions without a name."""
from functools import partial, reduce


def add(a, b):
    return a + b


if __name__ == "__main__":
    a = [1, 2, 3, 4, 5]
    b = [10, 20, 30, 40, 50]

    print("squares:  ", list(map(lambda x: x * x, a)))
    print("pair sums:", list(map(lambda x, y: x + y, a, b)))
    print("product:  ", reduce(lambda x, y: x * y, a))

    # Bind one argument of add to make a new one-argument function.
    plus_five = lambda x: add(x, 5)
    print("plus five:", list(map(plus_five, a)))

    # functools.partial does the same job, and has a real name.
    add_five = partial(add, 5)
    print("partial:  ", list(map(add_five, a)))

    # Sort by a key computed by a lambda: shortest word first.
    words = ["multiprocessing", "map", "pool", "lambda"]
    print("by length:", sorted(words, key=lambda w: len(w)))

    print("its name: ", plus_five.__name__)
