# Super IT's image: web (gunicorn), workers and beat run from it with their
# own commands (docker-compose.yml). The steps are the README's install
# steps: the pinned Python packages of pyproject.toml, htmx from the npm
# registry (package-lock.json), then collectstatic for WhiteNoise.

FROM node:20-bookworm-slim AS htmx
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system superit \
    && useradd --system --gid superit --home-dir /app --shell /usr/sbin/nologin superit
WORKDIR /app

# The pinned dependencies first, so a code change reuses this layer. The
# project installs no package of its own: it runs from /app.
COPY pyproject.toml ./
RUN pip install .

COPY --from=htmx /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY manage.py ./
COPY superit superit
COPY connectwise connectwise
COPY psa psa
COPY sync sync
COPY webhooks webhooks
COPY sparky sparky
COPY templates templates
COPY static static
COPY deploy deploy

# Static files with content-hashed names, served by WhiteNoise. Settings
# need a secret key and a Fernet key to load: throwaway ones, for this
# step only (not kept in the image).
ENV STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=1 \
    SUPERIT_VAR_DIR=/app/var
RUN SECRET_KEY=collectstatic-only \
    SUPERIT_FERNET_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown -R superit:superit /app/var

USER superit
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.py", "superit.wsgi"]
