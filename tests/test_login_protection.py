"""Login protection, through the real admin login form: lockouts and two-factor login."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.db.models import F
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_settings import run_python

LOGIN = "/admin/login/"
ADMIN = "/admin/"
ENROL = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
PASSWORD = "a-long-staff-password-7"
READER = "203.0.113.5"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # A dozen logins a test: the production hasher's slowness is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def log_in(client, password=PASSWORD, address=READER, **headers):
    return client.post(
        LOGIN,
        {"username": "editor", "password": password, "next": ADMIN},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail(client, times, address=READER, **headers):
    for _ in range(times):
        log_in(client, "wrong", address, **headers)


def in_admin(client):
    return client.get(ADMIN).status_code == 200


def code_for(device):
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{token:0{device.digits}d}"


def enrolled(user):
    app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="Backup codes")
    backup.token_set.create(token="abcd2345")
    backup.token_set.create(token="efgh6789")
    return app


# Lockout (django-axes) ------------------------------------------------------------------


def test_four_wrong_passwords_still_let_the_right_one_in(client, editor):
    fail(client, 4)
    assert log_in(client).status_code == 302
    assert in_admin(client)


def test_after_five_wrong_passwords_the_right_one_is_refused(client, editor):
    fail(client, 5)
    response = log_in(client)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert not in_admin(client)


def test_a_lockout_does_not_lock_the_same_user_out_from_another_address(client, editor):
    fail(client, 5, address=READER)
    assert log_in(client, address="198.51.100.20").status_code == 302
    assert in_admin(client)


def test_a_lockout_ends_after_the_lockout_time_and_its_record_is_deleted(client, editor):
    fail(client, 5)
    assert log_in(client).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=61))

    assert log_in(client).status_code == 302
    assert in_admin(client)
    assert not AccessAttempt.objects.filter(ip_address=READER).exists()


def test_failures_are_logged_with_the_username_but_not_the_address(client, editor, caplog):
    with caplog.at_level(logging.WARNING):
        fail(client, 5)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("editor" in line and "failure" in line for line in lines)
    assert any("Locking out" in line for line in lines)
    assert not any(READER in line for line in lines)


def test_an_invented_x_forwarded_for_does_not_escape_a_lockout(client, editor):
    for number in range(5):
        log_in(client, "wrong", READER, x_forwarded_for=f"192.0.2.{number}")
    assert log_in(client, x_forwarded_for="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_locked_out_on_its_own(client, editor, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    proxy = "10.0.0.2"
    fail(client, 5, proxy, x_forwarded_for=READER)
    # The client's own value comes first; the proxy appends the address it saw.
    assert log_in(client, address=proxy, x_forwarded_for=f"192.0.2.1, {READER}").status_code == 429
    assert log_in(client, address=proxy, x_forwarded_for="198.51.100.20").status_code == 302


def test_expired_login_records_are_deleted_by_the_daily_command(client, editor):
    fail(client, 2, address=READER)
    fail(client, 2, address="198.51.100.20")
    AccessAttempt.objects.filter(ip_address=READER).update(
        attempt_time=F("attempt_time") - timedelta(minutes=61)
    )
    call_command("expire_login_attempts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.20"]


def test_lockout_and_two_factor_settings_come_from_the_environment():
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.REQUIRE_2FA)"
    )
    module = {"DJANGO_SETTINGS_MODULE": "config.settings"}
    production = run_python(
        "-c", show, **module, LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="15"
    )
    assert production.stdout.split() == ["3", "0:15:00", "True"], production.stderr
    development = run_python("-c", show, **module, DEBUG="1")
    assert development.stdout.split() == ["5", "1:00:00", "False"], development.stderr


# Two-factor login (django-otp) ----------------------------------------------------------


def test_with_2fa_off_the_admin_takes_the_password_alone_and_offers_two_factor(client, editor):
    assert log_in(client)["Location"] == ADMIN
    page = client.get(ADMIN)
    assert page.status_code == 200
    assert "Two-factor login is not set up for your account" in page.text
    assert f'href="{ENROL}"' in page.text


def test_with_2fa_required_staff_without_an_app_are_sent_to_set_one_up(client, editor, require_2fa):
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    for page in (ADMIN, "/admin/debates/debate/", "/admin/auth/user/"):
        assert client.get(page)["Location"].startswith(ENROL), page
    assert not in_admin(client)


def test_the_setup_page_shows_a_qr_code_as_inline_svg_without_scripts_or_styles(
    client, editor, require_2fa
):
    log_in(client)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "<script>" not in page.text and "style=" not in page.text
    assert "data:" not in page.text
    assert page["Cache-Control"].startswith("max-age=0")


def test_setting_up_with_the_apps_code_shows_ten_backup_codes_and_opens_the_admin(
    client, editor, require_2fa
):
    log_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)

    response = client.post(ENROL, {"token": code_for(device), "next": ADMIN})
    assert response.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in response.text for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert in_admin(client)


def test_a_wrong_code_does_not_set_up_two_factor_login(client, editor, require_2fa):
    log_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"

    response = client.post(ENROL, {"token": wrong})
    assert "That code is not right" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert not in_admin(client)


def test_an_enrolled_staff_member_gives_the_apps_code_after_the_password(
    client, editor, require_2fa
):
    device = enrolled(editor)
    assert log_in(client)["Location"].startswith(VERIFY)
    assert client.get(ADMIN)["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"token": code_for(device), "next": ADMIN})
    assert response["Location"] == ADMIN
    assert in_admin(client)


def test_a_wrong_code_after_the_password_keeps_the_admin_closed(client, editor, require_2fa):
    device = enrolled(editor)
    log_in(client)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not in_admin(client)


def test_with_2fa_off_an_enrolled_member_is_still_asked_for_their_code(client, editor):
    enrolled(editor)
    assert log_in(client)["Location"].startswith(VERIFY)
    assert not in_admin(client)


def test_a_backup_code_lets_you_in_once(client, editor, require_2fa):
    enrolled(editor)
    log_in(client)
    response = client.post(VERIFY, {"token": "ABCD 2345"})
    assert response["Location"] == ADMIN
    assert "You used a backup code; 1 is left." in client.get(ADMIN).text

    client.post("/admin/two-factor/logout/")
    log_in(client)
    response = client.post(VERIFY, {"token": "abcd2345"})
    assert "That code is not right" in response.text
    assert not in_admin(client)


def test_the_reset_command_removes_a_lost_device_and_the_member_sets_up_again(
    client, editor, require_2fa, capsys
):
    enrolled(editor)
    call_command("reset_two_factor", "editor")
    assert "Removed 2 two-factor device(s) of editor" in capsys.readouterr().out
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert log_in(client)["Location"].startswith(ENROL)


def test_the_reset_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("reset_two_factor", "nobody")
