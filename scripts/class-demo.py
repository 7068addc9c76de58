#!/usr/bin/env python3
"""Simulated learners for a class demo or a screenshot: N machines with
2 to 16 cores join the class at ADDR with CODE and each sends one sweep
whose speedups follow Amdahl's law with a little noise. The figures are
made up (say so when showing them); real learners send real ones.

    scripts/class-demo.py 127.0.0.1:8642 K7Q4MZ [N]
"""
import json
import random
import sys
import urllib.request


def post(addr, path, body):
    req = urllib.request.Request(
        f"http://{addr}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=3) as answer:
        return json.load(answer)


def main():
    addr, code = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    rng = random.Random(7)
    names = ["ana", "bo", "chen", "dara", "eli", "femi", "gus", "hana",
             "ivo", "jules", "kai", "lena", "mo", "nia", "omar", "pia"]
    models = {2: "Intel Core i3-7100U", 4: "Intel Core i5-8250U",
              6: "AMD Ryzen 5 3600", 8: "Apple M1 (Linux VM)",
              12: "AMD Ryzen 9 5900X", 16: "Intel Core i7-13700H"}
    for n in range(count):
        cores = rng.choice(list(models))
        joined = post(addr, "/join", {
            "code": code,
            "nickname": names[n % len(names)] + ("" if n < len(names) else str(n)),
            "machine": {"cores": cores, "cpu_model": models[cores],
                        "os": "Linux", "python": rng.choice(["3.11.9", "3.12.4", "3.13.1"])},
        })
        serial = rng.uniform(0.02, 0.12)
        base = rng.uniform(1800, 3200)
        points = []
        for workers in range(1, 2 * cores + 1, max(1, cores // 4)):
            ideal = 1 / (serial + (1 - serial) / min(workers, cores))
            speedup = 1.0 if workers == 1 else ideal * rng.uniform(0.85, 1.0)
            points.append({"workers": workers, "wall_ms": base / speedup, "speedup": speedup})
        post(addr, "/submit", {
            "code": code, "participant": joined["participant"], "id": f"demo-{n}",
            "report": {"engine": "python", "workload": "cpu", "tasks": 256,
                       "chunksize": 4, "points": points},
        })
    print(f"{count} simulated learners sent one sweep each")


if __name__ == "__main__":
    main()
