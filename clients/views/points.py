"""The points page: the user's own points and history; a supervisor's team, an admin everyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.views.generic import TemplateView

from clients.filters import PointsEntryFilter
from clients.models import PointsEntry
from clients.selectors import points_totals
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
)


class PointsView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.VIEW_OWN_POINTS
    template_name = "clients/points.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        visible = PointsEntry.objects.visible_to(user)
        sees_others = has_capability(user, Capability.VIEW_TEAM_POINTS)
        points_filter = PointsEntryFilter(
            self.request.GET,
            queryset=visible.select_related("user", "client", "deal"),
            request=self.request,
        )
        if sees_others:
            points_filter.form.fields["user"].queryset = points_filter.form.fields[
                "user"
            ].queryset.filter(pk__in=visible.values("user"))
        else:
            del points_filter.form.fields["user"]
        add_bootstrap_classes(points_filter.form)
        context.update(
            self.paginate_keyset(points_filter.qs),
            filter=points_filter,
            my_total=visible.filter(user=user).aggregate(total=Sum("points"))["total"] or 0,
            totals=points_totals(visible) if sees_others else [],
            sees_others=sees_others,
        )
        return context
