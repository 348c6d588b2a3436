from rest_framework.pagination import PageNumberPagination

from portal.pagination import CappedPaginator


class PortalPagination(PageNumberPagination):
    """``count`` stops at 5,000 (``capped`` says so): see portal.pagination."""

    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = bool(getattr(self.page.paginator, "capped", False))
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when there are more rows than the count shows (5,000).",
        }
        return schema
