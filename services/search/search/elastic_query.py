"""Elasticsearch requests as plain data: the index mapping and settings, documents as indexed sources, and
search, aggregate and typeahead bodies built from a SearchQuery, with the answers read back. No client here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from search.domain.documents import ENTITY, TRANSACTION, SearchDocument
from search.domain.query import (
    GROUPINGS,
    SORTS,
    Aggregate,
    BadCursor,
    Bucket,
    SearchQuery,
    SearchResults,
    Suggestion,
    election_cycle_bounds,
    filter_key,
    search_terms,
    zip5,
)
from search.domain.query import decode_cursor as decode_key
from search.domain.query import encode_cursor as encode_key

# Without exact_count, totals are counted exactly up to this many matches and flagged as estimates above it.
ESTIMATED_COUNT_LIMIT = 10_000
# Elasticsearch's largest long: a sort value that comes after every real one.
LARGEST_LONG = 2**63 - 1
# Edge n-grams index every word's prefixes up to this length; longer typed words match on their first letters.
MAX_PREFIX_LENGTH = 20
# How many more buckets each shard considers than the top asked for, so ordering by sum stays right.
SHARD_SIZE_FACTOR = 10
# Typeahead weights: a filer's name before a contributor's.
SUGGEST_WEIGHTS: Mapping[str, int] = {ENTITY: 2, TRANSACTION: 1}

# Letters and digits make words, as in search_terms: every other character separates them.
_WORD_SEPARATORS = r"[^\p{L}\p{N}]+"

# Text fields a query's words are looked for in, with how much a hit in each counts.
TEXT_FIELDS: Mapping[str, int] = {
    "title": 4,
    "name": 4,
    "keywords": 2,
    "employer": 1,
    "occupation": 1,
    "description": 1,
}

# SearchQuery filter -> indexed keyword field (folded by the `folded` normalizer on both sides, as filter_key does).
KEYWORD_FILTERS: Mapping[str, str] = {
    "kinds": "kind",
    "entity_types": "entity_type",
    "forms": "form",
    "schedules": "schedule",
    "entity_ids": "entity_id",
    "cities": "city",
    "states": "state",
    "employers": "employer.exact",
    "occupations": "occupation.exact",
}

# Aggregate grouping -> the keyword field it groups on (month is a date histogram), and the stored field whose text
# names the bucket: names group with case and accents folded and are shown as last written; an entity's bucket is
# its id, labelled with its name.
GROUP_FIELDS: Mapping[str, str] = {
    "contributor": "name.exact",
    "employer": "employer.exact",
    "zip": "zip5",
    "entity": "entity_id.raw",
}
GROUP_KEYS: Mapping[str, str] = {"contributor": "name", "employer": "employer"}
GROUP_LABELS: Mapping[str, str] = {"entity": "entity_name"}

SETTINGS: dict[str, Any] = {
    "analysis": {
        "tokenizer": {"words": {"type": "pattern", "pattern": _WORD_SEPARATORS}},
        "filter": {
            "word_prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": MAX_PREFIX_LENGTH},
            "prefix_length": {"type": "truncate", "length": MAX_PREFIX_LENGTH},
            "one_space": {"type": "pattern_replace", "pattern": "\\s+", "replacement": " "},
        },
        "analyzer": {
            # Words, lower-cased with diacritics folded: "Peña" is found as "pena" and as "PEÑA".
            "folded_words": {"type": "custom", "tokenizer": "words", "filter": ["lowercase", "asciifolding"]},
            # Every prefix of every word, at index time; the typed word, at search time.
            "word_prefixes": {
                "type": "custom",
                "tokenizer": "words",
                "filter": ["lowercase", "asciifolding", "word_prefixes"],
            },
            "typed_prefix": {
                "type": "custom",
                "tokenizer": "words",
                "filter": ["lowercase", "asciifolding", "prefix_length"],
            },
        },
        # Case and accents folded, runs of spaces made one: the filter_key of the embedded engine.
        "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding", "one_space", "trim"]}},
    },
}


def _text(*, exact: bool = False) -> dict[str, Any]:
    """A searched text field: whole words, word prefixes and (for names) keyword variants to filter and group."""
    fields: dict[str, Any] = {
        "prefix": {"type": "text", "analyzer": "word_prefixes", "search_analyzer": "typed_prefix"},
    }
    if exact:
        fields["exact"] = {"type": "keyword", "normalizer": "folded", "ignore_above": 512}
    return {"type": "text", "analyzer": "folded_words", "fields": fields}


_KEYWORD = {"type": "keyword", "normalizer": "folded", "ignore_above": 512}
_STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}

MAPPINGS: dict[str, Any] = {
    # New document fields are kept in _source (and so returned) even before the mapping names them.
    "dynamic": False,
    "properties": {
        "id": {"type": "keyword"},
        "kind": _KEYWORD,
        "title": _text(),
        "description": _text(),
        "keywords": _text(),
        "entity_id": {**_KEYWORD, "fields": {"raw": {"type": "keyword"}}},
        "entity_name": {"type": "keyword", "ignore_above": 512},
        "dated_at": {"type": "date"},
        # When the document reached the public record (SearchDocument.recorded_at): filed filters and order.
        "recorded_at": {"type": "date"},
        "version": {"type": "long"},
        "filing_id": {"type": "keyword"},
        "form": _KEYWORD,
        "form_name": _STORED_ONLY,
        "period_start": {"type": "date"},
        "period_end": {"type": "date"},
        "filed_at": {"type": "date"},
        "amendment": {"type": "integer"},
        "totals": {"type": "object", "enabled": False},
        "entity_type": _KEYWORD,
        "entity_type_name": _STORED_ONLY,
        "registered_on": {"type": "date"},
        "current": {"type": "boolean"},
        "schedule": _KEYWORD,
        "schedule_name": _STORED_ONLY,
        "line": {"type": "integer"},
        "name": _text(exact=True),
        "employer": _text(exact=True),
        "occupation": _text(exact=True),
        "city": _KEYWORD,
        "state": _KEYWORD,
        "zip_code": _KEYWORD,
        # The amount as the record's exact decimal text (returned) and as whole cents (filtered, sorted, summed).
        "amount": _STORED_ONLY,
        "amount_cents": {"type": "long"},
        "zip5": {"type": "keyword"},
        # When the document was last written (epoch milliseconds): a reindex copies what changed while it ran.
        "indexed_at": {"type": "date", "format": "epoch_millis"},
        "transaction_date": {"type": "date"},
        "status": _KEYWORD,
        "former_names": {"type": "text", "analyzer": "folded_words"},
        "suggest": {
            "type": "completion",
            "analyzer": "folded_words",
            "preserve_separators": True,
            "preserve_position_increments": True,
            "max_input_length": 100,
        },
    },
}

# Fields of the indexed source that are not part of the document's record.
DERIVED_FIELDS: tuple[str, ...] = ("amount_cents", "zip5", "suggest", "indexed_at", "recorded_at")

# Fields added to the mapping since the first indices were made: put into a serving index's mapping when a process
# starts (documents written before carry them once reindexed).
ADDED_FIELDS: tuple[str, ...] = ("recorded_at",)


def index_body(*, shards: int = 1, replicas: int | None = None, bulk_loading: bool = False) -> dict[str, Any]:
    """Settings and mappings of a new concrete index; `bulk_loading` turns refresh off until the alias switch.
    Without a number of replicas, one replica where the cluster has a second node and none on a single node."""
    settings: dict[str, Any] = {"number_of_shards": shards, **SETTINGS}
    if replicas is None:
        settings["auto_expand_replicas"] = "0-1"
    else:
        settings["number_of_replicas"] = replicas
    if bulk_loading:
        settings["refresh_interval"] = "-1"
    return {"settings": settings, "mappings": MAPPINGS}


# Documents ------------------------------------------------------------------------------------------------------


def cents(amount: Decimal) -> int:
    """An amount in whole cents (half a cent rounds to even)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_cents(value: float | int) -> Decimal:
    """Whole cents (as Elasticsearch sums them, a double) back to an exact decimal amount with two places."""
    return (Decimal(round(value)) / 100).quantize(Decimal("0.01"))


