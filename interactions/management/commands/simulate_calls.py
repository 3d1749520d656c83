"""Send a realistic stream of signed call webhooks to a running CRM, for the demo."""

from __future__ import annotations

import datetime
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Phone
from crm_project.accounts.models import User
from interactions.telephony import generic, twilio

# (share of calls, generic disposition, Twilio final status)
OUTCOMES = [
    (70, "answered", "completed"),
    (18, "no_answer", "no-answer"),
    (8, "busy", "busy"),
    (4, "failed", "failed"),
]


class Command(BaseCommand):
    help = _("Send signed call webhooks to a running CRM so calls appear in the journal.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help=_("The CRM's address"))
        parser.add_argument("--count", type=int, default=20, help=_("How many calls"))
        parser.add_argument(
            "--provider", choices=["generic", "twilio"], default="generic", help=_("Format")
        )
        parser.add_argument("--interval", type=float, default=0.5, help=_("Seconds between calls"))
        parser.add_argument("--seed", type=int, default=None, help=_("Random seed"))

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["url"].rstrip("/")
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise CommandError(_("The URL must start with http:// or https://."))
        secret_name = (
            "TWILIO_AUTH_TOKEN" if options["provider"] == "twilio" else "TELEPHONY_WEBHOOK_SECRET"
        )
        secret = getattr(settings, secret_name, "")
        if not secret:
            raise CommandError(_("Set %(name)s first.") % {"name": secret_name})
        rng = random.Random(options["seed"])
        numbers = list(Phone.objects.values_list("number_e164", flat=True)[:500])
        extensions = list(
            User.objects.active_managers()
            .exclude(phone_extension="")
            .values_list("phone_extension", flat=True)
        )
        sent = failed = 0
        for _number in range(options["count"]):
            call = _random_call(rng, numbers, extensions)
            for request in _requests(options["provider"], base, secret, call):
                try:
                    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - scheme checked
                        sent += 1
                except (urllib.error.URLError, OSError) as error:
                    failed += 1
                    self.stderr.write(f"{request.full_url}: {error}")
            time.sleep(options["interval"])
        self.stdout.write(
            _("%(sent)d webhooks accepted, %(failed)d failed.") % {"sent": sent, "failed": failed}
        )


def _random_call(rng: random.Random, numbers: list[str], extensions: list[str]) -> dict:
    known = numbers and rng.random() < 0.7
    outside = (
        rng.choice(numbers)
        if known
        else f"8 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    )
    weights = [share for share, *_names in OUTCOMES]
    _share, disposition, twilio_status = rng.choices(OUTCOMES, weights=weights)[0]
    talk = rng.randint(15, 600) if disposition == "answered" else 0
    ring = rng.randint(3, 25)
    ended_at = timezone.now()
    started_at = ended_at - datetime.timedelta(seconds=ring + talk)
    return {
        "call_id": f"sim-{uuid.uuid4().hex[:16]}",
        "direction": "incoming" if rng.random() < 0.7 else "outgoing",
        "outside": outside,
        "company": "+74950000000",
        "extension": rng.choice(extensions) if extensions else "",
        "disposition": disposition,
        "twilio_status": twilio_status,
        "started_at": started_at,
        "answered_at": started_at + datetime.timedelta(seconds=ring) if talk else None,
        "ended_at": ended_at,
        "talk": talk,
    }


def _requests(provider: str, base: str, secret: str, call: dict) -> list[urllib.request.Request]:
    if provider == "twilio":
        return _twilio_requests(base, secret, call)
    url = f"{base}/api/v1/telephony/generic/"
    incoming = call["direction"] == "incoming"
    common = {
        "call_id": call["call_id"],
        "direction": call["direction"],
        "from": call["outside"] if incoming else call["company"],
        "to": call["company"] if incoming else call["outside"],
        "started_at": call["started_at"].isoformat(),
    }
    end = {
        **common,
        "event": "end",
        "extension": call["extension"] if call["talk"] or not incoming else "",
        "answered_at": call["answered_at"].isoformat() if call["answered_at"] else None,
        "ended_at": call["ended_at"].isoformat(),
        "duration": int((call["ended_at"] - call["started_at"]).total_seconds()),
        "talk_time": call["talk"],
        "disposition": call["disposition"],
    }
    requests = []
    for payload in ({**common, "event": "start", "disposition": "ringing"}, end):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **generic.signed_headers(secret, body)}
        requests.append(_post(url, body, headers))
    return requests


def _post(url: str, body: bytes, headers: dict[str, str]) -> urllib.request.Request:
    # The base URL's scheme is checked in handle(): only http and https reach here.
    return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310


def _twilio_requests(base: str, token: str, call: dict) -> list[urllib.request.Request]:
    url = f"{base}/api/v1/telephony/twilio/"
    incoming = call["direction"] == "incoming"
    common = {
        "CallSid": "CA" + call["call_id"].removeprefix("sim-").ljust(32, "0"),
        "AccountSid": "AC" + "0" * 32,
        "Direction": "inbound" if incoming else "outbound-api",
        "From": call["outside"] if incoming else call["company"],
        "To": call["company"] if incoming else call["outside"],
    }
    stages = [
        (1, "ringing", call["started_at"], {}),
        (2, call["twilio_status"], call["ended_at"], {"CallDuration": str(call["talk"])}),
    ]
    requests = []
    for sequence, status, at, extra in stages:
        params = {
            **common,
            **extra,
            "CallStatus": status,
            "SequenceNumber": str(sequence),
            "Timestamp": at.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            twilio.SIGNATURE_HEADER: twilio.sign(token, url, params),
        }
        body = urllib.parse.urlencode(params).encode()
        requests.append(_post(url, body, headers))
    return requests
