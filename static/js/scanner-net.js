// The scanner's calls to the server: a time limit that works on every engine (Safari 15 has no
// AbortSignal.timeout), and the two failures the page must tell apart from "no network": a session
// that ended (401, or a redirect to /login) and a server that answered with an error status.

/** An AbortSignal that aborts after `ms`: AbortSignal.timeout where it exists, else a timer. */
export function timeoutSignal(ms) {
  if (typeof AbortSignal !== "undefined" && typeof AbortSignal.timeout === "function") return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(timeoutError()), ms);
  return controller.signal;
}

function timeoutError() {
  try {
    return new DOMException("The operation timed out.", "TimeoutError");
  } catch {
    const error = new Error("The operation timed out.");
    error.name = "TimeoutError";
    return error;
  }
}

/** The account is signed out (session ended, or signed out elsewhere): not a network problem.
 * `serverMessage`: what the server said when it was more than that (an entrance device withdrawn
 * by the site's manager answers 401 `device_revoked`, "Appareil retiré"). */
export class SignedOut extends Error {
  constructor(serverMessage = null, code = null) {
    super("signed out");
    this.name = "SignedOut";
    this.serverMessage = serverMessage;
    this.code = code;  // "device_revoked": a withdrawn device may still send what it scanned before
  }
}

const SPECIAL_401 = new Set(["device_revoked"]);

/** The server answered with an error status; `body` is its JSON error when it gave one. */
export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.name = "HttpError";
    this.status = status;
    this.body = body;
  }
}

/** True when a response says the session is over: 401, or followed to the sign-in page. */
export function isSignedOut(response) {
  if (response.status === 401) return true;
  return response.redirected && new URL(response.url, "http://x").pathname === "/login";
}

/** fetch() with a time limit; throws SignedOut or HttpError, else resolves to the parsed JSON. */
export async function requestJson(url, { method = "GET", body, csrf = "", timeoutMs = 8000, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) Object.assign(headers, { "Content-Type": "application/json", "X-CSRFToken": csrf });
  const response = await fetch(url, {
    method, credentials: "same-origin", headers, signal: timeoutSignal(timeoutMs),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (isSignedOut(response)) {
    const error = answer?.error;
    throw SPECIAL_401.has(error?.code) ? new SignedOut(error.message, error.code) : new SignedOut();
  }
  if (!response.ok || response.redirected || answer === null) throw new HttpError(response.status, answer);
  return answer;
}
