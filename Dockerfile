# Ocean Custom (integration type "custom"): `ocean sail` as uid 1001, the integration at /app.
#
#   docker build -t port-ocean-custom:0.1.0 .
#
# The tag's name matters for Port's Helm chart, which pulls <imageRegistry>/port-ocean-<type>:<version>.
# Base: an exact Python patch release on Debian bookworm. Pin it by digest at build time with
#   --build-arg PYTHON_IMAGE=python:3.13.5-slim-bookworm@sha256:<digest>
# (`docker buildx imagetools inspect python:3.13.5-slim-bookworm` prints the digest). Both stages
# must use the same image: the virtualenv points at the interpreter it was created with.
ARG PYTHON_IMAGE=python:3.13.5-slim-bookworm

# --- build: the locked dependencies, installed exactly as CI installs them -----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY scripts/setup.sh scripts/setup.sh
COPY requirements/runtime.lock requirements/runtime.lock
# The same script as `make install-runtime`: creates /app/.venv and runs
# pip install --require-hashes --no-deps -r requirements/runtime.lock. Every locked package has a
# CPython 3.13 wheel for linux amd64 and arm64 (scripts/check-image-deps.sh), so no compiler is needed.
RUN scripts/setup.sh runtime

# --- runtime: no compiler, no pip cache, no tests, not root ---------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
# uid/gid 1001 "ocean" (Port's own Ocean images use uid 999; any non-root uid works: /app is
# read-only and Ocean writes only under /tmp).
RUN groupadd --gid 1001 ocean \
    && useradd --uid 1001 --gid 1001 --create-home --shell /usr/sbin/nologin ocean
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
# Root-owned and read-only for the ocean user; .dockerignore keeps tests, .env and tooling out.
COPY . /app
# Byte-compile every module of the integration now, packages included (no -l: that would stop at
# the top level): the ocean user cannot write __pycache__ in /app. The virtualenv was compiled
# by pip when it was installed.
RUN /app/.venv/bin/python -m compileall -q -x '/app/\.venv/' /app
# OCEAN__PROCESSING_MODE=ocean-core: Ocean maps, upserts and reconciles in this process, the mode
# this integration's guarantees (shrink guard, refused upserts fail the resync) are tested in.
# Ocean's default (dsp) asks Port for feature flags on every batch and, without them, logs "DSP
# mode requested but required feature flags are missing" each time before falling back to this
# very mode. Set it to dsp to opt in to Port's processing service (docs/deployment.md).
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OCEAN__PROCESSING_MODE=ocean-core
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1001:1001
# Ocean's HTTP server (FastAPI): the Helm chart's probes call GET /health/live and /health/ready.
EXPOSE 8000
ENTRYPOINT ["ocean", "sail"]
