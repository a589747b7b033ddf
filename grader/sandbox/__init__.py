"""Code that runs inside the sandbox job, next to the learner's code.

Nothing here may import the checks or expected values: a submission running in the same process
could read them. The job only executes and records; the host judges.
"""
