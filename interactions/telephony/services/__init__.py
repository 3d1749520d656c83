"""Telephony intake: store each notification, then turn it into one journal entry per call.

The webhook views and the CDR import store events (`telephony_event_receive`, `cdr_import`); the
Celery workers log them in batches (`telephony_events_drain`, `telephony_events_process_batch`);
the periodic sweeper asks for a drain when events wait too long (`telephony_events_sweep`). The
phone system acts without a human actor, so the audit entries have none.

    intake.py      storing a notification, the sweeper, an admin's requeue
    processing.py  claiming pending events in batches, waking the workers
    journal.py     the rules from a call event to its interaction, for a batch at a time
    cdr.py         Asterisk Master.csv imports
"""

from interactions.telephony.services.cdr import CdrImportResult, cdr_import
from interactions.telephony.services.intake import (
    dedupe_key,
    telephony_event_receive,
    telephony_event_requeue,
    telephony_events_sweep,
)
from interactions.telephony.services.journal import CallNotYetKnown
from interactions.telephony.services.processing import (
    PARSERS,
    drain_request,
    parse_stored,
    telephony_event_process,
    telephony_events_drain,
    telephony_events_process_batch,
)

__all__ = [
    "PARSERS",
    "CallNotYetKnown",
    "CdrImportResult",
    "cdr_import",
    "dedupe_key",
    "drain_request",
    "parse_stored",
    "telephony_event_process",
    "telephony_event_receive",
    "telephony_event_requeue",
    "telephony_events_drain",
    "telephony_events_process_batch",
    "telephony_events_sweep",
]
