"""An exception in a worker reaches the master when it calls get()."""
import multiprocessing
import os


def invert(x):
    return 1 / x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    with multiprocessing.Pool(processes=2) as pool:
        good = pool.apply_async(invert, (4,))
        bad = pool.apply_async(invert, (0,))   # 1 / 0 in a worker
        bad.wait()
        print("good:", good.get())
        print("bad is ready:", bad.ready(),
              "successful:", bad.successful())
        try:
            bad.get()        # the worker's exception is raised here
        except ZeroDivisionError as err:
            print("get() raised ZeroDivisionError:", err)
