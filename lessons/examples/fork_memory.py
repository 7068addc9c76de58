"""What do forked workers cost in memory? Watch USS and PSS.

Usage: python fork_memory.py [ITEMS] [WORKERS] [PAUSE]

The master builds a big list (ITEMS small lists) and starts WORKERS
processes three times:

1. fork: the workers run a full garbage collection, then only read
   every item of the list;
2. fork after gc.freeze(): the same steps;
3. spawn: fresh interpreters, which never see the list.

After each step every process reads its own memory from Linux's
/proc/self/smaps_rollup: USS (pages only it holds) and PSS (its
proportional share: a page shared by three processes counts a third
in each). In forklab, press M to see the same columns in the process
pane. PAUSE seconds between steps leave time to watch them.
"""
import gc
import multiprocessing
import sys
import time

BIG = []
MB = 1024 * 1024


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
        readings.put((index, memory()))
        barrier.wait(timeout=60)  # the master prints this step
        barrier.wait(timeout=60)  # ... and pauses, then the next step


def show(reading):
    if reading is None:
        return "unknown"
    uss, pss = reading
    return f"USS {uss / MB:5.1f} PSS {pss / MB:5.1f}"


def stage(method, title, steps, workers, pause):
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
        print(f"  {step:<16} master {show(memory())} | "
              f"each worker {each}  (MB)", flush=True)
        time.sleep(pause)
        barrier.wait(timeout=60)
    for p in procs:
        p.join()
    return all(p.exitcode == 0 for p in procs)


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
    print(f"master: every worker finished cleanly: {ok}", flush=True)
    sys.exit(0 if ok else 1)
