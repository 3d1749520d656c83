"""The supervisor's reports, one module a report; importing this package registers them all.

The deals report (issue 5) is `deals.py`, registered under "deals"; it also fills the won deals of
`lead_sources` and the deals closed of `fulfilment`, all from reports.selectors.won_deals.
"""

from reports.builders import (
    activity,
    calls,
    comparison,
    deals,
    fulfilment,
    lead_sources,
    quality,
)
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
    "deals",
    "fulfilment",
    "lead_sources",
    "quality",
    "register",
    "resolve_scope",
]
