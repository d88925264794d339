"""Where a request comes from: the client address as the nearest proxy saw it, and the user agent."""

from __future__ import annotations

import ipaddress

from flask import request


def client_address() -> str:
    """The caller's address as the nearest proxy (the front door or the ingress) saw it, if it is an address."""
    for candidate in (request.access_route[-1] if request.access_route else None, request.remote_addr):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return ""


def user_agent() -> str:
    return "".join(char for char in request.headers.get("User-Agent", "") if char.isprintable())[:200]
