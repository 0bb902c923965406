FROM python:3.12-slim-bookworm

ENV POETRY_VIRTUALENVS_CREATE=false
RUN pip install --no-cache-dir poetry==1.8.3

WORKDIR /app
COPY pyproject.toml poetry.lock ./
# Only the runtime dependencies
RUN poetry install --only main --no-root --no-interaction

COPY . .
USER 10001
CMD ["uvicorn", "shop.api:app", "--host", "0.0.0.0", "--port", "8000"]
