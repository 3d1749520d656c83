from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.models import Plan


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


class CountersQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("YYYY-MM; omitted: this month."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    manager = serializers.IntegerField(
        required=False, help_text=_("A supervisor's team member; omitted: the signed-in user.")
    )
