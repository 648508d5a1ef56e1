"""Deciding and telling: the dashboard, the paper table and its search language
(search.py: no Django), single and bulk decisions, the release and its letters,
messages to authors, and the chairs' mail pages."""
