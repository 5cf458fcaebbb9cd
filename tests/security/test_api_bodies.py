"""Bodies that are not objects are 400s, not 500s: what the fuzzer found on the action moves (issue 18, item 5)."""

import pytest


@pytest.mark.parametrize("move", ["confirm", "waive", "complete"])
@pytest.mark.parametrize("body", ["[]", '"text"', "17", "null", "true"])
def test_an_action_move_with_a_body_that_is_not_an_object_is_a_400(
    client_for, task_force, action, move, body
):
    response = client_for(task_force).post(
        f"/api/actions/{action.pk}/{move}/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    action.refresh_from_db()
    assert action.status == "proposed"
