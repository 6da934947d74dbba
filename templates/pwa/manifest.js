// What the service worker (static/js/sw.js) needs of this deploy, rendered by passresot/web/pwa.py.
export const VERSION = {{ version|tojson }};
export const PRECACHE_URLS = {{ precache_urls|tojson }};  // the essentials, stored before the worker installs
export const LATER_URLS = {{ later_urls|tojson }};  // the scanner's files: on scanning devices only
export const REVISIONS = {{ revisions|tojson }};  // precached URL -> a hash of its content
export const OFFLINE_URL = {{ offline_url|tojson }};
export const SCANS_API = {{ scans_url|tojson }};
