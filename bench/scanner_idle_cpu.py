"""What the scanner's camera costs while no pass is in view (an entrance tablet waiting between
visitors): Chromium's processor time per second with the camera on /scanner filming an empty
scene, the camera's loop as shipped (a frame without a code is followed by a sharpened try,
static/js/scanner-sharpen.js) against the same loop with plain frames only (scanner-camera.js
served with the sharpened try taken out). Polyfill path (headless Chromium has no native
BarcodeDetector); the demo served as the browser tests serve it.

    .venv/bin/python bench/scanner_idle_cpu.py [SECONDS, default 20]
"""
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pass_screen_cpu import descendants_cpu_seconds  # noqa: E402
from tests.browser.fake_camera import camera_args, write_y4m  # noqa: E402
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, STAFF, sign_in, start_camera  # noqa: E402
from tests.browser.live_server import LiveServer  # noqa: E402

SHARPENED_TRY = "sharpen ? this.sharpened() : this.video"
VARIANTS = ("plain frames only", "with the sharpened try (shipped)")


def camera_cpu(playwright, server, video: Path, profile: Path, plain_only: bool, seconds: float) -> float:
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args(video),
        locale="fr-FR", viewport={"width": 800, "height": 1280}, permissions=["camera"],
        service_workers="block")  # the route below sees every request
    try:
        if plain_only:
            def plain(route):
                source = route.fetch().text()
                assert SHARPENED_TRY in source, "scanner-camera.js changed: update this bench"
                route.fulfill(body=source.replace(SHARPENED_TRY, "this.video"),
                              headers={"content-type": "text/javascript"})
            context.route("**/static/js/scanner-camera.js", plain)
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, server.url, STAFF)
        page.goto(server.url + "/scanner")
        page.locator("[data-scanner][data-ready=true]").wait_for()
        start_camera(page)
        time.sleep(3)  # the decoder loaded, the loop running
        started = descendants_cpu_seconds()
        time.sleep(seconds)
        return (descendants_cpu_seconds() - started) / seconds
    finally:
        context.close()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        server = LiveServer(folder / "server")
        server.flask("db", "upgrade")
        server.flask("load-demo")
        server.start()
        video = write_y4m(folder / "empty.y4m", None)
        figures = {}
        try:
            with sync_playwright() as playwright:
                for round_ in range(2):
                    for index, label in enumerate(VARIANTS):
                        share = camera_cpu(playwright, server, video, folder / f"profile{round_}{index}",
                                           plain_only=index == 0, seconds=seconds)
                        figures.setdefault(label, []).append(share)
        finally:
            server.close()
    print(f"Chromium processor time per second, camera on /scanner, no code in view ({seconds:g} s, twice each):")
    for label, shares in figures.items():
        print(f"  {label:<34} {' '.join(f'{share * 1000:5.0f}' for share in shares)} ms/s")
    plain, shipped = (min(figures[label]) for label in VARIANTS)
    print(f"  shipped / plain: {shipped / plain:.2f}×")


if __name__ == "__main__":
    main()
