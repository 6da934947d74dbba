"""`flask backup` and `flask restore`."""
import click
from flask import current_app

from .exceptions import BackupFailed, BackupToolMissing, NotABackup


def register_backup_commands(app):
    @app.cli.command("backup")
    @click.option("--output", "-o", default=None,
                  help="Archive file (*.tar.gz), or folder to put a timestamped one in (default: instance/backups/).")
    def backup_command(output):
        """Back up the database and the pass signing keys into a timestamped .tar.gz (mode 0600)."""
        from .api import make_backup

        try:
            path = make_backup(current_app, output)
        except (BackupFailed, BackupToolMissing) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Sauvegarde écrite : {path}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Confirm: the current database is replaced.")
    def restore_command(path, yes):
        """Replace the database with the backup at PATH and put its signing keys back (stop the app first)."""
        from .api import read_manifest, restore_backup

        try:
            manifest = read_manifest(path)
            if not yes:
                raise click.ClickException(
                    f"Sauvegarde du {manifest['created_at']} ({manifest['dialect']}) : elle remplacera toute la "
                    "base actuelle. Arrêtez l'application, puis relancez avec --yes pour confirmer.")
            restore_backup(current_app, path)
        except (BackupFailed, BackupToolMissing, NotABackup) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Base restaurée depuis {path} (sauvegarde du {manifest['created_at']}, "
                   f"révision {manifest['alembic_revision']}). Lancez « flask db upgrade » si le code est plus récent.")
