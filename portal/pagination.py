"""A paginator whose count stops at a cap, so a list of the whole district (half a million
people) never counts every row on every page (SPEC §8: lists answer in under 200 ms).

Past the cap the list says "5,000+" and the user narrows it with the filters; the pages up
to the cap are all reachable."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 5_000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not hasattr(object_list, "count") or isinstance(object_list, list):
            return len(object_list)
        # Counting needs no order, and stops after the cap.
        found = object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    capped = False
