"""Host-side views of what a sandbox job returned, with helpers the checks read through."""
