"""Ending processes: terminate() and a held lock; exitcode, is_alive,
close() and daemon.

Usage: python ending_processes.py
"""
import multiprocessing
import os
import time


def hold(lock, ready):
    with lock:                     # released only if this block ends
        ready.set()
        time.sleep(60)


def nap():
    time.sleep(0.2)


def parent():
    child = multiprocessing.Process(target=nap)
    child.start()                  # a daemon may not do this
    child.join()


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    # 1. terminate() a process that holds a lock.
    lock, ready = multiprocessing.Lock(), multiprocessing.Event()
    holder = multiprocessing.Process(target=hold, args=(lock, ready))
    holder.start()
    ready.wait(30)
    print(f"1. holder alive: {holder.is_alive()}, exitcode "
          f"{holder.exitcode}")
    holder.terminate()             # SIGTERM: no with-block exit runs
    holder.join()
    print(f"   after terminate(): alive {holder.is_alive()}, exitcode "
          f"{holder.exitcode}")
    print(f"   the lock can be taken: {lock.acquire(timeout=1)}")

    # 2. close() frees the object's resources; then it refuses questions.
    holder.close()
    try:
        holder.is_alive()
    except ValueError as err:
        print(f"2. after close(): ValueError: {err}")

    # 3. A daemon process may not start children of its own.
    daemon = multiprocessing.Process(target=parent, daemon=True)
    daemon.start()
    daemon.join()
    print(f"3. a daemon that started a child: exitcode {daemon.exitcode}")

    # 4. A daemon still running when the master ends is terminated.
    sleeper = multiprocessing.Process(target=time.sleep, args=(60,),
                                      daemon=True)
    sleeper.start()
    print(f"4. daemon sleeper alive: {sleeper.is_alive()}; the master "
          "ends now and takes it along")
