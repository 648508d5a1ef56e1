"""Steps that several journeys share, written as a person does them."""

import re

from playwright.sync_api import expect

from workshop.models import OutgoingMail


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_up_and_confirm(page, base_url: str, name: str, email: str, *, from_here: bool = False) -> None:
    """Sign up (on the sign-up page the browser is on, if `from_here`), then
    follow the confirmation link from the outbox."""
    if not from_here:
        page.goto(base_url + "/accounts/signup/")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password \*$")).fill("a long enough passphrase")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    body = OutgoingMail.objects.get(recipient=email, kind="account:email_confirmation_signup").body
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0))
    page.get_by_role("button", name="Confirm").click()
