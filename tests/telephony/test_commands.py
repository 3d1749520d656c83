"""simulate_calls sends signed webhooks that a running CRM accepts."""

import pytest
from django.core.management import call_command

from interactions.models import Interaction
from interactions.telephony.models import TelephonyEvent
from tests.factories import PhoneFactory, UserFactory
from tests.telephony.conftest import process_all

pytestmark = [pytest.mark.urls("tests.telephony.urls"), pytest.mark.usefixtures("statuses")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", ["generic", "twilio"])
def test_simulated_calls_are_accepted_and_logged(live_server, provider, settings, capsys):
    settings.ALLOWED_HOSTS = ["*"]
    PhoneFactory(number_e164="+74951234567")
    UserFactory(phone_extension="101")
    call_command(
        "simulate_calls",
        "--url",
        live_server.url,
        "--count",
        "3",
        "--interval",
        "0",
        "--provider",
        provider,
        "--seed",
        "7",
    )
    assert "6 webhooks accepted, 0 failed" in capsys.readouterr().out
    assert TelephonyEvent.objects.count() == 6
    process_all()
    # Three calls; an outgoing one may have performed the call-back planned after a missed one.
    assert Interaction.objects.exclude(external_id="").count() == 3
