"""The network dashboard in real Chromium: Chart.js (served from static/vendor) draws under the strict
CSP, and the figures table sits beside the chart, on a phone and on a desktop."""
import pytest
from .helpers import sign_in


NETWORK = "reseau@demo.passresot66.fr"

DRAWN_PIXELS = """(canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
  return { width, height, painted };
}"""


@pytest.mark.parametrize("device", ["phone", "page"])
def test_dashboard_draws_charts_beside_tables(live_server, request, device):
    page = request.getfixturevalue(device)
    sign_in(page, live_server.url, NETWORK)
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.wait_for_url("**/admin/stats")
    months = page.locator('canvas[data-chart="months"]')
    months.and_(page.locator("[data-drawn]")).wait_for()
    pixels = months.evaluate(DRAWN_PIXELS)
    assert pixels["width"] > 200 and pixels["painted"] > 500, pixels
    assert page.locator('canvas[data-chart][data-drawn]').count() >= 3
    table = page.locator("section[aria-labelledby=months-title] table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 12
    assert page.locator(".stats-figures [data-figure=participation]").is_visible()
    # No sideways scrolling on the phone: the page fits its width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_year_selector_and_bad_year(live_server, page):
    sign_in(page, live_server.url, NETWORK)
    page.goto(live_server.url + "/admin/stats")
    last = page.locator("#year option").nth(1).get_attribute("value")
    page.select_option("#year", last)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(f"**/admin/stats?year={last}")
    assert page.locator("h1").inner_text() == "Tableau de bord du réseau"
    response = page.goto(live_server.url + "/admin/stats?year=19x")
    assert response.status == 400
    assert "Année invalide" in page.locator("h1").inner_text()
