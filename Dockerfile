# One image for the portal (gunicorn) and the OCR/harvest workers of the scale-out setting.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY assets ./assets
RUN npm ci --no-audit --no-fund \
 && mkdir -p uppy \
 && node_modules/.bin/esbuild assets/uppy.js --bundle --minify --format=iife --target=es2020 \
      --outfile=uppy/uppy.min.js \
 && cat node_modules/@uppy/core/dist/style.min.css node_modules/@uppy/dashboard/dist/style.min.css \
      > uppy/uppy.min.css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 WARISAN_INSTANCE=/srv/warisan/instance
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ind tesseract-ocr-msa \
      tesseract-ocr-eng tesseract-ocr-jav tesseract-ocr-sun fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/warisan/app
COPY . .
COPY --from=assets /src/node_modules/openseadragon/build/openseadragon /srv/warisan/app/static/vendor/openseadragon
COPY --from=assets /src/uppy /srv/warisan/app/static/vendor/uppy
RUN pip install --no-cache-dir -e '.[postgres,redis,elasticsearch,server]' \
 && pybabel compile -d translations
RUN useradd --system --home /srv/warisan warisan && mkdir -p /srv/warisan/instance \
 && chown -R warisan /srv/warisan/instance
USER warisan
EXPOSE 8000
# gthread workers: a long upload request (a 50 MB piece on a slow line) holds a thread, and
# the worker's timeout does not cut it off as it would a sync worker's.
CMD ["gunicorn", "--workers", "2", "--threads", "8", "--bind", "0.0.0.0:8000", "portal:create_app()"]
