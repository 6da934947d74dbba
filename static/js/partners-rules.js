// The partner directory's rules on the phone, kept identical to the server's (passresot/partners):
// PartnerPeriod.contains, accepts_on and missing_information. Dates are ISO strings "YYYY-MM-DD";
// a period is [start, end] or [start, end, 1] when it repeats every year (month and day only, so
// 15 December – 15 April spans New Year). tests/vectors/partner_periods.json holds shared cases.

/** Today's date in Europe/Paris (the scheme's calendar), as "YYYY-MM-DD". */
export function parisDay(now = new Date()) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(now).map(({ type, value }) => [type, value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** PartnerPeriod.contains: a one-off period by full date, a recurring one by month and day. */
export function periodContains(period, day) {
  const [start, end, recurring] = period;
  if (!recurring) return start <= day && day <= end;
  const [from, to, key] = [start.slice(5), end.slice(5), day.slice(5)];
  return from <= to ? from <= key && key <= to : key >= from || key <= to;
}

/** accepts_on: true or false on `day`; null when the site has not said (no period, not all year). */
export function acceptsOn(partner, day) {
  if (partner.all_year) return true;
  if (!partner.periods?.length) return null;
  return partner.periods.some((period) => periodContains(period, day));
}

/** The next day after `day` when one of the periods starts, or null (all year, or none to come). */
export function nextWelcome(partner, day) {
  if (partner.all_year || !partner.periods?.length) return null;
  const starts = partner.periods.map(([start, , recurring]) => {
    if (!recurring) return start > day ? start : null;
    const year = Number(day.slice(0, 4));
    return start.slice(5) > day.slice(5) ? `${year}-${start.slice(5)}` : `${year + 1}-${start.slice(5)}`;
  }).filter(Boolean).sort();
  return starts[0] ?? null;
}

/** missing_information: what R6 says to check with the site first ("phone", "periods", "booking"). */
export function missingInformation(partner) {
  const missing = [];
  if (!partner.phone) missing.push("phone");
  if (!partner.all_year && !partner.periods?.length) missing.push("periods");
  if (!partner.booking) missing.push("booking");
  return missing;
}

/** Great-circle distance in kilometres between two {lat, lon}. */
export function distanceKm(from, to) {
  const radians = Math.PI / 180;
  const dLat = (to.lat - from.lat) * radians;
  const dLon = (to.lon - from.lon) * radians;
  const a = Math.sin(dLat / 2) ** 2
    + Math.cos(from.lat * radians) * Math.cos(to.lat * radians) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A one-off period whose last day is before `day`. */
export function periodIsPast(period, day) {
  return !period[2] && period[1] < day;
}
