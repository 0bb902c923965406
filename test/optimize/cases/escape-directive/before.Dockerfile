# escape=`
FROM python:3.12-slim-bookworm
# Build tools for the C extensions
RUN apt-get update `
 && apt-get install -y --no-install-recommends `
    gcc `
    libpq-dev `
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir `
    -r requirements.txt
COPY . .
USER 10001:10001
CMD ["python", "-m", "service"]
