"""Deployable integration apps, one per front door (see docs/integration.md)."""
