"""ratelimit/slots.py: at most WORK_SLOTS heavy batches at once on a host; the others wait, none is lost."""
import threading
import time

from passresot.ratelimit.slots import slot_count, work_slot


def test_with_one_slot_a_second_batch_waits_for_the_first(app, monkeypatch):
    monkeypatch.setitem(app.config, "WORK_SLOTS", "1")
    inside, first_may_leave, order = threading.Event(), threading.Event(), []

    def first():
        with app.app_context(), work_slot("scans"):
            order.append("first in")
            inside.set()
            first_may_leave.wait(10)
            order.append("first out")

    def second():
        with app.app_context(), work_slot("scans"):
            order.append("second in")

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.3)
    assert order == ["first in"]  # the second batch waits, using no CPU
    first_may_leave.set()
    one.join(10)
    two.join(10)
    assert order == ["first in", "first out", "second in"]


def test_two_slots_let_two_batches_run_together(app, monkeypatch):
    monkeypatch.setitem(app.config, "WORK_SLOTS", "2")
    both_inside = threading.Barrier(2, timeout=10)

    def batch():
        with app.app_context(), work_slot("scans"):
            both_inside.wait()  # would time out (BrokenBarrierError) if the second had to wait

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert not both_inside.broken


def test_by_default_the_cores_less_one_and_never_none(app, monkeypatch):
    monkeypatch.setitem(app.config, "WORK_SLOTS", "")
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    with app.app_context():
        assert slot_count() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    with app.app_context():
        assert slot_count() == 7
