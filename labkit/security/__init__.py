"""Security and governance for the course kit (notebook 08, issue 13).

Modules:

- ``redact``: find and replace secrets (emails, phones, cards with Luhn, IBANs, API keys, AWS
  key ids, bearer tokens) with Microsoft Presidio on a blank spaCy pipeline, before indexing and
  before building training data; :func:`redact.redaction_table` measures what it catches and
  misses (names) against ``datasets/security/secrets.jsonl``.
- ``access``: a caller's identity (``Caller``) and the access levels it may read
  (``access_filter``), as a retriever filter.

Nothing is imported here on purpose: Presidio takes seconds to import, so ``import
labkit.security.redact`` only where redaction is used.
"""
