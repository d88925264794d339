"""Entity Access Code Letters: received from accounts, printed and mailed by staff from a restricted print queue.

Where the code lives: only inside the rendered PDF, in its own table (`access_code_letter_documents`) that
nothing but the staff print route reads. Not in the blob store, whose documents are immutable and served to the
accounts they are addressed to; not in the `correspondence` table, so no account lists or downloads the letter;
not in any event or log line. The PDF row is deleted in the same transaction that marks the letter mailed,
superseded by a newer code, or expired (the worker sweeps expired codes hourly), so the code does not outlive
the letter's time in the queue. A letter without an address of record keeps no code at all: it is listed as
undeliverable until a newer code replaces it or staff resolve it. The PDF is not encrypted in the database:
encrypting it would need a key that the gateway and the worker share outside it, which adds a secret to deploy
for a code that lives weeks at most and is good for one claim.
"""
