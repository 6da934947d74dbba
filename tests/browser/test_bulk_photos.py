"""Photos in bulk in a real browser: a zip of JPEG, PNG and HEIC photos and a folder holding a
24 MB phone photo (shrunk by the browser, else refused as over 20 MB) matched to agents by e-mail
or name, previewed, then saved; a photo the browser cannot shrink says the limit beside the field
and the rest of the form stays as typed."""
import io
import os
import re
import zipfile
from datetime import date, timedelta

import pillow_heif
import pytest
from PIL import Image
from playwright.sync_api import expect

from passresot.accounts.models import AgentKind, Role, User
from passresot.agents.models import AgentPhoto
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.offices.models import Office
from .helpers import FAST_DEMO_HASH, live_database, sign_in


ADMIN = "directeur@ot-photos.example"
AGENTS = [("Marie", "Dupont", "marie.dupont@ot-photos.example"), ("Ève", "Lefèvre", "eve@ot-photos.example"),
          ("Jean", "Martin", "jm@ot-photos.example"), ("Léa", "Grand", "lea.grand@ot-photos.example"),
          ("Sans", "Photo", "sans.photo@ot-photos.example")]


def encoded(image, fmt, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def heic(image) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, quality=60)
    return out.getvalue()


@pytest.fixture
def office_without_photos(live_server):
    with live_database(live_server):
        office = Office(name="Office des photos", commune="Prades", email="photos@example.fr")
        db.session.add(office)
        db.session.flush()
        db.session.add(User(email=ADMIN, role=Role.office_admin, first_name="Directeur", last_name="Photos",
                            office_id=office.id, password_hash=FAST_DEMO_HASH))
        db.session.add_all([User(email=email, role=Role.agent, first_name=first, last_name=last, office_id=office.id,
                                 kind=AgentKind.permanent, contract_start=date.today() - timedelta(days=30))
                            for first, last, email in AGENTS])
        db.session.commit()
        office_id = office.id
    yield office_id
    with live_database(live_server):
        ids = [uid for (uid,) in db.session.query(User.id).filter(User.office_id == office_id)]
        AuditEvent.query.filter(AuditEvent.actor_id.in_(ids)).delete(synchronize_session=False)
        AgentPhoto.query.filter(AgentPhoto.user_id.in_(ids)).delete(synchronize_session=False)
        User.query.filter(User.office_id == office_id).delete(synchronize_session=False)
        Office.query.filter_by(id=office_id).delete()
        db.session.commit()


def stored_photos(live_server, office_id) -> dict:
    with live_database(live_server):
        rows = (db.session.query(User.email, AgentPhoto.jpeg).join(AgentPhoto, AgentPhoto.user_id == User.id)
                .filter(User.office_id == office_id))
        return {email: Image.open(io.BytesIO(jpeg)) for email, jpeg in rows}


