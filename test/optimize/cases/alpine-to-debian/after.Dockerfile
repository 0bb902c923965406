FROM python:3.12-slim-trixie AS builder
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim-trixie
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY . .
RUN python -m compileall -q . && \
    groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
CMD ["python", "main.py"]
