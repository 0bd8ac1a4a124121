"""Delivery: what mail costs the instructor's request, and how fast the worker sends it.

1. An announcement to a course of N subscribers who all chose "immediately": the instructor's
   request (the service call and its commit, as the admin's save makes it) beside the same
   announcement to a course of 0 subscribers, measured in the same run. Planning and sending are
   the worker's, so the difference should be nothing.
2. The worker (`manage.py lms_worker`, 1 and then 2 processes) delivering those N mails to a local
   SMTP server (aiosmtpd): mails per second, from the commit to the last delivery recorded `sent`,
   beside the floor: plain smtplib sending N small messages over one connection to the same server.

    .venv/bin/python -m bench.delivery [--subscribers 10000] [--database sqlite|postgres]
"""

import argparse
import os
import smtplib
import statistics
import time
from email.message import EmailMessage

from bench.common import (
    PRODUCTION_LIKE,
    fresh_postgres,
    fresh_sqlite,
    table,
    use_database,
    write_results,
)
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer


def smtp_floor(sink: SmtpSink, count: int) -> float:
    """Messages per second that plain smtplib gets through to the same server."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for n in range(count):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "lms@localhost", f"floor{n}@example.edu", "floor"
            message.set_content("x" * 600)
            smtp.send_message(message)
    return count / (time.perf_counter() - started)


def request_ms(course, teacher, repeats: int) -> list[float]:
    from django.db import transaction

    from courses import services

    times = []
    for n in range(repeats):
        started = time.perf_counter()
        with transaction.atomic():  # the admin's save: the service, its commit and on_commit hooks
            services.post_announcement(course=course, title=f"Bench {n}", body="Text", author=teacher)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    os.environ.update(PRODUCTION_LIKE)
    url = fresh_sqlite("delivery") if args.database == "sqlite" else fresh_postgres("lms_bench_delivery")
    use_database(url)
    from django.contrib.auth import get_user_model

    from accounts.services import make_instructor
    from courses.models import Course, Subscription
    from notifications.delivery.models import Delivery

    User = get_user_model()
    teacher = User.objects.create_user(username="teacher", email="t@example.edu", password="x", role="instructor")
    make_instructor(teacher)
    big = Course.objects.create(code="BIG", title="Big", instructor=teacher, is_published=True)
    empty = Course.objects.create(code="EMPTY", title="Empty", instructor=teacher, is_published=True)
    User.objects.bulk_create(
        [User(username=f"s{n}", email=f"s{n}@example.edu", password="x") for n in range(args.subscribers)],
        batch_size=2000,
    )
    students = User.objects.filter(username__startswith="s").exclude(pk=teacher.pk)
    Subscription.objects.bulk_create([Subscription(student=s, course=big) for s in students], batch_size=2000)

    baseline = request_ms(empty, teacher, args.repeats)
    loaded = request_ms(big, teacher, args.repeats)
    Delivery.objects.all().delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the requests' planning tasks: the worker runs are timed below

    sink = SmtpSink().start()
    floor = smtp_floor(sink, min(args.subscribers, 5000))
    throughput = []
    for workers in (1, 2):
        env = {**PRODUCTION_LIKE, **sink.env, "MAIL_COALESCE_SECONDS": "0", "DELIVERY_TICK_SECONDS": "0.5"}
        servers = [WorkerServer(database_url=url, extra_env=env).start() for _ in range(workers)]
        received_before = len(sink.raw)
        started = time.perf_counter()
        from courses import services

        services.post_announcement(course=big, title=f"To {workers}", body="Text", author=teacher)
        while Delivery.objects.filter(event__payload__title=f"To {workers}", state=Delivery.State.SENT).count() < len(
            students
        ):
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        for server in servers:
            server.stop()
        throughput.append(
            {
                "workers": workers,
                "mails": len(sink.raw) - received_before,
                "seconds": round(seconds, 1),
                "mails/s": round(len(students) / seconds),
                "floor (smtplib) mails/s": round(floor),
            }
        )
    sink.stop()

    def ms(values):
        return {
            "median": round(statistics.median(values), 2),
            "p95": round(sorted(values)[int(len(values) * 0.95) - 1], 2),
        }

    request_rows = [
        {"course": "0 subscribers (baseline)", **ms(baseline)},
        {"course": f"{args.subscribers} subscribers, all 'immediately'", **ms(loaded)},
    ]
    print(table(request_rows, ["course", "median", "p95"], title=f"\nThe instructor's request, ms ({args.database})"))
    print(table(throughput, list(throughput[0]), title=f"\nThe worker to a local SMTP server ({args.database})"))
    write_results(
        f"delivery-{args.database}",
        {"subscribers": args.subscribers, "request_ms": request_rows, "throughput": throughput},
    )


if __name__ == "__main__":
    main()
