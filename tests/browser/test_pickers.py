"""The type-ahead filter in a real browser: type part of a name, pick it, and the list narrows."""

from datetime import datetime

from complaints.models import Complaint
from complaints.rules import SHANGHAI

from .conftest import expect, login


def test_picking_a_project_from_the_type_ahead_filters_the_complaint_list(page, task_force, projects):
    for key, project in projects.items():
        Complaint.objects.create(
            ticket=f"P-{key}", received_at=datetime(2024, 7, 3, 9, tzinfo=SHANGHAI), township=project.township,
            region_path=project.region_path, project=project, match_state="matched", raw_project_name=project.name,
        )  # fmt: skip
    login(page, task_force)
    page.goto("/complaints/")
    search = page.get_by_label("项目")
    search.fill("锦绣")
    option = page.get_by_role("option", name="锦绣苑（东城街道）")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#results")).to_contain_text("P-y")
    expect(page.locator("#results")).not_to_contain_text("P-a")
    assert f"project={projects['y'].pk}" in page.url
    expect(search).to_have_value("锦绣苑（东城街道）")
