"""Self-check forms (自查表), filled per project by the company or the township.

Seed 002 §四(二)1: "三个街道办工作组及时按照整治内容逐条进行全面排查,对发现的问题隐患,建立问题台账,
制定整改措施,明确整改时限和责任人,同时形成自查表(附件1)。" SPEC.md: "every answer "否" becomes a
ledger item". A few of §三's questions ask about the wrongdoing itself ("是否擅自撤离和拒不退出",
"是否干扰破坏业主大会召开…"): for those the answer that reveals a problem is "是", so each question
in the data file says which answer is the problem (`problem_answer`).
"""

import json
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from ledgers import workflow
from ledgers.models import LedgerItem
from orgs.models import Project, User

from .models import Campaign, Category, SelfCheck
from .preset_loader import PRESET_DIR

DEFAULT_TEMPLATE = "wuchuan-2023-selfcheck"


@dataclass(frozen=True)
class Question:
    code: str
    category: str
    text: str
    problem_answer: str


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    questions: list[Question]


@dataclass(frozen=True)
class Template:
    slug: str
    title: str
    preset: str
    sections: list[Section]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class Answer:
    answer: str  # "是" or "否"
    note: str = ""


def load_template(slug: str = DEFAULT_TEMPLATE) -> Template:
    data = json.loads((PRESET_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    sections = [
        Section(s["code"], s["title"], [Question(**q) for q in s["questions"]]) for s in data["sections"]
    ]
    return Template(data["slug"], data["title"], data["preset"], sections)


def _categories_for(campaign: Campaign, template: Template) -> dict[str, Category]:
    """The template's categories exist in campaigns loaded from its plan; elsewhere items stay 未分类."""
    if campaign.preset != template.preset:
        return {}
    return {c.code: c for c in Category.objects.filter(campaign=campaign)}


def problem_text(question: Question, answer: Answer) -> str:
    text = f"自查发现：{question.text}——答“{answer.answer}”"
    return f"{text}。{answer.note.strip()}" if answer.note.strip() else text


@transaction.atomic
def submit(
    campaign: Campaign,
    project: Project,
    user: User,
    answers: dict[str, Answer],
    template: Template,
    deadline: date | None = None,
) -> SelfCheck:
    """Keep the filled form and log one ledger item (source 自查) per answer that reveals a problem."""
    missing = [q.code for q in template.questions if q.code not in answers]
    if missing:
        raise workflow.WorkflowError(f"还有 {len(missing)} 个问题未作答。")
    check = SelfCheck.objects.create(
        campaign=campaign,
        project=project,
        template=template.slug,
        region_path=project.region_path,
        company_id=project.company_id,
        filled_by=user,
    )
    categories = _categories_for(campaign, template)
    rows = []
    for question in template.questions:
        answer = answers[question.code]
        item_id = None
        if answer.answer == question.problem_answer:
            item = workflow.create_item(
                user=user,
                campaign=campaign,
                project=project,
                problem=problem_text(question, answer),
                category=categories.get(question.category),
                source=LedgerItem.Source.SELF_CHECK,
                deadline=deadline,
                source_ref=f"selfcheck:{check.pk}:{question.code}",
            )
            item_id = item.pk
        rows.append(
            {
                "code": question.code,
                "question": question.text,
                "answer": answer.answer,
                "note": answer.note,
                "item_id": item_id,
            }
        )
    check.answers = rows
    check.save(update_fields=["answers"])
    return check
