"""The server's verdict on a scanned code, in the order of DESIGN.md §3 (the scanner decides offline alike).

decodes → prefix/version → key id known → signature → revoked → validity window → already admitted
at this site this calendar year (Europe/Paris) → accepted period of the site. The first failing
step gives the reason, one of passes.exceptions.REFUSAL_REASONS.

A holder invited to an eductour programme with a stop at this site that day (Europe/Paris) is
admitted as « Éductour » once the pass itself holds (signature, revocation, window): their free
entry of the year is neither checked nor used, and the site's accepted periods do not apply.
"""
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Optional

from flask import current_app

from ..eductours.attendance import invited_stops
from ..eductours.models import Stop
from ..partners.api import accepts_on
from ..partners.models import Partner
from ..passes.ed25519_policy import signature_holds, usable_key
from ..passes.exceptions import TokenRefused
from ..passes.models import Pass, PassStatus
from ..passes.numbers import normalize_pass_number
from ..passes.token import DEFAULT_TOLERANCE_SECONDS, PassPayload, parse_pass_token, raw_public_key
from ..timeutil import PARIS
from .batch_reads import admissions_at, passes_named
from .models import Visit

#: The validity window's tolerance for clocks that drift (DESIGN.md §3: "a few minutes").
TOLERANCE_SECONDS = DEFAULT_TOLERANCE_SECONDS


@dataclass
class Verdict:
    """`reason` None means admitted; `pass_` is set once the signature held and the pass exists."""

    reason: Optional[str]
    pass_: Optional[Pass] = None
    #: The earlier admission, for already_visited.
    earlier: Optional[Visit] = None
    #: Since when a scanner bundle carried the refusal's reason (the revocation, the earlier
    #: admission's receipt, the site's last change): a device synced after it knew. None: no bundle
    #: did, or the device cannot know (a signature, a date, an admission of this very batch).
    known_since: Optional[datetime] = None
    #: The eductour stop the holder attends here today: admitted without using the free entry.
    eductour: Optional[Stop] = None

    @property
    def admitted(self) -> bool:
        return self.reason is None


def paris_moment(moment: datetime) -> datetime:
    """A naive UTC datetime as the Europe/Paris wall clock."""
    return moment.replace(tzinfo=timezone.utc).astimezone(PARIS)


def paris_date(moment: datetime) -> date:
    return paris_moment(moment).date()


def current_keys() -> Mapping[str, bytes]:
    """kid -> raw public key of every active signing key (read afresh: rotations reach all workers)."""
    return current_app.extensions["pass_keys"].public_keys()


class Judge:
    """Verdicts at one site on codes whose passes and earlier admissions were read beforehand
    (load_judge): no query per code, each token's signature checked once.

    `slots` maps (holder, year) to the admission that fills it; take_slot() adds the batch's own.
    """

    def __init__(self, partner: Partner, keys: "_PublicKeys", passes: Iterable[Pass], visits: Iterable[Visit],
                 signed: Optional[dict] = None, eductours: Optional[dict] = None):
        self.partner, self.keys = partner, keys if isinstance(keys, _PublicKeys) else _PublicKeys(keys)
        self.passes = {pass_.id: pass_ for pass_ in passes}
        self.numbers = {pass_.number: pass_ for pass_ in self.passes.values()}
        self.slots = {(visit.user_id, visit.year): visit for visit in visits}
        #: qr -> its payload once the signature held, or the refusal.
        self._signed: dict[str, PassPayload | TokenRefused] = dict(signed or {})
        #: (holder, Paris day) -> the eductour stop at this site (eductours.invited_stops).
        self.eductours = dict(eductours or {})

    def on_code(self, qr, now: datetime) -> Verdict:
        """The verdict on `qr` at `now` (naive UTC); never raises for any input."""
        if not isinstance(qr, str):
            return Verdict("malformed")
        try:
            payload = self._signed_payload(qr)
        except TokenRefused as refusal:
            return Verdict(refusal.reason)
        pass_ = self.passes.get(payload.pass_id)
        # Not active (returned, revoked, replaced) or unknown here: revoked.
        if pass_ is None or pass_.status is not PassStatus.active:
            return Verdict("revoked", pass_, known_since=getattr(pass_, "closed_at", None))
        outside = _outside_window(payload, now)
        if outside:
            return Verdict(outside, pass_)
        local = paris_moment(now)
        stop = self.eductours.get((pass_.user_id, local.date()))
        if stop is not None:
            return Verdict(None, pass_, eductour=stop)
        earlier = self.slots.get((pass_.user_id, local.year))
        if earlier is not None:
            return Verdict("already_visited", pass_, earlier, known_since=_admission_known_since(earlier, pass_))
        # A site that has not said when it welcomes pass holders is not held against the holder.
        if accepts_on(self.partner, local.date()) is False:
            return Verdict("outside_accepted_period", pass_, known_since=self.partner.updated_at)
        return Verdict(None, pass_)

    def on_number(self, number, now: datetime) -> Verdict:
        """A typed pass number: the same steps on the pass's own token; `malformed` if it names none."""
        pass_ = self.numbers.get(_number(number))
        if pass_ is None:
            return Verdict("malformed")
        return self.on_code(pass_.token, now)

    def take_slot(self, pass_: Pass, moment: datetime) -> Optional[Visit]:
        """Book this year's slot of the pass's holder for an admission at `moment`: the new Visit
        (not yet written), or None when an earlier admission holds it."""
        key = (pass_.user_id, paris_moment(moment).year)
        if key in self.slots:
            return None
        self.slots[key] = Visit(user_id=pass_.user_id, partner_id=self.partner.id, pass_id=pass_.id,
                                year=key[1], admitted_at=moment)
        return self.slots[key]

    def _signed_payload(self, qr) -> PassPayload:
        if qr not in self._signed:
            self._signed[qr] = _check_signature(qr, self.keys)
        found = self._signed[qr]
        if isinstance(found, TokenRefused):
            raise found
        return found


