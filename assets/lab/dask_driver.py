"""forklab's Dask driver: one lab run on a Dask cluster.

forklab runs this file with the learner's Python under its guard (like
the Python driver) and reads one JSON object per line on stdout. The
run uses the scheduler given with --scheduler, or starts a LocalCluster
with --workers worker processes (one thread each) and closes it at the
end; the guard kills whatever is left if forklab goes away.

Each Dask task is one chunk of --chunksize lab tasks. A task records the
wall-clock time (time.time(), the clock of the scheduler's task stream)
around every lab task it runs, on the worker; this driver turns those
readings into time.monotonic_ns() on this machine, the clock forklab's
Instant reads, and checks each Dask task's span against the scheduler's
task stream (worker and compute start/stop) when the run ends.

Events (key "e"):
  hello     pid, python, dask, scheduler, local   connected
  asked     t                                      cluster being started / joined
  worker    a, pid, host, nthreads, mem, t         a worker the run uses
  all       t                                      every worker is ready
  ss / se   part, t (, v)                          the master's serial part
  s / d     a, i, t (, v)                          task i started / done on worker a
  cluster   w: [{a, pid, host, nthreads, mem, used, cpu, running}], t
  lost      a, t, running: [task...]               a worker left mid-run
  joined    a, pid, host, nthreads, mem, t         a new worker the run may use
  stream    n, compute, transfer                   the task stream's totals (s)
  done      t0, t1, v                              results, in task order
  error     message, kind                          the run cannot go on
  rate      n                                      numbers per second (--calibrate)
"""

import json
import os
import sys
import time

# BASE, is_prime, count_primes, work, serial, calibrate and span come
# from common.py, which forklab puts in front of this file.


def emit(obj):
    write_line(json.dumps(obj, separators=(",", ":")))  # noqa: F821


def chunk(kind, size, items):
    """One Dask task: lab tasks `items`, each timed on the worker."""
    import time as _t

    out = []
    for i in items:
        t0 = _t.time()
        value = work(kind, size, i)  # noqa: F821
        out.append((i, value, t0, _t.time()))
    try:
        from distributed import get_worker

        addr = get_worker().address
    except Exception:
        addr = ""
    return addr, out


def worker_pid():
    return os.getpid()


# Worker address -> pid, for the workers the run used.
PIDS = {}


def fail(kind, message, code=3):
    emit({"e": "error", "kind": kind, "message": message})
    return code


def info_of(w):
    m = w.get("metrics", {})
    return {
        "host": w.get("host", "?"),
        "nthreads": int(w.get("nthreads", 1)),
        "mem": int(w.get("memory_limit") or 0),
        "used": int(m.get("memory") or 0),
        "cpu": float(m.get("cpu") or 0.0),
    }


def own_args(ap):
    ap.add_argument("--scheduler", default="")
    ap.add_argument("--connect-timeout", type=float, default=5.0)


def main():
    a = lab_args(own_args)  # noqa: F821
    if a is None:
        return 0

    try:
        import logging

        import dask
        from distributed import Client, LocalCluster, wait
    except ImportError as e:
        return fail("nodask",
                    "Dask is not installed for %s (%s). Install it with: %s -m pip install "
                    "'dask[distributed]' (best in a virtual environment), then give that Python "
                    "to forklab with --python or FORKLAB_PYTHON"
                    % (sys.executable, e, sys.executable), 4)

    # Wall clock (workers, task stream) to this machine's monotonic clock.
    offset = time.monotonic_ns() - time.time_ns()

    def mono(wall):
        return int(wall * 1e9) + offset

    local = not a.scheduler
    cluster = None
    emit({"e": "asked", "t": time.monotonic_ns()})
    if local:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster, timeout=30)
    else:
        try:
            client = Client(a.scheduler, timeout="%ss" % a.connect_timeout)
        except (OSError, TimeoutError) as e:
            return fail("unreachable",
                        "cannot reach the Dask scheduler at %s within %g s (%s: %s); is "
                        "`dask scheduler` running there, and is the address right?"
                        % (a.scheduler, a.connect_timeout, type(e).__name__, e), 5)
    emit({"e": "hello", "pid": os.getpid(), "python": sys.version.split()[0],
          "dask": dask.__version__, "scheduler": client.scheduler.address, "local": local})
    try:
        return run(a, client, cluster, mono, wait)
    except Exception as e:
        # The scheduler went away while the run waited on its futures:
        # Dask cancels them all ("Futures: [18 keys]"); say what happened.
        lost = (client.status != "running" or isinstance(e, (OSError, TimeoutError))
                or "Cancelled" in type(e).__name__ or "CommClosed" in type(e).__name__)
        if not lost:
            raise
        return fail("gone", "lost the Dask scheduler at %s mid-run (%s); the tasks it held are gone"
                    % (a.scheduler or "the local cluster", type(e).__name__), 6)
    finally:
        try:
            client.close(timeout=5)
        except Exception:
            pass
        if cluster is not None:
            try:
                cluster.close(timeout=10)
            except Exception:
                pass


