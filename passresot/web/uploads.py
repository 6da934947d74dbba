"""Carrying an uploaded file from its preview to its confirmation, shared by the import screens."""
import base64
import binascii

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
