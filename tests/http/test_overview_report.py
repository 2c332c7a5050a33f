"""test_overview_report.py — the overview's breakdowns and the report, black
box.

What it is for: on a generated organisation, the breakdowns by segment and
by touchpoint on the overview carry the numbers GET /api/v1/metrics gives
for the same period (value, interval, n, change; "significant" exactly
when the Benjamini–Hochberg q-value is below 0.05), largest falls first;
the summary's largest fall and rise are those of the touchpoint
breakdowns; ?from=&to=&segment= narrow the page and bad values are a 400;
"Download report" links to /report.html with the same parameters, which
answers an attachment that needs nothing outside itself; `cxloop report`
writes the same document and refuses bad options with a clear message.

What it relies on: harness.py and `cxloop gen` (data ending 2026-10-31,
so the default period is 2026-08-03..2026-10-31 whatever today is).
"""
import html as html_mod
import re
import urllib.parse
from html.parser import HTMLParser

import pytest

import harness

FROM, TO = "2026-08-03", "2026-10-31"
METRICS = ("nps", "csat", "ces")


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    d = tmp_path_factory.mktemp("overview-report")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "8000", "--seed", "21", "--end", TO],
                   timeout=300)
    srv = harness.Server(db, d).start()
    yield srv, db, d
    srv.stop()


