"""Reviews: assignments, bids, reviews, discussion (see the reviews issue)."""