def load_judge(partner: Partner, keys: Mapping, codes: Iterable, numbers: Iterable,
               days: Iterable[date]) -> Judge:
    """A Judge for these codes and typed numbers on these (Paris) days: three queries (the passes,
    the holders' admissions at the site in those years, their eductour stops here on those days).
    Only the passes of codes whose signature holds are read (a forged code names no one)."""
    public_keys = _PublicKeys(keys)
    signed = {qr: _check_signature(qr, public_keys) for qr in codes if isinstance(qr, str)}
    pass_ids = {found.pass_id for found in signed.values() if isinstance(found, PassPayload)}
    typed = {number for number in map(_number, numbers) if number}
    passes = passes_named(pass_ids, typed)
    days = set(days)
    holders = {pass_.user_id for pass_ in passes}
    visits = admissions_at(partner.id, holders, {day.year for day in days})
    return Judge(partner, public_keys, passes, visits, signed, invited_stops(partner.id, holders, days))


def decide(qr, partner: Partner, now: datetime, *, keys: Mapping | None = None) -> Verdict:
    """The verdict on `qr` scanned at `partner` at `now` (naive UTC); never raises for any input."""
    keys = current_keys() if keys is None else keys
    return load_judge(partner, keys, [qr], [], [paris_date(now)]).on_code(qr, now)


def decide_pass_number(number, partner: Partner, now: datetime, *,
                       keys: Mapping | None = None) -> Verdict:
    """The verdict on a typed pass number: the same steps, on the token the pass was issued with.

    A number that does not check out or names no pass is `malformed`.
    """
    keys = current_keys() if keys is None else keys
    return load_judge(partner, keys, [], [number], [paris_date(now)]).on_number(number, now)


def _number(typed) -> Optional[str]:
    return normalize_pass_number(typed) if isinstance(typed, str) else None


class _PublicKeys(dict):
    """kid -> the Ed25519PublicKey the policy accepts (False: refused by it; None: no such key)."""

    def __init__(self, raw: Mapping):
        super().__init__()
        self.raw = raw

    def __missing__(self, kid):
        key = self.raw.get(kid)
        self[kid] = None if key is None else (usable_key(raw_public_key(key)) or False)
        return self[kid]


def _check_signature(qr, keys: _PublicKeys) -> PassPayload | TokenRefused:
    """verify_pass_token's first steps, in its order (decodes, key known, signature holds): the
    payload, or the refusal. The pass and the window come after, per scan (Judge.on_code)."""
    try:
        payload, signed, signature = parse_pass_token(qr)
    except TokenRefused as refusal:
        return refusal
    key = keys[payload.kid]
    if key is None:
        return TokenRefused("unknown_key", payload.kid)
    if not signature_holds(key or None, signature, signed):  # the same policy as verify_pass_token
        return TokenRefused("invalid_signature")
    return payload


def _admission_known_since(earlier: Visit, pass_: Pass) -> Optional[datetime]:
    """A bundle lists an admission once the server has it, under the passes the holder had then."""
    if earlier.id is None:  # booked by this very batch: no bundle held it
        return None
    recorded_at = earlier.recorded_at
    return None if recorded_at is None else max(recorded_at, pass_.issued_at)


def _outside_window(payload: PassPayload, now: datetime) -> Optional[str]:
    """verify_pass_token's last steps, in its order and with the scanner's tolerance."""
    moment = math.floor(now.replace(tzinfo=timezone.utc).timestamp())
    if moment < payload.valid_from - TOLERANCE_SECONDS:
        return "not_yet_valid"
    if moment > payload.valid_until + TOLERANCE_SECONDS:
        return "expired"
    return None
