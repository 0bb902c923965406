# escape=`
FROM python:3.12-slim-bookworm AS builder
# Build tools for the C extensions
RUN apt-get update `
 && apt-get install -y --no-install-recommends `
    gcc `
    libpq-dev `
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir `
    -r requirements.txt

FROM python:3.12-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
RUN apt-get update `
 && apt-get install -y --no-install-recommends `
    libpq5 `
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY . .
RUN python -m compileall -q .
USER 10001:10001
CMD ["python", "-m", "service"]
