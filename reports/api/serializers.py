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
