from portal.api.serializers import ScopedModelSerializer

from ..models import Branch, PartyMember, Township, Village


class TownshipSerializer(ScopedModelSerializer):
    class Meta:
        model = Township
        fields = ["id", "district", "code", "name", "kind", "appraisal_period"]


class VillageSerializer(ScopedModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "township", "code", "name"]


class BranchSerializer(ScopedModelSerializer):
    class Meta:
        model = Branch
        fields = [
            "id",
            "township",
            "code",
            "name",
            "kind",
            "villages",
            "five_good",
            "five_good_year",
            "weak_lax",
            "rectification_note",
        ]


class PartyMemberSerializer(ScopedModelSerializer):
    class Meta:
        model = PartyMember
        fields = [
            "id",
            "person",
            "branch",
            "stage",
            "applied_on",
            "activist_on",
            "target_on",
            "probationary_on",
            "full_on",
            "mobility",
            "away_since",
            "certificate_no",
        ]
        validators = []  # the service validates, with the model's own messages
