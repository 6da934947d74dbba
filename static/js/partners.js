// The partner list for a phone with no signal: shown from IndexedDB first, then synced with
// GET /api/v1/partners (If-None-Match) when online, on open and on "online". Search as you type,
// filters, sorts (distance when the agent allows the position), and a detail view for
// /partners/<id> served by the same page. Only FIRST_ROWS rows are drawn, PAGE_SIZE more on scroll.
// Timing marks for bench/partners_list.py: "partners:first-results" and "partners:search".
import { readMany, saved } from "./partners-db.js";
import { acceptsOn, distanceKm, parisDay } from "./partners-rules.js";
import { downloadDirectory, downloadVisits } from "./partners-sync.js";
import { detailContent, format, listItem } from "./partners-view.js";
import { matchesWords, normalize, queryWords } from "./text-search.js";

const PAGE_SIZE = 50;
const FIRST_ROWS = 24;  // more than a screenful; the rest follows in the next frames, as it scrolls
const DETAIL_PATH = /\/partners\/(\d+)\/?$/;
const root = document.querySelector("[data-partners]");
const $ = (selector) => root.querySelector(selector);
const T = JSON.parse(root.dataset.texts);
const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
const listUrl = root.dataset.listUrl;
const userId = root.dataset.user;
const ui = {
  listView: $("[data-view=list]"), detailView: $("[data-view=detail]"), detail: $("[data-detail]"),
  form: $("[data-search-form]"), query: $("[data-query]"), list: $("[data-list]"), count: $("[data-count]"),
  empty: $("[data-empty]"), emptyText: $("[data-empty-text]"), clear: $("[data-clear]"), more: $("[data-more]"),
  sync: $("[data-sync]"), syncText: $("[data-sync-text]"), filterCount: $("[data-filter-count]"),
  sortNote: $("[data-sort-note]"), commune: $("[data-filter=commune]"), sort: $("[data-filter=sort]"),
  moreFilters: $("[data-more-filters]"),
};
const whenFormat = new Intl.DateTimeFormat(lang, {
  day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris",
});

const state = {
  partners: [], byId: new Map(), full: null, indexed: false, sorted: {}, results: [], shown: 0, visited: new Set(),
  day: parisDay(), year: Number(parisDay().slice(0, 4)), position: null,
  etag: null, savedAt: null, checkedAt: null, syncing: false, firstShown: false,
};
const filters = { words: [], commune: "", category: "", booking: "", today: false, notVisited: false, sort: "name" };

// ---- Data ----------------------------------------------------------------------------------

/** Show `partners` (in name order); `complete` when they carry every field (just downloaded). */
function useDirectory(partners, complete = false) {
  partners.forEach((partner, index) => {
    partner._order = index;
    partner._url = `${listUrl}/${partner.id}`;
    partner._today = acceptsOn(partner, state.day);
  });
  state.partners = partners;
  state.byId = new Map(partners.map((partner) => [partner.id, partner]));
  state.full = complete ? state.byId : null;
  state.indexed = false;
  state.sorted = {};
  fillCommunes(partners);
  if (state.position) measureDistances();
}

// Normalized text for search and sort, made when first needed (after the first results show).
function ensureIndex() {
  if (state.indexed) return;
  for (const partner of state.partners) {
    partner._commune = normalize(partner.commune);
    partner._hay = normalize(`${partner.name} ${partner.commune} ${T.categories[partner.category] || ""} ${partner.postal_code || ""}`);
  }
  state.indexed = true;
}

/** Every field of one partner, from the whole directory (read from IndexedDB once, when first needed). */
async function fullPartner(id) {
  if (!state.full) {
    const { directory } = await readMany(["directory"]);
    const partners = directory ? JSON.parse(directory.text).partners : [];
    state.full = new Map(partners.map((partner) => [partner.id, partner]));
  }
  const partner = state.full.get(id);
  const listed = state.byId.get(id);
  return partner && listed ? Object.assign(partner, { _today: listed._today, _url: listed._url }) : null;
}

function useVisits(record) {
  const mine = record && record.userId === userId && record.year === state.year;
  state.visited = new Set(mine ? record.ids : []);
}

function fillCommunes(partners) {
  const chosen = ui.commune.value;
  const communes = [...new Set(partners.map((partner) => partner.commune))]
    .sort((a, b) => a.localeCompare(b, lang, { sensitivity: "base" }));
  const options = communes.map((commune) => new Option(commune, commune));
  ui.commune.replaceChildren(ui.commune.options[0], ...options);
  ui.commune.value = communes.includes(chosen) ? chosen : "";
  filters.commune = ui.commune.value;
}

