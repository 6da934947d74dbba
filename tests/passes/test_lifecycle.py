"""The pass life cycle in the domain: issue (R3), validity (R2), renew, return (R4), revoke, numbers."""
import random
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from passresot.accounts.models import AgentKind
from passresot.agents.api import set_agent_active
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.offices.api import set_office_active
from passresot.passes.api import (
    find_by_number, issue_pass, issue_passes, live_pass, return_pass, revocations_since,
    revoke_pass, validity_window, SYNC_OVERLAP)
from passresot.passes.exceptions import PassCannotBeIssued, PassNotActive, ReasonRequired
from passresot.passes.models import Pass, PassStatus
from passresot.passes.numbers import ALPHABET, new_pass_number, normalize_pass_number
from passresot.passes.token import verify_pass_token
from passresot.timeutil import PARIS, paris_today, utcnow

UTC = timezone.utc


def utc(*parts) -> datetime:
    """A naive UTC datetime, as the database stores them."""
    return datetime(*parts)


def paris(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def events(pass_id: int) -> list:
    return AuditEvent.query.filter_by(target_type="pass", target_id=pass_id).order_by(AuditEvent.id).all()


@pytest.fixture
def in_request(app, app_ctx):
    """Domain messages are translated in the reader's locale, which needs a request (see the xfail below)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def office(make, in_request):
    return make.office(name="Office de Tourisme de Céret")


@pytest.fixture
def admin(make, office):
    return make.office_admin(office)


# --- issuing: what R3 requires -------------------------------------------------------------------

@pytest.mark.parametrize("fields,missing", [
    pytest.param({"photo": False}, ["la photo"], id="no-photo"),
    pytest.param({"active": False}, ["un compte actif"], id="inactive"),
    pytest.param({"seasonal": True, "contract_start": date(2020, 5, 1), "contract_end": date(2020, 9, 30)},
                 ["un contrat saisonnier en cours"], id="seasonal-contract-over"),
    pytest.param({"first_name": "  "}, ["le prénom"], id="blank-first-name"),
    pytest.param({"photo": False, "active": False}, ["la photo", "un compte actif"], id="several"),
])
def test_issue_is_refused_listing_what_is_missing(make, office, admin, fields, missing):
    agent = make.agent(office, **fields)
    with pytest.raises(PassCannotBeIssued) as refusal:
        issue_pass(admin, agent)
    assert [str(item) for item in refusal.value.missing] == missing
    expected = "Pass impossible à délivrer pour l'instant : " + ", ".join(missing) + "."
    assert str(refusal.value.message) == expected
    assert refusal.value.status == 409
    assert Pass.query.count() == 0
    assert AuditEvent.query.filter(AuditEvent.action.like("pass.%")).count() == 0


def test_domain_functions_work_outside_a_request(make):
    office = make.office()
    admin = make.office_admin(office)
    agent = make.agent(office, photo=False)
    with pytest.raises(PassCannotBeIssued):
        issue_pass(admin, agent)


def test_a_seasonal_agent_with_a_current_contract_gets_a_pass(make, office, admin):
    agent = make.agent(office, seasonal=True, contract_end=paris_today() + timedelta(days=10))
    assert issue_pass(admin, agent).status is PassStatus.active


# --- validity: R2, in Europe/Paris, across DST and leap days --------------------------------------

@pytest.mark.parametrize("issued,valid_from,valid_until", [
    # Winter to winter (CET, UTC+1).
    pytest.param(date(2026, 1, 15), utc(2026, 1, 14, 23, 0, 0), utc(2027, 1, 14, 22, 59, 59), id="winter"),
    # Issued on the spring-forward Sunday (00:00 is still CET); ends on 2027's spring-forward day, in CEST.
    pytest.param(date(2026, 3, 29), utc(2026, 3, 28, 23, 0, 0), utc(2027, 3, 28, 21, 59, 59),
                 id="dst-spring"),
    # Issued in winter time (after 2026's fall-back), ends in summer time (before 2027's): the two
    # ends have different offsets.
    pytest.param(date(2026, 10, 28), utc(2026, 10, 27, 23, 0, 0), utc(2027, 10, 27, 21, 59, 59),
                 id="cet-to-cest"),
    pytest.param(date(2026, 4, 10), utc(2026, 4, 9, 22, 0, 0), utc(2027, 4, 9, 21, 59, 59), id="summer"),
    # Issued on the fall-back Sunday (00:00 is still CEST, UTC+2).
    pytest.param(date(2026, 10, 25), utc(2026, 10, 24, 22, 0, 0), utc(2027, 10, 24, 21, 59, 59),
                 id="dst-autumn"),
    # 29 February: the same date next year does not exist, so (as French law counts years) it is
    # the last day of February, and the pass ends the day before.
    pytest.param(date(2028, 2, 29), utc(2028, 2, 28, 23, 0, 0), utc(2029, 2, 27, 22, 59, 59),
                 id="29-february"),
])
def test_a_permanent_pass_runs_to_the_day_before_the_same_date_next_year(
        make, office, admin, issued, valid_from, valid_until):
    agent = make.agent(office, contract_start=date(2020, 1, 1))
    new = issue_pass(admin, agent, today=issued)
    assert (new.valid_from, new.valid_until) == (valid_from, valid_until)
    assert paris(new.valid_from).date() == issued and paris(new.valid_from).time() == time(0, 0, 0)
    assert paris(new.valid_until).time() == time(23, 59, 59)
    assert new.kind is AgentKind.permanent


def test_around_29_february_the_end_date_never_goes_backwards(make, office):
    agent = make.agent(office, contract_start=date(2020, 1, 1))
    ends = [validity_window(agent, date(2028, 2, 28) + timedelta(days=n))[1] for n in range(3)]
    assert [paris(end).date() for end in ends] == [date(2029, 2, 27), date(2029, 2, 27), date(2029, 2, 28)]


def test_a_permanent_agent_whose_contract_ends_sooner_gets_that_end(make, office, admin):
    agent = make.agent(office, contract_start=date(2020, 1, 1), contract_end=date(2026, 8, 31))
    new = issue_pass(admin, agent, today=date(2026, 3, 1))
    assert new.valid_until == utc(2026, 8, 31, 21, 59, 59)  # 23:59:59 CEST


def test_a_later_contract_end_does_not_extend_a_permanent_pass(make, office):
    agent = make.agent(office, contract_start=date(2020, 1, 1), contract_end=date(2030, 1, 1))
    assert paris(validity_window(agent, date(2026, 3, 1))[1]).date() == date(2027, 2, 28)


def test_a_seasonal_pass_ends_with_the_contract(make, office, admin):
    end = paris_today() + timedelta(days=45)
    agent = make.agent(office, seasonal=True, contract_end=end)
    new = issue_pass(admin, agent)
    assert paris(new.valid_until).date() == end
    assert paris(new.valid_until).time() == time(23, 59, 59)
    assert paris(new.valid_from).date() == paris_today()
    assert new.kind is AgentKind.seasonal


def test_a_contract_starting_later_starts_the_pass_later(make, office, admin):
    start = paris_today() + timedelta(days=20)
    agent = make.agent(office, seasonal=True, contract_start=start, contract_end=start + timedelta(days=60))
    new = issue_pass(admin, agent)
    assert paris(new.valid_from) == datetime.combine(start, time.min, tzinfo=PARIS)


def test_a_permanent_agent_whose_contract_has_ended_is_refused_cleanly(make, office, admin):
    agent = make.agent(office, contract_start=date(2020, 1, 1),
                       contract_end=paris_today() - timedelta(days=1))
    with pytest.raises(PassCannotBeIssued):
        issue_pass(admin, agent)


# --- the token --------------------------------------------------------------------------------------

def test_the_token_verifies_with_the_ring_and_says_who_and_when(app, make, office, admin):
    agent = make.agent(office, first_name="Amélie", last_name="  Roca-Puig")
    new = issue_pass(admin, agent)
    db.session.commit()
    ring = app.extensions["pass_keys"]
    payload = verify_pass_token(new.token, ring.public_keys(), utcnow())
    assert payload.pass_id == new.id
    assert payload.office_id == office.id
    assert (payload.valid_from, payload.valid_until) == (unix(new.valid_from), unix(new.valid_until))
    assert payload.display_name == "Amélie R."
    assert payload.kid == new.kid == ring.signing_key()[0]
    assert new.token.startswith("PR1:")


def test_a_token_never_verifies_with_a_key_outside_the_ring(make, office, admin):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from passresot.passes.exceptions import TokenRefused

    new = issue_pass(admin, make.agent(office))
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with pytest.raises(TokenRefused) as refusal:
        verify_pass_token(new.token, {new.kid: other}, utcnow())
    assert refusal.value.reason == "invalid_signature"


# --- one live pass per agent ------------------------------------------------------------------------

def test_renewing_replaces_the_live_pass(make, office, admin):
    agent = make.agent(office)
    first = issue_pass(admin, agent)
    db.session.commit()
    second = issue_pass(admin, agent)
    db.session.commit()
    assert first.status is PassStatus.replaced
    assert first.closed_at is not None and first.closed_by_id == admin.id
    assert first.close_reason == "Renouvelé"
    assert second.status is PassStatus.active and second.number != first.number
    assert live_pass(agent.id).id == second.id
    assert Pass.query.filter_by(user_id=agent.id, status=PassStatus.active).count() == 1
    assert [e.action for e in events(first.id)] == ["pass.issued", "pass.replaced"]
    assert [e.action for e in events(second.id)] == ["pass.renewed"]


def _raw_pass(agent, status=PassStatus.active, number=None, **fields):
    now = utcnow()
    return Pass(number=number or new_pass_number(), user_id=agent.id, office_id=agent.office_id,
                kind=agent.kind, status=status, valid_from=now, valid_until=now + timedelta(days=30),
                token="PR1:X", kid="00000000", **fields)


def test_the_database_refuses_a_second_active_pass_for_one_agent(make, office, admin):
    agent = make.agent(office)
    issue_pass(admin, agent)
    db.session.commit()
    db.session.add(_raw_pass(agent))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert Pass.query.filter_by(user_id=agent.id).count() == 1


def test_the_database_allows_closed_passes_beside_the_active_one(make, office):
    agent, other = make.agent(office), make.agent(office)
    closed = dict(closed_at=utcnow(), close_reason="test")
    db.session.add_all([_raw_pass(agent), _raw_pass(agent, PassStatus.returned, **closed),
                        _raw_pass(agent, PassStatus.revoked, **closed), _raw_pass(other)])
    db.session.commit()
    assert Pass.query.count() == 4


@pytest.mark.parametrize("fields", [
    pytest.param({"status": PassStatus.revoked, "closed_at": datetime(2026, 1, 1)},
                 id="revoked-without-reason"),
    pytest.param({"status": PassStatus.returned}, id="closed-without-date"),
    pytest.param({"status": PassStatus.expired, "closed_at": datetime(2026, 1, 1)},
                 id="expired-is-never-stored"),
])
def test_the_database_refuses_incoherent_closed_passes(make, office, fields):
    agent = make.agent(office)
    db.session.add(_raw_pass(agent, **fields))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_a_duplicate_number(make, office):
    a, b = make.agent(office), make.agent(office)
    number = new_pass_number()
    db.session.add_all([_raw_pass(a, number=number), _raw_pass(b, number=number)])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- return, revoke ---------------------------------------------------------------------------------

def test_returning_closes_the_pass_and_keeps_the_note(make, office, admin):
    new = issue_pass(admin, make.agent(office))
    return_pass(admin, new, "  fin de saison  ")
    db.session.commit()
    assert new.status is PassStatus.returned
    assert new.closed_at is not None and new.closed_by_id == admin.id
    assert new.close_reason == "fin de saison"
    event = events(new.id)[-1]
    assert (event.action, event.actor_id) == ("pass.returned", admin.id)
    assert event.details["reason"] == "fin de saison"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_needs_a_reason(make, office, admin, reason):
    new = issue_pass(admin, make.agent(office))
    db.session.commit()
    with pytest.raises(ReasonRequired) as refusal:
        revoke_pass(admin, new, reason)
    assert "reason" in refusal.value.fields
    assert new.status is PassStatus.active and new.closed_at is None
    assert [e.action for e in events(new.id)] == ["pass.issued"]


def test_revoking_records_the_reason(make, office, admin):
    new = issue_pass(admin, make.agent(office))
    revoke_pass(admin, new, "Téléphone perdu")
    db.session.commit()
    assert new.status is PassStatus.revoked
    assert new.close_reason == "Téléphone perdu" and new.closed_by_id == admin.id
    event = events(new.id)[-1]
    assert (event.action, event.actor_id) == ("pass.revoked", admin.id)
    assert event.details["reason"] == "Téléphone perdu"


def test_revoking_works_with_an_actor_expired_by_a_commit(make, office, admin):
    new = issue_pass(admin, make.agent(office))
    db.session.commit()  # expires `admin`, as the bearer-token touch does
    revoke_pass(admin, new, "Téléphone perdu")
    db.session.commit()
    assert new.status is PassStatus.revoked and new.closed_by_id == admin.id


@pytest.mark.parametrize("first,then", [
    ("return", "revoke"), ("revoke", "return"), ("return", "return"), ("revoke", "revoke"),
    ("renew", "return"), ("renew", "revoke"),
])
def test_a_closed_pass_cannot_be_closed_again(make, office, admin, first, then):
    agent = make.agent(office)
    new = issue_pass(admin, agent)
    db.session.commit()
    db.session.refresh(admin)
    {"return": lambda: return_pass(admin, new),
     "revoke": lambda: revoke_pass(admin, new, "perdu"),
     "renew": lambda: issue_pass(admin, agent)}[first]()
    db.session.commit()
    db.session.refresh(admin)  # an expired actor is another story: see the xfail below
    status, closed_at, count = new.status, new.closed_at, len(events(new.id))
    with pytest.raises(PassNotActive):
        return_pass(admin, new) if then == "return" else revoke_pass(admin, new, "encore")
    assert (new.status, new.closed_at, len(events(new.id))) == (status, closed_at, count)


# --- leaving the staff (R3) -------------------------------------------------------------------------

def test_deactivating_an_agent_revokes_the_live_pass(make, office, admin):
    agent = make.agent(office)
    new = issue_pass(admin, agent)
    db.session.commit()
    set_agent_active(admin, agent, False)
    db.session.commit()
    assert new.status is PassStatus.revoked
    assert "désactivé" in new.close_reason
    assert live_pass(agent.id) is None
    assert events(new.id)[-1].action == "pass.revoked" and events(new.id)[-1].actor_id == admin.id
    with pytest.raises(PassCannotBeIssued):
        issue_pass(admin, agent)


def test_deactivating_an_agent_without_a_pass_just_closes_the_account(make, office, admin):
    agent = make.agent(office)
    set_agent_active(admin, agent, False)
    db.session.commit()
    assert agent.active is False and Pass.query.count() == 0


def test_deactivating_an_office_revokes_its_agents_passes_only(make, office, admin):
    network = make.network_admin()
    other_office = make.office()
    mine = [issue_pass(admin, make.agent(office)) for _ in range(3)]
    theirs = issue_pass(None, make.agent(other_office))
    db.session.commit()
    set_office_active(network, office, False)
    db.session.commit()
    assert [p.status for p in mine] == [PassStatus.revoked] * 3
    assert all(p.close_reason and p.closed_by_id == network.id for p in mine)
    assert theirs.status is PassStatus.active
    assert Pass.query.filter_by(office_id=office.id, status=PassStatus.active).count() == 0


# --- expiry -----------------------------------------------------------------------------------------

def test_an_active_pass_past_its_end_reads_as_expired(make, office, admin):
    new = issue_pass(admin, make.agent(office, contract_start=None), today=date(2025, 1, 10))
    db.session.commit()
    end = new.valid_until
    assert new.effective_status(end) is PassStatus.active
    assert new.effective_status(end + timedelta(seconds=1)) is PassStatus.expired
    assert new.effective_status() is PassStatus.expired  # ended on 9 January 2026
    assert new.status is PassStatus.active  # never stored as expired
    return_pass(admin, new)
    assert new.effective_status() is PassStatus.returned


# --- audit ------------------------------------------------------------------------------------------

def test_every_change_leaves_an_audit_event(make, office, admin):
    agent = make.agent(office)
    first = issue_pass(admin, agent)
    second = issue_pass(admin, agent)
    revoke_pass(admin, second, "Téléphone volé")
    third = issue_pass(admin, agent)
    return_pass(admin, third, "départ")
    db.session.commit()
    trail = [(e.action, e.target_id, e.actor_id, e.details.get("reason"))
             for e in AuditEvent.query.filter_by(target_type="pass").order_by(AuditEvent.id)]
    assert trail == [
        ("pass.issued", first.id, admin.id, None),
        ("pass.replaced", first.id, admin.id, "Renouvelé"),
        ("pass.renewed", second.id, admin.id, None),
        ("pass.revoked", second.id, admin.id, "Téléphone volé"),
        ("pass.issued", third.id, admin.id, None),  # the revoked pass was not live any more
        ("pass.returned", third.id, admin.id, "départ"),
    ]
    issued = events(first.id)[0].details
    assert issued["agent_id"] == agent.id and issued["number"] == first.number


# --- the revocation list ----------------------------------------------------------------------------

def test_revocations_list_closed_passes_and_only_newer_ones_after_a_time(make, office, admin):
    agents = [make.agent(office) for _ in range(4)]
    returned, revoked, renewed, still_active = (issue_pass(admin, a) for a in agents)
    return_pass(admin, returned)
    revoke_pass(admin, revoked, "perdu")
    db.session.flush()
    returned.closed_at = revoked.closed_at = utcnow() - timedelta(hours=2)
    cut = utcnow() - timedelta(hours=1)
    issue_pass(admin, agents[2])  # replaces `renewed` now
    db.session.commit()

    everything = revocations_since(None)
    assert {(r["pass_id"], r["status"]) for r in everything} == {
        (returned.id, "returned"), (revoked.id, "revoked"), (renewed.id, "replaced")}
    assert all(r["revoked_at"].endswith("Z") for r in everything)
    assert still_active.id not in {r["pass_id"] for r in everything}
    assert [r["pass_id"] for r in revocations_since(cut)] == [renewed.id]
    # A short overlap resends what closed just before `since` (closed_at is stamped before commit).
    assert [r["pass_id"] for r in revocations_since(utcnow() + timedelta(seconds=1))] == [renewed.id]
    assert revocations_since(utcnow() + SYNC_OVERLAP + timedelta(seconds=1)) == []


# --- many at once -----------------------------------------------------------------------------------

def test_issue_passes_issues_to_the_eligible_and_reports_the_others(make, office, admin):
    ready = make.agent(office)
    no_photo = make.agent(office, photo=False)
    also_ready = make.agent(office)
    gone = make.agent(office, active=False)
    issued, failed = issue_passes(admin, [ready, no_photo, also_ready, gone])
    db.session.commit()
    assert [p.user_id for p in issued] == [ready.id, also_ready.id]
    assert [(agent.id, [str(m) for m in error.missing]) for agent, error in failed] == [
        (no_photo.id, ["la photo"]), (gone.id, ["un compte actif"])]
    db.session.expire_all()
    assert {p.user_id for p in Pass.query.filter_by(status=PassStatus.active)} == {ready.id, also_ready.id}


def test_issue_passes_survives_an_agent_whose_contract_has_ended(make, office, admin):
    ready = make.agent(office)
    ended = make.agent(office, contract_start=date(2020, 1, 1),
                       contract_end=paris_today() - timedelta(days=3))
    issued, failed = issue_passes(admin, [ready, ended])
    assert [p.user_id for p in issued] == [ready.id]
    assert [agent.id for agent, _ in failed] == [ended.id]


# --- pass numbers -----------------------------------------------------------------------------------

SAMPLE_NUMBERS = ["0000000", "V0V0V0V", "4K7MX9Q", "ZZZZZZZ", "1234567"]


def _complete(body: str) -> str:
    """The only valid number with this body (found through the public normalizer)."""
    [number] = [body + check for check in ALPHABET if normalize_pass_number(body + check)]
    return number


def test_every_body_has_exactly_one_check_character():
    for body in SAMPLE_NUMBERS:
        assert len(_complete(body)) == 8


@pytest.mark.parametrize("body", SAMPLE_NUMBERS)
def test_every_single_character_substitution_is_rejected(body):
    number = _complete(body)
    accepted = [changed for position in range(len(number)) for char in ALPHABET
                if char != number[position]
                for changed in [number[:position] + char + number[position + 1:]]
                if normalize_pass_number(changed) is not None]
    assert accepted == []


def test_random_single_substitutions_are_rejected():
    rng = random.Random(66)
    for _ in range(2000):
        number = new_pass_number()
        position = rng.randrange(8)
        char = rng.choice([c for c in ALPHABET if c != number[position]])
        assert normalize_pass_number(number[:position] + char + number[position + 1:]) is None


def test_adjacent_transpositions_are_almost_always_rejected():
    rng = random.Random(1966)
    caught = total = 0
    missed_pairs = set()
    for _ in range(3000):
        number = _complete("".join(rng.choice(ALPHABET) for _ in range(7)))
        for i in range(7):
            if number[i] == number[i + 1]:
                continue
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            total += 1
            if normalize_pass_number(swapped) is None:
                caught += 1
            else:
                missed_pairs.add("".join(sorted(number[i:i + 2])))
    ratio = caught / total
    assert total > 15000
    assert ratio > 0.90, f"only {ratio:.2%} of adjacent swaps caught"
    # Measured: 99.89 % (20310 of 20333). Luhn mod 32 misses only swaps of the values 0 and 31.
    assert ratio > 0.99, f"{ratio:.3%}"
    assert missed_pairs <= {"0Z"}


def test_new_numbers_are_valid_crockford_and_varied():
    numbers = {new_pass_number() for _ in range(500)}
    assert len(numbers) == 500
    for number in numbers:
        assert len(number) == 8 and set(number) <= set(ALPHABET)
        assert normalize_pass_number(number) == number


def test_normalization_forgives_what_people_type():
    number = _complete("10A0B1C")
    assert number.startswith("10A0B1C")
    check = number[-1]
    typed = [
        number.lower(),
        f"{number[:4]}-{number[4:]}",
        f" {number[:2]} {number[2:4]}  {number[4:6]}\t{number[6:]} ",
        f"{number[:4].lower()} - {number[4:]}",
        "1OAOB1C" + check,   # letter O for zero
        "I0A0BIC" + check,   # capital I for one
        "l0a0bLc" + check.lower(),  # l and L for one, lower case
        "io-a0-bl-c" + check.lower(),
    ]
    for text in typed:
        assert normalize_pass_number(text) == number, text


@pytest.mark.parametrize("text", [None, "", "   ", "1234", "123456789", "10A0B1C*", "10A0-B1C"])
def test_normalization_rejects_what_is_not_a_number(text):
    assert normalize_pass_number(text) is None


def test_find_by_number(make, office, admin):
    new = issue_pass(admin, make.agent(office))
    other = issue_pass(admin, make.agent(office))
    db.session.commit()
    typed = new.display_number.lower().replace("0", "o").replace("1", "l")
    assert find_by_number(typed).id == new.id
    assert find_by_number(other.number).id == other.id
    wrong_check = new.number[:-1] + next(c for c in ALPHABET if c != new.number[-1])
    assert find_by_number(wrong_check) is None
    unknown = next(n for n in (new_pass_number() for _ in range(100)) if n not in (new.number, other.number))
    assert find_by_number(unknown) is None
    assert find_by_number("") is None
