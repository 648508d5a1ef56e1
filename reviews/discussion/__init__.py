"""The discussion of a paper: its lead, the meta-review, and the authors' response."""
