"""`make run` serves with gunicorn: its commands (read from the Makefile with `make -n`)
start a server that answers the README's examples as printed, writes an access log without
the query string, and has no logging errors. Every `curl` line of the README is run."""
from __future__ import annotations

import json
import re
import shlex
import subprocess

import pytest

from tests.servers import BIN, ROOT, free_port, server_env, start, stop, wait_until_up

README_HOST = "127.0.0.1:5000"


def readme_curl_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip().startswith("curl ")]


def make_run_commands(port: int) -> list[str]:
    dry = subprocess.run(["make", "-s", "-n", "-o", "install", "run", f"PORT={port}",
                          f"BIN={BIN}"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in dry.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """The server `make run` starts, on a free port, with a fresh instance folder."""
    instance = tmp_path_factory.mktemp("make-run")
    port = free_port()
    commands = make_run_commands(port)
    assert "gunicorn" in commands[-1] and f"127.0.0.1:{port}" in commands[-1]
    env = server_env(instance)
    for command in commands[:-1]:
        subprocess.run(command, shell=True, cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
    log = instance / "server.log"
    server = start(commands[-1], env, log, shell=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield port, log
    finally:
        stop(server)


SAVE_AS_SERVER_NAMES = {"-O", "-J", "-OJ", "-JO", "--remote-name", "--remote-header-name"}


def run_curl(line: str, port: int, tmp_path) -> tuple[int, str, bytes]:
    """A README line as the shell would run it, pointed at the test's port."""
    argv = [arg.replace(README_HOST, f"127.0.0.1:{port}")
            for arg in shlex.split(line, comments=True)
            if arg not in SAVE_AS_SERVER_NAMES]  # the test keeps the body itself
    # A line that uploads a file (`@points.csv`) finds one like the README describes.
    (tmp_path / "points.csv").write_text("lat,lng\n43.8790,125.3900\n43.8815,125.3966\n",
                                         encoding="utf-8")
    out = tmp_path / "body"
    done = subprocess.run([*argv, "-sS", "-o", str(out), "-w", "%{http_code} %{content_type}"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code, _, content_type = done.stdout.partition(" ")
    return int(code), content_type, out.read_bytes()


def test_the_readme_has_curl_examples():
    lines = readme_curl_lines()
    assert len(lines) >= 5 and all(README_HOST in line for line in lines)


@pytest.mark.parametrize("line", readme_curl_lines())
def test_every_readme_curl_line_answers(make_run, line, tmp_path):
    port, _ = make_run
    code, content_type, body = run_curl(line, port, tmp_path)
    assert code == 200, body[:300]
    if content_type.startswith("text/csv"):  # downloads and batch answers: Excel-ready CSV
        text = body.decode("utf-8")
        assert text.startswith("\ufeff") and len(text.splitlines()) >= 2, text[:300]
    else:
        assert content_type.split(";")[0] in ("application/json", "application/geo+json")
        assert isinstance(json.loads(body), dict)


def test_the_first_address_example_finds_the_address(make_run, tmp_path):
    port, _ = make_run
    line = next(line for line in readme_curl_lines() if "address=" in line)
    address = re.search(r"address=([^'&\s]+)", line).group(1)
    code, _, body = run_curl(line, port, tmp_path)
    answer = json.loads(body)
    assert code == 200 and answer["location"]["matched_address"] == address
    assert answer["primary"]["zones"]


def test_the_access_log_works_and_keeps_addresses_out(make_run, tmp_path):
    port, log = make_run
    run_curl(f"curl -G {README_HOST}/api/v1/lookup --data-urlencode address=东盛小区 "
             "--data-urlencode lat=43.8 --data-urlencode lng=125.3", port, tmp_path)
    text = log.read_text(errors="replace")
    assert "TypeError" not in text and "Traceback" not in text
    assert re.search(r'"GET /api/v1/lookup" \d{3} ', text)
    assert "东盛" not in text and "%E4%B8%9C" not in text and "43.8" not in text
    assert "127.0.0.1 " not in text.replace(f"127.0.0.1:{port}", "")


def test_make_dev_keeps_the_reloading_development_server():
    dry = subprocess.run(["make", "-s", "-n", "-o", "install", "dev", f"BIN={BIN}"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "flask --app webapp run --debug" in dry
