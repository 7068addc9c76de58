#!/usr/bin/env python3
"""What forklab's `requires` probe costs per run: the probe of
src/python/interpreter/probe.rs (IMPORT_MODULES: each required module
imported, a program run with --version) beside a look-up only
(importlib's find_spec, what it did before), median of 5, per Python.

    scripts/probe-cost.py PYTHON...
"""
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src/python/interpreter/probe.rs"
PROBE = re.search(r'IMPORT_MODULES: &str = r#"(.*?)"#;', SOURCE.read_text(), re.S).group(1)
LOOK_UP = ("import importlib.util, shutil, sys\n"
           "for n in sys.argv[1:]:\n"
           "    ('-' in n and shutil.which(n)) or importlib.util.find_spec(n)\n")


def median_ms(python, code, args):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([python, "-c", code, *args], capture_output=True, cwd="/tmp", check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


for python in sys.argv[1:]:
    for modules in (["numpy", "threadpoolctl"], ["distributed"], ["py-spy"]):
        looked = median_ms(python, LOOK_UP, modules)
        probed = median_ms(python, PROBE, ["10", *modules])
        print(f"{python}  {' '.join(modules):<20} look-up {looked:5.0f} ms   import {probed:5.0f} ms")
