"""The repository's own tests."""
