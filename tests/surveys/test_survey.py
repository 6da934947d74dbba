"""The yearly partner survey: the network admin sets the questions (locked at the first answer), each
site answers once (bad input refused whole, with the message beside the question), the results and
the export; a site never sees another's answer page, an agent never the survey."""
import csv
import io

import pytest

from passresot.accounts.models import Role
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.surveys.api import answer_survey, set_questions, survey_of_year, survey_results
from passresot.surveys.exceptions import AlreadyAnswered, InvalidAnswer, InvalidSurvey, SurveyLocked
from passresot.surveys.models import Survey, SurveyAnswer, SurveyReply
from passresot.timeutil import paris_today
from tests.helpers import csrf_token, login

YEAR = paris_today().year
QUESTIONS = [{"text": "L'accueil des agents se passe-t-il bien ?", "kind": "rating", "required": True},
             {"text": "Les agents ont-ils présenté leur pass ?", "kind": "rating", "required": True},
             {"text": "Une suggestion pour le réseau ?", "kind": "text", "required": False}]


@pytest.fixture
def world(make):
    admin = make.network_admin()
    castle, cave, winery = make.partner(name="Château royal"), make.partner(name="Grotte"), make.partner(name="Cave")
    return {"admin": admin, "castle": castle, "cave": cave, "winery": winery, "manager": make.partner_staff(castle)}


@pytest.fixture
def survey(world):
    survey = set_questions(world["admin"], YEAR, "Deux minutes, merci !", QUESTIONS + [{"text": "  ", "kind": "text"}])
    db.session.commit()
    return survey


def _ids(survey):
    return [question.id for question in survey.questions]


def test_questions_are_kept_in_order_without_blank_rows(survey):
    assert [(q.position, q.kind.value, q.required) for q in survey.questions] == [
        (1, "rating", True), (2, "rating", True), (3, "text", False)]
    assert survey.intro == "Deux minutes, merci !"
    assert AuditEvent.query.filter_by(action="survey.questions_set").count() == 1


@pytest.mark.parametrize("questions,message", [
    ([], "Écrivez au moins une question."),
    ([{"text": "x" * 301, "kind": "rating"}], "300 caractères au plus"),
    ([{"text": "Note ?", "kind": "stars"}], "choisissez une note de 1 à 5 ou un texte libre"),
    ([{"text": f"Q{n}", "kind": "text"} for n in range(11)], "10 questions au plus"),
])
def test_bad_questions_are_refused_whole(world, questions, message):
    with pytest.raises(InvalidSurvey) as refused:
        set_questions(world["admin"], YEAR, "", questions)
    assert message in str(refused.value.fields["questions"])
    db.session.rollback()
    assert Survey.query.count() == 0


def test_a_site_answers_once_and_the_questions_are_then_locked(world, survey):
    first, second, third = _ids(survey)
    answer = answer_survey(world["manager"], survey, {first: "4", second: "5", third: "  Plus de visites en hiver  "})
    db.session.commit()
    assert sorted((r.question_id, r.rating, r.text) for r in answer.replies) == [
        (first, 4, None), (second, 5, None), (third, None, "Plus de visites en hiver")]
    with pytest.raises(AlreadyAnswered):
        answer_survey(world["manager"], survey, {first: "1", second: "1"})
    with pytest.raises(SurveyLocked):
        set_questions(world["admin"], YEAR, "", QUESTIONS[:1])


@pytest.mark.parametrize("values,field,message", [
    ({0: "", 1: "3"}, 0, "Cette question demande une réponse."),
    ({0: "6", 1: "3"}, 0, "Choisissez une note de 1 à 5."),
    ({0: "0", 1: "3"}, 0, "Choisissez une note de 1 à 5."),
    ({0: "4", 1: "trois"}, 1, "Choisissez une note de 1 à 5."),
    ({0: "4", 1: "3", 2: "x" * 2001}, 2, "2000 caractères au plus."),
])
def test_a_bad_answer_is_refused_whole_with_the_message_beside_its_question(world, survey, values, field, message):
    ids = _ids(survey)
    with pytest.raises(InvalidAnswer) as refused:
        answer_survey(world["manager"], survey, {ids[index]: value for index, value in values.items()})
    assert str(refused.value.fields[f"q{ids[field]}"]) == message
    db.session.rollback()
    assert SurveyAnswer.query.count() == 0 and SurveyReply.query.count() == 0


