# Tests run with: docker build --target test .
FROM python:3.12-slim-bookworm AS test
WORKDIR /app
COPY . .
RUN pip install -r requirements-dev.txt
RUN pytest -q

# Docs are built with: docker build --target docs .
FROM python:3.12-slim-bookworm AS docs
WORKDIR /docs
COPY docs/ .
RUN pip install sphinx==7.3.7 && sphinx-build -b html . /site

FROM python:3.12-bookworm AS builder
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The service image
FROM python:3.12-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY . .
RUN python -m compileall -q . && \
    groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "app:app", "--worker-tmp-dir", "/dev/shm"]
