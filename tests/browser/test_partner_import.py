"""Importing a real DATAtourisme flux zip in Chromium: the upload, the progress bar while the app's
worker process reads it (the page can be left and found again), the preview, the confirmation and
the result, on a desktop and on a phone; screenshots of each page when SCREENSHOTS_DIR is set."""
import os
from pathlib import Path

import pytest

from tests.partners.helpers import all_real, flux_zip
from .helpers import sign_in


NETWORK = "reseau@demo.passresot66.fr"


def shoot(page, name: str, device: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"partner-import-{name}-{device}.png"), full_page=False)


@pytest.mark.parametrize("device", ["page", "phone"])
def test_import_a_flux_zip_with_a_progress_bar(live_server, request, tmp_path, device):
    page = request.getfixturevalue(device)
    flux = tmp_path / "flux-datatourisme.zip"
    objects = all_real("2020") + all_real("2025")
    if device == "phone":  # the same places again, under other identifiers: a second flux
        for obj in objects:
            obj["@id"] = obj["@id"] + "-bis"
            obj["dc:identifier"] = obj.get("dc:identifier", "") + "-bis"
    flux.write_bytes(flux_zip(objects))
    sign_in(page, live_server.url, NETWORK)
    page.goto(live_server.url + "/admin/partners/import")
    shoot(page, "upload", device)
    page.set_input_files("input[name=file]", str(flux))
    page.get_by_role("button", name="Vérifier le fichier").click()

    # The worker is a process of its own: the job page shows the bar first, then the preview.
    progress = page.locator("progress#import-progress")
    progress.wait_for()
    assert page.get_by_text("Vous pouvez fermer cette page").is_visible()
    shoot(page, "progress", device)
    job_url = page.url
    page.get_by_role("heading", name="2. Vérifier avant d'importer").wait_for(timeout=60_000)
    assert page.url == job_url  # the same address, found again from the list of imports
    page.goto(live_server.url + "/admin/partners/import")
    page.locator(f'a[href="{job_url.replace(live_server.url, "")}"]').first.click()
    page.get_by_role("heading", name="2. Vérifier avant d'importer").wait_for()
    summary = page.locator(".summary").inner_text()
    assert "11" in summary and "39" in summary, summary
    assert page.get_by_text("Événement : 7").is_visible()
    shoot(page, "preview", device)

    page.get_by_label("Reprendre les périodes d'ouverture").check()
    page.get_by_role("button", name="Importer").click()
    page.get_by_role("heading", name="Import terminé").wait_for(timeout=60_000)
    assert "11 sites créés" in page.locator(".flash-success").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, "result", device)
