# One image for the portal (gunicorn) and the OCR/harvest workers of the scale-out setting.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 WARISAN_INSTANCE=/srv/warisan/instance
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ind tesseract-ocr-msa \
      tesseract-ocr-eng fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/warisan/app
COPY . .
COPY --from=assets /src/node_modules/openseadragon/build/openseadragon /srv/warisan/app/static/vendor/openseadragon
RUN pip install --no-cache-dir -e '.[postgres,redis,elasticsearch,server]' \
 && pybabel compile -d translations
RUN useradd --system --home /srv/warisan warisan && mkdir -p /srv/warisan/instance \
 && chown -R warisan /srv/warisan/instance
USER warisan
EXPOSE 8000
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "portal:create_app()"]
