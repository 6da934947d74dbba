"""`flask purge-personal-data`: the daily retention run, meant for cron."""
import click

from ..extensions import db


def register_privacy_commands(app):
    @app.cli.command("purge-personal-data")
    @click.option("--dry-run", is_flag=True, help="Count what would be purged; change nothing.")
    def purge_command(dry_run):
        """Delete photos and anonymise accounts past the retention period (PASSRESOT_RETENTION_MONTHS)."""
        from .api import purge_personal_data, retention_months
        from .exceptions import InvalidRetention

        try:
            months = retention_months()
        except InvalidRetention as error:
            raise click.ClickException(str(error)) from error
        counts = purge_personal_data(months=months, dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        prefix = "Simulation (rien n'est modifié) — " if dry_run else ""
        click.echo(f"{prefix}conservation : {months} mois ; agents anonymisés : {counts.agents_anonymised} ; "
                   f"autres comptes anonymisés : {counts.accounts_anonymised} ; "
                   f"photos supprimées : {counts.photos_deleted} ; "
                   f"échecs de connexion supprimés : {counts.login_attempts_deleted}")
