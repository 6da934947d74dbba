"""Issue 17 part 5 on a phone: the demo site's manager finds this year's survey on their home page,
is told beside the question what is missing, answers, and the network admin reads the answer."""
from playwright.sync_api import expect

from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.surveys.models import SurveyAnswer
from .helpers import STAFF, live_database, shot, sign_in


def test_the_site_manager_answers_the_survey_on_a_phone(phone, page, live_server, staff_site):
    sign_in(phone, live_server.url, STAFF)
    phone.goto(live_server.url + "/site")
    card = phone.locator("[data-survey-card]")
    expect(card).to_contain_text("4 questions, une réponse par site")
    try:
        card.get_by_role("link", name="Répondre à l'enquête").click()
        form = phone.locator("[data-survey]")
        expect(form).to_contain_text("Quatre questions, deux minutes")
        first = form.locator("fieldset").nth(0)
        # A rating's five choices sit on one row at 360 px, each a finger wide.
        boxes = first.locator(".rating-choice").evaluate_all(
            "labels => labels.map((label) => label.getBoundingClientRect()).map((r) => [Math.round(r.top), r.width])")
        assert len(boxes) == 5 and len({top for top, _ in boxes}) == 1 and min(w for _, w in boxes) >= 44, boxes
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        first.get_by_label("4").check()
        phone.get_by_role("button", name="Envoyer la réponse du site").click()
        # Two required ratings left empty: said beside each, the rating already chosen kept.
        expect(phone.locator(".has-error .error")).to_have_count(2)
        expect(phone.locator(".has-error .error").first).to_have_text("Cette question demande une réponse.")
        expect(phone.locator("[data-survey] fieldset").nth(0).get_by_label("4")).to_be_checked()
        shot(phone, "survey-errors")
        for index in (1, 2):
            phone.locator("[data-survey] fieldset").nth(index).get_by_label("5").check()
        phone.get_by_label("Que pourrait faire le réseau pour mieux vous accompagner ? (facultatif)").fill(
            "Des affiches « pass accepté » pour l'accueil.")
        phone.get_by_role("button", name="Envoyer la réponse du site").click()
        expect(phone.locator(".flash").first).to_contain_text("La réponse de votre site est enregistrée")
        expect(phone.locator("[data-survey-answered]")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways at 360 px
        phone.goto(live_server.url + "/site")
        expect(phone.locator("[data-survey-card]")).to_have_count(0)

        sign_in(page, live_server.url, "reseau@demo.passresot66.fr")
        page.goto(live_server.url + "/admin/survey")
        expect(page.locator("[data-answered]")).to_have_text("4")  # the demo's three, and this one
        with live_database(live_server):
            site = db.session.get(Partner, staff_site).name
        expect(page.locator("[data-answered-sites]")).to_contain_text(site)
        expect(page.locator("[data-question='4']")).to_contain_text("Des affiches « pass accepté » pour l'accueil.")
        shot(page, "survey-results")
    finally:
        with live_database(live_server):  # the next tests find the demo's survey unanswered by this site
            for answer in SurveyAnswer.query.filter_by(partner_id=staff_site):
                db.session.delete(answer)
            db.session.commit()
