from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.models import Plan, ReportSnapshot
from reports.services import MAX_TARGET


class PlanSerializer(serializers.ModelSerializer):
    manager_name = serializers.CharField(source="manager", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "manager",
            "manager_name",
            "month",
            "contacts_target",
            "meetings_target",
            "deals_target",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CounterSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("contacts_taken, meetings_held or deals_closed"))
    label = serializers.CharField()
    done = serializers.IntegerField()
    target = serializers.IntegerField(help_text=_("0: no plan for this figure."))
    has_plan = serializers.BooleanField()
    percent = serializers.IntegerField(help_text=_("Of the target; may pass 100."))
    remaining = serializers.IntegerField()
    pace_status = serializers.CharField(
        allow_null=True, help_text=_("on_track, at_risk or behind; null without a plan.")
    )
    pace = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        allow_null=True,
        help_text=_("What is left per working day left; null when nothing is left or no day is."),
    )
    url = serializers.CharField(
        help_text=_("The journal page listing exactly the records counted; empty if none yet.")
    )


class PlanProgressSerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager.pk")
    month = serializers.DateField()
    has_plan = serializers.BooleanField()
    working_days_left = serializers.IntegerField()
    counters = CounterSerializer(many=True)


# YYYY-MM from 1900 to 2099: the year 0000 (or 9999's next month) is no date Python can build.
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


class CountersQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(
        MONTH_PATTERN,
        required=False,
        help_text=_("YYYY-MM; omitted: this month."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    manager = serializers.IntegerField(
        required=False, help_text=_("A supervisor's team member; omitted: the signed-in user.")
    )


class PlanSetSerializer(serializers.Serializer):
    manager = serializers.IntegerField(help_text=_("An active manager of your team."))
    month = serializers.RegexField(
        MONTH_PATTERN,
        help_text=_("YYYY-MM."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    contacts_target = serializers.IntegerField(min_value=0, max_value=MAX_TARGET)
    meetings_target = serializers.IntegerField(min_value=0, max_value=MAX_TARGET)
    deals_target = serializers.IntegerField(min_value=0, max_value=MAX_TARGET)


class PlanCopyForwardSerializer(serializers.Serializer):
    month = serializers.RegexField(
        MONTH_PATTERN,
        help_text=_("YYYY-MM: the month to fill from the one before."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    team = serializers.IntegerField(required=False, help_text=_("Admins only; omitted: yours."))


class PlanCopyForwardResultSerializer(serializers.Serializer):
    created = PlanSerializer(many=True)


class ReportQuerySerializer(serializers.Serializer):
    """The query of a report (documented here, parsed by reports.forms.ReportFilterForm)."""

    date_from = serializers.DateField(
        required=False, help_text=_("Omitted: the 1st of this month.")
    )
    date_to = serializers.DateField(
        required=False,
        help_text=_("Included; omitted: today. At most REPORTS_MAX_PERIOD_DAYS after date_from."),
    )
    team = serializers.IntegerField(
        required=False, help_text=_("Admins: any team; others: theirs.")
    )
    manager = serializers.IntegerField(required=False, help_text=_("One manager of the team."))
    compare_from = serializers.DateField(required=False, help_text=_("Period against period."))
    compare_to = serializers.DateField(required=False)
    idle_days = serializers.IntegerField(required=False, help_text=_("Data quality; default 30."))
    stale_hours = serializers.IntegerField(required=False, help_text=_("Data quality; default 24."))


class FigureSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text=_("A number, or null when there is nothing to count."))
    url = serializers.CharField(
        help_text=_("The list of exactly the records counted; may be empty.")
    )
    count = serializers.IntegerField(
        required=False, help_text=_("Records behind url when value is a share, not a count.")
    )


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    cells = FigureSerializer(many=True)
    is_total = serializers.BooleanField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    note = serializers.CharField()
    chart_column = serializers.IntegerField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    scope = serializers.CharField(help_text=_("The team or the manager the figures are of."))
    parameters = serializers.DictField()
    sections = SectionSerializer(many=True)


class ReportDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class BoardRowSerializer(PlanProgressSerializer):
    manager_name = serializers.CharField(source="manager")
    pace_status = serializers.CharField(allow_null=True)


class BoardSerializer(serializers.Serializer):
    month = serializers.DateField()
    rows = BoardRowSerializer(many=True)
    total = CounterSerializer(many=True)


class ReportSnapshotSerializer(serializers.ModelSerializer):
    # A plain string in the schema: another enum named "kind" would collide with the journal's.
    kind = serializers.CharField(read_only=True, help_text=_("daily, weekly or monthly"))
    team_name = serializers.CharField(source="team", read_only=True)

    class Meta:
        model = ReportSnapshot
        fields = [
            "id",
            "kind",
            "team",
            "team_name",
            "period_start",
            "period_end",
            "parameters",
            "built_at",
        ]
        read_only_fields = fields


class ReportSnapshotDetailSerializer(ReportSnapshotSerializer):
    data = serializers.DictField(
        read_only=True, help_text=_("The stored reports by key, in the shape of a report.")
    )

    class Meta(ReportSnapshotSerializer.Meta):
        fields = [*ReportSnapshotSerializer.Meta.fields, "data"]
        read_only_fields = fields


class BoardQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(
        MONTH_PATTERN,
        required=False,
        help_text=_("YYYY-MM; omitted: this month."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    team = serializers.IntegerField(required=False, help_text=_("Admins only; omitted: yours."))
