# screening as an HTTP service: `docker build -t screening .` then
#   docker run -p 8000:8000 -e SCREENING_API_KEYS="orders screen sha256:..." screening
# Keys lines come from `screening serve --new-key NAME:SCOPES`; a keys file can be mounted and
# named instead (`... screening --keys /run/secrets/screening-keys`). Official lists: mount
# them and add `--lists /data/csl.csv.gz`. One worker per container; scale with replicas.

# --- build: the wheel (with the bundled rules) and its dependencies, in a virtual env ---------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/screening
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY rules ./rules
RUN /opt/screening/bin/pip install '.[serve]'

# --- run: the virtual env only, no compilers, no sources, not root ------------------------------
FROM python:3.11-slim
ENV PATH=/opt/screening/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin screening
COPY --from=build /opt/screening /opt/screening
USER 10001
EXPOSE 8000
# /healthz needs no key. No curl in the slim image: Python's urllib does the probe.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["screening", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--workers", "1"]
