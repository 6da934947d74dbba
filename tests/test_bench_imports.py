"""Every script and helper in bench/ still imports: they borrow the browser tests' helpers
(tests/browser/helpers.py, live_server.py, fake_camera.py), and a move there broke three of them
unseen (`make bench` is run by hand, never by CI). Importing runs no measure: each script measures
only under `if __name__ == "__main__"`."""
import importlib
from pathlib import Path

import pytest

BENCH = sorted(path.stem for path in (Path(__file__).resolve().parents[1] / "bench").glob("*.py"))


def test_the_bench_folder_is_found():
    assert {"scan_defocus", "scan_frame_to_verdict", "door_weak_signal", "partners_list"} <= set(BENCH)


@pytest.mark.parametrize("name", BENCH)
def test_the_bench_imports(name):
    module = importlib.import_module(f"bench.{name}")
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "def main(" not in source or 'if __name__ == "__main__"' in source, f"bench/{name}.py measures on import"
