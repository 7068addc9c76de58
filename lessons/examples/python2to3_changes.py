"""Five things that changed between Python 2 and Python 3, live.

Usage: python python2to3_changes.py

Each section prints what Python 3 does; the lesson says what
Python 2 did instead.
"""
import multiprocessing
import os
import time
from functools import reduce          # 1. reduce lives here now


def square(x):
    return x * x


def add(a, b):
    return a + b


def slow_square(x):
    time.sleep(1)
    return x * x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    # 2. map is lazy: it gives an iterator that runs once.
    squares = map(square, [1, 2, 3, 4])
    print("map gives:", type(squares).__name__)
    print("first pass:", list(squares))
    print("second pass:", list(squares))

    # 1. reduce, imported from functools.
    print("reduce(add, ...):", reduce(add, range(1, 11)))

    # 3. No tuple parameters: this Python 2 line will not compile.
    try:
        compile("def norm((x, y)): return x * x + y * y",
                "<py2>", "exec")
    except SyntaxError:
        print("def norm((x, y)): ... -> SyntaxError")

    # 4. print is a function, with keyword arguments.
    print("print", "is", "a", "function", sep="-", end="!\n")

    # 5. Leaving a Pool's with block calls terminate(): a task still
    #    running is killed, even one that needed only a second more.
    with multiprocessing.Pool(processes=1) as pool:
        done = pool.apply_async(square, (6,))
        print("collected inside the block:", done.get())
        late = pool.apply_async(slow_square, (7,))
        time.sleep(0.2)              # the 1-second task is running now
    late.wait(2)                     # twice as long as the task needs
    print("slow task ready 2 s after the block?", late.ready())
    print("pool workers left:", len(multiprocessing.active_children()))

    # The same task, but close() and join() before the block ends:
    # the pool finishes its work, then the block's terminate() is
    # harmless.
    with multiprocessing.Pool(processes=1) as pool:
        late = pool.apply_async(slow_square, (7,))
        pool.close()                 # no more tasks
        pool.join()                  # wait for the workers to finish
    print("with close() and join() first:", late.get(timeout=1))
