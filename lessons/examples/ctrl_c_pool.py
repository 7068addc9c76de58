"""Ctrl-C and a pool: SIGINT reaches every process of the group.

Usage: python ctrl_c_pool.py

Ctrl-C in a terminal sends SIGINT to every process of the foreground
process group: the master and each worker. This script sends it the
same way (os.killpg) once two workers are busy, to a process group of
its own.

1. Plain pool: each worker's task is interrupted too, and prints a
   KeyboardInterrupt of its own.
2. Workers that ignore SIGINT (an initializer): only the master hears
   it, and it ends the pool on purpose with terminate().
"""
import multiprocessing
import os
import signal
import time


BUSY = None                        # shared counts: tasks running,
HIT = None                         # and tasks interrupted


def task(n):
    with BUSY.get_lock():
        BUSY.value += 1
    try:
        time.sleep(30)
    except KeyboardInterrupt:
        with HIT.get_lock():
            HIT.value += 1
        print(f"   worker {os.getpid()}: KeyboardInterrupt in task {n}",
              flush=True)
        raise
    return n


def init(busy, hit, calm):
    """Runs once in each worker. With calm, the worker ignores SIGINT
    and leaves the decision to the master."""
    global BUSY, HIT
    BUSY, HIT = busy, hit
    if calm:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def press_ctrl_c(busy):
    """What the terminal does on Ctrl-C, once both tasks are running."""
    deadline = time.monotonic() + 60
    while busy.value < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(os.getpgrp(), signal.SIGINT)


def run(part, calm):
    context = multiprocessing.get_context(
        os.environ.get("FORKLAB_START_METHOD") or None)
    busy, hit = context.Value("i", 0), context.Value("i", 0)
    pool = context.Pool(2, initializer=init, initargs=(busy, hit, calm))
    try:
        pool.map_async(task, range(2), chunksize=1)
        press_ctrl_c(busy)
        time.sleep(5)              # the master is waiting here
        print(f"{part} the master was not interrupted")
    except KeyboardInterrupt:
        print(f"{part} master: KeyboardInterrupt", flush=True)
        deadline = time.monotonic() + (10 if not calm else 1)
        while hit.value < 2 and time.monotonic() < deadline:
            time.sleep(0.05)       # give the workers time to report
        print(f"{part} tasks interrupted in the workers: {hit.value}; "
              "terminate() the pool", flush=True)
        pool.terminate()
    finally:
        pool.join()


if __name__ == "__main__":
    if os.getpgrp() != os.getpid():
        os.setpgrp()               # signal only this script's family
    run("1.", calm=False)
    run("2.", calm=True)
    print("both pools ended; nothing left running")
