# The grader's runtime: the course's Python packages (from the host-built wheelhouse, installed
# with --no-index) and only the sandbox half of the grader: checks and expected values stay on
# the host, out of reach of the learner's code. --no-deps: requirements.txt is uv's export of the
# whole lock, so pip has nothing to resolve (and must not bring back what the lock leaves out).
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}
COPY requirements.txt /tmp/requirements.txt
COPY wheelhouse /tmp/wheelhouse
RUN python3 -m venv /opt/course \
 && /opt/course/bin/pip install --quiet --no-deps --no-index --find-links /tmp/wheelhouse -r /tmp/requirements.txt \
 && rm -rf /tmp/wheelhouse /root/.cache
COPY sandbox-src/ /opt/course/lib/python3.11/site-packages/grader/
RUN useradd --create-home --uid 10001 learner && mkdir /job && chown learner /job
USER learner
ENV PATH=/opt/course/bin:$PATH PYTHONDONTWRITEBYTECODE=1 HOME=/home/learner
WORKDIR /job
