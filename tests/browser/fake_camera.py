"""A fake camera for Chromium: a `.y4m` video of a QR code, for `--use-file-for-fake-video-capture`.

Chromium plays the file in a loop as the device camera, so the scanner page sees a pass held in
front of the lens exactly as a phone would film it (greyscale, a white margin, a little off
centre). The browser tests and bench/scan_frame_to_verdict.py use it; each distinct code needs a
browser of its own, since the file is chosen when Chromium starts.
"""
from pathlib import Path

import qrcode
from PIL import Image

WIDTH, HEIGHT = 640, 480
FRAMES = 4  # the device loops the file; a few identical frames are enough
FPS = 15
QR_SIDE = 360


def qr_image(text: str) -> Image.Image:
    """The code as the pass screen draws it (error correction M, quiet zone of 4 modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").convert("L")
    return image.resize((QR_SIDE, QR_SIDE), Image.NEAREST)


def _frame(text: str | None) -> bytes:
    frame = Image.new("L", (WIDTH, HEIGHT), 235)
    if text is not None:
        frame.paste(qr_image(text), ((WIDTH - QR_SIDE) // 2 + 20, (HEIGHT - QR_SIDE) // 2 + 10))
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)  # no colour: both chroma planes neutral
    return b"FRAME\n" + frame.tobytes() + chroma + chroma


def write_y4m(path: Path, text: str | None) -> Path:
    """A 640×480 4:2:0 video of `text` as a QR code (None: an empty white frame, no code in view)."""
    return write_y4m_sequence(path, [text], frames_each=FRAMES)


def write_y4m_sequence(path: Path, texts: list, frames_each: int = FPS) -> Path:
    """A video that shows each of `texts` in turn for `frames_each` frames, looping (the bench)."""
    path = Path(path)
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for text in texts:
            frame = _frame(text)
            for _ in range(frames_each):
                handle.write(frame)
    return path


def camera_args(video: Path) -> list[str]:
    """Chromium switches that make `video` the camera and grant it without a prompt."""
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
