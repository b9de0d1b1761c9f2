"""axe-core (run inside the page) finds no serious or critical violations, at phone and desktop widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "home",
    "account_signup",
    "account_login",
    "pages:faq",
    "pages:faq_supporters",
    "pages:faq_gifts",
    "pages:pricing",
    "pages:how_it_works",
    "pages:become_a_supporter",
    "pages:crisis",
    "pages:contact",
    "pages:privacy",
    "pages:terms",
    "supporters:directory",
    "supporters:next_available",
    "giftcards:buy",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


def assert_no_serious_violations(axe, page):
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(page, axe, name):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse(name))
        assert_no_serious_violations(axe, page)
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.console_errors == []


def test_signup_form_with_errors_has_no_serious_violations(page, axe):
    page.goto(reverse("account_signup"))
    page.get_by_role("button", name="Create account").click()
    page.locator(".form-errors").wait_for()
    assert_no_serious_violations(axe, page)