def suggest_input(document: SearchDocument) -> dict[str, Any] | None:
    """The typeahead entry of a current document: a filer's name, or a transaction's contributor or payee."""
    if not document.current:
        return None
    if document.kind == ENTITY:
        text = document.entity_name
    elif document.kind == TRANSACTION:
        text = document.name
    else:
        return None
    if not text or not text.strip():
        return None
    return {"input": [text.strip()], "weight": SUGGEST_WEIGHTS[document.kind]}


def document_source(document: SearchDocument, indexed_at: int | None = None) -> dict[str, Any]:
    """What is indexed for `document`: its record plus whole cents, the five-digit ZIP, the typeahead entry, when it
    reached the public record and when it is written (epoch milliseconds)."""
    source = document.to_record()
    source["indexed_at"] = indexed_at
    source["recorded_at"] = document.recorded_at.isoformat()
    source["amount_cents"] = cents(document.amount) if document.amount is not None else None
    source["zip5"] = (zip5(document.zip_code) or None) if document.zip_code else None
    suggestion = suggest_input(document)
    if suggestion is not None:
        source["suggest"] = suggestion
    return source


def document_from_source(source: Mapping[str, Any]) -> SearchDocument:
    """The document an indexed source holds."""
    return SearchDocument.from_record({key: value for key, value in source.items() if key not in DERIVED_FIELDS})


def external_version(document: SearchDocument) -> int:
    """The Elasticsearch version a document is written with (external_gte: an equal or newer one replaces it).
    One more than the document's own version, because update_by_query (which retires an amendment's rows) cannot
    touch a document whose Elasticsearch version is 0."""
    return document.version + 1


def index_action(index: str, document: SearchDocument, indexed_at: int | None = None) -> dict[str, Any]:
    """A bulk index action that keeps a newer stored version: Elasticsearch's external_gte versioning."""
    return {
        "_op_type": "index",
        "_index": index,
        "_id": document.id,
        "_version": external_version(document),
        "_version_type": "external_gte",
        "_source": document_source(document, indexed_at),
    }


_RETIRE = "ctx._source.current = false; ctx._source.remove('suggest'); ctx._source.indexed_at = params.now;"


def supersede_body(filing_id: str, amendment: int, now: int) -> dict[str, Any]:
    """update_by_query arguments marking every current document of an earlier version of a filing not current,
    and taking those rows out of typeahead (`now`: epoch milliseconds, their new indexed_at)."""
    return {
        "query": {
            "bool": {
                "filter": [
                    {"term": {"filing_id": filing_id}},
                    {"range": {"version": {"lt": amendment}}},
                    {"term": {"current": True}},
                ]
            }
        },
        "script": {"lang": "painless", "source": _RETIRE, "params": {"now": now}},
        "conflicts": "proceed",
    }


def changed_since(since: int) -> dict[str, Any]:
    """The documents written at or after `since` (epoch milliseconds)."""
    return {"range": {"indexed_at": {"gte": since}}}


def newest_versions_body(filing_ids: list[str]) -> dict[str, Any]:
    """Keyword arguments of the client's `search` for the newest stored version of each of these filings."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"terms": {"filing_id": filing_ids}},
        "aggs": {
            "filings": {
                "terms": {"field": "filing_id", "size": max(len(filing_ids), 1)},
                "aggs": {"newest": {"max": {"field": "version"}}},
            }
        },
    }


def read_newest_versions(response: Mapping[str, Any]) -> dict[str, int]:
    """filing id -> newest stored version, from a `newest_versions_body` response."""
    buckets = (response.get("aggregations") or {}).get("filings", {}).get("buckets", [])
    return {bucket["key"]: int(bucket["newest"]["value"]) for bucket in buckets}


def resupersede_body(newest: Mapping[str, int], now: int) -> dict[str, Any]:
    """update_by_query arguments retiring, for each filing in `newest`, the current rows of versions before its
    newest one (after rows were copied in without regard to order)."""
    return {
        "query": {"bool": {"filter": [{"terms": {"filing_id": sorted(newest)}}, {"term": {"current": True}}]}},
        "script": {
            "lang": "painless",
            "source": (
                "def newest = params.newest.get(ctx._source.filing_id); "
                "if (newest != null && ctx._source.version < newest) { " + _RETIRE + " } else { ctx.op = 'noop'; }"
            ),
            "params": {"now": now, "newest": dict(newest)},
        },
        "conflicts": "proceed",
    }


# Queries --------------------------------------------------------------------------------------------------------


def text_clause(text: str) -> dict[str, Any] | None:
    """Every word required, in any of the text fields, each also as a word prefix; whole-word hits score higher.
    None when `text` has no words."""
    terms = search_terms(text)
    if not terms:
        return None
    words = " ".join(terms)
    return {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": words,
                        "type": "cross_fields",
                        "operator": "and",
                        "fields": [f"{name}.prefix^{boost}" for name, boost in TEXT_FIELDS.items()],
                    }
                }
            ],
            "should": [
                {
                    "multi_match": {
                        "query": words,
                        "type": "best_fields",
                        "fields": [f"{name}^{boost}" for name, boost in TEXT_FIELDS.items()],
                    }
                }
            ],
        }
    }


def _day_range(start: date | None, end: date | None) -> dict[str, str]:
    bounds: dict[str, str] = {}
    if start is not None:
        bounds["gte"] = start.isoformat()
    if end is not None:
        # Dates are whole days: up to the start of the next one, whatever the time of day stored.
        bounds["lt"] = (end + timedelta(days=1)).isoformat()
    return bounds


def filter_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    """Every filter of `query` as a non-scoring clause (values of one filter OR'ed, filters AND'ed)."""
    clauses: list[dict[str, Any]] = []
    for attribute, field in KEYWORD_FILTERS.items():
        values: tuple[str, ...] = getattr(query, attribute)
        if values:
            clauses.append({"terms": {field: sorted({filter_key(value) for value in values})}})
    if query.zip_codes:
        # A ZIP matches on its first five digits: 95814-1234 and 95814 are one place.
        clauses.append({"terms": {"zip5": sorted({zip5(value) for value in query.zip_codes})}})
    if query.election_cycles:
        ranges = [
            {"range": {"dated_at": _day_range(*election_cycle_bounds(cycle))}}
            for cycle in sorted(set(query.election_cycles))
        ]
        clauses.append({"bool": {"should": ranges, "minimum_should_match": 1}})
    if query.date_from is not None or query.date_to is not None:
        clauses.append({"range": {"dated_at": _day_range(query.date_from, query.date_to)}})
    if query.filed_from is not None or query.filed_to is not None:
        clauses.append({"range": {"recorded_at": _day_range(query.filed_from, query.filed_to)}})
    if query.amount_min is not None or query.amount_max is not None:
        bounds: dict[str, int] = {}
        if query.amount_min is not None:
            bounds["gte"] = math.ceil(query.amount_min * 100)
        if query.amount_max is not None:
            bounds["lte"] = math.floor(query.amount_max * 100)
        clauses.append({"range": {"amount_cents": bounds}})
    if not query.include_history:
        clauses.append({"term": {"current": True}})
    return clauses


def query_clause(query: SearchQuery) -> dict[str, Any] | None:
    """The whole query: text (scored) and filters; None when the text has no words, so nothing can match."""
    clauses = filter_clauses(query)
    if query.text is None:
        return {"bool": {"filter": clauses}}
    text = text_clause(query.text)
    if text is None:
        return None
    return {"bool": {"must": [text], "filter": clauses}}


def sort_clauses(query: SearchQuery) -> list[Any]:
    """The order of `query.sort`, always ending with the id so equal keys page stably. Relevance without text is
    newest first; documents without an amount come last in either amount order."""
    if query.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {query.sort!r}")
    by_id = {"id": {"order": "asc"}}
    if query.sort == "relevance":
        if query.text is not None:
            return [{"_score": {"order": "desc"}}, {"dated_at": {"order": "desc"}}, by_id]
        return [{"dated_at": {"order": "desc"}}, by_id]
    descending = query.sort.startswith("-")
    field = {"date": "dated_at", "filed": "recorded_at", "amount": "amount_cents"}[query.sort.lstrip("-")]
    order = {"order": "desc" if descending else "asc"}
    if field == "amount_cents":
        order["missing"] = "_last"
    return [{field: order}, by_id]


def encode_cursor(sort: str, values: Iterable[Any]) -> str:
    """The opaque cursor after a hit: its sort values (the id last) in the shared cursor form."""
    *key, document_id = list(values)
    return encode_key(sort, key, document_id)


def decode_cursor(cursor: str, query: SearchQuery) -> list[Any]:
    """The sort values (search_after) a cursor of `query`'s order holds; BadCursor for anything else."""
    key, document_id = decode_key(cursor, query.sort)
    if not isinstance(key, list) or len(key) != len(sort_clauses(query)) - 1:
        raise BadCursor("Not a cursor this API gave out; pass `next_cursor` as it came.")
    if not all(isinstance(value, str | int | float) and not isinstance(value, bool) for value in key):
        raise BadCursor("Not a cursor this API gave out; pass `next_cursor` as it came.")
    return [*key, document_id]


