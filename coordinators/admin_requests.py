"""Admin for coordination requests (filled in with the requests feature)."""
