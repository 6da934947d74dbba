"""Screenshots of pages at phone (360×740) and desktop (1280×800) size, signed in as a demo account.

Against a running server, e.g. with the demo loaded:
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5055 --as agent@demo.passresot66.fr /pass /me
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5055 --as "" /login /offline   # signed out
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5055 --all   # every main page, every role
Writes <account>-<page>-<width>x<height>.png into --out (docs/screenshots/ by default), what the
screen shows first (--full-page for the whole page), reduced to 256 colours with Pillow so that the
committed files stay small. In a path, {partner}, {agent}, {office} and {report} stand for the first
record linked from the list page that holds them.
"""
import argparse
import json
import os
import re
import sys
import urllib.request

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: --all: the main pages of each demo role ("" is signed out); "/scanner#verdict" pastes a pass.
ALL_PAGES = {
    "": ["/login", "/help", "/privacy", "/offline", "/no-such-page"],
    "agent@demo.passresot66.fr": ["/pass", "/pass/card", "/partners", "/partners/{partner}", "/visits", "/reports",
                                  "/me", "/help", "/training"],
    "partenaire@demo.passresot66.fr": ["/site", "/site/edit", "/scanner", "/scanner#verdict", "/site/admissions",
                                       "/help"],
    "ot@demo.passresot66.fr": ["/office/agents", "/office/agents/{agent}", "/office/agents/new", "/office/overview",
                               "/office/agents/import", "/office/training"],
    "reseau@demo.passresot66.fr": ["/admin/stats", "/admin/offices", "/admin/offices/{office}", "/admin/partners",
                                   "/admin/partners/{partner}", "/admin/reports", "/admin/scans/conflicts"],
}
PLACEHOLDERS = {  # the list pages that may hold the first link (the role's own), and its pattern
    "partner": (("/admin/partners", "/partners"), r"^/(admin/)?partners/\d+$"),
    "agent": (("/office/agents",), r"^/office/agents/\d+$"),
    "office": (("/admin/offices",), r"^/admin/offices/\d+$"),
}
AGENT_FOR_VERDICT = "saisonnier@demo.passresot66.fr"
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
    parser.add_argument("--all", action="store_true", help="every main page of every demo role (ALL_PAGES)")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the first screen")
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


def first_link(page, base_url, name):
    """The path of the first {name} record linked from its list page, as this account sees it."""
    lists, pattern = PLACEHOLDERS[name]
    for list_path in lists:
        response = page.goto(base_url + list_path)
        if response and response.status == 200:
            page.wait_for_load_state("networkidle")
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.getAttribute('href'))")
            found = [href for href in hrefs if re.match(pattern, href)]
            if found:
                return found[0]
    sys.exit(f"no {name} link found on {lists}")


def resolve(page, base_url, path):
    match = re.search(r"/\{(\w+)\}$", path)
    if not match:
        return path
    return first_link(page, base_url, match.group(1))


def pass_qr(base_url, email, password):
    """The exact QR text of a demo agent's pass, through the JSON API."""
    def call(path, body=None, token=None):
        request = urllib.request.Request(base_url + path, data=json.dumps(body).encode() if body else None,
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    token = call("/api/v1/auth/token", {"email": email, "password": password, "device_name": "screenshots"})["token"]
    return call("/api/v1/me/pass", token=token)["qr"]


def optimise(filename):
    """256 colours and PNG optimisation: a few tens of KB for a screen of this app."""
    with Image.open(filename) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(filename, optimize=True)


def take(browser, args, name, options, email, paths):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    page = context.new_page()
    account = slug(email.split("@")[0]) if email else "anonymous"
    if email:
        sign_in(page, args.base_url, email, args.password)
    for wanted in paths:
        path, _, fragment = wanted.partition("#")
        path = resolve(page, args.base_url, path)
        response = page.goto(args.base_url + path)
        page.wait_for_load_state("networkidle")
        if fragment == "verdict":
            page.fill("[data-code]", pass_qr(args.base_url, AGENT_FOR_VERDICT, args.password))
            page.locator("[data-manual-form] [type=submit]").click()
            page.locator("[data-verdict-box]").wait_for()
            page.wait_for_timeout(300)
        size = options["viewport"]
        label = re.sub(r"/\d+", "/id", path) + (f"-{fragment}" if fragment else "")
        filename = os.path.join(args.out, f"{account}-{slug(label)}-{size['width']}x{size['height']}.png")
        page.screenshot(path=filename, full_page=args.full_page)
        optimise(filename)
        print(f"{response.status if response else '---'}  {name:<7} {path:<30} {os.path.relpath(filename)} "
              f"{os.path.getsize(filename) // 1024} KB")
    context.close()


def main(argv=None):
    args = parse_args(argv)
    args.base_url = args.base_url.rstrip("/")
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        runs = ALL_PAGES.items() if args.all else [(args.email, args.paths)]
        for email, paths in runs:
            for name in args.viewport or ("phone", "desktop"):
                take(browser, args, name, VIEWPORTS[name], email, paths)
        browser.close()


if __name__ == "__main__":
    main()
