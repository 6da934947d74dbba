"""Who may open what: one table for every rule of app.url_map, checked for every principal over real HTTP."""
import os
import shutil
import sqlite3
import uuid
from datetime import date, time, timedelta
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import current_app, url_for

from passresot.accounts.api import create_setup_link
from passresot.accounts.models import ApiToken, Role, SignInKind
from passresot.accounts.sessions import open_sign_in
from passresot.surveys.api import set_questions
from passresot.accounts.tokens import create_api_token
from passresot.devices.api import create_enrolment_code, enrol_device
from passresot.certificates.api import issue_certificate
from passresot.eductours.api import plan_programme
from passresot.agents.models import AgentPhoto
from passresot.agents.photo_batch import Incoming, prepare as prepare_photos, stage as stage_photos
from passresot.agents.setup_links import create_link_batch
from passresot.agents.photos import reencode_photo
from passresot.extensions import db
from passresot.hours.api import record_other_visit
from passresot.offices.models import Office
from passresot.partners.job_models import JobStatus, PartnerImportJob
from passresot.passes.api import issue_pass
from passresot.reports.api import record_report
from passresot.timeutil import paris_today, utcnow
from passresot.training.api import record_training
from passresot.visits.api import record_scans
from tests import factories
from tests.helpers import FAST_HASH, empty_every_table, login, page_csrf_token, session_csrf_token
from tests.factories import jpeg_bytes

ANON = "anonymous"
NETWORK = "network_admin"
OFFICE = "office_admin"
OTHER_OFFICE = "office_admin_of_another_office"
AGENT = "agent"
OTHER_AGENT = "agent_of_another_office"
PARTNER = "partner_staff"
OTHER_PARTNER = "partner_staff_of_another_site"
#: Issue 13: the entrance's person (scan only) and an enrolled entrance device, both of PARTNER's site.
ENTRANCE_STAFF = "entrance_staff"
DEVICE = "entrance_device"
PRINCIPALS = (ANON, NETWORK, OFFICE, OTHER_OFFICE, AGENT, OTHER_AGENT, PARTNER, OTHER_PARTNER,
              ENTRANCE_STAFF, DEVICE)
SIGNED_IN = frozenset(PRINCIPALS) - {ANON}

# Expected outcomes.
OK = "ok"          # 2xx/302/400, never 401/403/404 (and not a CSRF refusal)
LOGIN = "login"    # 302 to /login (pages) or 401 JSON (/api/)
FORBIDDEN = 403
NOT_FOUND = 404


@dataclass(frozen=True)
class Route:
    """How to call one endpoint and who may."""

    methods: tuple
    #: url_for arguments built from the world's real ids.
    args: object = lambda w: {}
    #: Principals allowed through (besides anonymous when `public`).
    allowed: frozenset = frozenset()
    #: Principals who must not even learn the record exists.
    not_found: frozenset = frozenset()
    #: Anyone, signed in or not, may use it.
    public: bool = False
    #: Its normal answer is a redirect to /login (e.g. sign-out).
    lands_on_login: bool = False
    #: Extra request headers, built from the world.
    headers: object = lambda w: {}

    def expected(self, principal):
        if self.public:
            return OK
        if principal == ANON:
            return LOGIN
        if principal in self.allowed:
            return OK
        if principal in self.not_found:
            return NOT_FOUND
        return FORBIDDEN


NETWORK_ONLY = frozenset({NETWORK})
OFFICE_ADMINS = frozenset({OFFICE, OTHER_OFFICE})
AGENTS = frozenset({AGENT, OTHER_AGENT})
PARTNERS = frozenset({PARTNER, OTHER_PARTNER})
ENTRANCE = frozenset({ENTRANCE_STAFF, DEVICE})
#: Who scans: site managers, entrance staff and entrance devices.
SCANNING = PARTNERS | ENTRANCE
OTHER_PEOPLE = frozenset({OTHER_OFFICE, OTHER_AGENT, PARTNER, OTHER_PARTNER}) | ENTRANCE
THIS_OFFICE_ONLY = {"allowed": frozenset({OFFICE}), "not_found": frozenset({OTHER_OFFICE})}


def AGENT_ARGS(w):
    return {"agent_id": w.agent_id}


def PASS_ARGS(w):
    return {"pass_id": w.pass_id}


