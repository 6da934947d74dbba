"""HTML blueprints, one per audience."""


def register_web_blueprints(app):
    from .agent_import import bp as agent_import_bp
    from .auth import bp as auth_bp
    from .home import bp as home_bp
    from .network import bp as network_bp
    from .office import bp as office_bp

    for blueprint in (auth_bp, home_bp, network_bp, office_bp, agent_import_bp):
        app.register_blueprint(blueprint)
