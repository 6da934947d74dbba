"""GET /api/v1/partners (the directory agents keep offline) and GET /api/v1/me/visits.

The directory is sent gzip-compressed when the client accepts it (Flask does not compress by
itself, and 5,000 partners are about 1.5 MB of JSON but a few hundred KB gzipped). Each encoding
is its own representation, so the gzipped one gets its own strong ETag (the content hash with a
"-gzip" suffix); If-None-Match accepts either, since both stand for the same content.
"""
import gzip

from flask import current_app, make_response, request
from flask_login import current_user

from ..accounts.models import Role
from ..partners.directory import current_directory, visits_of_year
from ..timeutil import paris_today
from ..web.access import roles_required
from . import bp

GZIP_SUFFIX = "-gzip"
#: Compressed once per content version and process: every agent's phone asks for the same bytes.
_GZIP_CACHE_KEY = "partners_directory_gzip"


@bp.route("/partners")
# Everyone but the entrance (staff and devices scan; the scanner bundle holds what they need).
@roles_required(*(role for role in Role if role not in (Role.entrance_staff, Role.entrance_device)))
def partners_directory():
    directory = current_directory()
    gzipped = request.accept_encodings["gzip"] > 0
    etag = directory.etag[:-1] + GZIP_SUFFIX + '"' if gzipped else directory.etag
    if _matches(directory.etag):
        response = make_response("", 304)
    elif gzipped:
        response = make_response(_gzip(directory))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = make_response(directory.body)
    if response.status_code == 200:
        response.headers["Content-Type"] = "application/json"
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Accept-Encoding")
    return response


def _matches(etag: str) -> bool:
    """If-None-Match names this content, in either encoding (or "*")."""
    header = request.if_none_match
    if header.star_tag:
        return True
    return any(tag.removesuffix(GZIP_SUFFIX) == etag.strip('"') for tag in header.as_set(include_weak=True))


def _gzip(directory) -> bytes:
    cached = current_app.extensions.get(_GZIP_CACHE_KEY)
    if cached is None or cached[0] != directory.etag:
        cached = (directory.etag, gzip.compress(directory.body, compresslevel=6, mtime=0))
        current_app.extensions[_GZIP_CACHE_KEY] = cached
    return cached[1]


@bp.route("/me/visits")
@roles_required(Role.agent)
def my_visits():
    year = paris_today().year
    response = make_response({"year": year, "visits": visits_of_year(current_user.id, year)})
    response.headers["Cache-Control"] = "private, no-cache"
    return response
