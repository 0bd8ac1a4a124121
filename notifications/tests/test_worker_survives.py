"""The task worker (`manage.py lms_worker`, a real process) outlives a database error in its loop:
here a task's row deleted while the task ran, as a test database's flush or an operator's clean-up
does. db_worker alone exits then, and with it mail, push and the scheduler's heartbeat."""

import signal

from django_tasks_db.models import DBTaskResult

from lms_site.testing import tasks
from lms_site.testing.servers import eventually


def test_the_worker_carries_on_after_a_running_tasks_row_is_deleted(worker, tmp_path):
    go, mark = tmp_path / "go", tmp_path / "mark"
    running = tasks.wait_for_file.enqueue(str(go))
    eventually(lambda: DBTaskResult.objects.filter(pk=running.id, status="RUNNING").exists(), timeout=30)
    DBTaskResult.objects.filter(pk=running.id).delete()
    go.touch()  # the task ends; recording its result fails: the row is gone

    tasks.touch.enqueue(str(mark))
    try:
        eventually(mark.exists, timeout=30)
    except AssertionError:
        raise AssertionError(f"the worker ran nothing after the error; its log:\n{worker.log()[-3000:]}") from None
    assert worker.process.poll() is None
    assert "starting it again" in worker.log()


def test_a_worker_asked_to_stop_stops_even_if_the_last_result_cannot_be_recorded(worker, tmp_path):
    go = tmp_path / "go"
    running = tasks.wait_for_file.enqueue(str(go))
    # The task itself says it runs: a SIGTERM between the claim and the run exits at once.
    eventually(tasks.started_mark(str(go)).exists, timeout=30)
    worker.process.send_signal(signal.SIGTERM)  # db_worker finishes the task under way, then exits
    eventually(lambda: "shutting down gracefully" in worker.log(), timeout=10)
    DBTaskResult.objects.filter(pk=running.id).delete()
    go.touch()
    assert worker.process.wait(30) == 0
    assert "as it was stopping; stopped" in worker.log()
