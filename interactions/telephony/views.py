"""Webhook endpoints: verify, store, enqueue, answer. No processing happens here.

Errors use the API's one shape: {"error": {"code": "...", "message": "..."}}.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from interactions.telephony import asterisk, generic, twilio, zadarma
from interactions.telephony.events import (
    CallEvent,
    PayloadError,
    SignatureError,
    UnsupportedEvent,
)
from interactions.telephony.services import telephony_event_receive

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def _intake(
    verify: Callable[[], Any],
    read: Callable[[], tuple[Any, CallEvent]],
    accepted: Callable[..., Any],
) -> HttpResponse:
    """verify() the signature, read() the payload and its event, store it, answer accepted()."""
    try:
        verify()
        payload, call = read()
    except UnsupportedEvent as error:
        # Acknowledged so the provider does not retry, but nothing is stored.
        return JsonResponse({"ignored": str(error)}, status=200)
    except SignatureError as error:
        logger.info("telephony webhook refused: %s", error)
        return _error(403, "invalid_signature", str(error))
    except PayloadError as error:
        return _error(400, "invalid_payload", str(error))
    event_id, created = telephony_event_receive(call=call, payload=payload)
    return accepted(event_id=event_id, created=created)


def _json_accepted(*, event_id: int, created: bool) -> JsonResponse:
    return JsonResponse({"id": event_id, "duplicate": not created}, status=202 if created else 200)


@csrf_exempt
@require_POST
def generic_webhook(request: HttpRequest) -> HttpResponse:
    def read() -> tuple[Any, CallEvent]:
        payload = generic.load_json(request.body)
        return payload, generic.parse(payload)

    return _intake(lambda: generic.verify(request.headers, request.body), read, _json_accepted)


@csrf_exempt
@require_POST
def asterisk_webhook(request: HttpRequest) -> HttpResponse:
    """Live CDRs: one leg, a list of legs, or {"legs": [...]}, signed like the generic webhook."""

    def read() -> tuple[Any, CallEvent]:
        payload = asterisk.normalise_payload(generic.load_json(request.body))
        return payload, asterisk.parse(payload)

    return _intake(lambda: generic.verify(request.headers, request.body), read, _json_accepted)


@csrf_exempt
@require_POST
def twilio_webhook(request: HttpRequest) -> HttpResponse:
    def verify() -> None:
        signature = request.headers.get(twilio.SIGNATURE_HEADER, "")
        twilio.verify(request.build_absolute_uri(), request.POST, signature)

    def read() -> tuple[Any, CallEvent]:
        payload = twilio.payload_from_post(request.POST)
        return payload, twilio.parse(payload)

    return _intake(verify, read, lambda **kwargs: HttpResponse(status=204))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def zadarma_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Zadarma checks the URL by asking it to echo a value back as plain text.
        echo = request.GET.get("zd_echo")
        if echo is None:
            return _error(400, "invalid_payload", _("Expected a zd_echo parameter."))
        return HttpResponse(echo[:200], content_type="text/plain")
    payload = {key: request.POST.get(key, "") for key in request.POST}

    def verify() -> None:
        zadarma.verify(payload, request.headers.get(zadarma.SIGNATURE_HEADER, ""))

    return _intake(verify, lambda: (payload, zadarma.parse(payload)), _json_accepted)
