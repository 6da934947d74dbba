"""Photos in bulk: files and zips matched to the office's agents by e-mail or name, a preview of
matches and misses, nothing saved before the confirmation; zip bombs, traversal and floods refused."""
import html
import io
import os
import re
import zipfile
from types import SimpleNamespace

import pillow_heif
import pytest
from PIL import Image

from passresot.agents import photo_batch, photo_files
from passresot.agents.exceptions import (NoPhotoReceived, PhotoBatchNotFound, PhotosNotReady,
                                         PhotoZipUnreadable, TooManyPhotos, UnpackedPhotosTooLarge)
from passresot.agents.models import AgentPhoto
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from tests.helpers import login
from tests.factories import jpeg_bytes


def heic_bytes(size=(300, 400), color=(20, 140, 60)) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, color)).save(out, quality=70)
    return out.getvalue()


def zip_of(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def token_of(client, url="/office/agents/photos") -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def office(make):
    return make.office()


@pytest.fixture
def people(make, office):
    """An admin and agents with names that look alike; none of them has a photo yet."""
    agent = lambda first, last, email: make.agent(office, photo=False, first_name=first, last_name=last, email=email)
    return SimpleNamespace(
        admin=make.office_admin(office),
        marie=agent("Marie", "Dupont", "marie.dupont@ot.example"),
        marie_anne=agent("Marie-Anne", "Dupont", "ma.dupont@ot.example"),
        eve=agent("Ève", "Lefèvre", "eve.l@ot.example"),
        twin1=agent("Jean", "Martin", "jean.martin1@ot.example"),
        twin2=agent("Jean", "Martin", "jean.martin2@ot.example"),
        other=make.agent(make.office(), photo=False, first_name="Paul", last_name="Ailleurs",
                         email="paul@ailleurs.example"),
    )


def has_photo(user) -> bool:
    db.session.expire_all()
    return db.session.get(AgentPhoto, user.id) is not None


# --- matching, in the domain --------------------------------------------------------------------

def test_files_are_matched_by_email_or_name_and_misses_say_why(people):
    received = list(photo_batch.receive([
        ("Photos/DUPONT Marie.jpg", io.BytesIO(jpeg_bytes(size=(200, 300)))),
        ("marie-anne_dupont (2).png", io.BytesIO(jpeg_bytes(size=(200, 300), fmt="PNG"))),
        ("lefevre-eve.HEIC", io.BytesIO(heic_bytes())),
        ("jean.martin2@ot.example.jpg", io.BytesIO(jpeg_bytes(size=(200, 300)))),
        ("Jean Martin.jpg", io.BytesIO(jpeg_bytes(size=(200, 300)))),
        ("Paul Ailleurs.jpg", io.BytesIO(jpeg_bytes(size=(200, 300)))),
        ("marie dupont bis.jpg", io.BytesIO(jpeg_bytes(size=(200, 300)))),
        ("notes.txt", io.BytesIO(b"pas une photo")),
        ("cassee.jpg", io.BytesIO(b"\xff\xd8\xff pas vraiment")),
        (".DS_Store", io.BytesIO(b"junk")),
    ]))
    batch_id = photo_batch.stage(people.admin, received)
    photo_batch.prepare(people.admin, batch_id)
    result = photo_batch.preview(people.admin, batch_id)

    matched = {name: agent.id for name, agent, _index, _replaces in result.matches}
    assert matched == {"DUPONT Marie.jpg": people.marie.id, "marie-anne_dupont (2).png": people.marie_anne.id,
                       "lefevre-eve.HEIC": people.eve.id, "jean.martin2@ot.example.jpg": people.twin2.id}
    misses = dict(result.misses)
    assert misses["Jean Martin.jpg"].startswith("Plusieurs agents portent ce nom")
    assert misses["Paul Ailleurs.jpg"] == "Aucun agent de l'office ne porte ce nom ni cette adresse."  # another office
    assert misses["marie dupont bis.jpg"] == "Une autre photo de l'envoi est déjà prise pour cet agent."
    assert misses["notes.txt"] == "Ce n'est pas une photo (JPEG, PNG, WebP ou HEIC)."
    assert misses["cassee.jpg"].startswith("Ce fichier n'est pas une image lisible")
    assert ".DS_Store" not in misses
    assert [a.id for a in result.still_without] == [people.twin1.id]
    assert not has_photo(people.marie)  # nothing saved by the preview


def test_saving_gives_each_matched_agent_a_clean_jpeg_and_is_audited(people):
    received = photo_batch.receive([("marie.dupont@ot.example.heic", io.BytesIO(heic_bytes((900, 1200))))])
    batch_id = photo_batch.stage(people.admin, received)
    photo_batch.prepare(people.admin, batch_id)
    assert photo_batch.save(people.admin, batch_id) == 1
    db.session.commit()
    photo = Image.open(io.BytesIO(db.session.get(AgentPhoto, people.marie.id).jpeg))
    assert photo.format == "JPEG" and photo.size == (450, 600)
    assert AuditEvent.query.filter_by(action="agent.photo_changed", target_id=people.marie.id).count() == 1


def test_a_batch_is_only_its_makers(people, make, office):
    batch_id = photo_batch.stage(people.admin, [photo_batch.Incoming("marie dupont.jpg", jpeg_bytes())])
    for stranger in (make.office_admin(office), make.office_admin(make.office())):
        with pytest.raises(PhotoBatchNotFound):
            photo_batch.preview(stranger, batch_id)
    for forged in ("../../etc", "0" * 31, batch_id.upper()):
        with pytest.raises(PhotoBatchNotFound):
            photo_batch.preview(people.admin, forged)


# --- what a zip may hold ------------------------------------------------------------------------

def test_a_zip_entry_is_known_by_its_bare_name_only(people, app):
    data = zip_of({"../../../../tmp/marie dupont.jpg": jpeg_bytes(), "dossier/sous-dossier/": b"",
                   "__MACOSX/._marie dupont.jpg": b"junk"})
    received = list(photo_batch.receive([("photos.zip", io.BytesIO(data))]))
    assert [item.name for item in received] == ["marie dupont.jpg"]
    batch_id = photo_batch.stage(people.admin, received)
    photo_batch.prepare(people.admin, batch_id)
    assert [n for n, *_ in photo_batch.preview(people.admin, batch_id).matches] == ["marie dupont.jpg"]


def test_a_zip_bomb_is_read_no_further_than_the_photo_limit(monkeypatch):
    monkeypatch.setattr(photo_files, "MAX_BYTES", 1024 * 1024)
    bomb = zip_of({"marie dupont.jpg": b"\0" * (50 * 1024 * 1024)})  # 50 MB of zeros, about 50 KB zipped
    assert len(bomb) < 100_000
    (item,) = photo_batch.receive([("bombe.zip", io.BytesIO(bomb))])
    assert len(item.data) == 1024 * 1024 + 1  # refused as too big by the photo pipeline


def test_a_zip_unpacking_past_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(photo_files, "MAX_UNPACKED", 3 * 1024 * 1024)
    data = zip_of({f"agent{i}.jpg": b"\0" * (1024 * 1024) for i in range(4)})
    with pytest.raises(UnpackedPhotosTooLarge):
        list(photo_batch.receive([("photos.zip", io.BytesIO(data))]))


def test_too_many_files_and_broken_or_empty_sends_are_refused(people, monkeypatch, app):
    monkeypatch.setattr(photo_batch, "MAX_FILES", 3)
    root = os.path.join(app.instance_path, "photo-batches")
    before = set(os.listdir(root)) if os.path.isdir(root) else set()
    with pytest.raises(TooManyPhotos):
        photo_batch.stage(people.admin, photo_batch.receive(
            [("photos.zip", io.BytesIO(zip_of({f"a{i}.jpg": b"x" for i in range(4)})))]))
    with pytest.raises(PhotoZipUnreadable):
        list(photo_batch.receive([("photos.zip", io.BytesIO(b"PK\x03\x04 not a zip at all"))]))
    with pytest.raises(NoPhotoReceived):
        photo_batch.stage(people.admin, photo_batch.receive([("photos.zip", io.BytesIO(zip_of({".DS_Store": b"junk"})))]))
    assert set(os.listdir(root)) == before  # nothing left behind by a refused send


def test_photos_are_prepared_a_slice_at_a_time(client, people):
    """However long re-encoding takes, each request does a slice: the page asks for the next one."""
    received = [photo_batch.Incoming(f"{name}.jpg", jpeg_bytes()) for name in ("marie dupont", "eve lefevre")]
    received.append(photo_batch.Incoming("notes.txt", error="pas une photo"))
    batch_id = photo_batch.stage(people.admin, received)
    assert photo_batch.prepare(people.admin, batch_id, seconds=0) == photo_batch.Progress(2, 3)  # one photo
    with pytest.raises(PhotosNotReady):
        photo_batch.preview(people.admin, batch_id)
    login(client, people.admin.email)
    url = f"/office/agents/photos/{batch_id}"
    page = text(client.get(url))
    assert "2 photos prêtes sur 3" in page and "data-prepare" in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(url, data={"csrf_token": token}).status_code == 302  # no saving before it is ready
    assert not has_photo(people.marie)
    answer = client.post(url + "/prepare", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert answer.get_json() == {"done": 3, "total": 3}
    assert 'data-matches="2"' in text(client.get(url))


# --- through HTTP -------------------------------------------------------------------------------

def test_upload_preview_then_save_over_http(client, people):
    login(client, people.admin.email)
    archive = zip_of({"Dupont Marie.jpg": jpeg_bytes(), "lefevre eve.png": jpeg_bytes(fmt="PNG"),
                      "inconnu.jpg": jpeg_bytes()})
    response = client.post("/office/agents/photos", content_type="multipart/form-data", data={
        "csrf_token": token_of(client), "photos": [(io.BytesIO(archive), "photos.zip"),
                                                    (io.BytesIO(heic_bytes()), "ma.dupont@ot.example.heic")]})
    assert response.status_code == 302
    preview_url = response.location
    page = text(client.get(preview_url))
    assert 'data-matches="3"' in page and 'data-misses="1"' in page
    assert "inconnu.jpg" in page and "Aucun agent de l'office ne porte ce nom" in page
    thumb = re.search(r'<img src="(/office/agents/photos/[0-9a-f]{32}/\d+\.jpg)"', page).group(1)
    assert client.get(thumb).data[:3] == b"\xff\xd8\xff"
    assert not has_photo(people.marie)

    saved = client.post(preview_url, data={"csrf_token": token_of(client, preview_url)})
    assert saved.status_code == 302
    assert "3 photos enregistrées." in text(client.get(saved.location))
    assert all(has_photo(agent) for agent in (people.marie, people.eve, people.marie_anne))
    assert client.get(preview_url).status_code == 404  # a saved batch is gone: a reload saves nothing twice


def test_nothing_received_is_said_beside_the_field(client, people):
    login(client, people.admin.email)
    response = client.post("/office/agents/photos", content_type="multipart/form-data",
                           data={"csrf_token": token_of(client)})
    assert response.status_code == 400
    assert re.search(r'id="photos-error">Aucun fichier reçu', text(response))


def test_a_send_over_the_request_limit_says_the_limit_beside_the_field(client, people, monkeypatch):
    monkeypatch.setattr(photo_batch, "MAX_REQUEST", 2 * 1024 * 1024)
    login(client, people.admin.email)
    response = client.post("/office/agents/photos", content_type="multipart/form-data", data={
        "csrf_token": token_of(client), "photos": (io.BytesIO(b"\0" * (3 * 1024 * 1024)), "photos.zip")})
    assert response.status_code == 413
    assert re.search(r'id="photos-error">L\'envoi dépasse 2 Mo', text(response))
