# Vertrouwd: one image for the web processes (gunicorn), the workers and the one-off init.
# The browser libraries of the modeler and the diagrams come from npm at build time (package-lock.json).
FROM node:22-slim AS browser-libraries
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VERTROUWD_INSTANCE=/var/lib/vertrouwd
WORKDIR /srv/vertrouwd

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY workers ./workers
COPY migrations ./migrations
COPY bpmn ./bpmn
COPY forms ./forms
COPY --from=browser-libraries /build/node_modules ./node_modules
# Editable install: bpmn/, forms/ and migrations/ stay beside the code, where the app finds them.
RUN pip install --no-cache-dir -e . \
    && python -c "from app.i18n import compile_catalogs; compile_catalogs()" \
    && useradd --system --home /var/lib/vertrouwd vertrouwd \
    && mkdir -p /var/lib/vertrouwd && chown vertrouwd /var/lib/vertrouwd

USER vertrouwd
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "workers.wsgi:app"]
