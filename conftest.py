"""Fixtures every test suite shares: fresh broker vhosts, PostgreSQL databases, an SMTP server, tokens."""

pytest_plugins = ["cars_shared.testing"]
