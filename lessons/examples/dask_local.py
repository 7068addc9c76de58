"""Dask's distributed scheduler on one machine: a LocalCluster.

Usage: python dask_local.py [WORKERS] [N] [SCHEDULER]

Starts a scheduler and WORKERS worker processes on this machine,
then sends them the squares of 0 .. N-1 in blocks and adds the
results up. The same client code talks to a cluster of many
machines when you give Client the scheduler's address instead:
pass it as SCHEDULER (tcp://HOST:PORT) or set FORKLAB_DASK_SCHEDULER,
and the script uses that cluster's workers, whatever WORKERS says.
"""
import multiprocessing
import os
import sys

try:
    import dask
    from dask.distributed import Client, LocalCluster
except ImportError:
    dask = None


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


def add_all(parts):
    """The reduce step: runs on a worker, like every other task."""
    return sum(parts)


def split(n, parts):
    """Cut range(n) into `parts` (start, stop) pairs."""
    step = -(-n // parts)
    return [(i, min(i + step, n)) for i in range(0, n, step)]


if __name__ == "__main__":
    if dask is None:
        print('distributed is not installed: '
              'pip install "dask[distributed]"')
        sys.exit(0)

    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)
        # Dask starts its worker processes itself; tell it how.
        dask.config.set(
            {"distributed.worker.multiprocessing-method": method})

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000

    address = (sys.argv[3] if len(sys.argv) > 3
               else os.environ.get("FORKLAB_DASK_SCHEDULER"))

    import contextlib
    import distributed
    if address:
        # Someone else's cluster: connect, use its workers, leave it up.
        cluster = contextlib.nullcontext()
        client = Client(address, timeout="5s")
        workers = len(client.scheduler_info()["workers"])
        print(f"distributed {distributed.__version__}: the scheduler at "
              f"{address}, {workers} worker{'s' if workers != 1 else ''}")
    else:
        print(f"distributed {distributed.__version__}: LocalCluster with "
              f"{workers} worker processes")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    with cluster, client:
        pids = client.run(os.getpid)          # {worker address: pid}
        for address, pid in sorted(pids.items()):
            print(f"  worker {address} is pid {pid}")
        blocks = client.map(sum_squares, split(n, 8 * workers))
        total = client.submit(add_all, blocks).result()

    print(f"sum of squares below {n}: {total}")
