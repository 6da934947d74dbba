"""NUL characters and lone surrogates in an uploaded scan: the item gets an `invalid_scan` error entry,
the rest of the batch is recorded, never a 500 (PostgreSQL refuses NUL in text; no driver encodes a
lone surrogate). Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
import json

import pytest

from passresot.extensions import db
from passresot.visits.models import Scan

from .helpers import another_holder, item
from .helpers import SCANS_URL as URL


POISONS = {"nul": "\x00", "lone high surrogate": "\ud800", "lone low surrogate": "\udfff"}


def raw_body(scans) -> str:
    # json.dumps escapes a lone surrogate as \ud800, exactly what a browser's JSON.stringify sends.
    return json.dumps({"scans": scans})


@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS.keys())
@pytest.mark.parametrize("field", ["qr", "pass_number", "device_id", "id", "scanned_at", "offline_reason",
                                   "extra"])
def test_a_poisoned_string_is_an_error_entry_and_the_others_are_recorded(device, site, field, poison):
    client, headers = device
    bad = item(site.pass_.token)
    if field == "qr":
        bad["qr"] = "PR1:" + poison + "6BF.."
    elif field == "pass_number":
        del bad["qr"]
        bad["pass_number"] = "4K7M" + poison + "X9Q2"
    elif field == "extra":
        bad["note"] = {"nested": ["ok", "pas" + poison]}
    else:
        bad[field] = bad.get(field, "already_visited") + poison
    goods = [item(site.pass_.token), item(another_holder(site).token)]
    response = client.post(URL, data=raw_body([bad, *goods]), content_type="application/json",
                           headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert results[0]["status"] is None
    assert results[0]["error"]["code"] == "invalid_scan"
    assert results[0]["error"]["fields"]  # names the field at fault
    assert [r["status"] for r in results[1:]] == ["admitted", "admitted"]
    db.session.expire_all()
    assert Scan.query.count() == 2


def test_a_poisoned_key_is_refused_too(device, site):
    client, headers = device
    bad = {**item(site.pass_.token), "x\x00": "1"}
    results = client.post(URL, data=raw_body([bad, item(site.pass_.token)]), content_type="application/json",
                          headers=headers).get_json()["results"]
    assert results[0]["error"]["fields"] == {"scan": results[0]["error"]["fields"]["scan"]}
    assert results[1]["status"] == "admitted"


def test_a_poisoned_qr_with_99_good_ones_behind_it(device, site):
    """The batch the issue measured: a NUL code first, then 99 real scans (each once)."""
    client, headers = device
    batch = [item("PR1:\x00" + "A" * 40)] + [item("PR1:" + str(n)) for n in range(98)] + [item(site.pass_.token)]
    response = client.post(URL, data=raw_body(batch), content_type="application/json", headers=headers)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0]["error"]["code"] == "invalid_scan" and "qr" in results[0]["error"]["fields"]
    assert all(r["status"] for r in results[1:]) and results[-1]["status"] == "admitted"
    db.session.expire_all()
    assert Scan.query.count() == 99
