"""One scan of an uploaded batch, read and checked field by field; a bad item is refused on its own."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask_babel import lazy_gettext as _l

from ..passes.exceptions import REFUSAL_REASONS
from .exceptions import InvalidScan
from .models import ScanStatus

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
#: NUL and lone UTF-16 surrogates: JSON carries them, no database column stores them (PostgreSQL
#: refuses NUL in text, both drivers fail to encode a lone surrogate), and no real pass holds them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_DEVICE_ID = 100
MAX_PASS_NUMBER = 20
#: Device clocks run ahead or behind; beyond these bounds the date is not a scan time.
MAX_AHEAD = timedelta(days=1)
MAX_BEHIND = timedelta(days=400)


@dataclass(frozen=True)
class ScanItem:
    id: str  #: lower-case, as stored
    sent_id: str  #: as the device sent it, echoed in the result
    qr: Optional[str]
    pass_number: Optional[str]
    scanned_at: datetime  #: naive UTC
    device_id: str
    offline_verdict: Optional[ScanStatus]
    offline_reason: Optional[str]
    override: bool
    #: When the device last synced its bundle (naive UTC), if it says: what it knew when it decided.
    bundle_synced_at: Optional[datetime] = None


def sent_id(raw) -> Optional[str]:
    """The id an item carries, if it is a string at all (for the error entry of a bad item)."""
    value = raw.get("id") if isinstance(raw, dict) else None
    return value[:64] if isinstance(value, str) else None


def parse_item(raw, received_at: datetime) -> ScanItem:
    """The item as a ScanItem, or InvalidScan naming every field at fault."""
    if not isinstance(raw, dict):
        raise InvalidScan(fields={"scan": _l("Objet JSON attendu.")})
    errors = _unstorable_fields(raw)
    if errors:
        raise InvalidScan(fields=errors)
    scan_id = raw.get("id")
    if not isinstance(scan_id, str) or not _UUID.match(scan_id):
        errors["id"] = _l("UUID attendu (fait sur l'appareil), par exemple "
                          "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b.")
    qr, number = raw.get("qr"), raw.get("pass_number")
    if (qr is None) == (number is None):
        errors["qr"] = _l("Donnez soit le code scanné (qr), soit le numéro de pass (pass_number).")
    elif qr is not None and (not isinstance(qr, str) or not qr):
        errors["qr"] = _l("Le code scanné doit être un texte non vide.")
    elif number is not None and (not isinstance(number, str) or not 0 < len(number) <= MAX_PASS_NUMBER):
        errors["pass_number"] = _l("Le numéro de pass doit être un texte de %(n)s caractères au plus.",
                                   n=MAX_PASS_NUMBER)
    scanned_at = _moment(raw.get("scanned_at"), "scanned_at", received_at, errors)
    device_id = raw.get("device_id")
    if not isinstance(device_id, str) or not 0 < len(device_id.strip()) <= MAX_DEVICE_ID:
        errors["device_id"] = _l("Identifiant de l'appareil attendu (%(n)s caractères au plus).",
                                 n=MAX_DEVICE_ID)
    verdict, reason = _offline(raw, errors)
    override = raw.get("override", False)
    if not isinstance(override, bool):
        errors["override"] = _l("true ou false attendu.")
    synced_at = None
    if raw.get("bundle_synced_at") is not None:
        synced_at = _moment(raw["bundle_synced_at"], "bundle_synced_at", received_at, errors)
    if errors:
        raise InvalidScan(fields=errors)
    return ScanItem(scan_id.lower(), scan_id, qr, number, scanned_at, device_id.strip(), verdict,
                    reason, override, synced_at)


def _unstorable_fields(raw: dict) -> dict:
    """{field: message} for every field (or nested value) carrying a character no column stores."""
    errors = {}
    for name, value in raw.items():
        if _holds_unstorable(name) or _holds_unstorable(value):
            field = name if isinstance(name, str) and not _UNSTORABLE.search(name) else "scan"
            errors[field] = _l("Caractère interdit (NUL ou demi-caractère Unicode) : ce texte ne vient "
                               "pas d'un vrai pass.")
    return errors


def _holds_unstorable(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if depth > 20:
        return True  # nothing a scan carries nests this deep
    if isinstance(value, dict):
        return any(_holds_unstorable(k, depth + 1) or _holds_unstorable(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_unstorable(v, depth + 1) for v in value)
    return False


def _moment(raw, name: str, received_at: datetime, errors: dict) -> Optional[datetime]:
    """An ISO 8601 moment of the item (naive UTC) within the bounds a scan's clock may be, else an
    error under `name`."""
    moment = None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError):
            moment = None
    if moment is None:
        errors[name] = _l("Date ISO 8601 attendue, par exemple 2026-03-12T08:00:00Z.")
    elif not received_at - MAX_BEHIND <= moment <= received_at + MAX_AHEAD:
        errors[name] = _l("Cette date est impossible pour un passage : vérifiez l'horloge "
                                  "de l'appareil.")
        moment = None
    return moment


def _offline(raw, errors: dict):
    verdict, reason = raw.get("offline_verdict"), raw.get("offline_reason")
    if verdict not in (None, "admitted", "refused"):
        errors["offline_verdict"] = _l("« admitted », « refused » ou rien.")
        return None, None
    if reason is not None and reason not in REFUSAL_REASONS:
        errors["offline_reason"] = _l("Motif de refus inconnu.")
        return None, None
    if verdict == "refused" and reason is None:
        errors["offline_reason"] = _l("Un refus hors ligne donne son motif.")
    if verdict != "refused":
        reason = None  # a reason only explains a refusal
    return (ScanStatus(verdict) if verdict else None), reason
