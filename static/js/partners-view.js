// How one partner looks: its row in the list and its detail page. Partner text is only ever set
// with textContent or as an attribute value (never innerHTML), and links only take http(s), tel:,
// mailto: and geo: addresses, so a name with <script> in it stays text.
import { acceptsOn, missingInformation, nextWelcome, periodIsPast } from "./partners-rules.js";

/** "%(name)s" placeholders, as the server's translated strings have them. */
export function format(template, values = {}) {
  return template.replace(/%\((\w+)\)s/g, (_match, key) => String(values[key] ?? ""));
}

/** A new element with a class, text and attributes; children appended in order. */
export function el(tag, { className, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  node.append(...children.filter(Boolean));
  return node;
}

const TODAY_CLASS = { true: "ok", false: "off", null: "wait" };

export function todayBadge(T, accepted, long = false) {
  const suffix = accepted === true ? "yes" : accepted === false ? "no" : "unknown";
  return el("span", {
    className: `badge today ${TODAY_CLASS[accepted]}`,
    text: T[`today_${suffix}${long ? "_long" : ""}`],
    attrs: { "data-today": suffix },
  });
}

export function formatDistance(T, km, lang) {
  if (km === undefined) return "";
  if (km < 1) return format(T.distance_m, { m: Math.max(50, Math.round(km * 20) * 50) });
  const digits = km < 10 ? 1 : 0;
  return format(T.distance_km, { km: km.toLocaleString(lang, { maximumFractionDigits: digits }) });
}

/** One row of the list: a link to the detail page with name, commune, category and today's status. */
export function listItem(partner, { T, lang, visited, year }) {
  const meta = [partner.commune, formatDistance(T, partner._distance, lang)].filter(Boolean).join(" · ");
  const badges = el("span", { className: "partner-badges" },
    el("span", { className: `tag tag-${partner.category}`, text: T.categories[partner.category] || partner.category }),
    todayBadge(T, partner._today),
    partner.booking === "required" ? el("span", { className: "badge booking", text: T.booking_short }) : null,
    visited ? el("span", { className: "badge visited", text: format(T.visited, { year }) }) : null);
  const link = el("a", { className: "partner-item", attrs: { href: `${partner._url}`, "data-id": partner.id } },
    el("span", { className: "partner-name", text: partner.name }),
    el("span", { className: "partner-meta", text: meta }),
    badges);
  return el("li", {}, link);
}

export function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function telUrl(phone) {
  return "tel:" + phone.replace(/[^\d+]/g, "");
}

/** geo: opens the phone's maps app; OpenStreetMap for a computer. Both work without map tiles here. */
export function mapUrls(partner) {
  const place = [partner.address, [partner.postal_code, partner.commune].filter(Boolean).join(" ")]
    .filter(Boolean).join(", ");
  if (partner.lat !== undefined && partner.lon !== undefined) {
    const at = `${partner.lat},${partner.lon}`;
    return {
      app: `geo:${at}?q=${at}(${encodeURIComponent(partner.name)})`,
      web: `https://www.openstreetmap.org/?mlat=${partner.lat}&mlon=${partner.lon}#map=16/${partner.lat}/${partner.lon}`,
    };
  }
  return {
    app: `geo:0,0?q=${encodeURIComponent(place)}`,
    web: `https://www.openstreetmap.org/search?query=${encodeURIComponent(place)}`,
  };
}

/** "1er juin", "30 septembre 2026": a day of a period, in the page's language. */
export function formatDay(iso, lang, withYear) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(withYear ? year : 2000, month - 1, day));
  const options = { day: "numeric", month: "long", timeZone: "UTC", ...(withYear ? { year: "numeric" } : {}) };
  const text = new Intl.DateTimeFormat(lang, options).format(date);
  return lang.startsWith("fr") && day === 1 ? text.replace(/^1 /, "1er ") : text;
}

/** A period in plain words: "Chaque année, du 15 décembre au 15 avril" or "Du 1er juin au 30 septembre 2026". */
export function describePeriod(T, period, lang) {
  const [start, end, recurring] = period;
  if (recurring) {
    return format(T.period_recurring, { start: formatDay(start, lang, false), end: formatDay(end, lang, false) });
  }
  const sameYear = start.slice(0, 4) === end.slice(0, 4);
  return format(T.period_once, { start: formatDay(start, lang, !sameYear), end: formatDay(end, lang, true) });
}

function contactLinks(partner, T) {
  const links = [];
  if (partner.phone) links.push(el("a", { className: "button", text: `${T.call} ${partner.phone}`, attrs: { href: telUrl(partner.phone), "data-call": "" } }));
  const website = partner.website && safeUrl(partner.website);
  if (website) links.push(el("a", { className: "button secondary", text: T.website, attrs: { href: website, rel: "noopener", target: "_blank", "data-website": "" } }));
  if (partner.email) links.push(el("a", { className: "button secondary", text: T.email, attrs: { href: `mailto:${partner.email}` } }));
  return links;
}

