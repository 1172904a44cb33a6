"""Annex 1–4 builders, submissions county → city → province, dashboards (issue #6)."""
