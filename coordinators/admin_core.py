"""Admin for coordinators, pairs, recusals and disqualifications."""
