"""The supervisor's reports, one module a report; importing this package registers them all.

Issue 5 (deals) adds its report here: a module `deals.py` that calls `register()` with the key
"deals" (stage funnel, overdue stages, won/lost, primary-contact points), imported below, and
fills the two hooks `fulfilment.deals_closed_by_manager_and_month` and
`lead_sources.won_deals_by_source`.
"""

from reports.builders import activity, calls, comparison, fulfilment, lead_sources, quality
from reports.builders.base import (
    REGISTRY,
    Figure,
    Period,
    Report,
    ReportDefinition,
    ReportParameters,
    Row,
    Scope,
    Section,
    register,
    resolve_scope,
)

__all__ = [
    "REGISTRY",
    "Figure",
    "Period",
    "Report",
    "ReportDefinition",
    "ReportParameters",
    "Row",
    "Scope",
    "Section",
    "activity",
    "calls",
    "comparison",
    "fulfilment",
    "lead_sources",
    "quality",
    "register",
    "resolve_scope",
]
