"""Pages that are not the portal's own templates, under the Content-Security-Policy in Chromium:
the admin, Swagger UI, DRF's browsable API, the login and lock-out pages. The `side` fixture fails
a test on any console error, and a CSP violation is one, so each page here works without
'unsafe-inline'. The first test shows that the browser really enforces the policy."""

from playwright.sync_api import expect

from tests.factories import BrukerFactory


def _csp_brudd(melding: object) -> bool:
    return melding.type == "error" and "Content Security Policy" in melding.text


def test_nettleseren_handhever_csp(side_for) -> None:
    side = side_for()
    side_for.tillatt = ["Content Security Policy"]
    side.goto("/")
    with side.expect_console_message(_csp_brudd):
        kjort = side.evaluate(
            """() => {
                const s = document.createElement('script');
                s.textContent = 'window.innsmett = 1';
                document.body.appendChild(s);
                return window.innsmett === 1;
            }"""
        )
    assert kjort is False
    with side.expect_console_message(_csp_brudd):
        farge = side.evaluate(
            """() => {
                const p = document.createElement('p');
                p.setAttribute('style', 'color: rgb(255, 0, 0)');
                document.body.appendChild(p);
                return getComputedStyle(p).color;
            }"""
        )
    assert farge != "rgb(255, 0, 0)"


def test_innlogging_og_sperre(side_for, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    bruker = BrukerFactory()
    side = side_for()
    # The lock-out page answers 429, which Chromium logs as a failed resource.
    side_for.tillatt = ["429 (Too Many Requests)"]
    side.goto("/konto/login/")
    for _ in range(2):
        side.fill("#id_username", bruker.username)
        side.fill("#id_password", "feil-passord")
        side.click("main button[type=submit]")  # not the language switch in the header
    # Waits for the answer to the last submit (reading the heading at once races the page load).
    expect(side.locator("h1")).to_have_text("Innloggingen er midlertidig sperret")


def test_admin_swagger_og_nettleser_api(side_for) -> None:
    side = side_for()
    # The admin's and DRF's pages name no icon, so Chromium asks for /favicon.ico (404).
    side_for.tillatt = ["/favicon.ico"]
    BrukerFactory(username="admin-csp", is_staff=True, is_superuser=True)
    side.goto("/admin/login/")
    side.fill("#id_username", "admin-csp")
    side.fill("#id_password", "hemmelig-passord-123")
    side.click("input[type=submit]")
    side.wait_for_url("**/admin/")
    side.goto("/admin/tilbud/tilbud/")
    side.locator("#result_list").wait_for()
    side.goto("/admin/tilbud/tilbud/add/")
    side.locator("#tilbud_form").wait_for()

    side.goto("/api/docs/")
    side.locator(".swagger-ui .info .title").wait_for()
    side.locator(".opblock-summary").first.click()
    side.locator(".opblock-body").first.wait_for()

    side.goto("/api/v1/tilbud/?page_size=2")
    side.locator(".response-info").wait_for()
    side.locator("button[data-target='#filtersModal']").click()
    side.locator("#filtersModal").wait_for()
