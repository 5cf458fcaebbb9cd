"""What a computed quarter proposes to the action register (SPEC.md "Consequences are records").

Every proposal goes through campaigns.actions.propose_all, which is idempotent and never
touches an action the task force already confirmed, waived or completed. The objects
the targets need are loaded once, in bulk, for every proposal of the quarter.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from campaigns.action_rules import QUARTERLY, rule_text
from campaigns.actions import Proposal, Target, propose_all
from campaigns.models import Action, Campaign
from orgs.models import Company, Department, Manager, Project

from . import rules
from .figures import QuarterFigures
from .periods import Quarter

if TYPE_CHECKING:
    from .quarterly import Outcome


def evidence(quarter: Quarter, **facts) -> dict:
    """Evidence as JSON: Decimals as strings, always saying which quarter."""
    return {
        "quarter": str(quarter),
        **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in facts.items()},
    }


class Proposer:
    """Proposes one quarter's consequences and remembers their keys, so stale proposals can be withdrawn."""

    def __init__(
        self, campaign: Campaign, quarter: Quarter, figures: QuarterFigures, outcome: Outcome, params: dict
    ):
        self.campaign, self.quarter, self.figures, self.outcome, self.params = (
            campaign,
            quarter,
            figures,
            outcome,
            params,
        )
        self.proposals: list[Proposal] = []
        self.scored = sum(1 for s in outcome.scored.values() if s.cents is not None)
        self.black = set(outcome.lists.black)
        self.black_companies = {b.company_id: b for b in outcome.blacklisted}
        self.needs_fee = {
            pid
            for pid, inp in figures.inputs.items()
            if rules.needs_fee_reduction(
                pid in self.black, inp.price_quality_complaints, params["fee_reduction_complaints"]
            )
        }
        quality = {pid for c in self.black_companies for pid in figures.served.get(c, ())}
        ids = self.black | self.needs_fee | quality
        self.projects = Project.objects.in_bulk(ids)
        self.companies = Company.objects.in_bulk(
            {figures.projects[p].company_id for p in ids} | set(self.black_companies)
        )
        self.managers = Manager.objects.in_bulk({figures.projects[p].manager_id for p in self.black} - {None})

    def add(self, kind: str, target: Target, facts: dict) -> None:
        num, den = self.params["company_blacklist_share"]
        rule = rule_text(
            self.campaign,
            QUARTERLY,
            kind,
            n=self.params["blacklist_times_replace_company"],
            share=f"{num}/{den}",
        )
        self.proposals.append(Proposal(kind, target, rule, facts))

    def propose_all(self, user=None) -> set[tuple]:
        """Propose every consequence of the quarter in one bulk write; returns their keys."""
        for pid in sorted(self.black):
            self.black_listed(pid)
        for pid in sorted(self.needs_fee):
            self.fee_reduction(pid)
        for cid in sorted(self.black_companies):
            self.company_blacklist(cid)
        self.statements()
        propose_all(self.campaign, str(self.quarter), self.proposals, user)
        return {p.key for p in self.proposals}

    def black_listed(self, pid: int) -> None:
        """Seed 000: "列入“黑榜项目”的更换项目经理，进行媒体曝光；2 次列入“黑榜项目”的，启动更换物业企业程序。"""
        row, outcome = self.figures.projects[pid], self.outcome
        project, company = self.projects[pid], self.companies.get(row.company_id)
        quarters = [*self.figures.black_before.get(pid, []), str(self.quarter)]
        facts = evidence(
            self.quarter,
            list="black",
            score=outcome.scored[pid].score,
            rank=outcome.ranks[pid],
            of=self.scored,
            black_quarters=quarters,
            list_rule=outcome.lists.rule_text,
        )
        manager = self.managers.get(row.manager_id)
        for kind in rules.blacklist_consequences(
            len(quarters), self.params["blacklist_times_replace_company"]
        ):
            if kind == Action.Kind.REPLACE_MANAGER and manager:
                self.add(kind, Target.manager(manager, project), facts)
            else:
                self.add(kind, Target.project(project, company, manager), facts)

    def fee_reduction(self, pid: int) -> None:
        row, inputs = self.figures.projects[pid], self.figures.inputs[pid]
        facts = evidence(
            self.quarter,
            on_black_list=pid in self.black,
            price_quality_complaints=inputs.price_quality_complaints,
            threshold=self.params["fee_reduction_complaints"],
        )
        target = Target.project(self.projects[pid], self.companies.get(row.company_id))
        self.add(Action.Kind.FEE_REDUCTION, target, facts)

    def company_blacklist(self, cid: int) -> None:
        """Seed 000: "…将该企业列入黑名单，对该企业服务项目开展服务质量评价"."""
        b, company = self.black_companies[cid], self.companies[cid]
        num, den = self.params["company_blacklist_share"]
        facts = evidence(
            self.quarter,
            black_projects=b.black_projects,
            served_projects=b.served_projects,
            share=f"{num}/{den}",
            black_project_ids=sorted(set(self.figures.served[cid]) & self.black),
        )
        self.add(Action.Kind.COMPANY_BLACKLIST, Target.company(company, self.campaign), facts)
        for pid in sorted(self.figures.served[cid]):
            target = Target.project(self.projects[pid], company)
            self.add(Action.Kind.QUALITY_EVALUATION, target, {**facts, "company": company.name})

    def statements(self) -> None:
        """Seed 000 §五: the last township/department of a quarter (or of two in a row) speaks at a meeting."""
        units, quarter = self.outcome.units, self.quarter
        last = [u for u in units if u.is_last]
        departments = Department.objects.select_related("region").in_bulk(
            [u.key[1] for u in last if u.key[0] == "department"]
        )
        for u in last:
            kind = rules.statement_kind(True, u.key in self.figures.last_before)
            two = kind == Action.Kind.STATEMENT_PARTY_COMMITTEE
            facts = evidence(
                quarter,
                score=u.score,
                rank=u.rank,
                of=sum(1 for x in units if x.key[0] == u.key[0] and x.score is not None),
                last_quarters=[str(quarter.previous()), str(quarter)] if two else [str(quarter)],
            )
            if u.key[0] == "township":
                target = Target.township(self.figures.townships[u.key[1]])
            else:
                target = Target.department(departments[u.key[1]])
            self.add(kind, target, facts)
