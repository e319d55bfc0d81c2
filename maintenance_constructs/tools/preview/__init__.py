"""The ``preview`` command's work: what the toggle changes across two assemblies (``diff``,
with rules in words from ``rule_words``) and who gets what at each front door, as text or
JSON (``report``)."""
