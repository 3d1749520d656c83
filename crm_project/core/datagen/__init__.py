"""Data at scale: teams, managers, clients and a million interactions loaded with COPY.

The shape is the demo's (seed_demo; the word lists, phone spellings and weights of both are
crm_project/core/demo_vocabulary.py): clients with contact persons, several phones typed in
mixed formats (normalised with crm_project.core.phones.to_e164, as the services store them),
e-mails, 14 months of journal with the demo's mix of kinds, statuses and sources, unknown callers
in the teams' queues, deals walked through their stages, and monthly plans.

Rows are written with PostgreSQL's COPY in the text format, ids assigned here so that the rows
of one table can point at another's without reading them back. Generated history, not user
actions: no services, no audit entries, but every model constraint holds. While the journal
loads, its secondary indexes are dropped and then rebuilt (faster than maintaining them row by
row) and foreign-key triggers are off for the session (superuser only; the ids are ours).

The target must be a loopback PostgreSQL database meant for this (its name holds "bench", or it
is a test database): generating with `regenerate` truncates the clients and the journal.
"""

from crm_project.core.datagen.draft import KIND_WEIGHTS, PAST_STATUSES, Options
from crm_project.core.datagen.load import UnsafeTarget, check_target, existing_counts, generate

__all__ = [
    "KIND_WEIGHTS",
    "PAST_STATUSES",
    "Options",
    "UnsafeTarget",
    "check_target",
    "existing_counts",
    "generate",
]
