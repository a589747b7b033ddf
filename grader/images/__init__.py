"""Container images the grader runs jobs in, built locally (no registry needed)."""
