"""Ready-made reference dicts shared by many payloads.

Boards, statuses, members, priorities and ticket classifications are a
few dozen fixed objects per href root; building them once per root keeps
a 1000-ticket page from rebuilding thousands of identical small dicts.
The dicts are shared between payloads, so they must never be mutated:
the Dataset's public readers hand out copies.
"""

from functools import lru_cache

from . import catalog, names


class Fragments:
    def __init__(self, root: str):
        self.root = root
        self.boards = {b: catalog.board_ref(root, b, n) for b, n in catalog.BOARDS}
        self.statuses = {
            (b, s[0]): catalog.status_ref(root, b, s)
            for b, _ in catalog.BOARDS
            for s in catalog.STATUSES
        }
        self.members = {m[0]: catalog.member_ref(root, m) for m in catalog.MEMBERS}
        self.priorities = {
            p[0]: catalog.priority_ref(root, p) for p in catalog.PRIORITIES
        }
        self.types = {b: classifications(root, b) for b, _ in catalog.BOARDS}

    def member(self, member: tuple) -> dict:
        return self.members[member[0]]


def classifications(root: str, board_id: int) -> tuple:
    """(types, subtypes by type, teams) of one board, as ready refs."""
    base = f"{root}/service/boards/{board_id}"
    types, subtypes = [], []
    for type_index, (type_name, subs) in enumerate(names.TICKET_TYPES):
        type_id = 40 + type_index
        href = {"type_href": f"{base}/types/{type_id}"}
        types.append({"id": type_id, "name": type_name, "_info": href})
        subtypes.append([_subtype(base, type_index, i, n) for i, n in enumerate(subs)])
    teams = [_team(base, i, name) for i, name in enumerate(names.TEAMS)]
    return types, subtypes, teams


def _subtype(base: str, type_index: int, sub_index: int, name: str) -> dict:
    sub_id = 70 + type_index * 3 + sub_index
    href = {"subType_href": f"{base}/subtypes/{sub_id}"}
    return {"id": sub_id, "name": name, "_info": href}


def _team(base: str, index: int, name: str) -> dict:
    team_id = 5 + index
    return {
        "id": team_id,
        "name": name,
        "_info": {"team_href": f"{base}/teams/{team_id}"},
    }


@lru_cache(maxsize=4)
def fragments(root: str) -> Fragments:
    return Fragments(root)
