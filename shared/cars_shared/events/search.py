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
