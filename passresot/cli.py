"""`flask` commands: demo data and first admin."""
import click
from flask import current_app

from .backups.cli import register_backup_commands
from .extensions import db
from .partners.generator import register_partner_commands
from .privacy.cli import register_privacy_commands
from .stats.generator import register_national_command


def register_commands(app):
    register_partner_commands(app)
    register_privacy_commands(app)
    register_backup_commands(app)
    register_national_command(app)

    @app.cli.command("load-demo")
    @click.option("--force", is_flag=True, help="Load even if the database already has accounts.")
    def load_demo_command(force):
        """Load the Pyrénées-Orientales demo when the database is empty."""
        from .demo import database_is_empty, load_demo

        if not force and not database_is_empty():
            click.echo("La base contient déjà des données : démo non chargée.")
            return
        load_demo(current_app.config["DEMO_PASSWORD"])
        db.session.commit()
        click.echo("Démo chargée.")

    @app.cli.command("send-mail")
    def send_mail_command():
        """Send the queued e-mails (and the network's digest of new reports): run it from cron every minute."""
        from .mailbox.api import pending_count, send_queued
        from .reports.api import queue_report_digest

        listed = queue_report_digest()
        db.session.commit()
        sent, failed = send_queued()
        click.echo(f"Signalements dans le récapitulatif : {listed} ; e-mails envoyés : {sent}, "
                   f"en échec (réessayés plus tard) : {failed}, en attente : {pending_count()}.")

    @app.cli.command("demo-logins")
    def demo_logins_command():
        """Print the demo accounts and their password."""
        from .demo import DEMO_ACCOUNTS

        password = current_app.config["DEMO_PASSWORD"]
        click.echo("Comptes de démonstration (mot de passe : %s)" % password)
        for email, label in DEMO_ACCOUNTS:
            click.echo(f"  {email:<36} {label}")

    @app.cli.command("create-network-admin")
    @click.argument("email")
    @click.option("--first-name", default="Admin")
    @click.option("--last-name", default="RESOT66")
    def create_network_admin_command(email, first_name, last_name):
        """Create a network admin and print their one-time password link."""
        from .accounts.api import create_setup_link, create_user
        from .accounts.models import Role

        user = create_user(None, email=email, role=Role.network_admin,
                           first_name=first_name, last_name=last_name)
        token = create_setup_link(None, user)
        db.session.commit()
        click.echo(f"Lien pour choisir le mot de passe (7 jours) : /password/{token}")
