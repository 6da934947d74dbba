"""Carrying an uploaded file from its preview to its confirmation, shared by the import screens."""
import base64
import binascii

from flask import request
from werkzeug.datastructures import FileStorage


def uploaded_bytes(upload, max_bytes: int):
    """The file's bytes, read up to just past the limit so a huge file is refused cheaply; None if no file."""
    if not isinstance(upload, FileStorage):
        return None
    return upload.read(max_bytes + 1)


def encode_payload(data: bytes) -> str:
    """The file as text for the confirm form's hidden field."""
    return base64.b64encode(data).decode("ascii")


def decode_payload(payload):
    """The file back from the confirm form, or None when the field was tampered with."""
    try:
        return base64.b64decode((payload or "").encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None


def allow_larger_uploads(bp, limits: dict):
    """Let the endpoints of `limits` ({endpoint: bytes, or a function giving them}) take bodies past
    MAX_CONTENT_LENGTH.

    CSRF protection reads the form in the app's first before_request, before any view: the limit
    is raised in a hook put ahead of it, so the view (or the blueprint's 413 handler, with the
    limit beside the field) answers instead of a bare error page."""
    @bp.record_once
    def _register(state):
        def raise_limit():
            if request.endpoint in limits:
                limit = limits[request.endpoint]
                request.max_content_length = limit() if callable(limit) else limit
        state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)
