FROM python:3.12-bookworm AS builder
WORKDIR /code
ENV PIPENV_VENV_IN_PROJECT=1
COPY Pipfile Pipfile.lock ./
RUN pip install --no-cache-dir pipenv==2024.0.1 && pipenv sync

FROM python:3.12-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /code
COPY --from=builder /code/.venv /code/.venv
ENV PATH="/code/.venv/bin:$PATH"
COPY . .
RUN python -m compileall -q . && \
    groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
CMD ["python", "-m", "service"]
