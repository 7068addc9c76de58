"""From a hand-written loop to the built-in map."""


def add(a, b):
    return a + b


def square(x):
    return x * x


def mapper(func, *lists):
    """Our own map: call func on the matching items of the lists."""
    results = []
    for args in zip(*lists):
        results.append(func(*args))
    return results


if __name__ == "__main__":
    a = [1, 2, 3, 4, 5]
    b = [10, 20, 30, 40, 50]

    # 1. A loop written for one job: add matching items.
    sums = []
    for x, y in zip(a, b):
        sums.append(add(x, y))
    print("loop:          ", sums)

    # 2. The same loop made general: the function is a parameter.
    print("mapper add:    ", mapper(add, a, b))
    print("mapper square: ", mapper(square, a))

    # 3. The built-in map is lazy: it computes items on demand.
    squares = map(square, a)
    print("map gives a:   ", type(squares).__name__, "object")
    print("list of it:    ", list(squares))
    print("second time:   ", list(squares))    # already used up
    print("two lists:     ", list(map(add, a, b)))

    # 4. Give one list per parameter of the function.
    try:
        list(map(add, a))
    except TypeError as err:
        print("TypeError:     ", err)
