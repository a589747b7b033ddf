"""Release labs/ from solutions/: solutions are the source of truth, labs are generated."""
