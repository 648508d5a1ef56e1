"""Submissions: papers, authors, PDF versions (see the submissions issue)."""
