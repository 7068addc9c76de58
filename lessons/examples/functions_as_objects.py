"""Functions are values: rename them, look inside, pass them on."""


def add(a, b):
    """Return the sum of a and b."""
    return a + b


def multiply(a, b):
    """Return the product of a and b."""
    return a * b


def call_function(func, a, b):
    """Call func(a, b), report the call, and return its result."""
    result = func(a, b)
    print(f"called {func.__name__}({a}, {b}) -> {result}")
    return result


if __name__ == "__main__":
    plus = add                # no brackets: nothing is called
    print("plus(2, 3) =", plus(2, 3))
    print("plus.__name__ =", plus.__name__)
    print("plus.__doc__ =", plus.__doc__)
    print("plus is add:", plus is add)

    for func in [add, multiply]:
        call_function(func, 6, 7)
