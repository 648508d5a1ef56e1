"""Reviewing: the review form (online and offline), the discussion's comments, and reminders."""
