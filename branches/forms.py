from portal.forms import DateInput, ScopedModelForm

from .models import Branch, PartyMember, Village


class VillageForm(ScopedModelForm):
    class Meta:
        model = Village
        fields = ["township", "code", "name"]


class BranchForm(ScopedModelForm):
    class Meta:
        model = Branch
        fields = [
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


class PartyMemberForm(ScopedModelForm):
    class Meta:
        model = PartyMember
        fields = [
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
        widgets = {
            name: DateInput()
            for name in (
                "applied_on",
                "activist_on",
                "target_on",
                "probationary_on",
                "full_on",
                "away_since",
            )
        }
