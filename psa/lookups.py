"""``cw_id__among=[...]``: a page's worth of ConnectWise ids in one parameter.

A sync looks up rows by the thousand ids a page names. ``__in`` sends each
id as its own parameter, and building and quoting a thousand of them took
more of a catch-up's time than PostgreSQL took to answer (measured: a tenth
of a second per ticket page). On PostgreSQL the ids travel as one text
parameter, read as an array; elsewhere the lookup is ``__in``.
"""

from django.db.models import BigIntegerField
from django.db.models.lookups import In

_BIGINT = (-(2**63), 2**63 - 1)


@BigIntegerField.register_lookup
class Among(In):
    lookup_name = "among"

    def get_prep_lookup(self):
        # Only whole numbers a bigint holds can match a ConnectWise id.
        self.rhs = [
            value
            for value in self.rhs
            if isinstance(value, int)
            and not isinstance(value, bool)
            and _BIGINT[0] <= value <= _BIGINT[1]
        ]
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = ",".join(str(value) for value in self.rhs)
        return (
            f"{lhs} = ANY(string_to_array(%s, ',')::bigint[])",
            (*lhs_params, ids),
        )
