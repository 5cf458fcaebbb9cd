"""No default accounts in production (ASVS 6.3): the demo loader refuses to run there."""

import pytest
from django.core.management import CommandError, call_command

from orgs.models import User

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_to_create_demo_accounts_in_production(settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "production")
    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        call_command("load_demo", "--size", "small")

    assert not User.objects.exists()
