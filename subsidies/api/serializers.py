from rest_framework import serializers

from portal.api.serializers import ScopedModelSerializer
from portal.masking import mask_bank_account

from ..derivations import render
from ..models import PaymentLine, PayrollRun, PerformanceStandard, Policy


class PolicySerializer(ScopedModelSerializer):
    class Meta:
        model = Policy
        exclude = ["created_by"]
        read_only_fields = ["district", "created_at"]
        validators = []


class PerformanceStandardSerializer(ScopedModelSerializer):
    class Meta:
        model = PerformanceStandard
        fields = ["id", "township", "valid_from", "amount"]
        validators = []


class PayrollRunSerializer(ScopedModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = PayrollRun
        fields = [
            "id",
            "township",
            "township_name",
            "month",
            "status",
            "policy",
            "line_count",
            "held_count",
            "total_amount",
            "progress_done",
            "progress_total",
            "integrity_warnings",
            "computed_at",
            "approved_at",
            "locked_at",
            "disbursed_at",
            "chain_position",
            "ledger_hash",
            "error",
        ]
        read_only_fields = fields


class PaymentLineSerializer(ScopedModelSerializer):
    """Lines with the derivation in words; the account stays masked (finance exports are
    the one place it is shown in full)."""

    derivation_text = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()

    class Meta:
        model = PaymentLine
        fields = [
            "id",
            "run",
            "person",
            "village",
            "component",
            "kind",
            "pays_for",
            "amount",
            "held",
            "days",
            "derivation",
            "derivation_text",
            "corrects",
            "source",
            "account_name",
            "bank_name",
            "bank_account",
        ]
        read_only_fields = fields

    def get_derivation_text(self, obj) -> str:
        return render(obj.derivation)

    def get_bank_account(self, obj) -> str:
        return mask_bank_account(obj.bank_account)


class RunActionSerializer(serializers.Serializer):
    acknowledge = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
