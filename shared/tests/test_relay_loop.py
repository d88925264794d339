"""The publishing loop shared by the outbox relay and notify's partner feed publisher."""

from __future__ import annotations

from cars_shared.relay import publish_until_stopped


def test_the_loop_backs_off_after_failures_and_polls_less_often_while_idle():
    outcomes: list[int | Exception] = [OSError("down"), OSError("down"), OSError("down"), 3, 0, 0, 0, 2, 0]
    sleeps: list[float] = []
    failures: list[Exception] = []

    def publish_pending() -> int:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    publish_until_stopped(
        publish_pending,
        lambda: not outcomes,
        poll_seconds=1.0,
        max_backoff=0.3,
        sleep=sleeps.append,
        retry_event="test_retry",
        on_failure=failures.append,
    )

    # Failures: 0.1, 0.2, then capped at 0.3; idle polls: 1, 2, 4 (capped at 4 x poll); after work: 1 again.
    assert sleeps == [0.1, 0.2, 0.3, 1.0, 2.0, 4.0, 1.0]
    assert [str(error) for error in failures] == ["down", "down", "down"]


def test_a_failure_without_a_handler_only_backs_off():
    outcomes: list[int | Exception] = [RuntimeError("no database"), 1]
    sleeps: list[float] = []

    def publish_pending() -> int:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    publish_until_stopped(
        publish_pending, lambda: not outcomes, poll_seconds=0.5, max_backoff=5.0, sleep=sleeps.append, retry_event="x"
    )
    assert sleeps == [0.1]
