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

# The service image
FROM python:3.12-bookworm
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["gunicorn", "app:app", "--worker-tmp-dir", "/dev/shm"]
