"""The Content-Security-Policy header: django-csp's, relaxed under the paths of CSP_RELAXED_PATHS.

The Django admin's and drf-spectacular's views are not ours to decorate, so the relaxation goes by
path (settings.CSP_RELAXED_PATHS says what each path adds and why). Every other page gets the
strict policy of CONTENT_SECURITY_POLICY unchanged.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def relaxed_directives(path: str) -> dict[str, list[str]] | None:
    """What the policy adds for `path`, or None where the strict policy applies unchanged."""
    for prefix, directives in settings.CSP_RELAXED_PATHS.items():
        if path.startswith(prefix):
            return directives
    return None


class CrmCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        extra = None if report_only else relaxed_directives(request.path_info)
        if extra:
            update = {key: list(values) for key, values in (parts.update or {}).items()}
            for directive, sources in extra.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts
