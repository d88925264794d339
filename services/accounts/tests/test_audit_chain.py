from accounts.domain.audit_chain import GENESIS_HASH, ChainEntry, entry_hash, verify_chain


def chain(*contents):
    entries, previous = [], GENESIS_HASH
    for sequence, content in enumerate(contents, start=1):
        digest = entry_hash(previous, content)
        entries.append(ChainEntry(sequence, content, previous, digest))
        previous = digest
    return entries


def test_an_untouched_chain_verifies():
    verdict = verify_chain(chain({"action": "a"}, {"action": "b"}, {"action": "c"}))
    assert (verdict.intact, verdict.entries_checked) == (True, 3)


def test_the_hash_does_not_depend_on_key_order():
    assert entry_hash(GENESIS_HASH, {"a": 1, "b": 2}) == entry_hash(GENESIS_HASH, {"b": 2, "a": 1})


def test_an_edited_entry_breaks_the_chain_at_that_entry():
    entries = chain({"action": "a"}, {"action": "b"}, {"action": "c"})
    entries[1] = ChainEntry(2, {"action": "forged"}, entries[1].previous_hash, entries[1].hash)
    verdict = verify_chain(entries)
    assert (verdict.intact, verdict.broken_at) == (False, 2)


def test_a_removed_entry_breaks_the_chain():
    entries = chain({"action": "a"}, {"action": "b"}, {"action": "c"})
    verdict = verify_chain([entries[0], entries[2]])
    assert (verdict.intact, verdict.broken_at) == (False, 3)


def test_a_rehashed_entry_breaks_the_link_to_the_next_one():
    entries = chain({"action": "a"}, {"action": "b"}, {"action": "c"})
    forged = {"action": "forged"}
    entries[1] = ChainEntry(2, forged, entries[1].previous_hash, entry_hash(entries[1].previous_hash, forged))
    verdict = verify_chain(entries)
    assert (verdict.intact, verdict.broken_at) == (False, 3)


def test_removing_the_last_entries_is_seen_against_the_head():
    entries = chain({"action": "a"}, {"action": "b"})
    verdict = verify_chain(entries[:1], head_hash=entries[1].hash)
    assert (verdict.intact, verdict.broken_at) == (False, 2)
