from rest_framework import serializers

from portal.api.serializers import ScopedModelSerializer
from portal.masking import mask_bank_account, mask_id_number, mask_phone

from ..models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post


class PersonSerializer(ScopedModelSerializer):
    """ID numbers and phones are masked in lists and for readers who do not keep the record
    (as on the pages); the bank account is masked everywhere (SPEC §2) and can only be
    written."""

    bank_account_masked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "village",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "education",
            "phone",
            "email",
            "bank_name",
            "bank_account",
            "bank_account_masked",
            "died_on",
        ]
        extra_kwargs = {
            "bank_account": {"write_only": True},
            "gender": {"required": False},
            "birth_date": {"required": False},
        }
        validators = []

    def get_bank_account_masked(self, obj) -> str:
        return mask_bank_account(obj.bank_account)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("full_id_number"):
            # masked as the pages mask them: in lists, and for those who do not keep the
            # record (finance reads people; issue 9 item 6)
            data["id_number"] = mask_id_number(instance.id_number)
            data["phone"] = mask_phone(instance.phone)
        return data


class PostSerializer(ScopedModelSerializer):
    class Meta:
        model = Post
        fields = [
            "id",
            "person",
            "village",
            "branch",
            "role",
            "start_date",
            "end_date",
            "end_reason",
        ]
        validators = []


class PerformanceAppraisalSerializer(ScopedModelSerializer):
    class Meta:
        model = PerformanceAppraisal
        fields = ["id", "person", "period_start", "period_end", "grade"]
        validators = []


class AnnualAssessmentSerializer(ScopedModelSerializer):
    class Meta:
        model = AnnualAssessment
        fields = ["id", "person", "year", "score", "grade"]
        validators = []


class HealthCheckSerializer(ScopedModelSerializer):
    class Meta:
        model = HealthCheck
        fields = ["id", "person", "checked_on", "note"]
        validators = []
