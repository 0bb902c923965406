FROM python:3.12-slim-bookworm AS builder
RUN pip install --no-cache-dir poetry==1.8.3
WORKDIR /app
ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true
COPY pyproject.toml poetry.lock ./
# Only the runtime dependencies
RUN poetry install --only main --no-root --no-interaction

FROM python:3.12-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1

ENV POETRY_VIRTUALENVS_CREATE=false

WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH"

COPY . .
RUN python -m compileall -q .
USER 10001
CMD ["uvicorn", "shop.api:app", "--host", "0.0.0.0", "--port", "8000"]