function measureDistances() {
  for (const partner of state.partners) {
    partner._distance = partner.lat === undefined ? undefined : distanceKm(state.position, partner);
  }
  delete state.sorted.distance;
}

function byKey(key) {
  return (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a._order - b._order);
}

function sortedPartners(sort) {
  if (sort === "name") return state.partners;  // the server sends them by name
  ensureIndex();
  if (!state.sorted[sort]) {
    const compare = sort === "commune" ? byKey("_commune")
      : (a, b) => (a._distance ?? Infinity) - (b._distance ?? Infinity) || a._order - b._order;
    state.sorted[sort] = [...state.partners].sort(compare);
  }
  return state.sorted[sort];
}

// ---- List ----------------------------------------------------------------------------------

function matches(partner) {
  return (!filters.commune || partner.commune === filters.commune)
    && (!filters.category || partner.category === filters.category)
    && (!filters.booking || partner.booking === filters.booking)
    && (!filters.today || partner._today === true)
    && (!filters.notVisited || !state.visited.has(partner.id))
    && matchesWords(partner._hay, filters.words);
}

function showResults() {
  if (filters.words.length) ensureIndex();
  state.results = sortedPartners(filters.sort).filter(matches);
  state.shown = 0;
  ui.list.replaceChildren();
  drawMore(FIRST_ROWS);
  const total = state.results.length;
  ui.count.textContent = total === 1 ? T.count_one : format(T.count_many, { count: total.toLocaleString(lang) });
  ui.count.hidden = !state.partners.length;
  const nothing = state.partners.length && !total;
  ui.empty.hidden = !nothing && state.partners.length > 0;
  ui.emptyText.textContent = nothing ? T.no_match : state.syncing ? T.loading : T.no_data;
  ui.clear.hidden = !nothing;
  const advanced = ["commune", "category", "booking"].filter((key) => filters[key]).length + (filters.sort !== "name");
  ui.filterCount.hidden = !advanced;
  ui.filterCount.textContent = advanced ? String(advanced) : "";
}

function drawMore(size = PAGE_SIZE) {
  const next = state.results.slice(state.shown, state.shown + size);
  if (!next.length) return;
  const context = { T, lang, year: state.year };
  const rows = document.createDocumentFragment();
  for (const partner of next) rows.append(listItem(partner, { ...context, visited: state.visited.has(partner.id) }));
  ui.list.append(rows);
  state.shown += next.length;
  // Observe again: if the sentinel is still on screen, the observer calls back at once.
  moreObserver.unobserve(ui.more);
  if (state.shown < state.results.length) moreObserver.observe(ui.more);
}

const moreObserver = new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting)) drawMore();
}, { rootMargin: "800px 0px" });

function readFilters() {
  const form = ui.form.elements;
  Object.assign(filters, {
    words: queryWords(ui.query.value), commune: form.commune.value, category: form.category.value,
    booking: form.booking.value, today: form.today.checked, notVisited: Boolean(form.not_visited?.checked),
    sort: form.sort.value,
  });
}

function onFiltersChanged(event) {
  if (event?.target === ui.sort && ui.sort.value === "distance" && !state.position) return locate();
  readFilters();
  showResults();
}

function onQuery(event) {
  const start = event.timeStamp;
  filters.words = queryWords(ui.query.value);
  showResults();
  requestAnimationFrame(() => performance.measure("partners:search", { start, end: performance.now() }));
}

function locate() {
  ui.sortNote.hidden = true;
  const refuse = () => {
    ui.sort.value = "name";
    ui.sortNote.textContent = T.distance_denied;
    ui.sortNote.hidden = false;
    onFiltersChanged();
  };
  if (!navigator.geolocation) return refuse();
  navigator.geolocation.getCurrentPosition((position) => {
    state.position = { lat: position.coords.latitude, lon: position.coords.longitude };
    measureDistances();
    onFiltersChanged();
  }, refuse, { maximumAge: 300_000, timeout: 15_000 });
}

// ---- Detail and navigation -----------------------------------------------------------------

async function route() {
  const match = window.location.pathname.match(DETAIL_PATH);
  ui.listView.hidden = Boolean(match);
  ui.detailView.hidden = !match;
  if (!match) {
    document.title = document.title.replace(/^.*? · /, `${$("#partners-title").textContent} · `);
    return;
  }
  const partner = state.partners.length ? await fullPartner(Number(match[1])) : null;
  if (window.location.pathname.match(DETAIL_PATH)?.[1] !== match[1]) return;  // moved on meanwhile
  if (partner) {
    ui.detail.replaceChildren(...detailContent(partner, {
      T, lang, day: state.day, visited: state.visited.has(partner.id), year: state.year,
      reportUrl: root.dataset.reportUrl }));
    document.title = document.title.replace(/^.*? · /, `${partner.name} · `);
  } else {
    ui.detail.replaceChildren(Object.assign(document.createElement("p"), {
      className: "empty", textContent: state.partners.length || !state.syncing ? T.not_found : T.loading }));
  }
}