def run(a, client, cluster, mono, wait):
    try:
        if len(client.scheduler_info()["workers"]) < a.workers:
            client.wait_for_workers(a.workers, timeout=2 if cluster is None else 60)
    except Exception:
        n = len(client.scheduler_info()["workers"])
        return fail("workers", "the Dask scheduler at %s has %d worker%s; the run asked for %d"
                    % (client.scheduler.address, n, "" if n == 1 else "s", a.workers))
    info = client.scheduler_info()
    everyone = sorted(info["workers"])
    chosen = everyone[: a.workers]
    pids = client.run(worker_pid, workers=chosen)
    PIDS.update({addr: int(pid) for addr, pid in pids.items()})
    for addr in chosen:
        emit(dict({"e": "worker", "a": addr, "pid": int(pids.get(addr, 0)),
                   "t": time.monotonic_ns()}, **info_of(info["workers"][addr])))
    emit({"e": "all", "t": time.monotonic_ns()})
    # Every worker of the cluster runs tasks unless the run uses fewer.
    restrict = chosen if len(chosen) < len(everyone) else None
    client.get_task_stream(start=time.time())  # puts the task stream plugin in place

    t0 = time.monotonic_ns()
    total = 0
    if a.serial_before[1] > a.serial_before[0]:
        total += serial("before", *a.serial_before)
    started = time.time()
    spans = [list(range(lo, min(lo + a.chunksize, a.tasks))) for lo in range(0, a.tasks, a.chunksize)]
    futures = [client.submit(chunk, a.kind, a.size, items, key="forklab-%d-%d" % (os.getpid(), n),
                             workers=restrict, allow_other_workers=False, pure=False)
               for n, items in enumerate(spans)]
    key_items = {f.key: spans[n] for n, f in enumerate(futures)}
    values = [None] * a.tasks
    pending = set(futures)
    # Results are released once read, so a lost worker's finished tasks
    # are not computed again: only its unfinished ones run again.
    del futures
    known = set(chosen)
    last_poll = 0.0
    running = {}
    while pending:
        try:
            done, pending = wait(pending, timeout=0.1, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = ()
        for f in list(done):
            if f.status == "error":
                e = f.exception()
                return fail("task", "Dask task %s failed: %s: %s" % (f.key, type(e).__name__, e))
            if f.status == "cancelled":
                return fail("task", "Dask task %s was cancelled" % f.key)
            if f.status != "finished":
                # Finished, then lost with its worker before it was read
                # (or not yet back): the scheduler computes it again.
                pending.add(f)
                continue
            addr, out = f.result()
            f.release()
            if addr not in known:
                joined(client, addr, known)
            for i, v, s, d in out:
                emit({"e": "s", "a": addr, "i": i, "t": mono(s)})
                emit({"e": "d", "a": addr, "i": i, "v": v, "t": mono(d)})
                values[i] = v
        now = time.monotonic()
        if pending and now - last_poll >= 0.25:
            last_poll = now
            try:
                info = client.scheduler_info()
                processing = client.processing()
            except Exception as e:
                return fail("gone", "lost the Dask scheduler at %s mid-run (%s: %s)"
                            % (client.scheduler.address, type(e).__name__, e), 6)
            workers = info["workers"]
            for addr in sorted(known - set(workers)):
                known.discard(addr)
                emit({"e": "lost", "a": addr, "t": time.monotonic_ns(),
                      "running": sorted(i for k in running.get(addr, ()) for i in key_items.get(k, ()))})
            if restrict is None:
                for addr in sorted(set(workers) - known):
                    joined(client, addr, known, workers.get(addr))
            if not known:
                return fail("gone", "every Dask worker the run used is gone; %d of %d tasks left"
                            % (sum(len(key_items[f.key]) for f in pending), a.tasks), 6)
            running = {addr: [k for k in processing.get(addr, ()) if k in key_items] for addr in workers}
            rows = []
            for addr in sorted(workers):
                row = dict({"a": addr, "pid": PIDS.get(addr, 0), "running": len(running.get(addr, ()))},
                           **info_of(workers[addr]))
                rows.append(row)
            emit({"e": "cluster", "w": rows, "t": time.monotonic_ns()})
    if a.serial_after[1] > a.serial_after[0]:
        total += serial("after", *a.serial_after)
    t1 = time.monotonic_ns()

    # The scheduler's own record of the run's Dask tasks.
    try:
        stream = [r for r in client.get_task_stream(start=started - 1) if r.get("key") in key_items]
    except Exception:
        stream = []
    compute = transfer = 0.0
    for r in stream:
        for ss in r.get("startstops", ()):
            d = ss["stop"] - ss["start"]
            if ss["action"] == "compute":
                compute += d
            else:
                transfer += d
    emit({"e": "stream", "n": len(stream), "compute": compute, "transfer": transfer})
    emit({"e": "done", "t0": t0, "t1": t1, "v": values})
    return 0


def joined(client, addr, known, info=None):
    """A worker that came into the cluster during the run (a nanny's
    restart of a killed one, say) and may take its tasks."""
    known.add(addr)
    try:
        pid = client.run(worker_pid, workers=[addr]).get(addr, 0)
    except Exception:
        pid = 0
    PIDS[addr] = int(pid)
    if info is None:
        info = client.scheduler_info()["workers"].get(addr, {})
    emit(dict({"e": "joined", "a": addr, "pid": int(pid), "t": time.monotonic_ns()}, **info_of(info)))


if __name__ == "__main__":
    sys.exit(main())
