"""The Elasticsearch adapter of the shared index suite: it runs where ELASTICSEARCH_URL names a 9.x server that
answers, each test on its own freshly created index, deleted afterwards; elsewhere its tests are skipped with the
reason."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest


@cache
def elasticsearch_unavailable() -> str | None:
    """Why the Elasticsearch adapter cannot run here, or None when ELASTICSEARCH_URL answers as a 9.x server."""
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        return "ELASTICSEARCH_URL is not set: no Elasticsearch server to test against"
    from elasticsearch import Elasticsearch
    from elasticsearch.exceptions import ApiError, TransportError

    client = Elasticsearch(url, request_timeout=3, max_retries=0)
    try:
        version = client.info()["version"]["number"]
    except (ApiError, TransportError) as error:
        return f"Elasticsearch at ELASTICSEARCH_URL does not answer: {error}"
    finally:
        client.close()
    if not version.startswith("9."):
        return f"Elasticsearch at ELASTICSEARCH_URL is {version}; the client needs a 9.x server"
    return None


def elasticsearch_index(tmp_path: Path) -> Iterator:
    """An adapter factory (conftest.ADAPTERS): a new ElasticIndex behind a uniquely named alias, refreshed on every
    write so searches see it at once; its indices are deleted when the test ends."""
    reason = elasticsearch_unavailable()
    if reason:
        pytest.skip(reason)
    from search.elastic_index import ElasticIndex

    index = ElasticIndex.from_url(
        os.environ["ELASTICSEARCH_URL"], f"cars-search-test-{uuid.uuid4().hex}", refresh=True, replicas=0
    )
    try:
        yield index
    finally:
        # Wildcard deletes are refused by default (action.destructive_requires_name): name each index.
        created = index.client.indices.get(index=f"{index.alias}-*", allow_no_indices=True, ignore_unavailable=True)
        for name in created.body:
            index.client.indices.delete(index=name, ignore_unavailable=True)
        index.client.close()
