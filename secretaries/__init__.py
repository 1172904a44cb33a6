"""Cadres, their postings through the six-step pipeline, and in-office management (issue #5 on)."""
