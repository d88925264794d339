import socket

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_smtp_url():
    """An SMTP URL where nothing listens."""
    return f"smtp://127.0.0.1:{free_port()}"


@pytest.fixture
def refusing_smtp():
    """Starts real SMTP servers that answer every recipient with the given reply; returns their URL."""
    controllers = []

    def start(reply: str) -> str:
        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
                return reply

        port = free_port()
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return f"smtp://127.0.0.1:{port}"

    yield start
    for controller in controllers:
        controller.stop()
