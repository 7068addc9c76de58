"""Processes that talk: a Queue shared by many, a Pipe between two.

Usage: python talk_queue_pipe.py [PRODUCERS] [ITEMS]

PRODUCERS processes (default 3) each put ITEMS squares (default 5)
into one Queue, then a None to say they are done; the master reads
until it has seen every None. Then the master and one child talk
back and forth through a Pipe.
"""
import multiprocessing
import os
import sys


def produce(queue, number, items):
    """Put `items` squares into the queue, then None: 'I am done'."""
    for i in range(items):
        queue.put((number, i * i))
    queue.put(None)


def echo(conn):
    """Answer every word with the same word in capitals, until None."""
    while True:
        word = conn.recv()
        if word is None:
            break
        conn.send(word.upper())
    conn.close()


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    producers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 5

    # 1. A Queue: many writers, one reader.
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=produce,
                                       args=(queue, n, items))
               for n in range(producers)]
    for w in workers:
        w.start()
    done, total, count = 0, 0, 0
    while done < producers:          # read everything BEFORE join()
        message = queue.get()
        if message is None:
            done += 1
        else:
            total += message[1]
            count += 1
    for w in workers:
        w.join()
    print(f"queue: {count} messages from {producers} producers, "
          f"total {total}")

    # 2. A Pipe: two ends, one for each side.
    mine, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=echo, args=(theirs,))
    child.start()
    for word in ["fork", "spawn", "forkserver"]:
        mine.send(word)
        print(f"pipe: sent {word!r}, got back {mine.recv()!r}")
    mine.send(None)
    child.join()
    print(f"pipe: the child ended with exit code {child.exitcode}")
