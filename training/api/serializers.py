from rest_framework import serializers

from portal.api.serializers import ScopedModelSerializer

from ..choices import TrainingKind
from ..models import Attendance, Course, SelfLoggedTraining


class CourseSerializer(ScopedModelSerializer):
    class Meta:
        model = Course
        fields = [
            "id",
            "district",
            "level",
            "township",
            "title",
            "kind",
            "start_date",
            "end_date",
            "hours",
            "budget",
            "location",
        ]
        read_only_fields = ["district"]
        extra_kwargs = {"level": {"required": False}}
        validators = []


class AttendanceSerializer(ScopedModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "course", "person", "hours", "verified", "recorded_at"]
        read_only_fields = ["recorded_at"]
        validators = []


class AttendanceRowSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=50, required=False)
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)


class AttendanceBulkSerializer(serializers.Serializer):
    """Many attendees of one course at once, all or nothing (like the XLSX upload)."""

    course = serializers.IntegerField()
    verified = serializers.BooleanField(default=True)
    rows = AttendanceRowSerializer(many=True, allow_empty=False)


class SelfLoggedTrainingSerializer(ScopedModelSerializer):
    """A secretary's entry; ``person`` is always the requesting secretary, never input."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    evidence = serializers.FileField(write_only=True)
    evidence_url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=TrainingKind.choices)

    class Meta:
        model = SelfLoggedTraining
        fields = [
            "id",
            "person",
            "person_name",
            "date",
            "provider",
            "kind",
            "hours",
            "evidence",
            "evidence_url",
            "evidence_type",
            "status",
            "reject_reason",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = [
            "person",
            "evidence_type",
            "status",
            "reject_reason",
            "created_at",
            "reviewed_at",
        ]
        validators = []

    def get_evidence_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_evidence_url()
        return request.build_absolute_uri(url) if request else url


class ReviewSerializer(serializers.Serializer):
    # bounded: a number beyond a primary key's range made SQLite overflow (a 500, found by
    # the API fuzz test)
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False
    )
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ComplianceRowSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.name")
    village = serializers.CharField(source="village.name")
    village_id = serializers.IntegerField(source="village.pk")
    township = serializers.CharField(source="township.name")
    township_id = serializers.IntegerField(source="township.pk")
    served_days = serializers.IntegerField(source="progress.served_days")
    hours = serializers.DecimalField(source="progress.hours", max_digits=8, decimal_places=2)
    days = serializers.DecimalField(source="progress.days", max_digits=6, decimal_places=2)
    required_days = serializers.DecimalField(
        source="progress.required_days", max_digits=4, decimal_places=1
    )
    compliant = serializers.BooleanField()


class TownshipSummarySerializer(serializers.Serializer):
    township = serializers.CharField(source="township.name")
    township_id = serializers.IntegerField(source="township.pk")
    secretaries = serializers.IntegerField()
    compliant = serializers.IntegerField()
    behind = serializers.IntegerField()
    percent = serializers.IntegerField()


class BudgetSerializer(serializers.Serializer):
    district = serializers.CharField(source="district.name")
    year = serializers.IntegerField()
    total_budget = serializers.DecimalField(
        source="result.total_budget", max_digits=14, decimal_places=2
    )
    secretaries = serializers.IntegerField(source="result.secretaries")
    per_secretary = serializers.DecimalField(
        source="result.per_secretary", max_digits=14, decimal_places=2, allow_null=True
    )
    standard = serializers.DecimalField(source="result.standard", max_digits=12, decimal_places=2)
    meets = serializers.BooleanField(source="result.meets", allow_null=True)
