"""Lab 06 (Amazon MWAA): the grader's parts written so far. course.yml lists the lab as planned, so
nothing loads a spec from here yet; tests/test_lab06_parts.py checks each part on its own."""
