"""Who may see what: the one place that turns a user into a data scope.

SPEC.md: "Scoping is a security property, not a filter: a township officer must be
unable to read or change another township's data through any page, export, API
call or guessed id." Every domain queryset's `visible_to(user)` starts here.
"""

from dataclasses import dataclass
from enum import StrEnum


class ScopeKind(StrEnum):
    NOTHING = "nothing"
    EVERYTHING = "everything"
    REGION = "region"  # task force, township officer, department: a subtree of the region tree
    COMPANY = "company"  # company staff: the projects their company serves


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    region_path: str = ""
    company_id: int | None = None
    department_id: int | None = None

    @property
    def ancestor_region_ids(self) -> list[int]:
        """Ids of the scope's region and every region above it, read off the path."""
        return [int(part) for part in self.region_path.strip("/").split("/") if part]


NOTHING = Scope(ScopeKind.NOTHING)


def scope_for(user) -> Scope:
    """The data scope of a user; anonymous or inactive users and half-configured accounts see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_admin:
        return Scope(ScopeKind.EVERYTHING)
    role = user.Role
    if user.role == role.COMPANY:
        return Scope(ScopeKind.COMPANY, company_id=user.company_id) if user.company_id else NOTHING
    if user.role in (role.TASK_FORCE, role.TOWNSHIP, role.DEPARTMENT) and user.region_id:
        return Scope(ScopeKind.REGION, region_path=user.region.path, department_id=user.department_id)
    return NOTHING
