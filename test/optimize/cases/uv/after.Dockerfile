FROM python:3.13-slim-trixie AS builder
COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /uvx /bin/
WORKDIR /app
COPY pyproject.toml uv.lock ./
ENV UV_COMPILE_BYTECODE=1
ENV UV_PYTHON_DOWNLOADS=0
RUN uv sync --no-install-project --locked --no-dev --no-cache
COPY . .
RUN uv sync --no-editable --locked --no-dev --no-cache

FROM python:3.13-slim-trixie
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /app
COPY . .
RUN python -m compileall -q .
COPY --from=builder /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH"
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
EXPOSE 8000
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
