"""Security headers on every response, and the reverse proxy trusted only when TRUST_PROXY is set.

The Content-Security-Policy allows scripts from this origin only (no inline script, no eval; the
scanner's QR polyfill compiles WebAssembly, hence 'wasm-unsafe-eval', which allows no JavaScript
eval). Inline styles stay allowed: some pages set a width or a colour in the markup, and a style
cannot run code. HSTS is sent only over HTTPS, where it means something.

Only directives that every engine our users hold understands: WebKit (Safari) does not know
`manifest-src` and logs an error on every page for it, so the manifest is left to `default-src
'self'`, which Chromium and Firefox fall back to for it (the same origin-only rule as before).
"""
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app) -> None:
    """Add the headers to every response; trust X-Forwarded-* from one proxy only if TRUST_PROXY."""
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
