"""GET /api/v1/openapi.json describes every /api/v1 route of the URL map, with its methods, and nothing more."""
import re

from passresot.passes.exceptions import REFUSAL_REASONS

PREFIX = "/api/v1"


def api_rules(app) -> dict:
    """{OpenAPI path: {methods}} for every /api/v1 rule, `<uuid:scan_id>` written `{scan_id}`."""
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX):])
            rules.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return rules


def spec(client) -> dict:
    response = client.get(PREFIX + "/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_it_is_public_openapi_3(client):
    document = spec(client)
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": PREFIX}]
    assert document["info"]["title"]


def test_every_api_route_is_documented_with_its_methods(app, client):
    paths = spec(client)["paths"]
    rules = api_rules(app)
    assert {"/scans", "/scanner/bundle", "/scans/{scan_id}/undo", "/keys", "/me/pass"} <= set(rules)
    missing = {path: sorted(methods - set(paths.get(path, {}))) for path, methods in rules.items()
               if methods - set(paths.get(path, {}))}
    assert not missing, f"document these in passresot/api/openapi.py: {missing}"


def test_nothing_is_documented_that_does_not_exist(app, client):
    rules = api_rules(app)
    stale = {path: sorted(set(ops) - rules.get(path, set())) for path, ops in spec(client)["paths"].items()
             if set(ops) - rules.get(path, set())}
    assert not stale, f"documented but not routed: {stale}"


def test_every_operation_has_a_summary_responses_and_its_path_parameters(client):
    for path, operations in spec(client)["paths"].items():
        wanted = set(re.findall(r"{([a-z_]+)}", path))
        for method, operation in operations.items():
            assert operation["summary"] and operation["responses"], (path, method)
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == wanted, (path, method)


def test_every_reference_resolves(client):
    document = spec(client)
    schemas = document["components"]["schemas"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([A-Za-z]+)"', __import__("json").dumps(document))
    assert refs and all(name in schemas for name in refs)


def test_the_refusal_reasons_are_the_designs(client):
    schemas = spec(client)["components"]["schemas"]
    assert schemas["ScanResult"]["properties"]["reason"]["enum"] == list(REFUSAL_REASONS)
    assert schemas["ScanIn"]["properties"]["offline_reason"]["enum"] == list(REFUSAL_REASONS)


def test_the_scan_contract_matches_the_design(client):
    schemas = spec(client)["components"]["schemas"]
    assert set(schemas["ScanIn"]["required"]) == {"id", "scanned_at", "device_id"}
    assert {"id", "status", "reason", "replayed", "conflict", "holder"} <= set(schemas["ScanResult"]["properties"])
    assert {"keys", "revocations", "site", "admissions", "server_time", "max_age"} <= \
        set(schemas["Bundle"]["properties"])
