"""The app served in a child process, as `flask run` serves it, for the browser and engine tests."""
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

from .helpers import DEMO_PASSWORD, ROOT


START_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Spawner:
    """The app_spawner process: forks a new server process from an already imported app."""

    def __init__(self, env: dict, log_path: Path):
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "tests.browser.app_spawner"], cwd=ROOT, env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        self._answer()  # ready

    def start(self, port: int, log_path: Path, env: dict) -> int:
        return self._ask(start={"port": port, "log": str(log_path), "env": env})["pid"]

    def exit_status(self, pid: int) -> int | None:
        """None while the server runs, its exit status once it has ended."""
        return self._ask(alive=pid)["status"]

    def stop(self, pid: int) -> int:
        return self._ask(stop=pid)["status"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)

    def _ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the app spawner ended ({self.process.wait(timeout=10)})")
        return json.loads(line)


class LiveServer:
    """The app served in a child process, as by `flask run`; `.url`, `.stop()`, `.start(**extra_env)`.

    Each start is a new process, forked by an app_spawner that has imported the app once."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("PASSRESOT_", "FLASK_")) and key != "DATABASE_URL"}
        self.env.update({
            "DATABASE_URL": "sqlite:///" + str(workdir / "browser.db"),
            "PASSRESOT_INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "browser-tests-secret",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
            # Every test signs in from 127.0.0.1 and scans as the demo staff, in the same minutes.
            "SIGN_IN_RATE_LIMIT": "10000/60",
            "SCAN_ITEMS_RATE_LIMIT": "1000000/60",
            "REPORTS_RATE_LIMIT": "100000/60",
            "TYPED_IDENTITY_RATE_LIMIT": "100000/3600",
            # Tests that need the server's own verdict must get it on a busy CI machine too;
            # test_scanner_slow_network.py checks the real 1.5 s limit.
            "SCANNER_ASK_TIMEOUT_MS": "5000",
            # Scans waiting are sent every 3 s here rather than 30 s, so tests wait for the flush
            # after a restart a few seconds, not half a minute (the logic is the same).
            "SCANNER_FLUSH_EVERY_MS": "3000",
        })
        self.extra_env = {}
        self.spawner = None
        self.process = None  # the pid of the server's process while it runs
        self.frozen = False

    def flask(self, *args: str) -> str:
        """Run a `flask` command on the same database and instance folder; returns its output."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, **extra_env: str) -> None:
        """Serve on the same port and database; `extra_env` (e.g. PASSRESOT_SW_SALT) for this run only."""
        if self.process is not None:
            raise RuntimeError("the live server is already running")
        self.extra_env = extra_env
        self.process = self._spawner().start(self.port, self.log_path, {**self.env, **extra_env})
        self._wait_until(self._answers, "did not start")

    def stop(self) -> None:
        """Stop serving: the process ends and the port refuses connections, as when the phone has no network."""
        if self.process is None:
            return
        self.frozen = False  # the spawner wakes a frozen server to end it
        self._spawner().stop(self.process)
        self.process = None
        self._wait_until(lambda: not self._port_open(), "still answers after stopping")

    def close(self) -> None:
        """Stop serving, for good: the spawner ends too."""
        self.stop()
        if self.spawner is not None:
            self.spawner.close()
            self.spawner = None

    def freeze(self) -> None:
        """The server stops answering but keeps its port: connections hang, as on a weak signal."""
        os.kill(self.process, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        """Answer again, starting with the requests that waited."""
        os.kill(self.process, signal.SIGCONT)
        self.frozen = False

    def restore(self) -> None:
        """Running again with the default environment (after a test stopped it or simulated a deploy)."""
        if self.frozen:
            self.thaw()
        if self.process is not None and not self.extra_env:
            return
        self.stop()
        self.start()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _port_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _spawner(self) -> "Spawner":
        if self.spawner is None:
            self.spawner = Spawner(self.env, self.log_path)
        return self.spawner

    def _answers(self) -> bool:
        if (status := self._spawner().exit_status(self.process)) is not None:
            raise RuntimeError(f"the live server exited ({status}):\n{self.log_tail()}")
        try:
            with urllib.request.urlopen(self.url + "/login", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _wait_until(self, condition, failure: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live server {failure} within {START_TIMEOUT} s:\n{self.log_tail()}")
            time.sleep(0.1)
