FROM python:3.11-bookworm AS builder
WORKDIR /opt/service
RUN pip install --no-cache-dir "poetry==1.8.3" "poetry-plugin-export==1.8.0" && \
    python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt --output requirements.txt \
 && pip install --no-cache-dir --no-deps -r requirements.txt

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /opt/service
COPY pyproject.toml poetry.lock ./
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY service/ ./service/
RUN python -m compileall -q ./service/ && \
    groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
CMD ["python", "-m", "service"]
