FROM python:3.12-trixie AS builder
WORKDIR /srv/app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# Flask service behind gunicorn
FROM python:3.12-slim-trixie
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1

WORKDIR /srv/app

COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
# Application code and its dependencies
COPY . .
RUN python -m compileall -q .

ENV FLASK_APP=web
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001
EXPOSE 8080
ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8080 --workers 4"
CMD ["gunicorn", "web:app", "--worker-tmp-dir", "/dev/shm"]
