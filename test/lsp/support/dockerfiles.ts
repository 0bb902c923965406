// Dockerfile texts shared by the protocol tests.

/** A service on the full image that installs with build packages: every headline Optimize step applies (multi-stage included). */
export const SERVICE_DOCKERFILE = [
  'FROM python:3.12-bookworm',
  'RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*',
  'WORKDIR /app',
  'COPY requirements.txt .',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'COPY . .',
  'CMD ["python", "-m", "service"]',
  '',
].join('\n');
