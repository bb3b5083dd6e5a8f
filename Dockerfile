# Sereno in a container: `docker build -t sereno .`, then see docker-compose.yml.
# Settings come from the environment (`--env-file .env`); the database lives on /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Sereno in its own virtual environment (no other package can shadow bot, storage, …),
# with its charts extra (the team report's chart) and without its test extras; the sources
# are removed once installed. The shipped playbooks and reading rules are parsed once here
# (playbooks/toml_cache.py): the user Sereno runs as cannot write beside them, and each
# start then reads their data as JSON instead of parsing the TOML (~28 ms).
COPY pyproject.toml README.md LICENSE sereno_main.py /src/
COPY bot /src/bot
COPY handlers /src/handlers
COPY playbooks /src/playbooks
COPY storage /src/storage
RUN python -m venv /opt/sereno \
    && /opt/sereno/bin/pip install '/src[charts]' \
    && rm -rf /src \
    && /opt/sereno/bin/python -m playbooks.toml_cache

# A dedicated user without a login or a password; it owns /data and nothing else.
RUN groupadd --system --gid 10001 sereno \
    && useradd --system --uid 10001 --gid sereno --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin sereno \
    && mkdir -p /data \
    && chown sereno:sereno /data \
    && chmod 0700 /data

ENV PATH=/opt/sereno/bin:$PATH \
    HOME=/data \
    MPLCONFIGDIR=/tmp/matplotlib \
    SERENO_DB=/data/sereno.db

# The database, its -wal/-shm and the heartbeat (sereno.db.heartbeat) live here.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001

# Slack's Events API in HTTP mode (no SLACK_APP_TOKEN); Socket Mode and Discord need no port.
EXPOSE 3000

# `sereno health` reads the heartbeat the running process writes every 5 s (in every
# mode) and, in Slack's HTTP mode, also asks GET /healthz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["sereno", "health"]

# Every platform whose token is set; with none, stop with one line (no console here).
CMD ["sereno", "run", "--no-console"]
