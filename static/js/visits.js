// The agent's visits page: freshness of the kept copy, and the partners not visited yet, nearest
// first once the position is known (asked only when the agent taps the button, or already allowed).
import { showFreshness } from "./freshness.js";
import { distanceKm } from "./partners-rules.js";

const section = document.querySelector("[data-not-visited]");
const list = section?.querySelector("[data-todo-list]");
const button = section?.querySelector("[data-sort-distance]");
const note = section?.querySelector("[data-sort-note]");
const numberFormat = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "fr-FR",
                                           { maximumFractionDigits: 1 });

function sortByDistance({ coords }) {
  const here = { lat: coords.latitude, lon: coords.longitude };
  const items = [...list.children].map((item) => {
    const known = item.dataset.lat !== undefined;
    const km = known ? distanceKm(here, { lat: Number(item.dataset.lat), lon: Number(item.dataset.lon) }) : Infinity;
    if (known) item.querySelector("[data-distance]").textContent = section.dataset.textDistance.replace("%(km)s", numberFormat.format(km));
    return [km, item];
  });
  items.sort((a, b) => a[0] - b[0]);  // stable: sites without coordinates stay in name order, last
  list.append(...items.map(([, item]) => item));
  note.textContent = section.dataset.textSorted;
  button.hidden = true;
}

function locate() {
  navigator.geolocation.getCurrentPosition(sortByDistance, () => { note.textContent = section.dataset.textDenied; },
                                           { maximumAge: 600_000, timeout: 10_000 });
}

if (list && "geolocation" in navigator) {
  button.hidden = false;
  button.addEventListener("click", locate);
  navigator.permissions?.query({ name: "geolocation" }).then((status) => {
    if (status.state === "granted") locate();
  }).catch(() => {});
}
showFreshness();
