"""Starts the live server's app in a fresh process each time, without paying Python's imports again.

`LiveServer` runs this once (`python -m tests.browser.app_spawner`): it imports the app's code and its
libraries, configures the ORM's mappers and compiles the templates (1.8 s of processor in all), then
forks a child for each start. The child takes the server's environment, builds the app with
`create_app()` as `app.py` does (reusing the compiled templates) and serves it with werkzeug's
`run_simple`, as `flask run` does, without werkzeug's access line (the app logs each request
itself). Stopping kills that child: its port refuses connections, as with `flask run`. The browser
lane started its servers 54 times in a run (both workers).

It says {"ready": true} once the app is imported. Commands, one JSON line each on stdin, each
answered by one JSON line on stdout:
  {"start": {"port": P, "log": PATH, "env": {...}}}  -> {"pid": N}
  {"alive": N}                                        -> {"alive": true} or {"alive": false, "status": S}
  {"stop": N}                                         -> {"status": S}   (SIGTERM, SIGKILL after 10 s)
At the end of its input (the test process ended) it kills its children and exits.
"""
import json
import logging
import os
import signal
import sys
import tempfile
import time

from jinja2 import BytecodeCache

STOP_TIMEOUT = 10


class _CompiledTemplates(BytecodeCache):
    """The templates compiled once here, handed to each server forked afterwards (each child's app
    has its own Jinja environment, which compiled every template again: 12 s of processor a lane).
    Jinja checks each entry against the template's source, as with its file cache."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _CompiledTemplates()


def _import_the_app() -> None:
    """Import every module the app loads, by building a throwaway app in a temporary folder, and do
    here once the work each server would repeat: configure the ORM's mappers, compile the templates."""
    from sqlalchemy.orm import configure_mappers

    from passresot import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/unused.db"})
        configure_mappers()
        app.jinja_env.bytecode_cache = TEMPLATES
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)


def _serve(port: int, log: str, env: dict) -> None:
    """In the child: the server's environment, its log as output, then serve until killed."""
    with open(log, "ab") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    with open(os.devnull, "rb") as nothing:
        os.dup2(nothing.fileno(), 0)
    os.environ.clear()
    os.environ.update(env)
    from werkzeug.serving import run_simple

    from passresot import create_app

    # werkzeug's access line says again what the app's own request log (passresot.request) says.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app()
    app.jinja_env.bytecode_cache = TEMPLATES
    run_simple("127.0.0.1", port, app, threaded=True)


def _start(port: int, log: str, env: dict) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            _serve(port, log, env)
        finally:
            os._exit(1)
    return pid


class Children:
    """The servers started, and the exit status of those that ended."""

    def __init__(self):
        self.running, self.ended = set(), {}

    def start(self, **server) -> int:
        pid = _start(**server)
        self.running.add(pid)
        return pid

    def status(self, pid: int) -> int | None:
        """The exit status of a server that has ended, None while it runs."""
        if pid in self.running:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.running.discard(pid)
                self.ended[pid] = os.waitstatus_to_exitcode(status)
        return self.ended.get(pid)

    def stop(self, pid: int) -> int:
        if pid in self.running:
            os.kill(pid, signal.SIGCONT)  # a frozen server (SIGSTOP) ends too
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while self.status(pid) is None:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                deadline += STOP_TIMEOUT
            time.sleep(0.02)
        return self.ended.pop(pid)

    def kill_all(self) -> None:
        for pid in self.running:
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    _import_the_app()
    children = Children()
    print(json.dumps({"ready": True}), flush=True)
    while line := sys.stdin.readline():
        command = json.loads(line)
        if "start" in command:
            answer = {"pid": children.start(**command["start"])}
        elif "alive" in command:
            status = children.status(command["alive"])
            answer = {"alive": status is None, "status": status}
        else:
            answer = {"status": children.stop(command["stop"])}
        print(json.dumps(answer), flush=True)
    children.kill_all()


if __name__ == "__main__":
    main()
