"""`cars-frontdoor`: one local port in front of every gateway (/api/<service>/ -> that gateway)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

from cars_shared.config import PORT, SERVICES, VARIABLES, var_path

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-encoding",
    "content-length",
}


def problem(status: int, title: str, detail: str) -> Response:
    body = {
        "type": "https://cars.sos.ca.gov/problems/" + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


class FrontDoor:
    """Forwards /api/<service>/ to its gateway, reports system health, lists the local mail sink."""

    def __init__(self, upstreams: dict[str, str], mail_folder: Path | None = None) -> None:
        self.upstreams = {name: url.rstrip("/") for name, url in upstreams.items() if url}
        self.mail_folder = mail_folder
        self.http = requests.Session()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.path in ("/healthz", "/readyz"):
            response = self.health()
        elif request.path == "/":
            response = self.index()
        elif parts[0] == "mail" and self.mail_folder is not None:
            response = self.mail(parts[1] if len(parts) > 1 else None)
        elif len(parts) >= 2 and parts[0] == "api" and parts[1] in self.upstreams:
            response = self.forward(request, self.upstreams[parts[1]])
        else:
            response = problem(404, "Not Found", f"No service answers {request.path}.")
        return response(environ, start_response)

    def forward(self, request: Request, upstream: str) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        headers["X-Forwarded-For"] = request.remote_addr or ""
        headers["X-Forwarded-Host"] = request.host
        try:
            answer = self.http.request(
                request.method,
                upstream + request.full_path.rstrip("?"),
                headers=headers,
                data=request.get_data(),
                allow_redirects=False,
                timeout=60,
            )
        except requests.RequestException as error:
            return problem(502, "Bad Gateway", f"The service did not answer: {type(error).__name__}.")
        response = Response(answer.content, status=answer.status_code)
        for name, value in answer.headers.items():
            if name.lower() not in HOP_BY_HOP:
                response.headers[name] = value
        return response

    def health(self) -> Response:
        services: dict[str, Any] = {}
        for name, upstream in self.upstreams.items():
            try:
                answer = self.http.get(f"{upstream}/api/{name}/readyz", timeout=5)
                services[name] = {"ready": answer.status_code == 200, "detail": answer.json()}
            except (requests.RequestException, ValueError) as error:
                services[name] = {"ready": False, "detail": type(error).__name__}
        ready = bool(services) and all(entry["ready"] for entry in services.values())
        body = {"status": "ready" if ready else "degraded", "services": services}
        return Response(json.dumps(body), status=200 if ready else 503, mimetype="application/json")

    def index(self) -> Response:
        links = "".join(f'<li><a href="/api/{name}/openapi.json">/api/{name}/</a></li>' for name in self.upstreams)
        mail = '<p><a href="/mail/">Mail sent by CARS (local sink)</a></p>' if self.mail_folder else ""
        page = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>CARS</title></head><body>"
            "<h1>CARS: California Accountability Reporting System</h1>"
            f'<p><a href="/healthz">System health</a></p><h2>APIs</h2><ul>{links}</ul>{mail}</body></html>'
        )
        return Response(page, mimetype="text/html")

    def mail(self, name: str | None) -> Response:
        assert self.mail_folder is not None
        files = sorted(self.mail_folder.glob("*.eml"))
        if name is None:
            listing = []
            for path in files:
                message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                listing.append({"id": path.name, "to": message["To"], "subject": message["Subject"]})
            return Response(json.dumps({"messages": listing}), mimetype="application/json")
        match = [path for path in files if path.name == name]
        if not match:
            return problem(404, "Not Found", f"No message {name}.")
        return Response(match[0].read_bytes(), mimetype="message/rfc822")


def upstreams_from_environment() -> dict[str, str]:
    return {name: VARIABLES[f"{name.upper()}_GATEWAY_URL"].get() for name in SERVICES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-frontdoor", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(PORT.get()))
    parser.add_argument("--mail-folder", default=None)
    args = parser.parse_args(argv)
    mail = Path(args.mail_folder) if args.mail_folder else var_path("mail", "x").parent
    run_simple(args.host, args.port, FrontDoor(upstreams_from_environment(), mail), threaded=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
