"""test_docs.py — the documentation stays true to the program.

The error catalogue in docs/api-errors.md lists every result code the
program can put in an error body; docs/cli.md covers every command that
`cxloop help` lists; docs/operating.md covers every option `cxloop serve
--help` shows; the README's quick start is the two make targets.
"""

import os
import re

import harness

DOCS = os.path.join(harness.REPO, "docs")


def read(*parts):
    with open(os.path.join(harness.REPO, *parts), encoding="utf-8") as f:
        return f.read()


def test_error_catalogue_lists_every_result_code():
    source = read("src", "core", "result.c")
    codes = set(re.findall(r'\[CX_[A-Z_]+\]\s*=\s*\{"([a-z_]+)"', source)) - {"ok"}
    assert codes, "no codes found in result.c"
    doc = read("docs", "api-errors.md")
    documented = set(re.findall(r"`([a-z_]+)`", doc))
    missing = codes - documented
    assert not missing, "docs/api-errors.md lacks %s" % sorted(missing)
    table = set(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", doc, re.M))
    assert ("method_not_allowed", "405") in table
    for code, status in [("invalid_input", "400"), ("unauthorized", "401"), ("forbidden", "403"),
                         ("not_found", "404"), ("conflict", "409"), ("too_large", "413"),
                         ("too_many_requests", "429"), ("internal_error", "500"),
                         ("unavailable", "503")]:
        assert (code, status) in table, (code, status)


def test_cli_doc_covers_every_command():
    out = harness.run_ok(["help"]).stdout
    commands = re.findall(r"^  (\w+)\s", out, re.M)
    assert commands
    doc = read("docs", "cli.md")
    headings = set(re.findall(r"^## (.+)$", doc, re.M))
    for name in commands:
        assert any(name in h.split() for h in headings), "docs/cli.md has no section for %s" % name


def test_operating_doc_covers_every_serve_option():
    out = harness.run_ok(["serve", "--help"]).stdout
    options = set(re.findall(r"--[a-z][a-z-]+", out)) - {"--help"}
    assert {"--db", "--listen", "--threads", "--max-body", "--no-access-log",
            "--trust-proxy"} <= options, out
    doc = read("docs", "operating.md")
    missing = [o for o in options if o not in doc]
    assert not missing, "docs/operating.md does not explain %s" % missing
    assert "CXLOOP_DB" in doc


def test_readme_quick_start_is_two_commands():
    readme = read("README.md")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README has no quick start block"
    lines = [ln.split("#")[0].strip() for ln in block.group(1).splitlines() if ln.strip()]
    assert lines == ["make demo", "make check"], lines
    assert "AGPL-3.0-or-later" in readme


def test_docs_name_no_local_paths():
    for name in ["README.md"] + ["docs/" + f for f in os.listdir(DOCS) if f.endswith(".md")]:
        text = read(name)
        for bad in ("/work/", "/tmp/", "/home/"):
            assert bad not in text, "%s mentions %s" % (name, bad)
