"""functools.reduce: fold a list into one value, left to right."""
from functools import reduce


def add(a, b):
    return a + b


def multiply(a, b):
    return a * b


def join_words(a, b):
    return a + " " + b


def subtract_and_say(a, b):
    """Subtract, and print the step so we can see the order."""
    print(f"  {a} - {b} = {a - b}")
    return a - b


if __name__ == "__main__":
    print("sum of 1..10:      ", reduce(add, range(1, 11)))
    print("product of 1..6:   ", reduce(multiply, range(1, 7)))
    words = ["map", "then", "reduce"]
    print("joined:            ", reduce(join_words, words))

    print("left to right:")
    result = reduce(subtract_and_say, [100, 20, 5, 1])
    print("result:            ", result)

    print("empty, start 0:    ", reduce(add, [], 0))
    print("empty, start 1:    ", reduce(multiply, [], 1))
    print("start 1000:        ", reduce(add, [1, 2, 3], 1000))
    try:
        reduce(add, [])
    except TypeError as err:
        print("empty, no start:    TypeError:", err)