def search_body(query: SearchQuery, *, size: int | None = None) -> dict[str, Any] | None:
    """Keyword arguments of the client's `search` for one page of `query` (one extra hit to tell whether another
    page follows); None when nothing can match."""
    clause = query_clause(query)
    if clause is None:
        return None
    page = query.limit if size is None else size
    body: dict[str, Any] = {
        "query": clause,
        "sort": sort_clauses(query),
        "size": page + 1,
        "track_total_hits": True if query.exact_count else ESTIMATED_COUNT_LIMIT,
        "source_excludes": ["suggest"],
    }
    if query.after:
        body["search_after"] = decode_cursor(query.after, query)
    return body


def scan_body(query: SearchQuery, page: int) -> dict[str, Any] | None:
    """Keyword arguments of the client's `search` for the first page of a scan over a point in time: the query's
    order plus the point in time's own tiebreaker `_shard_doc` (so the next page continues after a hit's whole
    sort values), starting after `query.after`; None when nothing can match."""
    body = search_body(query, size=page)
    if body is None:
        return None
    body["size"] = page
    body["sort"] = [*body["sort"], {"_shard_doc": {"order": "asc"}}]
    body["track_total_hits"] = False
    if "search_after" in body:
        # Ids are unique, so the tiebreaker only compares the cursor's own hit: the largest value skips it.
        body["search_after"] = [*body["search_after"], LARGEST_LONG]
    return body


def read_hits(response: Mapping[str, Any], query: SearchQuery, *, size: int | None = None) -> SearchResults:
    """SearchResults from a `search_body` response: the page, the count (flagged when it is a lower bound) and the
    cursor after the page's last hit when more follow."""
    page = query.limit if size is None else size
    hits = response["hits"]["hits"]
    shown = hits[:page]
    total = response["hits"].get("total") or {"value": len(hits), "relation": "eq"}
    next_cursor = encode_cursor(query.sort, shown[-1]["sort"]) if len(hits) > page and shown else None
    return SearchResults(
        documents=[document_from_source(hit["_source"]) for hit in shown],
        count=total["value"],
        count_exact=total["relation"] == "eq",
        next_cursor=next_cursor,
    )


