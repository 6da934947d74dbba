"""bench/scans_throughput.py's HTTP side: the app under gunicorn, requests, batches of scans, devices at once."""
import http.client
import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from datetime import datetime, timezone

BATCH = 100
PASSWORD = "bench-passresot66"
STAFF_EMAIL = "partenaire@bench.passresot66.fr"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root, env: dict, port: int, workers: int):
    """gunicorn with `workers` sync workers (the production setting, deploy/gunicorn.conf.py)."""
    gunicorn = root / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn if gunicorn.exists() else shutil.which("gunicorn")), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"]
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            if request(port, "GET", "/api/v1/keys")[0] == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start: " + process.stderr.read().decode()[-2000:])


def request(port: int, method: str, path: str, body=None, token=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def batches_of(tokens: list[str]) -> list[list[dict]]:
    scanned_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    scans = [{"id": str(uuid.uuid4()), "qr": qr, "scanned_at": scanned_at, "device_id": "bench"} for qr in tokens]
    return [scans[i:i + BATCH] for i in range(0, len(scans), BATCH)]


EXPECTED = {
    "admitted": lambda r: r["status"] == "admitted" and not r["replayed"],
    "replayed": lambda r: r["replayed"],
    "already_visited": lambda r: r["reason"] == "already_visited" and not r["replayed"],
}


def send(port: int, token: str, batches: list, devices: int, expect: str) -> float:
    """Post the batches from `devices` threads at once; returns scans per second."""
    queue, lock, failures = list(batches), threading.Lock(), []

    def device():
        while True:
            with lock:
                if not queue:
                    return
                batch = queue.pop()
            status, body = request(port, "POST", "/api/v1/scans", {"scans": batch}, token)
            if status != 200 or not all(EXPECTED[expect](result) for result in body["results"]):
                failures.append((status, str(body)[:300]))

    threads = [threading.Thread(target=device) for _ in range(devices)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"unexpected answers ({len(failures)}): {failures[:2]}")
    return sum(len(b) for b in batches) / elapsed
