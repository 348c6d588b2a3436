from rest_framework import serializers

from portal.scope import scope_queryset


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-row fields accept only ids inside the requesting user's scope."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            if isinstance(target, serializers.RelatedField) and target.queryset is not None:
                target.queryset = (
                    scope_queryset(request.user, target.queryset)
                    if request is not None
                    else target.queryset.none()
                )
        return fields
