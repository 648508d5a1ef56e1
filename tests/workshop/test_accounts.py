import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory
from workshop.models import MailStatus, OutgoingMail, User


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_up(client, email="new@lakeside.edu"):
    return client.post(reverse("account_signup"), {
        "full_name": "Nora New", "affiliation": "Lakeside University", "email": email,
        "password1": "a-long enough passphrase", "password2": "a-long enough passphrase",
    })


@pytest.mark.django_db
def test_signup_queues_the_confirmation_mail_in_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client)

    mail = OutgoingMail.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert (mail.recipient, mail.kind, mail.status) == (
        "new@lakeside.edu", "account:email_confirmation_signup", MailStatus.SENT,
    )
    assert User.objects.get(email="new@lakeside.edu").full_name == "Nora New"


@pytest.mark.django_db
def test_signup_then_confirm_logs_the_user_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client)
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", OutgoingMail.objects.get().body).group(1)

    response = client.post(link)

    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200


@pytest.mark.django_db
def test_login_before_confirming_the_email_is_refused(client):
    UserFactory(email="unverified@lakeside.edu", verified=False)

    response = client.post(reverse("account_login"), {
        "login": "unverified@lakeside.edu", "password": DEFAULT_PASSWORD,
    })

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("profile")).status_code == 302


@pytest.mark.django_db
def test_signup_with_an_address_in_use_does_not_reveal_the_account(
    client, django_capture_on_commit_callbacks,
):
    UserFactory(email="taken@lakeside.edu")

    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, email="Taken@lakeside.edu")

    # Same answer as a fresh sign-up; the owner of the address is told by mail.
    assert response.url == reverse("account_email_verification_sent")
    assert list(OutgoingMail.objects.values_list("kind", "recipient")) == [
        ("account:account_already_exists", "taken@lakeside.edu"),
    ]


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="victim@lakeside.edu")
    pages = [
        client.post(reverse("account_login"), {"login": "victim@lakeside.edu", "password": "wrong"})
        .content.decode()
        for _ in range(6)
    ]

    assert ["Too many failed login attempts" in page for page in pages] == [False] * 5 + [True]


@pytest.mark.django_db
def test_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    UserFactory(email="forgetful@lakeside.edu")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@lakeside.edu"})

    assert list(OutgoingMail.objects.values_list("kind", "recipient")) == [
        ("account:password_reset_key", "forgetful@lakeside.edu"),
    ]


@pytest.mark.django_db
def test_account_mails_speak_in_the_workshops_name_and_link_to_site_url(client, settings, workshop):
    settings.SITE_URL = "https://mlsec.example.org"

    _sign_up(client)

    mail = OutgoingMail.objects.get()
    assert mail.subject.startswith(f"[{workshop.acronym}] ")
    assert f"Hello from {workshop.name}!" in mail.body
    assert "example.com" not in mail.body
    assert re.search(r"https://mlsec\.example\.org/accounts/confirm-email/\S+/", mail.body)


@pytest.mark.django_db
def test_sign_in_page_speaks_our_language(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "Keep me signed in on this device" in page
    assert "Remember Me" not in page and "Sign In" not in page
    assert '<label for="id_login">Email' in page


@pytest.mark.django_db
def test_invited_person_signed_out_sees_the_invitation_and_lands_on_it_after_signing_up(
    client, chair, django_capture_on_commit_callbacks,
):
    """Issue 10: the invitation used to vanish behind a bare sign-in page."""
    from reviews.committee.services import invitation_create

    invitation = invitation_create(email="nora@lakeside.edu", name="Nora New", affiliation="", roles=["pc"], by=chair)
    url = reverse("pc_invitation", args=[invitation.token])

    landing = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, email="nora@lakeside.edu")
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)",
                     OutgoingMail.objects.get(kind="account:email_confirmation_signup").body).group(1)
    confirmed = client.post(link)

    assert "Join the program committee?" in landing and "Create an account" in landing
    assert confirmed.url == url
    assert "Accept" in client.get(confirmed.url).content.decode()
