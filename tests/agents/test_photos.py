"""Agent photos through the OT admin's upload form: clean 600 px JPEGs without metadata, French refusals, who may see them."""
import html
import io
import os
import re
import struct
import zlib

import pytest
from PIL import Image

from passresot.agents.models import AgentPhoto
from passresot.extensions import db
from tests.helpers import login

GPS_IFD = 0x8825
MAKE, ORIENTATION = 0x010F, 0x0112


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def encode(image, fmt, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def noisy(size, mode="RGB") -> Image.Image:
    """Random pixels, so that the encoded file is not trivially small."""
    channels = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * channels))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width, height) -> bytes:
    """A tiny 1-bit PNG that claims a huge canvas (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\0" * (1 + (width + 7) // 8)
    rows = zlib.compress(row * min(height, 64), 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows)
            + png_chunk(b"IEND", b""))


def jpeg_with_exif(size=(1000, 800), orientation=None) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "SpyCam 3000"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (42.0, 41.0, 51.0), 3: "E", 4: (2.0, 53.0, 40.0)})
    data = encode(Image.new("RGB", size, (30, 120, 200)), "JPEG", exif=exif)
    check = Image.open(io.BytesIO(data)).getexif()
    assert check[MAKE] == "SpyCam 3000" and check.get_ifd(GPS_IFD), "the input must carry EXIF and GPS"
    return data


@pytest.fixture
def office(make):
    return make.office()


@pytest.fixture
def agent(make, office):
    return make.agent(office, photo=False)


@pytest.fixture
def admin_client(client, make, office):
    assert login(client, make.office_admin(office).email).status_code == 302
    return client


def upload(client, agent, data, filename):
    return client.post(f"/office/agents/{agent.id}/photo", content_type="multipart/form-data",
                       data={"p-photo": (io.BytesIO(data), filename),
                             "csrf_token": page_token(client)})


def stored(agent) -> bytes:
    db.session.expire_all()
    photo = db.session.get(AgentPhoto, agent.id)
    return photo.jpeg if photo else None


def assert_clean_jpeg(data: bytes, expected_size):
    assert data[:3] == b"\xff\xd8\xff"
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == expected_size
    assert max(image.size) <= 600
    assert b"Exif" not in data
    assert not image.getexif()
    return image


# --- accepted -----------------------------------------------------------------------------------

@pytest.mark.parametrize("data,filename,size", [
    pytest.param(encode(noisy((800, 1000)), "JPEG"), "photo.jpg", (480, 600), id="jpeg"),
    pytest.param(encode(noisy((1200, 900), "RGBA"), "PNG"), "photo.png", (600, 450), id="png-alpha"),
    pytest.param(encode(noisy((1000, 1000)), "WEBP"), "photo.webp", (600, 600), id="webp"),
    pytest.param(encode(noisy((300, 400)), "JPEG"), "petite.jpg", (300, 400), id="small-not-enlarged"),
])
def test_accepted_formats_are_stored_as_600px_jpeg(admin_client, agent, data, filename, size):
    response = upload(admin_client, agent, data, filename)
    assert response.status_code == 302
    assert_clean_jpeg(stored(agent), size)


def test_transparent_areas_become_white(admin_client, agent):
    image = Image.new("RGBA", (400, 400), (200, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 200, 400))  # left half fully transparent (and black)
    assert upload(admin_client, agent, encode(image, "PNG"), "logo.png").status_code == 302
    result = Image.open(io.BytesIO(stored(agent))).convert("RGB")
    assert all(channel > 240 for channel in result.getpixel((50, 200)))
    red, green, blue = result.getpixel((350, 200))
    assert red > 150 and green < 60 and blue < 60


def test_exif_and_gps_are_removed(admin_client, agent):
    data = jpeg_with_exif()
    assert upload(admin_client, agent, data, "vacances.jpg").status_code == 302
    result = stored(agent)
    assert_clean_jpeg(result, (600, 480))
    assert b"SpyCam" not in result
    assert not Image.open(io.BytesIO(result)).getexif().get_ifd(GPS_IFD)


def test_the_exif_orientation_is_applied_before_it_is_dropped(admin_client, agent):
    data = jpeg_with_exif(size=(800, 400), orientation=6)  # a portrait shot stored sideways
    assert upload(admin_client, agent, data, "portrait.jpg").status_code == 302
    assert_clean_jpeg(stored(agent), (300, 600))


def test_a_new_photo_replaces_the_old_one(admin_client, agent):
    upload(admin_client, agent, encode(Image.new("RGB", (100, 100), (255, 0, 0)), "PNG"), "a.png")
    upload(admin_client, agent, encode(Image.new("RGB", (100, 100), (0, 0, 255)), "PNG"), "b.png")
    red, green, blue = Image.open(io.BytesIO(stored(agent))).getpixel((50, 50))
    assert blue > 200 and red < 50
    assert AgentPhoto.query.filter_by(user_id=agent.id).count() == 1


# --- refused ------------------------------------------------------------------------------------

REFUSED = [
    pytest.param(encode(noisy((200, 200)).convert("P"), "GIF"), "anim.gif",
                 "Format refusé : envoyez une photo JPEG, PNG, WebP ou HEIC.", id="gif"),
    pytest.param("Je ne suis pas une image.\n".encode() * 20, "photo.jpg",
                 "Ce fichier n'est pas une image lisible", id="text-renamed-jpg"),
    pytest.param(encode(noisy((800, 800)), "JPEG")[:20_000], "coupee.jpg",
                 "Ce fichier n'est pas une image lisible", id="truncated-jpeg"),
    pytest.param(encode(noisy((200, 200)), "JPEG") + b"\0" * (20 * 1024 * 1024 + 1), "lourde.jpg",
                 "La photo dépasse 20 Mo", id="over-20-MB"),
    pytest.param(huge_png(7000, 7000), "geante.png",
                 "Cette image est beaucoup trop grande.", id="bomb-49-megapixels"),
    pytest.param(huge_png(30000, 30000), "bombe.png",
                 "Ce fichier n'est pas une image lisible", id="bomb-900-megapixels"),
    pytest.param(b"", "vide.jpg", "Aucun fichier reçu : choisissez une photo.", id="empty-file"),
]


@pytest.mark.parametrize("data,filename,message", REFUSED)
def test_unusable_files_are_refused_in_french_beside_the_field(admin_client, make, office,
                                                               data, filename, message):
    agent = make.agent(office, photo=True)
    before = stored(agent)
    response = upload(admin_client, agent, data, filename)
    assert response.status_code == 400
    error = re.search(r'id="p-photo-error">([^<]*)<', text(response))
    assert error, "no error beside the photo field"
    assert error.group(1).startswith(message)
    assert stored(agent) == before


def test_the_bomb_files_really_are_tiny():
    assert len(huge_png(30000, 30000)) < 10_000
    assert len(huge_png(7000, 7000)) < 10_000


def test_a_14_mb_phone_photo_goes_through(admin_client, agent):
    """Past the app's 8 MB request limit, under the photo's own."""
    data = encode(noisy((1500, 2000)), "JPEG", quality=90)
    data += b"\0" * (14 * 1024 * 1024 - len(data))  # trailing bytes after the image's end
    assert upload(admin_client, agent, data, "IMG_0001.jpg").status_code == 302
    assert_clean_jpeg(stored(agent), (450, 600))


def test_a_file_over_the_request_limit_says_the_limit_beside_the_field(admin_client, agent):
    response = upload(admin_client, agent, b"\xff\xd8\xff" + b"\0" * (21 * 1024 * 1024), "enorme.jpg")
    assert response.status_code == 413
    error = re.search(r'id="p-photo-error">([^<]*)<', text(response))
    assert error and error.group(1) == "La photo dépasse 20 Mo : choisissez un fichier plus léger."
    assert agent.full_name in text(response)  # the agent's page, not a bare error page
    assert stored(agent) is None


def test_a_new_agent_with_a_photo_over_the_limit_keeps_the_page(admin_client):
    token = page_token(admin_client)
    response = admin_client.post("/office/agents/new", data={
        "csrf_token": token, "first_name": "Léa", "last_name": "Grand", "email": "lea@example.fr",
        "kind": "permanent", "photo": (io.BytesIO(b"\0" * (21 * 1024 * 1024)), "enorme.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    error = re.search(r'id="photo-error">([^<]*)<', text(response))
    assert error and "20 Mo" in error.group(1)


def test_an_iphone_heic_photo_is_stored_as_a_clean_jpeg(admin_client, agent):
    import pillow_heif

    # A smooth picture: HEVC takes ~1 s on it where random pixels took ~20 s, for the same file kind.
    picture = Image.linear_gradient("L").resize((1200, 1600)).convert("RGB")
    heif = pillow_heif.from_pillow(picture)
    out = io.BytesIO()
    heif.save(out, quality=80)
    assert out.getvalue()[4:12] == b"ftypheic"
    assert upload(admin_client, agent, out.getvalue(), "IMG_4021.HEIC").status_code == 302
    assert_clean_jpeg(stored(agent), (450, 600))


# --- who may see a photo ------------------------------------------------------------------------

VIEWERS = [
    pytest.param("the_agent", 200, id="agent-themself"),
    pytest.param("their_ot_admin", 200, id="their-ot-admin"),
    pytest.param("network_admin", 200, id="network-admin"),
    pytest.param("other_office_admin", 404, id="another-office-admin"),
    pytest.param("colleague", 404, id="another-agent-same-office"),
    pytest.param("other_agent", 404, id="another-agent-other-office"),
    pytest.param("partner_staff", 404, id="partner-staff"),
]


@pytest.mark.parametrize("viewer,status", VIEWERS)
def test_who_may_see_an_agent_photo(client, make, office, viewer, status):
    agent = make.agent(office, photo=True)
    people = {
        "the_agent": agent,
        "their_ot_admin": make.office_admin(office),
        "network_admin": make.network_admin(),
        "other_office_admin": make.office_admin(make.office()),
        "colleague": make.agent(office),
        "other_agent": make.agent(make.office()),
        "partner_staff": make.partner_staff(),
    }
    assert login(client, people[viewer].email).status_code == 302
    response = client.get(f"/photos/agents/{agent.id}.jpg")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "image/jpeg"
        assert response.data == stored(agent)
        assert "private" in response.headers["Cache-Control"]
    else:
        assert response.data[:3] != b"\xff\xd8\xff"


def test_anonymous_visitors_are_sent_to_sign_in(client, make):
    agent = make.agent(photo=True)
    response = client.get(f"/photos/agents/{agent.id}.jpg")
    assert response.status_code == 302
    assert "/login" in response.location


def test_an_agent_without_photo_gives_404_even_to_their_admin(client, make, office, agent):
    login(client, make.office_admin(office).email)
    assert client.get(f"/photos/agents/{agent.id}.jpg").status_code == 404


# Issue 14, part 5: decoded at reduced size, a 16 Mpx cap, every metadata segment dropped.

def _segments(jpeg: bytes) -> list[int]:
    """The JPEG's marker bytes up to the image data (APPn = 0xE0-0xEF, COM = 0xFE)."""
    markers, i = [], 2
    while i < len(jpeg) and jpeg[i] == 0xFF:
        marker = jpeg[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: pixels follow
            break
        i += 2 + struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    return markers


def test_a_small_png_claiming_6300_by_6300_pixels_is_refused_at_once():
    from passresot.agents.exceptions import PhotoRejected
    from passresot.agents.photos import reencode_photo
    import time

    bomb = encode(Image.new("1", (6300, 6300), 1), "PNG", optimize=True)
    assert len(bomb) < 16_000
    started = time.process_time()
    with pytest.raises(PhotoRejected, match="beaucoup trop grande"):
        reencode_photo(bomb)
    assert time.process_time() - started < 0.1  # was ~0.6 s and ~350 MB, decoded in full


def test_a_large_jpeg_is_decoded_at_reduced_size(monkeypatch):
    from PIL import JpegImagePlugin
    from passresot.agents.photos import reencode_photo

    decoded = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    out = reencode_photo(encode(Image.new("RGB", (4000, 3000), (90, 140, 200)), "JPEG"))
    assert decoded == [(2000, 1500)]  # 1/2 scale, a quarter of the pixels (1/4 would fall under 1200 px)
    assert Image.open(io.BytesIO(out)).size == (600, 450)


def test_no_metadata_segment_survives_not_even_the_comment():
    from passresot.agents.photos import reencode_photo

    icc = b"\0" * 128  # any bytes: Pillow copies the profile without parsing it
    source = encode(noisy((800, 600)), "JPEG", comment=b"shot by SpyCam, 42.69N 2.89E",
                    exif=Image.Exif().tobytes(), icc_profile=icc)
    assert 0xFE in _segments(source)
    out = reencode_photo(source)
    markers = _segments(out)
    assert 0xFE not in markers and not any(0xE1 <= m <= 0xEF for m in markers), [hex(m) for m in markers]
    assert b"SpyCam" not in out
