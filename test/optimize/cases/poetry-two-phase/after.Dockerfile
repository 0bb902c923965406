FROM python:3.12-bookworm AS builder
# Poetry itself, pinned
RUN pip install --no-cache-dir poetry==1.8.3
WORKDIR /srv/shop
ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true
COPY pyproject.toml poetry.lock ./
RUN poetry install --no-root --only main --no-interaction
COPY . .
# Dependencies and the shop package (its `shop-api` console script)
RUN poetry install --only main --no-interaction

FROM python:3.12-slim-bookworm

ENV POETRY_VIRTUALENVS_CREATE=false

WORKDIR /srv/shop
COPY --from=builder /srv/shop/.venv /srv/shop/.venv
ENV PATH="/srv/shop/.venv/bin:$PATH"
COPY . .
RUN python -m compileall -q . && \
    groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
EXPOSE 8000
CMD ["shop-api", "--port", "8000"]
