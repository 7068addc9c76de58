"""forklab's lab driver: one run of a real multiprocessing pool, or of
a pool of threads (--api thread-pool, thread-executor) to show the GIL.

forklab runs this file with the learner's Python (under its guard, like
the lessons' examples) and reads what it prints: one JSON object per line
on stdout, written with a single os.write so that lines from the master
and from every worker stay whole on the shared pipe. Times are
time.monotonic_ns(), the clock forklab's own Instant reads on Linux.

Events (key "e"):
  hello     pid, python, method, api         the master is up
  asked     t                                the pool is being created
  spawned   pids, t                          the pool's worker processes
                                             (threads: their native thread ids)
  ready     pid, t                           a worker ran its initializer
  all       t                                every worker is ready
  ss / se   part, t (, v)                    the master's serial part
  s / d     p, i, t (, v)                    task i started / done on pid p
  died      pid, code                        a worker died mid-run
  x         pid, code                        a worker ended after the run
  done      t0, t1, v                        results of map, in order
  error     message                          the run cannot go on
  rate      n                                numbers per second (--calibrate)
"""

import json
import os
import sys
import threading
import time

# BASE, is_prime, count_primes, work, serial, calibrate and span come
# from common.py, which forklab puts in front of this file.
emit = write_line  # noqa: F821


# Set in every worker by the initializer (spawn re-imports this file).
KIND = "primes"
SIZE = 0
READY = None
GATE = None
# Who a worker is: its process id, or for threads its thread's id in the
# kernel (what /proc/PID/task lists), set by the master before the pool.
ME = os.getpid
THREADS = ("thread-pool", "thread-executor")


def init(kind, size, ready, gate):
    global KIND, SIZE, READY, GATE
    KIND, SIZE, GATE = kind, size, gate
    pid = ME()
    emit('{"e":"ready","pid":%d,"t":%d}' % (pid, time.monotonic_ns()))
    ready.put(pid)


def task(i):
    pid = ME()
    emit('{"e":"s","p":%d,"i":%d,"t":%d}' % (pid, i, time.monotonic_ns()))
    value = work(KIND, SIZE, i)  # noqa: F821
    emit('{"e":"d","p":%d,"i":%d,"v":%d,"t":%d}' % (pid, i, value, time.monotonic_ns()))
    return value


def gate():
    """Holds a worker until every worker is in: makes ProcessPoolExecutor,
    which starts workers on demand, start all of them before the run."""
    GATE.wait(120)
    return ME()


def own_args(ap):
    ap.add_argument("--method", default="default")
    ap.add_argument("--api", choices=["pool", "executor"] + list(THREADS), default="pool")


def start_threads(a, initargs):
    """The same two pools of threads: no start method, no pickling; the
    workers are the master's own threads, so one GIL for all of them."""
    global ME
    ME = threading.get_native_id
    if a.api == "thread-pool":
        from multiprocessing.pool import ThreadPool
        pool = ThreadPool(a.workers, initializer=init, initargs=initargs)
        return pool, list(pool._pool)
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(a.workers, initializer=init, initargs=initargs)
    gates = [pool.submit(gate) for _ in range(a.workers)]
    for g in gates:
        g.result(timeout=120)
    return pool, list(pool._threads)


def main():
    a = lab_args(own_args)  # noqa: F821
    if a is None:
        return 0

    import multiprocessing as mp

    threads = a.api in THREADS
    if threads:
        import queue
        method = "threads"
        ready = queue.SimpleQueue()
        gate_ = threading.Barrier(a.workers) if a.api == "thread-executor" else None
    else:
        method = mp.get_start_method() if a.method == "default" else a.method
        ctx = mp.get_context(method)
        ready = ctx.SimpleQueue()
        gate_ = ctx.Barrier(a.workers) if a.api == "executor" else None
    emit(json.dumps({"e": "hello", "pid": os.getpid(), "python": sys.version.split()[0],
                     "method": method, "api": a.api}))
    initargs = (a.kind, a.size, ready, gate_)
    emit('{"e":"asked","t":%d}' % time.monotonic_ns())
    if threads:
        pool, procs = start_threads(a, initargs)
    elif a.api == "pool":
        pool = ctx.Pool(a.workers, initializer=init, initargs=initargs)
        procs = list(pool._pool)
    else:
        from concurrent.futures import ProcessPoolExecutor
        pool = ProcessPoolExecutor(a.workers, mp_context=ctx, initializer=init, initargs=initargs)
        gates = [pool.submit(gate) for _ in range(a.workers)]
        for g in gates:
            g.result(timeout=120)
        procs = list(pool._processes.values())
    ids = [p.native_id for p in procs] if threads else [p.pid for p in procs]
    emit(json.dumps({"e": "spawned", "pids": ids, "t": time.monotonic_ns()}))
    seen = set()
    while len(seen) < a.workers:
        seen.add(ready.get())
    emit('{"e":"all","t":%d}' % time.monotonic_ns())

    t0 = time.monotonic_ns()
    total = 0
    if a.serial_before[1] > a.serial_before[0]:
        total += serial("before", *a.serial_before)
    if a.api in ("pool", "thread-pool"):
        res = pool.map_async(task, range(a.tasks), chunksize=a.chunksize)
        while not res.ready():
            res.wait(0.05)
            # A thread cannot die alone: its death is the whole driver's.
            for p in [] if threads else procs:
                code = p.exitcode
                if code is not None:
                    emit('{"e":"died","pid":%d,"code":%d}' % (p.pid, code))
                    emit(json.dumps({"e": "error", "message":
                        "worker pid %d ended mid-run (exit code %d); multiprocessing.Pool "
                        "does not redo its tasks, so map would wait for ever" % (p.pid, code)}))
                    pool.terminate()
                    return 3
        values = res.get()
    else:
        try:
            values = list(pool.map(task, range(a.tasks), chunksize=a.chunksize))
        except Exception as e:  # BrokenProcessPool when a worker dies
            for p in procs:
                p.join(2)  # the executor may still be ending them
                if p.exitcode not in (None, 0):
                    emit('{"e":"died","pid":%d,"code":%d}' % (p.pid, p.exitcode))
            emit(json.dumps({"e": "error", "message": "%s: %s" % (type(e).__name__, e)}))
            pool.shutdown(wait=False, cancel_futures=True) if sys.version_info >= (3, 9) else None
            return 3
    if a.serial_after[1] > a.serial_after[0]:
        total += serial("after", *a.serial_after)
    t1 = time.monotonic_ns()

    if a.api in ("pool", "thread-pool"):
        pool.close()
        pool.join()
    else:
        pool.shutdown(wait=True)
    for p in procs:
        p.join(5)
        if threads:
            pid, code = p.native_id, -9 if p.is_alive() else 0
        else:
            pid, code = p.pid, p.exitcode
        emit('{"e":"x","pid":%d,"code":%d,"t":%d}'
             % (pid, -9 if code is None else code, time.monotonic_ns()))
    emit('{"e":"done","t0":%d,"t1":%d,"v":%s}' % (t0, t1, json.dumps(values)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
