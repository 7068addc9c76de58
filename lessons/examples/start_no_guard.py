"""A script WITHOUT the __main__ guard. It is broken on purpose.

Usage: python start_no_guard.py [METHOD]

METHOD is fork, spawn or forkserver. With no argument the script
follows FORKLAB_START_METHOD (forklab's `m`), else the platform's
default. Under fork it works and exits with 0; under spawn and
forkserver the child dies with a RuntimeError, and this script
exits with status 1.
"""
import multiprocessing
import os
import sys


def hello(name):
    print(f"child {os.getpid()}: hello, {name}!", flush=True)


# Everything below runs whenever this file is run OR imported.
print(f"top-level code: pid {os.getpid()}, __name__ = {__name__!r}",
      flush=True)

if len(sys.argv) > 1:
    method = sys.argv[1]
else:
    method = (os.environ.get("FORKLAB_START_METHOD")
              or multiprocessing.get_start_method())
ctx = multiprocessing.get_context(method)

child = ctx.Process(target=hello, args=("master",))
child.start()
child.join()
print(f"master: start method {method}, child exit code "
      f"{child.exitcode}", flush=True)
sys.exit(child.exitcode)
