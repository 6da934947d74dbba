"""A fake camera for Chromium: a `.y4m` video of a QR code, for `--use-file-for-fake-video-capture`.

Chromium plays the file in a loop as the device camera, so the scanner page sees a pass held in
front of the lens. `write_y4m` films a bare code face-on (greyscale, a white margin, a little off
centre); `film` films a screenshot of the real pass page as a phone held at the entrance looks to
the scanner's camera, in one of the CONDITIONS: screen tilted, out of focus, a noisy sensor, a
reflection on the glass, or the page as a forced dark theme paints it. The browser tests and
bench/scan_frame_to_verdict.py use it; each distinct video needs a browser of its own, since the
file is chosen when Chromium starts.
"""
import math
import random
from pathlib import Path

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 640, 480
FRAMES = 4  # the device loops the file; a few identical frames are enough
FPS = 15
QR_SIDE = 360
#: How wide the pass's QR (its SVG, 2-module border included) appears in a filmed frame, in pixels:
#: the phone held 20 to 30 cm from a tablet's camera.
FILMED_QR_SIDE = 250


def qr_image(text: str) -> Image.Image:
    """The code as a plain image (error correction M, quiet zone of 4 modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").convert("L")
    return image.resize((QR_SIDE, QR_SIDE), Image.NEAREST)


def _plain_frame(text: str | None) -> Image.Image:
    frame = Image.new("L", (WIDTH, HEIGHT), 235)
    if text is not None:
        frame.paste(qr_image(text), ((WIDTH - QR_SIDE) // 2 + 20, (HEIGHT - QR_SIDE) // 2 + 10))
    return frame


def _y4m_frame(frame: Image.Image) -> bytes:
    frame = frame.convert("L")
    assert frame.size == (WIDTH, HEIGHT), frame.size
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)  # no colour: both chroma planes neutral
    return b"FRAME\n" + frame.tobytes() + chroma + chroma


def write_y4m(path: Path, text: str | None) -> Path:
    """A 640×480 4:2:0 video of `text` as a QR code (None: an empty white frame, no code in view)."""
    return write_y4m_sequence(path, [text], frames_each=FRAMES)


def write_y4m_sequence(path: Path, texts: list, frames_each: int = FPS) -> Path:
    """A video that shows each of `texts` in turn for `frames_each` frames, looping (the bench)."""
    return write_y4m_images(path, [_plain_frame(text) for text in texts], frames_each)


def write_y4m_images(path: Path, frames: list[Image.Image], frames_each: int = FRAMES) -> Path:
    """A video of 640×480 images (converted to greyscale), each shown `frames_each` times, looping."""
    path = Path(path)
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            data = _y4m_frame(frame)
            for _ in range(frames_each):
                handle.write(data)
    return path


def camera_args(video: Path) -> list[str]:
    """Chromium switches that make `video` the camera and grant it without a prompt."""
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]


# --- the pass page as a camera films it -----------------------------------------------------------

def phone_in_view(screen: Image.Image, qr_box: tuple[float, float, float, float]) -> tuple[Image.Image, float]:
    """The phone (its screenshot `screen` in a black bezel) scaled so that the QR at `qr_box`
    (x, y, width, height in the screenshot) is FILMED_QR_SIDE wide; returns it and the scale."""
    scale = FILMED_QR_SIDE / qr_box[2]
    shown = screen.convert("L").resize((round(screen.width * scale), round(screen.height * scale)), Image.LANCZOS)
    bezel = 12
    phone = Image.new("L", (shown.width + 2 * bezel, shown.height + 2 * bezel), 0)
    ImageDraw.Draw(phone).rounded_rectangle([0, 0, phone.width - 1, phone.height - 1], radius=28, fill=18)
    phone.paste(shown, (bezel, bezel))
    return phone, scale


def _centre_on_qr(phone: Image.Image, qr_centre: tuple[float, float], background: int = 96) -> Image.Image:
    """A frame of a desk or hand (flat grey) with the phone placed so the QR sits near the centre."""
    frame = Image.new("L", (WIDTH, HEIGHT), background)
    frame.paste(phone, (round(WIDTH / 2 + 15 - qr_centre[0]), round(HEIGHT / 2 - qr_centre[1])))
    return frame


def _solve(matrix: list[list[float]], values: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (8 unknowns: no numpy needed)."""
    size = len(values)
    rows = [row[:] + [value] for row, value in zip(matrix, values)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def _perspective_coefficients(seen: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    """Image.transform's PERSPECTIVE coefficients taking each point of `seen` (output) to `source`."""
    matrix, values = [], []
    for (x, y), (u, v) in zip(seen, source):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    return _solve(matrix, values)


def tilted(frame: Image.Image, degrees: float, about: tuple[float, float] | None = None) -> Image.Image:
    """`frame` (a flat phone facing the lens) turned by `degrees` about a vertical axis through
    `about`, seen by a pinhole camera whose distance is twice the frame's width: the near edge
    grows, the far edge shrinks and the code's modules are foreshortened across."""
    cx, cy = about or (WIDTH / 2, HEIGHT / 2)
    distance = 2 * WIDTH
    angle = math.radians(degrees)
    source = [(0, 0), (WIDTH, 0), (WIDTH, HEIGHT), (0, HEIGHT)]
    seen = []
    for x, y in source:
        dx, dy = x - cx, y - cy
        depth = distance + dx * math.sin(angle)
        seen.append((cx + distance * dx * math.cos(angle) / depth, cy + distance * dy / depth))
    coefficients = _perspective_coefficients(seen, source)
    return frame.transform(frame.size, Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=96)


def defocused(frame: Image.Image, modules: float, module_px: float) -> Image.Image:
    """Out of focus: a Gaussian blur spot `modules` modules of the filmed code wide at half its
    height (its full width at half maximum, 2.355 standard deviations)."""
    return frame.filter(ImageFilter.GaussianBlur(modules * module_px / 2.355))


def noisy(frame: Image.Image, sigma: float, seed: int = 66) -> Image.Image:
    """A small sensor in a dim hall: Gaussian noise of `sigma` grey levels on every pixel."""
    random.seed(seed)
    noise = Image.effect_noise(frame.size, sigma)  # centred on 128
    return ImageChops.add(frame.convert("L"), noise, scale=1.0, offset=-128)


def reflected(frame: Image.Image, centre: tuple[float, float], radius: float, strength: float) -> Image.Image:
    """A soft reflection on the phone's glass (a window, a ceiling light): a bright blob that
    fades out from `centre` over `radius` pixels and lifts the dark modules towards white by up to
    `strength` (0 to 1)."""
    blob = ImageChops.invert(Image.radial_gradient("L")).resize((round(2 * radius), round(2 * radius)), Image.BICUBIC)
    mask = Image.new("L", frame.size, 0)
    mask.paste(blob, (round(centre[0] - radius), round(centre[1] - radius)))
    mask = mask.point(lambda level: round(level * strength))
    return Image.composite(Image.new("L", frame.size, 255), frame.convert("L"), mask)


def film(screen: Image.Image, qr_box: tuple[float, float, float, float], condition: str) -> Image.Image:
    """A 640×480 frame of the pass page `screen` (a screenshot; `qr_box` is where its QR is) as the
    scanner's camera sees it in `condition`, one of CONDITIONS."""
    phone, scale = phone_in_view(screen, qr_box)
    bezel = (phone.width - round(screen.width * scale)) / 2
    qr_centre = (bezel + (qr_box[0] + qr_box[2] / 2) * scale, bezel + (qr_box[1] + qr_box[3] / 2) * scale)
    frame = _centre_on_qr(phone, qr_centre)
    return CONDITIONS[condition](frame)


#: Each condition films the QR FILMED_QR_SIDE px wide (about 5.5 px a module for a 45-module code).
_MODULE_PX = FILMED_QR_SIDE / 45
CONDITIONS = {
    "face-on": lambda frame: frame,
    "tilted-30deg": lambda frame: tilted(frame, 30),
    "defocused-1-module": lambda frame: defocused(frame, 1.0, _MODULE_PX),
    # Past about one module the plain frame reads as nothing: only the scanner's sharpened try reads it.
    "defocused-1.3-modules": lambda frame: defocused(frame, 1.3, _MODULE_PX),
    "sensor-noise": lambda frame: noisy(frame.filter(ImageFilter.GaussianBlur(0.8)), 24),
    "reflection": lambda frame: reflected(frame, (WIDTH / 2 + 60, HEIGHT / 2 - 50), 170, 0.75),
    # The forced-dark page is a screenshot taken under forced dark mode: filmed face-on, a little soft.
    "forced-dark": lambda frame: frame.filter(ImageFilter.GaussianBlur(0.8)),
}
