"""The server's verdict: every refusal reason, in exactly the order of DESIGN.md §3, and never an exception."""
import os
import random
import string
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passresot.extensions import db
from passresot.passes.api import issue_pass, return_pass, revoke_pass
from passresot.passes.base45 import ALPHABET, b45decode, b45encode
from passresot.passes.exceptions import REFUSAL_REASONS
from passresot.passes.models import PassStatus
from passresot.visits.api import decide
from passresot.visits.models import Visit
from passresot.visits.verdict import decide_pass_number

from .helpers import NOW, SUMMER, WINTER, other_key, raw_pass, set_periods, sign

TOLERANCE = 300


@pytest.fixture
def holder(site):
    """A live pass valid from 30 days before NOW to 300 days after, signed by the ring."""
    return raw_pass(site.make.agent(site.office))


def reason(qr, site, now=NOW):
    return decide(qr, site.partner, now).reason


def visit(site, pass_, year=NOW.year, admitted_at=NOW - timedelta(days=3)):
    db.session.add(Visit(user_id=pass_.user_id, partner_id=site.partner.id, pass_id=pass_.id,
                         year=year, admitted_at=admitted_at))
    db.session.commit()


def tampered(qr: str) -> str:
    """The same token with one bit of the pass id flipped: the kid still matches, the signature not."""
    raw = bytearray(b45decode(qr[4:]))
    raw[8] ^= 0x01
    return "PR1:" + b45encode(bytes(raw))


# --- admitted ----------------------------------------------------------------------------------

def test_a_valid_pass_is_admitted_and_names_its_holder(site, holder):
    verdict = decide(holder.token, site.partner, NOW)
    assert verdict.admitted and verdict.reason is None
    assert verdict.pass_.id == holder.id and verdict.earlier is None


def test_a_freshly_issued_pass_is_admitted_now(site):
    assert decide(site.pass_.token, site.partner, datetime.utcnow()).admitted


# --- malformed: whatever the code holds, a refusal, never an exception ---------------------------

GARBAGE = [
    "", " ", "hello", "https://www.collioure.fr/musee?pass=1", "PR1:", "PR1:!!!", "PR1:AB",
    "pr1:" + "A" * 60, "PR2:" + "0" * 165, "PR1:" + "0" * 166, "PR1:" + "Z" * 10_000,
    "\x00" * 500, "😀" * 50, "PR1:" + "A" * 9_999,
]


@pytest.mark.parametrize("qr", GARBAGE, ids=lambda text: repr(text[:12]) + f"/{len(text)}")
def test_anything_that_is_not_a_token_is_malformed(site, qr):
    assert reason(qr, site) == "malformed"


def test_ten_kilobytes_of_random_garbage_are_malformed(site):
    rng = random.Random(66)
    for _ in range(20):
        assert reason("".join(rng.choices(string.printable, k=10_240)), site) == "malformed"
        assert reason(os.urandom(10_240).decode("latin-1"), site) == "malformed"


@pytest.mark.parametrize("qr", [None, 42, b"PR1:", ["PR1:"], {"qr": "PR1:"}])
def test_a_code_that_is_not_text_is_malformed(site, qr):
    assert reason(qr, site) == "malformed"


def test_a_truncated_real_token_is_malformed(site, holder):
    assert reason(holder.token[:-3], site) == "malformed"


# --- key, signature ------------------------------------------------------------------------------

def test_a_token_signed_by_an_unknown_key_is_unknown_key(site, holder):
    assert reason(sign(holder, key=other_key()), site) == "unknown_key"


def test_a_tampered_token_is_invalid_signature(site, holder):
    assert reason(tampered(holder.token), site) == "invalid_signature"


def test_unknown_key_comes_before_the_signature(site, holder):
    assert reason(tampered(sign(holder, key=other_key())), site) == "unknown_key"


def test_a_forged_token_names_no_holder(site, holder):
    verdict = decide(tampered(holder.token), site.partner, NOW)
    assert verdict.pass_ is None


# --- revoked: any pass that is not active in the database ----------------------------------------

@pytest.mark.parametrize("status", [PassStatus.revoked, PassStatus.returned, PassStatus.replaced])
def test_a_closed_pass_is_revoked(site, status):
    closed = raw_pass(site.make.agent(site.office), status=status)
    verdict = decide(closed.token, site.partner, NOW)
    assert verdict.reason == "revoked" and verdict.pass_.id == closed.id


def test_the_old_token_of_a_renewed_pass_is_revoked(site):
    old = site.pass_.token
    issue_pass(None, site.agent)
    db.session.commit()
    assert reason(old, site, datetime.utcnow()) == "revoked"


def test_revoking_and_returning_through_the_domain_refuse_the_pass(site):
    now = datetime.utcnow()
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    assert reason(site.pass_.token, site, now) == "revoked"
    other = issue_pass(None, site.make.agent(site.office))
    return_pass(None, other)
    db.session.commit()
    assert reason(other.token, site, now) == "revoked"


def test_a_signed_token_for_a_pass_unknown_here_is_revoked(site, holder):
    ghost = sign(holder)
    db.session.delete(holder)
    db.session.commit()
    assert reason(ghost, site) == "revoked"


# --- validity window, with 300 s tolerance -------------------------------------------------------

@pytest.mark.parametrize("shift, expected", [
    (-TOLERANCE - 1, "not_yet_valid"), (-TOLERANCE, None), (0, None),
])
def test_not_yet_valid_with_tolerance(site, holder, shift, expected):
    qr = sign(holder, valid_from=NOW - timedelta(seconds=shift), valid_until=NOW + timedelta(days=9))
    assert reason(qr, site) == expected


