"""A TCP proxy in front of the live server that can lose answers: the request reaches the server, the
server does its work and answers, and the answer never reaches the browser (a phone losing signal
just then). It can also make every answer slow (`delay`, in seconds): the network is up but each
request waits that long before it reaches the server, as on one bar of signal ("lie-fi").
Nothing in the app knows about it; the browser talks to the proxy's port as its origin.
"""
import re
import socket
import threading
import time

REQUEST_LINE = re.compile(rb"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) ")


class FaultyProxy:
    """Forwards 127.0.0.1:`port` to `target_port`. `lose_answers(prefix, count)` drops the answers
    to the next `count` requests whose first line starts with `prefix` (e.g. b"POST /api/v1/scans")."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.to_lose: list = []  # [prefix, remaining]
        self.lost = 0
        self.trigger = None  # [prefix, countdown, thread]
        self.delay = 0.0  # seconds added before each request is passed on (a weak signal)
        self.holds: list = []  # [prefix, arrived, release]: requests kept until released
        self.seen: list[bytes] = []  # the first line of every request passed on
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def lose_answers(self, prefix: bytes, count: int) -> None:
        with self.lock:
            self.to_lose = [prefix, count]

    def on_request(self, prefix: bytes, nth: int, action) -> threading.Thread:
        """Run `action` (in a thread of its own) as the `nth` request starting with `prefix` is passed
        on, e.g. stop the server while it works on that request. Returns the thread, to join."""
        thread = threading.Thread(target=action, daemon=True)
        with self.lock:
            self.trigger = [prefix, nth, thread]
        return thread

    def hold(self, prefix: bytes) -> tuple[threading.Event, threading.Event]:
        """Keep the next request starting with `prefix` until the second event is set; the first is
        set when it arrives (e.g. a navigation held while the worker activates)."""
        arrived, release = threading.Event(), threading.Event()
        with self.lock:
            self.holds.append([prefix, arrived, release])
        return arrived, release

    def has_seen(self, fragment: bytes) -> bool:
        with self.lock:
            return any(fragment in line for line in self.seen)

    def close(self) -> None:
        self.running = False
        self.listener.close()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        except OSError:
            client.close()  # the server is down: the browser sees a refused connection
            return
        doomed = threading.Event()
        threading.Thread(target=self._pipe_answers, args=(upstream, client, doomed), daemon=True).start()
        try:
            while chunk := client.recv(65536):
                if REQUEST_LINE.match(chunk):
                    self._note_request(chunk)
                    if self.delay:
                        time.sleep(self.delay)
                if self._should_lose(chunk):
                    doomed.set()
                upstream.sendall(chunk)
        except OSError:
            pass
        finally:
            _shut(upstream)

    def _note_request(self, chunk: bytes) -> None:
        with self.lock:
            self.seen.append(chunk.split(b"\r\n", 1)[0])
            held = next((hold for hold in self.holds if chunk.startswith(hold[0])), None)
            if held:
                self.holds.remove(held)
        if held:
            held[1].set()
            held[2].wait(60)

    def _should_lose(self, chunk: bytes) -> bool:
        with self.lock:
            if self.trigger and chunk.startswith(self.trigger[0]):
                self.trigger[1] -= 1
                if self.trigger[1] == 0:
                    self.trigger[2].start()
                    self.trigger = None
            if self.to_lose and self.to_lose[1] > 0 and chunk.startswith(self.to_lose[0]):
                self.to_lose[1] -= 1
                self.lost += 1
                return True
        return False

    def _pipe_answers(self, upstream, client, doomed):
        try:
            while chunk := upstream.recv(65536):
                if doomed.is_set():
                    break  # the server answered; the browser will never know
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            _shut(client)
            _shut(upstream)


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
