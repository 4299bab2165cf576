"""Load test of ``ironriver serve`` with wrk: throughput, latency percentiles and errors.

Run 1: ``wrk -t2 -c50 -d20s`` rotating over the page and the JSON endpoints (the endpoint mix of the
dashboard issue), against the server and, in the same run, against a bare FastAPI endpoint returning 60 kB
(the ceiling this machine allows a Python server). Run 2: the same load on the cheap endpoints while six
assessments with distinct seeds are in flight (server started with --allow-seeds and six waiting places),
to show that model runs do not slow the rest. Needs ``wrk`` (``apt-get install wrk``).

    python benchmarks/bench_serve.py [--duration 20] [--connections 50]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

MIX = ["/", "/api/tables", "/api/literature", "/api/literature?search=flow_", "/api/timeline",
       "/api/tables/us_population?limit=100&offset=0", "/api/tables/nics_checks?limit=100&offset=200",
       "/api/assessment"]
CHEAP = MIX[:-1] + ["/api/assessment?years=2000:2025&seed=0"]
BARE_APP = textwrap.dedent('''
    from fastapi import FastAPI
    from fastapi.responses import Response
    app = FastAPI()
    BODY = b"x" * 60_000
    @app.get("/")
    async def bare() -> Response:
        return Response(BODY, media_type="application/json")
''')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"bench_serve: {url} did not answer within {timeout_s:.0f} s")


def _script(paths: list[str], folder: Path) -> Path:
    path = folder / "mix.lua"
    entries = ", ".join(f'"{p}"' for p in paths)
    path.write_text(textwrap.dedent(f'''
        local paths = {{{entries}}}
        local i = 0
        request = function()
          i = i + 1
          return wrk.format("GET", paths[(i % #paths) + 1])
        end
    '''))
    return path


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(base: str, script: Path | None, duration: int, connections: int) -> dict[str, float]:
    """Run wrk; return requests/s, p50/p90/p99 latency (ms), errors (socket errors + non-2xx/3xx)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "2s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, base], capture_output=True, text=True, check=True).stdout
    figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for label in ("50", "90", "99"):
        figures[f"p{label}_ms"] = 1000 * _seconds(re.search(rf"\s{label}%\s+(\S+)", output).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = (sum(int(g) for g in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0)
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    return figures


def _show(name: str, figures: dict[str, float]) -> None:
    print(f"{name:<44} {figures['requests_per_s']:>8.0f} req/s  p50 {figures['p50_ms']:>7.1f} ms  "
          f"p90 {figures['p90_ms']:>7.1f} ms  p99 {figures['p99_ms']:>7.1f} ms  errors {figures['errors']:.0f} "
          f"of {figures['requests']:.0f}")


def _server(extra: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    binary = Path(sys.executable).with_name("ironriver")
    process = subprocess.Popen([str(binary), "serve", "--port", str(port), *extra], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/api/assessment", 900)
    for path in MIX:  # one visit to each page first: the figures are for a server that has been visited
        _wait(base + path, 120)
    return process, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:  # `make bench` runs every benchmark: say why this one did not run
        print("bench_serve: skipped, wrk is not installed (apt-get install wrk)")
        return
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "bare_app.py").write_text(BARE_APP)
        bare_port = _free_port()
        bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(bare_port),
                                 "--log-level", "warning", "--no-access-log"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(f"http://127.0.0.1:{bare_port}/", 60)
            print(f"wrk -t2 -c{args.connections} -d{args.duration}s on {os.cpu_count()} cores "
                  f"(load average before: {os.getloadavg()[0]:.1f})")
            bare_figures = wrk(f"http://127.0.0.1:{bare_port}/", None, args.duration, args.connections)
            _show("bare FastAPI endpoint (60 kB)", bare_figures)
        finally:
            bare.terminate()
            bare.wait()

        server, base = _server([], env)
        try:
            figures = wrk(base, _script(MIX, folder), args.duration, args.connections)
            _show("ironriver serve, endpoint mix", figures)
            print(f"{'':<44} ratio to bare: {figures['requests_per_s'] / bare_figures['requests_per_s']:.2f} "
                  f"(req/s), {figures['p99_ms'] / bare_figures['p99_ms']:.2f} (p99)")
        finally:
            server.terminate()
            server.wait()

        server, base = _server(["--allow-seeds", "--max-waiting", "5"], env)
        outcomes: list[str] = []

        def assess(seed: int) -> None:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{base}/api/assessment?seed={seed}", timeout=1800) as response:
                    outcomes.append(f"seed {seed}: {response.status} after {time.monotonic() - started:.0f} s")
            except urllib.error.HTTPError as error:
                outcomes.append(f"seed {seed}: {error.code} after {time.monotonic() - started:.0f} s")

        try:
            threads = [threading.Thread(target=assess, args=(seed,), daemon=True) for seed in range(101, 107)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            figures = wrk(base, _script(CHEAP, folder), args.duration, args.connections)
            running = sum(thread.is_alive() for thread in threads)
            _show("cheap endpoints, 6 seeded runs in flight", figures)
            print(f"{'':<44} assessments still running when wrk ended: {running} of 6; "
                  f"finished: {'; '.join(outcomes) or 'none'}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
