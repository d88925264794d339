"""A burst of e-mails (the yearly fee notices) drains in one delivery round, each e-mail sent and recorded once."""

from sqlalchemy import func, select

from cars_shared.messaging_tables import outbox
from notify import handlers
from notify.domain.notice_email import NoticeEmail
from notify.mail_transport import MailNotDelivered, SmtpTransport
from notify.models import Email

MAIL_FROM = "CARS <no-reply@cars.example>"


def queue(database, count):
    with database.session() as session:
        for number in range(count):
            content = NoticeEmail(f"Notice {number}", f"Notice {number}", f"<p>Notice {number}</p>")
            handlers.queue_email(session, content, notice_key=f"corr-{number}", recipient=f"person{number}@example.org")


def statuses(database):
    with database.session() as session:
        return dict(session.execute(select(Email.status, func.count()).group_by(Email.status)).all())


def test_more_e_mails_than_a_batch_are_all_sent_in_one_round_and_each_recorded_once(migrated_database, smtp_sink):
    database = migrated_database("notify")
    queue(database, 2 * handlers.DELIVERY_BATCH + 5)
    outcome = handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM))
    assert (outcome.sent, outcome.retrying, outcome.failed) == (2 * handlers.DELIVERY_BATCH + 5, 0, 0)
    assert sorted(message["To"] for message in smtp_sink.messages) == sorted(
        f"person{number}@example.org" for number in range(2 * handlers.DELIVERY_BATCH + 5)
    )
    assert statuses(database) == {"sent": 2 * handlers.DELIVERY_BATCH + 5}
    with database.session() as session:
        announced = session.scalar(select(func.count()).select_from(outbox).where(outbox.c.event_type == "email_sent"))
    assert announced == 2 * handlers.DELIVERY_BATCH + 5
    assert handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM)).sent == 0


class RefusingEveryThird:
    """Takes every e-mail but each third one, which it refuses for good."""

    def __init__(self):
        self.taken = []

    def send(self, mail):
        if int(mail.subject.split()[-1]) % 3 == 2:
            raise MailNotDelivered("550 no such mailbox", permanent=True)
        self.taken.append(mail.email_id)


def test_in_a_burst_refused_e_mails_are_recorded_failed_and_the_rest_sent(migrated_database):
    database = migrated_database("notify")
    queue(database, handlers.DELIVERY_BATCH + 10)
    transport = RefusingEveryThird()
    outcome = handlers.deliver_due_emails(database, transport)
    refused = sum(1 for number in range(handlers.DELIVERY_BATCH + 10) if number % 3 == 2)
    assert (outcome.sent, outcome.failed) == (handlers.DELIVERY_BATCH + 10 - refused, refused)
    assert statuses(database) == {"sent": len(transport.taken), "failed": refused}