def aggregate_body(query: SearchQuery, by: str, top: int) -> dict[str, Any] | None:
    """Keyword arguments of the client's `search` summing the amounts of the matching transactions by `by`,
    the `top` largest totals; None when nothing can match."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    if top < 1:
        raise ValueError("top must be at least 1")
    clause = query_clause(query)
    if clause is None:
        return None
    clause["bool"]["filter"] = [
        *clause["bool"]["filter"],
        {"term": {"kind": TRANSACTION}},
        {"exists": {"field": "amount_cents"}},
    ]
    measures: dict[str, Any] = {"total": {"sum": {"field": "amount_cents"}}}
    shown = GROUP_KEYS.get(by) or GROUP_LABELS.get(by)
    if shown:
        # The text of the group's most recent row: how the name is shown.
        measures["shown"] = {
            "top_hits": {"size": 1, "sort": [{"dated_at": {"order": "desc"}}], "_source": {"includes": [shown]}}
        }
    if by == "month":
        grouping: dict[str, Any] = {
            "date_histogram": {
                "field": "dated_at",
                "calendar_interval": "month",
                "format": "yyyy-MM",
                "min_doc_count": 1,
            },
            "aggs": measures,
        }
    else:
        grouping = {
            "terms": {
                "field": GROUP_FIELDS[by],
                "size": top,
                "shard_size": max(top * SHARD_SIZE_FACTOR, 100),
                "order": [{"total": "desc"}, {"_key": "asc"}],
            },
            "aggs": measures,
        }
    return {"query": clause, "size": 0, "track_total_hits": False, "aggs": {"groups": grouping}}


def _shown_text(bucket: Mapping[str, Any], field: str) -> str | None:
    hits = bucket.get("shown", {}).get("hits", {}).get("hits", [])
    return hits[0]["_source"].get(field) if hits else None


def read_aggregate(response: Mapping[str, Any], by: str, top: int) -> Aggregate:
    """The Aggregate of an `aggregate_body` response: largest total first (ties by key), at most `top` groups."""
    buckets = []
    for bucket in (response.get("aggregations") or {}).get("groups", {}).get("buckets", []):
        key = bucket.get("key_as_string") or str(bucket["key"])
        if by in GROUP_KEYS:
            key = _shown_text(bucket, GROUP_KEYS[by]) or key
        label = _shown_text(bucket, GROUP_LABELS[by]) if by in GROUP_LABELS else None
        buckets.append(
            Bucket(key=key, total=from_cents(bucket["total"]["value"]), count=bucket["doc_count"], label=label)
        )
    buckets.sort(key=lambda bucket: (-bucket.total, bucket.key))
    return Aggregate(by=by, buckets=buckets[:top])


def suggest_body(prefix: str, limit: int) -> dict[str, Any] | None:
    """Keyword arguments of the client's `search` for typeahead on names; None when `prefix` has no letters."""
    if not search_terms(prefix):
        return None
    return {
        "size": 0,
        "source_includes": ["kind", "entity_id"],
        "suggest": {
            "names": {
                "prefix": " ".join(prefix.split()),
                # Twice as many, since a name differing only in case or accents is offered once.
                "completion": {"field": "suggest", "size": limit * 2, "skip_duplicates": True},
            }
        },
    }


def read_suggestions(response: Mapping[str, Any], limit: int) -> list[Suggestion]:
    """Suggestions from a `suggest_body` response: entity names first (their weight), one per name whatever its
    case or accents."""
    suggestions: list[Suggestion] = []
    seen: set[str] = set()
    for entry in (response.get("suggest") or {}).get("names", []):
        for option in entry.get("options", []):
            text = option["text"]
            if filter_key(text) in seen:
                continue
            seen.add(filter_key(text))
            source = option.get("_source") or {}
            kind = source.get("kind", TRANSACTION)
            suggestions.append(
                Suggestion(text=text, kind=kind, entity_id=source.get("entity_id") if kind == ENTITY else None)
            )
    return suggestions[:limit]


def count_body(kind: str | None) -> dict[str, Any]:
    """Keyword arguments of the client's `count`: every stored document, or those of one kind."""
    if kind is None:
        return {"query": {"match_all": {}}}
    return {"query": {"term": {"kind": kind}}}
