"""The admin under its Content-Security-Policy, in a real browser (Debian's Chromium).

Run with `pytest -m browser`; needs `apt-get install chromium` and the playwright package
(.ci/run installs both). Playwright drives /usr/bin/chromium and never downloads a browser.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from debates.models import Debate

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


# The debate form (issue 14): statements entered at the widths staff work at, with the
# keyboard alone, the position lists following the topic before any save.

DEMO = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"
# Where the debate form's screenshots go when asked for (make screenshots): docs/.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

# What scrolls sideways: the page, or any box on it that scrolls on its own (as Django's
# stylesheet makes an inline table do below 1024 px), or a field past the window's edge.
SIDEWAYS = """
() => {
  const root = document.documentElement;
  const found = [];
  if (root.scrollWidth > root.clientWidth) {
    found.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
  }
  for (const box of document.querySelectorAll("#content *")) {
    const style = getComputedStyle(box);
    if (/(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1) {
      found.push(`${box.tagName}.${box.className} ${box.scrollWidth} > ${box.clientWidth}`);
    }
  }
  const fields = "input, select, textarea, .select2";
  for (const field of document.getElementById("statements-group").querySelectorAll(fields)) {
    const rect = field.getBoundingClientRect();
    if (rect.width && (rect.left < 0 || rect.right > root.clientWidth)) {
      found.push(`${field.name || field.className} from ${rect.left} to ${rect.right}`);
    }
  }
  return found;
}
"""


@pytest.fixture
def kunduz(live_server, settings, django_user_model, make):
    """The demo's debates and an editor, and a second topic to switch to."""
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345!")
    call_command("import_debates", str(DEMO), stdout=StringIO())
    debate = Debate.objects.get(slug="kunduz-russia-taleban")
    # A statement with everything filled in, in Dari too, folded parts open.
    make.statement(
        debate,
        speaker=make.participant(name="Abdul Wahid Omarkhel Ghaznawi Kunduzi Baghlani"),
        position=debate.topic.positions.first(),
        text="Word " * 120,
        original_text="روسیه باید از حمایت طالبان دست بکشد " * 10,
        original_language="fa-AF",
        key="a-very-long-key-" + "x" * 60,
        correction_note="Corrected the speaker's name after the recording was checked.",
    )
    other = make.topic(
        title="Women's work outside the home", positions=["for-work", "against-work"]
    )
    return {
        "url": live_server.url,
        "debate": debate.pk,
        "topic": debate.topic.title,
        "positions": sorted(debate.topic.positions.values_list("label", flat=True)),
        "other": other.title,
        "other_positions": sorted(other.positions.values_list("label", flat=True)),
    }


def staff_page(browser, url, width=1280, locale="en"):
    context = browser.browser.new_context(
        extra_http_headers={"X-Forwarded-Proto": "https"},
        viewport={"width": width, "height": 800},
        locale=locale,
    )
    page = context.new_page()
    watched = Watched(page)
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-12345!")
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")
    return page, watched


def pick(page, select, text):
    """Choose ``text`` in an autocomplete (select2) list, as typed into its search box."""
    page.click(f"{select} + .select2 .select2-selection")
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option:has-text({text!r})")


def offered(page, select):
    return sorted(
        page.eval_on_selector_all(f"{select} option", "options => options.map(o => o.text)")
    )


@pytest.mark.parametrize("width", [1280, 1024])
@pytest.mark.parametrize("language", ["en", "fa"])
def test_no_page_of_the_debate_form_scrolls_sideways(kunduz, browser, width, language, request):
    if language != "en":
        request.getfixturevalue("every_language")
    url = kunduz["url"]
    page, watched = staff_page(browser, url, width, language)
    direction = "rtl" if language == "fa" else "ltr"

    page.goto(f"{url}/admin/debates/debate/{kunduz['debate']}/change/")
    assert page.evaluate("document.documentElement.dir") == direction
    statements = page.locator(".statement-entry:not(.empty-form)")
    assert statements.count() == 8  # the demo's six, the one made above, one blank
    assert page.evaluate(SIDEWAYS) == []
    if SCREENSHOT_DIR and width == 1280:
        # What staff see at the statements: a window's worth, from their heading.
        page.evaluate("document.getElementById('statements-heading').scrollIntoView()")
        page.screenshot(path=f"{SCREENSHOT_DIR}/debate-form-{language}-desktop.png")
    # The statement made above: its folded parts open, as they hold something.
    filled = statements.nth(6)
    assert filled.locator("details").evaluate_all("all => all.map(d => d.open)") == [True, True]
    assert statements.nth(0).locator("details").first.evaluate("d => d.open") is False

    page.click("text=Add another Statement" if language == "en" else ".add-row a")
    assert page.evaluate(SIDEWAYS) == []

    page.goto(f"{url}/admin/debates/debate/add/")
    assert page.evaluate(SIDEWAYS) == []
    # Sent empty: the same form, now with its errors.
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    assert page.evaluate(SIDEWAYS) == []
    assert watched.violations() == []


def test_the_position_lists_follow_the_topic_as_soon_as_it_is_picked(kunduz, browser):
    url = kunduz["url"]
    page, watched = staff_page(browser, url)
    page.goto(f"{url}/admin/debates/debate/add/")
    blank = ["---------"]
    # No topic yet: a statement cannot take a position.
    assert offered(page, "#id_statements-0-position") == blank

    pick(page, "#id_topic", kunduz["topic"])
    assert offered(page, "#id_statements-0-position") == sorted(blank + kunduz["positions"])
    page.select_option("#id_statements-0-position", label=kunduz["positions"][0])

    pick(page, "#id_topic", kunduz["other"])
    assert offered(page, "#id_statements-0-position") == sorted(blank + kunduz["other_positions"])
    # The old topic's position is gone rather than refused on saving.
    assert selected(page, "#id_statements-0-position") == "---------"
    # A row added afterwards offers the topic's positions too.
    page.click("text=Add another Statement")
    assert offered(page, "#id_statements-1-position") == sorted(blank + kunduz["other_positions"])

    # On a saved debate, changing its topic changes every row's list, the kept ones too.
    page.goto(f"{url}/admin/debates/debate/{kunduz['debate']}/change/")
    assert offered(page, "#id_statements-0-position") == sorted(blank + kunduz["positions"])
    pick(page, "#id_topic", kunduz["other"])
    for row in range(3):
        assert offered(page, f"#id_statements-{row}-position") == sorted(
            blank + kunduz["other_positions"]
        )
    assert watched.violations() == []


def test_a_statement_is_entered_with_the_keyboard_alone_row_after_row(site, browser):
    url, pk = site
    page, watched = staff_page(browser, url)
    page.goto(f"{url}/admin/debates/debate/{pk}/change/")
    keyboard = page.keyboard
    focused = "document.activeElement.name || document.activeElement.className"

    # The blank row after the debate's one statement; from there on, keys only.
    page.focus("#id_statements-1-order")
    keyboard.type("5")
    keyboard.press("Tab")  # the speaker: an autocomplete
    keyboard.press("Enter")
    keyboard.type("Sayed")
    page.wait_for_selector(".select2-results__option--highlighted:has-text('Sayed Speaker')")
    keyboard.press("Enter")
    keyboard.press("Tab")  # "add another participant", then the kind
    keyboard.press("Tab")
    assert page.evaluate(focused) == "statements-1-kind"
    keyboard.press("ArrowDown")
    keyboard.press("Tab")
    assert page.evaluate(focused) == "statements-1-position"
    keyboard.press("ArrowDown")
    keyboard.press("Tab")
    keyboard.type("Typed without a mouse.")
    keyboard.press("Tab")  # the folded original words: opened with Enter
    keyboard.press("Enter")
    keyboard.press("Tab")
    keyboard.type("بدون موش نوشته شد.")
    keyboard.press("Tab")
    keyboard.type("fa-AF")
    keyboard.press("Tab")  # the folded key, withholding and correction: passed by
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add another Statement"
    keyboard.press("Enter")
    # The new row's first field has the keyboard.
    assert page.evaluate(focused) == "statements-2-order"
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.press("Tab")
    assert page.evaluate(focused) == "statements-2-kind"
    keyboard.press("ArrowDown")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.type("The next row, also typed.")
    keyboard.press("Shift+Tab")
    keyboard.press("Shift+Tab")
    keyboard.press("Shift+Tab")
    keyboard.press("Shift+Tab")
    keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == "statements-2-order"
    keyboard.press("Enter")  # submits the form: "Save"
    page.wait_for_selector(".messagelist .success")

    page.goto(f"{url}/admin/debates/debate/{pk}/change/")
    assert page.input_value("#id_statements-1-text") == "Typed without a mouse."
    assert selected(page, "#id_statements-1-speaker") == "Sayed Speaker"
    assert selected(page, "#id_statements-1-kind") == "Quote (verbatim words)"
    assert selected(page, "#id_statements-1-position") == "For It"
    assert page.input_value("#id_statements-1-original_text") == "بدون موش نوشته شد."
    assert page.input_value("#id_statements-1-original_language") == "fa-AF"
    assert page.input_value("#id_statements-2-text") == "The next row, also typed."
    assert watched.violations() == []
