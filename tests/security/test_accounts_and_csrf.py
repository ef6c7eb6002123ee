"""Staff accounts: password rules, hashing, idle time-out, CSRF, the CLI, the audit log
(moved here from tests/test_auth.py; sign-in throttling is tests/security/test_sign_in.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from admissions import accounts
from webapp.services import services
from zones import audit
from tests.helpers import GOOD_PASSWORD, csrf_token, login, make_user
from zones.errors import Conflict, InvalidParameter

@pytest.fixture()
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "ALLUPPER12345"])
def test_weak_passwords_are_refused(app, password):
    with app.app_context(), services().sessions() as session:
        with pytest.raises(InvalidParameter):
            accounts.create_user(session, "weak", password, "editor")


def test_passwords_are_hashed_with_a_modern_kdf(app):
    name = make_user(app)
    with app.app_context(), services().sessions() as session:
        user = accounts.find_user(session, name)
        assert GOOD_PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_duplicate_username_is_a_conflict(app):
    name = make_user(app)
    with app.app_context(), services().sessions() as session:
        with pytest.raises(Conflict):
            accounts.create_user(session, name, GOOD_PASSWORD, "editor")


def test_login_logout_and_csrf(csrf_app):
    client = csrf_app.test_client()
    name = make_user(csrf_app)
    no_token = client.post("/staff/login", data={"username": name, "password": GOOD_PASSWORD})
    assert no_token.status_code == 400
    response = login(client, name)
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    token = csrf_token(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302  # back to the login page


def test_idle_sessions_time_out(csrf_app):
    client = csrf_app.test_client()
    login(client, make_user(csrf_app))
    with client.session_transaction() as sess:
        sess["last_seen"] -= csrf_app.extensions["xuequ"].settings.idle_timeout_seconds + 1
    assert client.get("/staff/").status_code == 302


def test_cli_creates_users_without_default_passwords(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "clerk1", "--role", "editor"],
                         input="short\nshort\n")
    assert weak.exit_code != 0
    ok = runner.invoke(args=["users", "create", "clerk1", "--role", "publisher"],
                       input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(args=["users", "list"])
    assert "clerk1\tpublisher" in listed.output


def test_audit_log_is_append_only(app):
    with app.app_context():
        with services().sessions.begin() as session:
            entry = audit.record(session, "tester", "test_action", zone_set_id="v")
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DatabaseError), services().sessions.begin() as session:
                session.execute(sa.text(statement))
        with services().sessions() as session:
            kept = [e.id for e in audit.entries(session, actor="tester")]
        assert entry.id in kept


def test_hashes_written_before_the_move_still_verify_and_new_ones_read_the_same_way():
    """Accounts created while hashing was Werkzeug's keep signing in (same stored format)."""
    from werkzeug.security import check_password_hash, generate_password_hash
    for method in ("scrypt", "pbkdf2:sha256:1000"):
        old = generate_password_hash(GOOD_PASSWORD, method=method)
        assert accounts.verify_password(old, GOOD_PASSWORD)
        assert not accounts.verify_password(old, GOOD_PASSWORD + "x")
    new = accounts.hash_password(GOOD_PASSWORD)
    assert new.startswith("scrypt:") and check_password_hash(new, GOOD_PASSWORD)
    assert not accounts.verify_password("not a hash", GOOD_PASSWORD)


def test_the_account_model_knows_nothing_of_flask():
    import admissions.accounts as module
    assert not any(name.startswith(("flask", "werkzeug")) for name in
                   (getattr(v, "__module__", "") or "" for v in vars(module).values()))
    assert "UserMixin" not in [base.__name__ for base in accounts.User.__mro__]
