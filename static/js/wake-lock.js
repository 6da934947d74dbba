// Keeps the screen on while the pass is shown, so it does not go dark in the partner's hand.
// Screen Wake Lock API where the browser has it; the browser drops the lock when the page is
// hidden, so it is asked for again each time the page comes back into view.
let sentinel = null;

async function hold() {
  if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
  if (sentinel && !sentinel.released) return;
  if (!document.querySelector("[data-qr]")) return;  // no valid pass on screen: nothing to keep on
  try {
    sentinel = await navigator.wakeLock.request("screen");
  } catch (error) {
    // Refused (battery saver, no permission): the screen just follows its usual timeout.
    sentinel = null;
  }
}

async function letGo() {
  const held = sentinel;
  sentinel = null;
  if (held && !held.released) await held.release();
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") hold();
  else letGo();
});
window.addEventListener("pagehide", letGo);
hold();
