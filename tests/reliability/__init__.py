"""The reliability and security suite: faults, bad input, XML safety, secrets, hygiene.

``python -m tests.reliability.report`` runs it and writes ``RELIABILITY.md`` from the run.
"""
