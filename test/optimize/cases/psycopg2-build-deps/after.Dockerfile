FROM python:3.12-slim-bookworm AS builder
# Compilers and headers for psycopg2
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY . .
RUN python -m compileall -q .

ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
EXPOSE 8000
USER 10001:10001
ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000"
CMD ["gunicorn", "app.wsgi:application", "--worker-tmp-dir", "/dev/shm"]