def test_a_zip_and_a_folder_of_photos(page, live_server, office_without_photos, tmp_path):
    archive = tmp_path / "photos-equipe.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("equipe/DUPONT Marie.jpg", encoded(Image.new("RGB", (600, 800), (200, 40, 40)), "JPEG"))
        out.writestr("equipe/lefevre-eve.png", encoded(Image.new("RGBA", (500, 500), (40, 200, 40, 255)), "PNG"))
        out.writestr("equipe/jm@ot-photos.example.HEIC", heic(Image.new("RGB", (900, 1200), (40, 40, 200))))
        out.writestr("equipe/inconnu.jpg", encoded(Image.new("RGB", (100, 100)), "JPEG"))
    folder = tmp_path / "telephone"
    folder.mkdir()
    big = Image.frombytes("RGB", (3000, 4000), os.urandom(3000 * 4000 * 3))
    (folder / "Grand Léa.jpeg").write_bytes(encoded(big, "JPEG", quality=100))
    assert (folder / "Grand Léa.jpeg").stat().st_size > 21 * 1024 * 1024  # over the server's 20 MB

    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/office/agents")
    page.get_by_role("link", name="Envoyer des photos").click()
    page.get_by_label("Photos ou fichier zip").set_input_files(archive)
    page.get_by_label("Ou un dossier entier").set_input_files(folder)
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Voir les correspondances").click(timeout=60_000)  # it waits for the navigation too

    expect(page.locator("[data-matches]")).to_have_attribute("data-matches", "4")
    expect(page.locator("[data-misses]")).to_have_attribute("data-misses", "1")
    expect(page.locator(".photo-misses")).to_contain_text("inconnu.jpg")
    expect(page.locator(".photo-misses")).to_contain_text("Aucun agent de l'office ne porte ce nom")
    matches = page.locator(".photo-matches li")
    expect(matches.filter(has_text="Grand Léa")).to_contain_text("Grand Léa.jpg")  # shrunk to a JPEG
    expect(matches.filter(has_text="Martin Jean")).to_contain_text("jm@ot-photos.example.HEIC")
    expect(page.locator(".still-without")).to_have_text("Photo Sans sans.photo@ot-photos.example")
    page.wait_for_load_state("networkidle")
    widths = matches.locator("img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 4 and all(widths), widths  # every thumbnail is a real image
    assert stored_photos(live_server, office_without_photos) == {}  # nothing saved yet

    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les 4 photos").click()
    expect(page.locator(".flash-success")).to_contain_text("4 photos enregistrées.")
    expect(page.locator("[data-total]")).to_have_text("1 agent · Sans photo")

    photos = stored_photos(live_server, office_without_photos)
    assert set(photos) == {"marie.dupont@ot-photos.example", "eve@ot-photos.example", "jm@ot-photos.example",
                           "lea.grand@ot-photos.example"}
    assert all(p.format == "JPEG" and max(p.size) <= 600 for p in photos.values())
    assert photos["jm@ot-photos.example"].size == (450, 600)
    red, green, blue = photos["jm@ot-photos.example"].convert("RGB").getpixel((200, 300))
    assert blue > 150 and red < 90  # the HEIC's own pixels
    assert photos["lea.grand@ot-photos.example"].size == (450, 600)


def test_a_photo_too_big_to_shrink_says_the_limit_and_keeps_the_form(page, live_server, office_without_photos,
                                                                     tmp_path):
    huge = tmp_path / "IMG_0042.HEIC"  # Chromium cannot decode HEIC, so cannot shrink it
    huge.write_bytes(b"\0" * (21 * 1024 * 1024))
    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/office/agents/new")
    page.get_by_label("Prénom").fill("Hugo")
    page.get_by_label("Nom", exact=True).fill("Lourd")
    page.get_by_label("Adresse e-mail").fill("hugo.lourd@ot-photos.example")
    page.get_by_label("Photo (JPEG, PNG, WebP ou HEIC, 20 Mo au plus)").set_input_files(huge)
    page.get_by_role("button", name="Créer l'agent").click()
    expect(page.locator("#photo-error")).to_have_text("La photo dépasse 20 Mo : choisissez un fichier plus léger.")
    assert page.url.endswith("/office/agents/new")
    expect(page.get_by_label("Prénom")).to_have_value("Hugo")
    expect(page.get_by_label("Adresse e-mail")).to_have_value("hugo.lourd@ot-photos.example")
    with live_database(live_server):
        assert User.query.filter_by(email="hugo.lourd@ot-photos.example").count() == 0


def test_a_big_batch_is_prepared_a_slice_at_a_time(page, live_server, office_without_photos, tmp_path):
    """With one photo a request, the page asks for slice after slice, then shows the preview."""
    live_server.stop()
    live_server.start(PHOTO_PREPARE_SECONDS="0")  # restored after the test
    archive = tmp_path / "equipe.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for first, last, email in AGENTS[:4]:
            out.writestr(f"{email}.HEIC", heic(Image.new("RGB", (600, 800), (90, 90, 160))))
    slices = []
    page.on("request", lambda request: slices.append(request.url) if request.url.endswith("/prepare") else None)
    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/office/agents/photos")
    page.get_by_label("Photos ou fichier zip").set_input_files(archive)
    page.get_by_role("button", name="Voir les correspondances").click()
    expect(page.locator("[data-matches]")).to_have_attribute("data-matches", "4", timeout=30_000)
    assert len(slices) == 3  # the upload prepared the first photo, each request one more
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les 4 photos").click()
    assert len(stored_photos(live_server, office_without_photos)) == 4


def test_photos_dropped_on_the_zone_go_into_the_form(page, live_server, office_without_photos):
    """Files dropped on the zone fill the photos field, which photo-shrink.js shrinks as a choice."""
    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/office/agents/photos")
    jpeg = list(encoded(Image.new("RGB", (300, 400), (10, 120, 200)), "JPEG"))
    page.evaluate("""(bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "Martin Jean.jpg", { type: "image/jpeg" }));
        const zone = document.querySelector("[data-dropzone]");
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }""", jpeg)
    expect(page.locator("[data-drop-status]")).to_have_text("Fichiers déposés : 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Voir les correspondances").click()
    expect(page.locator(".photo-matches li")).to_have_text(re.compile(r"Martin Jean\s*Martin Jean\.jpg"))
