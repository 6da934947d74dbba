"""GET /api/v1/openapi.json: the OpenAPI 3.0 description of every /api/v1 route (DESIGN.md §4).

tests/api/test_openapi.py checks that each /api/v1 rule of the URL map is described here with
its methods, and nothing more; keep the shapes in step with the routes.
"""
from flask import jsonify

from ..passes.exceptions import REFUSAL_REASONS
from . import bp


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _obj(properties, required=(), **extra):
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (suffix Z)"}
NULLABLE_TIME = {**TIME, "nullable": True}
REASON = {"type": "string", "enum": list(REFUSAL_REASONS)}
REPORT_KIND = {"type": "string", "enum": ["refused_entry", "wrong_information", "site_closed", "other"]}
SIGNED_IN = [{"bearer": []}, {"session": []}]
UNAUTHORIZED = _error("Not signed in (`unauthorized`).")
NOT_PARTNER = _error("Not a partner staff account (`not_a_partner_account`).")
SCAN_ID = {"name": "scan_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
SINCE = {"name": "since", "in": "query", "required": False, "schema": TIME,
         "description": "Only what changed after this time (the previous answer's `server_time`)."}

SCHEMAS = {
    "Error": _obj({"error": _obj({
        "code": STR, "message": {"type": "string", "description": "In the reader's language (French by default)."},
        "fields": {"type": "object", "additionalProperties": STR}}, ("code", "message"))}, ("error",)),
    "Key": _obj({"kid": {"type": "string", "pattern": "^[0-9a-f]{8}$"}, "alg": {"type": "string", "enum": ["Ed25519"]},
                 "public_key": {"type": "string", "description": "Raw 32-byte key, base64url without padding."}},
                ("kid", "alg", "public_key")),
    "Revocation": _obj({"pass_id": INT, "revoked_at": TIME,
                        "status": {"type": "string", "enum": ["returned", "revoked", "replaced"]}},
                       ("pass_id", "revoked_at", "status")),
    "ScanIn": _obj({
        "id": {"type": "string", "format": "uuid", "description": "Made on the device before the verdict shows."},
        "qr": {"type": "string", "description": "The exact text of the code seen (give `qr` or `pass_number`)."},
        "pass_number": {"type": "string", "maxLength": 20, "description": "Manual entry: the number typed (4K7M-X9Q2)."},
        "scanned_at": {**TIME, "description": "The device's clock when the code was seen."},
        "device_id": {"type": "string", "maxLength": 100},
        "offline_verdict": {"type": "string", "enum": ["admitted", "refused"], "nullable": True,
                            "description": "What the device showed on its own; absent when it waited for the server."},
        "offline_reason": {**REASON, "nullable": True, "description": "Required with offline_verdict `refused`."},
        "override": {"type": "boolean", "default": False,
                     "description": "« Accepter quand même » outside the site's accepted periods."},
        "bundle_synced_at": {**TIME, "nullable": True,
                             "description": "The `server_time` of the device's last bundle: an offline admission "
                                            "of a pass revoked before it is refused, not kept as a conflict."},
        "pin": {"type": "string", "description": "On an entrance device, the site's PIN typed for this override "
                                                 "(else the batch's `pin`); a wrong one answers 403 site_pin_wrong."}},
        ("id", "scanned_at", "device_id")),
    "Holder": _obj({"first_name": STR, "last_name": STR, "office": STR,
                    "photo_url": {"type": "string", "description": "JPEG, served for 10 minutes after the scan."}},
                   ("first_name", "last_name", "office")),
    "ScanResult": _obj({
        "id": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["admitted", "refused"], "nullable": True,
                   "description": "null only with `error`: the item was not recorded and never will be."},
        "reason": {**REASON, "nullable": True,
                   "description": "Why refused; on a conflict or an override, why it was flagged."},
        "replayed": {"type": "boolean", "description": "This UUID was already recorded: its first result."},
        "conflict": {"type": "boolean", "description": "Admitted offline although the server refuses."},
        "override": BOOL, "undone": BOOL,
        "holder": {**_ref("Holder"), "nullable": True,
                   "description": "Only with an admission decided now, within 10 minutes of the scan."},
        "identity_withheld": {"type": "boolean", "description": "A typed number past the account's "
                              "TYPED_IDENTITY_RATE_LIMIT: recorded, but the holder is not named."},
        "visited_on": {**DATE, "nullable": True, "description": "For already_visited: the earlier admission."},
        "closed": {"type": "string", "enum": ["returned", "revoked", "replaced"], "nullable": True,
                   "description": "For revoked: how the pass was closed (returned to the office, revoked, "
                                  "replaced by a newer pass)."},
        "eductour": {**_obj({"stop_id": INT, "title": STR, "starts_at": STR, "ends_at": STR}), "nullable": True,
                     "description": "The holder attends an eductour programme at this site today: admitted "
                                    "as « Éductour », present at the stop, without using the free entry."},
        "error": _obj({"code": {"type": "string", "enum": ["invalid_scan", "scan_id_taken"]},
                       "message": STR, "fields": {"type": "object", "additionalProperties": STR}})}),
    "Report": _obj({
        "id": {"type": "string", "format": "uuid"}, "partner_id": INT, "partner_name": STR, "kind": REPORT_KIND,
        "text": STR, "written_at": TIME, "received_at": TIME,
        "status": {"type": "string", "enum": ["new", "in_progress", "resolved"]},
        "answer": {"type": "string", "nullable": True}, "answered_at": NULLABLE_TIME,
        "due_at": {**TIME, "description": "3 working days (Mon–Fri) after receipt."},
        "late": {"type": "boolean", "description": "Not handled by `due_at`, or handled after it."}}),
    "Period": _obj({"starts_on": DATE, "ends_on": DATE, "recurring": BOOL}),
    "Bundle": _obj({
        "full": {"type": "boolean", "description": "true without `since`: replace what the device holds."},
        "keys": {"type": "array", "items": _ref("Key")},
        "revocations": {"type": "array", "items": _ref("Revocation")},
        "site": _obj({"id": INT, "name": STR, "accepts_all_year": BOOL,
                      "periods": {"type": "array", "items": _ref("Period")},
                      "booking": {"type": "string", "enum": ["required", "not_required", "unknown"]}}),
        "year": {"type": "integer", "description": "The calendar year (Europe/Paris) of the admissions."},
        "admissions": {"type": "array", "items": _obj({"pass_id": INT, "user_id": INT, "visited_on": DATE}),
                       "description": "Keyed by pass id; a holder appears under each pass that may still verify."},
        "admissions_removed": {"type": "array", "items": _obj({"pass_id": INT, "user_id": INT}),
                               "description": "Undone since `since`: drop these first, then add `admissions`."},
        "eductours": {"type": "array", "items": _obj({
            "stop_id": INT, "programme_id": INT, "title": STR, "day": DATE, "starts_at": STR, "ends_at": STR,
            "pass_ids": {"type": "array", "items": INT}}),
            "description": "Eductour stops at the site from today to a week on, with the invited agents' "
                           "active passes; replaced whole at each sync."},
        "server_time": TIME, "max_age": {"type": "integer", "description": "Seconds; warn past it."},
        "verify_after_days": {"type": "integer", "nullable": True, "minimum": 1,
                              "description": "Past this many days without sync, the device's own admissions "
                                             "become \"à vérifier\" (SCANNER_VERIFY_AFTER_DAYS; null: never)."},
        "tolerance_seconds": {"type": "integer", "description": "Allowed clock drift on the validity window."}}),
}


