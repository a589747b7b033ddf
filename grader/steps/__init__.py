"""The steps of the grading pipeline, in the order grader.pipeline runs them."""
