"""From sign-up over HTTP to the e-mail received and the Annual Fee Notice PDF downloaded.

The committee registers by submitting its Form 410 to the e-filing API; accounts makes the registrant its
officer, and the refreshed token files the committee's Form 460.
"""

import io
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


def test_filer_registers_files_and_receives_annual_fee_notice(running_system, smtp_sink, eventually):
    client, system = running_system
    email, token = client.sign_up_and_in("treasurer")
    committee = "Friends of Zoë Ramírez for Assembly 2026"
    correlation_id = f"e2e-{uuid.uuid4()}"
    entity_id, token = client.register_committee(token, committee, headers={"X-Correlation-ID": correlation_id})
    client.file_campaign_statement(token, entity_id)

    message = eventually(lambda: next((m for m in smtp_sink.messages if email in m["To"]), None))
    assert "notice" in message["Subject"].lower()
    assert not any(part.get_content_type() == "application/pdf" for part in message.walk())

    def fee_notice():
        listing = client.request("GET", "/api/correspondence/mine", token, params={"kind": "annual_fee_notice"})
        assert listing.status_code == 200, listing.text
        body = listing.json()
        items = body["items"] if isinstance(body, dict) else body
        return next((item for item in items if item["entity_id"] == entity_id), None)

    notice = eventually(fee_notice)
    pdf = client.request("GET", f"/api/correspondence/{notice['id']}/pdf", token)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert committee in text
    assert entity_id in text
    assert "$50.00" in text

    _other_email, stranger = client.sign_up_and_in("stranger")
    assert client.request("GET", f"/api/correspondence/{notice['id']}/pdf", stranger).status_code == 404
    assert client.request("GET", f"/api/correspondence/{notice['id']}/pdf").status_code == 401

    def found():
        response = client.request("GET", "/api/search/documents", params={"q": "Zoë Ramírez", "kind": "filing"})
        assert response.status_code == 200, response.text
        return [r for r in response.json()["results"] if r.get("entity_id") == entity_id]

    results = eventually(found)
    assert any("Campaign Statement" in r["title"] or "Campaign Statement" in r["description"] for r in results)

    logs = Path(system.env["VAR_DIR"]) / "logs"
    processes = ("filings-gateway", "filings-worker", "accounts-worker", "fees-worker", "correspondence-worker")
    for process in (*processes, "notify-worker"):
        assert correlation_id in (logs / f"{process}.log").read_text(), f"{process} lost the correlation id"

    health = client.request("GET", "/healthz")
    assert health.status_code == 200
    assert set(health.json()["services"]) == {"accounts", "filings", "fees", "correspondence", "notify", "search"}
