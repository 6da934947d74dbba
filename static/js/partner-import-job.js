// Partner import job page: follows the background job's progress and opens the preview (or the
// result) as soon as the server has finished; closing the page does not stop the job.
const box = document.querySelector('[data-status-url]');

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (response.ok) {
      const job = await response.json();
      box.querySelector('progress').value = job.percent;
      box.querySelector('[data-percent]').textContent = job.percent;
      if (!['queued', 'reading', 'confirmed', 'importing'].includes(job.status) || job.stale) {
        window.location.assign(job.url);
        return;
      }
    }
  } catch (error) {
    // A weak signal: try again at the next tick.
  }
  setTimeout(poll, 1000);
}

if (box) setTimeout(poll, 500);
