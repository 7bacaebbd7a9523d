"""Admin for announcements and training sessions."""
