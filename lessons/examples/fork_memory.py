"""What do forked workers cost in memory? Watch USS and PSS.

Usage: python fork_memory.py [ITEMS] [WORKERS] [PAUSE]

The master builds a big list (ITEMS small lists) and starts WORKERS
processes five times:

1. fork: the workers run a full garbage collection, then only read
   every item of the list;
2. fork after gc.freeze(): the same steps;
3. spawn: fresh interpreters, which never see the list;
4. forkserver: the workers import a few standard-library modules (the
   LIBRARY below, standing in for what your tasks need), then run a
   full garbage collection;
5. forkserver with multiprocessing.set_forkserver_preload(LIBRARY): the
   fork server imports them once, before it forks any worker.

Each forkserver stage runs in a new driver process (started by spawn),
because a program has one fork server, and its preload list counts only
before that server starts. The drivers never see the big list.

After each step every process reads its own memory from Linux's
/proc/self/smaps_rollup: USS (pages only it holds) and PSS (its
proportional share: a page shared by three processes counts a third
in each). In forklab, press M to see the same columns in the process
pane. PAUSE seconds between steps leave time to watch them.
"""
import gc
import importlib
import multiprocessing
import sys
import time

BIG = []
MB = 1024 * 1024
# Standard-library modules a worker might need, about 15 MB once imported.
LIBRARY = ["asyncio", "decimal", "email.message", "http.server", "json",
           "logging", "unittest", "xml.etree.ElementTree"]


def memory():
    """(USS, PSS) in bytes from smaps_rollup, or None where there is none."""
    try:
        with open("/proc/self/smaps_rollup") as f:
            text = f.read()
    except OSError:
        return None
    kb = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            kb[name] = int(parts[0]) * 1024
    try:
        return kb["Private_Clean"] + kb["Private_Dirty"], kb["Pss"]
    except KeyError:
        return None


def read_every_item():
    """Only reads: but each item's reference count goes up and down."""
    return sum(len(item) for item in BIG)


def worker(index, steps, barrier, readings):
    for step in steps:
        if step == "read every item":
            read_every_item()
        elif step == "gc.collect()":
            gc.collect()
        elif step == "import LIBRARY":
            for name in LIBRARY:
                importlib.import_module(name)
        readings.put((index, memory()))
        barrier.wait(timeout=60)  # the master prints this step
        barrier.wait(timeout=60)  # ... and pauses, then the next step


def show(reading):
    if reading is None:
        return "unknown"
    uss, pss = reading
    return f"USS {uss / MB:5.1f} PSS {pss / MB:5.1f}"


def stage(method, title, steps, workers, pause, who="master"):
    ctx = multiprocessing.get_context(method)
    barrier = ctx.Barrier(workers + 1)
    readings = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(i, steps, barrier, readings))
             for i in range(workers)]
    for p in procs:
        p.start()
    print(f"{title}:", flush=True)
    for step in steps:
        got = dict(readings.get(timeout=60) for _ in procs)
        barrier.wait(timeout=60)
        each = "; ".join(show(got[i]) for i in range(workers))
        print(f"  {step:<16} {who} {show(memory())} | "
              f"each worker {each}  (MB)", flush=True)
        time.sleep(pause)
        barrier.wait(timeout=60)
    for p in procs:
        p.join()
    return all(p.exitcode == 0 for p in procs)


def forkserver_stage(preload, workers, pause, done):
    """Runs in a fresh driver: its own fork server, preloading or not."""
    if preload:
        multiprocessing.set_forkserver_preload(LIBRARY)
        title = "forkserver, LIBRARY preloaded in the server"
    else:
        title = "forkserver, each worker imports LIBRARY"
    done.put(stage("forkserver", title,
                   ["just started", "import LIBRARY", "gc.collect()"],
                   workers, pause, who="driver"))


def in_driver(preload, workers, pause):
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Queue()
    driver = ctx.Process(target=forkserver_stage,
                         args=(preload, workers, pause, done))
    driver.start()
    ok = done.get(timeout=120)
    driver.join()
    return ok and driver.exitcode == 0


if __name__ == "__main__":
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    before = memory()
    BIG.extend([i, i] for i in range(items))
    after = memory()
    if after is None:
        print("No /proc/self/smaps_rollup here (it is Linux's): "
              "the readings below say unknown.")
    else:
        print(f"master: {items} small lists take "
              f"{(after[0] - before[0]) / MB:.1f} MB of its own memory; "
              f"before any fork: {show(after)} MB")
    ok = True
    if "fork" in multiprocessing.get_all_start_methods():
        ok &= stage("fork", "fork, the workers only read",
                    ["just forked", "gc.collect()", "read every item"],
                    workers, pause)
        gc.freeze()
        ok &= stage("fork", "fork after gc.freeze()",
                    ["just forked", "gc.collect()", "read every item"],
                    workers, pause)
        gc.unfreeze()
    else:
        print("fork is not offered here: only spawn runs.")
    ok &= stage("spawn", "spawn, fresh interpreters",
                ["just started", "read every item"], workers, pause)
    if "forkserver" in multiprocessing.get_all_start_methods():
        ok &= in_driver(False, workers, pause)
        ok &= in_driver(True, workers, pause)
    else:
        print("forkserver is not offered here: its stages do not run.")
    print(f"master: every worker finished cleanly: {ok}", flush=True)
    sys.exit(0 if ok else 1)
