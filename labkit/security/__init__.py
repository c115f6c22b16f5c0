"""Security and governance (notebook 08): prompt injection (injection), canaries (canary), redaction (redact)."""