def _text(max_length: int) -> dict:
    """A required text field: something besides spaces, at most `max_length` characters."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": r"\S"}


def _op(summary, responses, *, security=SIGNED_IN, **extra):
    operation = {"summary": summary, "responses": responses, **extra}
    operation["security"] = security
    return operation


PATHS = {
    "/auth/token": {
        "post": _op("A bearer token for a device (stored hashed, revocable, rate-limited).", {
            "201": _json(_obj({"token": STR, "token_type": STR, "expires_at": TIME, "role": STR}), "Created."),
            "400": _error("Missing or wrong fields."), "401": _error("Bad credentials."),
            "429": _error("Too many failed attempts, or requests from this address (`rate_limited`).")},
            security=[],
            requestBody={"required": True, "content": {"application/json": {"schema": _obj(
                {"email": _text(254), "password": _text(200), "device_name": _text(80)},
                ("email", "password", "device_name"))}}}),
        "delete": _op("Revoke the bearer token sent in Authorization.", {
            "204": {"description": "Revoked."},
            "401": _error("No bearer token (`unauthorized`), or unknown or already revoked (`unknown_token`).")},
            security=[{"bearer": []}]),
    },
    "/me/pass": {"get": _op("The agent's pass; `qr` is the exact text of the QR code (null once closed).", {
        "200": _json(_obj({"qr": {"type": "string", "nullable": True}, "pass_number": STR,
                           "holder": _obj({"first_name": STR, "last_name": STR, "photo_url": STR}),
                           "office": _obj({"id": INT, "name": STR}), "valid_from": TIME, "valid_until": TIME,
                           "status": {"type": "string", "enum": ["active", "returned", "revoked", "replaced",
                                                                 "expired"]}}), "The pass."),
        "401": UNAUTHORIZED, "403": _error("Not an agent."), "404": _error("No pass issued yet.")})},
    "/me/visits": {"get": _op("The agent's admissions this calendar year (Europe/Paris).", {
        "200": _json(_obj({"year": INT, "visits": {"type": "array", "items": _obj(
            {"partner_id": INT, "admitted_at": TIME})}}), "Visits."),
        "401": UNAUTHORIZED, "403": _error("Not an agent.")})},
    "/me/hours": {"get": _op("The agent's partner-visit hours this calendar year against the 14-hour target.", {
        "200": _json(_obj({
            "year": INT, "target_minutes": {"type": "integer", "description": "840 (14 h, Qualité Tourisme)."},
            "total_minutes": INT, "pass_minutes": INT, "other_minutes": INT,
            "default_visit_minutes": {"type": "integer",
                                      "description": "Counted for a site with no visit length (`estimated`)."},
            "visits": {"type": "array", "items": _obj({"partner_id": INT, "partner_name": STR, "admitted_at": TIME,
                                                       "minutes": INT, "estimated": BOOL})},
            "other_visits": {"type": "array", "items": _obj({"partner_id": INT, "partner_name": STR,
                                                             "visited_on": DATE, "minutes": INT, "note": STR}),
                             "description": "Eductours and visits without the pass, recorded by the OT admin."}}),
            "Hours."),
        "401": UNAUTHORIZED, "403": _error("Not an agent.")})},
    "/me/reports": {
        "get": _op("The agent's dysfunction reports, newest first, with the network's answers.", {
            "200": _json(_obj({"reports": {"type": "array", "items": _ref("Report")}}), "Reports."),
            "401": UNAUTHORIZED, "403": _error("Not an agent.")}),
        "post": _op("Send a dysfunction report written on the device; idempotent per UUID.", {
            "201": _json(_obj({"report": _ref("Report"), "replayed": BOOL}), "Recorded."),
            "200": _json(_obj({"report": _ref("Report"), "replayed": BOOL}),
                         "This UUID was already recorded: the report as it is now."),
            "400": _error("Missing or wrong fields (`invalid_report`, with `fields`)."),
            "401": UNAUTHORIZED, "403": _error("Not an agent."),
            "409": _error("The UUID names another person's report (`report_id_taken`).")},
            requestBody={"required": True, "content": {"application/json": {"schema": _obj({
                "id": {"type": "string", "format": "uuid", "description": "Made on the device when written."},
                "partner_id": INT, "kind": REPORT_KIND,
                "text": {"type": "string", "maxLength": 4000},
                "written_at": {**TIME, "description": "The device's clock when written (optional)."}},
                ("id", "partner_id", "kind", "text"))}}}),
    },
    "/keys": {"get": _op("Public keys that verify pass tokens.", {
        "200": _json(_obj({"keys": {"type": "array", "items": _ref("Key")}}), "Active keys.")}, security=[])},
    "/revocations": {"get": _op("Passes that no longer admit anyone, closed after `since`.", {
        "200": _json(_obj({"revocations": {"type": "array", "items": _ref("Revocation")}, "server_time": TIME}),
                     "Revocations."),
        "400": _error("Bad `since`."), "401": UNAUTHORIZED, "403": _error("Not partner staff or network admin.")},
        parameters=[SINCE])},
    "/partners": {"get": _op("The partner directory (format 1), with a strong ETag; gzip when accepted.", {
        "200": _json(_obj({"format": INT, "count": INT, "partners": {"type": "array", "items": {"type": "object"}}}),
                     "The directory (see passresot/partners/directory.py for each partner's keys)."),
        "304": {"description": "Unchanged (If-None-Match)."}, "401": UNAUTHORIZED})},
    "/scans": {"post": _op("Record scans from a partner device; idempotent per UUID; results in the order sent.", {
        "200": _json(_obj({"results": {"type": "array", "items": _ref("ScanResult")}, "server_time": TIME,
                           "withdrawn": _obj({"code": STR, "message": STR}, description=(
                               "Only for an entrance device its site withdrew (`device_revoked`, up to 30 days "
                               "after): the scans made before the withdrawal are recorded and flagged, those "
                               "made after have the error `device_revoked`."))}),
                     "One result per scan, in order; a bad item has `error` and the others are recorded."),
        "400": _error("Not a JSON object with a `scans` list."), "401": UNAUTHORIZED, "403": NOT_PARTNER,
        "413": _error("Over 100 scans (`too_many_scans`) or 1 MB (`body_too_large`)."),
        "429": _error("Too many requests from this account (`rate_limited`); see Retry-After.")},
        requestBody={"required": True, "content": {"application/json": {"schema": _obj(
            {"scans": {"type": "array", "maxItems": 100, "items": _ref("ScanIn")},
             "pin": {"type": "string", "description": "Entrance devices: the site's PIN for the overrides."}},
            ("scans",))}}})},
    "/scans/{scan_id}/undo": {"post": _op("« Annuler cette entrée » within 10 minutes, at one's own site.", {
        "200": _json(_ref("ScanResult"), "Undone (again: unchanged)."), "401": UNAUTHORIZED, "403": NOT_PARTNER,
        "404": _error("No such scan at this site."),
        "409": _error("Not an admission (`not_an_admission`) or too late (`undo_too_late`).")},
        parameters=[SCAN_ID])},
    "/scans/{scan_id}/photo": {"get": _op("The holder's photo, for 10 minutes after a scan of their pass here.", {
        "200": {"description": "JPEG.", "content": {"image/jpeg": {}}}, "401": UNAUTHORIZED, "403": NOT_PARTNER,
        "404": _error("No such recent scan of a real pass at this site, or no photo.")}, parameters=[SCAN_ID])},
    "/scanner/bundle": {"get": _op("What the scanner needs offline, in full or changed since `since`.", {
        "200": _json(_ref("Bundle"), "The bundle."), "400": _error("Bad `since`."), "401": UNAUTHORIZED,
        "403": NOT_PARTNER}, parameters=[SINCE])},
    "/openapi.json": {"get": _op("This description.", {"200": {"description": "OpenAPI 3.0 document."}},
                                 security=[])},
}

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "PassResOT66 API", "version": "1",
             "description": "Errors are `{error: {code, message, fields?}}`. Refusal reasons: "
                            + ", ".join(REFUSAL_REASONS) + ". Cookie sessions send X-CSRFToken on writes."},
    "servers": [{"url": "/api/v1"}],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "From POST /auth/token."},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    },
}


@bp.route("/openapi.json")
def openapi():
    response = jsonify(SPEC)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
