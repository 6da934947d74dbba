from tests.helpers import login


def test_login_then_landing_page_per_role(client, make):
    office = make.office()
    admin = make.office_admin(office)
    response = login(client, admin.email)
    assert response.status_code == 302
    page = client.get("/office/agents")
    assert page.status_code == 200
    assert office.name in page.get_data(as_text=True)
