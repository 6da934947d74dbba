"""The camera's sharpened try (static/js/scanner-sharpen.js) in each engine: a frame of a 1280×720
source comes out at 640×360, a soft dark-to-light edge with the unsharp mask's mark (darker
than the dark side just before it, lighter than the light side just after), through whichever
canvas the engine draws on off screen (an OffscreenCanvas, or a page canvas where it has none)."""

SHARPEN = """
window.sharpened = null;
import("/static/js/scanner-sharpen.js").then(({ frameCanvas, sharpenedFrame }) => {
  // A camera's 1280×720 frame: grey 60 up to x = 600, 190 from x = 680, a soft ramp between.
  const source = document.createElement("canvas");
  source.width = 1280;
  source.height = 720;
  const context = source.getContext("2d");
  const ramp = context.createLinearGradient(600, 0, 680, 0);
  ramp.addColorStop(0, "rgb(60, 60, 60)");
  ramp.addColorStop(1, "rgb(190, 190, 190)");
  context.fillStyle = ramp;
  context.fillRect(0, 0, 1280, 720);
  source.videoWidth = 1280;  // sharpenedFrame reads a video's size
  source.videoHeight = 720;
  const canvas = frameCanvas();
  const frame = sharpenedFrame(source, canvas);
  const at = (data, x) => data[4 * (180 * 640 + x)];
  window.sharpened = {
    canvas: canvas.constructor.name, width: frame.width, height: frame.height,
    row: Array.from({ length: 60 }, (_, i) => at(frame.data, 290 + i)),  // across the edge (x 300 to 340)
    far: [at(frame.data, 50), at(frame.data, 600)],
  };
}).catch((error) => { window.sharpened = { error: String(error) }; });
"""


def test_the_sharpened_frame_is_made_in_each_engine(engine, live_server):
    engine.goto(live_server.url + "/login")
    engine.js(SHARPEN)
    engine.wait("return window.sharpened !== null", message="the sharpened frame")
    result = engine.js("return window.sharpened")
    assert "error" not in result, result
    assert (result["width"], result["height"]) == (640, 360), result
    row = result["row"]
    darkest, lightest = row.index(min(row)), row.index(max(row))
    assert min(row) < 60 - 8 and max(row) > 190 + 8 and darkest < lightest, row  # undershoot, then overshoot
    assert abs(result["far"][0] - 60) <= 2 and abs(result["far"][1] - 190) <= 2, result  # flat parts kept
    print(f"{engine.version}: {result['canvas']}, edge from {min(row)} to {max(row)}")
