"""Real servers for the serving tests: gunicorn processes on free loopback ports."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN_CONF = "webapp/serving/gunicorn_conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10.0, headers: dict | None = None
        ) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str, timeout: float = 10.0) -> tuple[int, dict]:
    status, _, body = get(url, timeout)
    return status, json.loads(body)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if get(f"{base}/healthz", timeout=5)[0] in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base} did not answer within {seconds} s")


def server_env(instance: Path, **settings: str) -> dict[str, str]:
    env = {**os.environ, "XUEQU_INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"}
    env.update(settings)
    return env


def start_gunicorn(env: dict[str, str], port: int, log: Path, workers: int = 2,
                   extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """gunicorn with the production config, its output in `log`."""
    command = [str(BIN / "gunicorn"), "-c", GUNICORN_CONF, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), *extra, "webapp:create_app()"]
    return start(command, env, log)


def start(command, env: dict[str, str], log: Path, shell: bool = False) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, shell=shell)


def stop(process: subprocess.Popen) -> None:
    """Stop a server and every process it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_pids(master: subprocess.Popen) -> list[int]:
    """The gunicorn workers of a master (the children of its process)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)],
                         capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]
