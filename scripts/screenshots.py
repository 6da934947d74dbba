"""Screenshots of pages at phone (360×740) and desktop (1280×800) size, signed in as a demo account.

Against a running server, e.g. with the demo loaded:
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5055 --as agent@demo.passresot66.fr /pass /me
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5055 --as "" /login /offline   # signed out
Writes <account>-<page>-<width>x<height>.png into --out (docs/screenshots/ by default).
"""
import argparse
import os
import re
import sys

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {
    "phone": dict(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2),
    "desktop": dict(viewport={"width": 1280, "height": 800}),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="the running server, e.g. http://127.0.0.1:5055")
    parser.add_argument("paths", nargs="*", default=["/"], help="pages to take, e.g. /pass /me (default: /)")
    parser.add_argument("--as", dest="email", default="agent@demo.passresot66.fr",
                        help='demo account to sign in with ("" for signed out)')
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo-passresot66"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "screenshots"))
    parser.add_argument("--viewport", choices=sorted(VIEWPORTS), action="append",
                        help="only this size (repeatable; default: both)")
    return parser.parse_intermixed_args(argv)


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "home"


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    if "/login" in page.url:
        sys.exit(f"sign-in refused for {email}")


def take(browser, args, name, options):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    page = context.new_page()
    account = slug(args.email.split("@")[0]) if args.email else "anonymous"
    if args.email:
        sign_in(page, args.base_url, args.email, args.password)
    for path in args.paths:
        response = page.goto(args.base_url + path)
        page.wait_for_load_state("networkidle")
        size = options["viewport"]
        filename = os.path.join(args.out, f"{account}-{slug(path)}-{size['width']}x{size['height']}.png")
        page.screenshot(path=filename, full_page=True)
        print(f"{response.status if response else '---'}  {name:<7} {path:<30} {os.path.relpath(filename)}")
    context.close()


def main(argv=None):
    args = parse_args(argv)
    args.base_url = args.base_url.rstrip("/")
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name in args.viewport or ("phone", "desktop"):
            take(browser, args, name, VIEWPORTS[name])
        browser.close()


if __name__ == "__main__":
    main()
