"""Autograder for the orchestration course."""