def test_the_results_average_each_rating_and_list_who_answered_and_who_did_not(world, survey, make):
    first, second, third = _ids(survey)
    answer_survey(world["manager"], survey, {first: "4", second: "5", third: "Merci"})
    answer_survey(make.partner_staff(world["cave"]), survey, {first: "3", second: "2"})
    db.session.commit()
    results = survey_results(survey)
    assert [(r.count, r.average, r.spread) for r in results.questions[:2]] == [
        (2, 3.5, [0, 0, 1, 1, 0]), (2, 3.5, [0, 1, 0, 0, 1])]
    assert results.questions[2].texts == [("Château royal", "Merci")]
    assert [a.partner.name for a in results.answered] == ["Château royal", "Grotte"]
    assert [p.name for p in results.waiting] == ["Cave"]


# --- the pages ---------------------------------------------------------------------------------

def test_the_manager_sees_the_card_answers_on_the_page_and_the_card_goes(client, world, survey):
    login(client, world["manager"].email)
    assert "Répondre à l'enquête" in client.get("/site").get_data(as_text=True)
    page = client.get("/site/survey").get_data(as_text=True)
    assert "Deux minutes, merci !" in page and "Une suggestion pour le réseau ? (facultatif)" in page
    first, second, third = _ids(survey)
    token = csrf_token(client, "/site/survey")
    refused = client.post("/site/survey", data={"csrf_token": token, f"q{first}": "4"})
    assert refused.status_code == 400
    assert "Cette question demande une réponse." in refused.get_data(as_text=True)
    assert SurveyAnswer.query.count() == 0
    sent = client.post("/site/survey", data={"csrf_token": token, f"q{first}": "4", f"q{second}": "5",
                                             f"q{third}": "Très bien"})
    assert sent.status_code == 302
    assert "La réponse de votre site est enregistrée" in client.get("/site/survey").get_data(as_text=True)
    assert "Répondre à l'enquête" not in client.get("/site").get_data(as_text=True)
    again = client.post("/site/survey", data={"csrf_token": token, f"q{first}": "1", f"q{second}": "1"})
    assert again.status_code == 303 and SurveyAnswer.query.count() == 1


def test_entrance_staff_answer_for_their_site_from_todays_page(client, make, world, survey):
    door = make.user(Role.entrance_staff, partner_id=world["cave"].id)
    login(client, door.email)
    assert "Répondre à l'enquête" in client.get("/site/today").get_data(as_text=True)
    first, second, _third = _ids(survey)
    token = csrf_token(client, "/site/survey")
    assert client.post("/site/survey", data={"csrf_token": token, f"q{first}": "5", f"q{second}": "5"}).status_code == 302
    assert SurveyAnswer.query.one().partner_id == world["cave"].id


def test_without_questions_the_site_page_says_there_is_no_survey(client, world):
    login(client, world["manager"].email)
    response = client.get("/site/survey")
    assert response.status_code == 404 and "Pas d'enquête en cours" in response.get_data(as_text=True)
    assert "Répondre à l'enquête" not in client.get("/site").get_data(as_text=True)


def test_the_network_admin_writes_the_questions_then_reads_and_exports_the_answers(client, world):
    login(client, world["admin"].email)
    url = f"/admin/survey/questions?year={YEAR}"
    token = csrf_token(client, url)
    data = {"csrf_token": token, "intro": "Merci !", "questions-0-text": "Accueil ?", "questions-0-kind": "rating",
            "questions-0-required": "y", "questions-1-text": "Idées ?", "questions-1-kind": "text"}
    assert client.post(url, data=data).status_code == 302
    bad = client.post(url, data={"csrf_token": token, "questions-0-text": ""})
    assert bad.status_code == 400 and "Écrivez au moins une question." in bad.get_data(as_text=True)

    survey = survey_of_year(YEAR)
    first, second = _ids(survey)
    answer_survey(world["manager"], survey, {first: "4", second: "=HYPERLINK(\"http://x\")"})
    db.session.commit()
    page = client.get(f"/admin/survey?year={YEAR}").get_data(as_text=True)
    assert 'data-answered>1<' in page and "Château royal" in page and 'data-average>4' in page
    locked = client.get(url).get_data(as_text=True)
    assert "ne peuvent plus changer" in locked and "Enregistrer les questions" not in locked
    refused = client.post(url, data={**data, "questions-0-text": "Autre question ?"})
    assert refused.status_code == 400 and "ne peuvent plus changer" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [q.text for q in survey_of_year(YEAR).questions] == ["Accueil ?", "Idées ?"]
    export = client.get(f"/admin/survey/answers.csv?year={YEAR}")
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8")[1:]), delimiter=";"))
    assert rows[0][:4] == ["Site", "Commune", "Répondu le", "Par"] and rows[0][4:] == ["1. Accueil ?", "2. Idées ?"]
    assert rows[1][0] == "Château royal" and rows[1][4] == "4" and rows[1][5].startswith("'=")
    assert client.get(f"/admin/survey/answers.pdf?year={YEAR}").status_code == 404
    assert client.get("/admin/survey?year=1850").status_code == 400
