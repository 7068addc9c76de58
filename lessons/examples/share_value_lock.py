"""Sharing memory: Value with and without its lock, Array, and
shared_memory.

Usage: python share_value_lock.py [WORKERS] [ADDS]

WORKERS processes (default 4) each add 1 to one shared counter ADDS
times (default 20000): first without taking the lock, then with it.
Then they fill a shared Array, and write into a SharedMemory block
that they find by its name. Last, a Pool: a Value given as a task
argument is refused, and the same Value handed over by the pool's
initializer works.
"""
import multiprocessing
import os
import sys
from multiprocessing import shared_memory


def add_unlocked(counter, adds):
    for _ in range(adds):
        counter.value += 1           # read, add, write: not one step


def add_locked(counter, adds):
    for _ in range(adds):
        with counter.get_lock():     # one process at a time
            counter.value += 1


def square_slice(numbers, start, stop):
    for i in range(start, stop):
        numbers[i] = i * i


def write_letter(name, index):
    block = shared_memory.SharedMemory(name=name)   # attach by name
    block.buf[index] = ord("A") + index
    block.close()


COUNTER = None                       # a pool worker's own global


def keep_counter(counter):
    """The pool's initializer: runs once in each worker as it starts."""
    global COUNTER
    COUNTER = counter


def bump(counter):
    with counter.get_lock():
        counter.value += 1


def bump_kept(_):
    bump(COUNTER)


def run_all(target, args_list):
    workers = [multiprocessing.Process(target=target, args=args)
               for args in args_list]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    adds = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    want = workers * adds

    # 1. A shared int ('i'), first without the lock, then with it.
    counter = multiprocessing.Value("i", 0)
    run_all(add_unlocked, [(counter, adds)] * workers)
    print(f"Value without the lock: {counter.value} of {want} "
          f"({want - counter.value} updates lost)")
    counter.value = 0
    run_all(add_locked, [(counter, adds)] * workers)
    print(f"Value with the lock:    {counter.value} of {want}")

    # 2. A shared array of doubles ('d'); each worker fills a slice.
    n = 12
    numbers = multiprocessing.Array("d", n)
    step = -(-n // workers)
    run_all(square_slice, [(numbers, i, min(i + step, n))
                           for i in range(0, n, step)])
    print(f"Array: {[int(x) for x in numbers[:]]}")

    # 3. A raw block of shared memory, found by its name.
    block = shared_memory.SharedMemory(create=True, size=workers)
    try:
        run_all(write_letter, [(block.name, i) for i in range(workers)])
        print(f"shared_memory: the workers wrote "
              f"{bytes(block.buf[:workers]).decode()!r}")
    finally:
        block.close()
        block.unlink()               # free it: the master made it

    # 4. A Pool: tasks travel later, through the pool's queue, and a
    #    Value refuses to be sent that way. initargs travel at start.
    counter = multiprocessing.Value("i", 0)
    with multiprocessing.Pool(workers) as pool:
        try:
            pool.apply(bump, (counter,))
        except RuntimeError as error:
            print(f"Pool, Value as a task argument: RuntimeError: {error}")
    with multiprocessing.Pool(workers, initializer=keep_counter,
                              initargs=(counter,)) as pool:
        pool.map(bump_kept, range(100))
    print(f"Pool, Value through initargs: {counter.value} of 100")