function openDetail(event) {
  const link = event.target.closest("a[data-id]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  history.replaceState({ ...history.state, scroll: window.scrollY }, "");
  history.pushState({ fromList: true }, "", link.href);
  route();
  window.scrollTo(0, 0);
  ui.detail.focus({ preventScroll: true });
}

function backToList(event) {
  if (!history.state?.fromList) return;  // opened directly: follow the link to /partners
  event.preventDefault();
  history.back();
}

window.addEventListener("popstate", () => {
  route();
  if (ui.detailView.hidden) window.scrollTo(0, history.state?.scroll || 0);
});

// ---- Sync ----------------------------------------------------------------------------------

function showSync(kind) {
  const when = state.checkedAt || state.savedAt;
  const texts = {
    loading: T.loading, checking: format(T.sync_checking, { when: when && whenFormat.format(when) }),
    fresh: format(T.sync_fresh, { when: when && whenFormat.format(when) }),
    offline: format(T.sync_offline, { when: when && whenFormat.format(when) }),
    failed: format(T.sync_failed, { when: when && whenFormat.format(when) }),
    signed_out: T.sync_signed_out,
  };
  const stale = (kind === "offline" || kind === "failed") && !state.partners.length;
  ui.sync.dataset.state = kind;
  ui.syncText.textContent = stale ? T[`${kind}_short`] : texts[kind];  // the empty list says the rest
}

async function syncDirectory() {
  const result = await downloadDirectory(root.dataset.api, state.partners.length ? state.etag : null);
  if (result.outcome !== "fresh") return result.outcome;
  state.checkedAt = result.at;
  if (result.partners) {
    useDirectory(result.partners, true);
    Object.assign(state, { etag: result.etag, savedAt: result.at });
  }
  return "fresh";
}

async function syncVisits() {
  if (!root.dataset.visitsApi) return;
  const record = await downloadVisits(root.dataset.visitsApi, userId);
  if (record) useVisits(record);
}

async function sync() {
  if (state.syncing) return;
  if (!navigator.onLine) return showSync("offline");
  state.syncing = true;
  showSync(state.partners.length ? "checking" : "loading");
  if (!state.partners.length) showResults();  // "downloading…" rather than "not on this phone yet"
  let outcome;
  try {
    outcome = await syncDirectory();
    if (outcome === "fresh") await syncVisits();
  } catch (error) {
    console.warn("Synchronisation des partenaires impossible :", error);
    outcome = navigator.onLine ? "failed" : "offline";
  } finally {
    state.syncing = false;
  }
  showSync(outcome);
  refresh();
}

function refresh() {
  showResults();
  route();
  if (!state.firstShown && state.partners.length) markFirstResults();
}

function markFirstResults() {
  state.firstShown = true;
  requestAnimationFrame(() => {
    performance.mark("partners:first-results");
    root.dataset.ready = "";
    setTimeout(ensureIndex, 50);  // ready before the first keystroke, after the first paint
  });
}

async function start() {
  performance.mark("partners:start");
  readFilters();
  route();
  const stored = await saved;
  if (stored.list) {
    useDirectory(JSON.parse(stored.list.text));
    performance.mark("partners:parsed");
    Object.assign(state, { etag: stored.list.etag, savedAt: stored.list.savedAt, checkedAt: stored.checked?.at });
    useVisits(stored.visits);
  }
  refresh();
  await sync();
}

ui.query.addEventListener("input", onQuery);
ui.form.addEventListener("change", (event) => { if (event.target !== ui.query) onFiltersChanged(event); });
ui.form.addEventListener("submit", (event) => { event.preventDefault(); ui.query.blur(); });
ui.form.addEventListener("reset", () => setTimeout(() => { ui.sortNote.hidden = true; onFiltersChanged(); }));
ui.clear.addEventListener("click", () => ui.form.reset());
ui.list.addEventListener("click", openDetail);
$("[data-back]").addEventListener("click", backToList);
window.addEventListener("online", sync);
document.addEventListener("visibilitychange", () => {
  const old = !state.checkedAt || Date.now() - state.checkedAt.getTime() > 10 * 60_000;
  if (document.visibilityState === "visible" && old) sync();
});
if (window.matchMedia("(min-width: 860px)").matches) ui.moreFilters.open = true;
start();