@pytest.mark.parametrize("shift, expected", [
    (TOLERANCE + 1, "expired"), (TOLERANCE, None), (0, None),
])
def test_expired_with_tolerance(site, holder, shift, expected):
    qr = sign(holder, valid_from=NOW - timedelta(days=9), valid_until=NOW - timedelta(seconds=shift))
    assert reason(qr, site) == expected


def test_a_revoked_and_expired_pass_is_revoked(site):
    closed = raw_pass(site.make.agent(site.office), status=PassStatus.revoked,
                      valid_from=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=35))
    assert reason(closed.token, site) == "revoked"


def test_a_tampered_expired_token_is_invalid_signature(site, holder):
    qr = sign(holder, valid_from=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=35))
    assert reason(tampered(qr), site) == "invalid_signature"


# --- already admitted at this site this calendar year (Europe/Paris) ------------------------------

def test_a_second_visit_the_same_year_is_already_visited(site, holder):
    visit(site, holder)
    verdict = decide(holder.token, site.partner, NOW)
    assert verdict.reason == "already_visited"
    assert verdict.earlier.admitted_at == NOW - timedelta(days=3)


def test_the_slot_belongs_to_the_holder_not_the_pass(site, holder):
    visit(site, holder)
    renewed = raw_pass(site.make.agent(site.office))
    renewed.user_id = holder.user_id
    holder.status, holder.closed_at = PassStatus.replaced, NOW
    db.session.commit()
    assert reason(renewed.token, site) == "already_visited"


def test_a_visit_last_year_or_at_another_site_does_not_count(site, holder):
    visit(site, holder, year=NOW.year - 1, admitted_at=NOW - timedelta(days=365))
    elsewhere = site.make.partner(accepts_all_year=True)
    db.session.add(Visit(user_id=holder.user_id, partner_id=elsewhere.id, year=NOW.year,
                         admitted_at=NOW - timedelta(days=1)))
    db.session.commit()
    assert reason(holder.token, site) is None


def test_new_year_is_counted_in_paris(site, holder):
    qr = sign(holder, valid_from=datetime(2026, 12, 1), valid_until=datetime(2027, 2, 1))
    visit(site, holder, year=2026, admitted_at=datetime(2026, 12, 31, 12))
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Paris: a new year, a new visit.
    assert reason(qr, site, datetime(2026, 12, 31, 23, 30)) is None
    assert reason(qr, site, datetime(2026, 12, 31, 22, 30)) == "already_visited"


def test_expired_comes_before_already_visited(site, holder):
    visit(site, holder)
    qr = sign(holder, valid_from=NOW - timedelta(days=90), valid_until=NOW - timedelta(days=1))
    assert reason(qr, site) == "expired"


# --- accepted period of the site ----------------------------------------------------------------

def test_outside_the_accepted_periods_is_refused(site, holder):
    set_periods(site.partner, WINTER)
    assert reason(holder.token, site) == "outside_accepted_period"


def test_inside_an_accepted_period_is_admitted(site, holder):
    set_periods(site.partner, WINTER, SUMMER)
    assert reason(holder.token, site) is None


def test_a_site_that_has_not_said_counts_as_accepting(site, holder):
    set_periods(site.partner)  # not all year, no period: the site did not say
    assert reason(holder.token, site) is None


def test_the_period_is_judged_on_the_paris_date(site, holder):
    set_periods(site.partner, (date(2026, 6, 15), date(2026, 6, 20), False))
    # 22:30 UTC on 14 June is 00:30 on 15 June in Paris.
    assert reason(holder.token, site, datetime(2026, 6, 14, 22, 30)) is None
    assert reason(holder.token, site, datetime(2026, 6, 14, 21, 30)) == "outside_accepted_period"


def test_already_visited_comes_before_the_accepted_period(site, holder):
    visit(site, holder)
    set_periods(site.partner, WINTER)
    assert reason(holder.token, site) == "already_visited"


# --- a typed pass number -------------------------------------------------------------------------

def test_a_typed_number_gets_the_verdict_of_its_pass(site, holder):
    typed = holder.display_number.lower()
    assert decide_pass_number(typed, site.partner, NOW).pass_.id == holder.id
    visit(site, holder)
    assert decide_pass_number(typed, site.partner, NOW).reason == "already_visited"


@pytest.mark.parametrize("typed", ["", "1234", "ZZZZ-ZZZZ-ZZZZ", None, 12345678])
def test_a_number_that_does_not_check_out_or_names_no_pass_is_malformed(site, holder, typed):
    assert decide_pass_number(typed, site.partner, NOW).reason == "malformed"


def test_a_wrong_check_character_is_malformed(site, holder):
    number = holder.number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert decide_pass_number(wrong, site.partner, NOW).reason == "malformed"


# --- fuzz: decide never raises ---------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=st.one_of(st.text(max_size=400), st.text(alphabet=ALPHABET, max_size=400).map(lambda t: "PR1:" + t),
                      st.binary(max_size=300).map(lambda b: "PR1:" + b45encode(b))))
def test_decide_never_raises_on_any_text(site, holder, text):
    assert decide(text, site.partner, NOW).reason in REFUSAL_REASONS


@FUZZ
@given(data=st.data())
def test_any_change_to_a_real_token_is_refused_never_raised(site, holder, data):
    qr = holder.token
    position = data.draw(st.integers(4, len(qr) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET + "abc:/"))
    mutated = qr[:position] + replacement + qr[position + 1:]
    verdict = decide(mutated, site.partner, NOW)
    assert verdict.reason in (REFUSAL_REASONS if mutated != qr else (None,))
