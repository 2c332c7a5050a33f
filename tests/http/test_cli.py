"""test_cli.py — the command-line contract of cxloop, run as an operator
would run it: exit status 0 ok / 1 failure / 2 usage, errors on stderr as
"cxloop: what is wrong", --help on stdout for every command, CXLOOP_DB in
place of --db, and what init, user, apikey, backup, serve, gen and demo do.
"""

import json
import os
import re
import signal
import socket
import sqlite3

import pytest

import harness
from harness import ADMIN_PASSWORD, USER_PASSWORD, API_KEY_RE, run, run_ok

COMMANDS = ["help", "version", "init", "serve", "demo", "user", "apikey", "backup", "gen"]
ROLES = ["admin", "manager", "analyst", "agent", "viewer"]


def assert_fails(proc, status, *needles):
    """Exit STATUS, nothing but errors on stdout, an error line on stderr
    in the house format, containing each needle (case-insensitive)."""
    assert proc.returncode == status, "exit %d (wanted %d)\nstdout: %s\nstderr: %s" % (
        proc.returncode, status, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("cxloop: "), "stderr %r" % proc.stderr
    for n in needles:
        assert n.lower() in proc.stderr.lower(), "%r not in stderr %r" % (n, proc.stderr)


def users_json(db):
    proc = run_ok(["user", "list", "--db", db, "--format", "json"])
    data = json.loads(proc.stdout)
    assert isinstance(data, list)
    return {u["name"]: u for u in data}


def keys_json(db):
    proc = run_ok(["apikey", "list", "--db", db, "--format", "json"])
    data = json.loads(proc.stdout)
    assert isinstance(data, list)
    return {k["name"]: k for k in data}


# ---- help and version ---------------------------------------------------

def test_version_prints_version_and_schema():
    proc = run_ok(["version"])
    with open(os.path.join(harness.REPO, "VERSION")) as f:
        version = f.read().strip()
    assert re.fullmatch(r"cxloop \d+\.\d+\.\d+ \(schema \d+\)\n", proc.stdout), proc.stdout
    assert proc.stdout.startswith("cxloop %s " % version)
    assert proc.stderr == ""


def test_help_lists_every_command():
    proc = run_ok(["help"])
    for name in COMMANDS:
        assert re.search(r"^\s+%s\s" % name, proc.stdout, re.M), "%s missing from help" % name
    assert proc.stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_answers_help(command):
    proc = run_ok([command, "--help"])
    assert "usage: cxloop %s" % command in proc.stdout
    assert proc.stderr == ""
    # `cxloop help COMMAND` shows the same text.
    assert run_ok(["help", command]).stdout == proc.stdout


@pytest.mark.parametrize("sub", ["add", "list", "passwd", "disable", "enable"])
def test_user_subcommands_answer_help(sub):
    proc = run_ok(["user", sub, "--help"])
    assert "usage:" in proc.stdout and proc.stderr == ""


@pytest.mark.parametrize("sub", ["create", "list", "revoke"])
def test_apikey_subcommands_answer_help(sub):
    proc = run_ok(["apikey", sub, "--help"])
    assert "usage:" in proc.stdout and proc.stderr == ""


def test_unknown_command_is_a_usage_error():
    assert_fails(run(["frobnicate"]), 2, "frobnicate")


def test_help_of_unknown_command_is_a_usage_error():
    assert_fails(run(["help", "frobnicate"]), 2)


# ---- init ---------------------------------------------------------------

def test_init_generates_and_prints_the_admin_password_once(tmp_path, start_server):
    db = str(tmp_path / "new.db")
    proc = run_ok(["init", "--db", db])
    lines = proc.stdout.splitlines()
    assert lines[0] == "cxloop: created %s" % db, proc.stdout
    pw_lines = [ln for ln in lines if ln.startswith("admin password: ")]
    assert len(pw_lines) == 1, proc.stdout
    password = pw_lines[0][len("admin password: "):]
    assert re.fullmatch(r"\S{20}", password), "generated password %r" % password
    users = users_json(db)
    assert list(users) == ["admin"]
    assert users["admin"]["role"] == "admin" and users["admin"]["disabled"] is False
    # The printed password is the one that signs in.
    srv = start_server(db=db)
    srv.client().login("admin", password)


def test_init_generates_a_different_password_each_time(tmp_path):
    a = run_ok(["init", "--db", str(tmp_path / "a.db")]).stdout
    b = run_ok(["init", "--db", str(tmp_path / "b.db")]).stdout
    pa = re.search(r"^admin password: (.*)$", a, re.M).group(1)
    pb = re.search(r"^admin password: (.*)$", b, re.M).group(1)
    assert pa != pb


def test_init_with_password_from_stdin_prints_no_password(tmp_path):
    db = str(tmp_path / "x.db")
    proc = run_ok(["init", "--db", db, "--admin-password-stdin"], input=ADMIN_PASSWORD + "\n")
    assert proc.stdout.splitlines()[0] == "cxloop: created %s" % db
    assert "admin password" not in proc.stdout
    assert ADMIN_PASSWORD not in proc.stdout + proc.stderr
    assert os.path.exists(db)


def test_init_refuses_a_short_password_and_creates_nothing(tmp_path):
    db = str(tmp_path / "short.db")
    assert_fails(run(["init", "--db", db, "--admin-password-stdin"], input="123456789\n"), 1)
    assert not os.path.exists(db)


def test_init_refuses_an_empty_stdin(tmp_path):
    db = str(tmp_path / "empty.db")
    assert_fails(run(["init", "--db", db, "--admin-password-stdin"], input=""), 1)
    assert not os.path.exists(db)


def test_init_refuses_an_existing_database(db):
    before = users_json(db)
    proc = run(["init", "--db", db, "--admin-password-stdin"], input="another-password-42\n")
    assert_fails(proc, 1)
    assert proc.stderr.splitlines()[0] == "cxloop: %s: already exists" % db
    assert users_json(db) == before


def test_init_refuses_an_existing_non_database_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("precious\n")
    assert_fails(run(["init", "--db", str(path), "--admin-password-stdin"],
                     input=ADMIN_PASSWORD + "\n"), 1, "already exists")
    assert path.read_text() == "precious\n"


def test_init_without_db_is_a_usage_error(tmp_path):
    assert_fails(run(["init", "--admin-password-stdin"], input=ADMIN_PASSWORD + "\n"), 2)


def test_init_in_a_missing_directory_fails(tmp_path):
    db = str(tmp_path / "no" / "such" / "dir" / "x.db")
    assert_fails(run(["init", "--db", db, "--admin-password-stdin"], input=ADMIN_PASSWORD + "\n"), 1)


def test_init_unknown_option_is_a_usage_error(tmp_path):
    assert_fails(run(["init", "--db", str(tmp_path / "x.db"), "--frobnicate"]), 2)
    assert not os.path.exists(tmp_path / "x.db")


def test_cxloop_db_replaces_db_everywhere(tmp_path):
    db = str(tmp_path / "env.db")
    env = {"CXLOOP_DB": db}
    proc = run(["init", "--admin-password-stdin"], input=ADMIN_PASSWORD + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert os.path.exists(db)
    proc = run(["user", "add", "--name", "eve", "--role", "viewer", "--password-stdin"],
               input=USER_PASSWORD + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    proc = run(["user", "list", "--format", "json"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert {u["name"] for u in json.loads(proc.stdout)} == {"admin", "eve"}
    proc = run(["apikey", "create", "--name", "k", "--role", "viewer"], env=env)
    assert proc.returncode == 0 and API_KEY_RE.match(proc.stdout.strip()), proc.stderr
    proc = run(["backup", "--out", str(tmp_path / "copy.db")], env=env)
    assert proc.returncode == 0, proc.stderr
    # --db wins over the environment.
    other = harness.init_db(str(tmp_path / "other.db"))
    proc = run(["user", "list", "--db", other, "--format", "json"], env=env)
    assert {u["name"] for u in json.loads(proc.stdout)} == {"admin"}


def test_cxloop_db_for_serve(tmp_path, start_server):
    db = harness.init_db(str(tmp_path / "served.db"))
    srv = start_server(db=db, env={"CXLOOP_DB": db})
    srv.client().login("admin", ADMIN_PASSWORD)


# ---- user ---------------------------------------------------------------

def test_user_add_with_stdin_password_and_list_json(db):
    proc = run_ok(["user", "add", "--db", db, "--name", "anna", "--role", "analyst",
                   "--display-name", "Anna Nowak", "--email", "anna@example.com",
                   "--password-stdin"], input=USER_PASSWORD + "\n")
    assert USER_PASSWORD not in proc.stdout
    users = users_json(db)
    anna = users["anna"]
    assert set(anna) >= {"name", "display_name", "email", "role", "language", "disabled",
                         "created_at"}
    assert anna["display_name"] == "Anna Nowak"
    assert anna["email"] == "anna@example.com"
    assert anna["role"] == "analyst"
    assert anna["disabled"] is False
    assert anna["language"] in ("pl", "en", "ro")


def test_user_add_generates_a_password_that_signs_in(db, start_server):
    proc = run_ok(["user", "add", "--db", db, "--name", "gen", "--role", "viewer"])
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("password: ")]
    assert len(lines) == 1, proc.stdout
    password = lines[0][len("password: "):]
    assert len(password) >= 10
    srv = start_server(db=db)
    srv.client().login("gen", password)


def test_user_list_table_shows_every_user(db):
    run_ok(["user", "add", "--db", db, "--name", "tabby", "--role", "agent", "--password-stdin"],
           input=USER_PASSWORD + "\n")
    out = run_ok(["user", "list", "--db", db]).stdout
    assert "admin" in out and "tabby" in out and "agent" in out
    out2 = run_ok(["user", "list", "--db", db, "--format", "table"]).stdout
    assert out2 == out


def test_user_list_bad_format_is_a_usage_error(db):
    assert_fails(run(["user", "list", "--db", db, "--format", "xml"]), 2)


def test_user_add_bad_role_lists_the_roles(db):
    proc = run(["user", "add", "--db", db, "--name", "bob", "--role", "owner", "--password-stdin"],
               input=USER_PASSWORD + "\n")
    assert_fails(proc, 2, *ROLES)
    assert "bob" not in users_json(db)


def test_user_add_duplicate_name(db):
    proc = run(["user", "add", "--db", db, "--name", "admin", "--role", "viewer",
                "--password-stdin"], input=USER_PASSWORD + "\n")
    assert_fails(proc, 1, "already exists")
    assert users_json(db)["admin"]["role"] == "admin"


def test_user_add_short_password(db):
    proc = run(["user", "add", "--db", db, "--name", "shorty", "--role", "viewer",
                "--password-stdin"], input="short\n")
    assert_fails(proc, 1)
    assert "shorty" not in users_json(db)


def test_user_add_without_name_or_role_is_a_usage_error(db):
    assert_fails(run(["user", "add", "--db", db, "--role", "viewer"]), 2)
    assert_fails(run(["user", "add", "--db", db, "--name", "x"]), 2)
    assert "x" not in users_json(db)


def test_user_without_db_is_a_usage_error():
    assert_fails(run(["user", "list"]), 2)


def test_user_with_a_missing_database_fails(tmp_path):
    missing = str(tmp_path / "missing.db")
    assert_fails(run(["user", "list", "--db", missing]), 1)
    assert not os.path.exists(missing), "a read command must not create a database"


def test_user_unknown_subcommand_is_a_usage_error(db):
    assert_fails(run(["user", "frobnicate", "--db", db]), 2)
    assert_fails(run(["user"]), 2)


def test_user_passwd_changes_the_password(db, start_server):
    run_ok(["user", "add", "--db", db, "--name", "pat", "--role", "viewer", "--password-stdin"],
           input=USER_PASSWORD + "\n")
    run_ok(["user", "passwd", "--db", db, "--name", "pat", "--password-stdin"],
           input="a-brand-new-password\n")
    srv = start_server(db=db)
    srv.client().login("pat", USER_PASSWORD, expect=401)
    srv.client().login("pat", "a-brand-new-password")


def test_user_passwd_generates_when_not_given(db):
    proc = run_ok(["user", "passwd", "--db", db, "--name", "admin"])
    assert re.search(r"^password: \S{10,}$", proc.stdout, re.M), proc.stdout


def test_user_passwd_refuses_short_and_unknown(db):
    assert_fails(run(["user", "passwd", "--db", db, "--name", "admin", "--password-stdin"],
                     input="short\n"), 1)
    assert_fails(run(["user", "passwd", "--db", db, "--name", "nobody", "--password-stdin"],
                     input=USER_PASSWORD + "\n"), 1, "nobody")


def test_user_disable_and_enable(db):
    run_ok(["user", "add", "--db", db, "--name", "dora", "--role", "viewer", "--password-stdin"],
           input=USER_PASSWORD + "\n")
    run_ok(["user", "disable", "--db", db, "--name", "dora"])
    assert users_json(db)["dora"]["disabled"] is True
    run_ok(["user", "enable", "--db", db, "--name", "dora"])
    assert users_json(db)["dora"]["disabled"] is False


def test_user_disable_unknown_user(db):
    assert_fails(run(["user", "disable", "--db", db, "--name", "ghost"]), 1, "ghost")
    assert_fails(run(["user", "enable", "--db", db, "--name", "ghost"]), 1, "ghost")


# ---- apikey -------------------------------------------------------------

def test_apikey_create_prints_only_the_key(db):
    proc = run_ok(["apikey", "create", "--db", db, "--name", "etl", "--role", "manager"])
    assert proc.stdout.count("\n") == 1 and proc.stdout.endswith("\n"), repr(proc.stdout)
    key = proc.stdout.strip()
    assert API_KEY_RE.match(key), key
    assert len(key) == 55


def test_apikey_list_never_shows_the_key(db):
    key = run_ok(["apikey", "create", "--db", db, "--name", "etl", "--role", "manager"]).stdout.strip()
    prefix = key[3:11]
    secret = key[12:]
    for fmt in (["--format", "json"], ["--format", "table"], []):
        out = run_ok(["apikey", "list", "--db", db] + fmt).stdout
        assert secret not in out and key not in out
        assert prefix in out, "the prefix is what identifies a key in the list"
        assert "etl" in out and "manager" in out
    k = keys_json(db)["etl"]
    assert k["role"] == "manager"
    assert prefix in str(k["prefix"])
    fields = " ".join(k)
    for want in ("created", "last_used", "revoked"):
        assert want in fields, "apikey list json lacks a %s field: %s" % (want, k)


def test_apikey_revoke(db):
    run_ok(["apikey", "create", "--db", db, "--name", "old", "--role", "viewer"])
    run_ok(["apikey", "revoke", "--db", db, "--name", "old"])
    k = keys_json(db)["old"]
    revoked = [v for f, v in k.items() if f.startswith("revoked")]
    assert revoked and all(v not in (None, False, 0, "") for v in revoked), k
    # Revoking twice or an unknown key: nothing to revoke.
    assert_fails(run(["apikey", "revoke", "--db", db, "--name", "old"]), 1)
    assert_fails(run(["apikey", "revoke", "--db", db, "--name", "nope"]), 1, "nope")


def test_apikey_duplicate_name(db):
    run_ok(["apikey", "create", "--db", db, "--name", "dup", "--role", "viewer"])
    proc = run(["apikey", "create", "--db", db, "--name", "dup", "--role", "admin"])
    assert_fails(proc, 1, "already exists")
    assert proc.stdout == "", "no key may be printed when nothing was created"
    assert keys_json(db)["dup"]["role"] == "viewer"


def test_apikey_bad_role(db):
    proc = run(["apikey", "create", "--db", db, "--name", "bad", "--role", "root"])
    assert_fails(proc, 2, *ROLES)
    assert proc.stdout == ""
    assert "bad" not in keys_json(db)


def test_apikey_keys_are_unique(db):
    a = run_ok(["apikey", "create", "--db", db, "--name", "a", "--role", "viewer"]).stdout
    b = run_ok(["apikey", "create", "--db", db, "--name", "b", "--role", "viewer"]).stdout
    assert a != b and a[3:11] != b[3:11]


def test_cli_changes_are_audited_as_cli(db, start_server):
    run_ok(["user", "add", "--db", db, "--name", "carl", "--role", "viewer", "--password-stdin"],
           input=USER_PASSWORD + "\n")
    run_ok(["apikey", "create", "--db", db, "--name", "cli-key", "--role", "viewer"])
    run_ok(["user", "disable", "--db", db, "--name", "carl"])
    srv = start_server(db=db)
    entries = srv.api().audit()
    seen = {(e["actor"], e["action"], e["target"]) for e in entries}
    assert ("cli", "user_added", "carl") in seen, entries
    assert ("cli", "apikey_created", "cli-key") in seen, entries
    assert ("cli", "user_disabled", "carl") in seen, entries


# ---- backup -------------------------------------------------------------

def test_backup_copy_opens(db, tmp_path):
    run_ok(["user", "add", "--db", db, "--name", "kept", "--role", "viewer", "--password-stdin"],
           input=USER_PASSWORD + "\n")
    out = str(tmp_path / "copy.db")
    run_ok(["backup", "--db", db, "--out", out])
    assert set(users_json(out)) == {"admin", "kept"}


def test_backup_bad_inputs(db, tmp_path):
    assert_fails(run(["backup", "--db", db]), 2)
    assert_fails(run(["backup", "--out", str(tmp_path / "c.db")]), 2)
    assert_fails(run(["backup", "--db", str(tmp_path / "missing.db"),
                      "--out", str(tmp_path / "c.db")]), 1)
    assert not os.path.exists(tmp_path / "missing.db")
    assert_fails(run(["backup", "--db", db, "--out", str(tmp_path / "no" / "dir" / "c.db")]), 1)


def test_backup_while_serving_and_writing(server, tmp_path, start_server):
    api = server.api()
    ids = []
    for i in range(30):
        r = api.post("/api/v1/feedback", {"source": "ticket", "text": "before backup %d" % i})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    out = str(tmp_path / "live-copy.db")
    run_ok(["backup", "--db", server.db, "--out", out])
    # The server is still fine after the backup.
    r = api.post("/api/v1/feedback", {"source": "ticket", "text": "after backup"})
    assert r.status_code == 201
    assert set(users_json(out)) >= {"admin"}
    copy = start_server(db=out)
    capi = copy.api(key=api.key)
    for i, item_id in enumerate(ids):
        r = capi.get("/api/v1/feedback/%d" % item_id)
        assert r.status_code == 200 and r.json()["text"] == "before backup %d" % i


# ---- serve --------------------------------------------------------------

def test_serve_reports_a_taken_port(db):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc = run(["serve", "--db", db, "--listen", "127.0.0.1:%d" % port], timeout=30)
    assert_fails(proc, 1, "127.0.0.1:%d" % port)
    assert "listening" not in proc.stdout


def test_serve_missing_database(tmp_path):
    missing = str(tmp_path / "missing.db")
    assert_fails(run(["serve", "--db", missing, "--listen", "127.0.0.1:%d" % harness.free_port()],
                     timeout=30), 1)
    assert not os.path.exists(missing), "serve must not create a database"


def test_serve_without_db_is_a_usage_error():
    assert_fails(run(["serve", "--listen", "127.0.0.1:%d" % harness.free_port()], timeout=30), 2)


@pytest.mark.parametrize("args", [["--threads", "many"], ["--max-body", "lots"],
                                  ["--listen", "127.0.0.1:99999"], ["--frobnicate"]])
def test_serve_bad_options_are_usage_errors(db, args):
    extra = [] if args[0] == "--listen" else ["--listen", "127.0.0.1:%d" % harness.free_port()]
    proc = run(["serve", "--db", db] + extra + args, timeout=30)
    assert_fails(proc, 2)
    assert "listening" not in proc.stdout


def test_serve_stops_on_sigint(server):
    assert server.stop(sig=signal.SIGINT) == 0


# ---- gen and demo -------------------------------------------------------

def _gen_fingerprint(path):
    con = sqlite3.connect(path)
    try:
        rows = {}
        rows["responses"] = con.execute(
            "SELECT survey_id, customer_id, touchpoint_id, channel, language, score, comment "
            "FROM responses ORDER BY id").fetchall()
        rows["customers"] = con.execute("SELECT * FROM customers ORDER BY id").fetchall()
        return rows
    finally:
        con.close()


def test_gen_writes_the_asked_number_of_responses_deterministically(tmp_path):
    a = harness.init_db(str(tmp_path / "a.db"))
    b = harness.init_db(str(tmp_path / "b.db"))
    c = harness.init_db(str(tmp_path / "c.db"))
    run_ok(["gen", "--db", a, "--responses", "200", "--seed", "7"], timeout=300)
    run_ok(["gen", "--db", b, "--responses", "200", "--seed", "7"], timeout=300)
    run_ok(["gen", "--db", c, "--responses", "200", "--seed", "8"], timeout=300)
    fa, fb, fc = _gen_fingerprint(a), _gen_fingerprint(b), _gen_fingerprint(c)
    assert len(fa["responses"]) == 200
    assert fa["customers"], "gen wrote no customers"
    # created_at-like columns may carry the wall clock; everything the
    # seed decides must match.
    assert fa["responses"] == fb["responses"]
    assert fa["responses"] != fc["responses"]


def test_gen_bad_inputs(db):
    assert_fails(run(["gen", "--db", db, "--responses", "-5", "--seed", "1"]), 2)
    assert_fails(run(["gen", "--db", db, "--responses", "ten", "--seed", "1"]), 2)
    assert_fails(run(["gen", "--responses", "10", "--seed", "1"]), 2)


def test_gen_counts_show_on_the_dashboard(db, start_server):
    run_ok(["gen", "--db", db, "--responses", "137", "--seed", "3"], timeout=300)
    srv = start_server(db=db)
    page = srv.admin().get("/")
    assert page.status_code == 200
    assert re.search(r"\b137\b", harness.parse(page.text).all_text), \
        "the overview does not show the 137 responses"


DEMO_RE = re.compile(r"^cxloop: demo organisation ready: (http://[^ ]+/)  user: admin  "
                     r"password: (\S+)$", re.M)


def _start_demo(tmp_path, db):
    srv = harness.Server(db, tmp_path, command="demo")
    srv.start(timeout=300)
    m = DEMO_RE.search(srv.stdout())
    assert m, "demo banner missing:\n" + srv.stdout()
    assert m.group(1) == srv.base + "/"
    return srv, m.group(2)


def test_demo_creates_then_reuses_its_database(tmp_path):
    db = str(tmp_path / "demo.db")
    srv, password = _start_demo(tmp_path, db)
    try:
        c = srv.client()
        c.login("admin", password)
        assert c.get("/").status_code == 200
        # the demo shows e-mail invitations in every state, with a reason
        inv = c.get("/surveys/1/invitations")
        assert inv.status_code == 200
        states = re.findall(r'<tr data-status="([a-z]+)"', inv.text)
        for state in ("queued", "sent", "failed", "answered"):
            assert state in states, (state, sorted(set(states)))
        assert "550 5.1.1" in inv.text
    finally:
        srv.stop()
    assert os.path.exists(db)
    srv, password2 = _start_demo(tmp_path, db)
    try:
        srv.client().login("admin", password2)
    finally:
        srv.stop()