function incompleteNotice(partner, T, missing) {
  const items = missing.map((key) => T[`missing_${key}`]).join(", ");
  const contacts = contactLinks(partner, T);
  return el("div", { className: "incomplete", attrs: { role: "note", "data-incomplete": "" } },
    el("p", { className: "incomplete-title", text: T.incomplete_title }),
    el("p", { text: format(T.incomplete_missing, { items }) }),
    contacts.length ? el("div", { className: "actions" }, ...contacts) : el("p", { text: T.incomplete_no_contact }));
}

function fact(label, ...content) {
  const values = content.filter(Boolean);
  if (!values.length) return [];
  return [el("dt", { text: label }), el("dd", {}, ...values)];
}

function minutes(T, total) {
  if (!total) return null;
  const [h, m] = [Math.floor(total / 60), total % 60];
  if (!h) return format(T.minutes, { n: m });
  return m ? format(T.hours, { h, m: String(m).padStart(2, "0") }) : format(T.whole_hours, { h });
}

function periodsList(partner, T, lang, day) {
  if (partner.all_year) return el("span", { text: T.all_year });
  if (!partner.periods?.length) return el("span", { className: "unknown", text: T.periods_unknown });
  return el("ul", { className: "periods" }, ...partner.periods.map((period) => {
    const past = periodIsPast(period, day);
    return el("li", { className: past ? "past" : "", text: describePeriod(T, period, lang) + (past ? ` ${T.period_past}` : "") });
  }));
}

/** The agent's report form with this site chosen (/reports is kept offline, the outbox sends it later). */
function reportLink(partner, T, reportUrl) {
  if (!reportUrl) return null;
  const href = `${reportUrl}?partner=${encodeURIComponent(partner.id)}#new-report`;
  return el("p", { className: "report-site" },
    el("a", { className: "small-link", text: T.report, attrs: { href, "data-report-site": "" } }));
}

/** The detail page: the R6 notice first when something is missing, then actions and facts. */
export function detailContent(partner, { T, lang, day, visited, year, reportUrl }) {
  const missing = missingInformation(partner);
  const accepted = acceptsOn(partner, day);
  const next = accepted === false ? nextWelcome(partner, day) : null;
  const maps = mapUrls(partner);
  const socials = (partner.socials || []).map(safeUrl).filter(Boolean);
  const actions = el("div", { className: "actions detail-actions" },
    ...(missing.length ? [] : contactLinks(partner, T)),
    el("a", { className: "button secondary map-app", text: T.map_app, attrs: { href: maps.app, "data-map": "app" } }),
    el("a", { className: "button secondary map-web", text: T.map_web, attrs: { href: maps.web, rel: "noopener", target: "_blank", "data-map": "web" } }));
  const facts = el("dl", { className: "facts partner-facts" },
    ...fact(T.pass_welcome, periodsList(partner, T, lang, day)),
    ...fact(T.booking_title, el("span", { text: T.booking[partner.booking || "unknown"] })),
    ...fact(T.visit_length, minutes(T, partner.visit_minutes)),
    ...fact(T.address, [partner.address, [partner.postal_code, partner.commune].filter(Boolean).join(" ")].filter(Boolean).join(", ")),
    ...fact(T.phone, partner.phone ? el("a", { text: partner.phone, attrs: { href: telUrl(partner.phone) } }) : null),
    ...fact(T.email, partner.email ? el("a", { text: partner.email, attrs: { href: `mailto:${partner.email}` } }) : null),
    ...fact(T.manager, partner.manager),
    ...fact(T.socials, ...socials.map((url) => el("a", { className: "social", text: new URL(url).hostname.replace(/^www\./, ""), attrs: { href: url, rel: "noopener", target: "_blank" } }))),
    ...fact(T.opening, partner.opening));
  return [
    missing.length ? incompleteNotice(partner, T, missing) : null,
    el("header", { className: "detail-head" },
      el("p", { className: "eyebrow", text: T.categories[partner.category] || partner.category }),
      el("h1", { text: partner.name, attrs: { "data-partner-name": "" } }),
      el("p", { className: "muted", text: partner.commune })),
    el("p", { className: "today-line" }, todayBadge(T, accepted, true),
      next ? el("span", { className: "next", text: format(T.next_welcome, { date: formatDay(next, lang, next.slice(0, 4) !== day.slice(0, 4)) }) }) : null,
      visited ? el("span", { className: "badge visited", text: format(T.visited, { year }) }) : null),
    actions,
    facts,
    partner.description ? el("section", { className: "about" }, el("h2", { text: T.about }), el("p", { text: partner.description })) : null,
    reportLink(partner, T, reportUrl),
  ].filter(Boolean);
}
