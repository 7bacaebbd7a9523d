"""Admin for regimes, ratings, credit events, the certification standard and self-examinations."""
