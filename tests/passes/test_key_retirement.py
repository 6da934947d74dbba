"""`flask keys retire` and the passes its key signed (issue 14, part 9), on the real app and database."""
from passresot.extensions import db

def test_retire_refuses_while_active_passes_use_the_key_unless_told_to_resign(app, make):
    """Issue 14, part 9: retiring silently turned live passes into `unknown_key`."""
    from passresot.passes.api import issue_pass
    from passresot.passes.models import Pass
    from passresot.passes.token import parse_pass_token

    ring = app.extensions["pass_keys"]
    old = ring.signing_key()[0]
    pass_ = issue_pass(None, make.agent())
    db.session.commit()
    old_token, number = pass_.token, pass_.number
    runner = app.test_cli_runner()
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    new = ring.signing_key()[0]

    refused = runner.invoke(args=["keys", "retire", old])
    assert refused.exit_code != 0 and "1 pass actif" in refused.output and "--resign" in refused.output
    assert old in {key.kid for key in ring.active()}

    done = runner.invoke(args=["keys", "retire", old, "--resign"])
    assert done.exit_code == 0, done.output
    assert old in {key.kid for key in ring.retired()}
    db.session.expire_all()
    resigned = db.session.get(Pass, pass_.id)
    assert (resigned.kid, resigned.number, resigned.status.value) == (new, number, "active")
    assert resigned.token != old_token
    payload = parse_pass_token(resigned.token)[0]
    assert (payload.pass_id, payload.kid) == (pass_.id, new)
