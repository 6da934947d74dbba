"""Helpers of the partner-import tests: the real DATAtourisme objects, a flux zip, the upload form."""
import io
import json
import re
import zipfile
from pathlib import Path

from tests.helpers import csrf_token

UPLOAD_URL = "/admin/partners/import"
REAL = Path(__file__).parent / "datatourisme_real"
EXPLORE = (REAL / "explore-paris.csv").read_bytes()


def real(name: str) -> dict:
    """A real object by the start of its file name (2020/ or 2025/)."""
    path, = [p for p in REAL.glob("*/*.json") if p.name.startswith(name)]
    return json.loads(path.read_text(encoding="utf-8"))


def all_real(year: str) -> list:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((REAL / year).glob("*.json"))]


def as_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def flux_zip(objects) -> bytes:
    """A flux as DATAtourisme delivers it: index.json and objects/<x>/<xx>/<id>.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        index = []
        for obj in objects:
            name = obj["@id"].rstrip("/").rsplit("/", 1)[-1]
            path = f"objects/{name[0]}/{name[:2]}/{name}.json"
            archive.writestr(path, json.dumps(obj, ensure_ascii=False))
            index.append({"label": "x", "lastUpdateDatatourisme": "2025-01-01", "file": path[8:]})
        archive.writestr("index.json", json.dumps(index))
    return buffer.getvalue()


def post_file(client, data, filename="sites.csv"):
    """Upload, then follow to the job's page (the job runs inline in tests): the preview."""
    token = csrf_token(client, UPLOAD_URL)
    return client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


def confirm_url_of(html):
    match = re.search(r'action="(/admin/partners/import/jobs/\d+/confirm)"', html)
    assert match, "no confirm form on the preview"
    return match.group(1)


def confirm(client, url, apply_periods=False):
    token = csrf_token(client, UPLOAD_URL)
    data = {"csrf_token": token, **({"apply_periods": "y"} if apply_periods else {})}
    return client.post(url, data=data, follow_redirects=True)
