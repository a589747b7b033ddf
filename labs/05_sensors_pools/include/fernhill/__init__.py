"""Fernhill Market's code for the sensors lab: plain Python and one custom sensor, imported by the DAGs."""
