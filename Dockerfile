# syntax=docker/dockerfile:1
# The production image: gunicorn (web), Celery worker and beat all run from it (docker-compose.yml).

# --- build: the locked dependencies, compiled translations and collected static files ---------
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_NO_CACHE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# gettext only to compile the .po catalogues; it does not reach the runtime image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*

# Exactly the locked versions, with the same build constraints as `make deps`.
ARG UV_VERSION=0.13.9
COPY requirements.lock build-constraints.txt /app/
RUN python -m venv /opt/venv \
 && pip install "uv==${UV_VERSION}" \
 && uv pip sync /app/requirements.lock --python /opt/venv/bin/python \
      --build-constraints /app/build-constraints.txt

WORKDIR /app
COPY . /app
# A throwaway key: collectstatic and compilemessages only need settings to load.
RUN if find . -path ./.venv -prune -o -name '*.po' -print | grep -q .; then \
      DEBUG=false SECRET_KEY=build-only-not-a-secret python manage.py compilemessages --ignore=.venv; \
    fi \
 && DEBUG=false SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input \
 && python -m compileall -q /app -x '/app/(\.venv|var)/'

# --- runtime --------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    CRM_VAR_DIR=/app/var

RUN groupadd --system --gid 10001 crm \
 && useradd --system --uid 10001 --gid crm --home-dir /app --shell /usr/sbin/nologin crm

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# The code stays root-owned and read-only for the app user; only var/ (beat schedule) is writable.
RUN mkdir -p /app/var && chown crm:crm /app/var

WORKDIR /app
USER crm
EXPOSE 8000

CMD ["gunicorn", "crm_project.wsgi:application", "--config", "gunicorn.conf.py"]