class Breakdowns(HTMLParser):
    """Rows of every breakdown table: {card id: [{group, value, ...}]}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards = {}
        self.summary = ""
        self.button = None
        self._card = None
        self._row = None
        self._cell = None
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "breakdown" in (a.get("class") or "").split():
            self._card = a["id"]
            self.cards[self._card] = []
        if tag == "tr" and self._card and "data-group" in a:
            self._row = {"group": a["data-group"]}
            self.cards[self._card].append(self._row)
        if tag == "td" and self._row is not None:
            self._cell = (a.get("class") or "").split()
            key = [c for c in self._cell if c != "num"][0]
            self._row[key] = ""
            self._cell = key
        if tag == "p" and a.get("id") == "summary":
            self._in_summary = True
        if tag == "a" and a.get("id") == "download-report":
            self.button = a.get("href")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        if tag == "tr":
            self._row = None
        if tag == "p":
            self._in_summary = False

    def handle_data(self, data):
        if self._cell and self._row is not None:
            self._row[self._cell] += data
        if self._in_summary:
            self.summary += data


def breakdowns(html):
    p = Breakdowns()
    p.feed(html)
    p.close()
    return p


def num(text):
    """'−5.4 pts' -> -5.4; '75.4%' -> 75.4; '1,234' -> 1234."""
    m = re.search(r"[\u2212+-]?[\d,]+(\.\d+)?", text)
    assert m, text
    return float(m.group(0).replace("\u2212", "-").replace(",", "").replace("+", ""))


def api_rows(srv, metric, by, **params):
    q = dict(metric=metric, by=by, **{"from": FROM, "to": TO})
    q.update(params)
    r = srv.api(role="viewer").get("/api/v1/metrics?" + urllib.parse.urlencode(q))
    assert r.status_code == 200, r.text
    return {row[by]: row for row in r.json()["rows"] if row["n"] > 0 and row[by] != "(none)"}


def check_against_api(page, srv, extra=None, dims=("segment", "touchpoint")):
    seen = 0
    for dim in dims:
        for metric in METRICS:
            api = api_rows(srv, metric, dim, **(extra or {}))
            rows = page.cards.get("bd-%s-%s" % (dim, metric))
            if not api:
                assert rows is None, "a breakdown without answers is not drawn"
                continue
            assert rows is not None, "bd-%s-%s missing" % (dim, metric)
            assert sorted(r["group"] for r in rows) == sorted(api), (dim, metric)
            for r in rows:
                want = api[r["group"]]
                assert num(r["value"]) == pytest.approx(want["value"], abs=0.051), (r, want)
                lo, hi = r["interval"].split("\u2013")
                assert num(lo) == pytest.approx(want["ci_low"], abs=0.051)
                assert num(hi) == pytest.approx(want["ci_high"], abs=0.051)
                assert int(num(r["n"])) == want["n"]
                if want["change"] is None:
                    assert r["change"] == "\u2014"
                    assert "nothing to compare" in r["sig"]
                    continue
                assert num(r["change"]) == pytest.approx(want["change"], abs=0.051)
                significant = want["q_value"] is not None and want["q_value"] < 0.05
                if significant and want["change"] < 0:
                    assert r["sig"].startswith("\u25bc") and "significant fall" in r["sig"], r
                elif significant:
                    assert r["sig"].startswith("\u25b2") and "significant rise" in r["sig"], r
                else:
                    assert "within the margin of error" in r["sig"], (r, want)
            # largest falls first, then the groups without a change
            changes = [api[r["group"]]["change"] for r in rows]
            known = [c for c in changes if c is not None]
            assert changes[:len(known)] == sorted(known), changes
            seen += 1
    return seen


def test_breakdowns_carry_the_numbers_of_the_api(org):
    srv, _, _ = org
    page = breakdowns(srv.admin().get("/?lang=en").text)
    assert check_against_api(page, srv) >= 4


def test_summary_names_the_largest_significant_fall_and_rise(org):
    srv, _, _ = org
    page = breakdowns(srv.admin().get("/?lang=en").text)
    fall = rise = None
    for metric in METRICS:
        for name, row in api_rows(srv, metric, "touchpoint").items():
            if row["change"] is None or row["q_value"] is None or row["q_value"] >= 0.05:
                continue
            if row["change"] < 0 and (fall is None or row["change"] < fall[1]):
                fall = (name, row["change"])
            if row["change"] > 0 and (rise is None or row["change"] > rise[1]):
                rise = (name, row["change"])
    summary = " ".join(page.summary.split())
    assert fall or rise, "the generated data has significant touchpoint changes"
    if fall:
        assert "Largest fall: %s" % fall[0] in summary, summary
    else:
        assert "Largest fall" not in summary
    if rise:
        assert "Largest rise: %s" % rise[0] in summary, summary


def test_period_and_segment_narrow_the_overview(org):
    srv, _, _ = org
    admin = srv.admin()
    page = admin.get("/?lang=en&from=2026-07-01&to=2026-09-30&segment=Premium")
    assert page.status_code == 200
    assert "From 2026-07-01 to 2026-09-30" in page.text
    assert "Premium" in harness.parse(page.text).all_text
    p = breakdowns(page.text)
    assert "bd-segment-nps" in p.cards
    assert [r["group"] for r in p.cards["bd-segment-nps"]] == ["Premium"]
    global FROM, TO
    saved = FROM, TO
    FROM, TO = "2026-07-01", "2026-09-30"
    try:
        assert check_against_api(p, srv, {"segment": "Premium"}, dims=("touchpoint",)) >= 1
    finally:
        FROM, TO = saved
    assert p.button == "/report.html?from=2026-07-01&to=2026-09-30&segment=Premium"


@pytest.mark.parametrize("query,field", [
    ("from=2026-13-01", "from"), ("to=31.10.2026", "to"),
    ("from=2026-10-01&to=2026-09-01", "from"), ("segment=Nope", "segment"),
])
def test_bad_parameters_are_a_400(org, query, field):
    srv, _, _ = org
    admin = srv.admin()
    for path in ("/", "/report.html"):
        r = admin.get(path + "?lang=en&" + query)
        assert r.status_code == 400, (path, query, r.status_code)
        assert "Content-Disposition" not in r.headers


def test_download_button_and_report_document(org):
    srv, _, _ = org
    admin = srv.admin()
    overview = admin.get("/?lang=en")
    assert breakdowns(overview.text).button == "/report.html"
    assert ">Download report</a>" in overview.text
    r = admin.get("/report.html?lang=en")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert re.match(r'attachment; filename="cxloop-report-\d{4}-\d{2}-\d{2}\.html"',
                    r.headers["Content-Disposition"])
    html = r.text
    assert_self_contained(html)
    text = harness.parse(html).all_text
    for words in ("Customer experience report", "Organisation", "Period",
                  "2026-08-03 \u2013 2026-10-31", "all segments", "English", "Generated",
                  "Data appendix", "NPS by segment"):
        assert words in text, words
    # the report shows the overview's numbers
    tile = re.search(r'id="tile-nps".*?class="tile-value">([^<]+)<', overview.text, re.S)
    assert tile and ('class="tile-value">%s<' % tile.group(1)) in html
    ov_rows = breakdowns(overview.text).cards["bd-segment-nps"]
    rp_rows = breakdowns(html).cards["bd-segment-nps"]
    assert ov_rows == rp_rows
    # a viewer may download it too; nobody signed out may
    anon = srv.client().get("/report.html")
    assert anon.status_code in (302, 303) and "/login" in anon.headers["Location"]


def assert_self_contained(html):
    assert "<script" not in html.lower()
    assert "<style>" in html
    page = harness.parse(html)
    for tag, attr, url in page.links:
        assert not re.match(r"(https?:)?//|/static/|/", url), (tag, attr, url)
    assert "url(" not in html
    assert "@import" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_cli_report_is_the_same_document(org):
    srv, db, d = org
    out = d / "r.html"
    harness.run_ok(["report", "--db", db, "--out", str(out), "--lang", "pl"])
    cli = out.read_text(encoding="utf-8")
    assert_self_contained(cli)
    assert '<html lang="pl">' in cli
    assert "Raport doświadczeń klientów" in cli
    assert "03.08.2026 \u2013 31.10.2026" in cli
    web = srv.admin().get("/report.html?lang=pl").text

    def without_time(s):
        return re.sub(r"(Wygenerowano</dt><dd>)[^<]*", r"\1", s)
    assert without_time(cli) == without_time(web)


def test_cli_report_with_period_and_segment(org):
    _, db, d = org
    out = d / "premium.html"
    harness.run_ok(["report", "--db", db, "--out", str(out), "--lang", "en", "--from",
                    "2026-07-01", "--to", "2026-09-30", "--segment", "Premium"])
    text = harness.parse(out.read_text(encoding="utf-8")).all_text
    assert "2026-07-01 \u2013 2026-09-30" in text
    assert "Scores of the period" in text
    assert "Segment Premium" in text


@pytest.mark.parametrize("args,message", [
    ([], "--out FILE.html is required"),
    (["--from", "2026-02-30"], "--from: '2026-02-30' is not a date YYYY-MM-DD"),
    (["--to", "yesterday"], "--to: 'yesterday' is not a date YYYY-MM-DD"),
    (["--from", "2026-10-01", "--to", "2026-09-01"], "--from must not be after 'to'"),
    (["--segment", "Nope"], "--segment: 'Nope' is not a segment of this organisation"),
    (["--lang", "de"], "--lang: unknown language 'de'"),
])
def test_cli_report_refuses_bad_options(org, args, message):
    _, db, d = org
    out = d / "bad.html"
    argv = ["report", "--db", db] + ([] if not args else ["--out", str(out)]) + args
    if not args:
        argv = ["report", "--db", db]
    r = harness.run(argv)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert message in r.stderr, r.stderr
    assert not out.exists()


def test_cli_report_on_a_missing_database(tmp_path):
    r = harness.run(["report", "--db", str(tmp_path / "none.db"), "--out",
                     str(tmp_path / "r.html")])
    assert r.returncode == 1, r.stderr
    assert not (tmp_path / "r.html").exists()


def panel_links(html, pid):
    m = re.search(r'<section[^>]*id="%s".*?</section>' % pid, html, re.S)
    assert m, pid
    return [html_mod.unescape(h) for h in re.findall(r'href="([^"]+)"', m.group(0))]


def test_panels_link_only_to_pages_the_role_opens(org):
    srv, _, _ = org
    admin = srv.admin().get("/?lang=en").text
    assert panel_links(admin, "panel-voice") == ["/feedback", "/explore"]
    assert panel_links(admin, "panel-money") == ["/explore?metric=nps&by=segment",
                                                 "/explore.csv?metric=nps&by=month"]
    assert "Top complaints and praises" in admin and "KPIs and money" in admin
    srv.add_user("vera", "viewer")
    viewer = srv.client()
    viewer.login("vera", harness.USER_PASSWORD)
    page = viewer.get("/?lang=en")
    assert page.status_code == 200
    assert panel_links(page.text, "panel-voice") == ["/feedback"]
    assert panel_links(page.text, "panel-money") == []
    for href in panel_links(page.text, "panel-voice"):
        assert viewer.get(href).status_code == 200
    # a viewer may download the report
    r = viewer.get("/report.html")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]


def test_months_of_a_few_answers_are_not_drawn_but_counted(tmp_path):
    """A month with fewer than 30 answers would swing the trend line: it is
    left out of the line (and said so under the chart), its n stays in the
    data table; a month with enough answers is drawn."""
    db = harness.init_db(str(tmp_path / "small.db"))
    survey = harness.run_ok(["survey", "create", "--db", db, "--kind", "nps",
                             "--name", "Small months"]).stdout.strip().splitlines()[-1]
    rows = ["submitted_at,score"]
    rows += ["2026-09-%02d 10:00,%d" % (1 + i % 28, 9 if i % 3 else 4) for i in range(60)]
    rows += ["2026-10-%02d 10:00,0" % (1 + i) for i in range(3)]
    csv = tmp_path / "small.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    harness.run_ok(["import", "responses", "--db", db, "--survey", survey, str(csv)])
    srv = harness.Server(db, tmp_path).start()
    try:
        page = srv.admin().get("/?lang=en").text
        assert 'id="trend-small-note"' in page, "the note says a month was left out"
        assert "Months with fewer than 30 answers are not drawn" in page
        table = page[page.index('id="chart-trend"'):]
        table = table[table.index("<table"):table.index("</table>")]
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)]
        assert "60" in cells and "3" in cells, cells  # both months' n are in the table
        assert "−100.0" not in cells and "-100.0" not in cells, "October's NPS is not drawn"
    finally:
        srv.stop()
