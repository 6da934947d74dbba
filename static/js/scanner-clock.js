// The device's clock against the server's: measured at every bundle sync (server_time, halfway
// through the request). Beyond CLOCK_TOLERANCE_MS the scanner warns and decides with the server's
// time; within it, the pass's own validity tolerance covers the drift.
export const CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

/** Server time minus device time, in ms, from a request sent at `sentAt` and answered at `answeredAt`. */
export function clockOffset(serverTime, sentAt, answeredAt) {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return 0;
  return Math.round(server - (sentAt + answeredAt) / 2);
}

/** True when the bundle's measured offset is beyond the tolerance. */
export function clockIsOff(bundle) {
  return Math.abs(bundle?.clockOffsetMs ?? 0) > CLOCK_TOLERANCE_MS;
}

/** The time to decide with: the device's, corrected when it is off by more than the tolerance. */
export function scannerNow(bundle, deviceNow = Date.now()) {
  return new Date(deviceNow + (clockIsOff(bundle) ? bundle.clockOffsetMs : 0));
}

/** The signed offset in whole minutes (positive: the device is behind). */
export const offsetMinutes = (bundle) => Math.round((bundle?.clockOffsetMs ?? 0) / 60000);
