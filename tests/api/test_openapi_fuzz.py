"""The JSON API fuzzed from its own OpenAPI description (schemathesis): for every operation, as the
caller it is meant for, generated requests never get a 5xx and every response matches the
document (status code, content type, body schema).

Bodies, query strings and path ids are generated from the schema, valid and invalid alike. Each
operation runs a bounded number of examples, so the suite stays quick.
"""
import json
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.passes.api import issue_pass
from tests.helpers import FAST_HASH
from tests.factories import Factory


EXAMPLES = 25
CALLS: dict[str, int] = {}  # requests sent per operation, checked by the last test


@pytest.fixture(scope="module")
def fuzz_app(app):
    """The suite's app and database (SQLite, or PostgreSQL under `make test-postgres`), emptied after
    this module as `clean_db` does after each test."""
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(scope="module")
def tokens(fuzz_app):
    with fuzz_app.test_request_context("/"):
        make = Factory(FAST_HASH)
        office = make.office()
        agent = make.agent(office)
        issue_pass(None, agent)
        staff = make.partner_staff()
        network = make.network_admin()
        db.session.flush()
        made = {role: create_api_token(user, "fuzz")[0]
                for role, user in (("agent", agent), ("partner_staff", staff), ("network_admin", network))}
        db.session.commit()
    return made


SCHEMA = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    # Valid text holds no NUL and no lone surrogate (a 400, passresot/hostile.py): the generated
    # "valid" data follows that rule; test_hostile_text_anywhere_is_never_a_5xx sends the rest.
    schema.config.generation.update(allow_x00=False, codec="utf-8")
    return schema


def caller_for(path: str) -> str:
    """Whose token the operation is meant for (others are refused, which the matrix tests)."""
    if path.startswith(("/api/v1/scans", "/api/v1/scanner")):
        return "partner_staff"
    if path.startswith("/api/v1/me"):
        return "agent"
    return "network_admin"


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_api_never_fails_and_matches_its_description(case, tokens):
    token = tokens[caller_for(case.path)]
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    CALLS[operation] = CALLS.get(operation, 0) + 1
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


HOSTILE = ("\x00", "\ud800")


def _poisoned(value, bad):
    """Every string in a generated body or query, keys included, with `bad` in the middle."""
    if isinstance(value, str):
        return value[:1] + bad + value[1:]
    if isinstance(value, dict):
        return {_poisoned(k, bad): _poisoned(v, bad) for k, v in value.items()}
    if isinstance(value, list):
        return [_poisoned(v, bad) for v in value]
    return value


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES // 5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_hostile_text_anywhere_is_never_a_5xx(case, tokens, fuzz_app):
    """NUL and lone surrogates in every generated string (PostgreSQL refused NUL with a 500). Sent
    by the test client: the body as escaped JSON, since a lone surrogate has no UTF-8 form."""
    headers = {"Authorization": f"Bearer {tokens[caller_for(case.path)]}"}
    client = fuzz_app.test_client()
    for bad in HOSTILE:
        extra = {}
        if isinstance(case.body, (dict, list, str)):
            extra = {"data": json.dumps(_poisoned(case.body, bad)), "content_type": "application/json"}
        # A URL carries UTF-8 only: the surrogate goes as its would-be bytes, which decode to U+FFFD.
        in_url = "%00" if bad == "\x00" else "%ED%A0%80"
        query = "&".join(f"{quote(str(k))}={quote(str(v))}{in_url}" for k, v in (case.query or {}).items())
        response = client.open(case.formatted_path, method=case.method, query_string=query,
                               headers=headers, **extra)
        assert response.status_code < 500, (case.method, case.path, response.status_code,
                                            response.get_data(as_text=True)[:300])


def test_every_operation_was_fuzzed(api_schema):
    """Runs after the fuzzing above: each documented operation got generated requests."""
    operations = {f"{op.method.upper()} {op.path}" for op in
                  (result.ok() for result in api_schema.get_all_operations())}
    assert operations and operations == set(CALLS), operations ^ set(CALLS)
    assert min(CALLS.values()) >= 5, CALLS
    print(f"schemathesis: {sum(CALLS.values())} requests over {len(CALLS)} operations")
