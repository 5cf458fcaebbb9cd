"""The whole worker SIGKILLed in the middle of a monthly ranking computation: the result published
before stays visible while the worker is gone, and the rerun publishes once (issue 8: "SIGKILL a
worker mid-computation").

To be sure the kill lands mid-computation (a small data set computes in a second), the test holds a
SHARE lock on the ranking table: readers go on, the computation blocks at its first write into it,
inside its transaction. The lock is released once the restarted worker has the task again.
"""

import psycopg

from .conftest import Browser, wait_for

MONTH = "2026-10"
RANKINGS = (
    "SELECT r.project_id, r.rank, r.count FROM complaints_monthlyranking r "
    "JOIN complaints_monthlyrun m ON m.id = r.run_id WHERE m.month = %s ORDER BY r.rank, r.project_id"
)
BLOCKED = (
    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "WHERE NOT l.granted AND c.relname = 'complaints_monthlyranking'"
)


def computed_at(app) -> list:
    return app.sql("SELECT id, computed_at FROM complaints_monthlyrun WHERE month = %s", (MONTH,))


def test_a_worker_killed_mid_computation_leaves_the_published_result(stack, app_factory):
    # Redelivery of a task whose worker vanished waits for the visibility timeout: short here.
    app = app_factory(stack.fresh_database("tiny"), web=True, worker=True, CELERY_VISIBILITY_TIMEOUT="10")
    browser = Browser(app.base_url).login("bench_taskforce")
    compute = {"campaign": "bench", "month": MONTH}

    status, text, _ = browser.request("/complaints/ranking/compute/", compute)
    assert status == 200 and "已提交" in text
    first = wait_for(lambda: computed_at(app), 120, "the first computation")
    published = app.sql(RANKINGS, (MONTH,))
    assert published

    with psycopg.connect(app.database_url) as holder:
        holder.execute("LOCK TABLE complaints_monthlyranking IN SHARE MODE")
        status, _, _ = browser.request("/complaints/ranking/compute/", compute)
        assert status == 200
        wait_for(lambda: app.sql(BLOCKED)[0][0], 60, "the rerun to reach the ranking table")
        app.kill_worker()  # the whole worker, mid-transaction
        # PostgreSQL notices the dead client (client_connection_check_interval) and rolls it back.
        wait_for(lambda: not app.sql(BLOCKED)[0][0], 30, "the killed worker's transaction to end")

        # Nobody computes now: readers still see the published month, unchanged.
        assert app.sql(RANKINGS, (MONTH,)) == published and computed_at(app) == first
        status, text, _ = browser.request(f"/complaints/ranking/?campaign=bench&month={MONTH}")
        assert status == 200 and MONTH in text

        app.start_worker()
        # The message comes back once its visibility timeout has passed, and blocks again at the lock.
        wait_for(lambda: app.sql(BLOCKED)[0][0], 120, "the task to be delivered again")
        holder.rollback()  # release the lock

    wait_for(lambda: computed_at(app) != first, 60, "the rerun to publish")
    assert len(computed_at(app)) == 1  # one run for the month, replaced in one transaction
    assert app.sql(RANKINGS, (MONTH,)) == published  # same data in, same ranking out
