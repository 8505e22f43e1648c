# msglint pre-send gate: one uvicorn worker per container; scale with replicas.
#   docker build -t msglint .
#   docker run -p 8000:8000 -e MSGLINT_API_TOKENS=... msglint
# tests/test_http_install.py runs these same steps in a fresh virtualenv (no Docker here).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY linter ./linter
COPY rules ./rules
# A non-editable install: the packs ship inside the package (linter.rules_data).
RUN python -m venv /opt/msglint && /opt/msglint/bin/pip install /src

FROM python:3.11-slim
# msglint keeps its caches (jieba's dictionary by character, the packs' parsed YAML, the
# command line's built engine) in $XDG_CACHE_HOME/msglint: make that one the app user owns
# (it has no home folder).
ENV PATH=/opt/msglint/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/var/cache \
    TMPDIR=/var/cache/msglint
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin msglint \
    && mkdir -p /var/cache/msglint && chown msglint /var/cache/msglint
COPY --from=build /opt/msglint /opt/msglint
USER msglint
# Build the caches now rather than in every container start (test-rules reads the packs),
# and refuse to build an image whose packs fail their own examples.
RUN python -c "from linter.core.tokens import warm_up; warm_up()" \
    && test -n "$(find /var/cache/msglint -name 'msglint-jieba*.shards' -size +1M)" \
    && msglint test-rules
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Tokens: MSGLINT_API_TOKENS / MSGLINT_ADMIN_TOKENS (comma-separated), or [server] in a
# config mounted and named with --config. SIGTERM drains requests in flight (30 s).
CMD ["msglint", "serve", "--host", "0.0.0.0"]
