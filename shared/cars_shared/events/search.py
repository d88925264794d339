"""Events published by search."""

from marshmallow import Schema, fields

from cars_shared.events.registry import event


@event(
    "search",
    "document_indexed",
    description="A filing or entity became findable in public search.",
    example={"document_id": "filing:b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40", "kind": "filing"},
)
class DocumentIndexed(Schema):
    document_id = fields.String(required=True)
    kind = fields.String(required=True)


@event(
    "search",
    "export_ready",
    description="An asynchronous export of search results finished; its file can be downloaded from the link.",
    example={
        "export_id": "5f0c9a8e-2d4b-4c1e-9a3f-7b6d5e4c3b2a",
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "email": None,
        "format": "csv",
        "rows": 125000,
        "download_url": "http://127.0.0.1:8000/api/search/exports/5f0c9a8e-2d4b-4c1e-9a3f-7b6d5e4c3b2a/download",
    },
)
class ExportReady(Schema):
    export_id = fields.String(required=True)
    user_id = fields.String(required=True, allow_none=True, metadata={"description": "The signed-in requester."})
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "The address the requester asked to be told at."}
    )
    format = fields.String(required=True, metadata={"description": "csv or jsonl"})
    rows = fields.Integer(required=True)
    download_url = fields.String(required=True)


@event(
    "search",
    "saved_search_matched",
    description="A scheduled saved search found results newer than at its last run.",
    example={
        "saved_search_id": "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f",
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "name": "Teachers giving in Sacramento",
        "new_results": 12,
        "link": "http://127.0.0.1:8000/api/search/saved-searches/8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f/results",
        "matched_at": "2026-03-03T14:00:00+00:00",
    },
)
class SavedSearchMatched(Schema):
    saved_search_id = fields.String(required=True)
    user_id = fields.String(required=True)
    name = fields.String(required=True)
    new_results = fields.Integer(required=True, metadata={"description": "At least this many new results."})
    link = fields.String(required=True)
    matched_at = fields.AwareDateTime(required=True, metadata={"description": "When the run found them."})


@event(
    "search",
    "saved_search_shared",
    description="A saved search was shared by link, or a shared search was renamed: anyone holding the link may now "
    "subscribe to e-mail alerts of its new results.",
    example={
        "saved_search_id": "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f",
        "name": "Teachers giving in Sacramento",
        "share_key": "5b0f4c6e1d7a2b3c8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901",
        "changed_at": "2026-03-02T09:00:00+00:00",
    },
)
class SavedSearchShared(Schema):
    saved_search_id = fields.String(required=True)
    name = fields.String(required=True)
    share_key = fields.String(
        required=True,
        metadata={
            "description": "Hex SHA-256 of the share token (the last part of the share link): a link holder is "
            "recognised by it, while the token itself never leaves search."
        },
    )
    changed_at = fields.AwareDateTime(
        required=True,
        metadata={"description": "When it was shared or renamed; an older fact than the last known is ignored."},
    )


@event(
    "search",
    "saved_search_unshared",
    description="A saved search's share link was revoked, or the shared search deleted: its public alerts end.",
    example={"saved_search_id": "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f", "changed_at": "2026-03-09T09:00:00+00:00"},
)
class SavedSearchUnshared(Schema):
    saved_search_id = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True, metadata={"description": "When the link was revoked."})


@event(
    "search",
    "shared_search_matched",
    description="The daily public run of a shared saved search found results newer than at its last public run "
    "(independent of the owner's own alert schedule).",
    example={
        "saved_search_id": "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f",
        "name": "Teachers giving in Sacramento",
        "new_results": 3,
        "link": "http://127.0.0.1:8000/api/search/shared/" + "x" * 43,
        "matched_at": "2026-03-03T14:00:00+00:00",
    },
    secret=("link",),
)
class SharedSearchMatched(Schema):
    saved_search_id = fields.String(required=True)
    name = fields.String(required=True)
    new_results = fields.Integer(required=True, metadata={"description": "At least this many new results."})
    link = fields.String(required=True, metadata={"description": "The public share link, where anyone reruns it."})
    matched_at = fields.AwareDateTime(required=True, metadata={"description": "When the run found them."})
