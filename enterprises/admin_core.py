"""Admin for enterprises, memberships and registration changes."""