#: Every endpoint of the application. A new route must be added here (see the completeness test).
ROUTES = {
    # Public: signing in and out, the one-time password link, the language switch, the web app shell.
    "auth.login": Route(("GET", "POST"), public=True),
    "auth.logout": Route(("POST",), public=True, lands_on_login=True),
    "auth.set_password": Route(("GET", "POST"), lambda w: {"token": w.setup_token}, public=True),
    "auth.set_language": Route(("POST",), lambda w: {"code": "en"}, public=True),
    "pwa.service_worker": Route(("GET",), public=True),
    "pwa.service_worker_manifest": Route(("GET",), public=True),
    "pwa.manifest": Route(("GET",), public=True),
    "pwa.offline": Route(("GET",), public=True),
    "help.help_page": Route(("GET",), public=True),
    # Monitoring: whether the database answers and its migrations are current (DEPLOY.md).
    "health.healthz": Route(("GET",), public=True),
    # Every signed-in person: the landing redirect.
    "home.index": Route(("GET",), allowed=SIGNED_IN),
    "home.agent": Route(("GET",), allowed=AGENTS),
    "home.partner": Route(("GET",), allowed=PARTNERS),
    # The agent of office A's photo: themself, their OT admin, the network admin; 404 for anyone else.
    "home.photo": Route(("GET",), lambda w: {"agent_id": w.agent_id},
                        allowed=frozenset({NETWORK, OFFICE, AGENT}), not_found=OTHER_PEOPLE),
    # Agents: their own pass.
    "agent_pass.pass_screen": Route(("GET",), allowed=AGENTS),
    "agent_pass.card": Route(("GET",), allowed=AGENTS),
    # Network admin.
    "network.offices_list": Route(("GET",), allowed=NETWORK_ONLY),
    "network.office_new": Route(("GET", "POST"), allowed=NETWORK_ONLY),
    "network.office_edit": Route(("GET", "POST"), lambda w: {"office_id": w.office_id},
                                 allowed=NETWORK_ONLY),
    "network.office_set_active": Route(("POST",), lambda w: {"office_id": w.office_id},
                                       allowed=NETWORK_ONLY),
    "network.office_admin_new": Route(("POST",), lambda w: {"office_id": w.office_id},
                                      allowed=NETWORK_ONLY),
    "network.partners_list": Route(("GET",), allowed=NETWORK_ONLY),
    "network.partner_new": Route(("GET", "POST"), allowed=NETWORK_ONLY),
    "network.partner_edit": Route(("GET", "POST"), lambda w: {"partner_id": w.partner_id},
                                  allowed=NETWORK_ONLY),
    "network.partner_staff_new": Route(("POST",), lambda w: {"partner_id": w.partner_id},
                                       allowed=NETWORK_ONLY),
    # Any site's yearly sheet (admissions per office and month) for the network admin only.
    "network.partner_sheet": Route(("GET",), lambda w: {"partner_id": w.partner_id, "fmt": "csv"},
                                   allowed=NETWORK_ONLY),
    # The partner directory: agents and admins browse it; partner staff have their own site.
    "api.partners_directory": Route(("GET",), allowed=SIGNED_IN - ENTRANCE),
    "api.my_visits": Route(("GET",), allowed=AGENTS),
    "partners_list.directory": Route(("GET",), allowed=AGENTS | OFFICE_ADMINS | NETWORK_ONLY),
    "partners_list.detail": Route(("GET",), lambda w: {"partner_id": w.partner_id},
                                  allowed=AGENTS | OFFICE_ADMINS | NETWORK_ONLY),
    "partner_import.upload": Route(("GET", "POST"), allowed=NETWORK_ONLY),
    "partner_import.job": Route(("GET",), lambda w: {"job_id": w.import_job_id}, allowed=NETWORK_ONLY),
    "partner_import.job_status": Route(("GET",), lambda w: {"job_id": w.import_job_id}, allowed=NETWORK_ONLY),
    "partner_import.confirm": Route(("POST",), lambda w: {"job_id": w.import_job_id}, allowed=NETWORK_ONLY),
    "partner_import.restart": Route(("POST",), lambda w: {"job_id": w.import_job_id}, allowed=NETWORK_ONLY),
    "partner_import.example": Route(("GET",), allowed=NETWORK_ONLY),
    "partner_site.edit": Route(("GET", "POST"), allowed=frozenset({PARTNER, OTHER_PARTNER})),
    "scanner.scanner": Route(("GET",), allowed=SCANNING),
    # Each site's staff see and export their own site's admissions (the site comes from the account).
    "partner_admissions.admissions": Route(("GET",), allowed=PARTNERS),
    "partner_admissions.today": Route(("GET",), allowed=SCANNING),
    "partner_admissions.export": Route(("GET",), lambda w: {"table": "list", "fmt": "xlsx"}, allowed=PARTNERS),
    "network.partner_set_active": Route(("POST",), lambda w: {"partner_id": w.partner_id},
                                        allowed=NETWORK_ONLY),
    "network.user_setup_link": Route(("POST",), lambda w: {"user_id": w.target_user_id},
                                     allowed=NETWORK_ONLY),
    "network.user_set_active": Route(("POST",), lambda w: {"user_id": w.target_user_id},
                                     allowed=NETWORK_ONLY),
    # OT admin: their own office's agents and passes; another office's admin gets 404 on this
    # office's agent and pass URLs.
    "office.agents_list": Route(("GET",), allowed=OFFICE_ADMINS),
    "office.agent_new": Route(("GET", "POST"), allowed=OFFICE_ADMINS),
    "office.agent_edit": Route(("GET", "POST"), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "office.agent_photo": Route(("POST",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "office.agent_setup_link": Route(("POST",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "office.agent_set_active": Route(("POST",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "agent_import.upload": Route(("GET", "POST"), allowed=OFFICE_ADMINS),
    "agent_import.confirm": Route(("POST",), allowed=OFFICE_ADMINS),
    "agent_import.example": Route(("GET",), allowed=OFFICE_ADMINS),
    "office_passes.issue": Route(("POST",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "office_passes.card": Route(("GET",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "office_passes.issue_many": Route(("POST",), allowed=OFFICE_ADMINS),
    # Bulk actions on a selection (always of the admin's own office); a batch of links only for its maker.
    "office_bulk.send_links": Route(("POST",), allowed=OFFICE_ADMINS),
    "office_bulk.cards": Route(("GET", "POST"), allowed=OFFICE_ADMINS),
    "office_bulk.links": Route(("GET",), lambda w: {"batch_id": w.link_batch_id}, **THIS_OFFICE_ONLY),
    "office_bulk.links_csv": Route(("GET",), lambda w: {"batch_id": w.link_batch_id}, **THIS_OFFICE_ONLY),
    "office_photos.upload": Route(("GET", "POST"), allowed=OFFICE_ADMINS),
    # A batch of photos is its maker's: another office's admin is told it does not exist.
    "office_photos.preview": Route(("GET",), lambda w: {"batch_id": w.photo_batch_id}, **THIS_OFFICE_ONLY),
    "office_photos.prepare": Route(("POST",), lambda w: {"batch_id": w.photo_batch_id}, **THIS_OFFICE_ONLY),
    "office_photos.save": Route(("POST",), lambda w: {"batch_id": w.photo_batch_id}, **THIS_OFFICE_ONLY),
    "office_photos.discard": Route(("POST",), lambda w: {"batch_id": w.photo_batch_id}, **THIS_OFFICE_ONLY),
    "office_photos.staged": Route(("GET",), lambda w: {"batch_id": w.photo_batch_id, "index": 0},
                                  **THIS_OFFICE_ONLY),
    "office_passes.return_pass": Route(("POST",), PASS_ARGS, **THIS_OFFICE_ONLY),
    "office_passes.revoke": Route(("POST",), PASS_ARGS, **THIS_OFFICE_ONLY),
    # JSON API v1 (DESIGN.md §4): 401 JSON when signed out, 403 JSON for a wrong role.
    "api.create_token": Route(("POST",), public=True),
    "api.delete_token": Route(("DELETE",), public=True,
                              headers=lambda w: {"Authorization": "Bearer " + w.spare_api_token}),
    "api.keys": Route(("GET",), public=True),
    "api.my_pass": Route(("GET",), allowed=AGENTS),
    "api.revocations": Route(("GET",), allowed=frozenset({NETWORK, PARTNER, OTHER_PARTNER})),
    "api.openapi": Route(("GET",), public=True),
    # Scanner devices: partner staff only (403 `not_a_partner_account` for others); a scan made at
    # one site is a 404 for the other site's staff.
    # Entrance staff and devices scan too (issue 13); undo on a device asks the site's PIN (none set
    # here: 403 site_pin_not_set).
    "api.record_scans_batch": Route(("POST",), allowed=SCANNING),
    "api.scanner_bundle_view": Route(("GET",), allowed=SCANNING),
    "api.undo_scan": Route(("POST",), lambda w: {"scan_id": w.scan_id}, allowed=frozenset({PARTNER, ENTRANCE_STAFF}),
                           not_found=frozenset({OTHER_PARTNER})),
    "api.scan_photo": Route(("GET",), lambda w: {"scan_id": w.scan_id}, allowed=frozenset({PARTNER}) | ENTRANCE,
                            not_found=frozenset({OTHER_PARTNER})),
    "scan_review.conflicts": Route(("GET",), allowed=NETWORK_ONLY),
    "scan_review.accept": Route(("POST",), lambda w: {"scan_id": w.scan_id}, allowed=NETWORK_ONLY),
    "scan_review.void": Route(("POST",), lambda w: {"scan_id": w.scan_id}, allowed=NETWORK_ONLY),
    # Visits, hours and dysfunction reports (issue 6): the agent's own pages and API; the network
    # admin triages reports; the OT admin sees their office and records their agents' other visits
    # (another office's admin gets 404 on this office's agent).
    "agent_visits.visits": Route(("GET",), allowed=AGENTS),
    "agent_visits.reports": Route(("GET", "POST"), allowed=AGENTS),
    "agent_visits.reports_seen": Route(("POST",), allowed=AGENTS),
    "api.my_hours": Route(("GET",), allowed=AGENTS),
    "api.my_reports": Route(("GET", "POST"), allowed=AGENTS),
    "network_reports.reports_list": Route(("GET",), allowed=NETWORK_ONLY),
    "network_reports.report_detail": Route(("GET", "POST"), lambda w: {"report_id": w.report_id},
                                           allowed=NETWORK_ONLY),
    # The network admin looks agents up, read-only (issue 16 part 8): GET only, nobody else.
    "network_agents.search": Route(("GET",), allowed=NETWORK_ONLY),
    "network_agents.agent": Route(("GET",), AGENT_ARGS, allowed=NETWORK_ONLY),
    # The network dashboard, its exports and the printable yearly report (issue 6 part 4).
    "network_stats.dashboard": Route(("GET",), allowed=NETWORK_ONLY),
    "network_stats.report": Route(("GET",), allowed=NETWORK_ONLY),
    "network_stats.export": Route(("GET",), lambda w: {"name": "offices", "fmt": "xlsx"}, allowed=NETWORK_ONLY),
    "audit_pack.office_pack": Route(("GET",), lambda w: {"fmt": "pdf"}, allowed=OFFICE_ADMINS),
    "audit_pack.network_office_pack": Route(("GET",), lambda w: {"office_id": w.office_id, "fmt": "zip"},
                                            allowed=NETWORK_ONLY),
    "audit_pack.network_pack": Route(("GET",), allowed=NETWORK_ONLY),
    "audit_pack.indicators": Route(("GET",), allowed=NETWORK_ONLY),
    "office_overview.overview": Route(("GET",), allowed=OFFICE_ADMINS),
    "office_overview.year_report": Route(("GET",), allowed=OFFICE_ADMINS),
    "office_overview.export": Route(("GET",), lambda w: {"name": "visits", "fmt": "xlsx"}, allowed=OFFICE_ADMINS),
    "office_overview.agent_visits": Route(("GET", "POST"), AGENT_ARGS, **THIS_OFFICE_ONLY),
    # Personal data (issue 7 part 3): the register is public; each account downloads its own data
    # and sees its own audit trail (the account comes from the session, never from the URL).
    "privacy.register": Route(("GET",), public=True),
    # Devices signed in to the API: one's own, or (admins) those of people one manages.
    "devices.mine": Route(("GET",), allowed=SIGNED_IN),
    "devices.revoke_mine": Route(("POST",), lambda w: {"token_id": w.agent_token_id}, allowed=frozenset({AGENT}),
                                 not_found=SIGNED_IN - {AGENT}),
    "devices.of_account": Route(("GET",), lambda w: {"user_id": w.agent_id},
                                allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "devices.revoke_of_account": Route(("POST",), lambda w: {"user_id": w.agent_id, "token_id": w.agent_token_id},
                                       allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    # Issue 13: one's own password (a device has none: 404); the reset page (public; says whom to ask
    # without SMTP); the site manager's entrance devices and PIN (another site's device is a 404);
    # enrolment by a code, public (a POST with the world's valid code enrols the caller's browser).
    "auth.change_password": Route(("GET", "POST"), allowed=SIGNED_IN - {DEVICE}, not_found=frozenset({DEVICE})),
    "auth.forgot_password": Route(("GET", "POST"), public=True),
    "devices.site_devices": Route(("GET",), allowed=PARTNERS),
    "devices.site_device_new": Route(("POST",), allowed=PARTNERS),
    "devices.site_pin": Route(("POST",), allowed=PARTNERS),
    "devices.site_device_rename": Route(("POST",), lambda w: {"device_id": w.device_id}, allowed=frozenset({PARTNER}),
                                        not_found=frozenset({OTHER_PARTNER})),
    "devices.site_device_revoke": Route(("POST",), lambda w: {"device_id": w.device_id}, allowed=frozenset({PARTNER}),
                                        not_found=frozenset({OTHER_PARTNER})),
    # The network admin manages any site's entrance devices (another site's device: 404, tested in
    # tests/accounts/test_entrance_devices.py).
    "devices.partner_devices": Route(("GET",), lambda w: {"partner_id": w.partner_id}, allowed=NETWORK_ONLY),
    "devices.partner_device_new": Route(("POST",), lambda w: {"partner_id": w.partner_id}, allowed=NETWORK_ONLY),
    "devices.partner_device_rename": Route(("POST",), lambda w: {"partner_id": w.partner_id,
                                                                 "device_id": w.device_id}, allowed=NETWORK_ONLY),
    "devices.partner_device_revoke": Route(("POST",), lambda w: {"partner_id": w.partner_id,
                                                                 "device_id": w.device_id}, allowed=NETWORK_ONLY),
    "devices.enrol": Route(("GET", "POST"), public=True),
    "devices.enrol_link": Route(("GET", "POST"), lambda w: {"code": w.enrol_code}, public=True),
    "privacy.history": Route(("GET",), allowed=SIGNED_IN),
    "privacy.data_download": Route(("GET",), allowed=SIGNED_IN),
    "office_overview.delete_agent_visit": Route(("POST",), lambda w: {"visit_id": w.other_visit_id},
                                                **THIS_OFFICE_ONLY),
    # Issue 17: the training ledger. The agent's own page; their entry's certificate for them, their
    # OT admin and the network admin; deleting it for them and their OT admin; 404 for anyone else.
    "training.ledger": Route(("GET", "POST"), allowed=AGENTS),
    "training.certificate": Route(("GET",), lambda w: {"entry_id": w.training_id},
                                  allowed=frozenset({NETWORK, OFFICE, AGENT}), not_found=OTHER_PEOPLE),
    "training.delete": Route(("POST",), lambda w: {"entry_id": w.training_id},
                             allowed=frozenset({OFFICE, AGENT}),
                             not_found=frozenset({OTHER_OFFICE, OTHER_AGENT})),
    "training_office.office": Route(("GET",), allowed=OFFICE_ADMINS),
    "training_office.agent": Route(("GET", "POST"), AGENT_ARGS, **THIS_OFFICE_ONLY),
    "training_office.work_settings": Route(("POST",), AGENT_ARGS, **THIS_OFFICE_ONLY),
    # Issue 17: eductour programmes. Admins plan; a programme is seen by the network admin and its
    # offices' admins (404 to other offices); the agent's own list.
    "eductours.index": Route(("GET",), allowed=NETWORK_ONLY | OFFICE_ADMINS),
    "eductours.new": Route(("GET", "POST"), allowed=NETWORK_ONLY | OFFICE_ADMINS),
    "eductours.show": Route(("GET",), lambda w: {"programme_id": w.programme_id},
                            allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "eductours.edit": Route(("GET", "POST"), lambda w: {"programme_id": w.programme_id},
                            allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "eductours.cancel": Route(("POST",), lambda w: {"programme_id": w.programme_id},
                              allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "eductours.roll_call": Route(("POST",), lambda w: {"programme_id": w.programme_id, "stop_id": w.stop_id},
                                 allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "eductours.mine": Route(("GET",), allowed=AGENTS),
    # Attendance certificates: issued by the programme's admins; the PDF for the holder, their OT admin and
    # the network admin (404 to anyone else); the verification page is public.
    "certificates.issue": Route(("POST",), lambda w: {"programme_id": w.programme_id},
                                allowed=frozenset({NETWORK, OFFICE}), not_found=frozenset({OTHER_OFFICE})),
    "certificates.download": Route(("GET",), lambda w: {"serial": w.certificate_serial},
                                   allowed=frozenset({NETWORK, OFFICE, AGENT}), not_found=OTHER_PEOPLE),
    # Issue 17 part 5: the partner survey. A site's people (not its devices) answer for their own site;
    # the network admin writes the questions and reads the answers.
    "surveys.answer": Route(("GET", "POST"), allowed=PARTNERS | {ENTRANCE_STAFF}),
    "surveys.results": Route(("GET",), allowed=NETWORK_ONLY),
    "surveys.questions": Route(("GET", "POST"), allowed=NETWORK_ONLY),
    "surveys.export": Route(("GET",), lambda w: {"fmt": "csv"}, allowed=NETWORK_ONLY),
    "certificates.verify": Route(("GET",), lambda w: {"serial": w.certificate_serial, "s": w.certificate_signature},
                                 public=True),
}

COOKIE, BEARER = "session", "bearer"


def _cases():
    """(endpoint, method, principal, how they sign in): API routes are also called with bearer tokens."""
    for endpoint, route in sorted(ROUTES.items()):
        for method in route.methods:
            for principal in PRINCIPALS:
                yield endpoint, method, principal, COOKIE
                if endpoint.startswith("api.") and principal != ANON:
                    yield endpoint, method, principal, BEARER


CASES = list(_cases())


def _case_id(endpoint, method, principal, auth):
    return f"{endpoint}-{method}-{principal}" + ("-bearer" if auth == BEARER else "")


#: One photo for every agent of the world, re-encoded once (re-encoding is slow).
PHOTO = reencode_photo(jpeg_bytes(size=(60, 80)))


def _world(make):
    """Two offices, two partner sites, one person of every kind with a bearer token, agents with passes,
    a pending setup link: real rows."""
    office, other_office = make.office(), make.office()
    partner, other_partner = make.partner(), make.partner()
    people = {
        NETWORK: make.network_admin(),
        OFFICE: make.office_admin(office),
        OTHER_OFFICE: make.office_admin(other_office),
        AGENT: make.agent(office, photo=False),
        OTHER_AGENT: make.agent(other_office, photo=False),
        PARTNER: make.partner_staff(partner),
        OTHER_PARTNER: make.partner_staff(other_partner),
        ENTRANCE_STAFF: make.user(Role.entrance_staff, partner_id=partner.id),
    }
    newcomer = make.agent(office, photo=False, password_hash=None)
    target = make.partner_staff(partner)  # the account network.user_* act on
    db.session.add_all([AgentPhoto(user_id=people[name].id, jpeg=PHOTO) for name in AGENTS])
    link_batch_id = create_link_batch(people[OFFICE], [newcomer])
    photo_batch_id = stage_photos(people[OFFICE], [Incoming("photo.jpg", jpeg_bytes(size=(60, 80)))])
    prepare_photos(people[OFFICE], photo_batch_id)
    setup_token = create_setup_link(None, newcomer)
    pass_ = issue_pass(None, people[AGENT])
    issue_pass(None, people[OTHER_AGENT])
    api_tokens = {name: create_api_token(user, "matrix")[0] for name, user in people.items()}
    # Each person's browser session, as the sign-in form opens it (web/auth.py start_session).
    sessions = {name: open_sign_in(user, SignInKind.browser, "matrix")[0] for name, user in people.items()}
    enrol_code = create_enrolment_code(people[PARTNER], partner, "Caisse matrice")[0]
    device = enrol_device(create_enrolment_code(people[PARTNER], partner, "Caisse 1")[0], "192.0.2.1")
    api_tokens[DEVICE] = open_sign_in(device, SignInKind.device, device.first_name)[0]
    spare_api_token = create_api_token(people[NETWORK], "spare")[0]
    scan_id = record_scans(people[PARTNER], [{"id": str(uuid.uuid4()), "qr": pass_.token, "device_id": "matrix",
                                              "scanned_at": utcnow().isoformat() + "Z"}])[0]["id"]
    report, _created = record_report(people[AGENT], {"id": str(uuid.uuid4()), "partner_id": partner.id,
                                                    "kind": "other", "text": "Matrice"})
    other_visit = record_other_visit(people[OFFICE], people[AGENT], partner_id=partner.id,
                                     visited_on=date.today(), minutes=60)
    training = record_training(people[AGENT], people[AGENT], trained_on=date.today(), minutes=60, title="Matrice",
                               organisation="CCI", accredited=True, certificate=jpeg_bytes(size=(60, 80)))
    programme = plan_programme(people[OFFICE], title="Matrice", day=date.today() + timedelta(days=1),
                               stops=[{"partner_id": partner.id, "starts_at": time(9), "ends_at": time(10)}],
                               agent_ids=[people[AGENT].id])
    certificate = issue_certificate(people[OFFICE], people[AGENT], programme_id=None, title="Matrice",
                                    day=date.today(), lines=["09:00–10:00 · Site"], minutes=60, issuer_label="Office")
    set_questions(people[NETWORK], paris_today().year, "", [{"text": "Accueil ?", "kind": "rating", "required": True}])
    import_job = PartnerImportJob(filename="flux.zip", status=JobStatus.ready, counts={}, result={},
                                  errors=[], info={})
    db.session.add(import_job)
    db.session.commit()
    return SimpleNamespace(
        import_job_id=import_job.id, emails={name: user.email for name, user in people.items()}, api_tokens=api_tokens,
        sessions=sessions,
        office_id=office.id, partner_id=partner.id, agent_id=people[AGENT].id, pass_id=pass_.id,
        target_user_id=target.id, setup_token=setup_token, spare_api_token=spare_api_token,
        scan_id=scan_id, report_id=report.id, link_batch_id=link_batch_id, photo_batch_id=photo_batch_id, other_visit_id=other_visit.id,
        agent_token_id=ApiToken.query.filter_by(user_id=people[AGENT].id, kind=SignInKind.token).one().id,
        device_id=device.id, enrol_code=enrol_code, training_id=training.id,
        programme_id=programme.id, stop_id=programme.stops[0].id,
        certificate_serial=certificate.serial, certificate_signature=certificate.signature)


@pytest.fixture(scope="class")
def sqlite_world(app, tmp_path_factory):
    """On SQLite, the world is written once for the whole matrix and the database copied aside; each
    case gets that copy back afterwards (whatever it wrote, rate-limit counts included), which is
    what writing the world again would give, at a fraction of the time. None on other engines."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            yield None
            return
        world = _world(factories.Factory(FAST_HASH))
        db.session.remove()
        snapshot = sqlite3.connect(":memory:")
        _copy_database(db.engine, to=snapshot)
        files = tmp_path_factory.mktemp("matrix")
        for folder in disk_folders():  # the photo batch and the certificate live on disk beside the database
            shutil.copytree(folder, files / os.path.basename(folder))
        watcher = sqlite3.connect(db.engine.url.database)  # sees every commit by another connection
        saved = Saved(snapshot, files, watcher, _files_state(disk_folders()))
    yield world, saved
    watcher.close()
    empty_every_table(app)
    with app.app_context():
        for folder in disk_folders():
            shutil.rmtree(folder, ignore_errors=True)
    snapshot.close()


@dataclass
class Saved:
    """The world's database and files as written, and how to tell whether a case changed them."""
    snapshot: sqlite3.Connection
    files: object
    watcher: sqlite3.Connection
    files_state: list

    def data_version(self) -> int:
        """Changes when any other connection (the app's, a backup's) commits to the database."""
        return self.watcher.execute("PRAGMA data_version").fetchone()[0]


def _files_state(folders) -> list:
    """Every folder and file under `folders`, with each file's size and modification time."""
    state = []
    for folder in folders:
        for root, _, names in os.walk(folder):
            state.append((root, None, None))
            for name in names:
                info = os.stat(os.path.join(root, name))
                state.append((os.path.join(root, name), info.st_size, info.st_mtime_ns))
    return sorted(state)


def batches_folder() -> str:
    return os.path.join(current_app.instance_path, "photo-batches")  # agents/photo_batch.py


def disk_folders() -> list:
    """The world's files outside the database: photo batches, training certificates (training/certificates.py)."""
    return [batches_folder(), os.path.join(current_app.instance_path, "training-certificates")]


def _copy_database(engine, *, to=None, back_from=None):
    raw = engine.raw_connection()
    try:
        if to is not None:
            raw.driver_connection.backup(to)
        else:
            back_from.backup(raw.driver_connection)
    finally:
        raw.close()


@pytest.fixture
def world(app, sqlite_world, request):
    """The world of one case: the SQLite copy (put back after the case if it changed), or written for this case."""
    if sqlite_world is None:
        yield _world(request.getfixturevalue("make"))
        return
    world, saved = sqlite_world
    version = saved.data_version()
    yield world
    with app.app_context():
        db.session.remove()
        if saved.data_version() != version:  # most cases only read: nothing to put back
            _copy_database(db.engine, back_from=saved.snapshot)
        if _files_state(disk_folders()) != saved.files_state:
            for folder in disk_folders():
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(saved.files / os.path.basename(folder), folder)


@pytest.fixture
def matrix_client(app):
    return app.test_client()


def _path(location: str) -> str:
    return urlsplit(location or "").path


def check_outcome(route: Route, expected, response, path: str):
    status = response.status_code
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    api = path.startswith("/api/")
    if expected == OK:
        assert status in (200, 201, 204, 302, 400), f"{path}: {status}"
        assert "Le formulaire a expiré" not in body, f"{path}: CSRF refused"
        if status == 400 and api:
            assert response.get_json()["error"]["code"] != "csrf_failed", f"{path}: CSRF refused"
        if status == 302 and not route.lands_on_login:
            assert _path(response.location) != "/login", f"{path}: sent to sign in"
    elif expected == LOGIN:
        if api:
            assert status == 401, f"{path}: {status}"
            assert response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert status == 302, f"{path}: {status}"
            assert _path(response.location) == "/login"
    else:
        assert status == expected, f"{path}: {status}"
        if api:
            assert response.is_json and "error" in response.get_json()


class TestAccess:
    """Every case against one world (see sqlite_world)."""

    @pytest.mark.parametrize("endpoint,method,principal,auth", CASES,
                             ids=[_case_id(*case) for case in CASES])
    def test_access(self, app, matrix_client, world, endpoint, method, principal, auth):
        check_access(app, matrix_client, world, endpoint, method, principal, auth)


def check_access(app, client, world, endpoint, method, principal, auth):
    route = ROUTES[endpoint]
    headers = route.headers(world)
    if auth == BEARER:
        headers["Authorization"] = "Bearer " + world.api_tokens[principal]
    elif principal != ANON:
        # The session cookie the sign-in form leaves (a device: its enrolment's); the form itself is
        # tested in tests/accounts, and a request per case is saved.
        secret = world.api_tokens[DEVICE] if principal == DEVICE else world.sessions[principal]
        with client.session_transaction() as session:
            session["_user_id"] = "s:" + secret
    with app.test_request_context():
        path = url_for(endpoint, **route.args(world))
    if method == "GET":
        response = client.get(path, headers=headers)
    else:
        token = session_csrf_token(client, app) if auth == COOKIE else ""
        headers.setdefault("X-CSRFToken", token)
        response = client.open(path, method=method, headers=headers, data={"csrf_token": token})
    check_outcome(route, route.expected(principal), response, path)


def _app_endpoints(app) -> dict:
    endpoints = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            endpoints.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return endpoints


def test_every_endpoint_of_the_url_map_is_in_the_matrix(app):
    missing = sorted(set(_app_endpoints(app)) - set(ROUTES))
    print("Endpoints missing from the access matrix:", ", ".join(missing) or "none")
    assert not missing, "add these endpoints to ROUTES in tests/web/test_access_matrix.py: " + \
        ", ".join(missing)


def test_matrix_has_no_stale_endpoint_and_the_same_methods(app):
    endpoints = _app_endpoints(app)
    stale = sorted(set(ROUTES) - set(endpoints))
    assert not stale, "endpoints in the matrix but not in the app: " + ", ".join(stale)
    wrong = {e: sorted(endpoints[e]) for e in ROUTES if set(ROUTES[e].methods) != endpoints[e]}
    assert not wrong, f"methods differ from the url_map: {wrong}"


def test_post_without_csrf_token_is_refused_and_changes_nothing(client, make):
    admin = make.network_admin()
    office = make.office()
    login(client, admin.email)
    created = client.post("/admin/offices/new", data={
        "name": "Office sans jeton", "commune": "Elne", "email": "elne@example.fr"})
    deactivated = client.post(f"/admin/offices/{office.id}/active", data={"active": "0"})
    assert created.status_code == 400
    assert deactivated.status_code == 400
    assert "Le formulaire a expiré" in created.get_data(as_text=True)
    db.session.expire_all()
    assert Office.query.filter_by(name="Office sans jeton").count() == 0
    assert db.session.get(Office, office.id).active is True


def test_post_with_a_token_from_another_session_is_refused(app, client, clean_db):
    # Rows are written in a short app context of their own: `make` keeps one pushed, which every
    # request would reuse, and Flask-WTF caches the CSRF token in that context's `g`.
    with app.app_context():
        email = factories.Factory(FAST_HASH).network_admin().email
    login(client, email)
    own_token = page_csrf_token(client)
    foreign_token = page_csrf_token(app.test_client())
    assert foreign_token != own_token
    form = {"name": "Office au jeton volé", "commune": "Elne", "email": "elne@example.fr"}
    assert client.post("/admin/offices/new", data={**form, "csrf_token": foreign_token}).status_code == 400
    with app.app_context():
        assert Office.query.filter_by(name="Office au jeton volé").count() == 0
    assert client.post("/admin/offices/new", data={**form, "csrf_token": own_token}).status_code == 302
