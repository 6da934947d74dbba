// The scanner adapts to the signal (as pretixSCAN does). "ask": each scan asks the server first,
// within the time limit, and the device decides only if it does not answer. After a miss (time
// limit passed, network error, server error) the scanner switches to "decide": the device decides
// at once, sends the scan in the background, and probes the server every few seconds; the first
// answer within the time limit switches it back to asking first.

export const PROBE_EVERY_MS = 4000;

export class SignalMode {
  /** limitMs: the ask time limit; probe(): a timed request (resolves when the server answered). */
  constructor({ limitMs, probe, probeEveryMs = PROBE_EVERY_MS, onChange = () => {} }) {
    this.limitMs = limitMs;
    this.probe = probe;
    this.probeEveryMs = probeEveryMs;
    this.onChange = onChange;
    this.mode = "ask";
    this.timer = null;
    this.probing = false;
  }

  get askFirst() {
    return this.mode === "ask";
  }

  /** The server missed its time limit or failed. */
  missed() {
    if (this.mode === "decide") return;
    this.mode = "decide";
    this.timer = setInterval(() => this.probeOnce(), this.probeEveryMs);
    this.onChange(this.mode);
  }

  /** The server answered a request in `ms`: quick enough brings back asking first. */
  answered(ms) {
    if (ms > this.limitMs) {
      this.missed();
      return;
    }
    if (this.mode === "ask") return;
    this.mode = "ask";
    clearInterval(this.timer);
    this.timer = null;
    this.onChange(this.mode);
  }

  async probeOnce() {
    if (this.probing || (typeof document !== "undefined" && document.hidden)) return;
    this.probing = true;
    const started = performance.now();
    try {
      await this.probe();
      this.answered(performance.now() - started);
    } catch {
      // still no quick answer: keep deciding on the device
    } finally {
      this.probing = false;
    }
  }

  /** Times `request()` (a promise factory) and notes the answer or the miss; returns its result. */
  async timed(request) {
    const started = performance.now();
    try {
      const result = await request();
      this.answered(performance.now() - started);
      return result;
    } catch (error) {
      // A refusal of the request (4xx) is an answer: the server is there. A session that ended is
      // neither a fast nor a slow answer.
      if (error?.name === "HttpError" && error.status < 500) this.answered(performance.now() - started);
      else if (error?.name !== "SignedOut") this.missed();
      throw error;
    }
  }
}
