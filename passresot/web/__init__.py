"""HTML blueprints, one per audience."""


def register_web_blueprints(app):
    from .agent_import import bp as agent_import_bp
    from .agent_pass import bp as agent_pass_bp
    from .auth import bp as auth_bp
    from .home import bp as home_bp
    from .network import bp as network_bp
    from .office import bp as office_bp
    from .office_passes import bp as office_passes_bp
    from .partner_import import bp as partner_import_bp
    from .partner_site import bp as partner_site_bp
    from .partners_list import bp as partners_list_bp
    from .pwa import bp as pwa_bp

    for blueprint in (auth_bp, home_bp, network_bp, office_bp, agent_import_bp,
                      agent_pass_bp, office_passes_bp, pwa_bp, partner_import_bp,
                      partner_site_bp, partners_list_bp):
        app.register_blueprint(blueprint)
    from .scan_review import bp as scan_review_bp  # the network admin's review of scan conflicts
    app.register_blueprint(scan_review_bp)
    from .scanner import bp as scanner_bp  # partner staff at the entrance
    app.register_blueprint(scanner_bp)
    from .agent_visits import bp as agent_visits_bp  # the agent's visits, hours and reports
    from .network_reports import bp as network_reports_bp  # the network admin's report triage
    from .office_overview import bp as office_overview_bp  # the OT admin's office view, other visits
    for blueprint in (agent_visits_bp, network_reports_bp, office_overview_bp):
        app.register_blueprint(blueprint)
    from .partner_admissions import bp as partner_admissions_bp  # partner staff: their site's admissions
    app.register_blueprint(partner_admissions_bp)
    from .network_stats import bp as network_stats_bp  # the network admin's dashboard and yearly report
    app.register_blueprint(network_stats_bp)
    from .privacy import bp as privacy_bp  # the personal data register, each account's data and history
    app.register_blueprint(privacy_bp)
    from .devices import bp as devices_bp  # devices signed in to the API, signed out by owner or admin
    app.register_blueprint(devices_bp)
    from .office_bulk import bp as office_bulk_bp  # the OT admin's bulk links and card sheets
    app.register_blueprint(office_bulk_bp)
    from .office_photos import bp as office_photos_bp  # the OT admin's photos in bulk (folder or zip)
    app.register_blueprint(office_photos_bp)
    from .network_agents import bp as network_agents_bp  # the network admin's read-only agent lookup
    app.register_blueprint(network_agents_bp)
    from .help import bp as help_bp  # /help for each role, kept offline
    app.register_blueprint(help_bp)
    from .health import bp as health_bp  # GET /healthz for the proxy and monitoring (DEPLOY.md)
    app.register_blueprint(health_bp)
    from .training import bp as training_bp, office_bp as training_office_bp  # the training ledger
    app.register_blueprint(training_bp)
    app.register_blueprint(training_office_bp)
    from .audit_pack import bp as audit_pack_bp  # the audit evidence pack and the indicator review
    app.register_blueprint(audit_pack_bp)
    from .eductours import bp as eductours_bp  # eductour programmes: planning, roll call, the agent's list
    app.register_blueprint(eductours_bp)
    from .certificates import bp as certificates_bp  # attendance certificates and their public check
    app.register_blueprint(certificates_bp)
    from .surveys import bp as surveys_bp  # the yearly partner survey: questions, answers, results
    app.register_blueprint(surveys_bp)
