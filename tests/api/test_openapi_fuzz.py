"""The JSON API fuzzed from its own OpenAPI description (schemathesis): for every operation, as the
caller it is meant for, generated requests never get a 5xx and every response matches the
document (status code, content type, body schema).

Bodies, query strings and path ids are generated from the schema, valid and invalid alike. Each
operation runs a bounded number of examples, so the suite stays quick.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.passes.api import issue_pass
from tests.conftest import FAST_HASH
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
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


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


def test_every_operation_was_fuzzed(api_schema):
    """Runs after the fuzzing above: each documented operation got generated requests."""
    operations = {f"{op.method.upper()} {op.path}" for op in
                  (result.ok() for result in api_schema.get_all_operations())}
    assert operations and operations == set(CALLS), operations ^ set(CALLS)
    assert min(CALLS.values()) >= 5, CALLS
    print(f"schemathesis: {sum(CALLS.values())} requests over {len(CALLS)} operations")
