"""The same jobs with multiprocessing.Pool and with ProcessPoolExecutor:
results as they come, chunks, cancelling, and asyncio.

Usage: python futures_or_pool.py [WORKERS]

1. Results in the order they finish: Pool.imap_unordered and
   concurrent.futures.as_completed.
2. Chunks: Pool.map cuts the input into chunks by itself;
   executor.map sends one item per message unless given a chunksize.
3. Cancelling: a future not yet handed to a worker can be cancelled;
   an AsyncResult cannot.
4. asyncio: loop.run_in_executor runs a function in the process pool
   while the event loop stays free.
"""
import asyncio
import concurrent.futures as cf
import multiprocessing
import os
import sys
import time


def nap(n):
    """Sleep a little, longer for some n, so tasks finish out of order."""
    time.sleep(0.05 * (3 - n % 4))
    return n


def tiny(n):
    return n + 1


def slow(n):
    time.sleep(0.5)
    return n


async def with_asyncio(executor):
    loop = asyncio.get_running_loop()
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    clock = asyncio.create_task(ticker())
    jobs = [loop.run_in_executor(executor, nap, n) for n in range(6)]
    results = await asyncio.gather(*jobs)
    clock.cancel()
    return results, ticks


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2

    # 1. Results as they finish, both ways.
    with context.Pool(workers) as pool:
        pool_order = list(pool.imap_unordered(nap, range(8)))
    with cf.ProcessPoolExecutor(workers, mp_context=context) as ex:
        futures = [ex.submit(nap, n) for n in range(8)]
        futures_order = [f.result() for f in cf.as_completed(futures)]
    print(f"1. imap_unordered gave {pool_order}")
    print(f"   as_completed gave   {futures_order}")
    print(f"   the same results: {sorted(pool_order) == sorted(futures_order)}"
          f", in input order: {pool_order == sorted(pool_order)}")

    # 2. Chunks: 10,000 tiny tasks.
    numbers = range(10_000)
    with context.Pool(workers) as pool:
        start = time.perf_counter()
        pool.map(tiny, numbers)                 # chunks chosen for you
        pool_time = time.perf_counter() - start
    with cf.ProcessPoolExecutor(workers, mp_context=context) as ex:
        start = time.perf_counter()
        list(ex.map(tiny, numbers))             # one item per message
        one_time = time.perf_counter() - start
        start = time.perf_counter()
        list(ex.map(tiny, numbers, chunksize=1000))
        chunk_time = time.perf_counter() - start
    print(f"2. 10000 tiny tasks: Pool.map {pool_time:.2f} s, "
          f"executor.map {one_time:.2f} s, "
          f"executor.map(chunksize=1000) {chunk_time:.2f} s")

    # 3. Cancelling futures that no worker has taken yet.
    with cf.ProcessPoolExecutor(1, mp_context=context) as ex:
        futures = [ex.submit(slow, n) for n in range(6)]
        time.sleep(0.2)                         # let the first one start
        cancelled = [f.cancel() for f in futures]
        kept = [f.result() for f in futures if not f.cancelled()]
    print(f"3. cancel() on 6 futures: {cancelled.count(True)} cancelled, "
          f"{len(kept)} ran: {kept}")
    print(f"   the first had already started: {cancelled[0] is False}")

    # 4. asyncio hands blocking calls to the process pool.
    with cf.ProcessPoolExecutor(workers, mp_context=context) as ex:
        results, ticks = asyncio.run(with_asyncio(ex))
    print(f"4. run_in_executor results {results}; the event loop ticked "
          f"{ticks} times meanwhile: {ticks > 0}")
