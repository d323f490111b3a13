"""The admin under its Content-Security-Policy, in a real browser (Debian's Chromium).

Run with `pytest -m browser`; needs `apt-get install chromium` and the playwright package
(.ci/run installs both). Playwright drives /usr/bin/chromium and never downloads a browser.
"""

import shutil

import pytest

# serialized_rollback: the provinces, made by a migration, are back for the next test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Records every policy violation the page reports, whether or not it reaches the console.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield chromium.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
        finally:
            chromium.close()


class Watched:
    """A page whose console errors, script errors and CSP violations are kept."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def violations(self):
        return self.problems + self.page.evaluate("window.__violations || []")


@pytest.fixture
def site(live_server, settings, django_user_model, make):
    settings.ALLOWED_HOSTS = ["localhost"]
    # The live server speaks plain HTTP and was started before this test could turn the
    # HTTPS redirect off, so the browser plays a TLS proxy: it says each request is HTTPS.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345!")
    debate = make.debate(title="Kunduz debate", status="draft")
    make.statement(debate, speaker=make.participant(name="Sayed Speaker"), position="for-it")
    # Playwright runs an event loop in this thread, where Django refuses database queries:
    # everything the test needs from the database is made above.
    return live_server.url, debate.pk


def selected(page, select):
    return page.eval_on_selector(select, "select => select.selectedOptions[0]?.text")


def test_an_editor_changes_a_debate_with_the_admins_scripts_and_no_policy_violation(site, browser):
    url, pk = site
    page = browser.new_page()
    watched = Watched(page)

    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-12345!")
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")

    page.goto(f"{url}/admin/debates/debate/{pk}/change/")
    assert "admin/" in (page.evaluate("document.querySelector('script[src]').src") or "")

    # Autocomplete (select2, fed by the admin's JSON view): pick another province by typing.
    page.click("#id_province + .select2 .select2-selection")
    page.fill(".select2-search__field", "Gho")
    page.click(".select2-results__option:has-text('Ghor')")
    assert selected(page, "#id_province") == "Ghor"

    # The inline's "Add another Statement" row is made by the admin's inlines.js.
    statements = "textarea[name$='-text']:not([name*='__prefix__'])"
    before = page.locator(statements).count()
    page.click("text=Add another Statement")
    assert page.locator(statements).count() == before + 1

    # The + beside the moderator opens the participant form in a popup; its slug is filled
    # in by the admin's prepopulate.js and, on save, the popup hands the new participant back.
    with page.expect_popup() as opened:
        page.click("#add_id_moderator")
    popup = opened.value
    popup_watched = Watched(popup)
    popup.wait_for_load_state()
    popup.locator("#id_name").press_sequentially("Popup Moderator")
    assert popup.input_value("#id_slug") == "popup-moderator"
    popup.check("input[name=attribution][value=named]")
    assert popup_watched.violations() == []
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    assert selected(page, "#id_moderator") == "Popup Moderator"

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert selected(page, "#id_province") == "Ghor"
    assert selected(page, "#id_moderator") == "Popup Moderator"
    assert watched.violations() == []
    assert popup_watched.problems == []  # its last page, the response that closes it


@pytest.fixture
def long_titles(site, make):
    """Debates with titles, topics and programmes as long as real ones get."""
    programme = make.programme(name="Afghanistan's provincial debates on the region " * 2)
    topic = make.topic(title="Russia, the Taleban and Islamic State in the north " * 2)
    for n in range(3):
        make.debate(
            title=f"Russia's overture to the Taleban, seen from the province {n} " * 3,
            topic=topic,
            programme=programme,
            status="review",
        )
    return site


def log_in(page, url):
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-12345!")
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")


def test_the_debate_list_shows_status_and_statement_count_without_scrolling_at_1280(
    long_titles, browser
):
    url, _ = long_titles
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, url)
    page.goto(f"{url}/admin/debates/debate/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # The table scrolls inside its own box when too wide: it must not need to.
    assert page.eval_on_selector(".results", "box => box.scrollWidth <= box.clientWidth")
    for column in ("status", "held_on", "province", "statement_count"):
        right = page.eval_on_selector(
            f"#result_list th.column-{column}", "th => th.getBoundingClientRect().right"
        )
        assert right <= 1280, column


def test_a_public_page_renders_under_its_policy_without_a_violation(site, browser):
    url, _ = site
    page = browser.new_page()
    watched = Watched(page)
    page.goto(f"{url}/")
    # The stylesheet applied: the header is laid out by site.css, not the browser's defaults.
    assert page.eval_on_selector(
        "link[rel=stylesheet]", "link => link.sheet && link.sheet.cssRules.length > 0"
    )
    assert watched.violations() == []


def test_a_staff_member_sets_up_two_factor_login_under_the_admins_policy(site, browser, settings):
    from base64 import b32decode

    from django_otp.oath import totp

    settings.REQUIRE_2FA = True
    url, _ = site
    page = browser.new_page()
    watched = Watched(page)
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-12345!")
    page.click("input[type=submit]")

    # With REQUIRE_2FA on, the admin sends a staff member without an app to set one up.
    page.wait_for_url(f"{url}/admin/two-factor/**")
    assert page.locator(".two-factor-qr svg").is_visible()
    key = b32decode(page.inner_text(".two-factor-qr ~ code").replace(" ", ""))
    page.fill("input[name=token]", f"{totp(key):06d}")
    page.click("input[type=submit][value=Confirm]")
    assert page.locator(".backup-codes li").count() == 10

    page.click("text=I have kept them")
    page.wait_for_url(f"{url}/admin/")
    assert watched.violations() == []
